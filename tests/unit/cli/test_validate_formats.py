"""validate --format github and json: each problem as a GitHub annotation no value can break out of, or as JSON."""

from __future__ import annotations

import json
import os

import click
import pytest
from click.testing import CliRunner

from assistantsync.cli.output import emit_workflow_command
from assistantsync.errors import Location, Problem
from assistantsync.render.problems import github_annotations, problems_json

AT = [("file", "a.yaml"), ("line", "3"), ("col", "1"), ("title", "assistantsync")]


def printed(properties: list[tuple[str, str]], message: str) -> str:
    """What emit_workflow_command prints inside a command (stdout only; nothing goes to stderr)."""
    command = click.command()(lambda: emit_workflow_command("error", properties, message))
    result = CliRunner().invoke(command, [], catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (0, "")
    return result.stdout


@pytest.mark.parametrize(("properties", "message", "line"), [
    (AT, "model: must be a string", "::error file=a.yaml,line=3,col=1,title=assistantsync::model: must be a string"),
    ([("file", "x\n::error::y,z.yaml"), ("title", "t")], "bad\r\n::warning::w 100%0A::warning::v",
     "::error file=x%0A%3A%3Aerror%3A%3Ay%2Cz.yaml,title=t::bad%0D%0A::warning::w 100%250A::warning::v"),
    ([("file", "::add-mask::k"), ("title", "a:b,c%")], "::stop-commands::tok",
     "::error file=%3A%3Aadd-mask%3A%3Ak,title=a%3Ab%2Cc%25::::stop-commands::tok"),
    ([("file", "##[group]x")], "##[error]x \x1b[2J \u2028 \x0b",
     "::error file=##\\[group]x::##\\[error]x \\x1b[2J \\u2028 \\x0b"),
    ([], "no file", "::error::no file"),
], ids=["plain", "newlines-and-percent", "colons-and-commas", "legacy-and-hidden", "no-properties"])
def test_one_line_whatever_the_values_hold(properties: list[tuple[str, str]], message: str, line: str) -> None:
    assert printed(properties, message) == line + "\n"


def test_credentials_are_masked_before_escaping() -> None:
    key = os.environ["OPENAI_API_KEY"]  # a leak-check fake: the test fails if it is printed anywhere
    out = printed([("file", f"{key},x")], f"{key}\n{key}")
    assert out == "::error file=***%2Cx::***%0A***\n"


PROBLEMS = [Problem(Location("a.yaml", 2, 5), "tools[0].type", "must be one of: code_interpreter"),
            Problem(Location("gone"), "", "no such file or folder")]


def test_github_annotations_carry_the_field_and_omit_an_unknown_place() -> None:
    assert github_annotations(PROBLEMS) == [
        ([("file", "a.yaml"), ("line", "2"), ("col", "5"), ("title", "assistantsync")],
         "tools[0].type: must be one of: code_interpreter"),
        ([("file", "gone"), ("title", "assistantsync")], "no such file or folder"),
    ]


def test_problems_json_lists_each_with_null_for_what_is_unknown() -> None:
    assert json.loads(problems_json(PROBLEMS)) == [
        {"file": "a.yaml", "line": 2, "column": 5, "field": "tools[0].type",
         "message": "must be one of: code_interpreter"},
        {"file": "gone", "line": None, "column": None, "field": None, "message": "no such file or folder"},
    ]
    assert problems_json([]) == "[]\n"
