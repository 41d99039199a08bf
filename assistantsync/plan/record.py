"""The tool's record of what it last applied, kept in the assistant's reserved metadata.

One short string (well under the API's 512-character value limit): a format marker and, per
managed field, a truncated SHA-256 of the field's canonical value. From it the plan tells
"changed in git" from "changed outside git" (three-way drift), and knows what it last sent for
write-only fields such as `reasoning_effort` without ever storing the value itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from assistantsync.kinds.assistant.normalise import API_FIELDS

_VERSION = "v1"
# Short codes keep the record compact; every API field has one.
FIELD_CODES = {
    "model": "m", "name": "n", "description": "d", "instructions": "i", "tools": "t",
    "tool_resources": "r", "metadata": "md", "temperature": "te", "top_p": "tp",
    "response_format": "rf", "reasoning_effort": "re",
}
_FIELDS_BY_CODE = {code: field for field, code in FIELD_CODES.items()}
assert set(FIELD_CODES) == set(API_FIELDS)


# json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False), without building an encoder
# on every call: the plan serialises some thirty values per assistant.
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: equal values give equal text."""
    return _ENCODE(value)


def digest(value: Any) -> str:
    """An 11-character digest of a canonical value (64 bits: collisions are not a practical concern)."""
    return digest_text(canonical_json(value))


def digest_text(canonical: str) -> str:
    """`digest` of a value whose canonical_json is `canonical` (to digest a text already serialised)."""
    raw = hashlib.sha256(canonical.encode()).digest()[:8]
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def digests(item: Mapping[str, Any], names: Iterable[str]) -> tuple[str, dict[str, str]]:
    """The digest of a whole JSON object and of its members `names` (those it has), each member serialised
    once: canonical_json of a mapping with string keys is exactly its members' texts, joined in key order."""
    if not all(isinstance(name, str) for name in item):
        return digest(item), {name: digest(item[name]) for name in names if name in item}
    texts = {name: canonical_json(value) for name, value in item.items()}
    whole = "{" + ",".join(f"{canonical_json(name)}:{texts[name]}" for name in sorted(texts)) + "}"
    return digest_text(whole), {name: digest_text(texts[name]) for name in names if name in item}


def encode_record(digests: Mapping[str, str]) -> str:
    """`v1 m=…;t=…` with fields in a fixed order."""
    parts = [f"{FIELD_CODES[field]}={digests[field]}" for field in API_FIELDS if field in digests]
    return f"{_VERSION} {';'.join(parts)}"


def decode_record(text: object) -> dict[str, str] | None:
    """Field -> digest, or None when there is no record or it is not one this version wrote."""
    if not isinstance(text, str) or not text.startswith(f"{_VERSION} "):
        return None
    digests: dict[str, str] = {}
    body = text[len(_VERSION) + 1:]
    for part in body.split(";") if body else []:
        code, _, value = part.partition("=")
        if code not in _FIELDS_BY_CODE or not value:
            return None
        digests[_FIELDS_BY_CODE[code]] = value
    return digests
