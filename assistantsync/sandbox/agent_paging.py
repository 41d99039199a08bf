"""Cursor paging as the Foundry agents API lists agents and versions (shared/spec/FOUNDRY-AGENTS.md).

The body is `{data, first_id, last_id, has_more}` with no `object` key; `first_id`/`last_id` are plain
strings in the spec, so an empty page leaves them out rather than sending null.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistantsync.json_value import JsonObject
from assistantsync.sandbox.paging import list_limit
from assistantsync.sandbox.protocol import ErrorReply

LIMIT_DEFAULT, LIMIT_MAX = 20, 100
# The default order is [U]; desc matches the Assistants API the same cursor parameters come from.
ORDER_DEFAULT = "desc"


def page(ascending: Sequence[JsonObject], query: Mapping[str, str], noun: str) -> JsonObject:
    """One page of `ascending` (oldest first, each with an `id`), by `limit`, `order`, `after`, `before`."""
    limit = list_limit(query.get("limit"), LIMIT_DEFAULT, LIMIT_MAX)
    order = query.get("order", ORDER_DEFAULT)
    if order not in ("asc", "desc"):
        raise ErrorReply(400, f"Invalid value for 'order': expected 'asc' or 'desc', got '{order}'.",
                         param="order", code="invalid_value")
    ordered = list(ascending) if order == "asc" else list(reversed(ascending))
    ids = [item["id"] for item in ordered]
    start, end = 0, len(ordered)
    if "after" in query:
        start = _cursor(ids, query["after"], "after", noun) + 1
    if "before" in query:
        end = _cursor(ids, query["before"], "before", noun)
    window = ordered[start:end] if start < end else []
    walking_back = "before" in query and "after" not in query  # `before` pages towards the start
    data = window[-limit:] if walking_back else window[:limit]
    body: JsonObject = {"data": data}
    if data:
        body["first_id"], body["last_id"] = data[0]["id"], data[-1]["id"]
    body["has_more"] = len(window) > limit
    return body


def _cursor(ids: list[str], cursor: str, param: str, noun: str) -> int:
    # As the assistant sandbox decides: an unknown cursor is a 400, not an empty page, so a client
    # paging over a deleted object sees the failure instead of silently missing the rest.
    if cursor not in ids:
        raise ErrorReply(400, f"Invalid value for '{param}': no {noun} with id '{cursor}'.",
                         param=param, code="invalid_value")
    return ids.index(cursor)
