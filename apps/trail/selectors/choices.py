"""The options of the trail's filters, from what the trail holds."""

from apps.audit.actions import ACTIVITY_VERBS, VERBS, verb_done
from apps.audit.models import AuditEvent
from apps.history.linking import AREA_OF_SCOPE
from apps.history.models import ActivitySnapshot
from apps.trail.presenters import area_label, posthog_person_label
from apps.trail.selectors.rows import FilterChoices


def audit_filter_choices() -> FilterChoices:
    """What the filters offer: the people, areas and verbs the trail holds (a PostHog activity by its verb)."""
    portal_people = list(AuditEvent.objects.order_by("actor_name").values_list("actor_name", flat=True).distinct())
    posthog_people = {
        email or name: posthog_person_label(name, email)
        for email, name in ActivitySnapshot.objects.values_list("user_email", "user_name").distinct()
        if email or name
    }
    areas = set(AuditEvent.objects.order_by().values_list("area", flat=True).distinct())
    scopes = ActivitySnapshot.objects.order_by().values_list("scope", flat=True).distinct()
    areas |= {AREA_OF_SCOPE[scope] for scope in scopes if scope in AREA_OF_SCOPE}
    verbs = set(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())
    activities = ActivitySnapshot.objects.order_by().values_list("activity", flat=True).distinct()
    verbs |= {ACTIVITY_VERBS[activity] for activity in activities if activity in ACTIVITY_VERBS}
    return FilterChoices(
        portal_people=portal_people,
        posthog_people=sorted(posthog_people.items(), key=lambda item: item[1].casefold()),
        areas=sorted(((area, area_label(area)) for area in areas if area), key=lambda item: item[1].casefold()),
        verbs=[(verb, verb_done(verb).capitalize()) for verb in VERBS if verb in verbs],
    )
