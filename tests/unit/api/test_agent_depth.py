"""Response depth for agents is judged as the agent is read: its definition sits two levels down on the wire
(`versions.latest`), so a definition as deep as a file may hold is accepted, and a deeper one is named by its field."""

from __future__ import annotations

from typing import Any

import pytest

from assistantsync.api.response_body import MAX_DEPTH, TooDeep, check_depth
from assistantsync.json_value import JsonObject
from assistantsync.kinds.agent import AGENT


def nested(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"k": value}
    return value


def agent(text_levels: int) -> JsonObject:
    definition = {"kind": "prompt", "model": "m", "text": nested(text_levels)}
    latest = {"object": "agent.version", "name": "bot", "version": "1", "metadata": {}, "definition": definition}
    return {"object": "agent", "id": "bot", "name": "bot", "versions": {"latest": latest}}


def test_a_definition_as_deep_as_a_file_allows_is_read() -> None:
    # A file holds `definition: {text: ...}` two levels below its document: text may nest 62 more levels there.
    check_depth({"data": [agent(MAX_DEPTH - 2)], "has_more": False}, AGENT.from_wire)
    check_depth(agent(MAX_DEPTH - 2), AGENT.from_wire)


def test_without_the_view_the_same_agent_is_too_deep() -> None:
    with pytest.raises(TooDeep):
        check_depth(agent(MAX_DEPTH - 2))


@pytest.mark.parametrize("page", [True, False], ids=["list", "object"])
def test_a_deeper_definition_is_named_by_the_field_its_file_would_hold(page: bool) -> None:
    body = {"data": [agent(MAX_DEPTH)], "has_more": False} if page else agent(MAX_DEPTH)
    with pytest.raises(TooDeep, match=r"\(id 'bot'\) nests deeper than 64 levels at `definition.text`"):
        check_depth(body, AGENT.from_wire)


def test_what_the_view_leaves_out_is_still_bounded() -> None:
    deep = agent(1)
    deep["versions"]["latest"]["blueprint"] = nested(MAX_DEPTH + 4)
    with pytest.raises(TooDeep, match="at `versions`"):
        check_depth(deep, AGENT.from_wire)
