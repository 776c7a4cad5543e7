"""What a write did, as a verb, and what its object was called: worked out from the method, path, body and states
a write is recorded with, so the trail reads as sentences."""

import pytest

from apps.audit.actions import activities_of, event_action, local_action, write_action
from apps.audit.diff import SECRET_CHANGED, FieldChange, with_secrets_sent
from apps.audit.masking import MASK
from apps.audit.naming import object_name_of
from apps.trail.presenters import object_url, write_sentence

P = "/api/projects/1"
ORG = "/api/organizations/@current"
RUN = "0190f1c2-aaaa-bbbb-cccc-0123456789ab"


@pytest.mark.parametrize(
    ("method", "path", "body", "verb"),
    [
        ("PATCH", f"{P}/plugin_configs/8/", {"enabled": False}, "disable"),
        ("PATCH", f"{P}/plugin_configs/8/", {"enabled": True}, "enable"),
        # A settings form that also sends the switch is an edit, not a switch.
        ("PATCH", f"{P}/plugin_configs/8/", {"enabled": True, "config": {"bucket": "b"}}, "edit"),
        # PostHog soft-deletes many objects with a PATCH.
        ("PATCH", f"{P}/annotations/31/", {"deleted": True}, "delete"),
        ("PATCH", f"{P}/annotations/31/", {"deleted": False}, "restore"),
        ("PATCH", f"{P}/annotations/31/", {"content": "Deploy 4.3"}, "edit"),
        ("POST", f"{P}/annotations/", {"content": "Deploy 4.2"}, "create"),
        ("DELETE", f"{ORG}/roles/5/", None, "delete"),
        ("POST", f"{ORG}/plugins/", {"url": "https://github.com/x/y"}, "install"),
        ("DELETE", f"{ORG}/plugins/4/", None, "uninstall"),
        ("POST", f"{ORG}/plugins/4/upgrade/", {}, "upgrade"),
        ("PATCH", f"{P}/plugin_configs/rearrange/", {"orders": {"8": 1}}, "reorder"),
        ("PATCH", f"{P}/hog_functions/rearrange/", {"orders": {}}, "reorder"),
        ("POST", f"{P}/plugin_configs/8/job/", {"job": {}}, "run"),
        ("POST", f"{P}/file_system/undo_delete/", {"items": []}, "restore"),
        ("POST", f"{P}/file_system/{RUN}/move/", {"new_path": "a/b"}, "move"),
        ("POST", "/api/environments/1/project_secret_api_keys/k1/roll/", {}, "roll"),
        ("POST", f"/api/environments/1/batch_exports/{RUN}/pause/", None, "pause"),
        ("POST", f"/api/environments/1/batch_exports/{RUN}/runs/{RUN}/retry/", None, "retry"),
        ("PATCH", f"{P}/insights/5/sharing/", {"enabled": True}, "enable"),
        ("POST", f"{P}/insights/5/sharing/passwords/", {"note": "n"}, "create"),
        ("DELETE", f"{P}/insights/5/sharing/passwords/abcdef/", None, "delete"),
        ("PATCH", f"{ORG}/projects/1/reset_token/", {}, "reset"),
        ("POST", f"{P}/groups/update_property/?group_type_index=0&group_key=acme", {}, "edit"),
        ("POST", f"{P}/hog_functions/{RUN}/invocations/", {}, "test"),
        ("POST", f"{P}/widgets/3/frobnicate/", {}, "run"),  # an action the table does not know yet
    ],
)
def test_the_verb_of_a_write_comes_from_its_action_body_or_method(method, path, body, verb):
    assert write_action(method=method, path=path, body=body) == verb


def test_an_event_keeps_its_recorded_verb_and_older_ones_read_by_method_and_path():
    recorded = event_action(action="disable", method="PATCH", path=f"{P}/plugin_configs/8/", area="plugin_configs")
    assert recorded == "disable"
    assert event_action(action="", method="DELETE", path=f"{P}/annotations/3/", area="annotations") == "delete"
    # A portal-state change's path is its description: its method tells the verb.
    assert event_action(action="", method="POST", path="created connection 'Prod'", area="connections") == "create"
    assert local_action(method="PATCH") == "edit"


def test_posthogs_activity_names_read_as_the_same_verbs():
    assert activities_of("edit") == ["attachment_created", "attachment_deleted", "attachment_updated"] + [
        "config_updated",
        "source_updated",
        "updated",
    ]
    assert activities_of("reorder") == ["order_changed"]
    assert activities_of("disable") == ["disabled"]
    assert activities_of("roll") == []


