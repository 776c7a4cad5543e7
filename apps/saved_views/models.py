"""A saved view: a portal page with its filters (the querystring of a GET page), kept under a name by the person who
saved it and, when shared, listed in everyone's navigation."""

from django.conf import settings
from django.db import models

NAME_MAX = 80
QUERY_MAX = 2000
PATH_MAX = 500


class SavedView(models.Model):
    name = models.CharField(max_length=NAME_MAX)
    # The page, without its querystring: a path of the portal that answers GET (apps/saved_views/paths.py).
    path = models.CharField(max_length=PATH_MAX)
    # The querystring without its "?", re-encoded when saved; "" for the page as it opens.
    query = models.CharField(max_length=QUERY_MAX, blank=True, default="")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_view_unique_name_per_owner")]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path
