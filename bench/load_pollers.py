"""The load bench's pollers: the portal's in-process scheduler (apps/history/embedded.py, what `bin/portal` runs
without Redis) in a process of their own, on the bench's PostgreSQL and Redis: `python -m bench.load_pollers`.

Every PostHog request of this process is a poller's, and it says so in its User-Agent (POLLER_AGENT), so the
simulator's request log tells the pollers' requests from the pages' (bench/load.py counts both). Tasks run eagerly
here (CELERY_TASK_ALWAYS_EAGER, set by the bench): a poll's fan-out to each connection runs in this process too.
"""

import signal
import threading

POLLER_AGENT = "portal-load-bench-pollers"


def main() -> None:
    import django

    django.setup()
    from apps.history.embedded import EmbeddedScheduler
    from apps.posthog.client import PostHogClient

    defaults = PostHogClient.__init__.__kwdefaults__
    assert defaults is not None and "user_agent" in defaults
    defaults["user_agent"] = POLLER_AGENT
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    scheduler = EmbeddedScheduler().start()
    while not stopping.wait(1.0):
        pass
    scheduler.stop()


if __name__ == "__main__":
    main()
