"""Demo groups: two group types per project (companies and workspaces), companies and workspaces in every
environment (40 + 40 in project 1's production), a little property history, and the property definitions
ingestion would have written for them. Names and values come from data/*.json; the choices are seeded, so every
run makes the same groups."""

import json
import random
from pathlib import Path

from simulator.areas.groups import state
from simulator.core import context

DATA = Path(__file__).parent / "data"


def _data(name: str):
    return json.loads((DATA / name).read_text())


def _slug(name: str) -> str:
    cleaned = "".join(ch.lower() if ch.isascii() and ch.isalnum() else "-" for ch in name)
    return "-".join(part for part in cleaned.split("-") if part)[:40] or "group"


def _companies(store, world, team_id: int, rng: random.Random, count: int, demo: dict) -> list[dict]:
    companies = demo["companies"]
    created = []
    for number in range(count):
        name = companies[number % len(companies)] + ("" if number < len(companies) else f" {number}")
        key = _slug(name) if _slug(name) != "group" else f"org-{number}"
        plan = rng.choice(demo["plans"])
        properties = {
            "name": name,
            "industry": rng.choice(demo["industries"]),
            "plan": plan,
            "seats": rng.choice(demo["seats"]),
            "mrr": round(rng.uniform(0, 4000), 2) if plan != "free" else 0,
            "country": rng.choice(demo["countries"]),
            "is_enterprise": plan == "enterprise",
            "domain": f"{key[:30]}.example",
            "signup_date": world.iso(days_ago=rng.randint(30, 900))[:10],
        }
        if number % 9 == 4:
            properties["description"] = demo["long_description"]
        if number % 7 == 2:
            properties.pop("industry")
        created_at = world.iso(days_ago=rng.uniform(1, 400))
        created.append(state.group_insert(store, team_id, 0, key, properties, created_at=created_at))
    return created


def _workspaces(store, world, team_id: int, rng: random.Random, count: int, demo: dict) -> list[dict]:
    companies = demo["companies"]
    created = []
    for number in range(count):
        company = companies[number % len(companies)]
        host = f"https://analytics.{_slug(company)[:24]}.{'io' if number % 3 else 'cloud'}"
        if number >= len(companies):
            host += f"/{number}"
        properties = {
            "name": f"{company} – {'EU' if number % 2 else 'US'} workspace",
            "region": "eu" if number % 2 else "us",
            "deployment": "cloud" if number % 4 else "self-hosted",
            "version": f"1.{rng.randint(38, 44)}.{rng.randint(0, 9)}",
            "users_count": rng.randint(1, 300),
            "first_seen": world.iso(days_ago=rng.randint(10, 700))[:10],
            "organization": _slug(company),
        }
        created_at = world.iso(days_ago=rng.uniform(1, 300))
        created.append(state.group_insert(store, team_id, 1, host, properties, created_at=created_at))
    return created


def _history(store, world, team_id: int, groups: list[dict]) -> None:
    for entry in _data("history.json"):
        change = {
            "type": "Group",
            "action": entry["action"],
            "field": None,
            "before": entry["before"],
            "after": entry["after"],
        }
        store.activity_add(
            scope="Group",
            parent=team_id,
            item_id=groups[entry["group"]]["id"],
            entry=context.activity_entry(
                user=world.user,
                activity=entry["activity"],
                name=entry["property"],
                changes=[change],
                created_at=world.iso(days_ago=entry["days_ago"]),
            ),
        )


def seed(store, world) -> None:
    demo = _data("groups.json")
    for number, project in enumerate(world.projects):
        for index, group_type in enumerate(demo["group_types"]):
            state.group_type_insert(
                store,
                project["id"],
                index,
                group_type=group_type["group_type"],
                singular=group_type["name_singular"],
                plural=group_type["name_plural"],
                default_columns=group_type["default_columns"],
                created_at=world.iso(days_ago=280 - number * 10 - index),
            )
    for environment in world.environments:
        team_id = environment["id"]
        rng = random.Random(f"groups-{team_id}")
        if team_id == world.projects[0]["id"]:
            companies, workspaces = 40, 40
        elif environment["name"] == "Production":
            companies, workspaces = 30, 20
        else:
            companies, workspaces = 6, 2
        groups = _companies(store, world, team_id, rng, companies, demo)
        groups += _workspaces(store, world, team_id, rng, workspaces, demo)
        if team_id == world.projects[0]["id"]:
            _history(store, world, team_id, groups)
        for group in groups:
            state.ingest(store, team_id, group)
