"""The environment a real server on plain http://127.0.0.1 runs with (portal/plain-http.env): read here for the
benches and tests that start one, and by bin/portal, so the three never drift apart."""

from pathlib import Path

ENV_FILE = Path(__file__).with_name("plain-http.env")


def _read(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if line and not line.startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}


PLAIN_HTTP_ENVIRONMENT: dict[str, str] = _read(ENV_FILE)
