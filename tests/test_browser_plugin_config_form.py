"""In Chromium: add a plugin config from the picker, fix a JSON error, edit it, and meet PostHog's refusal."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(page, live_server, demo_connection, operator):
    sign_in(page, live_server, operator.username)
    return page


def config_writes(simulator) -> list[dict]:
    return [
        entry
        for entry in simulator.requests()
        if entry["method"] in ("POST", "PATCH") and "plugin_configs" in entry["path"]
    ]


@pytest.mark.profiles("legacy", reason="today's PostHog no longer creates plugin configs")
def test_add_a_config_fix_its_json_and_find_the_secret_kept(signed_in, live_server, simulator):
    page = signed_in
    page.goto(f"{live_server.url}/plugin-configs/new/")
    expect(page.get_by_role("heading", name="Add a plugin config")).to_be_visible()
    shot(page, "config-form-picker")
    page.get_by_label("Search plugins").fill("validator")
    expect(page.locator("[data-plugin-choice]:visible")).to_have_count(1)
    page.get_by_role("link", name=re.compile("Schema Validator")).click()

    expect(page.get_by_role("heading", name="Add Schema Validator")).to_be_visible()
    page.get_by_label("Hashing salt").fill("pepper-and-salt-123")
    page.get_by_label("Custom rules (JSON)").fill('[{"match": "x",}]')
    shot(page, "config-form-create")
    page.get_by_role("button", name="Add to project").click()

    rules = page.locator("[data-config-key=rules]")
    expect(rules.locator(".field-error")).to_contain_text("Not valid JSON")
    expect(rules.locator(".field-error")).to_contain_text("line 1, column 16")
    expect(page.get_by_label("Hashing salt")).to_have_value("pepper-and-salt-123")  # kept by the page, not sent back
    assert config_writes(simulator) == []
    shot(page, "config-form-json-error")

    page.get_by_label("Custom rules (JSON)").fill('[{"match": "x", "replace": "y"}]')
    page.get_by_role("button", name="Add to project").click()
    expect(page).to_have_url(re.compile(r"/plugin-configs/(\d+)/$"))
    config_id = int(re.search(r"/plugin-configs/(\d+)/$", page.url)[1])
    assert simulator.state.plugin_configs.get(config_id)["config"]["salt"] == "pepper-and-salt-123"

    page.goto(f"{live_server.url}/plugin-configs/{config_id}/edit/")
    salt = page.get_by_label("Hashing salt")
    expect(salt).to_have_value("")
    expect(salt).to_have_attribute("placeholder", "Secret is set — leave empty to keep it")
    assert "pepper-and-salt-123" not in page.content() and "**************" not in page.content()
    shot(page, "config-form-edit")


def test_visible_if_live_and_a_required_setting_refused_on_its_field(signed_in, live_server, simulator):
    page = signed_in
    config = simulator.state.plugin_configs.by_plugin_name("S3 Export", project_id=1)
    page.goto(f"{live_server.url}/plugin-configs/{config['id']}/edit/")
    kms = page.locator("[data-config-key=sseKmsKeyId]")
    expect(kms).to_be_visible()  # the seeded config encrypts with aws:kms
    page.get_by_label("Server-side encryption").select_option("disabled")
    expect(kms).to_be_hidden()
    page.get_by_label("Server-side encryption").select_option("aws:kms")
    expect(kms).to_be_visible()
    expect(kms.locator(".required-mark")).to_be_visible()
    page.get_by_label("SSE KMS key ID").fill("")
    page.get_by_label("S3 bucket name").fill("typed-bucket")

    # PostHog stores whatever a config holds (PluginConfigSerializer checks no value against config_schema), so
    # the portal is the one to refuse a setting the schema requires, on its field, before anything is sent.
    page.get_by_role("button", name="Save changes").click()

    expect(kms.locator(".field-error")).to_have_text("Required once the config is enabled.")
    expect(page.get_by_label("S3 bucket name")).to_have_value("typed-bucket")
    expect(page.get_by_label("Server-side encryption")).to_have_value("aws:kms")
    assert config_writes(simulator) == []
    shot(page, "config-form-required")
