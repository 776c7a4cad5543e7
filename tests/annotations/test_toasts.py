"""Toasts with an action (apps/core/toasts.py), which the annotation delete uses for its Undo."""

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.utils.html import format_html

from apps.core.toasts import ToastAction, toast_payload, toast_with_action


@pytest.fixture
def request_with_messages():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_toast_carries_its_action_and_others_do_not(request_with_messages):
    request = request_with_messages
    toast_with_action(request, "Deleted “x”.", action=ToastAction("Undo", "/annotations/3/restore/"))
    messages.info(request, "Something else.")
    payloads = [toast_payload(request, message) for message in messages.get_messages(request)]
    assert payloads == [
        {
            "level": "success",
            "message": "Deleted “x”.",
            "action": {"label": "Undo", "url": "/annotations/3/restore/", "method": "post"},
        },
        {"level": "info", "message": "Something else."},
    ]


@pytest.mark.parametrize(
    ("url", "method"), [("https://evil.example/", "post"), ("//evil.example/x", "post"), ("/ok/", "eval")]
)
def test_an_action_goes_only_to_this_portal_with_an_htmx_method(url, method):
    with pytest.raises(ValueError):
        ToastAction("Undo", url, method)


def test_a_message_with_a_link_for_the_next_page_is_plain_text_in_a_toast(request_with_messages):
    request = request_with_messages
    messages.warning(request, format_html('Made it. <a href="{}">Open it ↗</a>', "https://app.example/x"))
    [payload] = [toast_payload(request, message) for message in messages.get_messages(request)]
    assert payload["message"] == "Made it. Open it ↗"


def test_a_name_that_looks_like_markup_stays_in_a_toast_as_written(request_with_messages):
    request = request_with_messages
    messages.success(request, "Password “Agency <access>” added.")
    messages.warning(request, format_html("Made “{}”. <a href='/x'>Open it</a>", "Agency <access>"))
    payloads = [toast_payload(request, message) for message in messages.get_messages(request)]
    assert [payload["message"] for payload in payloads] == [
        "Password “Agency <access>” added.",
        "Made “Agency <access>”. Open it",
    ]
