"""`import` never writes through a link inside its output folder, end to end on the embedded sandbox: a `prompts`
link to a folder elsewhere stops it before anything is written. The output folder itself may be a link: the user
named it on the command line, so it is their choice (as the folders above it are)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.cli_harness import CLEAN_ENV, Result

from assistantsync.cli.main import cli

LONG = "".join(f"Rule {number}: be brief.\n" for number in range(1, 9))  # more lines than stay inline
SEED = {"bot.yaml": "key: bot\nname: Bot\nmodel: gpt-4o\ninstructions: |\n" + "".join(
            f"  {line}\n" for line in LONG.splitlines()),
        "triage.yaml": "kind: agent\nname: triage\ndefinition:\n  kind: prompt\n  model: gpt-4.1\n  instructions: |\n"
                       + "".join(f"    {line}\n" for line in LONG.splitlines())}
# kind -> the files import writes
WRITES = {"assistant": ["bot.yaml", "prompts/bot.md", "schemas/assistant.schema.json"],
          "agent": ["prompts/triage.md", "schemas/agent.schema.json", "triage.yaml"]}


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("seed").mkdir()
    for name, text in SEED.items():
        Path("seed", name).write_text(text, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    assert run(tmp_path / "state.json", "apply", "seed", "--auto-approve").code == 0
    return tmp_path / "state.json"


def run(state: Path, command: str, *args: str) -> Result:
    result = CliRunner().invoke(cli, [command, "--provider", "sandbox", "--sandbox-state", str(state), *args],
                                env=CLEAN_ENV, catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


def files_under(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


@pytest.mark.parametrize("kind", ["assistant", "agent"])
def test_a_prompts_link_stops_the_import_before_it_writes(state: Path, kind: str) -> None:
    Path("out").mkdir()
    Path("out", "prompts").symlink_to(Path("elsewhere").resolve())
    done = run(state, "import", "--kind", kind, "--all", "--out", "out")
    assert done == Result(1, "", f"Error: {Path('out', 'prompts')} is a link inside out, and files are written only "
                                 "inside the folder given, never through a link: replace it with a real folder, or "
                                 "choose another --out. Nothing was written.\n")
    assert files_under(Path("elsewhere")) == [] and sorted(p.name for p in Path("out").iterdir()) == ["prompts"]


@pytest.mark.parametrize("kind", ["assistant", "agent"])
def test_an_output_folder_that_is_a_link_is_the_users_choice_but_not_a_link_inside_it(state: Path, kind: str) -> None:
    Path("out").symlink_to(Path("elsewhere").resolve())
    assert run(state, "import", "--kind", kind, "--all", "--out", "out").code == 0
    assert files_under(Path("elsewhere")) == WRITES[kind]
    (Path("elsewhere") / "prompts").rename("moved")
    Path("elsewhere", "prompts").symlink_to(Path("moved").resolve())
    done = run(state, "import", "--kind", kind, "--all", "--out", "out", "--force")
    assert (done.code, done.err.startswith(f"Error: {Path('out', 'prompts')} is a link inside out,")) == (1, True)
    assert files_under(Path("moved")) == [WRITES[kind][0 if kind == "agent" else 1].removeprefix("prompts/")]
