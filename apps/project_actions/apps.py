from django.apps import AppConfig


class ProjectActionsConfig(AppConfig):
    name = "apps.project_actions"
    label = "project_actions"
    verbose_name = "Project tokens and actions"
