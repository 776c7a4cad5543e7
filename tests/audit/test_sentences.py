"""The trail reads as sentences: an Operator's writes through the portal's pages against the simulator show as
"otto-operator disabled the plugin config “…”", named as the object was called then and linked to its page; a
viewed item leaves no row; the verb and name filters find both sources; a secret's change reads "changed (secret)"."""

import csv
import io
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.history.models import ActivitySnapshot
from tests.audit.conftest import HTMX, sim_config, text
from tests.file_system.test_pages import KPIS, sim_entry

pytestmark = pytest.mark.django_db
ANNOTATIONS = "/api/projects/1/annotations/"
TAGS = re.compile(r"<[^>]+>")


def words(html: str) -> str:
    """The page as a person reads it: tags gone, entities decoded, spaces collapsed."""
    return " ".join(unescape(TAGS.sub(" ", html)).split()).replace(" ”", "”").replace("“ ", "“")


def annotation_named(sim, words_in_it: str) -> dict:
    return sim.call("GET", ANNOTATIONS, params={"search": words_in_it}).json()["results"][0]


@pytest.fixture
def operator_writes(operator_client, sim):
    """Otto, an Operator, disables a plugin config, deletes an annotation and restores it, through the pages."""
    config = sim_config(sim, "Internal IP Filter")
    switched = operator_client.post(
        reverse("plugins:config_enabled", args=[config["id"]]), {"enabled": "false"}, **HTMX
    )
    assert switched.status_code == 200
    annotation = annotation_named(sim, "Newsletter sent")
    assert operator_client.post(reverse("annotations:delete", args=[annotation["id"]])).status_code == 302
    assert operator_client.post(reverse("annotations:restore", args=[annotation["id"]])).status_code == 302
    return config, annotation


def test_the_operators_writes_read_as_sentences_linked_to_their_objects(operator_writes, operator_client):
    config, annotation = operator_writes
    page = text(operator_client.get(reverse("trail:list")))
    said = words(page)
    newsletter = "“Newsletter sent to 48k subscribers 📬”"
    assert "otto-operator disabled the plugin config “Internal IP Filter”" in said
    assert f"otto-operator deleted the annotation {newsletter}" in said
    assert f"otto-operator restored the annotation {newsletter}" in said
    # Newest first: the restore, the delete, the switch.
    assert said.index("restored the annotation") < said.index("deleted the annotation") < said.index("disabled")
    # The name links to the object's page in the portal.
    assert f'<a class="audit-object" href="{reverse("plugins:config_detail", args=[config["id"]])}">' in page
    assert f'<a class="audit-object" href="{reverse("annotations:detail", args=[annotation["id"]])}">' in page
    # What was sent stays there for whoever needs it, below the sentence.
    assert f"/api/projects/1/plugin_configs/{config['id']}/" in page

    restore = AuditEvent.objects.filter(area="annotations").first()
    assert (restore.action, restore.object_name) == ("restore", "Newsletter sent to 48k subscribers 📬")
    detail = text(operator_client.get(reverse("trail:detail", args=["portal", restore.pk])))
    heading = words(detail.split("<h1", 1)[1].split("</h1>", 1)[0])
    assert heading.endswith(f"otto-operator restored the annotation {newsletter}")
    assert "<title>otto-operator restored the annotation" in detail


def test_the_objects_history_page_is_named_after_the_object(operator_writes, operator_client):
    config, annotation = operator_writes
    url = reverse("trail:object_history")
    page = words(text(operator_client.get(url, {"area": "annotations", "object": annotation["id"]})))
    assert "History of the annotation “Newsletter sent to 48k subscribers 📬”" in page
    assert "otto-operator deleted the annotation" in page and "otto-operator restored the annotation" in page
    unknown = words(text(operator_client.get(url, {"area": "roles", "object": "gone-1"})))
    assert "History of the role gone-1" in unknown  # nothing named it: its id


def test_viewing_a_file_system_item_leaves_no_audit_row(operator_client, sim):
    entry = sim_entry(sim, KPIS)
    assert operator_client.get(reverse("file_system:item", args=[entry["id"]])).status_code == 200
    # The page, once shown, posts the view (htmx): what the browser would send next.
    viewed = reverse("file_system:viewed", args=[entry["id"]])
    assert operator_client.post(viewed, {"type": entry["type"], "ref": entry["ref"]}).status_code == 204
    newest = sim.call("GET", "/api/projects/1/file_system/log_view/", params={"limit": 1}).json()[0]
    assert newest["ref"] == entry["ref"]  # PostHog was told, as its own app tells it
    assert not AuditEvent.objects.exclude(area="connections").exists()
    assert "Nothing recorded yet" not in text(operator_client.get(reverse("trail:list")))  # the connection's own


