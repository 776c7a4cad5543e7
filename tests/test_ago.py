"""How long ago, as pages say it: "just now" in the first minute, never "0 minutes ago"."""

from datetime import timedelta

from django.template import Context, Template
from django.utils import timezone


def said(moment) -> str:
    return Template("{{ moment|ago }}").render(Context({"moment": moment}))


def test_the_first_minute_is_just_now_and_later_ones_count():
    now = timezone.now()
    assert said(now - timedelta(seconds=5)) == "just now"
    assert said(now + timedelta(seconds=20)) == "just now"  # PostHog's clock a little ahead of ours
    assert said(now - timedelta(minutes=5, seconds=3)) == "5\xa0minutes ago"
    assert said(now - timedelta(days=2, hours=3)) == "2\xa0days, 3\xa0hours ago"
    assert said(None) == ""
    one_unit = Template("{{ moment|ago:1 }}").render(Context({"moment": now - timedelta(days=23)}))
    assert one_unit == "3\xa0weeks ago"  # a table cell's one unit
