"""The list endpoint: cursor paging over the store, as `GET /assistants` does it (notes §5)."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping

from assistantsync.jsontypes import JsonObject
from assistantsync.sandbox.assistants import Store
from assistantsync.sandbox.protocol import ErrorReply

LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX = 20, 100
_INTEGER = re.compile(r"[+-]?[0-9]+")


def list_assistants(store: Store, query: Mapping[str, str]) -> JsonObject:
    """One page, cursor-paged like the API; an unknown cursor is a 400 (see `_cursor_index`)."""
    limit = _limit(query.get("limit"))
    order = query.get("order", "desc")
    if order not in ("asc", "desc"):
        raise ErrorReply(400, f"Invalid value for 'order': expected 'asc' or 'desc', got '{order}'.",
                         param="order", code="invalid_value")
    records = store.in_creation_order()
    # Oldest first by created_at, ties in creation order; desc is exactly the reverse.
    ranked = [r for _, r in sorted(enumerate(records), key=lambda pair: (pair[1].public["created_at"], pair[0]))]
    if order == "desc":
        ranked.reverse()
    ids = [r.public["id"] for r in ranked]
    start, end = 0, len(ranked)
    if "after" in query:
        start = _cursor_index(ids, query["after"], "after") + 1
    if "before" in query:
        end = _cursor_index(ids, query["before"], "before")
    window = ranked[start:end] if start < end else []
    walking_back = "before" in query and "after" not in query  # `before` pages towards the start
    page = window[-limit:] if walking_back else window[:limit]
    data = [copy.deepcopy(r.public) for r in page]
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": len(window) > limit,
    }


def _cursor_index(ids: list[str], cursor: str, param: str) -> int:
    # Decision: an unknown cursor is an error, not an empty page, so a client paging over a
    # deleted assistant sees the failure instead of silently missing the rest of the list.
    if cursor not in ids:
        raise ErrorReply(400, f"Invalid value for '{param}': no assistant with id '{cursor}'.",
                         param=param, code="invalid_value")
    return ids.index(cursor)


def _limit(raw: str | None) -> int:
    if raw is None:
        return LIST_LIMIT_DEFAULT
    value = raw.strip()
    if not _INTEGER.fullmatch(value):
        raise ErrorReply(400, f"Invalid type for 'limit': expected an integer, but got '{raw}' instead.",
                         param="limit", code="invalid_type")
    limit = int(value) if len(value) <= 6 else LIST_LIMIT_MAX + 1  # int() refuses very long digit strings
    if not 1 <= limit <= LIST_LIMIT_MAX:
        raise ErrorReply(400, f"Invalid 'limit': expected an integer from 1 to {LIST_LIMIT_MAX}, got {value}.",
                         param="limit", code="invalid_value")
    return limit
