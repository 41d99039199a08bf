"""The secret scan of one document: every text that reaches a hosted prompt, checked for credential shapes
(files/secret_scan.py) before any request, with or without a project file.

Scanned: `name`, `description`, metadata values, instructions (inline, or the text of `instructions_file`) and
function tools' descriptions; for an agent, its definition's instructions and tools. A hit in the YAML file is
located at the value's key, and allowed by the marker comment on that line; a hit in a prompt file is located
in the prompt file itself, and allowed only through `allowed` (the project file's list), since a comment there
would be sent too.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Set
from pathlib import Path

from assistantsync.errors import Location, Problem
from assistantsync.files.environment_vars import text_position
from assistantsync.files.references import Resolved, prompt_reference
from assistantsync.files.secret_scan import allowed_by_comment, find_secrets, secret_message
from assistantsync.files.sources import SourceFile, UnreadableFile, read_text
from assistantsync.files.yaml_read import YamlDocument
from assistantsync.json_value import JsonObject, JsonPath, format_path
from assistantsync.kinds.agent.file_format import AGENT_KIND

# (file, line): the file as problems show it or any other path to it (a relative one from the current folder).
AllowedLines = Set[tuple[str, int]]


def secret_problems(document: YamlDocument, resolved: Resolved, source: SourceFile,
                    allowed: AllowedLines = frozenset(), from_vars: Collection[JsonPath] = ()) -> list[Problem]:
    """One problem per credential-shaped string in the document's prompt texts, less the allowed ones. A value
    at a path in `from_vars` holds an environment's variables: the YAML line does not show it, so its comment
    cannot allow it; nor can a line of the YAML file allow a value written elsewhere (an override)."""
    problems: list[Problem] = []
    lines: list[str] | None = None  # the YAML file's lines, read again only when something is found
    for path, value in _inline_texts(document.data):
        for hit in find_secrets(value):
            at = document.locate(path)
            if lines is None:
                lines = _lines(source.path)
            line = lines[at.line - 1] if 0 < at.line <= len(lines) and at.path == document.start.path else ""
            if path in from_vars or not allowed_by_comment(line, value):
                problems.append(Problem(at, format_path(path), secret_message(hit)))
    for path, file in _prompt_files(document, resolved, source):
        text = _member(resolved.data, path)
        if isinstance(text, str):
            problems.extend(Problem(text_position(file, text, hit.start), format_path(path), secret_message(hit))
                            for hit in find_secrets(text))
    return [problem for problem in problems if not _listed(problem.location, allowed)]


def _inline_texts(data: JsonObject) -> Iterator[tuple[JsonPath, str]]:
    """Each string value written in the document that reaches a prompt, with its path."""
    for name in ("name", "description"):
        yield from _text((name,), data.get(name))
    metadata = data.get("metadata")
    if isinstance(metadata, dict):
        for key, value in metadata.items():
            yield from _text(("metadata", key), value)
    part, at = _prompt_part(data)
    yield from _text((*at, "instructions"), part.get("instructions"))
    tools = part.get("tools")
    for index, tool in enumerate(tools if isinstance(tools, list) else []):
        if isinstance(tool, dict):
            function = tool.get("function")
            if isinstance(function, dict):  # an assistant's function tool
                yield from _text((*at, "tools", index, "function", "description"), function.get("description"))
            elif tool.get("type") == "function":  # an agent's, flat
                yield from _text((*at, "tools", index, "description"), tool.get("description"))


def _prompt_part(data: JsonObject) -> tuple[JsonObject, JsonPath]:
    """Where instructions and tools sit: an agent's definition, or the assistant document itself."""
    if data.get("kind") != AGENT_KIND:
        return data, ()
    definition = data.get("definition")
    return (definition if isinstance(definition, dict) else {}), ("definition",)


def _text(path: JsonPath, value: object) -> Iterator[tuple[JsonPath, str]]:
    if isinstance(value, str):
        yield path, value


def _prompt_files(document: YamlDocument, resolved: Resolved, source: SourceFile) -> Iterator[tuple[JsonPath, str]]:
    """The path of each read `instructions_file`'s text in the resolved data, and the file as the user names it."""
    _, at = _prompt_part(document.data)
    reference = (*at, "instructions_file")
    written = prompt_reference(_member(document.data, reference))
    if written is not None and reference in resolved.files:
        yield (*at, "instructions"), os.path.normpath(source.path.parent / written[0])


def _member(data: JsonObject, path: JsonPath) -> object:
    value: object = data
    for part in path:
        value = value.get(part) if isinstance(value, dict) and isinstance(part, str) else None
    return value


def _lines(path: Path) -> list[str]:
    try:
        return read_text(path).split("\n")
    except UnreadableFile:  # it was read a moment ago; gone now, no line can allow anything
        return []


def _listed(location: Location, allowed: AllowedLines) -> bool:
    if not allowed:
        return False
    real = os.path.realpath(location.path)
    return any(line == location.line and os.path.realpath(file) == real for file, line in allowed)
