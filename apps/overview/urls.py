from django.urls import path

from apps.overview import views

urlpatterns = [
    path("", views.home, name="home"),
    path("overview/project/", views.project_summary, name="project_summary"),
    path("overview/plugins/", views.plugin_health, name="plugin_health"),
]
