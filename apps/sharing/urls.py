from django.urls import path, register_converter

from apps.sharing.kinds import INSIGHTS, RECORDINGS, KindConverter
from apps.sharing.views import detail, items, passwords

app_name = "sharing"
register_converter(KindConverter, "sharing_kind")

ITEM = "<sharing_kind:kind>/<str:item_id>/"
urlpatterns = [
    path("insights/", items.item_list, {"kind": INSIGHTS}, name="insights"),
    path("recordings/", items.item_list, {"kind": RECORDINGS}, name="recordings"),
    path("undo/<str:token>/", detail.sharing_undo, name="undo"),
    path(ITEM, detail.sharing_detail, name="detail"),
    path(ITEM + "enabled/", detail.sharing_switch, {"setting": "enabled"}, name="enabled"),
    path(
        ITEM + "password-required/", detail.sharing_switch, {"setting": "password_required"}, name="password_required"
    ),
    path(ITEM + "refresh/", detail.sharing_refresh, name="refresh"),
    path(ITEM + "passwords/", passwords.password_create, name="password_create"),
    path(ITEM + "passwords/<str:password_id>/delete/", passwords.password_delete, name="password_delete"),
]
