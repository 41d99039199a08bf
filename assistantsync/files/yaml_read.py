"""The one YAML loader: safe, strict where PyYAML is lenient, and aware of where each value was written.

Positions rule: a mapping entry is located at its key (what an editor should underline, and on the
same line as a scalar value), a list item at the item, the document itself at its start.

Three readers, fastest first, each giving up to the next (the results are the same; only speed differs):
1. yaml_fast: a plain file composed straight from libyaml's events (nearly every file);
2. yaml_compose.FastLoader: libyaml's events through the full composer and its checks (files with
   anchors, aliases, duplicate keys... or any problem to report);
3. yaml_compose.Loader: PyYAML's pure-Python parser, for text libyaml reads differently (tags among it),
   a syntax error (libyaml words those its own way; PyYAML's words are the ones the tool has always
   shown), or when libyaml is not installed.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from assistantsync.errors import Location, Problem, ValidationFailed
from assistantsync.files import yaml_compose
from assistantsync.files.yaml_checks import text_problem
from assistantsync.files.yaml_compose import Loader, Refused
from assistantsync.files.yaml_fast import Limits, Positions, libyaml_may_differ, plain_documents, scalar_resolver
from assistantsync.json_value import JsonObject, JsonPath

LIBYAML = yaml_compose.LIBYAML  # libyaml's C parser is installed (PyYAML's wheels include it)
if LIBYAML:
    from yaml._yaml import CParser

MAX_DEPTH = 64  # nesting levels, aliases expanded; keeps every later recursive walk far from the stack limit
MAX_ALIAS_NODES = 10_000  # nodes that aliases may add to one document: billion laughs stops a few levels in
# Per file. Pure-Python YAML reads some 40,000 values a second: these bound a hostile file to about a second
# (libyaml reads them ten times as fast, but a file it cannot parse is read again in pure Python).
MAX_DOCUMENTS = 1_000
MAX_VALUES = 50_000
_RESOLVE = scalar_resolver(Loader.yaml_implicit_resolvers)


@dataclass(frozen=True)
class YamlDocument:
    """One YAML document: its data and where each part of it was written."""

    data: JsonObject
    start: Location
    positions: Positions

    def locate(self, path: JsonPath) -> Location:
        """Where `path` was written, else its nearest written ancestor, else the document start."""
        places = self.positions.places
        for end in range(len(path), 0, -1):
            found = places.get(path[:end])
            if found is not None:
                return Location(self.start.path, *found)
        return self.start


def load_yaml(text: str, file: str) -> list[YamlDocument]:
    """Parse every document of one file (named `file` in problems); raise ValidationFailed with all problems."""
    refused = text_problem(text)  # before PyYAML, whose reader would refuse fewer characters, less clearly
    if refused is not None:
        offset, message = refused
        before = text[:offset]  # lines as git counts them: the one place a reviewer could look
        raise ValidationFailed([Problem(Location(file, before.count("\n") + 1, offset - before.rfind("\n")), "",
                                        message)])
    limits = Limits(MAX_DEPTH, MAX_ALIAS_NODES, MAX_DOCUMENTS, MAX_VALUES)  # read at each call: tests lower them
    fast = LIBYAML and not libyaml_may_differ(text)
    if fast:
        plain = plain_documents(CParser(text), file, _RESOLVE, limits)
        if plain is not None:
            return [YamlDocument(*document) for document in plain]
    documents, problems, error = _read(yaml_compose.FastLoader(text, file, limits)) if fast else ([], [], None)
    if not fast or error is not None:  # libyaml words syntax errors its own way: PyYAML's words are the tool's
        loader = Loader(text, file, limits)
        documents, problems, error = _read(loader)
        if isinstance(error, yaml.MarkedYAMLError):
            problems.append(_syntax_problem(error, text, loader))
        elif error is not None:
            raise error
    if not documents and not problems:
        problems.append(Problem(Location(file, 1, 1), "", "no YAML document: the file is empty or only comments"))
    if problems:
        raise ValidationFailed(problems)
    return documents


def _read(loader: Loader) -> tuple[list[YamlDocument], list[Problem], yaml.YAMLError | None]:
    """The documents and problems of a whole file, up to the syntax error that stopped the parser, if any."""
    documents: list[YamlDocument] = []
    problems: list[Problem] = []
    try:
        while loader.check_node():
            document, found = loader.read_document()
            documents.extend([YamlDocument(*document)] if document else [])
            problems.extend(found)
    except Refused as error:
        problems.append(Problem(loader.locate(error.mark), "", error.message))
    except yaml.YAMLError as error:
        return documents, problems, error
    finally:
        loader.dispose()
    return documents, problems, None


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
