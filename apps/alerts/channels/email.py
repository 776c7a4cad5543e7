"""Email through Django's mail backend (SMTP settings from the environment: EMAIL_HOST, EMAIL_PORT, …)."""

import re
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from apps.alerts.channels.errors import ChannelError
from apps.alerts.models import Channel

TIMEOUT_SECONDS = 10
SUBJECT_LIMIT = 200
_SEPARATORS = re.compile(r"[,;\s]+")


def addresses_of(text: str) -> list[str]:
    return [address for address in _SEPARATORS.split(text) if address]


def body_of(payload: dict[str, Any]) -> str:
    text = str(payload.get("text") or payload.get("title") or "")
    parts = [text]
    # The text `alert_payload` writes already holds both; a payload whose text does not gets them added.
    if payload.get("message") and str(payload["message"]) not in text:
        parts.append(f"Last error:\n{payload['message']}")
    if payload.get("link") and str(payload["link"]) not in text:
        parts.append(f"Open in the portal: {payload['link']}")
    parts.append("— PostHog Ops Portal alerts")
    return "\n\n".join(part for part in parts if part)


def send(channel: Channel, payload: dict[str, Any], *, delivery_key: str) -> None:
    if not getattr(settings, "PORTAL_EMAIL_ENABLED", False):
        # Django would try localhost:25 and fail in a way nobody can read; say what is missing instead.
        raise ChannelError("No mail server is set up for the portal: set EMAIL_HOST (README, Alerts).")
    recipients = addresses_of(channel.addresses)
    if not recipients:
        raise ChannelError("The channel has no email addresses.")
    # A header holds one line: a newline in an item's name would otherwise make Django refuse the message.
    subject = " ".join(str(payload.get("title") or "Alert").split())[:SUBJECT_LIMIT]
    message = EmailMessage(
        subject=subject,
        body=body_of(payload),
        to=recipients,
        headers={"X-Portal-Delivery": delivery_key},
        connection=get_connection(fail_silently=False, timeout=TIMEOUT_SECONDS),
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        raise ChannelError(f"The mail server refused every recipient ({', '.join(error.recipients)}).") from None
    except smtplib.SMTPResponseException as error:
        reason = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        raise ChannelError(f"The mail server answered {error.smtp_code}: {reason}") from None
    except TimeoutError:
        raise ChannelError(f"The mail server did not answer within {TIMEOUT_SECONDS} s.") from None
    except (smtplib.SMTPException, OSError) as error:
        host = getattr(settings, "EMAIL_HOST", "")
        port = getattr(settings, "EMAIL_PORT", "")
        raise ChannelError(f"Could not send through the mail server {host}:{port} ({type(error).__name__}).") from None
