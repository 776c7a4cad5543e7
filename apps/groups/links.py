"""URLs of one group's pages: the group is named by its type in the path and its key in the query string."""

from urllib.parse import urlencode

from django.urls import reverse


def group_url(view: str, *, type_index: int, key: str, **query: str) -> str:
    """`group_url("groups:detail", type_index=0, key="acme")` -> "/groups/0/group/?key=acme"."""
    return f"{reverse(view, args=[type_index])}?{urlencode({'key': key, **query})}"
