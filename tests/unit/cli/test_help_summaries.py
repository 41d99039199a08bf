"""The top-level help: shown by a bare `assistantsync` as a success, each command's summary whole at any width."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from assistantsync.cli.main import cli

SUMMARIES = {
    "apply": "Make live assistants and agents match the files or a saved plan.",
    "import": "Write live assistants or agents as files, ready to commit.",
    "migrate": "Convert assistant files into agent files (offline).",
    "plan": "Show what apply would change, without changing anything.",
    "sandbox": "A local stand-in API (assistants, agents) for tests and dry runs.",
    "schema": "The JSON Schemas generated from the API's OpenAPI spec.",
    "show": "Render a saved plan offline, e.g. as a pull-request comment.",
    "validate": "Check assistant and agent files offline: YAML, schema, references.",
}


def commands_section(width: int) -> str:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=width)
    assert result.exit_code == 0, result.output
    return result.stdout.split("Commands:\n", 1)[1]


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    script = f"import sys; sys.argv = ['assistantsync', *{args!r}]; from assistantsync.cli.main import entry; entry()"
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)


def test_a_bare_command_prints_the_help_on_stdout_and_exits_0() -> None:
    bare, helped = run([]), run(["--help"])
    assert (bare.returncode, bare.stdout, bare.stderr) == (0, helped.stdout, "")
    assert bare.stdout.startswith("Usage: assistantsync [OPTIONS] COMMAND [ARGS]...\n")


def test_on_an_80_column_terminal_each_summary_is_one_whole_line() -> None:
    # An 80-column terminal leaves click 78 columns.
    assert commands_section(78).splitlines() == [f"  {name:<8}  {text}" for name, text in SUMMARIES.items()]


@pytest.mark.parametrize("width", [40, 60, 200])
def test_at_any_width_each_summary_is_shown_whole_never_cut_with_dots(width: int) -> None:
    section = commands_section(width)
    assert "..." not in section
    # Wrapped on a narrow terminal: the same words in the same order, only the line breaks differ.
    assert "".join(section.split()) == "".join(name + text for name, text in SUMMARIES.items()).replace(" ", "")
