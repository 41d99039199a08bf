"""The quick test never skips a form its regex would find: masking with it equals searching every form."""

from __future__ import annotations

import base64
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistantsync.api.secret_forms import SecretForms, _without_whitespace, secret_forms

KEYS = ["sk-test-SECRET-1234567890abcdef", "tok>>>en???-0123456789", "n0t-a-kEY\\with%backslash"]
FORMS = secret_forms(KEYS)
GAPS = [" ", "\n", "\r\n", "\t", "\u2028", "\u200b", "\ufeff", "\\n", "\\t", "\\x0b", "\\u200b", "\\U0001f600"]
NOISE = ["\\", "%", "%2d", "%2D", "%3E", "=", "-", "_", "+", "/", "u", "x0", "é", "İ", "ſ", "K"]


def every_form_searched(forms: SecretForms, text: str) -> str:
    for form in forms.forms:
        text = re.sub(form.source, "***", text)
    return text


@st.composite
def disguised(draw: st.DrawFn, key: str) -> str:
    """`key` with its letters' case flipped, punctuation percent-encoded and gaps put in, at random."""
    out = []
    for char in key:
        if char.isalpha() and draw(st.booleans()):
            char = char.swapcase()
        elif not char.isalnum() and draw(st.booleans()):
            char = "".join(f"%{byte:02x}" for byte in char.encode())
        out.append(char + "".join(draw(st.lists(st.sampled_from(GAPS), max_size=2))))
    return "".join(out)


def encoded(key: str, prefix: str, urlsafe: bool) -> str:
    data = prefix.encode() + key.encode()
    return (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(data).decode()


piece = st.one_of(
    st.sampled_from(GAPS + NOISE),
    st.text(max_size=4),
    st.sampled_from(KEYS).flatmap(disguised),
    st.builds(encoded, st.sampled_from(KEYS), st.text(max_size=2), st.booleans()),
)


@settings(max_examples=200, deadline=None)
@given(pieces=st.lists(piece, max_size=6))
def test_the_quick_test_skips_only_forms_that_are_not_there(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert FORMS.mask(text, "***") == every_form_searched(FORMS, text)


@pytest.mark.parametrize("text", ["".join(map(chr, range(128))), "a b\x1cc\u00a0d\u2028e f", "ascii only"])
def test_whitespace_is_removed_as_str_split_removes_it(text: str) -> None:
    # The ASCII path deletes bytes; it must take exactly what str.split() does, or the quick test could skip
    # a key split by a character the regex counts as a gap.
    assert _without_whitespace(text) == "".join(text.split())
