"""Which unchanged keys an update's diff shows as context: those the file declares.

A live object carries what the server filled in (a file_search tool's `ranking_options`), and the canonical form
fills the same defaults into the file's value so that they compare equal. Shown as context they read as if the
file had set them; a reviewer needs the file's keys around a change, and any key that changes, declared or not.
"""

from __future__ import annotations

from typing import Any


def without_unset_context(before: Any, after: Any, declared: Any) -> tuple[Any, Any, bool]:
    """`before` and `after` without the keys, at any depth, that both hold unchanged and that `declared` (the
    file's value as written) lacks; and whether any was left out. Where `declared` is not a map or list of the
    same shape (unknown, or a saved plan's field without it), everything stays."""
    if isinstance(before, dict) and isinstance(after, dict) and isinstance(declared, dict):
        hidden = {key for key in before if key in after and key not in declared and before[key] == after[key]}
        old = {key: value for key, value in before.items() if key not in hidden}
        new = {key: value for key, value in after.items() if key not in hidden}
        inner = False
        for key in [key for key in new if key in old and key in declared]:
            old[key], new[key], left_out = without_unset_context(old[key], new[key], declared[key])
            inner = inner or left_out
        return old, new, bool(hidden) or inner
    if isinstance(before, list) and isinstance(after, list) and isinstance(declared, list):
        old_items, new_items, any_hidden = list(before), list(after), False
        for index in range(min(len(before), len(after), len(declared))):
            old_items[index], new_items[index], inner = without_unset_context(before[index], after[index],
                                                                              declared[index])
            any_hidden = any_hidden or inner
        return old_items, new_items, any_hidden
    return before, after, False
