"""Properties of the pipeline, for arbitrary input (hypothesis).

- Convergence: for any valid file document and any live object (made by the sandbox core's own create and
  modify, with the nulls and omissions the object's schema allows), applying the plan's body through the
  sandbox core (pure, in-process) and planning again yields no change; the body holds exactly the fields
  that differ, plus `metadata`; normalising is idempotent.
- The loader: any bytes, any nested YAML data and any soup of YAML fragments, written to files and read by
  `load_desired`, end as assistants or as located one-line problems; never as a traceback.

The sandbox's own property (any request gets a 2xx or a well-formed 4xx) is in test_sandbox_properties.py.
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistantsync.errors import Location, ValidationFailed
from assistantsync.files.desired import DesiredResource, load_desired
from assistantsync.files.yaml_write import dump_yaml
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.kinds.assistant.normalise import (
    API_DEFAULTS,
    API_FIELDS,
    WRITE_ONLY_FIELDS,
    align_resolved,
    normalise_field,
)
from assistantsync.plan.changes import Change, make_plan, plan_resource
from assistantsync.plan.field_diff import same_value
from assistantsync.plan.record import decode_record, digest, encode_record
from assistantsync.plan.reserved import IDENTITY_KEY, RESERVED_METADATA_KEYS, STATE_KEY
from assistantsync.plan.saved import plan_from_json, plan_to_json
from assistantsync.render.markdown import render_plan_markdown
from assistantsync.render.text import render_plan_text
from assistantsync.safe_text import shown
from assistantsync.sandbox.core import Settings, handle
from assistantsync.sandbox.protocol import SandboxRequest, SandboxResponse
from assistantsync.sandbox.records import Store, StoredAssistant
from assistantsync.schema.validate import validate_assistant

FAST = settings(max_examples=120, deadline=None)
# Each example rewrites its own folder under tmp_path, so sharing the fixture across examples is safe.
WITH_TMP = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
BETA = {"OpenAI-Beta": "assistants=v2"}

# ---------------------------------------------------------------- valid file documents (the file format)

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)  # any Unicode, control characters too
multiline = st.lists(text, max_size=4).map("\n".join)
optional_text = st.none() | st.just("") | text | multiline
names = st.from_regex(r"[a-zA-Z0-9_-]{1,64}", fullmatch=True)
finite = st.floats(allow_nan=False, allow_infinity=False)
json_values = st.recursive(st.none() | st.booleans() | st.integers(-(2**53), 2**53) | finite | text,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
                           max_leaves=8)
schemas = st.dictionaries(text, json_values, max_size=4)
between_0_and_1 = st.integers(0, 1) | st.floats(0, 1)

file_search = st.fixed_dictionaries({"type": st.just("file_search")}, optional={
    "file_search": st.fixed_dictionaries({}, optional={
        "max_num_results": st.integers(1, 50) | st.integers(1, 50).map(float),
        "ranking_options": st.fixed_dictionaries({"score_threshold": between_0_and_1}, optional={
            "ranker": st.sampled_from(["auto", "default_2024_08_21"])}),
    })})
function = st.fixed_dictionaries({"type": st.just("function"), "function": st.fixed_dictionaries(
    {"name": names}, optional={"description": text, "parameters": schemas, "strict": st.none() | st.booleans()})})
tools = st.lists(st.just({"type": "code_interpreter"}) | file_search | function, max_size=4)
tool_resources = st.none() | st.fixed_dictionaries({}, optional={
    "code_interpreter": st.fixed_dictionaries({}, optional={
        "file_ids": st.lists(st.sampled_from(["file-a", "file-b", "file-c"]), max_size=3)}),
    "file_search": st.fixed_dictionaries({"vector_store_ids": st.lists(st.just("vs_1"), max_size=1)}),
})
metadata_keys = st.text(max_size=64).filter(lambda key: key not in RESERVED_METADATA_KEYS)
metadata = st.none() | st.dictionaries(metadata_keys, st.text(max_size=40), max_size=14)
response_format = st.one_of(
    st.none(), st.just("auto"), st.just({"type": "text"}), st.just({"type": "json_object"}),
    st.fixed_dictionaries({"type": st.just("json_schema"), "json_schema": st.fixed_dictionaries(
        {"name": names}, optional={"description": text, "schema": schemas, "strict": st.none() | st.booleans()})}),
)
documents = st.fixed_dictionaries({"model": st.sampled_from(["gpt-4o", "o3-mini"]) | st.text(min_size=1, max_size=20)},
                                  optional={
    "name": st.none() | st.text(max_size=256), "description": st.none() | st.text(max_size=512),
    "instructions": optional_text, "tools": tools, "tool_resources": tool_resources, "metadata": metadata,
    "temperature": st.none() | st.integers(0, 2) | st.floats(0, 2), "top_p": st.none() | between_0_and_1,
    "response_format": response_format,
    "reasoning_effort": st.sampled_from([None, "none", "minimal", "low", "medium", "high", "xhigh", "max"]),
})

# ---------------------------------------------------------------- live objects, made by the sandbox itself


def request(store: Store, config: Settings, method: str, path: str, body: Any = None) -> SandboxResponse:
    raw = b"" if body is None else json.dumps(body).encode()
    return handle(store, SandboxRequest(method, path, {}, BETA, raw), config)


def sandbox() -> tuple[Store, Settings]:
    counter = itertools.count()
    return Store(), Settings(clock=lambda: 1_700_000_000, new_id=lambda prefix: f"{prefix}{next(counter):024d}")


NULLABLE = ("name", "description", "instructions", "tool_resources", "metadata", "temperature", "top_p",
            "response_format")
OPTIONAL = ("tool_resources", "temperature", "top_p", "response_format")
claims = st.sampled_from([None, "bot", "someone-else"])
records = st.none() | text | st.dictionaries(st.sampled_from(API_FIELDS), st.sampled_from(["x", digest("low")]),
                                             max_size=4).map(lambda digests: encode_record(ASSISTANT, digests))
# Partial updates: the same fields, each one optional, and `model` too.
updates = documents.flatmap(lambda doc: st.sets(st.sampled_from(sorted(doc))).map(
    lambda kept: {name: doc[name] for name in kept}))


@st.composite
def live_objects(draw: st.DrawFn, like: dict[str, Any] | None = None) -> dict[str, Any]:
    """An assistant as the sandbox holds it after a create, maybe a modify, maybe the tool's own metadata.

    With `like`, the create sends some of those fields too: a live object close to a file's, where a
    perpetual diff would show.
    """
    store, config = sandbox()
    body = draw(documents)
    if like is not None:
        body.update({name: like[name] for name in draw(st.sets(st.sampled_from(sorted(like))))})
    reserved = {IDENTITY_KEY: draw(claims), STATE_KEY: draw(records)}
    extra = {key: value for key, value in reserved.items() if value is not None}
    body["metadata"] = {**dict(list((body.get("metadata") or {}).items())[:14]), **extra}
    created = request(store, config, "POST", "/v1/assistants", body)
    assert created.status == 200, created.body
    live = created.body
    if draw(st.booleans()):
        modified = request(store, config, "POST", f"/v1/assistants/{live['id']}", draw(updates))
        assert modified.status == 200, modified.body
        live = modified.body
    # Another server may return what the object's schema allows and the sandbox never does: nulls, and
    # optional fields left out.
    for name in draw(st.sets(st.sampled_from(NULLABLE))):
        live[name] = None
    for name in draw(st.sets(st.sampled_from(OPTIONAL))):
        live.pop(name, None)
    return live


def desired(fields: dict[str, Any]) -> DesiredResource:
    return DesiredResource("bot", None, Location("bot.yaml", 1, 1), fields)


def apply_change(change: Change, live: dict[str, Any] | None) -> dict[str, Any]:
    """The live object after the sandbox core executed the change's body."""
    store, config = sandbox()
    if live is None:
        response = request(store, config, "POST", "/v1/assistants", change.body)
    else:
        store.put(StoredAssistant(json.loads(json.dumps(live))))  # as the server holds it
        response = request(store, config, "POST", f"/v1/assistants/{live['id']}", change.body)
    assert response.status == 200, (change.body, response.body)
    return response.body


