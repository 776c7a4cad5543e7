from django.apps import AppConfig


class SimulatorConfig(AppConfig):
    name = "simulator.django_app"
    label = "simulator"
    verbose_name = "PostHog simulator"
