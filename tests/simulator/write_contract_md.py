"""Writes simulator/CONTRACT.md from DELIBERATE_DIFFERENCES: `.venv/bin/python -m tests.simulator.write_contract_md`."""

from pathlib import Path

from tests.simulator import spec

head = """# The simulator's contract with PostHog's OpenAPI schemas

`tests/simulator/test_contract.py` validates the simulator's responses against PostHog's published
schemas (`shared/posthog-api/openapi/openapi.yaml`, Nov 2025, and `schema.yaml`, 2023, for plugins and
plugin_configs CRUD). Where the schema and PostHog's real answers disagree, the simulator answers as
PostHog does and the difference is listed here and in `DELIBERATE_DIFFERENCES` in
`tests/simulator/spec.py` (a test keeps the two lists equal). A row without a field skips the whole
response; a row with a field (a JSON pointer, `*` = any index) ignores only that field, and the rest of
the response is still validated.

Most entries have one of three causes:

- **Method fields typed as strings.** drf-spectacular types a `SerializerMethodField` without a type hint
  as `string`; PostHog answers objects, lists, booleans or numbers there.
- **Action placeholders.** For a custom action without its own serializer, the schema repeats the
  viewset's serializer (a plugin, a plugin config, a project); the action really answers something else.
- **Normalisation by openapi-generator.** `openapi.yaml` was rewritten by openapi-generator, which
  flattened some nullable enums (`oneOf [XEnum, NullEnum]`) to the bare enum.

Project secret API keys are in neither schema; `plugin_configs/:id/activity/`,
`generate_conversations_public_token/` and `file_system/undo_delete/` are newer than the schema that
would describe them. Those rows are checked by `test_endpoints.py` only.

| Method | Path | Field | Reason |
| --- | --- | --- | --- |
"""
rows = []
for key, reason in spec.DELIBERATE_DIFFERENCES.items():
    field = f"`{key[2]}`" if len(key) == 3 else "(whole response)"
    rows.append(f"| {key[0]} | `{key[1]}` | {field} | {reason} |")
(Path(__file__).resolve().parents[2] / "apps" / "simulator" / "CONTRACT.md").write_text(head + "\n".join(rows) + "\n")
