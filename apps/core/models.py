from django.db import models


class Portal(models.Model):
    """Holds the portal-wide permissions that the Viewer / Operator / Admin roles grant."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_portal", "See PostHog resources and history"),
            ("operate", "Make everyday changes in PostHog"),
            ("administer", "Manage connections, secret keys, tokens and deletions"),
        ]
