from django.urls import path

from apps.people.views import account, people, sso, two_factor

app_name = "people"
urlpatterns = [
    path("", people.people_list, name="list"),
    path("new/", people.person_create, name="create"),
    path("<int:pk>/", people.person_detail, name="detail"),
    path("<int:pk>/role/", people.person_role, name="role"),
    path("<int:pk>/active/", people.person_active, name="active"),
    path("<int:pk>/reset/", people.person_reset, name="reset"),
    path("<int:pk>/two-factor/reset/", people.person_two_factor_reset, name="two_factor_reset"),
    path("account/", account.account, name="account"),
    path("account/password/", account.account_password, name="account_password"),
    path("account/time-zone/", account.account_time_zone, name="account_time_zone"),
    path("account/two-factor/", account.two_factor_start, name="two_factor_start"),
    path("account/two-factor/confirm/", account.two_factor_confirm, name="two_factor_confirm"),
    path("two-factor/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("time-zone/utc/", account.time_zone_switch, name="time_zone_switch"),
    # "set" first: the link's own path would take it as a token.
    path("link/<str:uidb64>/set/", account.link_set, name="link_set"),
    path("link/<str:uidb64>/<str:token>/", account.link, name="link"),
]

# Single sign-on, under /accounts/sso/ beside the sign-in page (portal/urls.py): the provider redirects back to
# /accounts/sso/callback/.
sso_patterns = [
    path("start/", sso.StartView.as_view(), name="start"),
    path("callback/", sso.CallbackView.as_view(), name="callback"),
]
