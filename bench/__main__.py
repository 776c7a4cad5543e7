import argparse
import sys

from bench import common

BENCHES = ("ingest", "queries", "poller", "alerts", "pages", "load")


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description="The portal's benchmarks; each prints its figures.")
    parser.add_argument("which", nargs="?", default="all", choices=(*BENCHES, "chaos", "all"))
    parser.add_argument("--rows", type=int, help="log rows (ingest: 1,000,000; queries: 5,000,000)")
    parser.add_argument(
        "--minutes",
        type=float,
        help="poller: how long the simulator lives (5); chaos: how long the faults last (10); load: how long the team "
        "clicks (2)",
    )
    parser.add_argument("--configs", type=int, default=500, help="poller: configs of the one-project run (0: skip it)")
    parser.add_argument("--projects", type=int, default=10, help="poller: projects of the second run (0: skip it)")
    parser.add_argument("--project-configs", type=int, default=100, help="poller: configs in each of those projects")
    parser.add_argument("--alert-minutes", type=float, default=30.0, help="alerts: simulated minutes")
    options = parser.parse_args()
    common.print_machine()
    if options.which == "chaos":  # its own PostgreSQL and Redis, which it restarts; not part of "all"
        from bench import chaos

        options.minutes = 10.0 if options.minutes is None else options.minutes
        return chaos.run(options)
    minutes = options.minutes
    for name in BENCHES if options.which == "all" else (options.which,):
        options.minutes = (2.0 if name == "load" else 5.0) if minutes is None else minutes
        # The alerts bench runs on PostgreSQL when DATABASE_URL names one, else on a scratch SQLite file.
        database = (
            common.sqlite_database if name == "alerts" and not common.postgres_wanted() else common.bench_database
        )
        with database():
            module = __import__(f"bench.{name}", fromlist=["run"])
            module.run(options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
