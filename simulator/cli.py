"""Running the simulator on its own: `python -m simulator` or, in the portal's demo mode, `manage.py simulator`."""

import argparse
import os
from collections.abc import Callable
from pathlib import Path

from simulator.core.seed import KEYS
from simulator.core.server import SimulatorServer
from simulator.profiles import DEFAULT_PROFILE, PROFILES


def add_arguments(parser: argparse.ArgumentParser, *, default_db: str) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default=os.environ.get("SIMULATOR_PROFILE") or DEFAULT_PROFILE,
        help="which PostHog to play: 'current' (today's cloud) or 'legacy' (an older self-hosted version); "
        "default SIMULATOR_PROFILE or current",
    )
    parser.add_argument("--db", default=default_db, help="SQLite file that keeps the state across restarts")
    parser.add_argument("--reset", action="store_true", help="start again from the demo data")
    parser.add_argument(
        "--interval", type=float, default=5.0, help="seconds between new log entries and delivery-rate changes"
    )
    parser.add_argument("--still", action="store_true", help="no living data (tests that want a fixed state)")


def serve(options: dict, *, write: Callable[[str], object] = print) -> None:
    server = SimulatorServer(
        profile=options["profile"],
        host=options["host"],
        port=options["port"],
        db_path=options["db"],
        living=not options["still"],
        living_interval=options["interval"],
    )
    if options["reset"]:
        server.reset()
    profile = server.profile
    write(f"PostHog simulator on {server.url}, playing '{profile.name}': {profile.summary} (state in {options['db']})")
    scopes = "all scopes (*)" if profile.demo_key_scopes else "an old key without scopes"
    write(f"  demo key, {scopes}: {KEYS.demo}")
    write(f"  read-only key:         {KEYS.read_only}")
    write(f"  plugins-only key:      {KEYS.plugins_only}")
    write(f"  old key, no scopes:    {KEYS.unscoped}  (passes the scope wall, as keys made before scopes do)")
    write(f"  faults: curl -X POST {server.url}/_simulator/faults -d '{{\"error_rate\": 0.2}}'")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    add_arguments(parser, default_db=str(Path("var") / "simulator.sqlite3"))
    serve(vars(parser.parse_args(argv)))
