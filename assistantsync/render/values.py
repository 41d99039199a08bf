"""Values as text a reviewer reads: scalars as JSON, structures as YAML-like lines (never JSON blobs)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from assistantsync.files.yaml_write import dump_yaml


def pretty(value: Any) -> str:
    """Readable text for a value: strings as they are, everything else as indented JSON, keys in their order."""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False)


def scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def is_multiline(value: Any) -> bool:
    return isinstance(value, str) and "\n" in value


def yaml_lines(value: Any) -> list[str]:
    """A value as YAML-like lines (keys in the value's order, the file's in a plan: plan/file_order.py;
    multi-line strings as blocks); a scalar as JSON."""
    if isinstance(value, (dict, list)) and value:
        return dump_yaml(value).splitlines()
    if is_multiline(value):
        return str(value).splitlines()
    return [scalar(value)]


def declared_lines(fields: Sequence[tuple[str, Any]]) -> list[str]:
    """Fields as a YAML-like document, as a create sends them; long text is shown as it is, in a block."""
    lines: list[str] = []
    for name, value in fields:
        if is_multiline(value):
            text = str(value)
            ended = text.endswith("\n")
            lines.append(f"{name}: |{'' if ended else '-'}")
            lines.extend("  " + line if line else "" for line in (text[:-1] if ended else text).split("\n"))
        else:
            lines.extend(yaml_lines({name: value}))
    return lines
