"""A plugin's page that may not do six things says so once per cause: one notice lists what is unavailable for the
same reason, and each reason stays in view."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from apps.connections.capabilities import REASONS, capability_record
from apps.connections.models import Capability

pytestmark = pytest.mark.django_db
GEOIP = 1  # a plugin of the demo organization (simulator/areas/plugins.py)
REFUSED = {
    "plugin_edit": Capability.ACCESS_LEVEL,
    "plugin_uninstall": Capability.ACCESS_LEVEL,
    "plugin_check_for_updates": Capability.PERSONAL_KEY_REFUSED,
    "plugin_upgrade": Capability.PERSONAL_KEY_REFUSED,
    "plugin_source": Capability.PERSONAL_KEY_REFUSED,
    "plugin_update_source": Capability.PERSONAL_KEY_REFUSED,
}


def test_refusals_that_share_a_cause_are_one_notice(client_as, admin_user, demo_connection):
    for action, state in REFUSED.items():
        capability_record(connection=demo_connection, action=action, state=state, detail="", source=Capability.REQUEST)

    html = client_as(admin_user).get(reverse("plugins:detail", args=[GEOIP])).content.decode()

    notices = [re.sub(r"\s+", " ", unescape(strip_tags(notice))).strip() for notice in re.findall(
        r'<div class="unavailable" role="note">(.*?)</div>', html, re.S
    )]  # fmt: skip
    assert len(notices) == 2, notices
    access, personal = notices
    assert access.startswith(f"Edit a plugin, Uninstall a plugin: {REASONS[Capability.ACCESS_LEVEL]}")
    assert personal.startswith(
        "Check a plugin for updates, Upgrade a plugin, Read a plugin's source, Edit a plugin's source: "
        + REASONS[Capability.PERSONAL_KEY_REFUSED]
    )
    assert all("Do it in PostHog" in notice for notice in notices)
