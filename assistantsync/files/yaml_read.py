"""The one YAML loader: safe, strict where PyYAML is lenient, and aware of where each value was written.

Positions rule: a mapping entry is located at its key (what an editor should underline, and on the
same line as a scalar value), a list item at the item, the document itself at its start.

libyaml (yaml.CSafeLoader's parser and composer) reads nearly every file. PyYAML's pure-Python loader reads the
rest, and is the one that words syntax errors and the loader's limits: text libyaml reads differently, text that
might nest too deep for libyaml's composer, any syntax error, anything beyond the limits, and every file when
libyaml is not installed. Both check the composed documents the same way (yaml_compose.Rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml.error import Mark
from yaml.nodes import CollectionNode, Node, ScalarNode, SequenceNode

from assistantsync.errors import Location, Problem, ValidationFailed
from assistantsync.files import yaml_compose
from assistantsync.files.yaml_checks import text_problem
from assistantsync.files.yaml_compose import Limits, Loader, Plain, Positions, Refused
from assistantsync.json_value import JsonObject, JsonPath

LIBYAML = yaml_compose.LIBYAML
MAX_DEPTH = 64  # nesting levels, aliases expanded; keeps every later recursive walk far from the stack limit
MAX_ALIAS_NODES = 10_000  # nodes that aliases may add to one document: billion laughs stops a few levels in
# Per file: these bound what a hostile file costs PyYAML's pure-Python reader, which reads any file libyaml leaves.
MAX_DOCUMENTS = 1_000
MAX_VALUES = 50_000
# Characters, aliases expanded (strings and keys counted at every use). Without aliases a file holds at most
# MAX_FILE_BYTES; the API's largest values are far smaller (instructions: 256,000 characters; metadata: 16 pairs
# of 64 + 512), so 4 Mi leaves room for schemas shared by aliases and stops a long string repeated into gigabytes.
MAX_CHARACTERS = 4 * 1024 * 1024
# libyaml's composer recurses in C, a few hundred bytes of stack a level, and the libyaml in PyYAML 6's wheels
# sets no nesting limit: tens of thousands of levels crash the process. Each level needs one of these characters
# of its own, so text with at most this many of them nests no deeper than a 512 KiB thread stack holds.
_NESTING_CHARACTERS = "[{-:?"
_MAX_LIBYAML_NESTING = 1_000
# What libyaml reads differently from PyYAML (found by comparing the two on generated text): a tab as a
# separator; a byte-order mark at any line start; tags (libyaml's grammar for handles is looser); a
# comment right after a block scalar's header (`|#`); directives. A `?` inside a plain scalar in a flow
# collection differs too: _plain_tree finds that one, as it needs the parser's context.
# Each pattern runs only when its character occurs: `in` is a C-speed scan, a search here is not.
_TAG = re.compile(r"""(?:^|[\s,\[\]{}?:"'-])!""")
_HEADER_COMMENT = re.compile(r"[|>][-+0-9]*#")
_LINE_STARTS = ("\n", "\u2028", "\u2029")  # YAML's line breaks, less the ones text_problem refuses
_DOCUMENT_MARKER = re.compile(r"(?<![^\n\u2028\u2029])---")  # `---` at a line start


@dataclass(frozen=True)
class YamlDocument:
    """One YAML document: its data and where each part of it was written."""

    data: JsonObject
    start: Location
    positions: Positions

    def locate(self, path: JsonPath) -> Location:
        """Where `path` was written, else its nearest written ancestor, else the document start."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.positions.marks:
                return self.positions[path[:end]]
        return self.start


def load_yaml(text: str, file: str) -> list[YamlDocument]:
    """Parse every document of one file (named `file` in problems); raise ValidationFailed with all problems."""
    refused = text_problem(text)  # before PyYAML, whose reader would refuse fewer characters, less clearly
    if refused is not None:
        offset, message = refused
        before = text[:offset]  # lines as git counts them: the one place a reviewer could look
        raise ValidationFailed([Problem(Location(file, before.count("\n") + 1, offset - before.rfind("\n")), "",
                                        message)])
    # The limits are read at each call: tests lower them.
    limits = Limits(MAX_DEPTH, MAX_ALIAS_NODES, MAX_DOCUMENTS, MAX_VALUES, MAX_CHARACTERS)
    read = _read_with_libyaml(text, file, limits) if LIBYAML and not libyaml_may_differ(text) else None
    documents, problems = read if read is not None else _read_with_pyyaml(text, file, limits)
    if not documents and not problems:
        problems.append(Problem(Location(file, 1, 1), "", "no YAML document: the file is empty or only comments"))
    if problems:
        raise ValidationFailed(problems)
    return [YamlDocument(*document) for document in documents]


def libyaml_may_differ(text: str) -> bool:
    return ("\t" in text or "\ufeff" in text or ("!" in text and _TAG.search(text) is not None)
            or ("#" in text and _HEADER_COMMENT.search(text) is not None)
            or ("%" in text and (text.startswith("%") or any(f"{brk}%" in text for brk in _LINE_STARTS))))


def _read_with_libyaml(text: str, file: str, limits: Limits) -> tuple[list[Plain], list[Problem]] | None:
    """The documents and problems of a file, as libyaml reads it; None leaves the file to PyYAML's reader."""
    if sum(map(text.count, _NESTING_CHARACTERS)) > _MAX_LIBYAML_NESTING:
        return None
    loader = yaml_compose.LibyamlLoader(text, file)
    documents: list[Plain] = []
    problems: list[Problem] = []
    try:
        roots: list[Node] = []
        while len(roots) <= limits.documents and loader.check_node() and (root := loader.get_node()):
            roots.append(root)
        if not _plain_tree(roots, limits):
            return None
        for root, start in zip(roots, _document_starts(text, roots), strict=True):
            document, found = loader.check_document(root, start)
            documents.extend([document] if document else [])
            problems.extend(found)
    except yaml.YAMLError:  # syntax: PyYAML's words are the tool's
        return None
    finally:
        loader.dispose()
    return documents, problems


def _plain_tree(roots: list[Node], limits: Limits) -> bool:
    """Whether composed documents are within the limits as trees (no alias: PyYAML's reader bounds those) with no
    plain scalar holding `?` in a flow collection (PyYAML ends the scalar there, libyaml does not)."""
    if len(roots) > limits.documents:
        return False
    characters = 0
    seen: set[int] = set()
    todo: list[tuple[Node, int, bool]] = [(root, 1, False) for root in roots]
    while todo:
        node, depth, flow = todo.pop()
        if depth > limits.depth or id(node) in seen or len(seen) == limits.values:
            return False
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            characters += len(node.value)
            if characters > limits.characters or (flow and not node.style and "?" in node.value):
                return False
        elif isinstance(node, CollectionNode):
            flow = flow or bool(node.flow_style)
            children = node.value if isinstance(node, SequenceNode) else [part for pair in node.value for part in pair]
            todo.extend((child, depth + 1, flow) for child in children)
    return True


def _document_starts(text: str, roots: list[Node]) -> list[Mark]:
    """Where each document starts, as PyYAML's parser marks it: at its `---`, else at its first value. libyaml's
    composer keeps only the values' marks: a `---` is the one at a line start between the previous document's
    end and the first value (only comments and blank lines may lie there)."""
    starts: list[Mark] = []
    end = counted = line = 0  # `line`: the line of offset `counted`
    for root in roots:
        marker = _DOCUMENT_MARKER.search(text, end, root.start_mark.index)
        if marker is None:
            starts.append(root.start_mark)
        else:  # lines counted from the last `---`: a value's mark at the very end of the text is libyaml's own
            lines = text[counted:marker.start()]
            line, counted = line + sum(map(lines.count, _LINE_STARTS)), marker.start()
            starts.append(Mark(root.start_mark.name, counted, line, 0, None, 0))
        end = root.end_mark.index
    return starts


def _read_with_pyyaml(text: str, file: str, limits: Limits) -> tuple[list[Plain], list[Problem]]:
    """The documents and problems of a file, up to the syntax error or limit that stopped the reader, if any."""
    loader = Loader(text, file, limits)
    documents: list[Plain] = []
    problems: list[Problem] = []
    try:
        while loader.check_node():
            document, found = loader.read_document()
            documents.extend([document] if document else [])
            problems.extend(found)
    except Refused as error:
        problems.append(Problem(loader.locate(error.mark), "", error.message))
    except yaml.MarkedYAMLError as error:
        problems.append(_syntax_problem(error, text, loader))
    finally:
        loader.dispose()
    return documents, problems


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, loader: Loader) -> Problem:
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
