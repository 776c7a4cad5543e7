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
