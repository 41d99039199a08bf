"""The retry policy as tables: which responses are retried, and how long to wait."""

from __future__ import annotations

import email.utils

import pytest

from assistantsync.api.retry import may_have_written, retry_delay, server_delay, should_retry_status

NOW = 1_800_000_000.0


@pytest.mark.parametrize(("status", "headers", "codes", "expected"), [
    (408, {}, (None, None), True),
    (409, {}, (None, None), True),
    (429, {}, ("rate_limit_exceeded", "requests"), True),
    (429, {}, ("insufficient_quota", "insufficient_quota"), False),
    (429, {}, (None, "insufficient_quota"), False),  # some servers put it only in `type`
    (500, {}, (None, None), True),
    (503, {}, (None, None), True),
    (400, {}, (None, None), False),
    (401, {}, (None, None), False),
    (403, {}, (None, None), False),
    (404, {}, (None, None), False),
    (422, {}, (None, None), False),
    (503, {"x-should-retry": "false"}, (None, None), False),
    (400, {"x-should-retry": "true"}, (None, None), True),
    (429, {"x-should-retry": "true"}, ("insufficient_quota", None), True),  # the server knows best
    (503, {"x-should-retry": "maybe"}, (None, None), True),  # unknown verdicts are ignored
])
def test_should_retry_status(status: int, headers: dict[str, str], codes: tuple[str | None, ...],
                             expected: bool) -> None:
    assert should_retry_status(status, headers, codes) is expected


@pytest.mark.parametrize(("status", "expected"), [(408, True), (500, True), (504, True), (409, False),
                                                  (429, False), (400, False)])
def test_may_have_written(status: int, expected: bool) -> None:
    assert may_have_written(status) is expected


@pytest.mark.parametrize(("retry", "jitter", "expected"), [
    (0, 0.0, 0.5), (1, 0.0, 1.0), (2, 0.0, 2.0), (3, 0.0, 4.0), (4, 0.0, 8.0), (9, 0.0, 8.0),  # capped at 8 s
    (0, 0.5, 0.4375), (1, 0.5, 0.875),
])
def test_backoff_doubles_from_half_a_second_with_jitter(retry: int, jitter: float, expected: float) -> None:
    assert retry_delay(retry, {}, jitter=jitter, now=NOW) == expected


@pytest.mark.parametrize("retry", range(6))
def test_jitter_keeps_backoff_between_three_quarters_and_all_of_it(retry: int) -> None:
    full = retry_delay(retry, {}, jitter=0.0, now=NOW)
    assert 0.75 * full < retry_delay(retry, {}, jitter=0.999999, now=NOW) <= full


@pytest.mark.parametrize(("headers", "expected"), [
    ({"retry-after-ms": "250"}, 0.25),
    ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),  # the precise one wins
    ({"x-ms-retry-after-ms": "1500"}, 1.5),
    ({"retry-after": "3"}, 3.0),
    ({"retry-after": "0.5"}, 0.5),
    ({"retry-after": email.utils.formatdate(NOW + 12, usegmt=True)}, 12.0),
    ({"retry-after": email.utils.formatdate(NOW - 12, usegmt=True)}, None),  # already past
    ({"retry-after": "0"}, None),
    ({"retry-after": "-4"}, None),
    ({"retry-after": "soon"}, None),
    ({"retry-after": "nan"}, None),
    ({"retry-after-ms": "oops", "retry-after": "2"}, 2.0),
    ({}, None),
])
def test_server_delay(headers: dict[str, str], expected: float | None) -> None:
    assert server_delay(headers, now=NOW) == expected


@pytest.mark.parametrize(("headers", "expected"), [
    ({"retry-after": "3600"}, 60.0),
    ({"retry-after-ms": "61000"}, 60.0),
    ({"retry-after": "59"}, 59.0),
    ({"retry-after": "0"}, 0.5),  # nothing usable asked for: our own backoff
])
def test_server_delay_is_honoured_up_to_60_seconds(headers: dict[str, str], expected: float) -> None:
    assert retry_delay(0, headers, jitter=0.0, now=NOW) == expected
