"""list_page: a list response's items and next cursor, or an ApiError naming what is wrong with it."""

from __future__ import annotations

import pytest

from assistantsync.api.errors import ApiError
from assistantsync.api.pages import ListPage, list_page, record_ids
from assistantsync.json_value import JsonObject


@pytest.mark.parametrize(("page", "expected"), [
    ({"object": "list", "data": [{"id": "asst_1"}, {"id": "asst_2"}], "first_id": "asst_1", "last_id": "asst_2",
      "has_more": True}, ListPage([{"id": "asst_1"}, {"id": "asst_2"}], "asst_2")),
    ({"data": [{"id": "asst_1"}], "has_more": False}, ListPage([{"id": "asst_1"}], None)),
    # The cursor is the last item's id, whatever `last_id` says.
    ({"data": [{"id": "asst_1"}, {"id": "asst_2"}], "last_id": "asst_1", "has_more": True},
     ListPage([{"id": "asst_1"}, {"id": "asst_2"}], "asst_2")),
    ({"data": [], "first_id": None, "last_id": None, "has_more": False}, ListPage([], None)),
    ({"data": [{"id": "asst_1"}], "has_more": "yes"}, ListPage([{"id": "asst_1"}], None)),  # only true has more
])
def test_a_page_gives_its_items_and_the_next_cursor(page: JsonObject, expected: ListPage) -> None:
    assert list_page(page, "/v1/assistants") == expected


@pytest.mark.parametrize(("page", "message"), [
    ({"has_more": False}, "the list response has no `data` array of objects"),
    ({"data": "nope"}, "the list response has no `data` array of objects"),
    ({"data": [{"id": "asst_1"}, 1]}, "the list response has no `data` array of objects"),
    ({"data": [{"id": "asst_1"}, {"id": ""}]}, "item 1 of the list response has no string `id`"),
    ({"data": [{"id": 7}]}, "item 0 of the list response has no string `id`"),
    ({"data": [], "has_more": True}, "the list response says has_more but its last item has no id"),
])
def test_a_malformed_page_is_an_error_naming_the_list(page: JsonObject, message: str) -> None:
    with pytest.raises(ApiError) as raised:
        list_page(page, "/v1/assistants")
    assert str(raised.value) == f"GET /v1/assistants: {message}"


DUPLICATE = "; the server listed one object twice, so check its paging (`after` cursors) and list again"


@pytest.mark.parametrize(("pages", "message"), [
    ([["asst_1", "asst_1"]], "page 1 of the list holds id 'asst_1', already listed on page 1"),
    ([["asst_1", "asst_2"], ["asst_3", "asst_1"]], "page 2 of the list holds id 'asst_1', already listed on page 1"),
    ([["asst_1"], ["asst_2"], ["asst_3", "asst_2"]], "page 3 of the list holds id 'asst_2', already listed on page 2"),
    # The id came from the server: escaped, so it cannot split the line or drive a terminal.
    ([["a\n::error::x\x1b[2J"], ["a\n::error::x\x1b[2J"]],
     "page 2 of the list holds id 'a\\n::error::x\\x1b[2J', already listed on page 1"),
    ([["asst_\u202e1"], ["asst_\u202e1"]], "page 2 of the list holds id 'asst_\\u202e1', already listed on page 1"),
])
def test_an_id_listed_twice_is_an_error_naming_the_id_and_both_pages(pages: list[list[str]], message: str) -> None:
    first_pages: dict[str, int] = {}
    *earlier, last = [ListPage([{"id": item_id} for item_id in ids], None) for ids in pages]
    for number, page in enumerate(earlier, start=1):
        record_ids(page, number, first_pages, "/v1/assistants")
    with pytest.raises(ApiError) as raised:
        record_ids(last, len(pages), first_pages, "/v1/assistants")
    assert str(raised.value) == f"GET /v1/assistants: {message}{DUPLICATE}"


def test_distinct_ids_are_recorded_with_the_page_that_listed_them() -> None:
    first_pages: dict[str, int] = {}
    record_ids(ListPage([{"id": "asst_1"}, {"id": "asst_2"}], "asst_2"), 1, first_pages, "/v1/assistants")
    record_ids(ListPage([{"id": "asst_3"}], None), 2, first_pages, "/v1/assistants")
    assert first_pages == {"asst_1": 1, "asst_2": 1, "asst_3": 2}
