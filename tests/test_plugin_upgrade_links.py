"""The upgrade page names versions as a person reads them, and links to what changed only where that is safe:
https pages of github.com and gitlab.com repositories, opening in a new tab without the portal's address."""

import html
import re

import pytest
from django.urls import reverse

from apps.plugins import selectors
from apps.plugins.presenters.versions import plugin_upgrade_view, repository_of, version_of

pytestmark = pytest.mark.django_db
PLUGINS = "/api/organizations/@current/plugins/"
S3_EXPORT = 4  # a GitHub plugin PostHog knows an update of (simulator/areas/plugins/seed.py)
NPM_WITH_UPDATE = 22  # an npm package: 1.1.1 installed, 1.2.0 known
OLD = "475a5b49a14ea92a209d518e3639627b77637f42"
NEW = "2991b63c8141ce8a8d83c0b0558923db1c4327f2"


@pytest.fixture
def admin(client_as, admin_user, demo_connection):
    return client_as(admin_user)


def upgrade_page(client, plugin_id: int) -> str:
    response = client.get(reverse("plugins:upgrade", args=[plugin_id]))
    assert response.status_code == 200
    return response.content.decode()


def links(page: str) -> list[str]:
    """Every <a> of the page's content that leaves the portal."""
    content = page.split('<section class="card form">')[1].split("</section>")[0]
    return [tag for tag in re.findall(r"<a [^>]*>", content) if 'href="/' not in tag]


def serve(monkeypatch, plugin: dict) -> None:
    """The upgrade page reads this plugin, as PostHog could answer it."""
    monkeypatch.setattr(selectors, "plugin_get", lambda **_kwargs: plugin)


def plugin(url, tag=OLD, latest_tag=NEW) -> dict:
    return {"id": 77, "name": "Odd plugin", "plugin_type": "custom", "url": url, "tag": tag, "latest_tag": latest_tag}


# Over the simulator ----------------------------------------------------------------------------------------


def test_a_github_plugin_shows_short_commits_and_links_to_the_compare_view(admin, sim):
    s3 = sim.call("GET", f"{PLUGINS}{S3_EXPORT}/").json()
    old, new = s3["tag"], s3["latest_tag"]
    page = upgrade_page(admin, S3_EXPORT)
    # Commits, shortened, with the whole hash a hover away: no 40-character strings to compare by eye.
    assert f'<code class="version-commit" title="Commit {old}">{old[:7]}</code>' in page
    assert f'<code class="version-commit" title="Commit {new}">{new[:7]}</code>' in page
    assert f"Upgrade to {new[:7]}" in page
    compare = f"https://github.com/PostHog/s3-export-plugin/compare/{old}...{new}"
    changelog = f"https://github.com/PostHog/s3-export-plugin/blob/{new}/CHANGELOG.md"
    found = links(page)
    assert f'<a href="{compare}" target="_blank" rel="noopener noreferrer">' in found
    assert f'<a href="{changelog}" target="_blank" rel="noopener noreferrer">' in found
    assert f"Compare {old[:7]}…{new[:7]} on GitHub" in page


def test_an_npm_plugin_shows_its_version_tags_and_no_repository_links(admin, sim):
    package = sim.call("GET", f"{PLUGINS}{NPM_WITH_UPDATE}/").json()
    page = upgrade_page(admin, NPM_WITH_UPDATE)
    assert f'<code class="version-tag" title="Tag {package["tag"]}">{package["tag"]}</code>' in page
    assert f'<code class="version-tag" title="Tag {package["latest_tag"]}">{package["latest_tag"]}</code>' in page
    assert "version-commit" not in page
    # npm is not a repository: the only way out is the plugin's own (https) address.
    assert [tag for tag in links(page) if "npmjs.com" not in tag] == []
    assert "compare" not in page.lower() and "Changelog" not in page


# PostHog's answer shaped by hand (the view and template are the real ones) ------------------------------------


def test_a_gitlab_plugin_in_a_subgroup_links_to_gitlabs_compare_and_changelog(admin, monkeypatch):
    serve(monkeypatch, plugin("https://gitlab.com/hedgehog-analytics/integrations/salesforce/-/tree/main"))
    page = upgrade_page(admin, 77)
    base = "https://gitlab.com/hedgehog-analytics/integrations/salesforce"
    found = links(page)
    assert f'<a href="{base}/-/compare/{OLD}...{NEW}" target="_blank" rel="noopener noreferrer">' in found
    assert f'<a href="{base}/-/blob/{NEW}/CHANGELOG.md" target="_blank" rel="noopener noreferrer">' in found
    assert "on GitLab" in page


