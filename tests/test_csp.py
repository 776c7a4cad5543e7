"""The Content-Security-Policy: every page carries it, no template needs it loosened (no inline script, handler or
style), and names from PostHog with right-to-left override characters sit in isolating elements."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.audit.conftest import HTMX, text

pytestmark = pytest.mark.django_db
# The policy and the markup are the portal's own, the same against any PostHog version.
ONE_POSTHOG = pytest.mark.profiles("current", reason="the policy and the markup do not depend on PostHog's version")
ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("apps/*/templates"))]
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: https:",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
}
# An attribute that runs script or styles one element: refused by the policy, so none may be in a template.
HANDLER = re.compile(r"(?<![\w-])on[a-z]+\s*=\s*[\"']", re.I)
STYLE_ATTRIBUTE = re.compile(r"(?<![\w-])style\s*=\s*[\"']", re.I)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
EVALUATED = re.compile(r"hx-on|hx-vars|[\"']js:|[\"']javascript:", re.I)
RLO_NAME = "abc\u202edef"


def policy_of(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    return dict(directive.strip().split(" ", 1) for directive in header.split(";") if directive.strip())


def templates() -> list[Path]:
    return [path for folder in TEMPLATE_DIRS for path in sorted(folder.rglob("*.html"))]


def test_no_template_has_an_inline_handler_script_or_style():
    found = []
    for path in templates():
        source = path.read_text()
        where = path.relative_to(ROOT)
        found += [f"{where}: handler {m.group(0)!r}" for m in HANDLER.finditer(source)]
        found += [f"{where}: style attribute" for _ in STYLE_ATTRIBUTE.finditer(source)]
        found += [f"{where}: <style> element" for _ in re.finditer(r"<style\b", source, re.I)]
        found += [f"{where}: evaluated by htmx {m.group(0)!r}" for m in EVALUATED.finditer(source)]
        for tag in SCRIPT_TAG.finditer(source):
            attributes = tag.group(1)
            if "src=" not in attributes and 'type="application/json"' not in attributes:
                found.append(f"{where}: inline <script{attributes}>")
    assert len(templates()) > 100  # the sweep reads every template, not an empty folder
    assert found == []


@ONE_POSTHOG
def test_every_html_response_carries_the_policy(client, admin_user, demo_connection, simulator):
    signed_out = client.get(reverse("login"))
    assert signed_out.status_code == 200 and policy_of(signed_out) == POLICY

    client.force_login(admin_user)
    config = simulator.state.plugin_configs.by_name("Internal IP Filter")
    pages = [
        reverse("home"),
        reverse("plugins:configs"),
        reverse("plugins:config_detail", args=[config["id"]]),
        reverse("trail:list"),
        reverse("people:list"),
        "/no-such-page/",
    ]
    for url in pages:
        response = client.get(url)
        assert response["Content-Type"].startswith("text/html"), url
        assert policy_of(response) == POLICY, url
    fragment = client.get(reverse("plugins:configs"), **HTMX)
    assert fragment.status_code == 200 and policy_of(fragment) == POLICY
    # No template needs a nonce today, so the policy names none (one appears only where a template uses it).
    assert "nonce" not in fragment.headers["Content-Security-Policy"]


@ONE_POSTHOG
def test_a_name_with_a_right_to_left_override_sits_in_an_isolating_element(operator_client, simulator):
    config = simulator.state.plugin_configs.by_name("Internal IP Filter")
    simulator.state.plugin_configs.update(config["id"], name=RLO_NAME)

    listed = text(operator_client.get(reverse("plugins:configs")))
    # The list links the name: links isolate their text (portal.css), so the override ends with the link.
    assert f'<a href="{reverse("plugins:config_detail", args=[config["id"]])}">{RLO_NAME}</a>' in listed
    stylesheet = (ROOT / "static/css/portal.css").read_text()
    isolating = re.search(r"\n([^{}\n]*)\{ unicode-bidi: isolate; \}", stylesheet)
    assert isolating and {"a", "td", "th", "li", "h1", "option", ".toast-text"} <= {
        selector.strip() for selector in isolating.group(1).split(",")
    }

    switched = operator_client.post(
        reverse("plugins:config_enabled", args=[config["id"]]), {"enabled": "false"}, **HTMX
    )
    assert switched.status_code == 200
    trail = text(operator_client.get(reverse("trail:list")))
    assert "disabled the plugin config <a" in trail
    assert f"“<bdi>{RLO_NAME}</bdi>”</a>" in trail
    assert "<strong><bdi>otto-operator</bdi></strong>" in trail