def check_body(change: Change, wanted: dict[str, Any], live: dict[str, Any]) -> None:
    """The body holds exactly the managed fields whose value differs from live, plus metadata (always sent)."""
    assert change.body is not None
    changed = {field.path for field in change.fields}
    assert set(change.body) == changed | {"metadata"}
    record = decode_record(ASSISTANT, (live.get("metadata") or {}).get(STATE_KEY))
    for name, want in wanted.items():
        if name in WRITE_ONLY_FIELDS:
            differs = record is None or record.get(name) != digest(want)
        else:
            have = align_resolved(name, want, normalise_field(name, live.get(name)))
            differs = not same_value(have, want)
        assert (name in changed) == differs, (name, want, live.get(name))


@FAST
@given(fields=documents, data=st.data(), strict=st.booleans())
def test_applying_a_plan_converges(fields: dict[str, Any], data: st.DataObject, strict: bool) -> None:
    assert validate_assistant(fields) == []  # the strategy makes valid file documents only
    live = data.draw(st.one_of(live_objects(like=fields), live_objects(), st.none()), label="live")
    want = desired(fields)
    change = plan_resource(ASSISTANT, want, live, strict=strict)
    if isinstance(change, str):  # live metadata too full to add the reserved keys: reported, never written
        assert live is not None and "metadata pairs" in change
        return
    if change.action == "no-op":
        assert change.body is None and change.fields == ()
        return
    if live is not None:
        managed = {**API_DEFAULTS, **fields} if strict else fields
        check_body(change, {f: normalise_field(f, v) for f, v in managed.items()}, live)
    after = apply_change(change, live)
    again = plan_resource(ASSISTANT, want, after, strict=strict)
    assert isinstance(again, Change)
    assert (again.action, again.fields, again.body) == ("no-op", (), None), again.fields


