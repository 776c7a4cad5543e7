"""The production web server: `gunicorn -c portal/gunicorn.conf.py portal.wsgi:application`.

Sized from the portal's settings (WEB_WORKERS, WEB_THREADS, WEB_TIMEOUT_SECONDS, from the environment or .env), so
the server and the pages agree on time: a page waits on PostHog at most POSTHOG_REQUEST_BUDGET_SECONDS (plus the
few seconds reading back a write whose answer was lost may take), and the server gives a request 15 s more before
it kills the worker. Threaded workers: a page waiting on a hanging PostHog holds one thread, not a whole process, so
the other pages and /healthz/ are still answered.
"""

import os
import sys
from pathlib import Path

# gunicorn reads this file before it puts its working directory on the import path: the portal's root goes there
# first, so its settings size the server wherever gunicorn was started from.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import settings as portal  # noqa: E402

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = portal.WEB_WORKERS
threads = portal.WEB_THREADS
# Above the budget, so a page that ran out of time answers with its message rather than being killed mid-answer.
timeout = max(portal.WEB_TIMEOUT_SECONDS, int(portal.POSTHOG_REQUEST_BUDGET_SECONDS) + 15)
# On a restart, pages already waiting on PostHog get their whole budget to answer.
graceful_timeout = timeout
# Idle keep-alive connections from a proxy do not hold a thread for long.
keepalive = 5
# The workers' heartbeat files in memory: a slow disk never looks like a stuck worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# One line per request on standard output; GUNICORN_ACCESS_LOG="" turns it off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
