"""Planning page by page (diffs computed while the next page is fetched) gives exactly make_plan's plan."""

from __future__ import annotations

import random
from typing import Any

import pytest
from helpers.fake_api import Scripted, reply, rig
from helpers.plan_inputs import desired, server_object
from hypothesis import given, settings
from hypothesis import strategies as st

from assistantsync.files.desired import DesiredResource
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.kinds.assistant.normalise import API_FIELDS
from assistantsync.plan.changes import PlanBuilder, make_plan
from assistantsync.plan.record import canonical_json, digest, digests

KEYS = ["a", "b", "c", "d"]
IDS = ["asst_1", "asst_2", "asst_3", "asst_4", "asst_5"]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[DesiredResource], list[dict[str, Any]], bool, bool]:
    """Files and live assistants with every kind of match: by key, by pin, twins, orphans, unmanaged."""
    wanted = [desired(key, pin=draw(st.sampled_from([None, None, *IDS])), model="gpt-4o",
                      name=draw(st.sampled_from(["Bot", "Other"])), temperature=draw(st.sampled_from([0.5, 1])))
              for key in draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=4))]
    live = [server_object(ident, key=draw(st.sampled_from([None, *KEYS])), name=draw(st.sampled_from(["Bot", None])))
            for ident in draw(st.lists(st.sampled_from(IDS), unique=True, max_size=5))]
    return wanted, live, draw(st.booleans()), draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.integers(min_value=1, max_value=3), st.integers(min_value=0, max_value=3))
def test_pages_fed_early_or_not_give_make_plans_plan(
        scenario: tuple[list[DesiredResource], list[dict[str, Any]], bool, bool], size: int, skipped: int) -> None:
    wanted, live, strict, prune = scenario
    builder = PlanBuilder(ASSISTANT, wanted, strict=strict, prune=prune)
    pages = [live[start:start + size] for start in range(0, len(live), size)]
    for page in pages[skipped:]:  # a page the worker never got is computed by finish
        builder.add_page(page)
    assert builder.finish(live) == make_plan(ASSISTANT, wanted, live, strict=strict, prune=prune)


def test_finish_uses_the_changes_computed_from_the_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    live = [server_object("asst_1", key="a"), server_object("asst_2", key="b", name="Bot")]
    builder = PlanBuilder(ASSISTANT, [desired("a", model="gpt-4o"),
                                      desired("b", pin="asst_2", model="gpt-4o", name="New")])
    builder.add_page(live)
    monkeypatch.setattr("assistantsync.plan.changes.plan_resource", None)  # finish must not need it any more
    plan = builder.finish(live)
    assert [(change.key, change.action) for change in plan.changes] == [("a", "no-op"), ("b", "update")]


def test_the_client_hands_each_page_to_observers_as_it_arrives() -> None:
    pages = [{"data": [{"id": "asst_1"}], "has_more": True}, {"data": [{"id": "asst_2"}], "has_more": False}]
    client = rig(Scripted([reply(body=pages[0]), reply(body=pages[1])])).client
    seen: list[list[dict[str, Any]]] = []
    with client.observing_pages(seen.append):
        listed = client.list_all()
    assert seen == [[{"id": "asst_1"}], [{"id": "asst_2"}]] and listed == [{"id": "asst_1"}, {"id": "asst_2"}]
    assert seen[0][0] is listed[0]  # the very objects list_all returns


def _json(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.4:
        return rng.choice([None, True, False, 0, 1, 1.0, -0.0, 2**70, 1e300, "", "é", 'q"\\', "\u2028", "x" * 30])
    if roll < 0.7:
        return [_json(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(["a", "B", "é", "", "model", "\x00"]): _json(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def test_digests_serialise_each_member_once_and_agree_with_digest() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        item = {rng.choice([*API_FIELDS, "id", "object", "é", "Z"]): _json(rng) for _ in range(rng.randint(0, 8))}
        whole, fields = digests(item, API_FIELDS)
        assert whole == digest(item), canonical_json(item)
        assert fields == {name: digest(item[name]) for name in API_FIELDS if name in item}


def test_a_plans_fingerprints_are_digested_only_when_read() -> None:
    # A value JSON cannot hold, in a member the diff ignores: only digesting the whole object trips on it.
    live = {**server_object("asst_1", key="a"), "unheard_of": object()}
    builder = PlanBuilder(ASSISTANT, [desired("a", model="gpt-4o")])
    builder.add_page([live])
    [change] = builder.finish([live]).changes
    assert change.action == "no-op" and change.fingerprint is not None
    with pytest.raises(TypeError):
        change.fingerprint.object  # noqa: B018  # reading it digests it: what a saved plan does
