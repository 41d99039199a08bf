"""Several live assistants claiming one file's key: one clear problem for that key with the way out, or with
--prune the oldest kept and the newer copies deleted as ordinary changes. Never a dead end.

Before: every plan failed with "both claim key 'bot'" and no way out but cleaning up by hand.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers.plan_inputs import server_object

from assistantsync.errors import Location
from assistantsync.files.desired import DesiredResource
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.changes import make_plan
from assistantsync.plan.identity import oldest_first


def desired(key: str = "bot", pin: str | None = None, **fields: Any) -> DesiredResource:
    return DesiredResource(key, pin, Location(f"{key}.yaml", 1, 1), {"model": "gpt-4o", **fields})


def copy(ident: str, created_at: int, key: str = "bot", **fields: Any) -> dict[str, Any]:
    return server_object(ident, key, created_at=created_at, **fields)


CLAIM = "live assistants {ids} {both} claim key 'bot' in metadata assistantsync_key; "
TWO = CLAIM.format(ids="asst_a and asst_b", both="both")
THREE = CLAIM.format(ids="asst_a, asst_b and asst_c", both="all")

# (id, files, live, prune, changes as (key, id, action), errors, warnings)
CASES: list[tuple[str, list[DesiredResource], list[dict[str, Any]], bool, list[tuple[str, str | None, str]],
                  list[tuple[str, str]], list[tuple[str, str]]]] = [
    ("two copies: one problem naming the way out; the other keys still plan",
     [desired(), desired("other")], [copy("asst_b", 5), copy("asst_a", 7)], False,
     [("other", None, "create")],
     [("bot", TWO + "asst_b is kept, as the oldest one: run with --prune to delete the newer copy asst_a, or "
                    "delete it yourself")], []),
    ("three copies: the oldest is kept whatever the list order",
     [desired()], [copy("asst_c", 9), copy("asst_a", 8), copy("asst_b", 3)], False, [],
     [("bot", THREE + "asst_b is kept, as the oldest one: run with --prune to delete the newer copies asst_a and "
                      "asst_c, or delete them yourself")], []),
    ("--prune: the newer copies are deleted, the oldest is planned as usual",
     [desired(temperature=0.5)], [copy("asst_b", 5), copy("asst_a", 7), copy("asst_c", 9)], True,
     [("bot", "asst_a", "delete"), ("bot", "asst_b", "update"), ("bot", "asst_c", "delete")], [],
     [("bot", THREE + "asst_b is kept, as the oldest one, and the newer copies asst_a and asst_c are deleted")]),
    ("a tie in created_at keeps the one listed first (the server lists ties in creation order)",
     [desired()], [copy("asst_z", 4), copy("asst_a", 4)], True,
     [("bot", "asst_a", "delete"), ("bot", "asst_z", "no-op")], [],
     [("bot", CLAIM.format(ids="asst_a and asst_z", both="both") + "asst_z is kept, as the oldest one, and the "
                                                                    "newer copy asst_a is deleted")]),
    ("a pinned copy is the one kept, even when newer",
     [desired(pin="asst_b")], [copy("asst_a", 1), copy("asst_b", 2)], True,
     [("bot", "asst_a", "delete"), ("bot", "asst_b", "no-op")], [],
     [("bot", TWO + "asst_b is kept, as the pinned one, and the other copy asst_a is deleted")]),
    ("a copy another file pins is not deleted: that file is in error, as a pin of another file's key always is",
     [desired(), desired("mine", pin="asst_b")], [copy("asst_a", 1), copy("asst_b", 2)], True,
     [("bot", "asst_a", "no-op")], [("mine", "pinned id asst_b carries key 'bot', which another file uses")], []),
    ("copies of a key no file describes stay orphans: all deleted with --prune",
     [desired()], [copy("asst_a", 1), copy("asst_x", 2, "gone"), copy("asst_y", 3, "gone")], True,
     [("bot", "asst_a", "no-op"), ("gone", "asst_x", "delete"), ("gone", "asst_y", "delete")], [], []),
]


@pytest.mark.parametrize(("files", "live", "prune", "changes", "errors", "warnings"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_duplicates_are_one_problem_with_a_way_out(
        files: list[DesiredResource], live: list[dict[str, Any]], prune: bool,
        changes: list[tuple[str, str | None, str]], errors: list[tuple[str, str]],
        warnings: list[tuple[str, str]]) -> None:
    plan = make_plan(ASSISTANT, files, live, prune=prune)
    assert [(c.key, c.id, c.action) for c in plan.changes] == changes
    assert list(plan.errors) == errors
    assert list(plan.warnings) == warnings


def test_a_planned_duplicate_delete_carries_the_fingerprint_of_what_it_deletes() -> None:
    plan = make_plan(ASSISTANT, [desired()], [copy("asst_a", 1), copy("asst_b", 2, name="Copy")], prune=True)
    (delete,) = plan.pending
    assert (delete.id, delete.body, delete.fields) == ("asst_b", None, ())
    assert delete.fingerprint is not None and delete.fingerprint.fields["name"] != ""


@pytest.mark.parametrize(("live", "order"), [
    ([{"id": "b", "created_at": 2}, {"id": "a", "created_at": 1}], ["a", "b"]),
    ([{"id": "b", "created_at": 1}, {"id": "a", "created_at": 1}], ["b", "a"]),  # a tie: the list's order
    ([{"id": "b", "created_at": 1}, {"id": "a"}], ["a", "b"]),  # none: as old as can be, never a crash
    ([{"id": "b", "created_at": 1.5}, {"id": "a", "created_at": True}], ["a", "b"]),
])
def test_oldest_first(live: list[dict[str, Any]], order: list[str]) -> None:
    assert [item["id"] for item in oldest_first(live)] == order
