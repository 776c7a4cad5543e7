"""A Slack incoming webhook: a message that reads on its own, with the item, the numbers, the last error and a
link to the portal page (Block Kit, https://api.slack.com/reference/block-kit/blocks; `text` is what a phone's
notification shows)."""

import json
from typing import Any

from apps.alerts.channels.http import post
from apps.alerts.models import Channel

HEADER_LIMIT = 150  # Slack refuses a header block longer than this
SECTION_LIMIT = 3000  # and a section's text longer than this
FIELDS_LIMIT = 10


def escape(text: str) -> str:
    """Slack's mrkdwn reads <…> as links and mentions: an item's name must not become one."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def value_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "—" if value is None else str(value)


def message_of(payload: dict[str, Any]) -> dict[str, Any]:
    title = str(payload.get("title") or "Alert")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(" ".join(title.split()), HEADER_LIMIT)}}
    ]
    if payload.get("text"):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": clip(escape(payload["text"]), 3000)}})
    values = payload.get("values") or {}
    if isinstance(values, dict) and values:
        fields = [
            {"type": "mrkdwn", "text": clip(f"*{escape(str(name))}*\n{escape(value_text(value))}", 2000)}
            for name, value in list(values.items())[:FIELDS_LIMIT]
        ]
        blocks.append({"type": "section", "fields": fields})
    text = str(payload.get("text") or "")
    if payload.get("message") and str(payload["message"]) not in text:
        error = clip(escape(str(payload["message"])), SECTION_LIMIT - 40)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*Last error*\n```{error}```"}})
    context = [
        str(part)
        for part in (
            payload.get("subject_name"),
            payload.get("connection"),
            _project(payload),
            payload.get("started_at"),
        )
        if part
    ]
    if context:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(" · ".join(context))}]})
    if payload.get("link") and str(payload["link"]) not in text:
        link = str(payload["link"]).replace("|", "%7C").replace(">", "%3E")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"<{link}|Open in the portal>"}})
    return {"text": title, "blocks": blocks}


def _project(payload: dict[str, Any]) -> str:
    return f"project {payload['project_id']}" if payload.get("project_id") else ""


def send(channel: Channel, payload: dict[str, Any], *, delivery_key: str) -> None:
    body = json.dumps(message_of(payload)).encode()
    post(url=channel.url, body=body, headers={"Content-Type": "application/json"}, what="Slack webhook")
