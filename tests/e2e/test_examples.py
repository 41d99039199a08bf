from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.paths import REPO as REPO_ROOT

from assistantsync.cli.main import cli
from assistantsync.files.desired import load_desired

REPO = REPO_ROOT
EXAMPLES = Path("examples/assistants")
EXAMPLE_FILES = sorted((REPO / EXAMPLES).glob("*.yaml"))
SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/assistant.schema.json"


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)




@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=[path.stem for path in EXAMPLE_FILES])
def test_example_validates_on_its_own(example: Path) -> None:
    assert load_desired([EXAMPLES / example.name])
    assert example.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE
    assert (REPO / "schemas/assistant.schema.json").is_file()


def test_the_examples_folder_validates_as_a_whole() -> None:
    assistants = load_desired([EXAMPLES])
    assert [a.key for a in assistants] == [
        "hr-helper", "invoice-extractor", "support-analyst", "support-kb", "support-triage", "weather"]
    by_key = {a.key: a for a in assistants}
    assert by_key["hr-helper"].fields["instructions"].startswith("You are an HR bot")
    weather_function = by_key["weather"].fields["tools"][0]["function"]
    assert weather_function["parameters"]["required"] == ["city", "unit"]
    assert "parameters_file" not in weather_function
    assert all(a.id is None for a in assistants)  # the quickstart runs them on an empty sandbox


def test_cli_validates_the_examples_without_the_network(no_network: None) -> None:
    result = CliRunner().invoke(cli, ["validate", str(EXAMPLES)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "6 assistants valid\n", "")
