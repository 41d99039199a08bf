"""`assistantsync migrate` on a corpus that covers every row of the field map (tests/data/migrate-corpus), and on
the repository's examples, through the real CLI: the exact report (text and JSON) and agent files as golden files,
then `validate`, `plan` (one create per agent) and `apply` on the embedded sandbox, and a second `plan` with no
change, so that nothing migrate writes makes a perpetual diff. The refusals each stop it with an exact message.

The agents go where the README's recipe puts them, into `agents/` inside the assistants' folder: references to
prompt and parameter files then stay inside the folder that validate and plan load.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers.paths import EXAMPLES, SCHEMAS, TESTS

from assistantsync.cli.main import cli

CORPUS = TESTS / "data" / "migrate-corpus"
EXPECTED = CORPUS / "expected"
OUT = Path("assistants") / "agents"
SCHEMA_LINE = "# yaml-language-server: $schema=schemas/agent.schema.json"  # the copy migrate keeps in OUT
CORPUS_SUMMARY = f"Migrated 20 assistants into {OUT} (9 report items).\n"
WROTE_COPY = f"Wrote {OUT / 'schemas' / 'agent.schema.json'}, the agent file schema the files point editors at.\n"


def _cli(*arguments: str) -> Result:
    return CliRunner().invoke(cli, list(arguments), env={"NO_COLOR": "1"}, catch_exceptions=False)


def _golden(name: str) -> str:
    return (EXPECTED / name).read_text(encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the corpus's assistants folder, the working folder, so sources read `assistants/...`."""
    shutil.copytree(CORPUS / "assistants", tmp_path / "assistants")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "assistants")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_text_report_is_the_golden_one(corpus: Path) -> None:
    result = _cli("migrate", "assistants", "--out", str(OUT))
    assert (result.exit_code, result.stdout, result.stderr) == (0, _golden("report.txt"), CORPUS_SUMMARY + WROTE_COPY)


def test_the_json_report_is_the_golden_one(corpus: Path) -> None:
    result = _cli("migrate", "assistants", "--out", str(OUT), "--format", "json")
    assert (result.exit_code, result.stdout, result.stderr) == (0, _golden("report.json"), CORPUS_SUMMARY + WROTE_COPY)


def test_the_agent_files_are_the_golden_ones(corpus: Path) -> None:
    assert _cli("migrate", "assistants", "--out", str(OUT)).exit_code == 0
    golden = sorted(path.name for path in (EXPECTED / "agents").iterdir())
    assert sorted(path.name for path in OUT.iterdir()) == sorted([*golden, "schemas"])
    assert (OUT / "schemas" / "agent.schema.json").read_bytes() == (SCHEMAS / "agent.schema.json").read_bytes()
    for name in golden:
        first, rest = (OUT / name).read_text(encoding="utf-8").split("\n", 1)
        assert (name, first, rest) == (name, SCHEMA_LINE, _golden(f"agents/{name}"))


# (agent file, the reference it holds, the file the assistant file named): referenced, never copied.
REFERENCES = [
    ("prompt-file.yaml", "../prompts/prompt-file.md", "prompts/prompt-file.md"),
    ("functions.yaml", "../schemas/lookup.json", "schemas/lookup.json"),
    ("functions.yaml", "../schemas/lookup.yaml", "schemas/lookup.yaml"),
]


@pytest.mark.parametrize(("agent", "reference", "target"), REFERENCES)
def test_references_point_at_the_same_files_from_the_out_folder(corpus: Path, agent: str, reference: str,
                                                               target: str) -> None:
    assert _cli("migrate", "assistants", "--out", str(OUT)).exit_code == 0
    assert reference in (OUT / agent).read_text(encoding="utf-8")
    assert (OUT / reference).resolve() == (corpus / "assistants" / target).resolve()
    # Nothing copied beside the agents but the schema their first line points at.
    assert sorted(path.relative_to(OUT).as_posix() for path in OUT.rglob("*") if path.suffix != ".yaml") == [
        "schemas", "schemas/agent.schema.json"]
    assert len(list(OUT.glob("*.yaml"))) == 20


