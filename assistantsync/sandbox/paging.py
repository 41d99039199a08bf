"""The list endpoint: cursor paging over the store, as `GET /assistants` does it (notes §5)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from assistantsync.json_value import JsonObject
from assistantsync.sandbox.protocol import ErrorReply, SandboxResponse, encode_with
from assistantsync.sandbox.records import Ranking, Store, StoredAssistant

LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX = 20, 100
_INTEGER = re.compile(r"[+-]?[0-9]+")


def list_assistants(store: Store, query: Mapping[str, str]) -> SandboxResponse:
    """One page, cursor-paged like the API; an unknown cursor is a 400 (see `_cursor_index`)."""
    limit = list_limit(query.get("limit"))
    order = query.get("order", "desc")
    if order not in ("asc", "desc"):
        raise ErrorReply(400, f"Invalid value for 'order': expected 'asc' or 'desc', got '{order}'.",
                         param="order", code="invalid_value")
    # Oldest first by created_at, ties in creation order; desc is exactly the reverse. Indexes below
    # count in the requested order; the ranking is cached by the store until its next write.
    ranking = store.ranking()
    count = len(ranking.ascending)
    start, end = 0, count
    if "after" in query:
        start = _cursor_index(ranking, query["after"], "after", order) + 1
    if "before" in query:
        end = _cursor_index(ranking, query["before"], "before", order)
    size = max(end - start, 0)
    walking_back = "before" in query and "after" not in query  # `before` pages towards the start
    if walking_back:
        start = max(start, end - limit)
    else:
        end = min(end, start + limit)
    if start >= end:
        page: Sequence[StoredAssistant] = ()
    elif order == "asc":
        page = ranking.ascending[start:end]
    else:
        page = ranking.ascending[count - end:count - start][::-1]
    # The stored dicts themselves, not copies: records are replaced, never mutated (records.py).
    data = [record.public for record in page]
    body: JsonObject = {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": size > limit,
    }
    encoded = encode_with(body, {"data": [record.encoded for record in page]})
    return SandboxResponse(200, body, encoded=encoded)


def _cursor_index(ranking: Ranking, cursor: str, param: str, order: str) -> int:
    # Decision: an unknown cursor is an error, not an empty page, so a client paging over a
    # deleted assistant sees the failure instead of silently missing the rest of the list.
    position = ranking.position.get(cursor)
    if position is None:
        raise ErrorReply(400, f"Invalid value for '{param}': no assistant with id '{cursor}'.",
                         param=param, code="invalid_value")
    return position if order == "asc" else len(ranking.ascending) - 1 - position


def list_limit(raw: str | None, default: int = LIST_LIMIT_DEFAULT, maximum: int = LIST_LIMIT_MAX) -> int:
    """A list's `limit` parameter, as both emulated APIs check it: an integer from 1 to `maximum`."""
    if raw is None:
        return default
    value = raw.strip()
    if not _INTEGER.fullmatch(value):
        raise ErrorReply(400, f"Invalid type for 'limit': expected an integer, but got '{raw}' instead.",
                         param="limit", code="invalid_type")
    limit = int(value) if len(value) <= 6 else maximum + 1  # int() refuses very long digit strings
    if not 1 <= limit <= maximum:
        raise ErrorReply(400, f"Invalid 'limit': expected an integer from 1 to {maximum}, got {value}.",
                         param="limit", code="invalid_value")
    return limit
