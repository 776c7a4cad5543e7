from django.urls import path

from apps.cohorts import views

app_name = "cohorts"

urlpatterns = [
    path("", views.cohort_list, name="list"),
    path("new/<slug:kind>/", views.cohort_create, name="create"),
    path("<int:cohort_id>/", views.cohort_detail, name="detail"),
]
