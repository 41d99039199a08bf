"""The pages of one list, decoded and checked one behind the request for the next.

The next page's request needs only the previous page's cursor. A server that ends its list body with
`"last_id": "...", "has_more": true}` (OpenAI's shape, and the sandbox's) gives it away in the last bytes,
so the request can go out first and the page (half a megabyte of JSON, 1-1.5 ms to decode) be decoded while
the answer is awaited. The guess is then checked against the decoded page: where `last_id` is not the last
item's id, the answer to the guessed cursor is thrown away and the right one asked for. A body without that
ending is decoded before the next request, as any list would be.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from assistantsync.api.attempt import JsonBody
from assistantsync.api.errors import ApiError
from assistantsync.json_value import JsonObject

# Anchored at the body's end, after a comma: in valid JSON this can only be the top-level object's last two
# members (a quote inside a string is escaped, and the cursor may hold no escape), the ones json.loads keeps.
_SPACE = rb"[ \t\r\n]*"  # JSON's own whitespace, no other
_TAIL = re.compile(rb',%s"last_id"%s:%s"([^"\\\x00-\x1f]+)"%s,%s"has_more"%s:%s(true|false)%s\}%s\Z'
                   % ((_SPACE,) * 9))
_TAIL_BYTES = 512  # far more than a cursor needs; the search never looks further back


class Tail(NamedTuple):
    cursor: str
    has_more: bool


def list_tail(content: bytes) -> Tail | None:
    """The cursor and `has_more` a list body ends with, or None when it does not end that way."""
    found = _TAIL.search(content, max(0, len(content) - _TAIL_BYTES))
    if found is None:
        return None
    try:
        cursor = found.group(1).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return Tail(cursor, found.group(2) == b"true")


class Pages:
    """Collects the items of a list's pages and hands each page, decoded and checked, to the observers."""

    def __init__(self, full_path: str, observers: Sequence[Callable[[list[JsonObject]], object]]) -> None:
        self.items: list[JsonObject] = []
        self.cursor: str | None = None  # the last settled page's last item id; None once a page has no more
        self._full_path = full_path
        self._observers = observers
        self._pending: JsonBody | None = None

    def add(self, body: JsonBody) -> None:
        """A page received, to settle later."""
        self._pending = body

    def settle(self) -> None:
        """Decode and check the pending page, if any (raises ApiError for a malformed one), and hand it over."""
        if self._pending is None:
            return
        page = self._pending.decode()
        self._pending = None
        data = self._checked(page.get("data"))
        self.items.extend(data)
        has_more = page.get("has_more") is True
        if has_more and not data:  # every item has a string id (checked): only an empty page gives no cursor
            raise ApiError("GET", self._full_path, "the list response says has_more but its last item has no id")
        self.cursor = data[-1]["id"] if has_more else None
        for observer in self._observers:
            observer(data)

    def _checked(self, data: object) -> list[JsonObject]:
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise ApiError("GET", self._full_path, "the list response has no `data` array of objects")
        # Identity matching indexes assistants by id: one without would otherwise crash it later, unexplained.
        without_id = next((n for n, item in enumerate(data) if not (isinstance(item.get("id"), str) and item["id"])),
                          None)
        if without_id is not None:
            raise ApiError("GET", self._full_path, f"item {without_id} of the list response has no string `id`")
        return data