@FAST
@given(fields=documents, live=live_objects())
def test_normalising_is_idempotent(fields: dict[str, Any], live: dict[str, Any]) -> None:
    for name in API_FIELDS:
        for value in (fields.get(name), live.get(name)):
            once = normalise_field(name, value)
            assert normalise_field(name, once) == once


# A live object is whatever the server sent: a shape the object schema forbids must not crash the plan.
odd_tools = st.lists(st.fixed_dictionaries({"type": st.sampled_from(["file_search", "function", "code_interpreter"])},
                                           optional={"file_search": json_values, "function": json_values}),
                     max_size=3)


@FAST
@example(field="tools", value=[{"type": "file_search", "file_search": [1]}])
@example(field="tools", value=[{"type": "file_search", "file_search": {"ranking_options": 5}}])
@example(field="tools", value=[{"type": "function", "function": "f"}])
@given(field=st.sampled_from(API_FIELDS), value=json_values | odd_tools)
def test_normalising_any_live_value_never_raises_and_is_idempotent(field: str, value: Any) -> None:
    once = normalise_field(field, value)
    assert normalise_field(field, once) == once


@FAST
@example(fields={"model": "gpt-4o"}, live={"metadata": 1.5})
@example(fields={"model": "gpt-4o"}, live={"metadata": ["not", "a", "map"]})
@given(fields=documents, live=st.dictionaries(st.sampled_from(API_FIELDS), json_values | odd_tools))
def test_any_live_object_is_planned_rendered_and_saved_without_raising(fields: dict[str, Any],
                                                                      live: dict[str, Any]) -> None:
    pinned = DesiredResource("bot", "asst_1", Location("bot.yaml", 1, 1), fields)
    plan = make_plan(ASSISTANT, [pinned], [{"id": "asst_1", "object": "assistant", **live}])
    assert len(plan.changes) + len(plan.errors) == 1
    render_plan_text(plan)
    render_plan_markdown(plan)
    assert plan_from_json(plan_to_json(plan), "plan.json") == plan


# ---------------------------------------------------------------- the loader never crashes


def load_or_problems(folder: Path) -> list[DesiredResource] | tuple[ValidationFailed, ...]:
    """What `load_desired` made of the folder; problems must each be located, on one printable line."""
    try:
        return load_desired([folder])
    except ValidationFailed as failed:
        assert failed.problems
        for problem in failed.problems:
            assert problem.location.path.startswith(str(folder)), problem
            assert problem.location.line >= 1 and problem.location.column >= 1, problem
            assert shown(str(problem)) == str(problem), problem  # one line, nothing a terminal would act on
        return (failed,)


def fresh_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "prompts").mkdir(parents=True)
    (folder / "prompts/p.md").write_text("Be brief.\n", encoding="utf-8")
    (folder / "schemas").mkdir()
    (folder / "schemas/p.json").write_text('{"type": "object"}', encoding="utf-8")
    return folder


@WITH_TMP
@given(raw=st.binary(max_size=300) | st.lists(st.sampled_from(
    [b"model: x\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"\r", b"\r\n", b"\x85", b"\xc3", b"\xe9", b": ", b"- ",
     b"[", b"{", b"\xe2\x80\xa8", b"\t", b"'", b'"', b"\\"]), max_size=30).map(b"".join))
