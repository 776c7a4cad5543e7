"""A plugin's versions as the upgrade page shows them, and the links to what changed between them.

PostHog keeps one `tag` per plugin (and `latest_tag` once it checked upstream): a name such as `v1.4.0` or an npm
version when the plugin's URL names one (`/tree/<tag>`, `/releases/tag/<tag>`, `/v/<version>`), otherwise the
commit it installed (posthog/plugins/utils.py: `parse_github_url` takes the newest commit when the URL names no tag).
"""

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

# A commit hash as PostHog stores it: 40 hex digits, or an abbreviation of at least 7 from a `/commit/` URL.
COMMIT = re.compile(r"[0-9a-f]{7,40}", re.IGNORECASE)
SHORT_COMMIT = 7
# What a repository path segment and a ref may hold: anything else (spaces, quotes, "..", "%") gives no link.
# (PostHog's own pattern for owner and repository: [A-Za-z0-9_.-]+.)
SEGMENT = re.compile(r"[A-Za-z0-9_.-]+")
REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+/-]*")
CHANGELOG = "CHANGELOG.md"


@dataclass(frozen=True)
class Version:
    """A tag as shown: a commit hash shortened (the whole one in `full`), a named version as it is."""

    text: str
    full: str
    is_commit: bool


@dataclass(frozen=True)
class Repository:
    """A GitHub or GitLab repository named by a plugin's URL, and its pages."""

    host: str  # "GitHub" or "GitLab"
    base: str  # https://github.com/owner/repo

    def compare_url(self, before: str, after: str) -> str:
        """What changed from one ref to the other; "" when either is not a ref a link can carry, or they are one."""
        if not (_ref_ok(before) and _ref_ok(after)) or before == after:
            return ""
        separator = "/-/compare/" if self.host == "GitLab" else "/compare/"
        return f"{self.base}{separator}{_quoted(before)}...{_quoted(after)}"

    def changelog_url(self, ref: str) -> str:
        """The changelog as of `ref` (the repository's default branch when there is none to name)."""
        blob = "/-/blob/" if self.host == "GitLab" else "/blob/"
        return f"{self.base}{blob}{_quoted(ref) if _ref_ok(ref) else 'HEAD'}/{CHANGELOG}"


def version_of(tag: Any) -> Version | None:
    if not isinstance(tag, str) or not tag.strip():
        return None
    tag = tag.strip()
    if COMMIT.fullmatch(tag) and not tag.isdigit():
        return Version(text=tag[:SHORT_COMMIT], full=tag, is_commit=True)
    return Version(text=tag, full=tag, is_commit=False)


def repository_of(url: Any) -> Repository | None:
    """The repository a plugin's URL names, when it is an https URL of github.com or gitlab.com and its path
    reads as one; None for npm, other hosts, other schemes (javascript:, http:) and anything odd."""
    if not isinstance(url, str) or any(char.isspace() or ord(char) < 32 for char in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != "https" or parts.username or parts.password or port is not None:
        return None
    host = (parts.hostname or "").lower()
    segments = [segment for segment in parts.path.split("/") if segment]
    if host in ("github.com", "www.github.com"):
        # github.com/<owner>/<repo>[.git][/tree/<ref> | /commit/<sha> | /releases/tag/<tag>]
        name, base_host, segments = "GitHub", "github.com", segments[:2]
    elif host in ("gitlab.com", "www.gitlab.com"):
        # gitlab.com/<group>[/<subgroup>…]/<project>[/-/tree/<ref>]: groups nest, so the path ends at "-".
        name, base_host = "GitLab", "gitlab.com"
        segments = segments[: segments.index("-")] if "-" in segments else segments
    else:
        return None
    if len(segments) < 2:
        return None
    segments[-1] = segments[-1].removesuffix(".git")
    if not all(SEGMENT.fullmatch(segment) and segment.strip(".") for segment in segments):
        return None
    return Repository(host=name, base=f"https://{base_host}/{'/'.join(segments)}")


def _ref_ok(ref: Any) -> bool:
    return isinstance(ref, str) and bool(REF.fullmatch(ref)) and ".." not in ref


def _quoted(ref: str) -> str:
    return quote(ref, safe="/")


@dataclass(frozen=True)
class Upgrade:
    """What the upgrade page shows: the installed and the newest known version, and where to read what changed."""

    installed: Version | None
    latest: Version | None
    repository: Repository | None
    compare_url: str
    changelog_url: str


def plugin_upgrade_view(plugin: dict[str, Any]) -> Upgrade:
    installed, latest = version_of(plugin.get("tag")), version_of(plugin.get("latest_tag"))
    repository = repository_of(plugin.get("url"))
    compare = changelog = ""
    if repository is not None:
        if installed and latest:
            compare = repository.compare_url(installed.full, latest.full)
        changelog = repository.changelog_url(latest.full if latest else "")
    return Upgrade(
        installed=installed, latest=latest, repository=repository, compare_url=compare, changelog_url=changelog
    )
