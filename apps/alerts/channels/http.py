"""One POST to a Slack or webhook URL, its failures told without the URL (which is a secret)."""

from urllib.parse import urlsplit

import requests

from apps.alerts.channels.errors import ChannelError
from apps.posthog.errors import text_snippet

TIMEOUT_SECONDS = 10.0


def post(*, url: str, body: bytes, headers: dict[str, str], what: str) -> None:
    """2xx is accepted; anything else, a redirect included, is not (following one would hand a signed body to a
    host nobody chose)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ChannelError(f"The {what} URL is missing or is not an http(s) URL.")
    try:
        response = requests.post(url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False)
    except requests.Timeout:
        raise ChannelError(f"The {what} did not answer within {TIMEOUT_SECONDS:g} s.") from None
    except requests.ConnectionError:
        # requests' own message holds the URL: say what happened, not where.
        raise ChannelError(f"Could not connect to the {what}'s host ({parts.hostname}).") from None
    except requests.RequestException as error:
        raise ChannelError(f"The request to the {what} failed ({type(error).__name__}).") from None
    if not 200 <= response.status_code < 300:
        snippet = text_snippet(response.text, 200)
        raise ChannelError(f"The {what} answered HTTP {response.status_code}" + (f": {snippet}" if snippet else "."))
