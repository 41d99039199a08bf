"""File references in assistant and agent documents: `instructions_file` and a function tool's `parameters_file`.

`instructions_file` is a path, or `{path: ..., vars: true}` to have the selected environment's variables
substituted in the prompt's text (files/environment_vars.py); a prompt file that does not opt in is sent as
written, so a prompt may hold `${{` for reasons of its own. Parameter files are never substituted.

A reference is resolved against its YAML file's folder and must stay inside the root (see config),
judged on real paths, so a pull request cannot make CI read arbitrary files into an assistant.
Problems about a reference are located at its key in the YAML document.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistantsync.errors import Problem
from assistantsync.files.environment_vars import expand_prompt
from assistantsync.files.parameter_files import parse_parameters
from assistantsync.files.sources import SourceFile, UnreadableFile, read_text
from assistantsync.files.yaml_read import YamlDocument
from assistantsync.json_value import JsonObject, JsonPath, format_path
from assistantsync.kinds.agent.file_format import AGENT_KIND
from assistantsync.project.values import Environment

INSTRUCTIONS_MAX_CHARS = 256_000  # the API's maxLength for `instructions`, checked again once the file is read
# What the references of one YAML file may read in all, repeats included: a 100 KB file naming one 1 MiB
# schema in every tool of every document would otherwise make a run read, parse and plan gigabytes.
REFERENCED_MAX_CHARS = 16 * 1024 * 1024
Parse = Callable[[str, str], Any]


@dataclass(frozen=True)
class Resolved:
    """A document's data with each reference replaced by what it points to."""

    data: JsonObject
    problems: tuple[Problem, ...]
    files: Mapping[JsonPath, Path]  # where each reference inside the root points (a real path)
    var_uses: Mapping[JsonPath, tuple[str, ...]] = field(default_factory=dict)  # the variables a prompt used


class Reading:
    """The referenced files of one load: each read and parsed once, however often it is referenced, and at
    most REFERENCED_MAX_CHARS characters read through the references of any one YAML file."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[Path, str, Parse], tuple[int, Any] | UnreadableFile] = {}
        self._spent: dict[Path, int] = {}  # YAML file (real path) -> characters its references have read

    def parsed(self, source: SourceFile, target: Path, reference: str, parse: Parse) -> Any:
        """What `parse` makes of the file `target`; raises UnreadableFile, at most once per YAML file for the limit."""
        key = (target, Path(reference).suffix.lower(), parse)  # the suffix decides how a parameter file is parsed
        if key not in self._parsed:
            try:
                text = read_text(target)
                self._parsed[key] = (len(text), parse(text, reference))
            except UnreadableFile as error:
                self._parsed[key] = error
        found = self._parsed[key]
        if isinstance(found, UnreadableFile):
            raise UnreadableFile(found.reason, found.line, found.column)  # fresh: a raised one keeps its traceback
        size, value = found
        spent = self._spent.get(source.real, 0)
        self._spent[source.real] = spent + size
        if spent + size <= REFERENCED_MAX_CHARS:
            return value
        if spent <= REFERENCED_MAX_CHARS:  # the first reference past the limit is reported; the file is invalid
            raise UnreadableFile(f"is not read: the files that one YAML file references may hold at most "
                                 f"{REFERENCED_MAX_CHARS} characters in all")
        return None


def resolve_references(document: YamlDocument, source: SourceFile, reading: Reading | None = None,
                       environment: Environment | None = None) -> Resolved:
    """Replace `instructions_file` by `instructions` and `parameters_file` by `parameters`, in place of the key;
    with an `environment`, a prompt file that opts in has its variables substituted."""
    resolver = _Resolver(document, source, reading or Reading(), environment)
    data = dict(document.data)
    definition = data.get("definition")
    if data.get("kind") == AGENT_KIND:  # an agent's references sit in its definition only (the schema refuses others)
        if isinstance(definition, dict):
            data["definition"] = _resolved_part(resolver, definition, ("definition",))
    else:
        data = _resolved_part(resolver, data, ())
    return Resolved(data, tuple(resolver.problems), resolver.files, resolver.var_uses)


def prompt_reference(written: object) -> tuple[str, bool] | None:
    """The path an `instructions_file` names and whether its text opts in to variables; None for a malformed
    one, which the schema reports (an object with other members than `path` and `vars`, say)."""
    if isinstance(written, str):
        return written, False
    if isinstance(written, dict) and isinstance(written.get("path"), str) and set(written) <= {"path", "vars"}:
        opted = written.get("vars", False)
        return (written["path"], opted) if isinstance(opted, bool) else None
    return None


def _resolved_part(resolver: _Resolver, data: JsonObject, at: JsonPath) -> JsonObject:
    """`data` (found at `at` in the document) with its instructions_file and its tools' parameters_file read."""
    data = dict(data)
    reference = prompt_reference(data.get("instructions_file"))
    if reference is not None:
        path, opted = reference
        text = resolver.read((*at, "instructions_file"), path, _check_instructions)
        if opted and isinstance(text, str) and resolver.environment is not None:
            text = resolver.substituted(text, (*at, "instructions"), path, resolver.environment)
        data = _renamed(data, "instructions_file", "instructions", text)
    tools = data.get("tools")
    if isinstance(tools, list):
        data["tools"] = [resolver.resolve_tool((*at, "tools", index), tool) for index, tool in enumerate(tools)]
    return data


