"""`apply --out FILE` writes the run's outcome as JSON whatever happened: changes applied, nothing to change, a plan
that could not be applied, a stale saved plan (issue 16, point 7). Embedded sandbox, the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from assistantsync import __version__
from assistantsync.cli.main import cli

WEATHER = "model: gpt-4o\nname: Weather\ntemperature: 0.3\n"
BOT = "kind: agent\nname: bot\ndefinition: {kind: prompt, model: gpt-4.1}\n"


def run(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    out = tmp_path / "outcome.json"
    out.unlink(missing_ok=True)
    result = CliRunner().invoke(cli, ["apply", "--auto-approve", "--provider", "sandbox", "--sandbox-state",
                                      str(tmp_path / "state.json"), "--out", str(out), *args])
    return result.exit_code, json.loads(out.read_text(encoding="utf-8"))


def head(ok: bool, error: str | None = None, **summary: int) -> dict[str, Any]:
    return {"format_version": 1, "tool": {"name": "assistantsync", "version": __version__}, "ok": ok,
            "error": error, "plan_errors": [],
            "summary": {"succeeded": 0, "failed": 0, "not_applied": 0, **summary}}


def test_the_outcome_file_lists_each_change_with_the_fields_it_wrote(tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()
    (files / "weather.yaml").write_text(WEATHER, encoding="utf-8")
    (files / "bot.yaml").write_text(BOT, encoding="utf-8")
    code, made = run(tmp_path, str(files))
    weather_id = made["results"][0]["id"]
    assert (code, made) == (0, {**head(True, succeeded=2), "results": [
        {"kind": "assistant", "key": "weather", "id": weather_id, "action": "create", "ok": True,
         "not_applied": False, "message": "created", "fields": ["model", "name", "temperature"]},
        {"kind": "agent", "key": "bot", "id": "bot", "action": "create", "ok": True, "not_applied": False,
         "message": "created", "fields": ["name", "definition.model"]}]})
    (files / "weather.yaml").write_text(WEATHER.replace("0.3", "0.5"), encoding="utf-8")
    code, changed = run(tmp_path, str(files))
    assert (code, changed) == (0, {**head(True, succeeded=1), "results": [
        {"kind": "assistant", "key": "weather", "id": weather_id, "action": "update", "ok": True,
         "not_applied": False, "message": "updated", "fields": ["temperature"]}]})
    assert run(tmp_path, str(files)) == (0, {**head(True), "results": []})  # nothing to change: still written


def test_a_run_that_stops_before_any_write_says_why(tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()
    (files / "weather.yaml").write_text("id: asst_gone\n" + WEATHER, encoding="utf-8")
    code, refused = run(tmp_path, str(files))
    message = ("pinned id asst_gone does not exist (or these credentials cannot see it); remove `id:` from the file "
               "to create a new assistant")
    assert code == 1
    assert refused["ok"] is False and refused["results"] == []
    assert refused["plan_errors"] == [{"key": "weather", "message": message}]
    assert refused["error"].startswith("the plan has errors")


def test_a_stale_saved_plan_is_reported_in_the_file(tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()
    (files / "weather.yaml").write_text(WEATHER, encoding="utf-8")
    state = ["--provider", "sandbox", "--sandbox-state", str(tmp_path / "state.json")]
    runner = CliRunner()
    assert runner.invoke(cli, ["apply", "--auto-approve", *state, str(files)]).exit_code == 0
    (files / "weather.yaml").write_text(WEATHER.replace("0.3", "0.5"), encoding="utf-8")
    assert runner.invoke(cli, ["plan", *state, "--out", str(tmp_path / "plan.json"), str(files)]).exit_code == 0
    (files / "weather.yaml").write_text(WEATHER.replace("0.3", "0.7"), encoding="utf-8")
    assert runner.invoke(cli, ["apply", "--auto-approve", *state, str(files)]).exit_code == 0  # another change
    out = tmp_path / "outcome.json"
    result = runner.invoke(cli, ["apply", "--auto-approve", *state, "--plan", str(tmp_path / "plan.json"),
                                 "--out", str(out)])
    assert result.exit_code == 1
    written = json.loads(out.read_text(encoding="utf-8"))
    assert (written["ok"], written["results"]) == (False, [])
    assert written["error"].startswith("the saved plan is stale")
