"""`${{ vars.NAME }}` in assistant and agent files: each reference replaced by the selected environment's value.

Rules (README, "Environments"):
- Only string values are substituted, never mapping keys: a key names a field, and the schema must see the
  field names as written.
- A string that is exactly one reference (`"${{ vars.max_results }}"`; spaces or tabs inside the braces) takes
  the variable's value with its type: a number stays a number, a boolean a boolean. Inside a longer string the
  value is written as text, as JSON writes it: `20`, `0.1`, `true`, `false`.
- `$${{` is a literal `${{`; any other `${{` that does not open a well-formed `${{ vars.NAME }}` is an error.
  Values are inserted as they are, never scanned again.
- Without an environment nothing is substituted: `${{ ... }}` and `$${{` are plain text, as before projects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from assistantsync.errors import Location, Problem
from assistantsync.json_value import JsonPath
from assistantsync.project.values import Environment, VarValue

# What follows a reference's `${{`: group 1 is the variable's name.
_REST = r"[ \t]*vars\.([A-Za-z_][A-Za-z0-9_]*)[ \t]*\}\}"
# A `$${{` escape, or a `${{` with, when well-formed, the rest of a reference.
_TOKEN = re.compile(r"\$\$\{\{|\$\{\{(?:" + _REST + ")?")
_WHOLE = re.compile(r"\$\{\{" + _REST)
MALFORMED = ("'${{' must open a variable reference written ${{ vars.NAME }} (NAME: letters, digits and '_'); "
             "write $${{ for a literal '${{'")
# A variable's value, or why the name cannot be used (an unknown name, a reference where none is allowed).
Lookup = Callable[[str], "VarValue | Refusal"]


@dataclass(frozen=True)
class Refusal:
    """Why a reference cannot be replaced; the message reads after the field's path."""

    message: str


@dataclass(frozen=True)
class Expanded:
    """One string with its references replaced: the value (typed for a whole-value reference), the variables
    it used, and each problem with its offset in the string (where its `${{` starts)."""

    value: object
    used: tuple[str, ...]
    problems: tuple[tuple[int, str], ...]


def expand(text: str, lookup: Lookup, typed: bool = True) -> Expanded:
    """`text` with each reference replaced through `lookup` and each `$${{` made `${{`; `typed`: a whole-value
    reference takes the variable's type (a YAML value's), else the value is always text (a prompt's)."""
    if "${{" not in text:  # nearly every string: nothing to scan
        return Expanded(text, (), ())
    whole = _WHOLE.fullmatch(text) if typed else None
    if whole is not None:
        found = lookup(whole[1])
        if isinstance(found, Refusal):
            return Expanded(text, (), ((0, found.message),))
        return Expanded(found, (whole[1],), ())
    used: list[str] = []
    problems: list[tuple[int, str]] = []

    def replaced(match: re.Match[str]) -> str:
        if match[0] == "$${{":
            return "${{"
        if match[1] is None:
            problems.append((match.start(), MALFORMED))
            return match[0]
        found = lookup(match[1])
        if isinstance(found, Refusal):
            problems.append((match.start(), found.message))
            return match[0]
        used.append(match[1])
        return as_text(found)

    value = _TOKEN.sub(replaced, text)
    return Expanded(value, tuple(dict.fromkeys(used)), tuple(problems))


def as_text(value: VarValue) -> str:
    """A variable's value inside a longer string: strings as they are, numbers and booleans as JSON writes them."""
    return value if isinstance(value, str) else json.dumps(value)


def environment_lookup(environment: Environment) -> Lookup:
    """Each name's value in `environment`, or an unknown-variable refusal naming it and a close defined name."""

    def lookup(name: str) -> VarValue | Refusal:
        if name in environment.vars:
            return environment.vars[name]
        import difflib  # only for a file with a mistake

        close = difflib.get_close_matches(name, list(environment.vars), n=1, cutoff=0.75)
        guess = f"did you mean '{close[0]}'? " if close else ""
        defined = ", ".join(sorted(environment.vars)) or "none"
        return Refusal(f"unknown variable '{name}' in environment '{environment.name}' ({guess}defined: {defined})")

    return lookup


@dataclass(frozen=True)
class Substituted:
    """A document's data with every string value expanded: where each variable was used, and each problem at
    the path of the string that holds it."""

    data: object
    uses: Mapping[JsonPath, tuple[str, ...]]
    problems: tuple[tuple[JsonPath, str], ...]


def substitute(data: object, lookup: Lookup) -> Substituted:
    """`data` (JSON values) with each string value expanded; mapping keys are left as written."""
    uses: dict[JsonPath, tuple[str, ...]] = {}
    problems: list[tuple[JsonPath, str]] = []

    def walk(value: object, path: JsonPath) -> object:
        if isinstance(value, str):
            expanded = expand(value, lookup)
            if expanded.used:
                uses[path] = expanded.used
            problems.extend((path, message) for _, message in expanded.problems)
            return expanded.value
        if isinstance(value, dict):
            return {key: walk(item, (*path, key)) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item, (*path, index)) for index, item in enumerate(value)]
        return value

    return Substituted(walk(data, ()), uses, tuple(problems))


def expand_prompt(text: str, environment: Environment, file: str, field: str) -> tuple[str, tuple[str, ...],
                                                                                     list[Problem]]:
    """A prompt file's text (named `file`) with `environment`'s variables substituted, always as text; the
    variables used, and each problem located in the prompt file at its `${{`, for `field`."""
    expanded = expand(text, environment_lookup(environment), typed=False)
    problems = [Problem(text_position(file, text, offset), field, message) for offset, message in expanded.problems]
    return str(expanded.value), expanded.used, problems


def from_vars_note(names: Iterable[str], environment: str) -> str:
    """What a problem about a value holding variables adds: the value is written in the project file, not where
    the problem is located."""
    return "".join(f" (from vars.{name} of environment '{environment}')" for name in names)


def text_position(file: str, text: str, offset: int) -> Location:
    """Line and column of an offset in a text file (a prompt); lines end at LF, as git counts them."""
    line_start = text.rfind("\n", 0, offset) + 1
    return Location(file, text.count("\n", 0, offset) + 1, offset - line_start + 1)