@pytest.fixture
def both_sources(operator_writes, demo_connection):
    """PostHog's own entries beside the portal's writes: Dana disabled and renamed configs in PostHog's app."""
    config, _ = operator_writes
    now = timezone.now()
    for number, (activity, name) in enumerate([("disabled", "Internal IP Filter"), ("config_updated", "GeoIP")]):
        ActivitySnapshot.objects.create(
            connection=demo_connection,
            scope="PluginConfig",
            activity_id=f"dana-{number}",
            item_id=str(config["id"]) if number == 0 else "1",
            activity=activity,
            created_at=now,
            user_name="Dana",
            entry={"activity": activity, "detail": {"name": name}},
        )
    return config


def test_the_verb_filter_matches_portal_writes_and_posthogs_activity_alike(both_sources, operator_client):
    page = text(operator_client.get(reverse("trail:list"), {"verb": "disable"}))
    assert page.count('class="audit-row audit-portal') == 1 and page.count('class="audit-row audit-posthog') == 1
    assert "otto-operator disabled the plugin config “Internal IP Filter”" in words(page)
    assert "Dana disabled Internal IP Filter" in words(page)

    deleted = text(operator_client.get(reverse("trail:list"), {"verb": "delete"}))
    assert deleted.count('class="audit-row') == 1 and "deleted the annotation" in words(deleted)
    edited = text(operator_client.get(reverse("trail:list"), {"verb": "edit"}))
    assert edited.count('class="audit-row') == 1 and "GeoIP" in edited  # PostHog's config_updated is an edit
    offered = text(operator_client.get(reverse("trail:list")))
    assert (
        '<option value="disable">Disabled</option>' in offered
        and '<option value="restore">Restored</option>' in offered
    )
    assert '<option value="roll">' not in offered  # only verbs the trail holds


def test_searching_an_objects_name_finds_it_in_both_sources(both_sources, operator_client):
    page = text(operator_client.get(reverse("trail:list"), {"search": "internal ip"}))
    assert page.count('class="audit-row audit-portal') == 1  # the portal's row, by the name it kept
    assert page.count('class="audit-row audit-posthog') == 1  # PostHog's, by detail.name
    newsletter = text(operator_client.get(reverse("trail:list"), {"search": "newsletter", "source": "portal"}))
    assert newsletter.count('class="audit-row') == 2

    exported = operator_client.get(reverse("trail:export"), {"verb": "disable", "source": "portal"})
    header, *rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    row = dict(zip(header, rows[0], strict=True))
    assert len(rows) == 1 and row["sentence"] == "otto-operator disabled the plugin config “Internal IP Filter”"
    assert (row["verb"], row["object_name"]) == ("disable", "Internal IP Filter")


def test_a_secret_sent_with_a_write_reads_changed_never_its_value(operator_client, sim, simulator):
    config = sim_config(sim, "PII scrubber (GDPR) – hashes emails & IPs")
    operator_client.post(
        reverse("plugins:config_edit", args=[config["id"]]),
        {"enabled": "on", "config__salt": "brand-new-salt", "config__propertiesToHash": "email,phone"},
        **HTMX,
    )
    event = AuditEvent.objects.get(area="plugin_configs", method="PATCH")
    assert event.outcome == "success" and event.action == "edit"
    detail = text(operator_client.get(reverse("trail:detail", args=["portal", event.pk])))
    changed = detail.split('aria-label="Changed fields"', 1)[1].split("</table>", 1)[0]
    salt_row = changed.split("<code>config.salt</code>", 1)[1].split("</tr>", 1)[0]
    assert "changed (secret)" in salt_row and "diff-badge-changed" in salt_row
    assert "brand-new-salt" not in detail
    history = text(
        operator_client.get(reverse("trail:object_history"), {"area": "plugin_configs", "object": config["id"]}, **HTMX)
    )
    assert "<code>config.salt</code>" in history and "changed (secret)" in history and "brand-new-salt" not in history


def test_a_write_that_did_not_happen_reads_as_tried(operator_client, sim):
    config = sim_config(sim, "Internal IP Filter")
    sim.call("POST", "/_simulator/faults", json={"error_rate": 1.0, "error_status": 500}).raise_for_status()
    operator_client.post(reverse("plugins:config_enabled", args=[config["id"]]), {"enabled": "false"}, **HTMX)
    sim.call("DELETE", "/_simulator/faults").raise_for_status()

    said = words(text(operator_client.get(reverse("trail:list"))))
    assert "otto-operator tried to disable the plugin config" in said and "disabled" not in said
    event = AuditEvent.objects.get(area="plugin_configs")
    heading = text(operator_client.get(reverse("trail:detail", args=["portal", event.pk]))).split("<h1", 1)[1]
    assert "tried to disable the plugin config" in words(heading.split("</h1>", 1)[0])
