"""What the client says when it cannot tell whether a write that makes something new was stored: a create, or a
new version of a resource whose every write makes one. Such a write is never sent blindly again."""

from __future__ import annotations

from assistantsync.kinds.kind import ResourceKind

IN_FLIGHT_NOTES = {True: "the next plan finds it by its key", False: "the next plan shows whether it was"}


def create_not_retried(kind: ResourceKind, version: bool = False) -> str:
    if version:
        return (f"the server may have stored the new {kind.name} version before failing, so it was not sent again "
                "(that could make a second one): run `assistantsync plan` before applying again")
    return (f"the server may have stored the {kind.name} before failing, so the create was not retried (that could "
            f"make a duplicate): list the {kind.plural}, e.g. with `assistantsync plan`, before applying again")


def create_still_running(kind: ResourceKind, version: bool = False) -> str:
    if version:
        return (f"the server may still be storing the new {kind.name} version (it was not there yet when looked up), "
                "so it was not sent again (that could make a second one); the next plan shows whether it was")
    return (f"the server may still be storing the {kind.name} (it was not there yet when looked up by its key), so "
            "the create was not sent again (that could make a duplicate); the next apply finds it by its key")
