"""A forger's tools for saved plans: edit the JSON, then seal it again, as anyone can (its digest has no secret).

Written from the README's description of the digest, not with the package's own function: the attacks must
run unchanged against a version of the tool that never checked one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

Document = dict[str, Any]


def sealed(document: Document) -> Document:
    """`document` with `digest` recomputed over the rest of it."""
    rest = {name: value for name, value in document.items() if name != "digest"}
    canonical = json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return {**document, "digest": "sha256:" + hashlib.sha256(canonical.encode("ascii")).hexdigest()}


def forged(text: str, edit: Callable[[Document], None], *, seal: bool = True) -> str:
    """A saved plan's text after `edit` changed its document in place (and, unless `seal` is false, resealed)."""
    document = json.loads(text)
    edit(document)
    return json.dumps(sealed(document) if seal else document, indent=2)


def change_of(document: Document, key: str) -> Document:
    """The one change of `key` in a plan document."""
    (found,) = (change for change in document["changes"] if change["key"] == key)
    assert isinstance(found, dict)
    return found