def test_named_tags_show_as_they_are_and_the_compare_view_uses_them(admin, monkeypatch):
    serve(monkeypatch, plugin("https://github.com/acme/plugin/tree/v1.2.0", tag="v1.2.0", latest_tag="v1.3.0"))
    page = upgrade_page(admin, 77)
    assert '<code class="version-tag" title="Tag v1.2.0">v1.2.0</code>' in page and "Upgrade to v1.3.0" in page
    assert 'href="https://github.com/acme/plugin/compare/v1.2.0...v1.3.0"' in page


def test_a_url_that_names_no_repository_gives_no_links(admin, monkeypatch):
    serve(monkeypatch, plugin("https://example.com/acme/plugin"))
    page = upgrade_page(admin, 77)
    assert all("example.com" in tag for tag in links(page))  # only the plugin's own address, as before
    assert "compare" not in page.lower() and 'CHANGELOG.md"' not in page


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.domain)//github.com/acme/plugin",
        "http://github.com/acme/plugin",  # not https
        "https://github.com.evil.example/acme/plugin",
        "https://evil.example/github.com/acme/plugin",
        "https://someone@github.com/acme/plugin",
        'https://github.com/acme/plug"in><script>alert(1)</script>',
        "https://github.com/acme",
    ],
)
def test_an_odd_url_gives_no_link_and_is_shown_escaped(admin, monkeypatch, url):
    serve(monkeypatch, plugin(url))
    page = upgrade_page(admin, 77)
    assert "/compare/" not in page and 'CHANGELOG.md"' not in page
    assert "<script>alert(1)</script>" not in page
    assert not any("javascript:" in tag for tag in links(page))
    if url.startswith("https://"):
        assert html.escape(url, quote=False) in page or html.escape(url) in page


def test_a_tag_a_link_cannot_carry_gives_no_compare_link(admin, monkeypatch):
    serve(monkeypatch, plugin("https://github.com/acme/plugin", tag="v1 <b>", latest_tag="../../evil"))
    page = upgrade_page(admin, 77)
    assert "/compare/" not in page and "evil/CHANGELOG" not in page
    assert 'href="https://github.com/acme/plugin/blob/HEAD/CHANGELOG.md"' in page  # the changelog, as of now
    assert "v1 &lt;b&gt;" in page


# The presenter on its own ----------------------------------------------------------------------------------


def test_repository_urls_as_posthog_accepts_them():
    assert repository_of("https://github.com/PostHog/geoip.git").base == "https://github.com/PostHog/geoip"
    assert repository_of("https://www.github.com/a/b/commit/abc1234").base == "https://github.com/a/b"
    assert repository_of("https://github.com/a/b/releases/tag/v1").base == "https://github.com/a/b"
    assert repository_of("https://gitlab.com/g/p").host == "GitLab"
    assert repository_of("https://gitlab.com/only-a-group") is None
    assert repository_of("https://www.npmjs.com/package/x") is None
    assert repository_of("https://github.com:444/a/b") is None
    assert repository_of("https://github.com/a/..") is None
    assert repository_of(None) is None


def test_versions_read_as_commits_or_tags():
    assert version_of(OLD).text == OLD[:7] and version_of(OLD).is_commit
    assert version_of("abc1234").is_commit  # a short hash from a /commit/ URL
    assert not version_of("1.2.0").is_commit and not version_of("v2").is_commit
    assert not version_of("20240101").is_commit  # digits only: a date-like tag, not a hash
    assert version_of("") is None and version_of(None) is None


def test_no_compare_link_when_nothing_changed_or_a_version_is_missing():
    same = plugin_upgrade_view(plugin("https://github.com/a/b", tag=OLD, latest_tag=OLD))
    assert same.compare_url == "" and same.changelog_url == f"https://github.com/a/b/blob/{OLD}/CHANGELOG.md"
    unchecked = plugin_upgrade_view(plugin("https://github.com/a/b", tag=OLD, latest_tag=None))
    assert unchecked.compare_url == "" and unchecked.changelog_url.endswith("/blob/HEAD/CHANGELOG.md")
