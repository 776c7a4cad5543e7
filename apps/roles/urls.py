from django.urls import path

from apps.roles import views

app_name = "roles"

urlpatterns = [
    path("", views.role_list, name="list"),
    path("new/", views.role_create, name="create"),
    path("<uuid:role_id>/", views.role_detail, name="detail"),
    path("<uuid:role_id>/rename/", views.role_rename, name="rename"),
    path("<uuid:role_id>/delete/", views.role_delete, name="delete"),
]
