"""What the two-factor set-up shows: the authenticator's QR code and its secret for typing in by hand."""

from base64 import b32encode

import segno
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice


def two_factor_qr_svg(*, device: TOTPDevice) -> SafeString:
    """The otpauth:// address as an inline SVG (no script, no data URL, so it passes the page's CSP); segno builds
    it from the address alone, which holds nothing but the issuer, the user name and the secret."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=2, dark="#000", light="#fff", title="Authenticator QR code"
    )
    return mark_safe(svg)  # noqa: S308 - markup segno generated, no text of anyone's choosing unescaped


def two_factor_secret(*, device: TOTPDevice) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))