class _Resolver:
    def __init__(self, document: YamlDocument, source: SourceFile, reading: Reading,
                 environment: Environment | None) -> None:
        self.document, self.source, self.reading, self.environment = document, source, reading, environment
        self.problems: list[Problem] = []
        self.files: dict[JsonPath, Path] = {}
        self.var_uses: dict[JsonPath, tuple[str, ...]] = {}

    def substituted(self, text: str, at: JsonPath, reference: str, environment: Environment) -> str:
        """A prompt's text with its variables substituted; each problem located in the prompt file itself."""
        file = os.path.normpath(self.source.path.parent / reference)  # as the user names it
        value, used, problems = expand_prompt(text, environment, file, format_path(at))
        self.problems.extend(problems)
        if used:
            self.var_uses[at] = used
        if len(value) > INSTRUCTIONS_MAX_CHARS:
            self.problems.append(Problem(self.document.locate((*at[:-1], "instructions_file")), format_path(at),
                                         f"holds {len(value)} characters once its variables are substituted; "
                                         f"instructions may hold at most {INSTRUCTIONS_MAX_CHARS}"))
        return value

    def resolve_tool(self, at: JsonPath, tool: object) -> object:
        """A function tool with its parameters_file read: nested in `function` (an assistant's) or flat (an agent's)."""
        if not isinstance(tool, dict):
            return tool
        function = tool.get("function")
        if isinstance(function, dict):
            reference = function.get("parameters_file")
            if not isinstance(reference, str):
                return tool
            parameters = self.read((*at, "function", "parameters_file"), reference, parse_parameters)
            return {**tool, "function": _renamed(function, "parameters_file", "parameters", parameters)}
        reference = tool.get("parameters_file")
        if tool.get("type") != "function" or not isinstance(reference, str):
            return tool
        return _renamed(tool, "parameters_file", "parameters", self.read((*at, "parameters_file"), reference,
                                                                          parse_parameters))

    def read(self, path: JsonPath, reference: str, parse: Parse) -> Any:
        """The parsed content of the file `reference`, or None after reporting why it cannot be used."""
        if not reference:  # the schema reports an empty path
            return None
        try:
            target = self._target(reference)
            self.files[path] = target
            return self.reading.parsed(self.source, target, reference, parse)
        except UnreadableFile as error:
            self.problems.append(Problem(self.document.locate(path), format_path(path),
                                         f"{reference!r} {error.reason}"))
            return None

    def _target(self, reference: str) -> Path:
        if "\x00" in reference:
            raise UnreadableFile("is not a file path")
        if os.path.isabs(reference):
            raise UnreadableFile("is an absolute path; write it relative to this YAML file")
        folder, root = self.source.path.parent, self.source.root
        target = Path(os.path.realpath(folder / reference))
        if target.is_relative_to(root):
            hidden = _hidden_part(target, root, Path(os.path.realpath(folder)))
            if hidden is not None:  # .git/config may hold CI's token (actions/checkout puts it there); .env, secrets
                raise UnreadableFile(f"leads into the hidden {hidden!r}: file references may not read hidden files "
                                     "or folders")
            return target
        written = Path(os.path.normpath(Path(os.path.realpath(folder), reference)))
        how = "leads" if not written.is_relative_to(root) else "is a symlink to a file"
        raise UnreadableFile(f"{how} outside {self.source.root_label}: "
                             "file references must stay inside the folder being loaded")


def _hidden_part(target: Path, root: Path, folder: Path) -> str | None:
    """The first hidden file or folder on the way from `root` to `target` that the YAML file is not itself in."""
    current = root
    for part in target.relative_to(root).parts:
        current = current / part
        if part.startswith(".") and not folder.is_relative_to(current):
            return part
    return None


def _check_instructions(text: str, reference: str) -> str:
    if len(text) > INSTRUCTIONS_MAX_CHARS:
        raise UnreadableFile(f"holds {len(text)} characters; instructions may hold at most {INSTRUCTIONS_MAX_CHARS}")
    return text


def _renamed(mapping: JsonObject, old: str, new: str, value: object) -> JsonObject:
    """`mapping` with the key `old` replaced by `new` (and its value), in the same place among the keys."""
    return {(new if key == old else key): (value if key == old else item) for key, item in mapping.items()}