def _plan_apply_plan(agent_files: list[str], state: Path) -> None:
    """plan shows one create per agent file, apply makes them, and a second plan finds nothing to change."""
    sandbox = ("--provider", "sandbox", "--sandbox-state", str(state))
    planned = _cli("plan", *sandbox, *agent_files)
    creates = [line for line in planned.stdout.splitlines() if line[:1] in "+~-!" and line.strip()]
    assert (planned.exit_code, creates) == (0, [f"+ create agent {Path(file).stem}  ({file}:3:1)"
                                                for file in sorted(agent_files, key=lambda f: Path(f).stem)])
    assert planned.stdout.endswith(f"Plan: {len(agent_files)} to create, 0 new versions, 0 to delete.\n")
    applied = _cli("apply", "--auto-approve", *sandbox, *agent_files)
    assert (applied.exit_code, applied.stdout.splitlines()[-1]) == (
        0, f"Apply: {len(agent_files)} succeeded, 0 failed.")
    again = _cli("plan", "--detailed-exitcode", *sandbox, *agent_files)
    assert (again.exit_code, again.stdout) == (0, f"No changes. {len(agent_files)} agents up to date.\n")


def test_corpus_agents_validate_plan_as_creates_and_apply_without_a_perpetual_diff(corpus: Path) -> None:
    assert _cli("migrate", "assistants", "--out", str(OUT)).exit_code == 0
    validated = _cli("validate", "assistants")
    assert (validated.exit_code, validated.stdout, validated.stderr) == (0, "20 assistants and 20 agents valid\n", "")
    # The agent files alone, by name: the corpus pins an assistant id no sandbox has, so its assistants
    # cannot be planned; the working folder is the root their references stay inside.
    _plan_apply_plan(sorted(str(path) for path in OUT.glob("*.yaml")), corpus / "sandbox.json")


def test_examples_plan_and_apply_beside_their_assistants_without_a_perpetual_diff(examples: Path) -> None:
    migrated = _cli("migrate", "assistants", "--out", str(OUT))
    assert (migrated.exit_code, migrated.stderr) == (0, f"Migrated 6 assistants into {OUT} (6 report items).\n"
                                                        + WROTE_COPY)
    validated = _cli("validate", "assistants")
    assert (validated.exit_code, validated.stdout) == (0, "6 assistants and 6 agents valid\n")
    _plan_apply_plan(sorted(str(path) for path in OUT.glob("*.yaml")), examples / "sandbox.json")
    sandbox = ("--provider", "sandbox", "--sandbox-state", str(examples / "sandbox.json"))
    both = _cli("apply", "--auto-approve", *sandbox, "assistants")  # the folder: both kinds in one run
    assert (both.exit_code, both.stdout.splitlines()[-1]) == (0, "Apply: 6 succeeded, 0 failed.")
    again = _cli("plan", "--detailed-exitcode", *sandbox, "assistants")
    assert (again.exit_code, again.stdout) == (0, "No changes. 6 assistants and 6 agents up to date.\n")


def test_a_second_run_leaves_the_agent_files_beside_the_assistants_alone(corpus: Path) -> None:
    first = _cli("migrate", "assistants", "--out", str(OUT))
    second = _cli("migrate", "assistants", "--out", str(OUT), "--force")
    assert (second.exit_code, second.stdout, second.stderr) == (0, first.stdout, CORPUS_SUMMARY)  # copy untouched
    assert sorted(path.name for path in OUT.iterdir()) == sorted(
        [*(path.name for path in (EXPECTED / "agents").iterdir()), "schemas"])


REFUSED = ["collision", "inline-vector-stores", "reserved-metadata", "unknown-tool", "unusable-name"]


@pytest.mark.parametrize("case", REFUSED)
def test_refusals_name_the_file_and_write_nothing(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    result = _cli("migrate", f"refused/{case}", "--out", str(tmp_path / "agents"))
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", _golden(f"refused/{case}.txt"))
    assert not (tmp_path / "agents").exists()
