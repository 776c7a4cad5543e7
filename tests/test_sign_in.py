import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_and_out(client, viewer):
    response = client.post(reverse("login"), {"username": viewer.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_is_said_on_the_page(client, viewer):
    response = client.post(reverse("login"), {"username": viewer.username, "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_failed_sign_ins_are_throttled(client, viewer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": viewer.username, "password": "wrong"})
    # Even the right password is refused during the pause.
    response = client.post(reverse("login"), {"username": viewer.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_createadmin_makes_a_superuser_in_the_admin_role(django_user_model, capsys):
    call_command("createadmin", "--username", "root-admin")
    user = django_user_model.objects.get(username="root-admin")
    assert user.is_superuser and user.groups.filter(name="Admin").exists()
    password = capsys.readouterr().out.split("Password (shown once, change it after signing in): ")[1].strip()
    assert user.check_password(password)


def test_createadmin_if_none_keeps_existing_users(django_user_model, viewer, capsys):
    call_command("createadmin", "--if-none")
    assert not django_user_model.objects.filter(username="admin").exists()
