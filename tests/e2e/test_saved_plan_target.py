"""A saved plan remembers where it was made (issue 16, point 8): `apply --plan FILE` connects there without
`--provider`/`--base-url` (credentials still from the environment), checks even a plan that changes nothing against
its server, and says so when it was already applied."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from helpers.sandbox_server import ServedSandbox

from assistantsync.cli.main import cli

WEATHER = "model: gpt-4o\nname: Weather\ntemperature: 0.3\n"
KEY = "sk-plan-target-test-key-000000"


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def test_a_saved_plan_is_applied_where_it_was_made_without_naming_it_again(tmp_path: Path) -> None:
    files, state, plan = tmp_path / "files", str(tmp_path / "state.json"), str(tmp_path / "plan.json")
    files.mkdir()
    (files / "weather.yaml").write_text(WEATHER, encoding="utf-8")
    assert invoke("plan", "--provider", "sandbox", "--sandbox-state", state, "--out", plan, str(files)).exit_code == 0
    target = json.loads(Path(plan).read_text(encoding="utf-8"))["target"]
    assert target == {"base_url": "http://sandbox.invalid/v1", "provider": "sandbox"}
    done = invoke("apply", "--plan", plan, "--auto-approve", "--sandbox-state", state)
    assert done.exit_code == 0, done.output
    assert done.output.endswith("Apply: 1 succeeded, 0 failed.\n")
    again = invoke("apply", "--plan", plan, "--auto-approve", "--sandbox-state", state)
    assert (again.exit_code, again.output.splitlines()[-1]) == (
        0, "the saved plan was already applied: the live state is what it would make; nothing was written")


def test_a_served_plan_reuses_its_base_url_and_a_no_change_plan_is_checked_there(
        tmp_path: Path, sandbox_server: ServedSandbox) -> None:
    files, plan = tmp_path / "files", str(tmp_path / "plan.json")
    files.mkdir()
    (files / "weather.yaml").write_text(WEATHER, encoding="utf-8")
    env = {"OPENAI_API_KEY": KEY}
    served = ["--provider", "openai", "--base-url", sandbox_server.base_url]
    assert invoke("apply", *served, "--auto-approve", str(files), env=env).exit_code == 0
    assert invoke("plan", *served, "--out", plan, str(files), env=env).exit_code == 0  # no changes
    assert invoke("apply", "--plan", plan, "--auto-approve", env=env).output == (
        "No changes. 1 assistant up to date.\n")
    with sandbox_server.api() as api:
        [live] = api.get("/assistants").json()["data"]
        assert api.post(f"/assistants/{live['id']}", json={"temperature": 0.9}).status_code == 200  # moved since
    refused = invoke("apply", "--plan", plan, "--auto-approve", env=env)
    assert refused.exit_code == 1
    assert refused.output == ("Error: the saved plan is stale; nothing was applied. Run plan again.\n"
                              "  weather: changed since the plan was made\n")
    assert invoke("apply", "--plan", plan, "--auto-approve", "--provider", "sandbox",
                  "--sandbox-state", str(tmp_path / "s.json"), env=env).output.startswith(
        "Error: the saved plan was made against http://127.0.0.1:")  # a provider given on the command line wins
