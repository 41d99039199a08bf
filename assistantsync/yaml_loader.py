"""The one YAML loader: safe, strict where PyYAML is lenient, and aware of where each value was written.

Positions rule: a mapping entry is located at its key (what an editor should underline, and on the
same line as a scalar value), a list item at the item, the document itself at its start.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import yaml
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from assistantsync.errors import Location, Problem, ValidationFailed
from assistantsync.jsontypes import JsonObject, JsonPath, format_path
from assistantsync.yaml_checks import MAP, MERGE, NULL, STR, TAG, kind, scalar_problem, tag_problem, text_problem

MAX_DEPTH = 64  # nesting levels, aliases expanded; keeps every later recursive walk far from the stack limit
MAX_ALIAS_NODES = 10_000  # nodes that aliases may add to one document: billion laughs stops a few levels in
# Per file. Pure-Python YAML reads some 40,000 values a second: these bound a hostile file to about a second.
MAX_DOCUMENTS = 1_000
MAX_VALUES = 50_000


@dataclass(frozen=True)
class YamlDocument:
    """One YAML document: its data and where each part of it was written."""

    data: JsonObject
    start: Location
    positions: Mapping[JsonPath, Location]

    def locate(self, path: JsonPath) -> Location:
        """Where `path` was written, else its nearest written ancestor, else the document start."""
        for end in range(len(path), 0, -1):
            found = self.positions.get(path[:end])
            if found is not None:
                return found
        return self.start


class _Refused(Exception):
    """Stops the whole file: what follows the mark cannot be read safely."""

    def __init__(self, message: str, mark: Mark) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """SafeLoader that bounds nesting and alias expansion while composing, and surveys each document."""

    # Dates stay strings so the schema sees what the user wrote; `=` is just a string, as in YAML 1.2.
    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in (TAG + "timestamp", TAG + "value")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, text: str, file: str) -> None:
        super().__init__(text)
        self.file = file
        self.document_start = self.get_mark()
        self._shapes: dict[Node, tuple[int, int]] = {}  # node -> (size with aliases expanded, height)
        self._alias_nodes = 0
        self._depth = 0
        self._documents = self._values = 0  # in the whole file

    def compose_document(self) -> Node | None:
        self.document_start = self._next_mark()
        self._documents += 1
        if self._documents > MAX_DOCUMENTS:
            raise _Refused(f"more than {MAX_DOCUMENTS} documents in one file: split it into several files",
                           self.document_start)
        self._shapes, self._alias_nodes = {}, 0
        return super().compose_document()

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        mark = self._next_mark()
        if self.check_event(yaml.AliasEvent):
            node = super().compose_node(parent, index)
            if node is None or node not in self._shapes:  # its anchor is still open: the data would contain itself
                raise _Refused("an alias may not point into the node that defines its anchor", mark)
            self._alias_nodes += self._shapes[node][0]
            if self._alias_nodes > MAX_ALIAS_NODES:
                raise _Refused(f"aliases expand to more than {MAX_ALIAS_NODES} values; write the values out", mark)
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(f"nested more than {MAX_DEPTH} levels deep", mark)
        self._values += 1
        if self._values > MAX_VALUES:
            raise _Refused(f"more than {MAX_VALUES} values in one file: split it into several files", mark)
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
        if height > MAX_DEPTH:
            raise _Refused(f"nested more than {MAX_DEPTH} levels deep once aliases are expanded", mark)
        self._shapes[node] = (1 + sum(shape[0] for shape in shapes), height)
        return node

    def _next_mark(self) -> Mark:
        mark: Mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]  # untyped in the stubs
        return mark

    def read_document(self) -> tuple[YamlDocument | None, list[Problem]]:
        """Compose the next document, check it, and construct it if it has no problem."""
        node = self.get_node()
        start = self.locate(self.document_start)
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return None, [Problem(start, "", "the document is empty")]
        if not (isinstance(node, MappingNode) and node.tag == MAP):
            return None, [Problem(start, "", f"a document must be a mapping of fields, found {kind(node)}")]
        positions: dict[JsonPath, Location] = {}
        problems: list[Problem] = []
        self._survey(node, (), self.document_start, positions, problems)
        if problems:
            return None, problems
        data: JsonObject = self.construct_document(node)
        return YamlDocument(data, start, positions), []

    def locate(self, mark: Mark) -> Location:
        return Location(self.file, mark.line + 1, mark.column + 1)

    def _survey(self, node: Node, path: JsonPath, mark: Mark,
                positions: dict[JsonPath, Location], problems: list[Problem]) -> None:
        """Record where each value was written; report what JSON cannot hold or YAML would hide."""
        positions.setdefault(path, self.locate(mark))
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
                        positions: dict[JsonPath, Location], problems: list[Problem]) -> None:
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


def _as_written(loader: _Loader, node: ScalarNode) -> str:
    return loader.construct_yaml_str(node)


# An explicit `!!timestamp` and a bare `<<` value are kept as the text the user wrote.
_Loader.add_constructor(TAG + "timestamp", _as_written)
_Loader.add_constructor(MERGE, _as_written)


def load_yaml(text: str, file: str) -> list[YamlDocument]:
    """Parse every document of one file (named `file` in problems); raise ValidationFailed with all problems."""
    refused = text_problem(text)  # before PyYAML, whose reader would refuse fewer characters, less clearly
    if refused is not None:
        offset, message = refused
        before = text[:offset]  # lines as git counts them: the one place a reviewer could look
        raise ValidationFailed([Problem(Location(file, before.count("\n") + 1, offset - before.rfind("\n")), "",
                                        message)])
    loader = _Loader(text, file)
    documents: list[YamlDocument] = []
    problems: list[Problem] = []
    try:
        while loader.check_node():
            document, found = loader.read_document()
            documents.extend([document] if document else [])
            problems.extend(found)
    except _Refused as error:
        problems.append(Problem(loader.locate(error.mark), "", error.message))
    except yaml.MarkedYAMLError as error:
        problems.append(_syntax_problem(error, text, loader))
    finally:
        loader.dispose()
    if not documents and not problems:
        problems.append(Problem(Location(file, 1, 1), "", "no YAML document: the file is empty or only comments"))
    if problems:
        raise ValidationFailed(problems)
    return documents


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, loader: _Loader) -> Problem:
    mark = error.problem_mark or error.context_mark or loader.document_start
    problem = error.problem or error.context or "unreadable"
    if "'\\t'" in problem or "tab character" in problem:
        before_tab = text[mark.index - mark.column: mark.index]
        message = ("a tab is used for indentation; indent with spaces" if not before_tab.strip(" \t")
                   else "a tab separates values here; YAML needs spaces outside quoted strings")
        return Problem(loader.locate(mark), "", message)
    context = ""
    if error.context and error.problem and error.context_mark:
        context = f"{error.context} at line {error.context_mark.line + 1}: "
    return Problem(loader.locate(mark), "", f"not valid YAML: {context}{problem}")
