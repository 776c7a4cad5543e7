"""Input the parsers choke on (JSON nested thousands deep, a CSV value past the csv module's limit, bytes that are
not UTF-8, a body over Django's limit) is refused on its field or with a readable page, never a 500."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.csv_import import csv_rows_read
from apps.core.forms import MAX_JSON_DEPTH, json_depth, json_read
from apps.groups.values import value_parse, value_text
from tests.groups.conftest import ACME, COMPANY, edit, sim_group

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
DEEP = "[" * 100_000
LONG_ID = "p" * 200_000  # past the csv module's own field limit of 131,072


def text(response) -> str:
    return response.content.decode()


def field_error(fragment: str, field: str) -> str:
    return fragment.split(f'id="id_{field}_error">')[1].split("</p>")[0]


# The limits themselves --------------------------------------------------------------------------------------


def test_json_depth_counts_brackets_outside_strings():
    assert json_depth('{"a": [1, {"b": "[[[{{{"}]}') == 3
    assert json_depth("[]") == 1 and json_depth('"just text"') == 0 and json_depth(DEEP) == 100_000


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (DEEP, f"This JSON nests deeper than {MAX_JSON_DEPTH} levels"),
        ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "nests deeper"),
        ('"' + "x" * 1_000_001 + '"', "at most 1,000,000 are accepted"),
        ("{", "Not valid JSON"),
    ],
)
def test_json_past_the_limits_is_a_field_error(typed, message):
    with pytest.raises(forms.ValidationError, match=message):
        json_read(typed)


def test_json_at_the_depth_limit_is_read():
    assert json_read("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (f"person_id\n{LONG_ID}\n", "Line 2 has a value longer than 1,000 characters"),
        ("x" * 1_001, "Line 1 has a value longer than 1,000 characters"),
        ("a\n" * (1024 * 1024 + 1), "at most 2,097,152 are accepted"),
    ],
)
def test_csv_past_the_limits_is_a_field_error(typed, message):
    with pytest.raises(forms.ValidationError) as raised:
        csv_rows_read(text=typed)
    assert message in raised.value.messages[0]


def test_a_group_value_from_posthog_too_deep_to_parse_stays_text_and_is_shown_quoted():
    deep = "[" * 5_000
    assert value_parse(deep) == deep
    assert value_text(deep) == f'"{deep}"'  # saved back unchanged, it stays text


# On the pages -----------------------------------------------------------------------------------------------


@pytest.fixture
def admin(client_as, admin_user, demo_connection):
    return client_as(admin_user)


def test_deep_cohort_filters_are_refused_on_their_field_with_the_text_kept(admin):
    response = admin.post(reverse("cohorts:create", args=["dynamic"]), {"name": "Deep", "filters": DEEP}, **HTMX)
    fragment = text(response)
    assert response.status_code == 200
    assert f"nests deeper than {MAX_JSON_DEPTH} levels" in field_error(fragment, "filters")
    assert DEEP in fragment.split('name="filters"')[1].split("</textarea>")[0]
    assert not AuditEvent.objects.filter(area="cohorts").exists()


def test_a_person_id_past_the_csv_limit_is_refused_on_its_field(admin):
    data = {"name": "Long", "person_ids": f"person_id\n{LONG_ID}\n"}
    fragment = text(admin.post(reverse("cohorts:create", args=["static"]), data, **HTMX))
    assert "Line 2 has a value longer than 1,000 characters" in field_error(fragment, "person_ids")
    upload = SimpleUploadedFile("ids.csv", f"person_id\n{LONG_ID}\n".encode(), "text/csv")
    fragment = text(admin.post(reverse("cohorts:create", args=["static"]), {"name": "Long", "csv_file": upload}))
    assert "Line 2 has a value longer than 1,000 characters" in field_error(fragment, "csv_file")
    assert not AuditEvent.objects.filter(area="cohorts").exists()


def test_a_file_that_is_not_utf8_is_refused_on_its_field(admin):
    upload = SimpleUploadedFile("ids.csv", b"person_id\n\xff\xfe\x00\xc3\x28\n", "text/csv")
    fragment = text(admin.post(reverse("cohorts:create", args=["static"]), {"name": "Bytes", "csv_file": upload}))
    assert "The file is not UTF-8 text" in field_error(fragment, "csv_file")


def test_deep_group_properties_and_values_are_refused_on_their_field(admin, sim):
    fragment = text(admin.post(reverse("groups:create"), {"type": COMPANY, "key": "deep", "properties": DEEP}, **HTMX))
    assert "nests deeper than 32 levels" in field_error(fragment, "properties")
    before = sim_group(sim, ACME)["group_properties"]["plan"]
    row = text(admin.post(edit(ACME, "plan"), {"value": "[" * 5_000}, **HTMX))
    assert "nests deeper than 32 levels" in row and 'aria-invalid="true"' in row
    assert sim_group(sim, ACME)["group_properties"]["plan"] == before


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024 * 1024)
def test_a_body_over_the_upload_limit_gets_a_readable_page(admin):
    response = admin.post(reverse("annotations:create"), {"content": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    page = text(response)
    assert "That was more than the portal accepts" in page and "more than 1 MB of text" in page
    assert "Traceback" not in page
