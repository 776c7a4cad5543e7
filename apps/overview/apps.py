from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """The home page (what needs attention across areas) and `runportal`, which starts the whole portal: the
    top of the apps, so it may read any area."""

    name = "apps.overview"
    verbose_name = "Overview"
