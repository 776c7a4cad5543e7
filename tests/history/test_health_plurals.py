"""The pipeline health page counts in good English: "of 1 run did not fail", "of 2 runs did not fail"."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from apps.history.models import BatchExportRunRecord

pytestmark = pytest.mark.django_db


def run(connection, export_id, name, run_id, *, hours_ago):
    at = timezone.now() - timedelta(hours=hours_ago)
    BatchExportRunRecord.objects.create(
        connection=connection, project_id="1", export_id=export_id, export_name=name, run_id=run_id,
        status="Completed", created_at=at, finished_at=at + timedelta(minutes=5), polled_at=timezone.now(),
    )  # fmt: skip


def test_one_run_is_a_run_and_two_are_runs(client_as, viewer, connection):
    run(connection, "e1", "S3", "r1", hours_ago=2)
    run(connection, "e2", "Snowflake", "r2", hours_ago=3)
    run(connection, "e2", "Snowflake", "r3", hours_ago=1)

    page = re.sub(r"\s+", " ", strip_tags(client_as(viewer).get(reverse("history:pipeline")).content.decode()))

    assert "of 1 run did not fail (24 h)" in page
    assert "of 2 runs did not fail (24 h)" in page
    assert "of 1 runs" not in page