def test_any_bytes_load_or_fail_with_located_problems(tmp_path: Path, raw: bytes) -> None:
    folder = fresh_folder(tmp_path)
    (folder / "a.yaml").write_bytes(raw)
    (folder / "prompts/p.md").write_bytes(raw)  # the same bytes as a prompt, for the documents that use one
    load_or_problems(folder)


FRAGMENTS = [
    "model: x\n", "key: k\n", "name: ", "instructions_file: prompts/p.md\n", "instructions_file: ../x\n",
    "instructions_file: /etc/passwd\n", "tools:\n", "  - type: function\n", "    function:\n", "      name: f\n",
    "      parameters_file: schemas/p.json\n", "  - type: file_search\n", "metadata:\n", "  a: b\n", "- ", ": ",
    "? ", "[", "]", "{", "}", ", ", "&a ", "*a", "&b [*a, *a] ", "<<: *a\n", "!!int ", "!!bool ", "!!null ",
    "!!float ", "!!str ", "!!map ", "!!seq ", "!!binary ", "!!python/object:os.system ", "!x ", "---\n", "...\n",
    "%YAML 1.1\n", "%TAG !e! tag:e,2000:\n", "|\n", ">-\n", "'q'", '"\\e\\u2028\\x00"', "\\", "#c\n", "0x_", ".nan",
    "-.inf", "1e999", "9" * 20, "~", "yes", "2024-01-01", "\ufeff", "\u2028", "\u202e", "\x85", "\t", "\r", "\r\n",
    "\n", "  ", "    ",
]


@WITH_TMP
@given(soup=st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_any_soup_of_yaml_fragments_loads_or_fails_with_located_problems(tmp_path: Path, soup: str) -> None:
    folder = fresh_folder(tmp_path)
    (folder / "a.yaml").write_text(soup, encoding="utf-8")
    load_or_problems(folder)


keys = st.text(max_size=10) | st.sampled_from(["model", "key", "id", "tools", "metadata", "instructions_file",
                                               "function", "parameters_file", "type"])
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.dates()
# Function tools whose parameters_file is any text: a path, nothing, `..`, a folder, a NUL.
references = st.lists(st.fixed_dictionaries({
    "type": st.sampled_from(["function", "file_search", "x"]),
    "function": st.fixed_dictionaries({"name": st.just("f"), "parameters_file": st.text(max_size=8) | st.sampled_from(
        ["schemas/p.json", "prompts/p.md", "..", "schemas", "a\x00b", "/etc/passwd"])})}), max_size=2)
nested = st.recursive(scalars | references, lambda children: st.lists(children, max_size=3)
                      | st.dictionaries(keys | st.integers() | st.booleans(), children, max_size=3), max_leaves=20)


@st.composite
def yaml_data(draw: st.DrawFn) -> Any:
    """Nested data, sometimes sharing parts (written as anchors and aliases), sometimes wrapped past MAX_DEPTH."""
    value = draw(nested)
    if draw(st.booleans()):
        value = {"model": "x", "shared": value, "again": value, "more": [value, value]}  # PyYAML writes aliases
    for _ in range(draw(st.sampled_from([0, 0, 1, 40, 70]))):
        value = draw(st.sampled_from([[value], {"k": value}]))
    return {"model": "x", "key": "k", **draw(st.dictionaries(keys, st.just(value), max_size=2))} \
        if draw(st.booleans()) else value


@WITH_TMP
@given(data=yaml_data(), flow=st.booleans())
def test_any_nested_yaml_data_loads_or_fails_with_located_problems(tmp_path: Path, data: Any, flow: bool) -> None:
    folder = fresh_folder(tmp_path)
    (folder / "a.yaml").write_text(yaml.dump(data, allow_unicode=True, default_flow_style=flow), encoding="utf-8")
    loaded = load_or_problems(folder)
    if isinstance(loaded, list):
        assert [assistant.key for assistant in loaded] == ["k"] or [a.key for a in loaded] == ["a"]


@WITH_TMP
@given(fields=documents)
def test_a_valid_document_written_as_yaml_loads_back_exactly(tmp_path: Path, fields: dict[str, Any]) -> None:
    folder = fresh_folder(tmp_path)
    (folder / "bot.yaml").write_text(dump_yaml(fields), encoding="utf-8")
    [assistant] = load_desired([folder])
    assert (assistant.key, assistant.fields) == ("bot", fields)
