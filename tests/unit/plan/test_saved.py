"""Reading a saved plan back: a plan file is input like any other, so anything malformed is refused by name, and
anything edited since plan wrote it is refused by its digest."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from helpers.cli_harness import Harness
from helpers.forged_plan import sealed
from helpers.plan_inputs import desired, server_object
from helpers.sandbox_server import ServedSandbox

from assistantsync.errors import AssistantSyncError
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.changes import make_plan
from assistantsync.plan.saved import plan_from_json, plan_to_json
from assistantsync.plan.saved_check import forged_problems
from assistantsync.render.markdown import render_plan_markdown
from assistantsync.render.text import render_plan_text

PLAN = make_plan(ASSISTANT, [desired("bot", model="gpt-4o", tools=[{"type": "code_interpreter"}]),
                  desired("two", pin="asst_2", model="gpt-4o", name="Two")],
                 [server_object("asst_2", key="two", name="Old")])
SAVED = json.loads(plan_to_json(PLAN))


def edited(path: tuple[Any, ...], value: Any, seal: bool = True) -> str:
    """The saved plan with one value replaced and, unless `seal` is false, its digest made to match again (as
    anyone can): what the reader makes of the content itself."""
    document = copy.deepcopy(SAVED)
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return json.dumps(sealed(document) if seal else document)


def nested(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


def change_at(key: str) -> int:
    return next(n for n, change in enumerate(SAVED["changes"]) if change["key"] == key)


@pytest.mark.parametrize(("text", "reason"), [  # named by where the reason points
    ("{", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ("[]", "the document is list, not what a plan holds there"),
    ("[" * 100_000, "nested too deep: more than 72 levels"),
    (edited(("changes", 0, "fields", 0, "after"), nested(600)), "nested too deep: more than 72 levels"),
    (edited(("changes", 0, "body"), {"tools": nested(70)}), "nested too deep: more than 72 levels"),
    (edited(("options", "strict"), "yes"), "options.strict is str, not what a plan holds there"),
    (edited(("changes",), {}), "changes is dict, not what a plan holds there"),
    (edited(("changes", 0, "key"), 5), "changes[0].key is int, not what a plan holds there"),
    (edited(("changes", 0, "action"), "explode"),
     "changes[0].action 'explode' is not one of create, update, adopt, delete, no-op"),
    (edited(("changes", change_at("two"), "fields", 0, "path"), ["name"]),
     f"changes[{change_at('two')}].fields[0].path is list, not what a plan holds there"),
    (edited(("changes", change_at("two"), "fingerprint", "fields", "model"), 1),
     f"changes[{change_at('two')}].fingerprint.fields.model is int, not what a plan holds there"),
    (edited(("changes", 0, "body"), []), "changes[0].body is list, not what a plan holds there"),
    (edited(("warnings",), [{"key": "bot", "message": True}]),
     "warnings[0].message is bool, not what a plan holds there"),
    (edited(("target",), {"base_url": 5}), "target.base_url is int, not what a plan holds there"),
], ids=lambda value: "" if value.startswith(("{", "[")) else value.split(" is ")[0].split(" '")[0][:30])
def test_a_malformed_plan_file_is_refused_naming_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(AssistantSyncError) as refused:
        plan_from_json(text, "plan.json")
    assert str(refused.value) == f"plan.json: not a plan file written by assistantsync ({reason})"


def test_a_value_as_deep_as_the_files_allow_still_reads_back() -> None:
    # The bound is on the plan's framing plus the 64 levels an assistant file may nest, not on 64 in all.
    plan = plan_from_json(edited(("changes", 0, "fields", 0, "after"), nested(63)), "plan.json")
    assert plan.changes[0].fields[0].after == nested(63)
    render_plan_text(plan)


@pytest.mark.parametrize("command", [("show",), ("apply", "--auto-approve", "--plan")])
def test_a_deeply_nested_plan_file_is_a_message_naming_it_not_a_traceback(
        tmp_path: Path, sandbox_server: ServedSandbox, command: tuple[str, ...]) -> None:
    harness = Harness(tmp_path, sandbox_server)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(edited(("changes", 0, "fields", 0, "after"), nested(600)))
    run = harness.offline(*command, str(plan_file)) if command == ("show",) else harness.cli(*command, str(plan_file))
    assert (run.code, run.out) == (1, "")
    assert run.err == (f"Error: {plan_file}: not a plan file written by assistantsync "
                       "(nested too deep: more than 72 levels)\n")


@pytest.mark.parametrize("version", [1, 3])
def test_an_unsupported_format_version_asks_for_a_new_plan(version: int) -> None:
    # 1: written before plans carried a digest and were checked; read as 2, it would be refused anyway.
    with pytest.raises(AssistantSyncError, match=rf"^plan.json: plan format_version {version} is not supported "
                                                 r"\(this assistantsync reads 2\); run plan again$"):
        plan_from_json(edited(("format_version",), version), "plan.json")


@pytest.mark.parametrize("path", [("changes", 0, "fields", 0, "after"), ("changes", 0, "body", "model"),
                                  ("target", "base_url"), ("digest",)], ids=lambda path: ".".join(map(str, path)))
def test_a_plan_edited_by_hand_is_refused_by_its_digest(path: tuple[Any, ...]) -> None:
    with pytest.raises(AssistantSyncError) as refused:
        plan_from_json(edited(path, "gpt-4o-mini", seal=False), "plan.json")
    assert str(refused.value) == "plan.json: edited after it was written (digest does not match); run plan again"


def test_a_plan_without_a_digest_is_not_one_plan_wrote() -> None:
    document = {name: value for name, value in SAVED.items() if name != "digest"}
    with pytest.raises(AssistantSyncError) as refused:
        plan_from_json(json.dumps(document), "plan.json")
    assert str(refused.value) == ("plan.json: not a plan file written by assistantsync "
                                  "(digest is NoneType, not what a plan holds there)")


def test_a_plan_reformatted_without_editing_a_value_still_reads() -> None:
    # Key order, indentation and escapes are not part of the digest: a plan piped through a formatter is the same.
    reformatted = json.dumps(dict(reversed(SAVED.items())), indent=None, ensure_ascii=True)
    assert plan_from_json(reformatted, "plan.json") == PLAN


def test_secrets_are_masked_in_every_string_before_the_digest_is_taken() -> None:
    secret = "sk-test-SECRET-1234567890"
    echoed = make_plan(ASSISTANT, [desired("two", pin="asst_2", model="gpt-4o", name="Two")],
                       [server_object("asst_2", key="two", name=f"Old {secret}", metadata={secret: "x"})])
    text = plan_to_json(echoed, [secret, "Two"])  # a value under six characters is never masked: it garbles
    assert secret not in text
    assert '"***": "x"' in text  # a key too: the user's live metadata goes into the update's body
    before = plan_from_json(text, "plan.json").changes[0].fields
    assert [(f.path, f.before, f.after) for f in before] == [("name", "Old ***", "Two")]
    assert plan_to_json(echoed) == plan_to_json(echoed, ())  # nothing to mask: the same text


def test_whatever_a_plan_file_is_edited_into_it_loads_and_renders_or_is_refused() -> None:
    rng = random.Random(9)  # fixed: the same 3,000 edits every run

    def value(depth: int = 0) -> Any:
        roll = rng.random()
        if depth > 2 or roll < 0.5:
            return rng.choice([None, True, 0, 1.5, "", "x", "create", [], {}])
        if roll < 0.75:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return {rng.choice(["key", "id", "action", "fields", "path", "object"]): value(depth + 1)
                for _ in range(rng.randint(0, 3))}

    def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        inner = (node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ())
        return [prefix, *(p for key, child in inner for p in paths(child, (*prefix, key)))]

    every_path = paths(SAVED)[1:]
    for _ in range(3_000):
        try:
            plan = plan_from_json(edited(rng.choice(every_path), value()), "plan.json")
        except AssistantSyncError:
            continue
        render_plan_text(plan)
        render_plan_markdown(plan)
        forged_problems(plan)
