from django.urls import path

from apps.project_actions import views

app_name = "project_actions"

urlpatterns = [
    path("", views.index, name="index"),
    path("reset-token/", views.token_action, {"action": "reset_token"}, name="reset_token"),
    path("rotate-secret-token/", views.token_action, {"action": "rotate_secret_token"}, name="rotate_secret_token"),
    path(
        "delete-secret-token-backup/",
        views.token_action,
        {"action": "delete_secret_token_backup"},
        name="delete_secret_token_backup",
    ),
    path(
        "conversations-token/",
        views.token_action,
        {"action": "generate_conversations_public_token"},
        name="generate_conversations_public_token",
    ),
    path("onboarding/", views.onboarding_complete, name="complete_product_onboarding"),
    path("demo-data/", views.demo_data, name="is_generating_demo_data"),
]
