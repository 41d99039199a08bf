"""Composing YAML nodes with the loader's bounds, and checking each document before constructing it.

The same composer runs on the events of either parser: PyYAML's pure-Python one, or libyaml's C one
(`FastLoader`), whose events carry the same marks. libyaml's own composer is never used: it recurses
in C, unbounded, and would crash on deep enough nesting before any check could run.
"""

from __future__ import annotations

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from assistantsync.errors import Location, Problem
from assistantsync.files.yaml_checks import MAP, MERGE, NULL, STR, TAG, kind, scalar_problem, tag_problem
from assistantsync.files.yaml_fast import Limits, Plain, Positions, flow_question_mark
from assistantsync.json_value import JsonObject, JsonPath, format_path

LIBYAML = yaml.__with_libyaml__  # libyaml's C parser is installed (PyYAML's wheels include it)


class Refused(Exception):
    """Stops the whole file: what follows the mark cannot be read safely."""

    def __init__(self, message: str, mark: Mark) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class Differs(yaml.YAMLError):
    """libyaml may read this text differently from PyYAML: PyYAML reads it."""


class Loader(yaml.SafeLoader):
    """SafeLoader that bounds nesting and alias expansion while composing, and surveys each document."""

    # Dates stay strings so the schema sees what the user wrote; `=` is just a string, as in YAML 1.2.
    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in (TAG + "timestamp", TAG + "value")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, text: str, file: str, limits: Limits) -> None:
        super().__init__(text)
        self._begin(file, self.get_mark(), limits)

    def _begin(self, file: str, start: Mark, limits: Limits) -> None:
        self.file, self.limits = file, limits
        self.document_start = start
        self._shapes: dict[Node, tuple[int, int]] = {}  # node -> (size with aliases expanded, height)
        self._alias_nodes = 0
        self._depth = 0
        self._documents = self._values = 0  # in the whole file

    def compose_document(self) -> Node | None:
        self.document_start = self._next_mark()
        self._documents += 1
        if self._documents > self.limits.documents:
            raise Refused(f"more than {self.limits.documents} documents in one file: split it into several files",
                           self.document_start)
        self._shapes, self._alias_nodes = {}, 0
        return super().compose_document()

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        mark = self._next_mark()
        if self.check_event(yaml.AliasEvent):
            node = super().compose_node(parent, index)
            if node is None or node not in self._shapes:  # its anchor is still open: the data would contain itself
                raise Refused("an alias may not point into the node that defines its anchor", mark)
            self._alias_nodes += self._shapes[node][0]
            if self._alias_nodes > self.limits.alias_nodes:
                raise Refused(f"aliases expand to more than {self.limits.alias_nodes} values; write the values out",
                              mark)
            return node
        self._depth += 1
        if self._depth > self.limits.depth:
            raise Refused(f"nested more than {self.limits.depth} levels deep", mark)
        self._values += 1
        if self._values > self.limits.values:
            raise Refused(f"more than {self.limits.values} values in one file: split it into several files", mark)
        node = super().compose_node(parent, index)
        self._depth -= 1
        if node is None:
            return None
        children: list[Node] = []
        if isinstance(node, SequenceNode):
            children = node.value
        elif isinstance(node, MappingNode):
            children = [child for pair in node.value for child in pair]
        shapes = [self._shapes[child] for child in children]
        height = 1 + max((shape[1] for shape in shapes), default=0)
        if height > self.limits.depth:
            raise Refused(f"nested more than {self.limits.depth} levels deep once aliases are expanded", mark)
        self._shapes[node] = (1 + sum(shape[0] for shape in shapes), height)
        return node

    def _next_mark(self) -> Mark:
        mark: Mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]  # untyped in the stubs
        return mark

    def read_document(self) -> tuple[Plain | None, list[Problem]]:
        """Compose the next document, check it, and construct it if it has no problem."""
        node = self.get_node()
        start = self.locate(self.document_start)
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return None, [Problem(start, "", "the document is empty")]
        if not (isinstance(node, MappingNode) and node.tag == MAP):
            return None, [Problem(start, "", f"a document must be a mapping of fields, found {kind(node)}")]
        positions: dict[JsonPath, tuple[int, int]] = {}
        problems: list[Problem] = []
        self._survey(node, (), self.document_start, positions, problems)
        if problems:
            return None, problems
        data: JsonObject = self.construct_document(node)
        return (data, start, Positions(self.file, positions)), []

    def locate(self, mark: Mark) -> Location:
        return Location(self.file, mark.line + 1, mark.column + 1)

    def _survey(self, node: Node, path: JsonPath, mark: Mark,
                positions: dict[JsonPath, tuple[int, int]], problems: list[Problem]) -> None:
        """Record where each value was written; report what JSON cannot hold or YAML would hide."""
        positions.setdefault(path, (mark.line + 1, mark.column + 1))
        message = tag_problem(node)
        if message is None and isinstance(node, ScalarNode):
            message = scalar_problem(self, node)
        elif message is None and isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                self._survey(item, (*path, index), item.start_mark, positions, problems)
        elif message is None and isinstance(node, MappingNode):
            self._survey_mapping(node, path, positions, problems)
        if message:
            problems.append(Problem(self.locate(node.start_mark), format_path(path), message))

    def _survey_mapping(self, node: MappingNode, path: JsonPath,
                        positions: dict[JsonPath, tuple[int, int]], problems: list[Problem]) -> None:
        explicit = [key for key, _ in node.value if key.tag != MERGE]
        self.flatten_mapping(node)  # PyYAML's own `<<` semantics: merged pairs first, so explicit ones win
        first_seen: dict[str, Mark] = {}
        for key in explicit:
            if key.tag == STR and key.value in first_seen:
                line = first_seen[key.value].line + 1
                problems.append(Problem(self.locate(key.start_mark), format_path((*path, key.value)),
                                        f"duplicate key '{key.value}' (first at line {line}): "
                                        "YAML would silently keep only the last one"))
            elif key.tag == STR:
                first_seen[key.value] = key.start_mark
        surveyed: set[str] = set()
        for key, value in reversed(node.value):  # the last pair for a key is the one the data keeps
            if not (isinstance(key, ScalarNode) and key.tag == STR):
                hint = "; quote it" if isinstance(key, ScalarNode) else ""
                problems.append(Problem(self.locate(key.start_mark), format_path(path),
                                        f"mapping keys must be strings, found {kind(key)}{hint}"))
            elif message := scalar_problem(self, key):
                problems.append(Problem(self.locate(key.start_mark), format_path(path), message))
            elif key.value not in surveyed:
                surveyed.add(key.value)
                self._survey(value, (*path, key.value), key.start_mark, positions, problems)


