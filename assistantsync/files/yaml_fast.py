"""The fast path of the YAML loader: plain documents composed straight from libyaml's events.

Almost every file is a few plain mappings: no anchor, alias, tag, merge key, duplicate key or number
JSON cannot hold. For those, data and positions are built here in one pass over libyaml's events,
iteratively (no recursion, whatever the nesting), with the loader's limits. The moment anything else
appears, `plain_documents` gives up (returns None) and the full loader reads the file from the start:
so this path never words a problem, it only ever produces what the full loader would have produced.

`libyaml_may_differ` finds what libyaml reads differently from PyYAML's pure-Python parser (whose reading
is the tool's): such text is left to PyYAML altogether.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from re import Pattern
from typing import Any, NamedTuple

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from assistantsync.errors import Location
from assistantsync.files.yaml_checks import NULL, STR, TAG
from assistantsync.json_value import JsonObject, JsonPath

# What libyaml reads differently from PyYAML (found by comparing the two on generated text): a tab as a
# separator; a byte-order mark at any line start; tags (libyaml's grammar for handles is looser); a
# comment right after a block scalar's header (`|#`); directives. A `?` inside a plain scalar in a flow
# collection differs too; the composers check for that one, as it needs the parser's context.
# Each pattern runs only when its character occurs: `in` is a C-speed scan, a search here is not.
_TAG = re.compile(r"""(?:^|[\s,\[\]{}?:"'-])!""")
_HEADER_COMMENT = re.compile(r"[|>][-+0-9]*#")
_LINE_STARTS = ("\n", "\u2028", "\u2029")  # YAML's line breaks, less the ones text_problem refuses
_INT, _FLOAT, _BOOL = TAG + "int", TAG + "float", TAG + "bool"
_BOOLS: Mapping[str, bool] = SafeConstructor.bool_values
_NUMBERS = SafeConstructor()  # its int and float readers are PyYAML's own, YAML 1.1 forms included
Resolvers = Mapping[Any, Sequence[tuple[str, Pattern[str]]]]


class Positions(Mapping[JsonPath, Location]):
    """Where each value of a document was written, kept as (line, column) pairs and made into Locations when
    asked for: a Location per value cost a quarter of composing a plain file, and almost none is ever asked for."""

    __slots__ = ("file", "places")

    def __init__(self, file: str, places: dict[JsonPath, tuple[int, int]]) -> None:
        self.file = file
        self.places = places

    def __getitem__(self, path: JsonPath) -> Location:
        line, column = self.places[path]
        return Location(self.file, line, column)

    def __iter__(self) -> Iterator[JsonPath]:
        return iter(self.places)

    def __len__(self) -> int:
        return len(self.places)


Plain = tuple[JsonObject, Location, Positions]  # a document's data, start and positions


class Limits(NamedTuple):
    depth: int  # nesting levels, aliases expanded
    alias_nodes: int  # values aliases may add to one document
    documents: int  # per file
    values: int  # per file


def libyaml_may_differ(text: str) -> bool:
    return ("\t" in text or "\ufeff" in text or ("!" in text and _TAG.search(text) is not None)
            or ("#" in text and _HEADER_COMMENT.search(text) is not None)
            or ("%" in text and (text.startswith("%") or any(f"{brk}%" in text for brk in _LINE_STARTS))))


def flow_question_mark(event: ScalarEvent, flow_level: int) -> bool:
    """A plain scalar holding `?` in a flow collection: PyYAML ends the scalar there, libyaml does not."""
    return bool(flow_level) and not event.style and "?" in event.value


class _GiveUp(Exception):
    """Not a plain document: the full loader reads the file."""


def plain_documents(parser: Any, file: str, resolve: Callable[[str], str], limits: Limits) -> list[Plain] | None:
    """The documents of a file, read by `parser` (a libyaml CParser), or None when any is not plain; `resolve` is
    `scalar_resolver`'s for the loader's resolvers."""
    try:
        get = parser.get_event
        get()  # the stream start
        documents: list[Plain] = []
        values = [0]
        while not isinstance(event := get(), StreamEndEvent):
            if not isinstance(event, DocumentStartEvent) or len(documents) == limits.documents:
                return None
            documents.append(_document(get, file, event.start_mark, resolve, limits, values))
            get()  # the document end
        return documents or None
    except (_GiveUp, yaml.YAMLError):
        return None
    finally:
        parser.dispose()


def scalar_resolver(resolvers: Resolvers) -> Callable[[str], str]:
    """The loader's implicit tag of a plain scalar (as yaml.resolver.BaseResolver.resolve finds it). Built once
    per loader: it runs for every plain scalar, and building it for every file cost 2.6 us a file."""
    wildcard = tuple(resolvers.get(None, ()))
    # Per first character, its patterns then the wildcard ones, joined once: resolve runs for every plain scalar.
    by_first = {first: (*patterns, *wildcard) for first, patterns in resolvers.items() if first is not None}

    def resolve(value: str) -> str:
        for tag, pattern in by_first.get(value[:1], wildcard):
            if pattern.match(value):
                return tag
        return STR

    return resolve


def _document(get: Callable[[], Any], file: str, start: Any, resolve: Callable[[str], str], limits: Limits,
              values: list[int]) -> Plain:
    # The hottest loop of validation: one pass per event, so lookups are hoisted into locals and events are
    # told apart by their exact class (libyaml's parser makes exactly these, never subclasses).
    first = get()
    if not isinstance(first, MappingStartEvent) or first.tag is not None or first.anchor is not None:
        raise _GiveUp
    root: JsonObject = {}
    positions: dict[JsonPath, tuple[int, int]] = {(): (start.line + 1, start.column + 1)}
    # Open collections, innermost last: [container, its path, the key awaiting its value, 1 if flow style,
    # True if a mapping].
    stack: list[list[Any]] = [[root, (), None, int(bool(first.flow_style)), True]]
    flow = stack[0][3]  # open flow collections
    count, most, deepest, intern = values[0] + 1, limits.values, limits.depth, sys.intern
    while stack:
        event = get()
        kind = type(event)
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            flow -= stack.pop()[3]
            continue
        if (kind is not ScalarEvent and kind is not MappingStartEvent and kind is not SequenceStartEvent) \
                or event.anchor is not None or event.tag is not None:
            raise _GiveUp  # anchors, aliases and tags are the full loader's
        count += 1
        if count > most or len(stack) >= deepest:
            raise _GiveUp
        frame = stack[-1]
        container, path, key, _, mapping = frame
        mark = event.start_mark
        if mapping and key is None:  # a key
            if kind is not ScalarEvent:
                raise _GiveUp
            text = event.value
            # flow_question_mark, written out: this runs for every key.
            if (not event.style and (resolve(text) != STR or (flow and "?" in text))) or text in container:
                raise _GiveUp
            frame[2] = key = intern(text)  # the same few field names in every file: stored once
            positions[path + (key,)] = (mark.line + 1, mark.column + 1)
            continue
        if mapping:
            child: JsonPath = path + (key,)
            frame[2] = None
        else:
            child = path + (len(container),)
            positions[child] = (mark.line + 1, mark.column + 1)
        value: Any
        if kind is ScalarEvent:
            value = event.value if event.style else _scalar(event, resolve, flow)  # quoted or block: a string
        else:
            value = {} if kind is MappingStartEvent else []
            stack.append([value, child, None, int(bool(event.flow_style)), kind is MappingStartEvent])
            flow += stack[-1][3]
        if mapping:
            container[key] = value
        else:
            container.append(value)
    values[0] = count
    return root, Location(file, *positions[()]), Positions(file, positions)


def _scalar(event: ScalarEvent, resolve: Callable[[str], str], flow: int) -> object:
    """A plain scalar's value, as SafeConstructor makes it; gives up where the full loader would report a problem.
    (A quoted or block scalar is always a string: the caller takes its value as it is.)"""
    if flow_question_mark(event, flow):
        raise _GiveUp
    tag = resolve(event.value)
    if tag == STR:
        return event.value
    if tag == NULL:
        return None
    if tag == _BOOL:
        return _BOOLS[event.value.lower()]
    try:
        if tag == _INT:
            return _NUMBERS.construct_yaml_int(ScalarNode(tag, event.value))
        if tag == _FLOAT:
            number = _NUMBERS.construct_yaml_float(ScalarNode(tag, event.value))
            if math.isfinite(number):
                return number
    except ValueError:  # `0x_`, or more digits than Python converts
        pass
    raise _GiveUp  # a number JSON cannot hold, or a merge key `<<`
