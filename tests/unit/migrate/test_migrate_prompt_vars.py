"""migrate keeps a prompt reference's opt-in to variables and points its path from the output folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tree import write

from assistantsync.files.desired import load_desired
from assistantsync.migrate.run import migrate
from assistantsync.project.values import Environment


@pytest.mark.parametrize(("reference", "migrated"), [
    ("prompts/hr.md", "instructions_file: ../assistants/prompts/hr.md"),
    ("{path: prompts/hr.md, vars: true}", "instructions_file:\n    path: ../assistants/prompts/hr.md\n    vars: true"),
])
def test_a_prompt_reference_points_at_the_same_file_from_the_agent_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: str, migrated: str) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "assistants/hr.yaml", f"model: gpt-4o\ninstructions_file: {reference}\n")
    write(tmp_path / "assistants/prompts/hr.md", "Staff of ${{ vars.company }}.\n")
    migrate([Path("assistants")], Path("agents"), force=False)
    assert migrated in (tmp_path / "agents/hr.yaml").read_text(encoding="utf-8")
    [agent] = load_desired([Path("agents")], Path("."), environment=Environment("prod", {"company": "Acme"}))
    assert agent.fields["definition.instructions"] == ("Staff of Acme.\n" if "vars" in reference
                                                       else "Staff of ${{ vars.company }}.\n")
