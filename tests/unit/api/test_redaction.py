"""redact: every form of a secret the module docstring promises is masked, and nothing else is.

Each case is (text, what redact makes of it). KEY is the issue's key; TOKEN's base64 holds `+` and `/`
(`-` and `_` in the URL-safe alphabet), so both alphabets are exercised.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistantsync.api.redaction import redact, redact_json

KEY = "sk-test-SECRET-1234567890abcdef"
TOKEN = "tok>>>en???-0123456789"
SECRETS = (KEY, f"Bearer {TOKEN}", "x", "none")

MASKED = [
    # in any letter case (as given: tests/e2e/test_secrets.py)
    pytest.param("key SK-TEST-SECRET-1234567890ABCDEF!", "key ***!", id="upper-case"),
    pytest.param("key sk-test-secret-1234567890abcdef!", "key ***!", id="lower-case"),
    pytest.param("Sk-TeSt-SeCrEt-1234567890AbCdEf", "***", id="mixed-case"),
    # split anywhere inside, raw or escaped as safe_text.shown and JSON write it
    pytest.param("key sk-test-SEC\nRET-1234567890abcdef end", "key *** end", id="newline"),
    pytest.param("sk-test-SECRET-12345\r\n    67890abcdef", "***", id="crlf-and-indent"),
    pytest.param("s k - t e s t - S E C R E T - 1 2 3 4 5 6 7 8 9 0 a b c d e f", "***", id="space-between-all"),
    pytest.param("sk-test-\tSECRET-\u20281234567890abcdef", "***", id="tab-and-line-separator"),
    pytest.param("sk-test-SEC\u200bRET-1234567890abc\ufeffdef", "***", id="zero-width"),
    pytest.param('"sk-test-SEC\\nRET-1234567890abcdef"', '"***"', id="escaped-newline"),
    pytest.param("sk-test-SEC\\u200bRET-1234567890\\x0babcdef", "***", id="escaped-hidden-characters"),
    pytest.param("SK-TEST-SEC\nRET-1234567890ABCDEF", "***", id="upper-case-and-split"),
    # percent-encoded punctuation
    pytest.param("?key=sk%2Dtest%2dSECRET-1234567890abcdef&x=1", "?key=***&x=1", id="percent-encoded"),
    pytest.param("?t=tok%3E%3E%3Een%3F%3F%3F-0123456789", "?t=***", id="percent-encoded-token"),
    # base64 alone, inside longer text at each offset mod 3, URL-safe, unpadded, line-wrapped
    pytest.param("c2stdGVzdC1TRUNSRVQtMTIzNDU2Nzg5MGFiY2RlZg==", "***", id="base64"),
    pytest.param("c2stdGVzdC1TRUNSRVQtMTIzNDU2Nzg5MGFiY2RlZg", "***", id="base64-unpadded"),
    pytest.param("c2stdGVzdC1TRUNSRVQtMTIzNDU2Nzg5MGFiY2RlZgo=", "***o=", id="base64-offset-0"),
    pytest.param("YXNrLXRlc3QtU0VDUkVULTEyMzQ1Njc4OTBhYmNkZWYK", "YX***K", id="base64-offset-1"),
    pytest.param("YWJzay10ZXN0LVNFQ1JFVC0xMjM0NTY3ODkwYWJjZGVmCg==", "YWJ***Cg==", id="base64-offset-2"),
    pytest.param("Basic QXV0aG9yaXphdGlvbjogQmVhcmVyIHNrLXRlc3QtU0VDUkVULTEyMzQ1Njc4OTBhYmNkZWYK",
                 "Basic QXV0aG9yaXphdGlvbjogQmVhcmVyIH***K", id="base64-of-a-header-line"),
    pytest.param("eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4\n"
                 "eHh4c2stdGVzdC1TRUNSRVQtMTIzNDU2Nzg5MGFiY2RlZg==\n",
                 "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4\neHh4***\n",
                 id="base64-mime-lines"),
    pytest.param("c2stdGVzdC1TRUNSRVQtMTIz\nNDU2Nzg5MGFiY2RlZg==", "***", id="base64-wrapped-inside"),
    pytest.param("dG9rPj4+ZW4/Pz8tMDEyMzQ1Njc4OQ==", "***", id="base64-with-plus-and-slash"),
    pytest.param("dG9rPj4-ZW4_Pz8tMDEyMzQ1Njc4OQ==", "***", id="urlsafe-base64"),
    pytest.param("YXRvaz4-PmVuPz8_LTAxMjM0NTY3ODk=", "YX***", id="urlsafe-base64-offset-1"),
    pytest.param("YWJ0b2s+Pj5lbj8/Py0wMTIzNDU2Nzg5", "YWJ***", id="base64-offset-2-plus-and-slash"),
    pytest.param("path C:\\" + TOKEN, "path C:\\***", id="after-a-literal-backslash"),
    pytest.param("100%" + KEY + "%", "100%***%", id="between-percent-signs"),
    # several in one text
    pytest.param(f"{KEY} and {TOKEN.upper()} and c2stdGVzdC1TRUNSRVQtMTIzNDU2Nzg5MGFiY2RlZg",
                 "*** and *** and ***", id="several"),
]

UNTOUCHED = [
    pytest.param("x marks the spot; none of these is a key", id="short-placeholder-secrets"),
    pytest.param("a bearer of news, the key to the secret", id="ordinary-words"),
    pytest.param("sk-test-SECRET-123456789 abcdef", id="one-character-missing"),
    pytest.param("sk-test-SECRET-1234567890abcdeg", id="one-character-changed"),
    pytest.param("sk-test-SECRET-1234567890", id="prefix-only"),
    pytest.param("c2stdGVzdC1TRUNSRVQtMTIzNDU2Nzg5MGFi", id="base64-of-a-prefix"),
    pytest.param("C2STDGVZDC1TRUNSRVQTMTIZNDU2NZG5MGFIY2RLZG==", id="base64-case-changed"),
    pytest.param("tok>>>en???_0123456789", id="dash-as-underscore"),
    # documented as not covered
    pytest.param("736b2d746573742d5345435245542d31323334353637383930616263646566", id="hex"),
    pytest.param("fx-grfg-FRPERG-1234567890nopqrs", id="rot13"),
    pytest.param('"sk-test-" + "SECRET-1234567890abcdef"', id="quoted-fragments"),
    pytest.param("sk-test-SECRET-12345<b>67890abcdef", id="markup-inside"),
    pytest.param("sk&#45;test-SECRET-1234567890abcdef", id="html-entity"),
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_every_covered_form_of_a_secret_is_masked(text: str, expected: str) -> None:
    assert redact(text, SECRETS) == expected


@pytest.mark.parametrize("text", UNTOUCHED)
def test_near_misses_and_uncovered_forms_are_left_as_they_are(text: str) -> None:
    assert redact(text, SECRETS) == text


def test_the_longer_of_two_overlapping_secrets_is_masked_whole() -> None:
    assert redact(f"{KEY}-extra and {KEY}", [KEY, f"{KEY}-extra"]) == "*** and ***"


def test_no_secrets_or_only_short_ones_leave_text_alone() -> None:
    assert redact(f"{KEY} x none", []) == f"{KEY} x none"
    assert redact("Bearer x; x; abcde", ["x", "abcde", "  "]) == "Bearer x; x; abcde"


NEAR_MISSES = [
    pytest.param("sk-test-SECRET-1234567890abcde\n", id="key-less-its-last-character"),
    pytest.param("s k - t e s t - S E C R E T - 1 2 3 4 5 6 7 8 9 0 a b c d e ", id="spaced-key-less-one"),
    pytest.param("s" + " " * 997 + "\n", id="a-first-character-then-whitespace"),
    pytest.param("sk-test-SEC\\u200b\\n\\t" * 4 + "\n", id="escapes-after-a-prefix"),
    pytest.param("c2stdGVzdC1TRUNSRVQtMTIzNDU2Nzg5MGFi", id="base64-of-a-prefix"),
    pytest.param("sk%2D" * 50 + "tok>>>en???", id="percent-prefixes"),
]


@pytest.mark.parametrize("unit", NEAR_MISSES)
def test_a_megabyte_of_near_misses_then_a_key_is_masked_without_backtracking_forever(unit: str) -> None:
    """The keys at the end make the plain and base64 searches run over the whole megabyte (text without a
    key skips them): a pattern that backtracked quadratically would not finish."""
    text = unit * (1_000_000 // len(unit))
    keys = f"{KEY} {TOKEN} c2stdGVzdC1TRUNSRVQtMTIzNDU2Nzg5MGFiY2RlZg=="
    assert redact(text + keys, SECRETS) == text + "*** *** ***"


QUOTED = 'pk-"quoted"-0123456789'  # a secret whose JSON text differs from it: `"` is escaped there

LIVE = [
    pytest.param({"name": f"Echo {KEY.upper()}", "metadata": {"note": "ok"}},
                 {"name": "Echo ***", "metadata": {"note": "ok"}}, id="a-name"),
    pytest.param({"description": "split sk-test-SEC\nRET-1234567890abcdef here\nmore"},
                 {"description": "split *** here\nmore"}, id="split-over-lines"),
    pytest.param({"data": [{"tools": [{"x": f"c2stdGVzdC1TRUNSRVQtMTIzNDU2Nzg5MGFiY2RlZg=={TOKEN}"}]}]},
                 {"data": [{"tools": [{"x": "******"}]}]}, id="nested-lists"),
    pytest.param({"metadata": {KEY: 1, "k": [True, None, 2.5]}}, {"metadata": {"***": 1, "k": [True, None, 2.5]}},
                 id="a-key-of-a-map"),
    pytest.param({"note": f"said {QUOTED}"}, {"note": "said ***"}, id="a-quote-in-the-key"),
    pytest.param({"path": f"C:\\{TOKEN}"}, {"path": "C:\\***"}, id="after-a-backslash"),
]


@pytest.mark.parametrize(("value", "expected"), LIVE)
def test_every_string_and_key_of_json_from_a_server_is_masked(value: Any, expected: Any) -> None:
    assert redact_json(value, (*SECRETS, QUOTED)) == expected


def test_json_holding_no_secret_is_returned_as_it_is() -> None:
    value = {"name": "sk-test", "items": [{"id": "asst_1"}], "n": 1}
    assert redact_json(value, SECRETS) is value
