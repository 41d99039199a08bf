"""Matching agent files to live agents (key_is_id): the name is the identity, never a claim in metadata."""

from __future__ import annotations

from typing import Any

import pytest

from assistantsync.errors import Location
from assistantsync.files.desired import DesiredResource
from assistantsync.kinds.agent import AGENT
from assistantsync.plan.changes import plan_resource
from assistantsync.plan.identity import claimed_key, match_resources
from assistantsync.plan.name_twins import name_twins
from assistantsync.plan.reserved import IDENTITY_KEY


def want(name: str) -> DesiredResource:
    return DesiredResource(name, None, Location(f"{name}.yaml", 1, 1), {"name": name, "definition.model": "m"},
                           kind="agent")


def live(name: str, claim: str | None = None, **metadata: str) -> dict[str, Any]:
    """A live agent in the engine's flat view (wire.py): its id is its name."""
    return {"id": name, "name": name, "version": "1", "definition.kind": "prompt", "definition.model": "m",
            "metadata": {**metadata, **({IDENTITY_KEY: claim} if claim is not None else {})}}


# (case, live agent, the key it claims)
CLAIMS: list[tuple[str, dict[str, Any], str | None]] = [
    ("its own name", live("bot", "bot"), "bot"),
    ("unmanaged", live("bot"), None),
    ("another agent's name: ignored", live("copy", "bot"), None),
    ("an empty claim", live("bot", ""), None),
    ("metadata that is no map", {"id": "bot", "name": "bot", "metadata": "bot"}, None),
    ("null metadata", {"id": "bot", "name": "bot", "metadata": None}, None),
]


@pytest.mark.parametrize(("item", "key"), [c[1:] for c in CLAIMS], ids=[c[0] for c in CLAIMS])
def test_claimed_key(item: dict[str, Any], key: str | None) -> None:
    assert claimed_key(AGENT, item) == key


# (case, files, live agents, matches as (file, live id or None), orphan ids)
CASES: list[tuple[str, list[DesiredResource], list[dict[str, Any]], list[tuple[str, str | None]], list[str]]] = [
    ("nothing live: creates", [want("a"), want("b")], [], [("a", None), ("b", None)], []),
    ("a managed agent of the same name", [want("bot")], [live("bot", "bot")], [("bot", "bot")], []),
    ("an unmanaged agent of the same name is matched (to adopt)", [want("bot")], [live("bot")], [("bot", "bot")],
     []),
    ("a claim of another name matches nothing", [want("bot")], [live("copy", "bot")], [("bot", None)], []),
    ("the name wins over another agent's claim", [want("bot")], [live("copy", "bot"), live("bot")],
     [("bot", "bot")], []),
    ("a claiming copy is not an orphan", [], [live("copy", "bot")], [], []),
    ("an unmanaged agent is not an orphan", [], [live("portal-made")], [], []),
    ("orphans are managed agents no file names, by name", [want("keep")],
     [live("zeta", "zeta"), live("keep", "keep"), live("alpha", "alpha"), live("mine"), live("x", "alpha")],
     [("keep", "keep")], ["alpha", "zeta"]),
]


@pytest.mark.parametrize(("files", "objects", "matches", "orphans"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_match_agents(files: list[DesiredResource], objects: list[dict[str, Any]],
                      matches: list[tuple[str, str | None]], orphans: list[str]) -> None:
    matching = match_resources(AGENT, files, objects)
    assert [(m.desired.key, m.live["id"] if m.live else None) for m in matching.matches] == matches
    assert matching.errors == ()
    assert matching.duplicates == ()
    assert [o["id"] for o in matching.orphans] == orphans


def test_no_name_twin_warnings_for_agents() -> None:
    # Two agents never share a name: the would-be twin is the agent itself, matched.
    objects = [live("bot"), live("other", "bot")]
    assert name_twins(AGENT, match_resources(AGENT, [want("new")], objects), objects) == ()


# (case, live agent, the action)
ACTIONS: list[tuple[str, dict[str, Any], str]] = [
    ("managed and equal", live("bot", "bot"), "no-op"),
    ("unmanaged and equal: adopted", live("bot"), "adopt"),
    ("claiming another name: adopted under its own", live("bot", "other"), "adopt"),
    ("managed and different", {**live("bot", "bot"), "definition.model": "n"}, "update"),
]


@pytest.mark.parametrize(("item", "action"), [c[1:] for c in ACTIONS], ids=[c[0] for c in ACTIONS])
def test_a_matched_agent_is_adopted_unless_managed(item: dict[str, Any], action: str) -> None:
    (match,) = match_resources(AGENT, [want("bot")], [item]).matches
    change = plan_resource(AGENT, match.desired, match.live)
    assert not isinstance(change, str)
    assert change.action == action
