"""bin/portal, the benches and the server tests start real servers on plain http with one set of values."""

import re
import subprocess
from pathlib import Path

from portal.plain_http import PLAIN_HTTP_ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent


def _exported_by_bin_portal(preset: dict[str, str], folder: Path) -> dict[str, str]:
    """Runs bin/portal's export loop (not the server) in `folder`, with `preset` already in the environment."""
    script = (ROOT / "bin" / "portal").read_text()
    loop = re.search(r"^while IFS=.*?^done < portal/plain-http.env$", script, re.M | re.S)
    assert loop, "bin/portal no longer reads portal/plain-http.env"
    (folder / "portal").mkdir()
    (folder / "portal" / "plain-http.env").write_text((ROOT / "portal" / "plain-http.env").read_text())
    output = subprocess.run(
        ["bash", "-c", loop.group(0) + "\nenv"],
        cwd=folder,
        env={"PATH": "/usr/bin:/bin", **preset},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


def test_the_mapping_keeps_debug_off_and_cookies_on_plain_http():
    assert PLAIN_HTTP_ENVIRONMENT["DEBUG"] == "false"
    assert PLAIN_HTTP_ENVIRONMENT["SECURE_SSL_REDIRECT"] == "false"
    assert PLAIN_HTTP_ENVIRONMENT["SESSION_COOKIE_SECURE"] == "false"


def test_bin_portal_exports_the_same_values(tmp_path):
    exported = _exported_by_bin_portal({}, tmp_path)
    assert {name: exported.get(name) for name in PLAIN_HTTP_ENVIRONMENT} == PLAIN_HTTP_ENVIRONMENT


def test_a_value_set_in_the_environment_or_dotenv_wins(tmp_path):
    (tmp_path / ".env").write_text("SECURE_HSTS_SECONDS=600\n")
    exported = _exported_by_bin_portal({"DEBUG": "true"}, tmp_path)
    assert exported["DEBUG"] == "true"
    assert "SECURE_HSTS_SECONDS" not in exported  # left for the settings to read from .env
    assert exported["CSRF_COOKIE_SECURE"] == "false"
