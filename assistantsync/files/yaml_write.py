"""The one YAML writer: output that yaml_loader reads back to exactly the data written.

Block style (`|`) for multi-line strings, so prompts and descriptions diff line by line; no anchors or
aliases; no line wrapping; UTF-8 text as is; lists indented under their key (the house style of
examples/). Strings a block scalar cannot hold exactly fall back to double quotes, which escape
everything: PyYAML itself refuses `|` for a line ending in spaces and for control characters (tabs
included), and we refuse it for NEL (U+0085), which PyYAML would mangle on the way back.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from assistantsync.key_order import KeyOrdered, marked_within

_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_NO_WRAP = 2**31 - 1  # wrapping a long line would only make diffs noisier
_BLOCK_UNSAFE = "\x85"  # PyYAML writes NEL raw inside `|` and single quotes, and reads it back as a space


class FlowList(list[Any]):
    """A list written on one line, `[a, b]`: for short lists of ids."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # a value used twice is written twice: no `&anchor` / `*alias`

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # `key:\n  - item`, not `key:\n- item`


def _represent_str(dumper: _Dumper, text: str) -> ScalarNode:
    if any(char in text for char in _BLOCK_UNSAFE):
        return dumper.represent_scalar(_STR_TAG, text, style='"')
    style = "|" if "\n" in text else None  # the emitter falls back to double quotes where `|` cannot hold it
    return dumper.represent_scalar(_STR_TAG, text, style=style)


def _represent_flow_list(dumper: _Dumper, items: FlowList) -> SequenceNode:
    return dumper.represent_sequence(_SEQ_TAG, items, flow_style=True)


def _represent_key_ordered(dumper: _Dumper, mapping: KeyOrdered) -> MappingNode:
    # Its order is part of its value: kept even where other keys are sorted (a list of pairs is never sorted).
    return dumper.represent_mapping(_MAP_TAG, [(key, marked_within(value)) for key, value in mapping.items()])


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(FlowList, _represent_flow_list)
_Dumper.add_representer(KeyOrdered, _represent_key_ordered)


def dump_yaml(data: Any, *, sort_keys: bool = False) -> str:
    """One YAML document for `data` (JSON-like values; dicts keep their key order unless `sort_keys`), ending
    in a newline. Also what a plan shows of a structure: no alias there either, for a value used twice."""
    text: str = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=sort_keys, default_flow_style=False,
                          width=_NO_WRAP)
    return text
