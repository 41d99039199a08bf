"""The tool's record of what it last applied, kept in the resource's reserved metadata.

One short string (well under the API's 512-character value limit): a format marker and, per
managed field, the kind's short code for it and a truncated SHA-256 of the field's canonical value.
From it the plan tells "changed in git" from "changed outside git" (three-way drift), and knows what
it last sent for write-only fields without ever storing the value itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from assistantsync.key_order import holds_key_ordered, in_canonical_order
from assistantsync.kinds.kind import ResourceKind

_VERSION = "v1"


# json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False), without building an encoder
# on every call: the plan serialises some thirty values per assistant.
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
_ENCODE_IN_ORDER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: equal values give equal text. A KeyOrdered object (key_order.py)
    keeps its order, so that a reorder there changes the text, the digest, and the record."""
    if holds_key_ordered(value):
        return _ENCODE_IN_ORDER(in_canonical_order(value))
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


REVISION_CODE = "git"  # the commit the record was applied from (never a field's code)


def encode_record(kind: ResourceKind, digests: Mapping[str, str], revision: str | None = None) -> str:
    """`v1 m=…;t=…`: each field by its kind's code, in the kind's field order; then `git=<commit>` when the kind
    records the revision and one is given."""
    codes = kind.record_codes
    parts = [f"{codes[field]}={digests[field]}" for field in kind.fields if field in digests]
    if revision and kind.records_revision:
        parts.append(f"{REVISION_CODE}={revision}")
    return f"{_VERSION} {';'.join(parts)}"


def record_revision(text: object) -> str | None:
    """The commit a record names, if any."""
    if not isinstance(text, str) or not text.startswith(f"{_VERSION} "):
        return None
    found = [part[len(REVISION_CODE) + 1:] for part in text[len(_VERSION) + 1:].split(";")
             if part.startswith(f"{REVISION_CODE}=")]
    return found[0] if found else None


def decode_record(kind: ResourceKind, text: object) -> dict[str, str] | None:
    """Field -> digest, or None when there is no record or it is not one this version wrote for this kind."""
    if not isinstance(text, str) or not text.startswith(f"{_VERSION} "):
        return None
    digests: dict[str, str] = {}
    body = text[len(_VERSION) + 1:]
    fields_by_code = kind.fields_by_code
    for part in body.split(";") if body else []:
        code, _, value = part.partition("=")
        if code == REVISION_CODE and kind.records_revision:
            continue
        if code not in fields_by_code or not value:
            return None
        digests[fields_by_code[code]] = value
    return digests
