"""Saved agent plans: refused whole when the live agents moved (naming what moved), and when forged.

The real CLI over real HTTP against the served sandbox as a Foundry project. Each stale case moves the live
state after `plan --out`, the way a portal edit, another apply or another script does; each forged case edits
the saved plan and seals it again (its digest has no secret, helpers/forged_plan.py). Every refusal is checked
exactly, before a single write, and the versions stay as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.agent_files import BOT, FOUNDRY_ENV, Foundry
from helpers.forged_plan import Document, change_of, forged
from helpers.sandbox_server import ServedSandbox

from assistantsync.cli.main import cli
from assistantsync.plan.reserved import IDENTITY_KEY

STALE = "Error: the saved plan is stale; nothing was applied. Run plan again.\n"
REFUSED = ("Error: the saved plan is refused: it is not a plan assistantsync wrote for this state; nothing was "
           "applied. Run plan again.\n")
FRESH = "kind: agent\nname: fresh\ndefinition:\n  kind: prompt\n  model: gpt-4.1-mini\n"
PROMPT = {"kind": "prompt", "model": "gpt-4.1"}
MOVED = "agent support-bot: version 2 was made since the plan (which started from version 1);"


@pytest.fixture
def env(sandbox_server: ServedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Foundry]:
    monkeypatch.chdir(tmp_path)
    yield Foundry(tmp_path, sandbox_server)


def planned(env: Foundry) -> None:
    """support-bot and gone applied, theirs made in the portal (no tool metadata); then `plan.json` makes a new
    version of support-bot (instructions Hi -> Hello), creates fresh and deletes gone."""
    env.write("support-bot.yaml", BOT)
    env.write("gone.yaml", BOT.replace("support-bot", "gone"))
    assert env.apply("--auto-approve").code == 0
    env.post("agents", {"name": "theirs", "definition": {**PROMPT, "instructions": "Their own prompt."}})
    env.write("support-bot.yaml", BOT.replace("Hi", "Hello"))
    env.write("fresh.yaml", FRESH)
    env.remove("gone.yaml")
    assert env.plan("--prune", "--out", "plan.json").code == 0


def portal_version(env: Foundry, *, keep_metadata: bool = True, **fields: Any) -> None:
    """A version of support-bot made in the portal: the latest one with `fields` replaced."""
    latest = env.latest("support-bot")
    kept = {"metadata": latest["metadata"]} if keep_metadata else {}
    env.post("agents/support-bot/versions", {"definition": latest["definition"], **kept, **fields})


def portal_instructions(env: Foundry) -> None:
    portal_version(env, definition={**env.latest("support-bot")["definition"], "instructions": "Portal"})


def deleted_by_hand(env: Foundry) -> None:
    with env.api() as api:
        for name in ("support-bot", "gone"):
            assert api.delete(f"agents/{name}").status_code == 200


def fresh_made_by_hand(env: Foundry) -> None:
    env.post("agents", {"name": "fresh", "definition": PROMPT})


# (what moved, how, the refusal's lines)
STALE_CASES: list[tuple[str, Callable[[Foundry], None], list[str]]] = [
    ("the portal changed the instructions", portal_instructions,
     [f"{MOVED} definition.instructions changed"]),
    ("the portal changed only the description", lambda env: portal_version(env, description="Portal"),
     [f"{MOVED} description changed"]),
    ("the portal made a version without the tool's metadata", lambda env: portal_version(env, keep_metadata=False),
     [f"{MOVED} metadata changed"]),
    ("the agents to update and delete were deleted", deleted_by_hand,
     ["agent gone: no longer exists", "agent support-bot: no longer exists"]),
    ("the agent to create was made by someone else", fresh_made_by_hand,
     ["agent fresh: now exists as fresh (created since the plan was made)"]),
]


@pytest.mark.parametrize(("move", "lines"), [case[1:] for case in STALE_CASES], ids=[case[0] for case in STALE_CASES])
def test_a_saved_plan_is_refused_as_stale_naming_what_moved(env: Foundry, move: Callable[[Foundry], None],
                                                            lines: list[str]) -> None:
    planned(env)
    move(env)
    before = {name: env.versions(name) for name in env.names()}
    mark = env.mark()
    refused = env.apply("--plan", "plan.json", "--auto-approve")
    assert (refused.code, refused.err) == (1, STALE + "".join(f"  {line}\n" for line in lines)), refused
    assert env.writes_since(mark) == []
    assert {name: env.versions(name) for name in env.names()} == before


def test_the_same_saved_plan_twice_says_it_was_already_applied(env: Foundry) -> None:
    planned(env)
    done = env.apply("--plan", "plan.json", "--auto-approve")
    assert done.code == 0, done
    mark = env.mark()
    twice = env.apply("--plan", "plan.json", "--auto-approve")
    assert (twice.code, twice.err) == (0, ""), twice
    assert twice.out.endswith("\nthe saved plan was already applied: the live state is what it would make; nothing "
                              "was written\n")
    assert env.writes_since(mark) == []
    assert env.versions("support-bot") == ["1", "2"]


def widened(document: Document) -> None:
    change_of(document, "support-bot")["body"]["definition.model"] = "gpt-4.1-mini"


def retargeted(key: str) -> Callable[[Document], None]:
    """The change of `key` pointed at theirs (made in the portal, not managed), under its name as key."""
    def edit(document: Document) -> None:
        change = change_of(document, key)
        change["id"] = change["key"] = "theirs"
        if change["body"] is not None:
            change["body"]["metadata"][IDENTITY_KEY] = "theirs"
    return edit


def create_claiming(document: Document) -> None:
    change = change_of(document, "fresh")
    change["body"]["name"] = "support-bot"  # POST /agents with an existing name makes a version of that agent
    for field in change["fields"]:
        if field["path"] == "name":
            field["after"] = "support-bot"


def without_target(document: Document) -> None:
    document["target"] = {"base_url": None}


# (what, edit, the refusal's lines, whether `show` refuses it without the API)
FORGED: list[tuple[str, Callable[[Document], None], list[str], bool]] = [
    ("the body sets a model its fields do not show", widened,
     ["support-bot (support-bot): body's assistantsync_state does not record the version its body makes"], True),
    ("a new version moved onto an agent the tool does not manage", retargeted("support-bot"),
     ["theirs (theirs): it carries no key; a saved plan only updates the agent carrying the key 'theirs'"], False),
    ("a delete moved onto an agent the tool does not manage", retargeted("gone"),
     ["theirs (theirs): it carries no key; a saved plan only deletes the agent carrying the key 'theirs'"], False),
    ("a create under another agent's name", create_claiming,
     ["fresh: it writes support-bot, not the agent its key names",
      "fresh: body's assistantsync_state does not record the values its fields show"], True),
    ("no target: it would apply to any API", without_target,
     ["the plan names no target: which API it was made against"], True),
]


@pytest.mark.parametrize(("edit", "lines", "offline"), [f[1:] for f in FORGED], ids=[f[0] for f in FORGED])
def test_a_forged_agent_plan_is_refused_before_any_write(env: Foundry, edit: Callable[[Document], None],
                                                          lines: list[str], offline: bool) -> None:
    planned(env)
    plan_file = env.root / "plan.json"
    plan_file.write_text(forged(plan_file.read_text(encoding="utf-8"), edit))
    expected = REFUSED + "".join(f"  {line}\n" for line in lines)
    shown = CliRunner().invoke(cli, ["show", "plan.json"], env=FOUNDRY_ENV)
    assert (shown.exit_code, shown.stderr) == ((1, expected) if offline else (0, "")), shown.output
    before = {name: env.versions(name) for name in env.names()}
    mark = env.mark()
    refused = env.apply("--plan", "plan.json", "--auto-approve")
    assert (refused.code, refused.err) == (1, expected), refused
    assert env.writes_since(mark) == []
    assert {name: env.versions(name) for name in env.names()} == before
