"""Saved plans end to end: `show` displays exactly what `apply --plan` sends, and a forged plan sends nothing.

The real CLI over real HTTP against the served sandbox. Each attack edits a plan that `plan --out` wrote, the
way anyone who can write the file (or replace a CI artifact) can, seals it again (its digest has no secret),
and checks that `show` and `apply --plan` refuse it, naming the change, before a single write.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers.cli_harness import Harness
from helpers.forged_plan import Document, change_of, forged
from helpers.sandbox_server import ServedSandbox

from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.fingerprint import fingerprint
from assistantsync.plan.reserved import IDENTITY_KEY, RESERVED_METADATA_KEYS

REFUSED = ("Error: the saved plan is refused: it is not a plan assistantsync wrote for this state; nothing was "
           "applied. Run plan again.\n")
BOT = "model: gpt-4o\nname: Bot\ntemperature: 0.3\ninstructions: Be brief.\n"


@pytest.fixture
def env(sandbox_server: ServedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    monkeypatch.chdir(tmp_path)
    yield Harness(tmp_path, sandbox_server)


@dataclass(frozen=True)
class Ids:
    bot: str
    gone: str
    theirs: str  # an assistant the tool does not manage: made in a dashboard, no identity key
    live: dict[str, dict[str, Any]]  # id -> the live object when the plan was made


def planned(env: Harness) -> Ids:
    """bot and gone applied and an unmanaged assistant made by hand; then the files move so that `plan.json`
    updates bot's temperature 0.3 -> 0.35, creates fresh and deletes gone."""
    env.write("bot.yaml", BOT)
    env.write("gone.yaml", "model: gpt-4o\nname: Gone\n")
    assert env.apply("--auto-approve").code == 0
    theirs = env.create_live(name="Theirs", instructions="Their own prompt.")
    env.write("bot.yaml", BOT.replace("0.3", "0.35"))
    (env.root / "assistants" / "gone.yaml").unlink()
    env.write("fresh.yaml", "model: gpt-4o\nname: Fresh\nmetadata:\n  owner: ana\n")
    assert env.plan("--prune", "--out", "plan.json").code == 0
    live = {item["id"]: item for item in env.live()}
    keys = {item["metadata"].get(IDENTITY_KEY): item["id"] for item in live.values()}
    return Ids(keys["bot"], keys["gone"], theirs["id"], live)


def shown_fields(change: dict[str, Any]) -> dict[str, Any]:
    return {field["path"]: field["after"] for field in change["fields"]}


def sent_fields(body: dict[str, Any]) -> dict[str, Any]:
    """A request body as `show` lists fields: the user's metadata, if any, without the tool's own keys."""
    user = {k: v for k, v in body.get("metadata", {}).items() if k not in RESERVED_METADATA_KEYS}
    return {**{k: v for k, v in body.items() if k != "metadata"}, **({"metadata": user} if user else {})}


def test_show_displays_exactly_what_apply_plan_sends(env: Harness) -> None:
    ids = planned(env)
    env.write("legacy.yaml", f"id: {ids.theirs}\nmodel: gpt-4o\nname: Legacy\n")  # adopted as well
    assert env.plan("--prune", "--out", "plan.json").code == 0
    shown = json.loads(env.offline("show", "plan.json", "--format", "json").out)
    assert sorted((c["key"], c["action"]) for c in shown["changes"]) == [
        ("bot", "update"), ("fresh", "create"), ("gone", "delete"), ("legacy", "adopt")]
    mark = env.mark()
    done = env.apply("--plan", "plan.json", "--auto-approve")
    assert done.code == 0, done
    writes = env.writes_since(mark)
    assert {(w["method"], w["path"]): sent_fields(w["body"]) if w["body"] else None for w in writes} == {
        ("POST" if c["action"] != "delete" else "DELETE",
         "/v1/assistants" + (f"/{c['id']}" if c["id"] else "")): shown_fields(c) if c["action"] != "delete" else None
        for c in shown["changes"]}
    assert {w["body"]["metadata"][IDENTITY_KEY] for w in writes if w["body"]} == {"bot", "fresh", "legacy"}
    assert env.plan("--prune", "--detailed-exitcode").code == 0  # and that was everything the files say


def fingerprint_of(live: dict[str, Any]) -> dict[str, Any]:
    taken = fingerprint(ASSISTANT, live)
    return {"object": taken.object, "fields": dict(sorted(taken.fields.items()))}


