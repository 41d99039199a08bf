"""Keeping credentials out of every line the tool prints, logs or raises.

Two defences: headers whose *name* says they carry a credential are always shown as `***`, and secret
*values* are scrubbed from any text we build, including text a server echoes back, in these forms:

- as given, in any letter case (`SK-TEST-...`, `sk-test-...`);
- split anywhere inside by whitespace or line breaks (`sk-test-SEC\\nRET`), by zero-width characters, or by
  the escapes `safe_text.shown` and JSON write for them (a literal `\\n`, `\\u200b`): an escaped value is
  still readable as the key;
- with any of its punctuation percent-encoded (`sk%2Dtest`, `user%3Apass`), in any case;
- base64 or URL-safe base64 of the key, alone or inside base64 of longer text, padded or not, line-wrapped
  or not. A key at an offset not a multiple of 3 is encoded with its neighbours' bits at both ends: the
  characters that depend on the key alone are matched, with the one mixed character on each side.

Not covered (no masking can be complete; these leave text we cannot recognise cheaply): hex, rot13, base32,
base64 of a case-changed or split key, a key cut into fragments separated by other characters (quotes,
`+` concatenation, markup), a key escaped with HTML entities or backslashes before its own characters,
hashes, and any value shorter than MIN_SECRET_LENGTH characters.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

MASK = "***"
# Shorter values are placeholders for servers without auth ("x", "none"); masking every "x" in a
# message would garble it without protecting anything. Real keys and tokens are 20+ characters.
MIN_SECRET_LENGTH = 6
_SENSITIVE_NAME = re.compile(r"auth|key|token|secret|config|cookie|passw|signature|credential", re.IGNORECASE)
# A vendor name that merely contains "key": without this, every x-portkey-* header (x-portkey-provider:
# openai) would count as a credential, and a --header's plain value like "openai" would be scrubbed
# from every message as if it were a secret.
_NOT_A_CREDENTIAL_WORD = re.compile(r"portkey", re.IGNORECASE)
_AUTH_SCHEME = re.compile(r"(?:bearer|basic|token|apikey|api-key|key)\s+(\S+)", re.IGNORECASE)
# What may sit between two characters of a key and still leave it readable: whitespace, zero-width
# characters, and those written as escapes. Possessive: a key's own characters never start one, so
# giving any back could not help a match, and would cost time on long runs of whitespace.
_GAP = r"(?:\s|[\u200b-\u200d\u2060\ufeff]|\\(?:[nrtfv]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}))*+"
_BASE64_CHAR = r"[A-Za-z0-9+/\-_]"


def is_sensitive_header(name: str) -> bool:
    """Whether a header's name suggests its value is a credential (Authorization, api-key, x-portkey-config...)."""
    return _SENSITIVE_NAME.search(_NOT_A_CREDENTIAL_WORD.sub("-", name)) is not None


def _with_credential(secret: str) -> set[str]:
    """A secret and, when it is a header value like `Bearer TOKEN`, the token alone: a server that echoes
    what it was sent (`Incorrect API key provided: TOKEN`) quotes the token without its scheme."""
    found = _AUTH_SCHEME.fullmatch(secret.strip())
    return {secret, found.group(1)} if found else {secret}


def _plain_form(secret: str) -> str:
    """The key in any case, gaps allowed between its characters, its punctuation also percent-encoded."""
    atoms = []
    for char in "".join(secret.split()):
        if char.isascii() and char.isalnum():
            atoms.append(char)
        else:
            encoded = "".join(f"%{byte:02X}" for byte in char.encode())
            atoms.append(f"(?:{re.escape(char)}|{encoded})")
    return f"(?i:{_GAP.join(atoms)})"


def _base64_forms(secret: str) -> list[str]:
    """The key's base64 at each of the three offsets it can have inside longer encoded text: the characters
    that depend on the key alone, with the mixed character at each end and any padding. `+/` and `-_` are
    both accepted, so one pattern covers the standard and the URL-safe alphabet."""
    data = secret.encode()
    forms = []
    for shift in range(3):
        encoded = base64.b64encode(bytes(shift) + data).decode()
        first, end = -(-8 * shift // 6), 8 * (shift + len(data)) // 6  # whole characters from the key's bits
        chars = [{"+": "[+-]", "/": "[/_]"}.get(char, char) for char in encoded[first:end]]
        lead = f"{_BASE64_CHAR}?" if shift else ""
        trail = f"{_BASE64_CHAR}?" if 8 * (shift + len(data)) % 6 else ""
        forms.append(f"{lead}{_GAP.join(chars)}{trail}=*")
    return forms


@lru_cache(maxsize=32)
def _pattern(secrets: frozenset[str]) -> re.Pattern[str] | None:
    """One regex for every form of every secret, longest secrets first so none is masked only in part.
    Cached: redact runs on every line the tool prints, with the same few secrets."""
    every = {part.strip() for secret in secrets for part in _with_credential(secret)}
    keys = sorted((key for key in every if len("".join(key.split())) >= MIN_SECRET_LENGTH),
                  key=lambda key: (-len(key), key))
    if not keys:
        return None
    forms = [_plain_form(key) for key in keys] + [form for key in keys for form in _base64_forms(key)]
    return re.compile("|".join(forms))


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every recognisable form of every secret replaced by `***` (see the module docstring)."""
    pattern = _pattern(frozenset(secrets))
    return text if pattern is None else pattern.sub(MASK, text)


def masked_headers(headers: Iterable[tuple[str, str]], secrets: Iterable[str]) -> str:
    """Headers as `name: value; ...` for a log line, with credential-bearing values shown as `***`."""
    secrets = tuple(secrets)
    return "; ".join(
        f"{name}: {MASK if is_sensitive_header(name) else redact(value, secrets)}" for name, value in headers
    )


# Secrets met while running that are not in the environment under a credential-like name: a sensitive
# --header value, an azure-identity token. Kept so the traceback of a crash can be scrubbed of them too.
_seen: set[str] = set()


def remember_secrets(values: Iterable[str]) -> None:
    """Record secret values (ConnectionSettings.secrets) for `known_secrets`."""
    _seen.update(value for value in values if value)


def known_secrets(env: Mapping[str, str]) -> set[str]:
    """Every value to scrub from text nobody wrote for output (a traceback): the remembered secrets, and the
    value of every environment variable whose name says it holds a credential, as set and stripped (the
    providers strip values before use)."""
    found = set(_seen)
    for name, value in env.items():
        if is_sensitive_header(name):
            found.update((value, value.strip()))
    return {value for value in found if value}
