from django.urls import path

from apps.file_system import views

app_name = "file_system"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("children/", views.children, name="children"),
    path("counts/", views.counts, name="counts"),
    path("recent/", views.recent, name="recent"),
    path("unfiled/", views.unfiled, name="unfiled"),
    path("undo/", views.undo_delete, name="undo_delete"),
    path("items/<str:entry_id>/", views.item_detail, name="item"),
    path("items/<str:entry_id>/viewed/", views.item_viewed, name="viewed"),
    path("items/<str:entry_id>/move/", views.item_move, name="move"),
    path("items/<str:entry_id>/link/", views.item_link, name="link"),
    path("items/<str:entry_id>/delete/", views.item_delete, name="delete"),
]
