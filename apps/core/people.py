"""People as PostHog describes them (UserBasic), in words a person reads."""


def person_name(user) -> str:
    """ "First Last", else the email: PostHog's UserBasic as people read it. Older versions send only a user's id
    in some places (project secret API keys' `created_by`): that reads as "user 12"."""
    if isinstance(user, bool):
        return ""
    if isinstance(user, int):
        return f"user {user}"
    if not isinstance(user, dict):
        return ""
    full = " ".join(str(user.get(key) or "").strip() for key in ("first_name", "last_name")).strip()
    return full or str(user.get("email") or "")
