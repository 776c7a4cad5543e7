"""What every browser test does: sign in, and keep a screenshot of what it saw."""

from pathlib import Path

from playwright.sync_api import expect

from tests.conftest import PASSWORD

# Outside test-results/, which pytest-playwright empties at the start of every run.
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
# A 2-core CI machine running Chromium, the portal and the simulator at once is slower than a laptop.
expect.set_options(timeout=15_000)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
