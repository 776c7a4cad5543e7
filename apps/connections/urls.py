from django.urls import path

from apps.connections import views

app_name = "connections"
urlpatterns = [
    path("", views.connection_list, name="list"),
    path("new/", views.connection_create, name="create"),
    path("switch/", views.context_switch, name="switch"),
    path("scope/", views.scope_picker, name="scope"),
    path("<int:pk>/", views.connection_detail, name="detail"),
    path("<int:pk>/edit/", views.connection_edit, name="edit"),
    path("<int:pk>/key/", views.connection_replace_key, name="replace_key"),
    path("<int:pk>/delete/", views.connection_delete, name="delete"),
    path("<int:pk>/default/", views.connection_make_default, name="make_default"),
    path("<int:pk>/test/", views.connection_test, name="test"),
    path("<int:pk>/capabilities/", views.connection_capabilities, name="capabilities"),
    path("<int:pk>/watching/", views.connection_watching, name="watching"),
]