def _as_written(loader: Loader, node: ScalarNode) -> str:
    return loader.construct_yaml_str(node)


# An explicit `!!timestamp` and a bare `<<` value are kept as the text the user wrote.
Loader.add_constructor(TAG + "timestamp", _as_written)
Loader.add_constructor(MERGE, _as_written)


if LIBYAML:
    from yaml._yaml import CParser

    class FastLoader(CParser, Loader):
        """Loader on libyaml's events: CParser parses, and Loader composes and checks, as in pure Python."""

        # CParser's own composer recurses in C, unbounded: compose with Loader's bounded one instead.
        check_node = Composer.check_node
        get_node = Composer.get_node

        def __init__(self, text: str, file: str, limits: Limits) -> None:
            CParser.__init__(self, text)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._begin(file, Mark(file, 0, 0, 0, None, 0), limits)
            self._flow = 0  # open flow collections

        def compose_node(self, parent: Node | None, index: int) -> Node | None:
            event = self.peek_event()
            if isinstance(event, yaml.ScalarEvent) and flow_question_mark(event, self._flow):
                raise Differs
            flow = int(isinstance(event, yaml.CollectionStartEvent) and bool(event.flow_style))
            self._flow += flow
            node = super().compose_node(parent, index)
            self._flow -= flow
            return node
