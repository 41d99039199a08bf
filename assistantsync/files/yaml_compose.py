"""Composing YAML nodes, and checking each document before constructing it.

Two composers make the same nodes, marks included. libyaml's (`LibyamlLoader`: yaml.CSafeLoader's own) reads
nearly every file. PyYAML's pure-Python one (`Loader`) bounds nesting, values, aliases and the characters they
expand to while it composes, so it can read any text. libyaml's composer cannot: it recurses in C, and the
libyaml in PyYAML 6's wheels (0.2.5) has no nesting limit (libyaml's 1,000-level one came after that release),
so deep enough nesting crashes the process. yaml_read decides which composer reads a file; both check the
documents with the same `Rules`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

import yaml
from yaml.constructor import SafeConstructor
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from assistantsync.errors import Location, Problem
from assistantsync.files.yaml_checks import MAP, MERGE, NULL, STR, TAG, kind, scalar_problem, tag_problem
from assistantsync.json_value import JsonObject, JsonPath, format_path

LIBYAML = yaml.__with_libyaml__  # libyaml is installed (PyYAML's wheels include it)


class Limits(NamedTuple):
    depth: int  # nesting levels, aliases expanded
    alias_nodes: int  # values aliases may add to one document
    documents: int  # per file
    values: int  # per file
    characters: int  # per file, aliases expanded: strings and keys counted at every use


class Shape(NamedTuple):
    """A composed node as its data will be, aliases expanded."""

    values: int
    characters: int  # of its strings and keys (every scalar, as written)
    height: int  # nesting levels


class Positions(Mapping[JsonPath, Location]):
    """Where each value of a document was written, kept as marks and made into Locations when asked for: almost
    none is ever asked for."""

    __slots__ = ("file", "marks")

    def __init__(self, file: str, marks: dict[JsonPath, Mark]) -> None:
        self.file = file
        self.marks = marks

    def __getitem__(self, path: JsonPath) -> Location:
        mark = self.marks[path]
        return Location(self.file, mark.line + 1, mark.column + 1)

    def __iter__(self) -> Iterator[JsonPath]:
        return iter(self.marks)

    def __len__(self) -> int:
        return len(self.marks)


Plain = tuple[JsonObject, Location, Positions]  # a document's data, start and positions


class Refused(Exception):
    """Stops the whole file: what follows the mark cannot be read safely."""

    def __init__(self, message: str, mark: Mark) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class Rules(SafeConstructor, Resolver):
    """How the tool reads composed nodes: dates and `=` stay strings; each document is surveyed for what JSON
    cannot hold or YAML would hide, and where each value was written, before it is constructed."""

    # Dates stay strings so the schema sees what the user wrote; `=` is just a string, as in YAML 1.2.
    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in (TAG + "timestamp", TAG + "value")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    # An explicit `!!timestamp` and a bare `<<` value are kept as the text the user wrote.
    yaml_constructors = {**SafeConstructor.yaml_constructors, TAG + "timestamp": SafeConstructor.construct_yaml_str,
                         MERGE: SafeConstructor.construct_yaml_str}
    file: str  # named in problems

    def check_document(self, node: Node | None, start: Mark) -> tuple[Plain | None, list[Problem]]:
        """Check one composed document, and construct it if it has no problem."""
        begin = self.locate(start)
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return None, [Problem(begin, "", "the document is empty")]
        if not (isinstance(node, MappingNode) and node.tag == MAP):
            return None, [Problem(begin, "", f"a document must be a mapping of fields, found {kind(node)}")]
        positions: dict[JsonPath, Mark] = {}
        problems: list[Problem] = []
        self._survey(node, (), start, positions, problems)
        if problems:
            return None, problems
        data: JsonObject = self.construct_document(node)
        return (data, begin, Positions(self.file, positions)), []

    def locate(self, mark: Mark) -> Location:
        return Location(self.file, mark.line + 1, mark.column + 1)

    def _survey(self, node: Node, path: JsonPath, mark: Mark, positions: dict[JsonPath, Mark],
                problems: list[Problem]) -> None:
        """Record where each value was written; report what JSON cannot hold or YAML would hide."""
        positions.setdefault(path, mark)
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

    def _survey_mapping(self, node: MappingNode, path: JsonPath, positions: dict[JsonPath, Mark],
                        problems: list[Problem]) -> None:
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


class Loader(Rules, yaml.SafeLoader):
    """PyYAML's pure-Python loader, bounding nesting and alias expansion (values and characters) while it composes."""

    def __init__(self, text: str, file: str, limits: Limits) -> None:
        super().__init__(text)
        self.file, self.limits = file, limits
        self.document_start = self.get_mark()
        self._shapes: dict[Node, Shape] = {}
        self._alias_nodes = 0
        self._depth = 0
        self._documents = self._values = self._characters = 0  # in the whole file

    def read_document(self) -> tuple[Plain | None, list[Problem]]:
        """Compose the next document and check it."""
        node = self.get_node()
        return self.check_document(node, self.document_start)

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
            shape = self._shapes[node]
            self._alias_nodes += shape.values
            if self._alias_nodes > self.limits.alias_nodes:
                raise Refused(f"aliases expand to more than {self.limits.alias_nodes} values; write the values out",
                              mark)
            self._count_characters(shape.characters, mark)
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
        elif isinstance(node, ScalarNode):
            self._count_characters(len(node.value), mark)
        shapes = [self._shapes[child] for child in children]
        height = 1 + max((shape.height for shape in shapes), default=0)
        if height > self.limits.depth:
            raise Refused(f"nested more than {self.limits.depth} levels deep once aliases are expanded", mark)
        characters = len(node.value) if isinstance(node, ScalarNode) else sum(shape.characters for shape in shapes)
        self._shapes[node] = Shape(1 + sum(shape.values for shape in shapes), characters, height)
        return node

    def _count_characters(self, added: int, mark: Mark) -> None:
        # Aliases share one constructed value, but every later step (JSON bodies, digests, the plan) writes each
        # use out: what a value costs there is its characters, which a few aliases of a long string multiply.
        self._characters += added
        if self._characters > self.limits.characters:
            raise Refused(f"the file expands to more than {self.limits.characters} characters through aliases; "
                          "use fewer aliases of long values", mark)

    def _next_mark(self) -> Mark:
        mark: Mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]  # untyped in the stubs
        return mark


if LIBYAML:
    class LibyamlLoader(Rules, yaml.CSafeLoader):
        """libyaml's parser and composer, with the tool's checks: only for text that cannot nest too deep."""

        def __init__(self, text: str, file: str) -> None:
            super().__init__(text)
            self.file = file
