"""The alerts' Celery tasks: thin wrappers; the work is in evaluation.py and delivery.py.

Their default schedules (apps/alerts/schedules.py) run the evaluation every 30 s and send due deliveries every 10 s;
evaluation also queues a sending as soon as it has created deliveries. Evaluation locks each rule itself
(apps/alerts/evaluation.py), and sending claims each delivery row, so two runs at once do no harm.
"""

from celery import shared_task
from django.utils import timezone

from apps.alerts.evaluation import EVALUATION_TIME_LIMIT

# The sender claims a row for its lease (apps/alerts/delivery.py); a run is cut short well before many leases pass.
SENDING_TIME_LIMIT = 120


@shared_task(
    name="apps.alerts.tasks.evaluate_rules",
    soft_time_limit=EVALUATION_TIME_LIMIT - 30,
    time_limit=EVALUATION_TIME_LIMIT,
)
def evaluate_rules() -> int:
    """Evaluate every rule that is not muted; the number of rules evaluated."""
    from apps.alerts.evaluation import rules_evaluate

    return sum(result.evaluated for result in rules_evaluate(now=timezone.now()))


@shared_task(
    name="apps.alerts.tasks.send_due_deliveries", soft_time_limit=SENDING_TIME_LIMIT - 20, time_limit=SENDING_TIME_LIMIT
)
def send_due_deliveries() -> int:
    """Send every delivery that is due; the number sent (apps.alerts.delivery.deliveries_send_due)."""
    from apps.alerts.delivery import deliveries_send_due

    return deliveries_send_due(now=timezone.now())
