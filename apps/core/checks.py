from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def field_encryption_keys_check(app_configs, **kwargs):
    if settings.FIELD_ENCRYPTION_KEYS:
        return []
    return [
        Warning(
            "FIELD_ENCRYPTION_KEYS is not set: stored API keys are encrypted with a key derived from SECRET_KEY.",
            hint="Set FIELD_ENCRYPTION_KEYS to one or more Fernet keys so SECRET_KEY can rotate independently.",
            id="portal.W001",
        )
    ]
