"""A gateway that answers null sub-objects (LiteLLM: `tool_resources: {"code_interpreter": null}`), in front of the
served sandbox, for both kinds: apply's read-back passes, plan shows no change after it, and import writes files
that validate and plan clean. The nulls inside JSON Schemas (`default: null`) go through as they are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.agent_harness import AgentHarness
from helpers.cli_harness import Harness, Result
from helpers.null_gateway import serve_null_gateway
from helpers.sandbox_server import ServedSandbox

ASSISTANT = """\
key: researcher
model: gpt-4o
instructions: Look it up.
tools:
  - type: code_interpreter
  - type: file_search
  - type: function
    function:
      name: lookup
      parameters: {type: object, properties: {note: {type: [string, "null"], default: null}}}
  - type: function
    function: {name: ping}
tool_resources:
  file_search: {vector_store_ids: [vs_docs]}
response_format:
  type: json_schema
  json_schema: {name: answer, schema: {type: object, properties: {text: {type: string}}}}
"""
AGENT = """\
kind: agent
name: triage
definition:
  kind: prompt
  model: gpt-4.1
  instructions: Route it.
  tools:
    - {type: code_interpreter, container: {type: auto}}
    - {type: file_search, vector_store_ids: [vs_docs]}
    - type: function
      name: lookup
      parameters: {type: object, properties: {note: {type: [string, "null"], default: null}}}
      strict: false
  text:
    format: {type: json_schema, name: verdict, schema: {type: object, properties: {ok: {type: boolean}}}}
  structured_inputs:
    case: {required: true}
"""


@pytest.fixture
def gateway(sandbox_server: ServedSandbox) -> Iterator[str]:
    with serve_null_gateway(sandbox_server.base_url) as base_url:
        yield base_url


KINDS = [(Harness, ASSISTANT, "assistant"), (AgentHarness, AGENT, "agent")]


@pytest.mark.parametrize(("harness", "text", "noun"), KINDS, ids=["assistant", "agent"])
def test_apply_plan_and_import_through_a_null_gateway(
        harness: type[Harness], text: str, noun: str, gateway: str, sandbox_server: ServedSandbox,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    env = harness(tmp_path, sandbox_server, base_url=gateway)
    env.write("one.yaml", text)

    applied = env.cli("apply", "assistants", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err  # the read-back took the nulls as unset
    assert "did not take effect" not in applied.out + applied.err
    clean = Result(0, f"No changes. 1 {noun} up to date.\n", "")
    assert env.cli("plan", "assistants", "--detailed-exitcode") == clean

    kind = ["--kind", "agent"] if noun == "agent" else []
    imported = env.cli("import", *kind, "--all", "--out", "backup")
    assert imported.code == 0, imported.err
    written = next((tmp_path / "backup").glob("*.yaml")).read_text(encoding="utf-8")
    # No gateway null is written; the two inside the JSON Schema (`type: [string, 'null']`, `default: null`) are.
    assert written.count("null") == 2 and "default: null\n" in written
    assert env.offline("validate", "backup") == Result(0, f"1 {noun} valid\n", "")
    assert env.cli("plan", "backup", "--detailed-exitcode") == clean
