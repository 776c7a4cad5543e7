"""A group key inside a URL path, for the one URL that cannot carry it in the query string."""

from base64 import urlsafe_b64decode, urlsafe_b64encode


class GroupKeyConverter:
    """Base64url without padding: group keys are often URLs themselves (`https://…`), and a `//` or a `..` in
    a path would be merged or resolved away by browsers and proxies before the portal saw it."""

    regex = "[A-Za-z0-9_-]+"

    def to_python(self, value: str) -> str:
        # A malformed segment raises ValueError, which Django turns into a 404.
        return urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()

    def to_url(self, value: str) -> str:
        return urlsafe_b64encode(value.encode()).decode().rstrip("=")
