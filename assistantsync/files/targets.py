"""`--target KEY`: narrow a run to some of the files' resources, by key (an agent's key is its name)."""

from __future__ import annotations

from collections.abc import Sequence

from assistantsync.errors import AssistantSyncError
from assistantsync.files.desired import DesiredResource
from assistantsync.safe_text import join_words, shown


def targeted(desired: Sequence[DesiredResource], targets: Sequence[str]) -> list[DesiredResource]:
    """The resources whose key is one of `targets` (all of them when none is given); every target must name one.

    A key an assistant and an agent share targets both: each is named by its key alone everywhere in a plan."""
    if not targets:
        return list(desired)
    keys = {want.key for want in desired}
    unknown = sorted({target for target in targets if target not in keys})
    if unknown:
        raise AssistantSyncError(f"--target {join_words([repr(shown(key)) for key in unknown], 'and')}: no file "
                                 "loaded defines that key (an assistant's `key`, or an agent's `name`)")
    wanted = set(targets)
    return [want for want in desired if want.key in wanted]
