from django.urls import path, register_converter

from apps.hog_functions.views import detail, functions, logs, test_run

app_name = "hog_functions"


class FunctionId:
    """A hog function's UUID, handed to views as the text PostHog's paths take."""

    regex = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    def to_python(self, value: str) -> str:
        return value.lower()

    def to_url(self, value: object) -> str:
        return str(value)


register_converter(FunctionId, "hog_function")

urlpatterns = [
    path("", functions.function_list, name="list"),
    path("figures/", functions.function_figures, name="figures"),
    path("rearrange/", functions.function_rearrange, name="rearrange"),
    path("undo/<str:token>/", functions.function_undo, name="undo"),
    path("<hog_function:function_id>/", detail.function_detail, name="detail"),
    path("<hog_function:function_id>/edit/", detail.function_edit, name="edit"),
    path("<hog_function:function_id>/rename/", detail.function_rename, name="rename"),
    path("<hog_function:function_id>/metrics/", detail.function_metrics, name="metrics"),
    path("<hog_function:function_id>/enabled/", functions.function_enabled, name="enabled"),
    path("<hog_function:function_id>/delete/", functions.function_delete, name="delete"),
    path("<hog_function:function_id>/restore/", functions.function_restore, name="restore"),
    path("<hog_function:function_id>/test/", test_run.function_test, name="test"),
    path("<hog_function:function_id>/logs/", logs.function_logs, name="logs"),
    path("<hog_function:function_id>/logs/entries/", logs.function_log_entries, name="log_entries"),
]
