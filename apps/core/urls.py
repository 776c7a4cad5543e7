"""Pages that belong to no area (the health check, an area not yet built); their names have no namespace."""

from django.urls import path

from apps.core import views

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("areas/<slug:slug>/", views.area_pending, name="area_pending"),
]
