"""In Debian's Chromium: Enter in a log or audit filter applies the filters as typed, not the first quick range."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enter_in_a_filter_field_applies_the_filters_without_a_quick_range(
    page, live_server, demo_connection, operator
):
    sign_in(page, live_server, operator.username)
    page.goto(f"{live_server.url}/audit/")
    field = page.get_by_label("Object ID")
    field.fill("timeout")
    field.press("Enter")
    expect(page).to_have_url(re.compile(r"object=timeout"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["object"] == ["timeout"]
    assert "range" not in query  # "Last hour" was not what the person asked for
    expect(page.get_by_label("Object ID")).to_have_value("timeout")
