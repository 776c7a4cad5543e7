from django.conf import settings
from django.db import models

UTC_NAME = "UTC"


class Preference(models.Model):
    """What one person chose for themself: the time zone every time on a page is shown in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    # An IANA name (zoneinfo.available_timezones()); the form offers only those.
    time_zone = models.CharField(max_length=64, default=UTC_NAME)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} · {self.time_zone}"


class SsoIdentity(models.Model):
    """Which account of the company's identity provider a person signs in with: the provider's `sub` claim, which
    stays the same when their email changes."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity")
    subject = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} · {self.subject}"
