"""The web server `runportal` starts: gunicorn, from Python, with the values of portal/gunicorn.conf.py (the file
the compose file and the image use), so `bin/portal` serves the way production does: threaded workers, static files
by WhiteNoise, the same timeouts.

How many worker processes depends on where the portal keeps its shared state. The embedded default (no REDIS_URL)
keeps it in memory of one process: the local-memory cache, the locks taken with `cache_lock`, the pollers' budget
and the scheduler's thread. Two processes would each have their own copy (two budgets, two locks for the same poll),
so that mode runs ONE worker process with threads. With REDIS_URL the cache, locks and budget live in Redis and
every worker sees the same ones, so it runs the configured number (WEB_WORKERS).

The scheduler and the connection's first capability test start in each worker after the portal is loaded
(`post_worker_init`), never in the master: a thread started before the fork would not exist in the workers, and a
process that forks while threads hold locks (SQLite's, logging's) can leave its child stuck on them.
"""

import runpy
import threading
from collections.abc import Callable
from typing import Any

from django import db
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from gunicorn.app.base import BaseApplication

from apps.connections.models import CapabilityReport, Connection
from apps.connections.services import connection_test
from apps.history.embedded import EmbeddedScheduler

CONFIG_FILE = settings.BASE_DIR / "portal" / "gunicorn.conf.py"


class PortalServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        assert self.cfg is not None  # set by load_default_config, which runs first
        for name, value in self.options.items():
            if name in self.cfg.settings:
                self.cfg.set(name, value)

    def load(self) -> Callable:
        # What portal/wsgi.py serves (this layer may not import the portal package above it).
        return get_wsgi_application()


def server_options(*, bind: str) -> dict[str, Any]:
    """portal/gunicorn.conf.py's values for `bind`, with one worker when the shared state is in this process."""
    options = {name: value for name, value in runpy.run_path(str(CONFIG_FILE)).items() if not name.startswith("_")}
    options["bind"] = bind
    if not state_shared():
        options["workers"] = 1
    # gunicorn's runtime control socket is one path per user (~/.gunicorn): a second portal on the machine (tests,
    # a bench) would take it over. Nothing here uses it; compose's server keeps it.
    options["control_socket_disable"] = True
    options["post_worker_init"] = _worker_started
    options["worker_exit"] = _worker_exiting
    return options


def state_shared() -> bool:
    """Whether every worker process sees the same cache, locks and budget (Redis), so there may be several."""
    return bool(settings.REDIS_URL)


def scheduler_start(*, write: Callable[[str], object]) -> EmbeddedScheduler | None:
    """Without a broker there is no beat or worker: the schedules run in a thread of the web worker."""
    if settings.CELERY_BROKER_URL == "memory://":
        write("History polling runs inside the portal's process (no Redis: no worker or beat needed).")
        return EmbeddedScheduler().start()
    write(
        "Background polling needs a Celery worker and beat beside this server: "
        "`celery -A portal worker` and `celery -A portal beat`."
    )
    return None


_scheduler: EmbeddedScheduler | None = None


def _worker_started(worker: Any) -> None:
    global _scheduler
    _scheduler = scheduler_start(write=worker.log.info)
    default = Connection.objects.filter(is_default=True).first()
    if default is not None and not CapabilityReport.objects.filter(connection=default).exists():
        # What this key may do on this PostHog, learned once in the background: pages consult it.
        threading.Thread(target=connection_test, kwargs={"connection": default}, daemon=True).start()
    # The worker's main thread only accepts connections: it keeps no database session open.
    db.connection.close()


def _worker_exiting(server: Any, worker: Any) -> None:
    # A poll running now finishes (within the graceful timeout) rather than being cut off halfway.
    if _scheduler is not None:
        _scheduler.stop()
