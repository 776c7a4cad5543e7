"""What the annotation pages show that is neither a read nor a write: an annotation named in a message, and the
list's URLs."""

from django.http import HttpRequest

LABEL_LENGTH = 60


def annotation_label(content: str) -> str:
    """An annotation's text on one line, shortened, for a message naming it."""
    text = " ".join(content.split()) or "annotation without text"
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1] + "…"


def page_url(request: HttpRequest) -> str:
    """This list's URL without its offset, ready for `&offset=`."""
    query = request.GET.copy()
    query.pop("offset", None)
    return f"{request.path}?{query.urlencode()}"


def with_deleted_shown(request: HttpRequest) -> str:
    """Where a delete without JavaScript leads: this list, with the deleted annotations (and their Restore) shown."""
    query = request.GET.copy()
    query["deleted"] = "on"
    return f"{request.path}?{query.urlencode()}"
