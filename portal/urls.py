from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.core import views as core_views

urlpatterns = [
    path("", include("apps.overview.urls")),
    path("healthz/", core_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("connections/", include("apps.connections.urls")),
    path("", include("apps.plugins.urls")),
    path("history/", include("apps.history.urls")),
    path("groups/", include("apps.groups.urls")),
    path("sharing/", include("apps.sharing.urls")),
    path("secret-keys/", include("apps.secret_keys.urls")),
    path("project/", include("apps.project_actions.urls")),
    path("roles/", include("apps.roles.urls")),
    path("annotations/", include("apps.annotations.urls")),
    path("cohorts/", include("apps.cohorts.urls")),
    path("files/", include("apps.file_system.urls")),
    path("audit/", include("apps.audit.urls")),
    path("areas/<slug:slug>/", core_views.area_pending, name="area_pending"),
]
