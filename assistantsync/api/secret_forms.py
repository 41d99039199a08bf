"""The forms of a secret that `redaction.redact` masks: a regex for each, and a quick test that lets nearly
all text skip them.

Masked, for each secret (and the token alone of a `Bearer TOKEN` value):

- as given, with its ASCII letters in any case (`SK-TEST-...`, `sk-test-...`);
- split anywhere inside by whitespace or line breaks (`sk-test-SEC\\nRET`), by zero-width characters, or
  by the escapes `safe_text.shown` and JSON write for them (a literal `\\n`, `\\u200b`, `\\x0b`): an
  escaped value still reads as the key;
- with any of its punctuation percent-encoded (`sk%2Dtest`, `user%3Apass`), in any case;
- base64 or URL-safe base64 of the key, alone or inside base64 of longer text, padded or not, line-wrapped
  or not. A key at an offset not a multiple of 3 shares its first and last base64 characters with its
  neighbours: every character after the first shared one is masked, so the one before the mask keeps at
  most 4 bits of the key's first character (in every key format, a public prefix such as `sk-`).

Not masked (no masking can be complete; these leave text we cannot recognise cheaply): hex, rot13, base32,
base64 of a case-changed or split key, a key cut into fragments separated by other characters (quotes, `+`,
markup), a key escaped with HTML entities or with backslashes before its own characters, hashes, and any
value shorter than MIN_SECRET_LENGTH characters.

Speed: a form's regex costs far more per character than `str.replace`, and is slow to compile, while redact
runs on every printed line and every string of a saved plan. So a quick test runs first, at C speed: with
every gap removed (and case folded, percent-decoded) the text must hold the key, or a base64 form's stable
middle, as a plain substring, or that form cannot be there. Only the forms that pass are compiled (once) and
searched.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ESCAPE_BODY = r"U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[nrtfv]"
_ESCAPES = re.compile(rf"\\(?:{_ESCAPE_BODY})")
# What may sit between two characters of a key and leave it readable. Possessive: no character of a key
# starts one, so giving any back could not help a match, and would cost time on long runs of whitespace.
_GAP = rf"(?:\s|[{_ZERO_WIDTH}]|\\(?:{_ESCAPE_BODY}))*+"
# How many leading characters of a key the quick test's escape removal could take, were the key preceded by
# a literal backslash (`\` + `nkey` loses its `n`); case-insensitive, since a key may appear case-changed.
_ESCAPE_BODY_START = re.compile(_ESCAPE_BODY, re.IGNORECASE)


@dataclass(frozen=True)
class Form:
    """One form of one secret: its regex, and the substring the quick test looks for."""

    source: str
    needle: str  # empty: the quick test cannot rule this form out, so it is always searched
    base64: bool  # the needle is looked for in base64's alphabet, case kept; else case folded, percent-decoded


@dataclass(frozen=True)
class SecretForms:
    """Every masked form of a set of secrets (see the module docstring), longest secret first."""

    forms: tuple[Form, ...]

    def mask(self, text: str, mask: str) -> str:
        for form in self.present(text):
            text = _compiled(form.source).sub(mask, text)
        return text

    def present(self, text: str) -> list[Form]:
        """The forms the quick test cannot rule out of `text`."""
        if "\\" in text:
            text = _ESCAPES.sub("", text)
        compact = _without_whitespace(text)
        if not compact.isascii():  # O(1): CPython records it
            for char in _ZERO_WIDTH:
                compact = compact.replace(char, "")
        folded = compact.casefold()
        if "%" in folded:
            folded = unquote(folded)
        standard = compact.replace("-", "+").replace("_", "/")
        return [form for form in self.forms if form.needle in (standard if form.base64 else folded)]


# What str.split() takes for whitespace among ASCII characters (\x1c-\x1f included).
_ASCII_WHITESPACE = bytes(c for c in range(128) if chr(c).isspace())


def _without_whitespace(text: str) -> str:
    """`text` with every whitespace character removed. The quick test runs on every page a server sends (a
    list page of long prompts is megabytes of words), and for ASCII text deleting bytes is far cheaper than
    splitting into words and joining them."""
    if text.isascii():
        return text.encode("ascii").translate(None, _ASCII_WHITESPACE).decode("ascii")
    return "".join(text.split())


@lru_cache(maxsize=256)
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source)


def secret_forms(keys: list[str]) -> SecretForms:
    """The forms of `keys` (stripped, each long enough to mask)."""
    forms = []
    for key in sorted(keys, key=lambda key: (-len(key), key)):
        # A backslash in a key could be taken for an escape's, a `%` for an encoding's: always searched.
        searched = "\\" in key or "%" in key
        forms.append(Form(_plain_form(key), "" if searched else _needle("".join(key.split()).casefold()), False))
        forms.extend(Form(_base64_form(middle, trail), "" if searched else _needle(middle), True)
                     for middle, trail in _base64_middles(key))
    return SecretForms(tuple(forms))


def _needle(text: str) -> str:
    """`text` less the start an escape could have taken, were `\\` before it in the text."""
    taken = _ESCAPE_BODY_START.match(text)
    return text[taken.end():] if taken else text


def _plain_form(key: str) -> str:
    atoms = []
    for char in "".join(key.split()):
        if char.isascii() and char.isalpha():
            atoms.append(f"[{char.lower()}{char.upper()}]")
        elif char.isascii() and char.isdigit():
            atoms.append(char)
        else:
            encoded = "".join(f"%{_hex_digit(byte >> 4)}{_hex_digit(byte & 15)}" for byte in char.encode())
            atoms.append(f"(?:{re.escape(char)}|{encoded})")
    return _GAP.join(atoms)


def _hex_digit(value: int) -> str:
    return str(value) if value < 10 else f"[{value:x}{value:X}]"


def _base64_middles(key: str) -> list[tuple[str, bool]]:
    """For each offset of the key mod 3 in longer encoded text: the base64 characters that hold its bits
    alone, and whether one more character holds its last bits with its neighbour's."""
    data = key.encode()
    found = []
    for shift in range(3):
        encoded = base64.b64encode(bytes(shift) + data).decode()
        bits = 8 * (shift + len(data))
        found.append((encoded[-(-8 * shift // 6):bits // 6], bits % 6 != 0))
    return found


def _base64_form(middle: str, trail: bool) -> str:
    chars = [{"+": "[+-]", "/": "[/_]"}.get(char, char) for char in middle]
    return _GAP.join(chars) + ("[A-Za-z0-9+/_-]?" if trail else "") + "=*"
