"""`import`'s schema reference, end to end on the embedded sandbox: a schema copy in the output folder that every
file points at relatively (so it works in every clone), or the reference `--schema-ref` chooses; never a path of
this machine."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.cli_harness import CLEAN_ENV, Result

import assistantsync
from assistantsync.cli.main import cli
from assistantsync.schema.validate import schema_path

ASSISTANT = "key: bot\nname: Bot\nmodel: gpt-4o\ninstructions: Be brief.\n"
AGENT = "kind: agent\nname: triage\ndefinition:\n  kind: prompt\n  model: gpt-4.1\n  instructions: Route it.\n"
PINNED = "https://raw.githubusercontent.com/acme/assistantsync/v1.4.0/schemas/assistant.schema.json"
# kind -> (the file import writes, the schema it points at)
KINDS = {"assistant": ("bot.yaml", "assistant.schema.json"), "agent": ("triage.yaml", "agent.schema.json")}


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seed").mkdir()
    (tmp_path / "seed" / "bot.yaml").write_text(ASSISTANT, encoding="utf-8")
    (tmp_path / "seed" / "triage.yaml").write_text(AGENT, encoding="utf-8")
    runner = Run(tmp_path / "state.json")
    assert runner("apply", "seed", "--auto-approve").code == 0
    return runner


class Run:
    """The CLI on the embedded sandbox, its state in one file."""

    def __init__(self, state: Path) -> None:
        self.state = state

    def __call__(self, command: str, *args: str) -> Result:
        result = CliRunner().invoke(cli, [command, "--provider", "sandbox", "--sandbox-state", str(self.state), *args],
                                    env=CLEAN_ENV, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    def offline(self, *args: str) -> Result:
        result = CliRunner().invoke(cli, list(args), env=CLEAN_ENV, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)


def imported(run: Run, kind: str, *args: str) -> Result:
    return run("import", "--kind", kind, "--all", "--out", "out", *args)


def wrote(kind: str) -> str:
    return f"Wrote {Path('out', 'schemas', KINDS[kind][1])}, the {kind} file schema the files point editors at.\n"


def shipped(run: Run, kind: str) -> bytes:
    """The schema the package ships, found as `schema path` finds it."""
    where = run.offline("schema", "path", "--kind", kind)
    assert where.code == 0
    return Path(where.out.strip()).read_bytes()


@pytest.mark.parametrize("kind", KINDS)
def test_each_file_points_at_a_copy_of_the_shipped_schema_then_validate_and_plan_are_clean(run: Run,
                                                                                           kind: str) -> None:
    name, schema = KINDS[kind]
    done = imported(run, kind)
    assert (done.code, done.out) == (0, f"{Path('out', name)}\n")
    assert done.err == f"Imported 1 {kind} into out (1 YAML, 0 prompt files).\n" + wrote(kind)
    assert Path("out", name).read_text(encoding="utf-8").splitlines()[0] == (
        f"# yaml-language-server: $schema=schemas/{schema}")
    assert Path("out", "schemas", schema).read_bytes() == shipped(run, kind)
    # The copy is no document: validate and plan read the folder's YAML files only.
    assert run.offline("validate", "out") == Result(0, f"1 {kind} valid\n", "")
    assert run("plan", "out", "--detailed-exitcode").out == f"No changes. 1 {kind} up to date.\n"


def test_no_written_file_holds_a_path_of_this_machine(run: Run, tmp_path: Path) -> None:
    assert imported(run, "assistant").code == 0
    assert imported(run, "agent").code == 0
    local = {str(Path(assistantsync.__file__).resolve().parent), str(schema_path("agent.schema.json").parent),
             str(tmp_path), "site-packages"}
    files = {path.relative_to("out").as_posix(): path.read_text(encoding="utf-8")
             for path in sorted(Path("out").rglob("*")) if path.is_file()}
    assert sorted(files) == ["bot.yaml", "schemas/agent.schema.json", "schemas/assistant.schema.json", "triage.yaml"]
    assert [(name, part) for name, text in files.items() for part in local if part in text] == []
    assert run.offline("validate", "out") == Result(0, "1 assistant and 1 agent valid\n", "")


def test_re_import_leaves_an_equal_copy_untouched_and_rewrites_a_changed_one(run: Run) -> None:
    assert imported(run, "assistant").code == 0
    copy = Path("out", "schemas", "assistant.schema.json")
    inode = copy.stat().st_ino
    again = imported(run, "assistant", "--force")
    assert (again.code, again.err) == (0, "Imported 1 assistant into out (1 YAML, 0 prompt files).\n")
    assert copy.stat().st_ino == inode  # not rewritten: a write replaces the file
    copy.write_text('{"title": "edited by hand"}\n', encoding="utf-8")
    third = imported(run, "assistant", "--force")
    assert (third.code, third.err) == (
        0, "Imported 1 assistant into out (1 YAML, 0 prompt files).\n" + wrote("assistant"))
    assert copy.read_bytes() == shipped(run, "assistant")


@pytest.mark.parametrize(("value", "first_line"), [
    (PINNED, f"# yaml-language-server: $schema={PINNED}"),
    ("../../schemas/assistant.schema.json", "# yaml-language-server: $schema=../../schemas/assistant.schema.json"),
    ("none", "# Imported from live assistant "),
])
def test_schema_ref_writes_the_reference_chosen_and_no_copy(run: Run, value: str, first_line: str) -> None:
    done = imported(run, "assistant", "--schema-ref", value)
    assert (done.code, done.err) == (0, "Imported 1 assistant into out (1 YAML, 0 prompt files).\n")
    assert Path("out", "bot.yaml").read_text(encoding="utf-8").startswith(first_line + ("" if value == "none"
                                                                                          else "\n"))
    assert not Path("out", "schemas").exists()
    assert run.offline("validate", "out") == Result(0, "1 assistant valid\n", "")


@pytest.mark.parametrize(("value", "shown"), [
    ("x.json\n# key: evil", "x.json\\n# key: evil"),
    ("x.json\x1b[2K", "x.json\\x1b[2K"),
    (str(schema_path("assistant.schema.json")), str(schema_path("assistant.schema.json"))),
])
def test_a_hostile_schema_ref_is_refused_before_anything_is_written(run: Run, value: str, shown: str) -> None:
    done = imported(run, "assistant", "--schema-ref", value)
    assert done.code == 1 and done.out == ""
    assert done.err.startswith(f"Error: --schema-ref {shown} ")
    assert done.err.endswith(": give a URL (such as the schema file at a pinned tag), a path relative to each "
                             "written file, or `none`. Nothing was written.\n")
    assert not Path("out").exists()


def test_a_schemas_link_in_the_way_stops_the_import_before_it_writes(run: Run, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    Path("out").mkdir()
    Path("out", "schemas").symlink_to(tmp_path / "elsewhere")
    done = imported(run, "assistant")
    assert done == Result(1, "", f"Error: these paths are in the way of the files to write: {Path('out', 'schemas')}; "
                                 "move them or choose another --out. Nothing was written.\n")
    assert list((tmp_path / "elsewhere").iterdir()) == [] and sorted(p.name for p in Path("out").iterdir()) == [
        "schemas"]
