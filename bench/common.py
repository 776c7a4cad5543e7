"""What every benchmark shares: its own PostgreSQL database, the machine it ran on, timing and percentiles."""

import contextlib
import os
import platform
import statistics
import time
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")


def print_machine() -> None:
    cpus = os.cpu_count()
    memory = _meminfo_gib()
    print(f"machine: {platform.machine()}, {cpus} cores, {memory:.0f} GiB, {platform.platform()}")
    print(f"python {platform.python_version()}")


@contextlib.contextmanager
def bench_database():
    """A fresh database for one benchmark, migrated; dropped afterwards."""
    import psycopg

    parts = urlsplit(BENCH_DATABASE_URL)
    name = parts.path.lstrip("/") or "portal_bench"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "false")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    with psycopg.connect(BENCH_DATABASE_URL) as conn:
        print(f"postgresql {conn.info.server_version // 10000}.{conn.info.server_version % 10000}")
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_wanted() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


@contextlib.contextmanager
def sqlite_database():
    """A scratch SQLite database for a benchmark that runs without PostgreSQL, migrated; deleted afterwards."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
        os.environ.setdefault("DEBUG", "false")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        print("sqlite (DATABASE_URL not set)")
        try:
            yield
        finally:
            from django.db import connections

            connections.close_all()


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 2 else samples[0]


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def timed_ms(function, *args, **kwargs) -> float:
    started = time.perf_counter()
    function(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _meminfo_gib() -> float:
    with open("/proc/meminfo") as meminfo:
        return int(meminfo.readline().split()[1]) / 1024 / 1024
