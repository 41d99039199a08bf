"""`schema path` prints where each kind's installed file schema is, for editors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from assistantsync.cli.main import cli


@pytest.mark.parametrize(("args", "name"), [
    ([], "assistant.schema.json"),
    (["--kind", "assistant"], "assistant.schema.json"),
    (["--kind", "agent"], "agent.schema.json"),
    (["--kind", "project"], "project.schema.json"),
])
def test_schema_path_names_the_file_schema_of_each_kind(args: list[str], name: str) -> None:
    result = CliRunner().invoke(cli, ["schema", "path", *args])
    assert result.exit_code == 0, result.output
    printed = Path(result.output.strip())
    assert printed.name == name
    assert printed.is_file()


def test_schema_path_refuses_an_unknown_kind() -> None:
    result = CliRunner().invoke(cli, ["schema", "path", "--kind", "note"])
    assert result.exit_code == 2  # click's usage error; the entry point maps it to 1 (tests/unit/cli/test_main.py)
    assert "'note' is not one of 'assistant', 'agent', 'project'" in result.output
