"""The yes/no of validation: is this instance valid under a generated schema? jsonschema-rs decides.

Nearly every instance is valid, and jsonschema-rs decides in compiled code where jsonschema runs Python,
so `validate_instance` asks jsonschema, to word what is wrong, only about an instance this rejects. It is
held to jsonschema's Draft 2020-12 verdict (tests compare the two on generated instances and strings for
every pattern); where it cannot decide, it says no and jsonschema decides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistantsync.json_value import JsonObject

Check = Callable[[Any], bool]


def compile_check(schema: JsonObject) -> Check | None:
    """A function telling whether an instance (JSON data: lists, never tuples) is valid under `schema`; None
    for a schema jsonschema-rs cannot compile, such as a pattern its regex engine cannot read."""
    import jsonschema_rs  # here, not at the top: `--help` and `--version` never load it

    try:  # as jsonschema's Draft202012Validator: `format` only annotates, and no $ref is fetched
        validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=False, offline=True)
    except (jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError):
        return None

    def check(instance: Any) -> bool:
        try:
            return validator.is_valid(instance)
        except ValueError:  # not JSON data (a mapping with a non-string key, bytes): jsonschema decides
            return False

    return check
