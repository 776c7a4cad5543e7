from django.urls import path

from apps.secret_keys import views

app_name = "secret_keys"

urlpatterns = [
    path("", views.key_list, name="list"),
    path("new/", views.key_create, name="create"),
    path("bulk-delete/", views.key_bulk_delete, name="bulk_delete"),
    path("<str:key_id>/edit/", views.key_edit, name="edit"),
    path("<str:key_id>/roll/", views.key_roll, name="roll"),
    path("<str:key_id>/delete/", views.key_delete, name="delete"),
]
