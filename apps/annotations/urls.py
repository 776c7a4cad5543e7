from django.urls import path

from apps.annotations import views

app_name = "annotations"

urlpatterns = [
    path("", views.annotation_list, name="list"),
    path("new/", views.annotation_create, name="create"),
    path("<int:annotation_id>/", views.annotation_detail, name="detail"),
    path("<int:annotation_id>/edit/", views.annotation_edit, name="edit"),
    path("<int:annotation_id>/delete/", views.annotation_delete, name="delete"),
    path("<int:annotation_id>/restore/", views.annotation_restore, name="restore"),
    path("undo/<str:token>/", views.annotation_undo, name="undo"),
    path("bulk-delete/", views.annotation_bulk_delete, name="bulk_delete"),
]
