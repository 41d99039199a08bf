"""The seam between the engine and a kind: a note (helpers/note_kind.py), a kind the package has never heard of,
is planned and applied by the same engine jobs as an assistant, through the real client over a fake notes server.
And the engine's modules name no assistant field: all they know of one comes from its kind."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from helpers.fake_notes import FakeNotes, notes_client
from helpers.note_kind import NOTE

from assistantsync.engine import apply_checked, plan_desired
from assistantsync.errors import AssistantSyncError, Location
from assistantsync.files.desired import DesiredResource
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.changes import FieldChange, Plan
from assistantsync.plan.record import digest
from assistantsync.plan.reserved import IDENTITY_KEY, STATE_KEY

PACKAGE = Path(__file__).resolve().parents[3] / "assistantsync"


def note(key: str, **fields: Any) -> DesiredResource:
    return DesiredResource(key, None, Location(f"notes/{key}.yaml", 1, 1), fields, kind="note")


def record(*pairs: tuple[str, Any]) -> str:
    """The note's record, written out: its codes, in the kind's field order, each with its canonical value."""
    return "v1 " + ";".join(f"{code}={digest(value)}" for code, value in pairs)


GROCERIES = note("groceries", title="Groceries", body="eggs", tags=["shop", "food"], notify="daily")
IDEAS = note("ideas", title="Ideas", metadata={"owner": "ana"})
GROCERIES_RECORD = record(("ti", "Groceries"), ("b", "eggs"), ("tg", ["food", "shop"]), ("no", "daily"))
IDEAS_RECORD = record(("ti", "Ideas"), ("md", {"owner": "ana"}))


def plan(server: FakeNotes, files: list[DesiredResource], *, prune: bool = False) -> Plan:
    with notes_client(server) as client:
        return plan_desired(files, client, strict=False, prune=prune)


def apply(server: FakeNotes, made: Plan, *, saved: bool = False) -> list[tuple[str, str | None, bool, str]]:
    with notes_client(server) as client:
        return [(o.key, o.id, o.ok, o.message) for o in apply_checked(made, client, saved=saved)]


def actions(made: Plan) -> list[tuple[str, str | None, str]]:
    return [(c.key, c.id, c.action) for c in made.changes]


def created() -> FakeNotes:
    """A server holding the two notes, as the engine created them."""
    server = FakeNotes()
    assert apply(server, plan(server, [GROCERIES, IDEAS])) == [
        ("groceries", "note_1", True, "created"), ("ideas", "note_2", True, "created")]
    server.requests.clear()
    return server


def test_create_sends_the_files_fields_with_the_record_then_nothing_is_left_to_change() -> None:
    server = FakeNotes()
    made = plan(server, [GROCERIES, IDEAS])
    assert actions(made) == [("groceries", None, "create"), ("ideas", None, "create")]
    assert made.changes[0].fields == (
        FieldChange("title", None, "Groceries"), FieldChange("body", None, "eggs"),
        FieldChange("tags", None, ["shop", "food"]), FieldChange("notify", None, "daily", write_only=True))
    assert apply(server, made) == [("groceries", "note_1", True, "created"), ("ideas", "note_2", True, "created")]
    assert server.writes() == [
        ("POST", "/v1/notes", {"title": "Groceries", "body": "eggs", "tags": ["shop", "food"], "notify": "daily",
                               "metadata": {IDENTITY_KEY: "groceries", STATE_KEY: GROCERIES_RECORD}}),
        ("POST", "/v1/notes", {"title": "Ideas", "metadata": {"owner": "ana", IDENTITY_KEY: "ideas",
                                                              STATE_KEY: IDEAS_RECORD}}),
    ]
    assert server.notes == {
        "note_1": {"id": "note_1", "object": "note", "title": "Groceries", "body": "eggs", "pinned": False,
                   "tags": ["food", "shop"], "metadata": {IDENTITY_KEY: "groceries", STATE_KEY: GROCERIES_RECORD}},
        "note_2": {"id": "note_2", "object": "note", "title": "Ideas", "body": "", "pinned": False, "tags": [],
                   "metadata": {"owner": "ana", IDENTITY_KEY: "ideas", STATE_KEY: IDEAS_RECORD}},
    }
    assert server.notified == {"note_1": "daily"}
    # Sorted tags, a body the server filled in and the reserved metadata keys are no changes.
    assert actions(plan(server, [GROCERIES, IDEAS])) == [("groceries", "note_1", "no-op"), ("ideas", "note_2", "no-op")]


def test_an_update_sends_the_one_changed_field_and_a_new_record() -> None:
    server = created()
    edited = note("groceries", title="Groceries", body="eggs, milk", tags=["shop", "food"], notify="daily")
    made = plan(server, [edited, IDEAS])
    assert actions(made) == [("groceries", "note_1", "update"), ("ideas", "note_2", "no-op")]
    assert made.changes[0].fields == (FieldChange("body", "eggs", "eggs, milk"),)
    assert not made.changes[0].drift
    new_record = record(("ti", "Groceries"), ("b", "eggs, milk"), ("tg", ["food", "shop"]), ("no", "daily"))
    assert apply(server, made) == [("groceries", "note_1", True, "updated")]
    assert server.writes() == [
        ("POST", "/v1/notes/note_1", {"body": "eggs, milk",
                                      "metadata": {IDENTITY_KEY: "groceries", STATE_KEY: new_record}})]
    assert server.notes["note_1"] == {
        "id": "note_1", "object": "note", "title": "Groceries", "body": "eggs, milk", "pinned": False,
        "tags": ["food", "shop"], "metadata": {IDENTITY_KEY: "groceries", STATE_KEY: new_record}}
    assert actions(plan(server, [edited, IDEAS])) == [("groceries", "note_1", "no-op"), ("ideas", "note_2", "no-op")]


def test_a_field_changed_on_the_server_is_drift() -> None:
    server = created()
    server.notes["note_1"]["title"] = "Shopping"
    made = plan(server, [GROCERIES, IDEAS])
    assert actions(made) == [("groceries", "note_1", "update"), ("ideas", "note_2", "no-op")]
    assert made.changes[0].fields == (FieldChange("title", "Shopping", "Groceries", drift=True),)


def test_a_write_only_field_is_tracked_through_the_record() -> None:
    server = created()
    weekly = note("groceries", title="Groceries", body="eggs", tags=["shop", "food"], notify="weekly")
    made = plan(server, [weekly, IDEAS])
    assert made.changes[0].fields == (FieldChange("notify", None, "weekly", write_only=True),)
    assert apply(server, made) == [("groceries", "note_1", True, "updated")]
    new_record = record(("ti", "Groceries"), ("b", "eggs"), ("tg", ["food", "shop"]), ("no", "weekly"))
    assert server.writes() == [
        ("POST", "/v1/notes/note_1", {"notify": "weekly",
                                      "metadata": {IDENTITY_KEY: "groceries", STATE_KEY: new_record}})]
    assert server.notified == {"note_1": "weekly"}
    assert "notify" not in server.notes["note_1"]
    assert actions(plan(server, [weekly, IDEAS])) == [("groceries", "note_1", "no-op"), ("ideas", "note_2", "no-op")]


def test_a_note_no_file_describes_is_deleted_only_with_prune() -> None:
    server = created()
    assert actions(plan(server, [GROCERIES])) == [("groceries", "note_1", "no-op")]
    made = plan(server, [GROCERIES], prune=True)
    assert actions(made) == [("groceries", "note_1", "no-op"), ("ideas", "note_2", "delete")]
    assert apply(server, made) == [("ideas", "note_2", True, "deleted")]
    assert server.writes() == [("DELETE", "/v1/notes/note_2", None)]
    assert list(server.notes) == ["note_1"]


def test_a_saved_plan_is_refused_once_the_note_moved() -> None:
    server = created()
    made = plan(server, [note("groceries", title="Groceries", body="eggs, milk", tags=["shop", "food"],
                              notify="daily"), IDEAS])
    server.notes["note_1"]["pinned"] = True
    with pytest.raises(AssistantSyncError) as refused:
        apply(server, made, saved=True)
    assert refused.value.message.endswith("\n  groceries (note_1): pinned changed since the plan was made")
    assert server.writes() == []


def test_a_second_note_of_the_same_title_is_warned_about() -> None:
    server = FakeNotes(notes={"note_9": {"id": "note_9", "object": "note", "title": "Groceries", "body": "",
                                         "pinned": False, "tags": [], "metadata": {}}})
    made = plan(server, [GROCERIES])
    assert actions(made) == [("groceries", None, "create")]
    assert made.warnings == (("groceries", "will create a second note named 'Groceries': note_9 has that name and is "
                                           "not managed by assistantsync. If the file means that one, add `id: "
                                           "note_9` to it to take it over instead"),)


@pytest.mark.parametrize("codes", [
    {"title": "ti", "body": "b", "pinned": "p", "tags": "tg", "notify": "no"},  # metadata has none
    {"title": "ti", "body": "b", "pinned": "p", "tags": "tg", "notify": "no", "metadata": "md", "colour": "c"},
    {"title": "ti", "body": "b", "pinned": "p", "tags": "tg", "notify": "no", "metadata": "b"},  # two fields, one code
], ids=["a-field-without-a-code", "a-code-for-no-field", "a-code-twice"])
def test_a_kind_gives_each_field_a_code_of_its_own(codes: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="^note: record_codes must give each of its fields a code of its own$"):
        replace(NOTE, record_codes=codes)
    assert NOTE.fields_by_code == {"ti": "title", "b": "body", "p": "pinned", "tg": "tags", "no": "notify",
                                   "md": "metadata"}


# --- the engine's modules name no assistant field -------------------------------------------------------------

ENGINE_MODULES = sorted([*PACKAGE.glob("plan/*.py"), *PACKAGE.glob("apply/*.py"), PACKAGE / "engine.py",
                         PACKAGE / "api" / "client.py", PACKAGE / "api" / "pages.py"])
# Every assistant field as a whole string, but for two any kind may have (a saved plan's `tool.name` is the tool's),
# and inside any string the words only an assistant uses.
ASSISTANT_FIELDS = sorted(set(ASSISTANT.fields) - {"name", "metadata"})
ASSISTANT_WORDS = ("instructions", "tool_resources", "response_format", "reasoning_effort", "file_search",
                   "/assistants", "asst_")


def strings(tree: ast.AST) -> list[str]:
    """The string constants of a module, docstrings left out."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and id(node) not in docstrings]


@pytest.mark.parametrize("path", ENGINE_MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_an_engine_module_names_no_assistant_field(path: Path) -> None:
    found = strings(ast.parse(path.read_text(encoding="utf-8")))
    assert [text for text in found if text in ASSISTANT_FIELDS] == []
    assert [text for text in found if any(word in text for word in ASSISTANT_WORDS)] == []


def test_the_scan_sees_the_modules_and_their_strings() -> None:
    assert {path.name for path in ENGINE_MODULES} >= {"changes.py", "identity.py", "execute.py", "engine.py",
                                                      "client.py"}
    assert sorted(strings(ast.parse('"""doc"""\nx = f"a{1}b" + "/assistants"\n'))) == ["/assistants", "a", "b"]
