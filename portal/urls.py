from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.people.urls import sso_patterns

urlpatterns = [
    path("", include("apps.overview.urls")),
    path("", include("apps.core.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/sso/", include((sso_patterns, "sso"))),
    path("connections/", include("apps.connections.urls")),
    path("", include("apps.plugins.urls")),
    path("pipeline/batch-exports/", include("apps.batch_exports.urls")),
    path("history/", include("apps.history.urls")),
    path("groups/", include("apps.groups.urls")),
    path("sharing/", include("apps.sharing.urls")),
    path("secret-keys/", include("apps.secret_keys.urls")),
    path("project/", include("apps.project_actions.urls")),
    path("roles/", include("apps.roles.urls")),
    path("annotations/", include("apps.annotations.urls")),
    path("cohorts/", include("apps.cohorts.urls")),
    path("files/", include("apps.file_system.urls")),
    path("pipeline/functions/", include("apps.hog_functions.urls")),
    path("audit/", include("apps.trail.urls")),
    path("people/", include("apps.people.urls")),
    path("alerts/", include("apps.alerts.urls")),
    path("views/", include("apps.saved_views.urls")),
]

# A request Django cannot read (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a broken multipart body): a readable page.
handler400 = "apps.core.views.bad_request"
