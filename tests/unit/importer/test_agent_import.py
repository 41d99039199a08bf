"""`import --kind agent`, pure and on disk: live agents (their latest version, as the API sends them) in, exact
files out; read back by the real loader, they plan as adoptions (unmanaged) or no-ops (managed), for every member
of a prompt definition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistantsync.errors import AssistantSyncError
from assistantsync.files.desired import load_desired
from assistantsync.files.schema_comment import SchemaCopy
from assistantsync.importer.convert import import_files
from assistantsync.importer.write import importable, write_imported
from assistantsync.kinds.agent import AGENT
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.changes import Change, plan_resource
from assistantsync.plan.reserved import IDENTITY_KEY

SCHEMA = "../schemas/agent.schema.json"
LONG = "".join(f"Rule {n}: answer from the handbook.\n" for n in range(1, 8))  # 7 lines: a prompt file


def wire(name: str, version: str = "1", created_at: int = 1, **fields: Any) -> dict[str, Any]:
    """An AgentObject as the API returns it; `fields` go in the latest version (`definition` merged)."""
    definition = {"kind": "prompt", "model": "gpt-4.1", **fields.pop("definition", {})}
    latest = {"object": "agent.version", "id": f"{name}:{version}", "name": name, "version": version,
              "created_at": created_at, "metadata": {}, "description": None, "status": "active",
              "definition": definition, **fields}
    return {"object": "agent", "id": name, "name": name, "state": "enabled", "versions": {"latest": latest}}


def live(name: str, **fields: Any) -> dict[str, Any]:
    return AGENT.from_wire(wire(name, **fields))


def texts(items: list[dict[str, Any]]) -> dict[str, str]:
    return {file.path.as_posix(): file.text for file in import_files(AGENT, items, schema_ref=SCHEMA)}


# --- the files ---------------------------------------------------------------------------------------------------

def test_exact_files_of_an_agent_with_long_instructions() -> None:
    item = live("Support-Bot", description="Tier 1", metadata={"team": "support", IDENTITY_KEY: "Support-Bot"},
                definition={"instructions": LONG, "temperature": 0.3,
                            "tools": [{"type": "file_search", "vector_store_ids": ["vs_1", "vs_2"]}]})
    assert texts([item]) == {
        "Support-Bot.yaml": (
            "# yaml-language-server: $schema=../schemas/agent.schema.json\n"
            "# Imported from live agent Support-Bot by `assistantsync import`.\n"
            "kind: agent\nname: Support-Bot\ndescription: Tier 1\nmetadata:\n  team: support\n"
            "definition:\n  kind: prompt\n  model: gpt-4.1\n  instructions_file: prompts/Support-Bot.md\n"
            "  temperature: 0.3\n  tools:\n    - type: file_search\n      vector_store_ids:\n        - vs_1\n"
            "        - vs_2\n"),
        "prompts/Support-Bot.md": LONG,
    }


def test_short_instructions_stay_in_the_definition_and_no_key_or_id_is_written() -> None:
    assert texts([live("bot", definition={"instructions": "Be brief."})]) == {"bot.yaml": (
        "# yaml-language-server: $schema=../schemas/agent.schema.json\n"
        "# Imported from live agent bot by `assistantsync import`.\n"
        "kind: agent\nname: bot\ndefinition:\n  kind: prompt\n  model: gpt-4.1\n  instructions: Be brief.\n")}


def test_names_are_the_file_names_case_kept_in_creation_order() -> None:
    items = [live("Zeta", created_at=2), live("alpha", created_at=3), live("MIXED-case-1", created_at=1)]
    assert list(texts(items)) == ["MIXED-case-1.yaml", "Zeta.yaml", "alpha.yaml"]


REFUSED = [
    ("names differing only in case", [live("Bot"), live("bot"), live("ok"), live("OK"), live("Ok")],
     "agents Bot and bot; ok, OK and Ok differ only in case, so their files would be one on a case-insensitive file "
     "system (macOS, Windows): import them by name into separate folders. Nothing was written."),
    ("a name that climbs out of the folder", [live("ok"), live("../escape")],
     "the server returned a live agent named '../escape', which cannot name a file; import the others by name, "
     "leaving this one out. Nothing was written."),
    ("a hidden file", [live(".hidden")],
     "the server returned a live agent named '.hidden', which cannot name a file; import the others by name, "
     "leaving this one out. Nothing was written."),
    ("no name", [{"id": None, "definition.model": "m"}],
     "the server returned a live agent named None, which cannot name a file; import the others by name, leaving "
     "this one out. Nothing was written."),
]


@pytest.mark.parametrize(("items", "message"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_names_no_file_can_hold_are_refused_whole(items: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(AssistantSyncError) as refused:
        import_files(AGENT, items, schema_ref=SCHEMA)
    assert refused.value.message == message


def test_a_hosted_agent_is_left_out() -> None:
    hosted = AGENT.from_wire(wire("hosted-bot", definition={"kind": "hosted"}))
    assert importable(AGENT, [live("a"), hosted, live("b")]) == ([live("a"), live("b")], ["hosted-bot"])


# --- plan on what import wrote -------------------------------------------------------------------------------------

PARAMETERS = {"type": "object", "properties": {"zip": {"type": "string"}, "city": {"type": "string"},
                                               "days": {"type": "integer"}}, "required": ["zip"]}
SCHEMA_OUT = {"type": "object", "properties": {"verdict": {"type": "string"}, "because": {"type": "string"}},
              "required": ["verdict", "because"], "additionalProperties": False}
MEMBERS: list[tuple[str, dict[str, Any]]] = [
    ("model only", {}),
    ("description and metadata", {"description": "Tier 1", "metadata": {"team": "support"}}),
    ("long instructions", {"definition": {"instructions": LONG}}),
    ("sampling", {"definition": {"temperature": 0, "top_p": 0.5}}),
    ("function tools, key-ordered parameters", {"definition": {"tools": [
        {"type": "function", "name": "forecast", "description": "Weather", "parameters": PARAMETERS, "strict": True},
        {"type": "function", "name": "ping", "parameters": None, "strict": False}]}}),
    ("file_search with vector stores", {"definition": {"tools": [
        {"type": "file_search", "vector_store_ids": ["vs_b", "vs_a"], "max_num_results": 4}]}}),
    ("code_interpreter container", {"definition": {"tools": [
        {"type": "code_interpreter", "container": {"type": "auto", "file_ids": ["file-1"]}}]}}),
    ("json_schema text, key-ordered schema", {"definition": {"text": {"format": {
        "type": "json_schema", "name": "verdict", "schema": SCHEMA_OUT, "strict": True}}}}),
    ("reasoning and tool_choice", {"definition": {"reasoning": {"effort": "high", "summary": "auto"},
                                                  "tool_choice": "required"}}),
    ("structured_inputs and rai_config", {"definition": {
        "structured_inputs": {"topic": {"description": "What about", "required": True}},
        "rai_config": {"rai_policy_name": "strict"}}}),
    ("defaults filled in by a server", {"description": "", "definition": {
        "instructions": None, "temperature": 1, "top_p": None, "tools": [], "tool_choice": "auto",
        "text": {"format": {"type": "text"}}, "reasoning": None}}),
]


def plan_imported(tmp_path: Path, item: dict[str, Any]) -> Change:
    write_imported(AGENT, [item], tmp_path, force=False, schema_ref=SchemaCopy(AGENT.schema_file))
    (desired,) = load_desired([tmp_path])
    change = plan_resource(AGENT, desired, item)
    assert isinstance(change, Change), change
    return change


@pytest.mark.parametrize("fields", [c[1] for c in MEMBERS], ids=[c[0] for c in MEMBERS])
def test_an_imported_agent_plans_as_an_adoption_then_once_adopted_as_no_change(
        tmp_path: Path, fields: dict[str, Any]) -> None:
    unmanaged = live("support-bot", **fields)
    adopt = plan_imported(tmp_path / "first", unmanaged)
    assert (adopt.action, adopt.fields, adopt.version) == ("adopt", (), "1")
    assert adopt.body is not None
    # The version apply makes of that adoption: the same definition, the tool's record in its metadata.
    managed = {**unmanaged, "version": "2", "metadata": adopt.body["metadata"]}
    again = plan_imported(tmp_path / "second", managed)
    assert (again.action, again.fields) == ("no-op", ())
    assert (tmp_path / "first" / "support-bot.yaml").read_bytes() == (
        tmp_path / "second" / "support-bot.yaml").read_bytes()


# --- the folder ----------------------------------------------------------------------------------------------------

ASSISTANT_LIVE = {"id": "asst_1", "object": "assistant", "created_at": 1, "name": "Helper", "model": "gpt-4o",
                  "metadata": {}}


def test_both_kinds_import_into_one_folder(tmp_path: Path) -> None:
    write_imported(ASSISTANT, [ASSISTANT_LIVE], tmp_path, force=False, schema_ref=SchemaCopy(ASSISTANT.schema_file))
    write_imported(AGENT, [live("support-bot")], tmp_path, force=False, schema_ref=SchemaCopy(AGENT.schema_file))
    # Each kind's schema copy sits beside the files, and the loader reads YAML files only.
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == ["agent.schema.json", "assistant.schema.json"]
    assert [(d.kind, d.key) for d in load_desired([tmp_path])] == [("agent", "support-bot"), ("assistant", "helper")]


def test_force_replaces_files_of_its_kind_only(tmp_path: Path) -> None:
    write_imported(AGENT, [live("helper", definition={"instructions": "Old."})], tmp_path, force=False,
                   schema_ref=SchemaCopy(AGENT.schema_file))
    write_imported(AGENT, [live("helper")], tmp_path, force=True, schema_ref=SchemaCopy(AGENT.schema_file))
    assert "instructions" not in (tmp_path / "helper.yaml").read_text(encoding="utf-8")
    kept = (tmp_path / "helper.yaml").read_bytes()
    with pytest.raises(AssistantSyncError) as refused:
        write_imported(ASSISTANT, [ASSISTANT_LIVE], tmp_path, force=True,
                       schema_ref=SchemaCopy(ASSISTANT.schema_file))
    assert refused.value.message == (
        f"--force replaces only assistant files, and 1 of the files to write would replace another kind; nothing "
        f"was written. Import the assistants into another --out:\n  {tmp_path / 'helper.yaml'} holds an agent")
    assert (tmp_path / "helper.yaml").read_bytes() == kept
