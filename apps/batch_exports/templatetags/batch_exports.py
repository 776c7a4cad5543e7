"""The batch export pages' words for PostHog's values (apps.batch_exports.presenters), as template filters."""

from django import template

from apps.batch_exports import presenters

register = template.Library()
register.filter("run_status", presenters.run_status)
register.filter("interval_label", presenters.interval_label)
register.filter("destination_label", presenters.destination_label)
register.filter("destination_target", presenters.destination_target)
register.filter("run_interval", presenters.interval_text)
register.filter("failed_of_latest", presenters.failed_of_latest)
