"""`import` end to end against the served sandbox: live assistants -> files -> validate -> plan -> apply -> plan.

The assistants are made directly through the API (not by assistantsync), varied on purpose. The API key
used must never appear in any output or written file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.cli_harness import API_KEY, CLEAN_ENV, Harness, Result
from helpers.paths import EXAMPLES as EXAMPLES_DIR
from helpers.sandbox_server import ServedSandbox

from assistantsync.cli.import_ import import_assistants
from assistantsync.cli.main import cli, main
from assistantsync.plan.reserved import IDENTITY_KEY

HANDBOOK = """\
# HR assistant

You answer questions about the **employee handbook** (2026 edition).

## Rules

- Cite the section, e.g. "§ 4.2 Parental leave".{TRAILING}
- Never guess; say « je ne sais pas » when unsure.
- Keep answers short: 2–3 sentences.

```text
Example: Q: How many days off? A: 25 (§ 3.1).
```
""".replace("{TRAILING}", "  ")  # a Markdown line break: two trailing spaces
BIG = "".join(f"Rule {n:04d}: be kind, é ✓.\n" for n in range(1, 5001))
WINDOWS = "Line one\r\nLine two\r\nLine three\r\nLine four\r\nLine five\r\nLine six\r\n"
FORECAST = {"type": "object", "properties": {
    "location": {"type": "object", "description": "Ort – Stadt und Land 🌍",
                 "properties": {"city": {"type": "string", "description": "城市名称"},
                                "country": {"type": "string", "enum": ["FR", "DE", "JP"]}},
                 "required": ["city", "country"], "additionalProperties": False},
    "days": {"type": "integer", "minimum": 1, "maximum": 14, "description": "Jours de prévision"}},
    "required": ["location", "days"], "additionalProperties": False}
INVOICE = {"type": "object", "properties": {
    "number": {"type": "string"}, "lines": {"type": "array", "items": {"type": "object", "properties": {
        "amount": {"type": "number"}}, "required": ["amount"], "additionalProperties": False}}},
    "required": ["number", "lines"], "additionalProperties": False}
# (body, the key the import gives it); the key None: derived from the id, as the name has no usable letters.
SEEDS: list[tuple[dict[str, Any], str | None]] = [
    ({"name": "Handbook Search", "instructions": HANDBOOK, "tools": [{"type": "file_search", "file_search": {
        "max_num_results": 12, "ranking_options": {"ranker": "auto", "score_threshold": 0.42}}}],
      "tool_resources": {"file_search": {"vector_store_ids": ["vs_handbook2026"]}},
      "metadata": {"team": "people-ops", "owner": "hr@example.com"}}, "handbook-search"),
    ({"name": "Weather", "description": "Forecasts.\nTwo lines of description.", "temperature": 0.3, "top_p": 0.8,
      "tools": [{"type": "function", "function": {"name": "get_forecast", "description": "Prévisions météo ☀️",
                                                  "parameters": FORECAST, "strict": True}},
                {"type": "function", "function": {"name": "ping", "parameters": {"type": "object",
                                                                                 "properties": {}}}},
                {"type": "file_search"}]}, "weather"),
    ({"name": "Data Analyst", "instructions": "Use code for every number.\nShow the table.  \nBe brief.\n",
      "tools": [{"type": "code_interpreter"}],
      "tool_resources": {"code_interpreter": {"file_ids": ["file-tickets2026", "file-agents"]}}}, "data-analyst"),
    ({"name": "Invoice Extractor", "model": "gpt-4o-2024-08-06", "temperature": 0,
      "response_format": {"type": "json_schema", "json_schema": {"name": "invoice", "description": "One invoice.",
                                                                 "strict": True, "schema": INVOICE}}},
     "invoice-extractor"),
    ({"name": "Triage", "response_format": {"type": "json_object"}, "instructions": "Reply in JSON.\nBe terse."},
     "triage"),
    ({"name": "Big Prompt", "instructions": BIG}, "big-prompt"),
    ({"name": "Windows Prompt", "instructions": WINDOWS}, "windows-prompt"),
    ({"model": "gpt-4o-mini"}, None),
    ({"name": "Ассистент поддержки"}, None),
    ({"name": "Twin", "metadata": {"copy": "first"}}, "twin-2"),
    ({"name": "Twin", "metadata": {"copy": "second"}}, "twin-3"),
]
MANAGED = "model: gpt-4o\nname: Twin\ninstructions: Managed since day one.\n"  # key `twin`, created by apply, last


def seed(env: Harness) -> dict[str, str]:
    """Every assistant of SEEDS plus one managed by the tool: key -> id."""
    keys = {}
    for body, key in SEEDS:
        created = env.create_live(**body)
        keys[key or created["id"].lower()] = created["id"]
    (env.root / "seed").mkdir()
    (env.root / "seed" / "twin.yaml").write_text(MANAGED, encoding="utf-8")
    assert env.apply("seed", "--auto-approve").code == 0
    keys["twin"] = next(a["id"] for a in env.live() if a["metadata"].get(IDENTITY_KEY) == "twin")
    return keys


@pytest.fixture
def env(sandbox_server: ServedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Harness:
    monkeypatch.chdir(tmp_path)
    return Harness(tmp_path, sandbox_server)


COPY = "schemas/assistant.schema.json"  # the schema copy import keeps beside the files


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def test_import_all_then_validate_plan_apply_round_trip(env: Harness) -> None:
    keys = seed(env)
    imported = env.import_("--all", "--out", "backup")
    assert imported.code == 0, imported.err
    files = snapshot(env.root / "backup")
    prompts = {"handbook-search", "big-prompt", "windows-prompt"}
    assert set(files) == {f"{key}.yaml" for key in keys} | {f"prompts/{key}.md" for key in prompts} | {COPY}
    assert sorted(imported.out.splitlines()) == sorted(str(Path("backup", name)) for name in files if name != COPY)
    assert imported.err == (f"Imported {len(keys)} assistants into backup ({len(keys)} YAML, 3 prompt files).\n"
                            f"Wrote {Path('backup', COPY)}, the assistant file schema the files point editors at.\n")
    assert not any(API_KEY.encode() in data for data in files.values())

    # Exact where exactness matters: prompts byte for byte, the header, a minimal file.
    assert files["prompts/handbook-search.md"] == HANDBOOK.encode()
    assert files["prompts/big-prompt.md"] == BIG.encode()
    assert files["prompts/windows-prompt.md"] == WINDOWS.encode()
    minimal_key = list(keys)[SEEDS.index(({"model": "gpt-4o-mini"}, None))]
    assert files[f"{minimal_key}.yaml"].decode() == (
        "# yaml-language-server: $schema=schemas/assistant.schema.json\n"
        f"# Imported from live assistant {keys[minimal_key]} by `assistantsync import`.\n"
        f"key: {minimal_key}\nid: {keys[minimal_key]}\nmodel: gpt-4o-mini\n")
    analyst = files["data-analyst.yaml"].decode()
    assert 'instructions: "Use code for every number.\\nShow the table.  \\nBe brief.\\n"\n' in analyst
    assert "file_ids: [file-tickets2026, file-agents]\n" in analyst
    assert "description: |-\n  Forecasts.\n  Two lines of description.\n" in files["weather.yaml"].decode()

    assert env.offline("validate", "backup") == Result(0, f"{len(keys)} assistants valid\n", "")
    planned = env.cli("plan", "backup", "--format", "json")
    assert planned.code == 0, planned.err
    plan = json.loads(planned.out)
    assert plan["errors"] == []
    assert {c["key"]: (c["id"], c["action"], c["fields"]) for c in plan["changes"]} == {
        key: (ident, "no-op" if key == "twin" else "adopt", []) for key, ident in keys.items()}

    strict = json.loads(env.cli("plan", "backup", "--strict", "--format", "json").out)  # omitted == default
    assert {c["key"]: (c["action"], c["fields"]) for c in strict["changes"]} == {
        key: ("no-op" if key == "twin" else "adopt", []) for key in keys}

    applied = env.cli("apply", "backup", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err
    again = env.cli("plan", "backup", "--detailed-exitcode")
    assert again == Result(0, f"No changes. {len(keys)} assistants up to date.\n", "")

    # Adopted now: importing again gives the same bytes (the keys now come from the tool's metadata).
    reimported = env.import_("--all", "--out", "backup", "--force")
    assert reimported.code == 0, reimported.err
    assert snapshot(env.root / "backup") == files


def test_import_is_deterministic_and_refuses_to_overwrite_without_force(env: Harness) -> None:
    seed(env)
    assert env.import_("--all", "--out", "backup").code == 0
    files = snapshot(env.root / "backup")
    assert env.import_("--all", "--out", "backup", "--force").code == 0
    assert snapshot(env.root / "backup") == files

    (env.root / "backup" / "twin.yaml").unlink()  # one file gone, every other one in the way
    refused = env.import_("--all", "--out", "backup")
    assert refused.code == 1 and refused.out == ""
    listed = [line.strip() for line in refused.err.splitlines() if line.startswith("  ")]
    # The schema copy is the tool's to update: never in the way.
    assert sorted(listed) == sorted(str(Path("backup", name)) for name in files
                                    if name not in ("twin.yaml", COPY))
    assert "Pass --force to overwrite them" in refused.err and API_KEY not in refused.err
    assert not (env.root / "backup" / "twin.yaml").exists()  # nothing written, not even the missing one


def test_import_by_id_fetches_only_those(env: Harness) -> None:
    first = env.create_live(name="First", instructions="Hello")
    env.create_live(name="Not asked for")
    second = env.create_live(name="Second", tools=[{"type": "code_interpreter"}])
    done = env.import_(second["id"], first["id"], second["id"], "--out", "picked")
    assert done.code == 0, done.err
    # Files come in creation order (ties keep the order the ids were given in); the two creates may
    # or may not fall in the same second, so only the set is fixed here.
    assert sorted(done.out.splitlines()) == [str(Path("picked", "first.yaml")), str(Path("picked", "second.yaml"))]
    assert set(snapshot(env.root / "picked")) == {"first.yaml", "second.yaml", COPY}
    assert env.sandbox.count("GET", "/assistants") == 0  # no list: one GET per id, each once
    assert env.sandbox.count("GET", "/assistants/{assistant_id}") == 2


def test_missing_ids_are_all_named_and_nothing_is_written(env: Harness) -> None:
    real = env.create_live(name="Real")
    done = env.import_(real["id"], "asst_gone1", "asst_gone2", "--out", "picked")
    assert done.code == 1 and done.out == ""
    assert "no assistant with id asst_gone1, asst_gone2 " in done.err
    assert real["id"] not in done.err
    assert not (env.root / "picked").exists()


def test_all_follows_every_page(env: Harness) -> None:
    with env.sandbox.api() as api:
        for _ in range(101):  # the API's pages hold 100
            assert api.post("/assistants", json={"model": "gpt-4o", "name": "Bulk"}).status_code == 200
    done = env.import_("--all", "--out", "bulk")
    assert done.code == 0, done.err
    assert env.sandbox.count("GET", "/assistants") == 2
    assert set(snapshot(env.root / "bulk")) == {"bulk.yaml", *(f"bulk-{n}.yaml" for n in range(2, 102)), COPY}


def test_paths_in_the_way_stop_the_import_before_it_writes(env: Harness) -> None:
    env.create_live(name="Long", instructions="x" * 500)
    env.create_live(name="Short")
    (env.root / "out").mkdir()
    (env.root / "out" / "prompts").write_text("a file where the prompts folder goes", encoding="utf-8")
    (env.root / "out" / "short.yaml").mkdir()
    done = env.import_("--all", "--out", "out", "--force")
    assert done.code == 1
    assert f"in the way of the files to write: {Path('out', 'prompts')}, {Path('out', 'short.yaml')};" in done.err
    assert sorted(p.name for p in (env.root / "out").iterdir()) == ["prompts", "short.yaml"]


def test_two_assistants_claiming_one_key_are_imported_with_a_warning_plan_repeats(env: Harness) -> None:
    first = env.create_live(name="One", metadata={IDENTITY_KEY: "bot"})
    second = env.create_live(name="Two", metadata={IDENTITY_KEY: "bot"})
    done = env.import_("--all", "--out", "backup")
    assert done.code == 0 and set(snapshot(env.root / "backup")) == {"bot.yaml", "bot-2.yaml", COPY}
    ids = " and ".join(sorted([first["id"], second["id"]]))
    assert f"warning: {ids} both claim key 'bot' in metadata assistantsync_key;" in done.err
    planned = env.cli("plan", "backup")
    # bot.yaml pins the first, so the second is no copy to delete but bot-2.yaml's pin, which still carries 'bot'.
    assert planned.code == 1 and f"pinned id {second['id']} carries key 'bot', which another file uses" in planned.out


def test_force_replaces_a_link_and_never_writes_through_it(env: Harness) -> None:
    env.create_live(name="Bot")
    outside = env.root / "outside.txt"
    outside.write_text("keep me", encoding="utf-8")
    (env.root / "out").mkdir()
    (env.root / "out" / "bot.yaml").symlink_to(outside)
    assert env.import_("--all", "--out", "out").code == 1
    assert env.import_("--all", "--out", "out", "--force").code == 0
    assert outside.read_text(encoding="utf-8") == "keep me"
    assert not (env.root / "out" / "bot.yaml").is_symlink()
    assert sorted(p.relative_to(env.root / "out").as_posix() for p in (env.root / "out").rglob("*")) == [
        "bot.yaml", "schemas", COPY]  # no temporary file left


def test_nothing_to_import(env: Harness) -> None:
    assert env.import_("--all", "--out", "empty") == Result(0, "", "No assistants to import.\n")
    assert not (env.root / "empty").exists()


def test_files_that_do_not_validate_are_written_with_a_warning(env: Harness) -> None:
    crowded = env.create_live(name="Crowded", metadata={f"k{n}": "v" for n in range(15)})  # the tool needs 2 of 16
    done = env.import_("--all", "--out", "backup")
    assert done.code == 0 and done.out == str(Path("backup", "crowded.yaml")) + "\n"
    assert "warning: backup does not validate yet; fix these before running plan:\n" in done.err
    assert "backup/crowded.yaml:" in done.err and "metadata" in done.err
    assert crowded["id"] in (env.root / "backup" / "crowded.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["--out", "x"], "nothing to import: give --all or one or more assistant IDs"),
    (["--all", "asst_1", "--out", "x"], "give either --all or assistant IDs, not both"),
    (["--all"], "Missing option '--out'"),
])
def test_usage_errors_exit_1_through_the_entry_point(
        args: list[str], message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["assistantsync", "import", *args])
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    with pytest.raises(SystemExit) as exited:
        main()
    captured = capsys.readouterr()
    assert exited.value.code == 1
    assert message in captured.err and captured.out == ""
    assert not (tmp_path / "x").exists()


def test_examples_applied_then_imported_plan_as_no_ops_on_the_embedded_sandbox(tmp_path: Path) -> None:
    examples = EXAMPLES_DIR
    connection = ["--provider", "sandbox", "--sandbox-state", str(tmp_path / "state.json")]
    runner = CliRunner()
    applied = runner.invoke(cli, ["apply", str(examples), "--auto-approve", *connection], env=CLEAN_ENV)
    assert applied.exit_code == 0, applied.output
    out = tmp_path / "imported"
    done = runner.invoke(import_assistants, ["--all", "--out", str(out), *connection], env=CLEAN_ENV)
    assert done.exit_code == 0, done.stderr
    assert set(snapshot(out)) == {"hr-helper.yaml", "invoice-extractor.yaml", "support-analyst.yaml",
                                  "support-kb.yaml", "support-triage.yaml", "weather.yaml", "prompts/hr-helper.md",
                                  COPY}
    assert snapshot(out)["prompts/hr-helper.md"] == (examples / "prompts" / "hr-helper.md").read_bytes()
    planned = runner.invoke(cli, ["plan", str(out), "--detailed-exitcode", *connection], env=CLEAN_ENV)
    assert (planned.exit_code, planned.stdout) == (0, "No changes. 6 assistants up to date.\n")


def test_force_replaces_a_link_into_a_missing_folder_without_making_it(env: Harness) -> None:
    env.create_live(name="Bot")
    (env.root / "out").mkdir()
    (env.root / "out" / "bot.yaml").symlink_to(env.root / "missing" / "bot.yaml")
    assert env.import_("--all", "--out", "out", "--force").code == 0
    assert not (env.root / "out" / "bot.yaml").is_symlink()
    assert "name: Bot" in (env.root / "out" / "bot.yaml").read_text(encoding="utf-8")
    assert not (env.root / "missing").exists()


def test_out_that_links_into_a_missing_folder_is_in_the_way(env: Harness) -> None:
    env.create_live(name="Bot")
    (env.root / "out").symlink_to(env.root / "missing" / "folder", target_is_directory=True)
    done = env.import_("--all", "--out", "out", "--force")
    assert done == Result(1, "", "Error: these paths are in the way of the files to write: out; move them or "
                                 "choose another --out. Nothing was written.\n")
    assert not (env.root / "missing").exists()
