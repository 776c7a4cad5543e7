"""Signals the audit record sends, so higher layers can react without the record importing them."""

from django.dispatch import Signal

# Sent with `event` (an AuditEvent) once a write through the PostHog client is recorded.
audit_event_recorded = Signal()
