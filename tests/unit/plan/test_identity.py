"""Matching files to live assistants, pure: literal files and live objects in, exact matches and errors out."""

from __future__ import annotations

from typing import Any

import pytest

from assistantsync.errors import Location
from assistantsync.files.desired import DesiredResource
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.identity import claimed_key, match_resources
from assistantsync.plan.name_twins import name_twins
from assistantsync.plan.reserved import IDENTITY_KEY


def want(key: str, pin: str | None = None, name: str | None = None) -> DesiredResource:
    fields = {"model": "gpt-4o", **({"name": name} if name is not None else {})}
    return DesiredResource(key, pin, Location(f"{key}.yaml", 1, 1), fields)


def live(ident: str, key: str | None = None, **metadata: str) -> dict[str, Any]:
    return {"id": ident, "object": "assistant", "model": "gpt-4o",
            "metadata": {**metadata, **({IDENTITY_KEY: key} if key is not None else {})}}


# (id, files, live, expected matches as (key, live id or None), expected errors, expected orphan ids)
CASES: list[tuple[str, list[DesiredResource], list[dict[str, Any]], list[tuple[str, str | None]],
                  list[tuple[str, str]], list[str]]] = [
    ("nothing live: every file is a create", [want("a"), want("b")], [],
     [("a", None), ("b", None)], [], []),
    ("matched by the key in metadata", [want("bot")], [live("asst_1", "bot"), live("asst_2", "other")],
     [("bot", "asst_1")], [], ["asst_2"]),
    ("an assistant without the key is never matched by name or anything else", [want("bot")],
     [live("asst_1", team="bot")], [("bot", None)], [], []),
    ("pinned id wins: adopts an unmanaged assistant", [want("bot", "asst_9")], [live("asst_9")],
     [("bot", "asst_9")], [], []),
    ("pinned id that already carries the key", [want("bot", "asst_9")], [live("asst_9", "bot")],
     [("bot", "asst_9")], [], []),
    ("pinned id carrying a key no file uses: adopted under the new key", [want("bot", "asst_9")],
     [live("asst_9", "old-name")], [("bot", "asst_9")], [], []),
    ("pinned id does not exist", [want("bot", "asst_gone")], [live("asst_1")],
     [], [("bot", "pinned id asst_gone does not exist (or these credentials cannot see it); "
                  "remove `id:` from the file to create a new assistant")], []),
    ("the key is claimed by another assistant than the pinned one", [want("bot", "asst_9")],
     [live("asst_9"), live("asst_1", "bot")],
     [], [("bot", "key 'bot' is claimed by asst_1 but the file pins asst_9; "
                  "remove the pin or clear assistantsync_key on asst_1")], []),
    ("pinned assistant carries another file's key: both files are errors",
     [want("a", "asst_1"), want("b")], [live("asst_1", "b")],
     [], [("a", "pinned id asst_1 carries key 'b', which another file uses"),
          ("b", "asst_1 claims key 'b' but another file pins it")], []),
    ("orphans: managed, no file; sorted by key then id",
     [want("keep")], [live("asst_5", "zeta"), live("asst_4", "alpha"), live("asst_3", "keep"), live("asst_2"),
                      live("asst_1", "alpha")],
     [("keep", "asst_3")], [], ["asst_1", "asst_4", "asst_5"]),
    ("a pinned assistant is never an orphan, whatever key it carries", [want("bot", "asst_1")],
     [live("asst_1", "old-name")], [("bot", "asst_1")], [], []),
    ("an assistant whose key belongs to a file in error is not an orphan", [want("bot", "asst_gone")],
     [live("asst_1", "bot")], [], [("bot", "pinned id asst_gone does not exist (or these credentials cannot see "
                                           "it); remove `id:` from the file to create a new assistant")], []),
]


@pytest.mark.parametrize(("files", "objects", "matches", "errors", "orphans"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_match_assistants(files: list[DesiredResource], objects: list[dict[str, Any]],
                          matches: list[tuple[str, str | None]], errors: list[tuple[str, str]],
                          orphans: list[str]) -> None:
    matching = match_resources(ASSISTANT, files, objects)
    assert [(m.desired.key, m.live["id"] if m.live else None) for m in matching.matches] == matches
    assert list(matching.errors) == errors
    assert [o["id"] for o in matching.orphans] == orphans


def test_matched_live_object_is_the_one_given() -> None:
    item = live("asst_1", "bot", team="hr")
    (match,) = match_resources(ASSISTANT, [want("bot")], [item]).matches
    assert match.live is item


@pytest.mark.parametrize(("metadata", "key"), [
    ({IDENTITY_KEY: "bot"}, "bot"),
    ({IDENTITY_KEY: ""}, None),
    ({IDENTITY_KEY: 7}, None),
    ({}, None),
    (None, None),
    ("not a map", None),
])
def test_claimed_key(metadata: Any, key: str | None) -> None:
    assert claimed_key(ASSISTANT, {"id": "asst_1", "metadata": metadata}) == key


def live_named(ident: str, name: str | None, key: str | None = None) -> dict[str, Any]:
    return {**live(ident, key), "name": name}


TWIN_HINT = ". If the file means that one, add `id: {id}` to it to take it over instead"
UNMANAGED = "will create a second assistant named 'Weather': asst_1 has that name and is not managed by assistantsync"
RENAMED = ("will create a second assistant named 'Weather': asst_2 has that name and the key 'old-weather', which "
           "no file uses any more")

# (id, files, live, expected warnings)
TWIN_CASES: list[tuple[str, list[DesiredResource], list[dict[str, Any]], list[tuple[str, str]]]] = [
    ("a dashboard-made assistant with the create's name", [want("weather", name="Weather")],
     [live_named("asst_1", "Weather")], [("weather", UNMANAGED + TWIN_HINT.format(id="asst_1"))]),
    ("a key renamed in the file: the old one is an orphan with the same name", [want("weather", name="Weather")],
     [live_named("asst_2", "Weather", "old-weather")], [("weather", RENAMED + TWIN_HINT.format(id="asst_2"))]),
    ("both at once: each named, the first id in the hint", [want("weather", name="Weather")],
     [live_named("asst_2", "Weather", "old-weather"), live_named("asst_1", "Weather")],
     [("weather", UNMANAGED + "; " + RENAMED.split(": ", 1)[1] + TWIN_HINT.format(id="asst_1"))]),
    ("the same name on an assistant another file describes: two on purpose", [want("a", name="Weather"),
     want("b", name="Weather")], [live_named("asst_1", "Weather", "a")], []),
    ("an update is no duplicate", [want("weather", name="Weather")], [live_named("asst_1", "Weather", "weather"),
     live_named("asst_9", "Weather")], []),
    ("a pinned adopt is no duplicate", [want("weather", pin="asst_1", name="Weather")],
     [live_named("asst_1", "Weather")], []),
    ("no name declared, or another name, or a live one without a name", [want("a", name=None), want("b", name="B")],
     [live_named("asst_1", None), live_named("asst_2", "Weather")], []),
    ("names are compared exactly", [want("weather", name="weather")], [live_named("asst_1", "Weather")], []),
]


@pytest.mark.parametrize(("files", "objects", "expected"), [case[1:] for case in TWIN_CASES],
                         ids=[case[0] for case in TWIN_CASES])
def test_name_twins(files: list[DesiredResource], objects: list[dict[str, Any]],
                    expected: list[tuple[str, str]]) -> None:
    assert list(name_twins(ASSISTANT, match_resources(ASSISTANT, files, objects), objects)) == expected
