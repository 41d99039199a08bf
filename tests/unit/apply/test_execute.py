"""apply's pure checks: is a saved plan still fresh, and did the server store what was sent.

Plans are made by the real engine from literal files and live objects; the live state then moves in
one exact way per case.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistantsync.apply.execute import readback_problems, stale_reasons
from assistantsync.errors import Location
from assistantsync.files.desired import DesiredResource
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.changes import Change, Plan, make_plan
from assistantsync.plan.reserved import IDENTITY_KEY, STATE_KEY


def desired(key: str = "bot", pin: str | None = None, **fields: Any) -> DesiredResource:
    return DesiredResource(key, pin, Location(f"{key}.yaml", 1, 1), {"model": "gpt-4o", **fields})


def server_object(ident: str = "asst_1", key: str | None = "bot", **fields: Any) -> dict[str, Any]:
    metadata = dict(fields.pop("metadata", {}))
    if key is not None:
        metadata[IDENTITY_KEY] = key
    base = {"id": ident, "object": "assistant", "created_at": 1, "name": None, "description": None,
            "instructions": None, "model": "gpt-4o", "tools": [], "tool_resources": {}, "metadata": metadata,
            "temperature": 1.0, "top_p": 1.0, "response_format": "auto"}
    return {**base, **fields}


def moved(item: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {**item, **fields}


# --- stale_reasons ----------------------------------------------------------------------------------

BOT = server_object(name="Bot", temperature=0.2)
OTHER = server_object("asst_2", "other", name="Other")
ORPHAN = server_object("asst_9", "gone-file")
UNMANAGED = server_object("asst_5", key=None, name="Theirs")


def update_plan() -> Plan:
    """bot: temperature 0.2 -> 0.7; other: no-op; gone-file: delete."""
    return make_plan(ASSISTANT, [desired(name="Bot", temperature=0.7), desired("other", name="Other")],
                     [BOT, OTHER, ORPHAN], prune=True)


def create_plan() -> Plan:
    return make_plan(ASSISTANT, [desired("fresh", name="Fresh")], [BOT])


def adopt_plan() -> Plan:
    return make_plan(ASSISTANT, [desired(pin="asst_5", name="Bot")], [UNMANAGED])


def duplicate_plan() -> Plan:
    """bot: temperature 0.2 -> 0.7 on the oldest copy; its newer copy asst_3 deleted (--prune)."""
    return make_plan(ASSISTANT, [desired(name="Bot", temperature=0.7)], [BOT, NEWER_BOT], prune=True)


NEWER_BOT = server_object("asst_3", "bot", name="Bot", temperature=0.2, created_at=2)

STALE_CASES: list[tuple[str, Plan, list[dict[str, Any]], list[str]]] = [
    ("nothing moved", update_plan(), [BOT, OTHER, ORPHAN], []),
    ("order of the live list does not matter", update_plan(), [ORPHAN, OTHER, BOT], []),
    ("a field moved", update_plan(), [moved(BOT, temperature=0.9), OTHER, ORPHAN],
     ["bot (asst_1): temperature changed since the plan was made"]),
    ("fields the plan does not change count too", update_plan(), [moved(BOT, name="X", top_p=0.5), OTHER, ORPHAN],
     ["bot (asst_1): name, top_p changed since the plan was made"]),
    ("user metadata edited", update_plan(),
     [moved(BOT, metadata={**BOT["metadata"], "owner": "ana"}), OTHER, ORPHAN],
     ["bot (asst_1): metadata changed since the plan was made"]),
    ("a field the object did not have appears", update_plan(),
     [moved(BOT, reasoning_effort="high"), OTHER, ORPHAN],
     ["bot (asst_1): reasoning_effort changed since the plan was made"]),
    ("something outside the API fields moved", update_plan(), [moved(BOT, created_at=2), OTHER, ORPHAN],
     ["bot (asst_1): the object changed since the plan was made"]),
    ("an update's target is gone", update_plan(), [OTHER, ORPHAN], ["bot (asst_1): no longer exists"]),
    ("a no-op's assistant moved: not checked, nothing is written to it", update_plan(),
     [BOT, moved(OTHER, name="Changed"), ORPHAN], []),
    ("a delete's target moved", update_plan(), [BOT, OTHER, moved(ORPHAN, name="Edited")],
     ["gone-file (asst_9): name changed since the plan was made"]),
    ("a delete's target is already gone", update_plan(), [BOT, OTHER], ["gone-file (asst_9): no longer exists"]),
    ("several reasons, sorted", update_plan(), [moved(BOT, top_p=0.1)],
     ["bot (asst_1): top_p changed since the plan was made", "gone-file (asst_9): no longer exists"]),
    ("create: nothing claims the key yet", create_plan(), [BOT, UNMANAGED], []),
    ("create: the key was claimed since", create_plan(), [BOT, server_object("asst_7", "fresh")],
     ["fresh: now exists as asst_7 (created since the plan was made)"]),
    ("create: the key was claimed twice since", create_plan(),
     [server_object("asst_8", "fresh"), server_object("asst_7", "fresh")],
     ["fresh: now exists as asst_7 and asst_8 (created since the plan was made)"]),
    ("duplicates: the copy the plan deletes is no rival to the one it updates", duplicate_plan(),
     [BOT, NEWER_BOT], []),
    ("duplicates: a third copy made since the plan still is", duplicate_plan(),
     [BOT, NEWER_BOT, server_object("asst_4", "bot", created_at=3)],
     ["bot (asst_1): asst_4 now claims the same key"]),
    ("adopt: still unmanaged", adopt_plan(), [UNMANAGED], []),
    ("adopt: another assistant claimed the key since", adopt_plan(), [UNMANAGED, server_object("asst_6", "bot")],
     ["bot (asst_5): asst_6 now claims the same key"]),
    ("adopt: the target was adopted by someone else since", adopt_plan(),
     [moved(UNMANAGED, metadata={IDENTITY_KEY: "bot"})],
     ["bot (asst_5): metadata changed since the plan was made"]),
]


@pytest.mark.parametrize(("plan", "live", "reasons"), [c[1:] for c in STALE_CASES], ids=[c[0] for c in STALE_CASES])
def test_stale_reasons(plan: Plan, live: list[dict[str, Any]], reasons: list[str]) -> None:
    assert stale_reasons(ASSISTANT, plan, live) == reasons


def test_the_sample_plans_hold_what_the_cases_assume() -> None:
    assert [(c.key, c.action) for c in update_plan().changes] == [
        ("bot", "update"), ("gone-file", "delete"), ("other", "no-op")]
    assert [(c.key, c.action) for c in create_plan().changes] == [("fresh", "create")]
    assert [(c.key, c.id, c.action) for c in adopt_plan().changes] == [("bot", "asst_5", "adopt")]


# --- readback_problems --------------------------------------------------------------------------------


def one_change(plan: Plan) -> Change:
    (change,) = plan.pending
    return change


def sent(change: Change, **overrides: Any) -> dict[str, Any]:
    """What a faithful server returns for a change: the live object with the body applied."""
    body = {k: v for k, v in (change.body or {}).items() if k != "reasoning_effort"}
    return {**server_object(), **body, **overrides}


def metadata_sent(change: Change, **extra: str) -> dict[str, Any]:
    return {**(change.body or {})["metadata"], **extra}


UPDATE = one_change(make_plan(ASSISTANT, [desired(name="Bot", temperature=0.7, reasoning_effort="low")], [BOT]))
CREATE = one_change(make_plan(ASSISTANT, [desired(name="Bot", temperature=1, tools=[{"type": "file_search"}],
                                       metadata={"team": "hr"})], []))
INSTRUCTIONS = one_change(make_plan(ASSISTANT, [desired(instructions="short")], [BOT]))
FIVE = one_change(make_plan(ASSISTANT, [desired(tools=[{"type": "file_search",
                                                       "file_search": {"max_num_results": 5.0}}])], []))
RESOLVED = {"ranker": "default_2024_08_21", "score_threshold": 0.0}

READBACK_CASES: list[tuple[str, Change, dict[str, Any], list[str]]] = [
    ("update stored as sent", UPDATE, sent(UPDATE), []),
    ("a changed field did not take effect", UPDATE, sent(UPDATE, temperature=0.2),
     ["temperature did not take effect: the server returned 0.2"]),
    ("a field the change does not touch is not checked", UPDATE, sent(UPDATE, name="Other", top_p=0.3), []),
    ("long values are shortened in the message", INSTRUCTIONS, sent(INSTRUCTIONS, instructions="x" * 200),
     [f"instructions did not take effect: the server returned \"{'x' * 76}..."]),
    ("create: server defaults and resolved values match the file", CREATE,
     sent(CREATE, temperature=1.0, tools=[{"type": "file_search", "file_search": {"ranking_options": RESOLVED}}],
          tool_resources={"file_search": {"vector_store_ids": []}}),
     []),
    ("create: 5 and 5.0 are the same number", FIVE,
     sent(FIVE, tools=[{"type": "file_search", "file_search": {"max_num_results": 5, "ranking_options": RESOLVED}}]),
     []),
    ("a server that merges metadata", UPDATE, sent(UPDATE, metadata=metadata_sent(UPDATE, old="x")),
     ["metadata key 'old' is still there: this server merges metadata instead of replacing it"]),
    ("a server that drops the reserved keys", UPDATE, sent(UPDATE, metadata={}),
     ["metadata key 'assistantsync_key' did not take effect: the server returned null",
      "metadata key 'assistantsync_state' did not take effect: the server returned null"]),
    ("a server that keeps an old state record", UPDATE,
     sent(UPDATE, metadata=metadata_sent(UPDATE, assistantsync_state="v1 m=old")),
     ["metadata key 'assistantsync_state' did not take effect: the server returned \"v1 m=old\""]),
    ("a declared metadata value that did not take effect (reserved keys are not shown)", CREATE,
     sent(CREATE, metadata=metadata_sent(CREATE, team="ops")),
     ["metadata did not take effect: the server returned {\"team\":\"ops\"}"]),
    ("several problems at once", UPDATE, sent(UPDATE, temperature=1.0, metadata={"x": "1"}),
     ["temperature did not take effect: the server returned 1.0",
      "metadata key 'assistantsync_key' did not take effect: the server returned null",
      "metadata key 'assistantsync_state' did not take effect: the server returned null",
      "metadata key 'x' is still there: this server merges metadata instead of replacing it"]),
]


@pytest.mark.parametrize(("change", "returned", "problems"), [c[1:] for c in READBACK_CASES],
                         ids=[c[0] for c in READBACK_CASES])
def test_readback_problems(change: Change, returned: dict[str, Any], problems: list[str]) -> None:
    assert readback_problems(ASSISTANT, change, returned) == problems


def test_readback_cases_send_what_they_assume() -> None:
    assert UPDATE.body is not None and sorted(UPDATE.body) == ["metadata", "reasoning_effort", "temperature"]
    assert CREATE.body is not None and set(CREATE.body["metadata"]) == {"team", IDENTITY_KEY, STATE_KEY}
