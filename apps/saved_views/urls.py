from django.urls import path

from apps.saved_views import views

app_name = "saved_views"
urlpatterns = [
    path("", views.saved_view_list, name="list"),
    path("save/", views.saved_view_save, name="save"),
    path("<int:pk>/edit/", views.saved_view_edit, name="edit"),
    path("<int:pk>/delete/", views.saved_view_delete, name="delete"),
]
