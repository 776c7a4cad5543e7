"""Creating and editing a plugin config with the form generated from the plugin's config_schema."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.plugins.forms.config import SECRET_SET_PLACEHOLDER, PluginConfigForm
from apps.plugins.schema import SECRET_MASK, schema_entries

HTMX = {"HTTP_HX_REQUEST": "true"}

S3_SCHEMA = [
    {"key": "bucket", "name": "Bucket", "required": True, "default": "events", "hint": "In `eu-central-1`."},
    {"key": "sse", "name": "Encryption", "type": "choice", "choices": ["disabled", "aws:kms"], "default": "disabled"},
    {
        "key": "kmsKey",
        "name": "KMS key",
        "visible_if": [["sse", "aws:kms"]],
        "required_if": [["sse", "aws:kms"]],
    },
    {"key": "token", "name": "Token", "secret": True, "required": True},
]


def form_for(data=None, *, schema=S3_SCHEMA, saved=None, files=None, enabled=True):
    if data is not None:
        data = {"enabled": "on" if enabled else "", **data}
    return PluginConfigForm(data, files, schema=schema, saved=saved)


# The form builder -------------------------------------------------------------------------------------


def test_string_fields_carry_hint_as_plain_text_and_default_on_create_only():
    created, edited = form_for(), form_for(saved={"bucket": "mine"})
    assert created.fields["config__bucket"].help_text == "In eu-central-1."
    assert created["config__bucket"].value() == "events"
    assert edited["config__bucket"].value() == "mine"


def test_choice_field_offers_the_schema_choices_and_refuses_others():
    form = form_for({"config__sse": "rot13", "config__token": "t", "config__bucket": "b"})
    assert [value for value, _ in form.fields["config__sse"].choices] == ["", "disabled", "aws:kms"]
    assert not form.is_valid() and "config__sse" in form.errors


def test_json_syntax_error_names_line_and_column_and_valid_json_is_sent_as_typed():
    schema = [{"key": "mapping", "type": "json"}]
    broken = form_for({"config__mapping": '{\n  "a": 1,\n}'}, schema=schema)
    assert not broken.is_valid()
    assert "line 3, column 1" in broken.errors["config__mapping"][0]
    typed = '{"a": [1, 2]}'
    form = form_for({"config__mapping": typed}, schema=schema)
    assert form.is_valid() and form.config_values() == {"mapping": typed}


def test_dictionary_is_typed_as_key_value_lines_and_sent_as_an_object():
    schema = [{"key": "headers", "type": "dictionary"}]
    form = form_for({"config__headers": "X-Team = hedgehogs\n\nAuthorization=Bearer a=b"}, schema=schema)
    assert form.is_valid()
    assert form.config_values() == {"headers": {"X-Team": "hedgehogs", "Authorization": "Bearer a=b"}}
    assert form_for(saved={"headers": {"a": "1"}}, schema=schema)["config__headers"].value() == "a = 1"
    bad = form_for({"config__headers": "ok = 1\nno equals sign"}, schema=schema)
    assert not bad.is_valid() and "Line 2" in bad.errors["config__headers"][0]


def test_attachment_upload_becomes_an_add_attachment_file_and_a_stored_one_can_be_removed():
    schema = [{"key": "mapping", "type": "attachment"}]
    upload = SimpleUploadedFile("map.json", b'{"a": 1}', content_type="application/json")
    form = form_for({}, schema=schema, files={"config__mapping": upload})
    assert form.is_valid()
    assert form.attachment_files() == {"add_attachment[mapping]": ("map.json", b'{"a": 1}', "application/json")}
    assert "mapping" not in form.config_values()  # files travel beside the config

    stored = {"mapping": {"uid": 7, "saved": True, "size": 12, "name": "old.json", "type": "application/json"}}
    removing = form_for({"remove__mapping": "on"}, schema=schema, saved=stored)
    assert removing.is_valid() and removing.request_data()["remove_attachment[mapping]"] == "true"
    assert removing.rows()[0].stored_file["name"] == "old.json"


def test_a_set_secret_is_never_shown_and_kept_unless_replaced():
    saved = {"bucket": "b", "token": SECRET_MASK}
    form = form_for(saved=saved)
    html = str(form["config__token"])
    assert SECRET_MASK not in html and 'type="password"' in html and SECRET_SET_PLACEHOLDER in html

    kept = form_for({"config__bucket": "b", "config__token": ""}, saved=saved)
    assert kept.is_valid(), kept.errors  # a required secret that is set needs no retyping
    assert kept.config_values() == {"bucket": "b", "token": None}
    replaced = form_for({"config__bucket": "b", "config__token": "new"}, saved=saved)
    assert replaced.is_valid() and replaced.config_values()["token"] == "new"


def test_an_optional_set_secret_can_be_cleared():
    schema = [{"key": "databaseUrl", "secret": True}]
    form = form_for({"config__databaseUrl": "", "clear__databaseUrl": "on"}, schema=schema, saved={"databaseUrl": "*"})
    assert form.is_valid() and form.config_values() == {"databaseUrl": ""}


def test_required_fields_are_required_only_once_enabled():
    disabled = form_for({"config__bucket": "", "config__token": ""}, enabled=False)
    assert disabled.is_valid()
    enabled = form_for({"config__bucket": "", "config__token": ""})
    assert not enabled.is_valid() and {"config__bucket", "config__token"} <= set(enabled.errors)


def test_required_if_and_visible_if_hold_on_the_server():
    base = {"config__bucket": "b", "config__token": "t"}
    plain = form_for({**base, "config__sse": "disabled"})
    assert plain.is_valid()
    assert not next(row for row in plain.rows() if row.entry.key == "kmsKey").visible
    kms = form_for({**base, "config__sse": "aws:kms"})
    assert not kms.is_valid() and "config__kmsKey" in kms.errors
    row = next(row for row in kms.rows() if row.entry.key == "kmsKey")
    assert row.visible and row.required


def test_legacy_dict_schemas_notes_and_order():
    legacy = {
        "second": {"name": "Second", "order": 2},
        "first": {"name": "First", "order": 1, "type": "choice", "choices": ["a"]},
    }
    assert [entry.key for entry in schema_entries(legacy)] == ["first", "second"]
    noted = schema_entries([{"markdown": "See **the docs** at [PostHog](https://posthog.com) <b>now</b>"}])
    assert noted[0].note == "See the docs at PostHog (https://posthog.com) <b>now</b>"


def test_values_of_keys_the_schema_no_longer_has_are_kept():
    form = form_for({"config__bucket": "b", "config__token": ""}, saved={"token": SECRET_MASK, "legacy": "x"})
    assert form.is_valid() and form.config_values()["legacy"] == "x"


# Against the simulator --------------------------------------------------------------------------------


def plugin_id(simulator, name: str) -> int:
    return simulator.state.plugins.by_name(name)["id"]


def config_of(simulator, plugin_name: str) -> dict:
    return simulator.state.plugin_configs.by_plugin_name(plugin_name, project_id=1)


def stored(simulator, config_id: int) -> dict:
    return simulator.state.plugin_configs.get(config_id)


def writes(simulator) -> list[dict]:
    return [entry for entry in simulator.requests() if entry["method"] in ("POST", "PATCH")]


def test_picker_lists_the_organizations_plugins(operator_client, simulator):
    page = operator_client.get(reverse("plugins:config_create")).content.decode()
    assert "Schema Validator" in page and f"?plugin={plugin_id(simulator, 'Schema Validator')}" in page
    assert "Someone Else&#x27;s Secret Exporter" not in page
    assert "Ökosystem Tagger &lt;b&gt;beta&lt;/b&gt;" in page  # PostHog's text is escaped


def test_schema_notes_are_shown_as_escaped_text(operator_client, simulator):
    url = reverse("plugins:config_create") + f"?plugin={plugin_id(simulator, 'Slack Alerts for Hedgehog')}"
    page = operator_client.get(url).content.decode()
    assert "&lt;b&gt;Careful&lt;/b&gt;: secrets are sent in headers." in page and "<b>Careful" not in page


@pytest.mark.profiles("legacy", reason="today's PostHog no longer creates plugin configs")
def test_create_a_config_from_a_plugin(operator_client, simulator, operator):
    url = reverse("plugins:config_create") + f"?plugin={plugin_id(simulator, 'Schema Validator')}"
    form_page = operator_client.get(url).content.decode()
    assert "Hashing salt" in form_page and "email,$ip,phone" in form_page  # defaults filled in

    response = operator_client.post(
        url,
        {
            "enabled": "on",
            "name": "Scrub the checkout",
            "config__salt": "pepper-and-salt-123",
            "config__propertiesToHash": "email",
            "config__rules": '[{"match": "x", "replace": "y"}]',
            "config__replacements": "$ip = 0.0.0.0",
        },
        **HTMX,
    )

    created = max(simulator.state.plugin_configs.all(1), key=lambda c: c["id"])
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("plugins:config_detail", args=[created["id"]])
    assert created["name"] == "Scrub the checkout" and created["enabled"]
    assert created["config"] == {
        "salt": "pepper-and-salt-123",
        "propertiesToHash": "email",
        "rules": '[{"match": "x", "replace": "y"}]',
        "replacements": {"$ip": "0.0.0.0"},
    }
    others = [c["order"] for c in simulator.state.plugin_configs.all(1) if c["id"] != created["id"]]
    assert created["order"] == max(others) + 1
    assert AuditEvent.objects.get(method="POST", area="plugin_configs").actor == operator
    listed = operator_client.get(reverse("plugins:configs")).content.decode()
    assert "Scrub the checkout" in listed


def test_edit_shows_values_but_never_the_secret(operator_client, simulator):
    config = config_of(simulator, "PII Scrubber")
    page = operator_client.get(reverse("plugins:config_edit", args=[config["id"]])).content.decode()
    assert "email,$ip,phone" in page and SECRET_SET_PLACEHOLDER in page
    assert SECRET_MASK not in page and config["config"]["salt"] not in page


def test_a_secret_attachment_is_shown_as_stored_without_its_name(operator_client, simulator):
    config = config_of(simulator, "BigQuery Export")
    page = operator_client.get(reverse("plugins:config_edit", args=[config["id"]])).content.decode()
    assert "A file is stored; its name is secret." in page and SECRET_MASK not in page


def test_edit_keeps_a_secret_left_empty(operator_client, simulator):
    config = config_of(simulator, "PII Scrubber")
    salt = config["config"]["salt"]
    response = operator_client.post(
        reverse("plugins:config_edit", args=[config["id"]]),
        {"enabled": "on", "config__salt": "", "config__propertiesToHash": "email,phone"},
        **HTMX,
    )
    assert response["HX-Redirect"] == reverse("plugins:config_detail", args=[config["id"]])
    after = stored(simulator, config["id"])["config"]
    assert after["propertiesToHash"] == "email,phone" and after["salt"] == salt
    # Sent as PostHog's own app sends it: multipart, `config` as JSON text (PostHog drops a JSON body's config),
    # the secret left out as null, which keeps it.
    patch = writes(simulator)[-1]
    assert patch["method"] == "PATCH" and patch["content_type"] == "multipart/form-data"
    assert json.loads(patch["body"]["config"])["salt"] is None


def test_edit_replaces_a_secret(operator_client, simulator):
    config = config_of(simulator, "PII Scrubber")
    operator_client.post(
        reverse("plugins:config_edit", args=[config["id"]]),
        {"enabled": "on", "config__salt": "brand-new-salt"},
        **HTMX,
    )
    assert stored(simulator, config["id"])["config"]["salt"] == "brand-new-salt"


def test_invalid_json_is_refused_on_its_field_before_any_request(operator_client, simulator):
    config = config_of(simulator, "PII Scrubber")
    response = operator_client.post(
        reverse("plugins:config_edit", args=[config["id"]]),
        {"enabled": "on", "config__propertiesToHash": "typed by me", "config__rules": '[{"match": }]'},
        **HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Not valid JSON" in page and "line 1, column 12" in page
    assert "typed by me" in page and "<form" in page and "<html" not in page  # the form alone, redrawn
    assert writes(simulator) == []


def test_required_if_is_checked_before_sending(operator_client, simulator):
    config = config_of(simulator, "S3 Export")
    response = operator_client.post(
        reverse("plugins:config_edit", args=[config["id"]]),
        {"enabled": "on", "config__s3BucketName": "b", "config__awsRegion": "eu-central-1", "config__sse": "aws:kms"},
        **HTMX,
    )
    assert "Required once the config is enabled." in response.content.decode()
    assert writes(simulator) == []


def test_upstream_validation_error_lands_on_its_field_with_the_typed_values(operator_client, simulator):
    # A refusal PostHog words about one config field (`config__<key>`) lands on that field. (PluginConfigSerializer
    # itself checks no value against the schema; a version or a proxy that does answers this way.)
    config = config_of(simulator, "S3 Export")
    simulator.script(
        "PATCH",
        rf"/api/projects/1/plugin_configs/{config['id']}/",
        status=400,
        body={
            "type": "validation_error",
            "code": "required",
            "detail": "Must end with a slash.",
            "attr": "config__prefix",
        },
    )
    response = operator_client.post(
        reverse("plugins:config_edit", args=[config["id"]]),
        {
            "enabled": "on",
            "config__s3BucketName": "typed-bucket",
            "config__awsRegion": "eu-central-1",
            "config__sse": "AES256",
            "config__prefix": "typed/prefix",
        },
        **HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200 and writes(simulator)[-1]["status"] == 400
    assert 'id="id_config__prefix_error">Must end with a slash.' in page
    assert "typed-bucket" in page and "typed/prefix" in page
    assert stored(simulator, config["id"])["config"]["s3BucketName"] != "typed-bucket"


def test_upstream_error_naming_no_field_shows_above_the_form(operator_client, simulator, monkeypatch):
    from apps.posthog.errors import ValidationError

    def refuse(**kwargs):
        raise ValidationError("Plugin configs are frozen during the migration.", status=400, attr="plugin")

    monkeypatch.setattr("apps.plugins.services.plugin_config_update", refuse)
    config = config_of(simulator, "PII Scrubber")
    page = operator_client.post(
        reverse("plugins:config_edit", args=[config["id"]]), {"config__propertiesToHash": "kept"}, **HTMX
    ).content.decode()
    assert "frozen during the migration" in page and 'class="alert alert-error"' in page and "kept" in page


def test_other_upstream_errors_go_to_the_banner_and_leave_the_form(operator_client, simulator):
    import requests

    config = config_of(simulator, "PII Scrubber")
    operator_client.get(reverse("plugins:config_edit", args=[config["id"]]))
    requests.post(f"{simulator.url}/_simulator/faults", json={"error_rate": 1.0, "error_status": 500}, timeout=5)
    response = operator_client.post(reverse("plugins:config_edit", args=[config["id"]]), {}, **HTMX)
    assert response["HX-Retarget"] == "#upstream-banner"


def test_a_viewer_may_not_create_or_edit(client_as, viewer, demo_connection, simulator):
    client = client_as(viewer)
    config = config_of(simulator, "PII Scrubber")
    assert client.get(reverse("plugins:config_create")).status_code == 403
    assert client.get(reverse("plugins:config_edit", args=[config["id"]])).status_code == 403
    assert client.post(reverse("plugins:config_edit", args=[config["id"]]), {"enabled": "on"}).status_code == 403
    assert writes(simulator) == []


def test_an_attachment_upload_reaches_posthog(operator_client, simulator):
    config = config_of(simulator, "Zendesk Tickets → Events")
    upload = SimpleUploadedFile("columns.json", b'{"id": "distinct_id"}', content_type="application/json")
    operator_client.post(
        reverse("plugins:config_edit", args=[config["id"]]),
        {"config__host": "h", "config__port": "5439", "config__importMapping": upload},
        **HTMX,
    )
    assert stored(simulator, config["id"])["_attachments"]["importMapping"]["name"] == "columns.json"
    page = operator_client.get(reverse("plugins:config_edit", args=[config["id"]])).content.decode()
    assert "Stored file: <strong>columns.json</strong>" in page


def test_each_write_is_audited_for_the_signed_in_person(operator_client, simulator, operator):
    config = config_of(simulator, "HubSpot")
    operator_client.post(
        reverse("plugins:config_edit", args=[config["id"]]),
        {
            "enabled": "on",
            "config__apiHost": "https://api.hubapi.com",
            "config__authMethod": "API key",
            "config__apiKey": "pat-eu1-very-secret",
        },
        **HTMX,
    )
    event = AuditEvent.objects.get(method="PATCH", area="plugin_configs")
    assert event.actor == operator and event.object_id == str(config["id"])
    assert "pat-eu1-very-secret" not in str(event.request_body)
    assert stored(simulator, config["id"])["config"]["apiKey"] == "pat-eu1-very-secret"


def test_a_secret_with_an_ordinary_name_is_masked_in_the_audit(operator_client, simulator):
    config = config_of(simulator, "PII Scrubber")
    operator_client.post(
        reverse("plugins:config_edit", args=[config["id"]]), {"enabled": "on", "config__salt": "salty-1234"}, **HTMX
    )
    assert "salty-1234" not in str(AuditEvent.objects.get(method="PATCH").request_body)
