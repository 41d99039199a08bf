"""One page of a list, decoded and checked: its items and the cursor of the next page, if there is one."""

from __future__ import annotations

from dataclasses import dataclass

from assistantsync.api.errors import ApiError
from assistantsync.json_value import JsonObject
from assistantsync.safe_text import shown

# A list that never ends (a fresh cursor on every page, never repeated) is stopped after SLACK_PAGES pages
# plus one for every MIN_PAGE_FILL assistants listed, and after MAX_PAGES in all: a server listing 100 a
# page, or capping pages far below that, stays well within; one adding an id or two a page does not.
SLACK_PAGES = 10
MIN_PAGE_FILL = 10
MAX_PAGES = 1_000  # 100,000 assistants at the API's page size


@dataclass(frozen=True)
class ListPage:
    items: list[JsonObject]
    cursor: str | None  # the last item's id when the server has more; None on the last page


def list_page(page: JsonObject, full_path: str) -> ListPage:
    """The page's items, each an object with a string id, and its cursor; raises ApiError for a malformed page."""
    data = page.get("data")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ApiError("GET", full_path, "the list response has no `data` array of objects")
    # Identity matching indexes assistants by id: one without would otherwise crash it later, unexplained.
    without_id = next((n for n, item in enumerate(data) if not (isinstance(item.get("id"), str) and item["id"])),
                      None)
    if without_id is not None:
        raise ApiError("GET", full_path, f"item {without_id} of the list response has no string `id`")
    has_more = page.get("has_more") is True
    if has_more and not data:  # every item has a string id (checked): only an empty page gives no cursor
        raise ApiError("GET", full_path, "the list response says has_more but its last item has no id")
    return ListPage(data, data[-1]["id"] if has_more else None)


def record_ids(page: ListPage, number: int, first_pages: dict[str, int], full_path: str) -> None:
    """Notes in `first_pages` that page `number` (counted from 1) lists each of its ids; raises ApiError
    naming an id already listed, on this page or an earlier one."""
    for item in page.items:
        item_id: str = item["id"]  # list_page checked every id is a non-empty string
        if item_id in first_pages:
            # Two files could then claim one object, and the last write would win: stop before anything is planned.
            raise ApiError("GET", full_path, f"page {number} of the list holds id '{shown(item_id)}', already "
                           f"listed on page {first_pages[item_id]}; the server listed one object twice, so check "
                           "its paging (`after` cursors) and list again")
        first_pages[item_id] = number


def check_page_count(number: int, ids: int, has_more: bool, full_path: str) -> None:
    """Raise ApiError when page `number` (counted from 1) says there are more, past the bound for `ids` listed."""
    bound = min(MAX_PAGES, SLACK_PAGES + ids // MIN_PAGE_FILL)
    if has_more and number >= bound:
        raise ApiError("GET", full_path, f"stopped paging after {number} pages listing {ids} objects: the server "
                       f"keeps sending a new cursor, and a list this size needs at most {bound} pages (one per "
                       f"{MIN_PAGE_FILL} objects, {SLACK_PAGES} more, {MAX_PAGES} in all); check its paging "
                       "(`after` cursors) and list again")
