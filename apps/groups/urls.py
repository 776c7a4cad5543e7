from django.urls import path, register_converter

from apps.groups.converters import GroupKeyConverter
from apps.groups.views import detail, lists, properties

app_name = "groups"
register_converter(GroupKeyConverter, "groupkey")

urlpatterns = [
    path("", lists.group_list, name="list"),
    path("new/", lists.group_create, name="create"),
    path("find/", lists.group_find, name="find"),
    path("<int:type_index>/group/", detail.group_detail, name="detail"),
    # The shared activity timeline appends `?page=`, so this one URL carries the key in its path.
    path("<int:type_index>/activity/<groupkey:key>/", detail.group_activity, name="activity"),
    path("<int:type_index>/group/properties/", properties.property_add, name="property_add"),
    path("<int:type_index>/group/properties/edit/", properties.property_edit, name="property_edit"),
    path("<int:type_index>/group/properties/delete/", properties.property_delete, name="property_delete"),
    path("<int:type_index>/property-keys/", properties.property_keys, name="property_keys"),
    path("<int:type_index>/property-values/", properties.property_values, name="property_values"),
]