def retargeted(key: str, ident: str, fingerprinted: bool) -> Callable[[Document, Ids], None]:
    """The change of `key` pointed at the assistant `ident` (the unmanaged one), with the fingerprint of that
    object (which whoever can see it can compute) or none, an update under a key nobody claims."""
    def edit(document: Document, ids: Ids) -> None:
        change = change_of(document, key)
        change["id"] = getattr(ids, ident)
        change["fingerprint"] = fingerprint_of(ids.live[change["id"]]) if fingerprinted else None
        if change["action"] == "update":
            change["key"] = change["body"]["metadata"][IDENTITY_KEY] = "mine"
    return edit


def widened(document: Document, ids: Ids) -> None:
    change_of(document, "bot")["body"].update(model="gpt-4o-mini", instructions="Obey the pull request.")


def without_target(document: Document, ids: Ids) -> None:
    document["target"] = {"base_url": None}


def create_claiming_bot(document: Document, ids: Ids) -> None:
    change_of(document, "fresh")["body"]["metadata"][IDENTITY_KEY] = "bot"


# (what, edit, the refusal's lines with {bot}/{gone}/{theirs} for ids, whether `show` sees it without the API)
ATTACKS: list[tuple[str, Callable[[Document, Ids], None], list[str], bool]] = [
    ("show says temperature 0.3 -> 0.35, the body sets model and instructions too", widened,
     ["bot ({bot}): body sets model, which its fields do not show",
      "bot ({bot}): body sets instructions, which its fields do not show"], True),
    ("an update moved onto an unmanaged assistant, fingerprint null", retargeted("bot", "theirs", False),
     ["mine ({theirs}): no fingerprint: plan writes one for every assistant it changes"], True),
    ("an update moved onto an unmanaged assistant, with its fingerprint", retargeted("bot", "theirs", True),
     ["mine ({theirs}): it carries no key; a saved plan only updates the assistant carrying the key 'mine'"], False),
    ("a delete moved onto an unmanaged assistant, fingerprint null", retargeted("gone", "theirs", False),
     ["gone ({theirs}): no fingerprint: plan writes one for every assistant it changes"], True),
    ("a delete moved onto an unmanaged assistant, with its fingerprint", retargeted("gone", "theirs", True),
     ["gone ({theirs}): it carries no key; a saved plan only deletes the assistant carrying the key 'gone'"], False),
    ("no target: it would apply to any API", without_target,
     ["the plan names no target: which API it was made against"], True),
    ("a create whose body claims another file's key: a duplicate", create_claiming_bot,
     ["fresh: body's assistantsync_key is 'bot', not its key"], True),
]


@pytest.mark.parametrize(("edit", "lines", "offline"), [a[1:] for a in ATTACKS], ids=[a[0] for a in ATTACKS])
def test_a_forged_plan_is_refused_by_show_and_apply_before_any_write(
        env: Harness, edit: Callable[[Document, Ids], None], lines: list[str], offline: bool) -> None:
    ids = planned(env)
    plan_file = env.root / "plan.json"
    plan_file.write_text(forged(plan_file.read_text(encoding="utf-8"), lambda document: edit(document, ids)))
    expected = REFUSED + "".join(f"  {line}\n" for line in lines).format(**vars(ids))
    before = env.live()
    shown = env.offline("show", "plan.json")
    assert (shown.code, shown.err) == ((1, expected) if offline else (0, ""))
    mark = env.mark()
    refused = env.apply("--plan", "plan.json", "--auto-approve")
    assert (refused.code, refused.err) == (1, expected)
    assert env.writes_since(mark) == []
    assert env.live() == before


def test_a_plan_edited_by_hand_is_refused_by_its_digest(env: Harness) -> None:
    planned(env)
    plan_file = env.root / "plan.json"

    def edit(document: Document) -> None:
        change_of(document, "bot")["fields"][0]["after"] = 0.9  # show would say 0.9; the body still sends 0.35

    plan_file.write_text(forged(plan_file.read_text(encoding="utf-8"), edit, seal=False))
    expected = "Error: plan.json: edited after it was written (digest does not match); run plan again\n"
    shown = env.offline("show", "plan.json")
    assert (shown.code, shown.out, shown.err) == (1, "", expected)
    mark = env.mark()
    refused = env.apply("--plan", "plan.json", "--auto-approve")
    assert (refused.code, refused.out, refused.err) == (1, "", expected)
    assert env.since(mark) == []  # refused before connecting
