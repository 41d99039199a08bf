"""Every kind the tool ships, by the name a document's `kind:` and `--kind` give."""

from __future__ import annotations

from collections.abc import Mapping

from assistantsync.kinds.agent import AGENT
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.kinds.kind import ResourceKind

DEFAULT_KIND = ASSISTANT  # a document without `kind:`: every repository from before agents keeps working
KINDS: Mapping[str, ResourceKind] = {kind.name: kind for kind in (ASSISTANT, AGENT)}
