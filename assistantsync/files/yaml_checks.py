"""What the YAML loader refuses besides syntax: characters YAML would misread, scalars JSON cannot hold,
and explicit tags that do not fit their values. Each check returns a message, or None when all is well.
"""

from __future__ import annotations

import math
import re
from typing import Protocol

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from assistantsync.safe_text import describe

TAG = "tag:yaml.org,2002:"
STR, NULL, MAP, MERGE = TAG + "str", TAG + "null", TAG + "map", TAG + "merge"
_INT, _FLOAT, _BOOL, _SEQ = TAG + "int", TAG + "float", TAG + "bool", TAG + "seq"
# Tags whose values are JSON values; `timestamp` and `merge` are constructed as plain strings by the loader.
JSON_TAGS = frozenset(TAG + name for name in ("null", "bool", "int", "float", "str", "seq", "map",
                                               "timestamp", "merge"))
_NODE_OF_TAG = {_SEQ: SequenceNode, MAP: MappingNode}  # every other JSON tag is a scalar's
_KINDS = {"str": "a string", "int": "a number", "float": "a number", "bool": "a boolean", "null": "null",
          "seq": "a list", "map": "a mapping"}
_NODE_KINDS = {ScalarNode: "a scalar", SequenceNode: "a list", MappingNode: "a mapping"}
_SHOWN_VALUE_CHARS = 40

# PyYAML's own set of printable characters, less NEL (U+0085): YAML 1.1 reads NEL as a line break where
# YAML 1.2 editors and every diff do not. A CR not followed by LF is a line break to YAML and to no diff,
# so a reviewer would read a different document than the tool. Both hide structure: refused.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|\r(?!\n)")
# Printable ASCII, tab and LF: what nearly every file consists of, removed to see at C speed whether anything
# else is left for the (slower) search above.
_PLAIN_ASCII = str.maketrans("", "", "\t\n" + "".join(map(chr, range(0x20, 0x7f))))
_MAX_INT_DIGITS = 4300  # Python refuses to convert longer decimal integers (sys.get_int_max_str_digits)


def text_problem(text: str) -> tuple[int, str] | None:
    """The offset and message of the first character that may not appear raw in a YAML file, if any."""
    if not text.translate(_PLAIN_ASCII):
        return None
    found = _UNPRINTABLE.search(text)
    if found is None:
        return None
    if found.group() == "\r":
        return found.start(), ("a carriage return (CR) without a line feed ends a line here, which diffs do not "
                               "show: use LF or CRLF line endings")
    return found.start(), (f"not valid YAML: the control character {describe(found.group())} is not allowed; "
                           "write it as an escape in a double-quoted string")


def tag_problem(node: Node) -> str | None:
    """Why `node`'s tag cannot be used, if it cannot."""
    if node.tag not in JSON_TAGS:
        return f"the YAML tag {tag_name(node.tag)} is not allowed: use plain JSON-like values"
    expected = _NODE_OF_TAG.get(node.tag, ScalarNode)
    if not isinstance(node, expected):
        return f"the YAML tag {tag_name(node.tag)} cannot mark {_NODE_KINDS.get(type(node), 'this value')}"
    return None


class ScalarReader(Protocol):
    """What scalar_problem needs of a loader: PyYAML's resolver and safe constructor."""

    def resolve(self, kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str: ...
    def construct_yaml_int(self, node: ScalarNode) -> int: ...
    def construct_yaml_float(self, node: ScalarNode) -> float: ...


def scalar_problem(loader: ScalarReader, node: ScalarNode) -> str | None:
    """Why a scalar cannot become a JSON value: an explicit tag it does not fit, a number JSON cannot hold."""
    if node.tag in (_INT, _FLOAT, _BOOL, NULL):
        implicit = loader.resolve(ScalarNode, node.value, (True, False))  # what the value would be without its tag
        if implicit != node.tag and not (node.tag == _FLOAT and implicit == _INT):  # `!!bool maybe`, `!!null x`
            return f"'{_short(node.value)}' is not {tag_name(node.tag)}: remove the tag, or quote a string"
    try:
        if node.tag == _FLOAT and not math.isfinite(loader.construct_yaml_float(node)):
            return "numbers must be finite: JSON has no NaN or infinity"
        if node.tag == _INT:
            loader.construct_yaml_int(node)
    except ValueError:  # `0x_` looks like a number to YAML 1.1 and is none; or more digits than Python converts
        if len(node.value) > _MAX_INT_DIGITS:
            return "the number is too large"
        return f"'{_short(node.value)}' looks like a number but is not one: quote it to keep it as a string"
    try:
        node.value.encode("utf-8")
    except UnicodeEncodeError:
        return "the text holds a lone surrogate escape (\\ud800-\\udfff), which is not valid Unicode"
    return None


def tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix(TAG) if tag.startswith(TAG) else tag


def kind(node: Node) -> str:
    return _KINDS.get(node.tag.removeprefix(TAG), f"a value tagged {tag_name(node.tag)}")


def _short(value: str) -> str:
    return value if len(value) <= _SHOWN_VALUE_CHARS else value[: _SHOWN_VALUE_CHARS - 1] + "…"
