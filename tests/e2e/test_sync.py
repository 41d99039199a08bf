"""`plan` and `apply` end to end: the real CLI, over real HTTP, against the served sandbox.

Every test writes assistant files into tmp_path (the working folder), runs the CLI with
`--provider openai --base-url <sandbox>` and an API key that must never show up in any output or
saved plan, then checks exit codes, outputs, the sandbox's request log and its final state.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.cli_harness import API_KEY, CLEAN_ENV, Harness, Result, outcome_ids, run_module
from helpers.paths import EXAMPLES as EXAMPLES_DIR
from helpers.sandbox_server import ServedSandbox

from assistantsync.cli.main import cli
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.record import decode_record, digest
from assistantsync.plan.reserved import IDENTITY_KEY, STATE_KEY

ITEM = "/assistants/{assistant_id}"
EXAMPLES = EXAMPLES_DIR


@pytest.fixture
def env(sandbox_server: ServedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    monkeypatch.chdir(tmp_path)  # sources show as `assistants/NAME.yaml:1:1`
    yield Harness(tmp_path, sandbox_server)


def outline(text: str) -> list[str]:
    """The plan's unindented lines: errors, the drift banner, one heading per change, the summary.
    (How each field's values are drawn is the renderer's business; field values are checked in JSON.)"""
    return [line for line in text.splitlines() if line and not line[0].isspace()]


def json_fields(env: Harness, *args: str) -> dict[str, list[tuple[str, Any, Any, bool]]]:
    """key -> [(path, before, after, drift)] for every pending change of `plan --format json`."""
    result = env.plan("--format", "json", *args)
    document = json.loads(result.out)
    assert document["format_version"] == 2
    return {c["key"]: [(f["path"], f["before"], f["after"], f["drift"]) for f in c["fields"]]
            for c in document["changes"] if c["action"] != "no-op"}


THREE = {
    "alpha.yaml": "model: gpt-4o\nname: Alpha\ntemperature: 0.2\n",
    "beta.yaml": "model: gpt-4o\nname: Beta\ntemperature: 0.2\nmetadata:\n  team: hr\n",
    "gamma.yaml": "model: gpt-4o-mini\ninstructions: |\n  Be brief.\n  Be kind.\n",
}


def write_all(env: Harness, files: dict[str, str]) -> None:
    for name, text in files.items():
        env.write(name, text)


def applied(env: Harness, files: dict[str, str], *args: str) -> dict[str, dict[str, Any]]:
    write_all(env, files)
    result = env.apply("--auto-approve", *args)
    assert result.code == 0, result
    return env.by_key()


# --- create, then nothing to do -------------------------------------------------------------------


def test_create_from_empty_then_plan_has_no_changes(env: Harness) -> None:
    write_all(env, THREE)
    planned = env.plan("--detailed-exitcode")
    assert (planned.code, planned.err) == (2, "")
    assert outline(planned.out) == [
        "+ create alpha  (assistants/alpha.yaml:1:1)",
        "+ create beta  (assistants/beta.yaml:1:1)",
        "+ create gamma  (assistants/gamma.yaml:1:1)",
        "Plan: 3 to create, 0 to update, 0 to delete.",
    ]
    assert env.since(0) == [("GET", "/v1/assistants")]
    assert json_fields(env) == {
        "alpha": [("model", None, "gpt-4o", False), ("name", None, "Alpha", False),
                  ("temperature", None, 0.2, False)],
        "beta": [("model", None, "gpt-4o", False), ("name", None, "Beta", False),
                 ("temperature", None, 0.2, False), ("metadata", None, {"team": "hr"}, False)],
        "gamma": [("model", None, "gpt-4o-mini", False), ("instructions", None, "Be brief.\nBe kind.\n", False)],
    }

    mark = env.mark()
    done = env.apply("--auto-approve")
    assert done.code == 0, done
    ids = outcome_ids(done.out)
    assert done.out.endswith(
        f"    ok  create alpha {ids['alpha']}: created\n"
        f"    ok  create beta {ids['beta']}: created\n"
        f"    ok  create gamma {ids['gamma']}: created\n"
        "Apply: 3 succeeded, 0 failed.\n"
    )
    # plan's list, then one list before the creates and one after them (a key taken meanwhile is not created)
    assert sorted(env.since(mark)) == [*[("GET", "/v1/assistants")] * 3, *[("POST", "/v1/assistants")] * 3]
    live = env.by_key()
    assert {key: item["id"] for key, item in live.items()} == ids
    beta = live["beta"]
    assert (beta["name"], beta["temperature"], beta["model"]) == ("Beta", 0.2, "gpt-4o")
    assert beta["metadata"]["team"] == "hr"
    assert decode_record(ASSISTANT, beta["metadata"][STATE_KEY]) == {
        "model": digest("gpt-4o"), "name": digest("Beta"), "metadata": digest({"team": "hr"}),
        "temperature": digest(0.2)}
    assert live["gamma"]["instructions"] == "Be brief.\nBe kind.\n"

    mark = env.mark()
    again = env.plan("--detailed-exitcode")
    assert (again.code, again.out, again.err) == (0, "No changes. 3 assistants up to date.\n", "")
    assert env.since(mark) == [("GET", "/v1/assistants")]


def test_plan_lists_every_page_once_and_nothing_else(env: Harness) -> None:
    count = 101  # ceil(101 / 100) == 2 pages
    env.write("many.yaml", "".join(f"---\nkey: bot-{i:03}\nmodel: gpt-4o\n" for i in range(count)))
    created = env.cli("apply", "--auto-approve", "--parallelism", "16")
    assert created.code == 0, created
    assert created.out.endswith(f"Apply: {count} succeeded, 0 failed.\n")
    assert len(env.sandbox.state()["assistants"]) == count

    mark = env.mark()
    again = env.plan("--detailed-exitcode")
    assert (again.code, again.out) == (0, f"No changes. {count} assistants up to date.\n")
    requests = env.sandbox.requests()[mark:]
    assert [(r["method"], r["route"]) for r in requests] == [("GET", "/assistants")] * math.ceil(count / 100)
    hundredth = env.sandbox.state()["assistants"][99]["assistant"]["id"]
    assert [r["query"] for r in requests] == [{"limit": "100", "order": "asc"},
                                              {"limit": "100", "order": "asc", "after": hundredth}]


# --- updates: only changed fields, and only to assistants that changed -----------------------------


def test_update_sends_only_the_changed_field_plus_metadata(env: Harness) -> None:
    before = applied(env, THREE)
    alpha_id, beta_id, gamma_id = (before[k]["id"] for k in ("alpha", "beta", "gamma"))
    # Someone adds their own metadata to alpha outside git; alpha's file does not manage metadata.
    env.modify(alpha_id, metadata={**before["alpha"]["metadata"], "owner": "ana", "cost-center": "42"})
    env.write("alpha.yaml", THREE["alpha.yaml"].replace("0.2", "0.7"))

    planned = env.plan("--detailed-exitcode")
    assert planned.code == 2
    assert outline(planned.out) == [
        f"~ update alpha {alpha_id}  (assistants/alpha.yaml:1:1)",
        "Plan: 0 to create, 1 to update, 0 to delete.",
    ]
    assert "    temperature: 0.2 -> 0.7\n" in planned.out
    assert json_fields(env) == {"alpha": [("temperature", 0.2, 0.7, False)]}
    mark = env.mark()
    done = env.apply("--auto-approve")
    assert done.code == 0, done
    assert done.out.endswith(f"    ok  update alpha {alpha_id}: updated\nApply: 1 succeeded, 0 failed.\n")
    (write,) = env.writes_since(mark)
    assert (write["method"], write["path"]) == ("POST", f"/v1/assistants/{alpha_id}")
    body = write["body"]
    assert set(body) == {"temperature", "metadata"}
    assert body["temperature"] == 0.7
    metadata = body["metadata"]
    assert {k: v for k, v in metadata.items() if k not in (IDENTITY_KEY, STATE_KEY)} == {
        "owner": "ana", "cost-center": "42"}
    assert metadata[IDENTITY_KEY] == "alpha"
    assert decode_record(ASSISTANT, metadata[STATE_KEY]) == {
        "model": digest("gpt-4o"), "name": digest("Alpha"), "temperature": digest(0.7)}
    touched = " ".join(path for _, path in env.since(mark))
    assert beta_id not in touched and gamma_id not in touched

    after = env.by_key()
    assert after["alpha"]["temperature"] == 0.7
    assert (after["beta"], after["gamma"]) == (before["beta"], before["gamma"])
    assert env.plan("--detailed-exitcode").code == 0


def test_model_change_is_one_update_not_a_replacement(env: Harness) -> None:
    before = applied(env, THREE)
    gamma_id = before["gamma"]["id"]
    env.write("gamma.yaml", THREE["gamma.yaml"].replace("gpt-4o-mini", "gpt-4.1"))
    planned = env.plan()
    assert outline(planned.out) == [
        f"~ update gamma {gamma_id}  (assistants/gamma.yaml:1:1)",
        "Plan: 0 to create, 1 to update, 0 to delete.",
    ]
    assert json_fields(env) == {"gamma": [("model", "gpt-4o-mini", "gpt-4.1", False)]}
    mark = env.mark()
    assert env.apply("--auto-approve").code == 0
    (write,) = env.writes_since(mark)
    assert (write["method"], write["path"], sorted(write["body"])) == (
        "POST", f"/v1/assistants/{gamma_id}", ["metadata", "model"])
    after = env.by_key()
    assert (after["gamma"]["id"], after["gamma"]["model"]) == (gamma_id, "gpt-4.1")
    assert len(after) == 3


# --- no perpetual diffs ----------------------------------------------------------------------------

SERVER_FILLED = {
    "bare-file-search.yaml": "model: gpt-4o\ntools:\n  - type: file_search\n",
    "ranker-auto.yaml": (
        "model: gpt-4o\ntools:\n  - type: file_search\n    file_search:\n      max_num_results: 5\n"
        "      ranking_options:\n        ranker: auto\n        score_threshold: 0\n"
        "tool_resources:\n  file_search:\n    vector_store_ids: [vs_1]\n"
    ),
    "temperature-int.yaml": "model: gpt-4o\ntemperature: 1\ntop_p: 1\n",
    "response-format-auto.yaml": "model: gpt-4o\nresponse_format: auto\n",
    "response-format-omitted.yaml": "model: gpt-4o\nname: No format\n",
    "function-no-strict.yaml": (
        "model: gpt-4o\ntools:\n  - type: function\n    function:\n      name: lookup\n"
        "      parameters:\n        type: object\n        properties:\n          q: {type: string}\n"
    ),
    "empty-file-ids.yaml": (
        "model: gpt-4o\ntools:\n  - type: code_interpreter\ntool_resources:\n  code_interpreter:\n"
        "    file_ids: []\n"
    ),
    "reasoning.yaml": "model: o3-mini\nreasoning_effort: high\n",
    "empty-strings.yaml": "model: gpt-4o\nname: ''\ndescription: ''\nmetadata: {}\n",
    "json-schema.yaml": (
        "model: gpt-4o\nresponse_format:\n  type: json_schema\n  json_schema:\n    name: answer\n"
        "    schema: {type: object}\n"
    ),
}


@pytest.mark.parametrize("strict", [False, True], ids=["declared", "strict"])
def test_no_perpetual_diff_after_apply(env: Harness, strict: bool) -> None:
    flags = ("--strict",) if strict else ()
    live = applied(env, SERVER_FILLED, *flags)
    assert len(live) == len(SERVER_FILLED)
    states = {a["assistant"]["metadata"][IDENTITY_KEY]: a for a in env.sandbox.state()["assistants"]}
    assert states["reasoning"]["write_only"] == {"reasoning_effort": "high"}

    mark = env.mark()
    again = env.plan("--detailed-exitcode", *flags)
    assert (again.code, again.out) == (0, f"No changes. {len(SERVER_FILLED)} assistants up to date.\n")
    reapplied = env.apply("--auto-approve", *flags)
    assert (reapplied.code, reapplied.out) == (0, f"No changes. {len(SERVER_FILLED)} assistants up to date.\n")
    assert env.writes_since(mark) == []


def test_strict_manages_omitted_fields_as_api_defaults(env: Harness) -> None:
    before = applied(env, {"alpha.yaml": "model: gpt-4o\n"})
    ident = before["alpha"]["id"]
    env.modify(ident, name="Set in the dashboard", top_p=0.5, metadata={**before["alpha"]["metadata"], "owner": "ana"})
    assert env.plan("--detailed-exitcode").code == 0  # omitted fields are not managed
    assert json_fields(env, "--strict") == {"alpha": [
        ("name", "Set in the dashboard", None, False), ("metadata", {"owner": "ana"}, {}, False),
        ("top_p", 0.5, 1.0, False)]}
    assert env.apply("--auto-approve", "--strict").code == 0
    (live,) = env.live()
    assert (live["name"], live["top_p"], set(live["metadata"])) == (None, 1.0, {IDENTITY_KEY, STATE_KEY})
    assert env.plan("--strict", "--detailed-exitcode").code == 0


def test_write_only_reasoning_effort_is_tracked_by_its_digest(env: Harness) -> None:
    live = applied(env, {"reasoning.yaml": SERVER_FILLED["reasoning.yaml"]})
    ident = live["reasoning"]["id"]
    assert "reasoning_effort" not in live["reasoning"]
    env.write("reasoning.yaml", "model: o3-mini\nreasoning_effort: low\n")
    planned = env.plan()
    assert outline(planned.out) == [
        f"~ update reasoning {ident}  (assistants/reasoning.yaml:1:1)",
        "Plan: 0 to create, 1 to update, 0 to delete.",
    ]
    assert "    reasoning_effort: (write-only, not readable) -> " in planned.out
    assert json_fields(env) == {"reasoning": [("reasoning_effort", None, "low", False)]}
    mark = env.mark()
    assert env.apply("--auto-approve").code == 0
    (write,) = env.writes_since(mark)
    assert sorted(write["body"]) == ["metadata", "reasoning_effort"]
    assert env.sandbox.state()["assistants"][0]["write_only"] == {"reasoning_effort": "low"}
    assert env.plan("--detailed-exitcode").code == 0


# --- drift: changed outside git --------------------------------------------------------------------


def test_out_of_band_edit_is_drift_and_apply_restores_git(env: Harness) -> None:
    before = applied(env, THREE)
    beta_id = before["beta"]["id"]
    env.modify(beta_id, temperature=0.9)

    planned = env.plan("--detailed-exitcode")
    assert planned.code == 2
    assert outline(planned.out) == [
        "Changed outside git since the last apply (will be overwritten): beta",
        f"~ update beta {beta_id}  (assistants/beta.yaml:1:1)",
        "Plan: 0 to create, 1 to update, 0 to delete.",
    ]
    assert "    ! temperature: changed outside git since the last apply; this apply overwrites it\n" in planned.out
    as_json = env.plan("--format", "json")
    document = json.loads(as_json.out)
    (change,) = [c for c in document["changes"] if c["action"] != "no-op"]
    assert (change["key"], change["id"], change["drift"]) == ("beta", beta_id, True)
    assert change["fields"] == [{"path": "temperature", "before": 0.9, "after": 0.2, "drift": True,
                                 "write_only": False, "details": []}]

    assert env.apply("--auto-approve").code == 0
    assert env.by_key()["beta"]["temperature"] == 0.2
    assert env.plan("--detailed-exitcode").code == 0


def test_git_change_on_an_untouched_field_is_not_drift(env: Harness) -> None:
    before = applied(env, THREE)
    env.write("beta.yaml", THREE["beta.yaml"].replace("team: hr", "team: people"))
    document = json.loads(env.plan("--format", "json").out)
    (change,) = [c for c in document["changes"] if c["action"] == "update"]
    assert (change["id"], change["drift"]) == (before["beta"]["id"], False)
    assert [(f["path"], f["before"], f["after"], f["drift"]) for f in change["fields"]] == [
        ("metadata", {"team": "hr"}, {"team": "people"}, False)]


# --- saved plans -----------------------------------------------------------------------------------


def test_saved_plan_is_refused_whole_when_live_state_moved(env: Harness) -> None:
    before = applied(env, THREE)
    alpha_id, beta_id = before["alpha"]["id"], before["beta"]["id"]
    env.write("alpha.yaml", THREE["alpha.yaml"].replace("0.2", "0.5"))
    env.write("beta.yaml", THREE["beta.yaml"].replace("0.2", "0.5"))
    env.write("delta.yaml", "model: gpt-4o\n")
    planned = env.plan("--out", "plan.json")
    assert planned.code == 0
    saved = (env.root / "plan.json").read_text(encoding="utf-8")
    assert API_KEY not in saved
    assert json.loads(saved)["summary"] == {"create": 1, "update": 2, "adopt": 0, "delete": 0, "no-op": 1}

    env.modify(beta_id, name="Renamed in the dashboard", top_p=0.5)
    mark = env.mark()
    refused = env.apply("--plan", "plan.json", "--auto-approve")
    assert refused.code == 1
    assert refused.err == (
        "Error: the saved plan is stale; nothing was applied. Run plan again.\n"
        f"  beta ({beta_id}): name, top_p changed since the plan was made\n"
    )
    assert env.writes_since(mark) == []
    assert env.by_key()["alpha"]["temperature"] == 0.2
    assert "delta" not in env.by_key()

    # Re-planned against the state as it is now, the saved plan applies exactly.
    assert env.plan("--out", "plan.json").code == 0
    mark = env.mark()
    done = env.apply("--plan", "plan.json", "--auto-approve")
    assert done.code == 0, done
    assert done.out.endswith("Apply: 3 succeeded, 0 failed.\n")
    writes = env.writes_since(mark)
    assert sorted((w["method"], w["path"]) for w in writes) == sorted(
        [("POST", "/v1/assistants"), ("POST", f"/v1/assistants/{alpha_id}"), ("POST", f"/v1/assistants/{beta_id}")])
    after = env.by_key()
    assert (after["alpha"]["temperature"], after["beta"]["temperature"], after["beta"]["name"]) == (0.5, 0.5, "Beta")
    assert after["beta"]["top_p"] == 0.5  # not managed by beta.yaml: left as the dashboard set it
    assert env.plan("--detailed-exitcode").code == 0

    # The same saved plan twice: its own writes are what is live now, so the second run says so and writes nothing.
    mark = env.mark()
    twice = env.apply("--plan", "plan.json", "--auto-approve")
    assert (twice.code, twice.err) == (0, "")
    assert twice.out.endswith("\nthe saved plan was already applied: the live state is what it would make; nothing "
                              "was written\n")
    assert env.writes_since(mark) == []

    # Once someone else moved what it wrote, it is stale again, naming what moved.
    env.modify(alpha_id, temperature=0.9)
    again = env.apply("--plan", "plan.json", "--auto-approve")
    assert again.code == 1
    assert f"  alpha ({alpha_id}): metadata, temperature changed since the plan was made\n" in again.err


def test_saved_plan_of_updates_and_deletes_reads_each_assistant_back(env: Harness) -> None:
    before = applied(env, THREE)
    alpha_id, gamma_id = before["alpha"]["id"], before["gamma"]["id"]
    env.write("alpha.yaml", THREE["alpha.yaml"].replace("0.2", "0.5"))
    (env.root / "assistants" / "gamma.yaml").unlink()
    assert env.plan("--prune", "--out", "plan.json").code == 0

    env.modify(gamma_id, description="edited before the delete")
    mark = env.mark()
    refused = env.apply("--plan", "plan.json", "--auto-approve")
    assert refused.code == 1
    assert refused.err.endswith(f"  gamma ({gamma_id}): description changed since the plan was made\n")
    beta_id = before["beta"]["id"]  # unchanged in the plan: read back too, as a saved plan's "no change" is checked
    assert sorted(env.since(mark)) == sorted([("GET", f"/v1/assistants/{alpha_id}"),
                                              ("GET", f"/v1/assistants/{beta_id}"),
                                              ("GET", f"/v1/assistants/{gamma_id}")])

    assert env.plan("--prune", "--out", "plan.json").code == 0
    mark = env.mark()
    done = env.apply("--plan", "plan.json", "--auto-approve")
    assert done.code == 0, done
    assert sorted((w["method"], w["path"]) for w in env.writes_since(mark)) == [
        ("DELETE", f"/v1/assistants/{gamma_id}"), ("POST", f"/v1/assistants/{alpha_id}")]
    assert sorted(env.by_key()) == ["alpha", "beta"]


def test_saved_plan_with_a_create_is_refused_when_the_key_appeared(env: Harness) -> None:
    env.write("alpha.yaml", THREE["alpha.yaml"])
    assert env.plan("--out", "plan.json").code == 0
    other = env.create_live(name="Made elsewhere", metadata={IDENTITY_KEY: "alpha"})
    mark = env.mark()
    refused = env.apply("--plan", "plan.json", "--auto-approve")
    assert refused.code == 1
    assert f"  alpha: now exists as {other['id']} (created since the plan was made)\n" in refused.err
    assert env.writes_since(mark) == []
    assert len(env.live()) == 1


def test_a_create_named_like_an_assistant_no_file_describes_is_flagged_then_adopted_by_pinning(
    env: Harness,
) -> None:
    made_in_dashboard = env.create_live(name="Alpha", instructions="Hand-made.")
    env.write("alpha.yaml", THREE["alpha.yaml"])
    planned = env.plan("--detailed-exitcode")
    assert planned.code == 2
    assert outline(planned.out)[:2] == [
        f"warning: alpha: will create a second assistant named 'Alpha': {made_in_dashboard['id']} has that name "
        "and is not managed by assistantsync. If the file means that one, add "
        f"`id: {made_in_dashboard['id']}` to it to take it over instead",
        "+ create alpha  (assistants/alpha.yaml:1:1)",
    ]
    assert len(json.loads(env.plan("--format", "json").out)["warnings"]) == 1
    env.write("alpha.yaml", f"id: {made_in_dashboard['id']}\n" + THREE["alpha.yaml"])
    adopting = env.plan("--format", "json")
    document = json.loads(adopting.out)
    assert document["warnings"] == [] and [c["action"] for c in document["changes"]] == ["adopt"]
    assert env.apply("--auto-approve").code == 0
    assert [item["id"] for item in env.live()] == [made_in_dashboard["id"]]  # still one


def test_saved_plan_is_refused_by_another_api_before_any_request(env: Harness) -> None:
    # A create-only plan passes the freshness check anywhere, so the plan records where it was made.
    env.write("alpha.yaml", THREE["alpha.yaml"])
    assert env.plan("--out", "plan.json").code == 0
    made_for = env.sandbox.base_url
    assert json.loads((env.root / "plan.json").read_text())["target"] == {"base_url": made_for, "provider": "openai"}
    elsewhere = made_for.replace("127.0.0.1", "localhost")  # the same server under another name: counts requests
    mark = env.mark()
    refused = Harness(env.root, env.sandbox, base_url=elsewhere).apply("--plan", "plan.json", "--auto-approve")
    assert refused.code == 1
    assert (f"the saved plan was made against {made_for}, but this apply connects to {elsewhere}; nothing was "
            "applied.") in refused.err
    assert env.since(mark) == []
    assert env.apply("--plan", "plan.json", "--auto-approve").code == 0  # where it was made, it applies
    assert sorted(env.by_key()) == ["alpha"]


def test_saved_plan_cannot_be_combined_with_paths(env: Harness) -> None:
    env.write("alpha.yaml", THREE["alpha.yaml"])
    assert env.plan("--out", "plan.json").code == 0
    mixed = run_module(env, "apply", "--plan", "plan.json", "assistants", "--auto-approve")
    assert mixed.returncode == 1  # a usage error: exit 1, as every error (2 means "changes")
    assert "--plan applies a saved plan as it is" in mixed.stderr
    assert env.live() == []


# --- identity ---------------------------------------------------------------------------------------


def test_two_live_assistants_claiming_one_key_block_plan_and_apply(env: Harness) -> None:
    first = env.create_live(name="One", metadata={IDENTITY_KEY: "bot"})
    second = env.create_live(name="Two", metadata={IDENTITY_KEY: "bot"})
    env.write("bot.yaml", "model: gpt-4o\nname: Bot\n")
    ids = " and ".join(sorted([first["id"], second["id"]]))
    message = (f"bot: live assistants {ids} both claim key 'bot' in metadata assistantsync_key; {first['id']} is "
               f"kept, as the oldest one: run with --prune to delete the newer copy {second['id']}, or delete it "
               "yourself")

    planned = env.plan("--detailed-exitcode")
    assert planned.code == 1
    assert f"error: {message}\n" in planned.out

    mark = env.mark()
    refused = env.apply("--auto-approve")
    assert refused.code == 1
    assert refused.err == f"Error: the plan has errors; nothing was applied:\n  {message}\n"
    assert env.writes_since(mark) == []

    assert env.plan("--out", "plan.json").code == 1  # saved all the same, for review ...
    assert json.loads((env.root / "plan.json").read_text(encoding="utf-8"))["errors"] == [
        {"key": "bot", "message": message.removeprefix("bot: ")}]
    saved = env.apply("--plan", "plan.json", "--auto-approve")  # ... but never applied
    assert (saved.code, saved.err) == (1, refused.err)
    assert env.writes_since(mark) == []
    names = sorted(item["name"] for item in env.live())
    assert names == ["One", "Two"]


def test_pinned_id_adopts_an_unmanaged_assistant(env: Harness) -> None:
    existing = env.create_live(name="Old name", temperature=0.4, metadata={"owner": "ana"})
    ident = existing["id"]
    env.write("bot.yaml", f"id: {ident}\nmodel: gpt-4o\nname: New name\n")

    planned = env.plan("--detailed-exitcode")
    assert planned.code == 2
    assert outline(planned.out) == [
        f"~ adopt bot {ident}  (assistants/bot.yaml:1:1)  [takes over: adds assistantsync metadata]",
        "Plan: 0 to create, 0 to update, 1 to adopt, 0 to delete.",
    ]
    assert json_fields(env) == {"bot": [("name", "Old name", "New name", False)]}
    mark = env.mark()
    done = env.apply("--auto-approve")
    assert done.code == 0, done
    assert done.out.endswith(f"    ok  adopt bot {ident}: adopted\nApply: 1 succeeded, 0 failed.\n")
    (write,) = env.writes_since(mark)
    assert sorted(write["body"]) == ["metadata", "name"]
    (live,) = env.live()
    assert (live["id"], live["name"], live["temperature"]) == (ident, "New name", 0.4)
    assert live["metadata"]["owner"] == "ana"
    assert live["metadata"][IDENTITY_KEY] == "bot"
    assert decode_record(ASSISTANT, live["metadata"][STATE_KEY]) == {"model": digest("gpt-4o"),
                                                                      "name": digest("New name")}
    assert env.plan("--detailed-exitcode").code == 0


def test_adoption_without_field_changes_only_adds_reserved_metadata(env: Harness) -> None:
    existing = env.create_live(name="Same", metadata={"owner": "ana"})
    env.write("bot.yaml", f"id: {existing['id']}\nmodel: gpt-4o\nname: Same\n")
    planned = env.plan("--format", "json")
    (change,) = json.loads(planned.out)["changes"]
    assert (change["action"], change["fields"]) == ("adopt", [])
    assert env.apply("--auto-approve").code == 0
    (live,) = env.live()
    assert {k: v for k, v in live["metadata"].items() if k != STATE_KEY} == {"owner": "ana", IDENTITY_KEY: "bot"}


def test_pinned_id_that_does_not_exist_is_an_error_and_creates_nothing(env: Harness) -> None:
    env.write("bot.yaml", "id: asst_doesnotexist\nmodel: gpt-4o\n")
    planned = env.plan()
    assert planned.code == 1
    assert planned.out.startswith("error: bot: pinned id asst_doesnotexist does not exist")
    mark = env.mark()
    refused = env.apply("--auto-approve")
    assert refused.code == 1
    assert "pinned id asst_doesnotexist does not exist" in refused.err
    assert env.writes_since(mark) == []
    assert env.live() == []


# --- failures while applying ------------------------------------------------------------------------


def test_dropped_create_response_never_makes_a_second_assistant(env: Harness) -> None:
    env.write("alpha.yaml", THREE["alpha.yaml"])
    env.write("beta.yaml", THREE["beta.yaml"])
    env.sandbox.set_faults({"kind": "drop_after_write", "method": "POST", "route": "/assistants", "times": 1})
    first = env.cli("apply", "--auto-approve", "--parallelism", "1", "--max-retries", "2")  # retries allowed
    if first.code != 0:  # the tool may report the ambiguity instead of resolving it; the next run must
        assert "FAILED" in first.out
        second = env.apply("--auto-approve")
        assert second.code == 0, second
    live = env.by_key()
    assert sorted(live) == ["alpha", "beta"]
    assert len(env.live()) == 2
    assert env.sandbox.count("POST", "/assistants") == 2
    # alpha's create was stored but its response lost: the summary says it was found by its key.
    assert f"    ok  create alpha {live['alpha']['id']}: created (the response was lost; found by its key)\n" in (
        first.out)
    assert f"    ok  create beta {live['beta']['id']}: created\n" in first.out
    assert env.plan("--detailed-exitcode").code == 0


def test_create_dropped_before_the_server_saw_it_is_sent_again_once(env: Harness) -> None:
    env.write("alpha.yaml", THREE["alpha.yaml"])
    env.sandbox.set_faults({"kind": "drop_before", "method": "POST", "route": "/assistants", "times": 1})
    done = env.cli("apply", "--auto-approve", "--max-retries", "1")
    assert done.code == 0, done
    # The lookup between the two attempts found nothing, so the second attempt was safe.
    assert [(r["method"], r["route"], r["fault"]) for r in env.sandbox.requests()[1:]] == [
        ("GET", "/assistants", None),  # the key is not taken yet
        ("POST", "/assistants", "drop_before"), ("GET", "/assistants", None), ("POST", "/assistants", None),
        ("GET", "/assistants", None)]  # nor by a concurrent create
    (live,) = env.live()
    assert done.out.endswith(f"    ok  create alpha {live['id']}: created\nApply: 1 succeeded, 0 failed.\n")


def test_dropped_delete_response_still_converges(env: Harness) -> None:
    before = applied(env, THREE)
    (env.root / "assistants" / "gamma.yaml").unlink()
    env.sandbox.set_faults({"kind": "drop_after_write", "method": "DELETE", "times": 1})
    done = env.cli("apply", "--prune", "--auto-approve", "--max-retries", "1")
    assert done.code == 0, done
    assert done.out.endswith(f"    ok  delete gamma {before['gamma']['id']}: deleted\nApply: 1 succeeded, 0 failed.\n")
    assert sorted(env.by_key()) == ["alpha", "beta"]
    assert env.plan("--prune", "--detailed-exitcode").code == 0


def test_one_failing_assistant_does_not_stop_the_others(env: Harness) -> None:
    before = applied(env, THREE)
    for name, text in THREE.items():
        env.write(name, text.replace("gpt-4o-mini\n", "gpt-4.1\n").replace("gpt-4o\n", "gpt-4.1\n"))
    env.write("delta.yaml", "model: gpt-4o\n")
    # The first item write fails (parallelism 1 runs them in key order: alpha first).
    env.sandbox.set_faults({"kind": "server_error", "method": "POST", "route": ITEM, "times": 1})
    first = env.cli("apply", "--auto-approve", "--parallelism", "1")
    assert first.code == 1
    alpha_id, beta_id, gamma_id = (before[k]["id"] for k in ("alpha", "beta", "gamma"))
    delta_id = env.by_key()["delta"]["id"]
    failed = (f"FAILED  update alpha {alpha_id}: POST /v1/assistants/{alpha_id}: 500 Internal Server Error: "
              "The server had an error while processing your request. Sorry about that! (request id req_")
    assert failed in first.out
    assert first.out.endswith(
        f")\n    ok  update beta {beta_id}: updated\n"
        f"    ok  create delta {delta_id}: created\n"
        f"    ok  update gamma {gamma_id}: updated\n"
        "Apply: 3 succeeded, 1 failed.\n"
    )
    live = env.by_key()
    assert {k: v["model"] for k, v in live.items()} == {
        "alpha": "gpt-4o", "beta": "gpt-4.1", "gamma": "gpt-4.1", "delta": "gpt-4o"}

    second = env.apply("--auto-approve")
    assert second.code == 0, second
    assert second.out.endswith(f"    ok  update alpha {alpha_id}: updated\nApply: 1 succeeded, 0 failed.\n")
    assert env.by_key()["alpha"]["model"] == "gpt-4.1"
    assert env.plan("--detailed-exitcode").code == 0


def test_failed_create_is_retried_by_the_next_apply_without_duplicates(env: Harness) -> None:
    env.write("alpha.yaml", THREE["alpha.yaml"])
    env.sandbox.set_faults({"kind": "server_error", "method": "POST", "route": "/assistants", "times": 1})
    first = env.apply("--auto-approve")
    assert first.code == 1
    assert "FAILED  create alpha: POST /v1/assistants: 500 Internal Server Error" in first.out
    assert env.live() == []
    second = env.apply("--auto-approve")
    assert second.code == 0, second
    assert len(env.live()) == 1


# --- prune -------------------------------------------------------------------------------------------


def test_prune_deletes_only_managed_assistants_without_a_file(env: Harness) -> None:
    foreign = env.create_live(name="Not ours", metadata={"owner": "someone"})
    before = applied(env, THREE)
    (env.root / "assistants" / "gamma.yaml").unlink()
    gamma_id = before["gamma"]["id"]

    mark = env.mark()
    plain = env.apply("--auto-approve")
    assert (plain.code, plain.out) == (0, "No changes. 2 assistants up to date.\n")
    assert env.writes_since(mark) == []

    planned = env.plan("--prune", "--detailed-exitcode")
    assert planned.code == 2
    assert outline(planned.out) == [f"- delete gamma {gamma_id}", "Plan: 0 to create, 0 to update, 1 to delete."]
    pruned = env.apply("--prune", "--auto-approve")
    assert pruned.code == 0, pruned
    assert pruned.out.endswith(f"    ok  delete gamma {gamma_id}: deleted\nApply: 1 succeeded, 0 failed.\n")
    assert [(w["method"], w["path"]) for w in env.writes_since(mark)] == [("DELETE", f"/v1/assistants/{gamma_id}")]
    assert sorted(item["id"] for item in env.live()) == sorted([foreign["id"], before["alpha"]["id"],
                                                                before["beta"]["id"]])
    assert env.plan("--prune", "--detailed-exitcode").code == 0


# --- refusals before any write -------------------------------------------------------------------------


def test_invalid_files_fail_before_any_request(env: Harness) -> None:
    env.write("good.yaml", "model: gpt-4o\n")
    env.write("bad.yaml", "model: gpt-4o\ntemprature: 0.2\n")
    for command in ("plan", "apply"):
        result = env.cli(command, "--auto-approve") if command == "apply" else env.cli(command)
        assert result.code == 1
        assert result.out == ""
        assert result.err.startswith("assistants/bad.yaml:2:1: temprature: ")
    assert env.sandbox.stats()["total"] == 0


def test_invalid_files_are_reported_before_missing_credentials(env: Harness) -> None:
    env.write("bad.yaml", "model: gpt-4o\ntemprature: 0.2\n")
    for command in ("plan", "apply"):
        result = CliRunner().invoke(cli, [command, "--base-url", env.sandbox.base_url],
                                    env={**CLEAN_ENV, "OPENAI_API_KEY": None}, catch_exceptions=False)
        assert result.exit_code == 1
        assert result.stderr.startswith("assistants/bad.yaml:2:1: temprature: ")
    env.write("bad.yaml", "model: gpt-4o\n")
    valid = CliRunner().invoke(cli, ["plan", "--base-url", env.sandbox.base_url],
                               env={**CLEAN_ENV, "OPENAI_API_KEY": None}, catch_exceptions=False)
    assert valid.exit_code == 1
    assert "OPENAI_API_KEY" in valid.stderr
    assert env.sandbox.stats()["total"] == 0


def test_apply_without_a_terminal_needs_auto_approve(env: Harness) -> None:
    write_all(env, THREE)
    refused = env.apply()
    assert refused.code == 1
    assert refused.err == "Error: no terminal to confirm on: pass --auto-approve to apply unattended\n"
    assert "Plan: 3 to create" in refused.out
    assert env.writes_since(0) == []
    assert env.live() == []


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize(("answer", "code"), [("n", 1), ("y", 0)])
def test_apply_asks_on_a_terminal(env: Harness, answer: str, code: int) -> None:
    write_all(env, THREE)
    controller, terminal = os.openpty()
    try:
        os.write(controller, f"{answer}\n".encode())  # typed ahead: the terminal holds it until the prompt reads
        done = run_module(env, "apply", stdin=terminal)
    finally:
        os.close(terminal)
        os.close(controller)
    assert done.returncode == code, done.stderr
    assert "Apply 3 changes? [y/N]: " in done.stdout
    if answer == "n":
        assert done.stderr == "Error: apply cancelled; nothing was changed\n"
        assert env.writes_since(0) == []
    else:
        assert done.stdout.endswith("Apply: 3 succeeded, 0 failed.\n")
        assert sorted(env.by_key()) == ["alpha", "beta", "gamma"]


def test_the_real_entry_point_keeps_exit_codes_and_secrets(env: Harness) -> None:
    write_all(env, THREE)
    done = run_module(env, "plan", "--detailed-exitcode", "-v")
    assert done.returncode == 2, done.stderr
    assert "Plan: 3 to create, 0 to update, 0 to delete." in done.stdout
    assert "-> GET /v1/assistants" in done.stderr  # verbose logs each request ...
    assert API_KEY not in done.stdout + done.stderr  # ... with the key masked


# --- the embedded sandbox ------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [None, "state.json"], ids=["default state file", "--sandbox-state"])
def test_embedded_sandbox_runs_the_readme_quickstart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     state: str | None) -> None:
    """README: `plan --provider sandbox examples/assistants`, `apply ... --auto-approve`, then plan again."""
    shutil.copytree(EXAMPLES, tmp_path / "examples" / "assistants")
    monkeypatch.chdir(tmp_path)
    options = ["--provider", "sandbox", *(["--sandbox-state", state] if state else [])]

    def run(*args: str) -> Result:
        result = CliRunner().invoke(cli, [*args, *options, "examples/assistants"], env=CLEAN_ENV,
                                    catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    first = run("plan")
    assert (first.code, outline(first.out)[-1]) == (0, "Plan: 6 to create, 0 to update, 0 to delete.")
    done = run("apply", "--auto-approve")
    assert done.code == 0, done
    assert done.out.endswith("Apply: 6 succeeded, 0 failed.\n")
    again = run("plan", "--detailed-exitcode")
    assert (again.code, again.out, again.err) == (0, "No changes. 6 assistants up to date.\n", "")
    saved = json.loads((tmp_path / (state or ".assistantsync/sandbox.json")).read_text(encoding="utf-8"))
    assert sorted(a["assistant"]["metadata"][IDENTITY_KEY] for a in saved["assistants"]) == [
        "hr-helper", "invoice-extractor", "support-analyst", "support-kb", "support-triage", "weather"]
    assert [a["write_only"] for a in saved["assistants"] if a["write_only"]] == [{"reasoning_effort": "low"}]


# --- plan --out: never through a link, never a traceback -------------------------------------------


@pytest.mark.parametrize("target", ["outside.txt", "missing/folder/plan.json"], ids=["a file", "a missing folder"])
def test_plan_out_replaces_a_committed_link_and_leaves_its_target_alone(env: Harness, target: str) -> None:
    env.write("a.yaml", "model: gpt-4o\nname: A\n")
    (env.root / "outside.txt").write_text("keep me", encoding="utf-8")
    (env.root / "plan.json").symlink_to(env.root / target)
    done = env.offline("plan", "--provider", "sandbox", "--sandbox-state", "state.json", "--out", "plan.json")
    assert done.code == 0, done
    assert not (env.root / "plan.json").is_symlink()
    assert json.loads((env.root / "plan.json").read_text(encoding="utf-8"))["summary"]["create"] == 1
    assert (env.root / "outside.txt").read_text(encoding="utf-8") == "keep me"
    assert not (env.root / "missing").exists()


def test_plan_out_under_a_link_into_a_missing_folder_is_a_message(env: Harness) -> None:
    env.write("a.yaml", "model: gpt-4o\nname: A\n")
    (env.root / "out").symlink_to(env.root / "missing" / "folder", target_is_directory=True)
    done = env.offline("plan", "--provider", "sandbox", "--sandbox-state", "state.json", "--out", "out/plan.json")
    assert done.code == 1
    assert done.err == (f"Error: cannot write {Path('out', 'plan.json')}: File exists; check that each folder on "
                        "the path is a real folder (not a file, nor a link to a missing one) that you can write "
                        "to, or choose another --out\n")
    assert not (env.root / "missing").exists()
