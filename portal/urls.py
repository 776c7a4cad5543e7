from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("overview/project/", core_views.project_summary, name="project_summary"),
    path("overview/plugins/", core_views.plugin_health, name="plugin_health"),
    path("healthz/", core_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("connections/", include("apps.connections.urls")),
    path("", include("apps.plugins.urls")),
    path("history/", include("apps.history.urls")),
    path("areas/<slug:slug>/", core_views.area_pending, name="area_pending"),
]
