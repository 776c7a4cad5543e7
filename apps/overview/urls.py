from django.urls import path

from apps.overview import views

urlpatterns = [
    path("", views.home, name="home"),
    path("overview/health/", views.health_summary, name="health_summary"),
    path("overview/project/", views.project_summary, name="project_summary"),
    path("overview/plugins/", views.plugin_health, name="plugin_health"),
    path("search/", views.search, name="search"),
]
