"""Audit events in Django's admin: to read, never to add, change or delete, whoever signs in."""

from django.contrib import admin

from apps.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_name", "action", "object_name", "path", "outcome", "status_code")
    list_filter = ("outcome", "area", "action")
    search_fields = ("actor_name", "object_name", "path", "object_id", "error")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