def test_the_object_is_named_as_its_area_names_it_before_the_write_first():
    assert object_name_of(area="annotations", before={"content": "Deploy 4.2", "id": 3}) == "Deploy 4.2"
    # Before the write wins (a rename reads by the name the person knew), then PostHog's answer, then the body.
    assert object_name_of(area="roles", before={"name": "Old"}, after={"name": "New"}, body={"name": "New"}) == "Old"
    assert object_name_of(area="roles", after={"name": "New"}, body={"name": "Sent"}) == "New"
    assert object_name_of(area="cohorts", body={"name": "Sent"}) == "Sent"
    # A plugin config named null falls back to its plugin's name, as PostHog's own answer does.
    config = {"name": None, "plugin_info": {"name": "S3 Export"}}
    assert object_name_of(area="plugin_configs", before=config) == "S3 Export"
    assert object_name_of(area="project_secret_api_keys", after={"label": "CI", "value": MASK}) == "CI"
    assert object_name_of(area="groups", before={"group_key": "acme", "group_properties": {}}) == "acme"
    assert object_name_of(area="file_system", before={"path": "Product/A\\/B test"}) == "A/B test"
    assert object_name_of(area="annotations", after={"content": "two\n  lines"}) == "two lines"
    assert len(object_name_of(area="annotations", after={"content": "x" * 500})) == 200


def test_nothing_names_an_object_that_has_no_name_or_only_a_masked_one():
    assert object_name_of(area="insights", before={"enabled": True, "access_token": MASK}) == ""
    assert object_name_of(area="roles", before={"name": MASK}) == ""
    assert object_name_of(area="roles", before=None, after=[{"name": "x"}]) == ""


def test_a_secret_the_write_sent_reads_changed_never_its_value():
    changes = [
        FieldChange("config.bucket", "changed", "a", "b"),
        FieldChange("config.webhookUrl", "unchanged", MASK, MASK),
    ]
    marked = with_secrets_sent(changes, {"config": {"webhookUrl": MASK, "bucket": "b"}})
    assert marked == [
        FieldChange("config.bucket", "changed", "a", "b"),
        FieldChange("config.webhookUrl", "changed", MASK, SECRET_CHANGED, secret=True),
    ]
    # A secret PostHog's answers leave out entirely is still said to have changed.
    (only,) = with_secrets_sent([], {"raw_password": MASK})
    assert (only.key, only.after, only.secret) == ("raw_password", "changed (secret)", True)
    assert with_secrets_sent(changes, {"config": {"bucket": "b"}}) == changes
    # One the states show added (masked) stays added: that says more than "changed".
    added = [FieldChange("config.token", "added", after=MASK)]
    assert with_secrets_sent(added, {"config": {"token": MASK}}) == added


def test_a_write_reads_as_a_sentence_with_a_link_to_its_object():
    sentence = write_sentence(
        verb="disable", area="plugin_configs", path=f"{P}/plugin_configs/8/", object_id="8", object_name="S3 Export"
    )
    assert str(sentence) == "disabled the plugin config “S3 Export”" and sentence.url == "/plugin-configs/8/"
    retried = write_sentence(
        verb="retry",
        area="batch_exports",
        path=f"/api/environments/1/batch_exports/{RUN}/runs/{RUN}/retry/",
        object_id=RUN,
        object_name="Nightly",
    )
    assert str(retried) == "retried a run of the batch export “Nightly”"
    reordered = write_sentence(
        verb="reorder", area="plugin_configs", path=f"{P}/plugin_configs/rearrange/", object_id="", object_name=""
    )
    assert (str(reordered), reordered.url) == ("reordered plugin configs", "")
    unnamed = write_sentence(verb="edit", area="roles", path=f"{ORG}/roles/r1/", object_id="r1", object_name="")
    assert str(unnamed) == "edited the role r1"  # no name kept: the id, and no page for an id that is no UUID
    assert unnamed.url == ""


def test_objects_link_to_their_portal_page_where_there_is_one():
    assert object_url(area="annotations", object_id="31") == "/annotations/31/"
    assert object_url(area="groups", object_id="0:acme inc") == "/groups/0/group/?key=acme+inc"
    assert object_url(area="insights", object_id="5") == "/sharing/insights/5/"
    assert object_url(area="plugins", object_id="not-a-number") == ""
    assert object_url(area="project_secret_api_keys", object_id="k1") == ""
