"""A response body taken within bounds: its size after decompression as it is read, its nesting once decoded.

Both bounds turn what would otherwise be a crash later (MemoryError, RecursionError in a walk over the
value) into a message at the edge, naming the request and, for nesting, the object and field.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistantsync.api.exchange import Abandoned
from assistantsync.json_value import JsonObject, depth_exceeds
from assistantsync.safe_text import shown

if TYPE_CHECKING:
    import httpx

# The files' own limit (files/yaml_read.MAX_DEPTH): a live value deeper than any file could manage is refused
# here, before the walks that compare and fingerprint it recurse over it.
MAX_DEPTH = 64


class BodyTooLarge(Exception):
    """The body grew past the cap; the rest was neither read nor decompressed."""


class TooDeep(Exception):
    """The decoded body nests deeper than MAX_DEPTH; the message says where."""


def read_capped(response: httpx.Response, limit: int, abandoned: threading.Event) -> bytes:
    """The decompressed body, read chunk by chunk; BodyTooLarge once it grows past `limit` bytes, Abandoned
    as soon as nobody waits for it (a trickling server would otherwise keep the reading thread for ever)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        if abandoned.is_set():
            raise Abandoned
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def decoded(content: bytes) -> Any:
    """json.loads, with nesting deep enough to exhaust its stack as TooDeep; ValueError for what is not JSON."""
    try:
        return json.loads(content)
    except RecursionError:
        raise TooDeep(f"the response nests deeper than {MAX_DEPTH} levels") from None


View = Callable[[JsonObject], JsonObject]  # how a kind reads an object the API returns (ResourceKind.from_wire)


def check_depth(data: JsonObject, view: View | None = None) -> None:
    """Raise TooDeep naming the object (its id) and field where `data` (one object, or a list page whose `data`
    holds them) nests more than MAX_DEPTH levels, each object read through `view` (an agent's version sits
    two levels down on the wire; its fields are where its file has them)."""
    items = data.get("data")
    if not isinstance(items, list):
        _check_read(data, "the response", view)
        return
    for index, item in enumerate(items):
        _check_read(item, f"item {index} of the list", view)
    # The page's other fields, each walked once more; `data` adds two levels above objects checked just now.
    _check_object({name: value for name, value in data.items() if name != "data"}, "the list response",
                  levels=MAX_DEPTH + 2)


# What a view may fold away: the wire object as a whole is still bounded, a little above the view's own bound.
WIRE_SLACK = 4


def _check_read(item: Any, where: str, view: View | None) -> None:
    read = view(item) if view is not None and isinstance(item, dict) else item
    _check_object(read, where)
    if read is not item:  # a kind that reads the object as it is (an assistant) is walked once
        _check_object(item, where, levels=MAX_DEPTH + WIRE_SLACK)


def _check_object(value: Any, where: str, levels: int = MAX_DEPTH) -> None:
    if not depth_exceeds(value, levels):
        return
    if not isinstance(value, dict):
        raise TooDeep(f"{where} nests deeper than {MAX_DEPTH} levels")
    object_id = value.get("id")
    named = f"{where} (id '{shown(object_id)}')" if isinstance(object_id, str) else where
    field = next((name for name, child in value.items() if depth_exceeds(child, levels - 1)), "")
    raise TooDeep(f"{named} nests deeper than {MAX_DEPTH} levels at `{shown(field)}`; files cannot nest that "
                  "deep, so nothing could manage it")
