"""importer/convert.py, importer/keys.py and files/yaml_write.py, pure: literal live objects in, exact files out,
read back by the real loader."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistantsync.errors import AssistantSyncError, Location
from assistantsync.files.desired import DesiredResource
from assistantsync.files.file_format import slug
from assistantsync.files.yaml_read import load_yaml
from assistantsync.files.yaml_write import dump_yaml
from assistantsync.importer.convert import ImportedFile, import_files, resource_files
from assistantsync.importer.keys import assign_keys, claim_conflicts
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.kinds.assistant.file_document import FIELD_ORDER
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.changes import plan_resource
from assistantsync.plan.reserved import IDENTITY_KEY, STATE_KEY
from assistantsync.schema.validate import validate_assistant

SCHEMA = "../schemas/assistant.schema.json"
DEFAULT_RANKING = {"ranker": "default_2024_08_21", "score_threshold": 0.0}


def live(ident: str = "asst_1", created_at: int = 1, **fields: Any) -> dict[str, Any]:
    """What the server returns: every default filled in."""
    base = {"id": ident, "object": "assistant", "created_at": created_at, "name": None, "description": None,
            "model": "gpt-4o", "instructions": None, "tools": [], "tool_resources": {}, "metadata": {},
            "temperature": 1.0, "top_p": 1.0, "response_format": "auto"}
    return {**base, **fields}


def read_back(file: ImportedFile) -> dict[str, Any]:
    (document,) = load_yaml(file.text, str(file.path))
    return document.data


def document_of(item: dict[str, Any], key: str = "bot") -> dict[str, Any]:
    return read_back(resource_files(ASSISTANT, item, key, schema_ref=SCHEMA)[0])


# --- keys ---------------------------------------------------------------------------------------------------

SLUGS = [
    ("Support Bot", "support-bot"),
    ("  Café  Crème!! ", "cafe-creme"),
    ("Ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
    ("Straße, Æsir & Łódź", "strasse-aesir-lodz"),
    ("Hello_World.v2", "hello_world.v2"),
    ("..hidden..", "hidden"),
    ("tab\tand\nnewline", "tab-and-newline"),
    ("助手", ""),
    ("", ""),
    (None, ""),
    ("a" * 100, "a" * 64),
    ("a" * 63 + "-b", "a" * 63),
    ("asst_AbC-9", "asst_abc-9"),
]


@pytest.mark.parametrize(("text", "expected"), SLUGS)
def test_slug(text: str | None, expected: str) -> None:
    assert slug(text) == expected


KEYS = [
    ("names", [live("asst_a", name="HR Helper"), live("asst_b", name="Weather")], ["hr-helper", "weather"]),
    ("same name, creation order", [live("asst_a", name="Bot"), live("asst_b", name="Bot"), live("asst_c", name="Bot")],
     ["bot", "bot-2", "bot-3"]),
    ("managed key wins over an earlier slug",
     [live("asst_a", name="Bot"), live("asst_b", name="Other", metadata={IDENTITY_KEY: "bot"})], ["bot-2", "bot"]),
    ("second claimant of one key", [live("asst_a", metadata={IDENTITY_KEY: "bot"}),
                                    live("asst_b", metadata={IDENTITY_KEY: "bot"})], ["bot", "bot-2"]),
    ("unusable managed key", [live("asst_a", name="X", metadata={IDENTITY_KEY: "Bad Key"})], ["bad-key"]),
    ("hidden managed key", [live("asst_a", metadata={IDENTITY_KEY: ".dot"})], ["dot"]),
    ("no name: the id", [live("asst_AbC1"), live("asst_x", name="")], ["asst_abc1", "asst_x"]),
    ("name of no usable letters: the id", [live("asst_Q", name="助手 ✨")], ["asst_q"]),
    ("a suffix still fits 64 characters", [live("asst_a", name="n" * 70), live("asst_b", name="n" * 70)],
     ["n" * 64, "n" * 62 + "-2"]),
    ("a slug equal to a suffixed one", [live("asst_a", name="Bot"), live("asst_b", name="Bot"),
                                        live("asst_c", name="bot-2")], ["bot", "bot-2", "bot-2-2"]),
]


@pytest.mark.parametrize(("items", "expected"), [case[1:] for case in KEYS], ids=[case[0] for case in KEYS])
def test_assign_keys(items: list[dict[str, Any]], expected: list[str]) -> None:
    assert assign_keys(ASSISTANT, items) == expected


@pytest.mark.parametrize("name", ["True", "null", "1.0", "2024-01-01", "0x1f", "1_000", "no", "~", "0777"])
def test_keys_that_look_like_other_yaml_values_stay_strings(name: str) -> None:
    (key,) = assign_keys(ASSISTANT, [live(name=name)])
    files = import_files(ASSISTANT, [live(name=name)], schema_ref=SCHEMA)
    assert read_back(files[0])["key"] == key and files[0].path == Path(f"{key}.yaml")
    assert read_back(files[0])["name"] == name


def test_claim_conflicts_name_every_key_claimed_twice() -> None:
    items = [live("asst_b", metadata={IDENTITY_KEY: "bot"}), live("asst_a", metadata={IDENTITY_KEY: "bot"}),
             live("asst_c", metadata={IDENTITY_KEY: "solo"}), live("asst_d")]
    assert claim_conflicts(ASSISTANT, items) == [
        "asst_a and asst_b both claim key 'bot' in metadata assistantsync_key; the files give them different keys, "
        "but plan refuses them until you clear assistantsync_key on all but one"]
    assert claim_conflicts(ASSISTANT, items[2:]) == []
    three = [*items, live("asst_e", metadata={IDENTITY_KEY: "bot"})]
    assert claim_conflicts(ASSISTANT, three)[0].startswith("asst_a, asst_b and asst_e all claim key 'bot'")


def test_files_follow_creation_order_ties_keep_the_given_order_and_ids_import_once() -> None:
    items = [live("asst_late", 9, name="Bot"), live("asst_b", 5, name="Bot"), live("asst_a", 5, name="Bot"),
             live("asst_b", 5, name="Bot")]
    files = import_files(ASSISTANT, items, schema_ref=SCHEMA)
    assert [(f.path, read_back(f)["id"]) for f in files] == [
        (Path("bot.yaml"), "asst_b"), (Path("bot-2.yaml"), "asst_a"), (Path("bot-3.yaml"), "asst_late")]


# --- fields: defaults omitted, server fill dropped, and plan sees nothing to change ---------------------------

FILE_SEARCH = {"type": "file_search", "file_search": {"ranking_options": DEFAULT_RANKING}}
FUNCTION = {"type": "function", "function": {"name": "f", "description": None, "parameters": {"type": "object"},
                                             "strict": False}}
CODE_FILES = {"code_interpreter": {"file_ids": ["file-b", "file-a"]}}  # the server's order is kept
FIELDS = [
    ("only model", {}, {}),
    ("empty texts", {"name": "", "description": "", "instructions": ""}, {}),
    ("default numbers", {"temperature": 1, "top_p": 1.0}, {}),
    ("numbers", {"temperature": 0.2, "top_p": 0.0}, {"temperature": 0.2, "top_p": 0.0}),
    ("null response format", {"response_format": None}, {}),
    ("json_object", {"response_format": {"type": "json_object"}}, {"response_format": {"type": "json_object"}}),
    ("json_schema strict false",
     {"response_format": {"type": "json_schema", "json_schema": {"schema": {"type": "object"}, "strict": False,
                                                                 "name": "x"}}},
     {"response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}}),
    ("bare file_search", {"tools": [FILE_SEARCH], "tool_resources": {"file_search": {"vector_store_ids": []}}},
     {"tools": [{"type": "file_search"}]}),
    ("ranker auto and integer threshold",
     {"tools": [{"type": "file_search", "file_search": {"ranking_options": {"ranker": "auto", "score_threshold": 0}}}]},
     {"tools": [{"type": "file_search"}]}),
    ("file_search options",
     {"tools": [{"type": "file_search", "file_search": {
         "ranking_options": {"score_threshold": 0.5, "ranker": "default_2024_08_21"}, "max_num_results": 7}}]},
     {"tools": [{"type": "file_search", "file_search": {
         "max_num_results": 7, "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.5}}}]}),
    ("function strict false, no description", {"tools": [FUNCTION]},
     {"tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]}),
    ("function strict true",
     {"tools": [{"function": {"parameters": {}, "strict": True, "description": "d", "name": "g"}, "type": "function"}]},
     {"tools": [{"type": "function", "function": {"name": "g", "description": "d", "strict": True,
                                                  "parameters": {}}}]}),
    ("code interpreter files", {"tools": [{"type": "code_interpreter"}], "tool_resources": CODE_FILES},
     {"tools": [{"type": "code_interpreter"}], "tool_resources": CODE_FILES}),
    ("reserved metadata", {"metadata": {IDENTITY_KEY: "bot", STATE_KEY: "v1;x", "team": "hr"}},
     {"metadata": {"team": "hr"}}),
    ("only reserved metadata", {"metadata": {IDENTITY_KEY: "bot"}}, {}),
]


@pytest.mark.parametrize(("fields", "expected"), [case[1:] for case in FIELDS], ids=[case[0] for case in FIELDS])
def test_only_fields_that_differ_from_the_api_defaults_are_written(
        fields: dict[str, Any], expected: dict[str, Any]) -> None:
    item = live(**fields)
    data = document_of(item)
    assert data == {"key": "bot", "id": "asst_1", "model": "gpt-4o", **expected}
    assert validate_assistant(data) == []
    # What plan makes of the file: adopting the assistant (or nothing, if it is managed), no field changing.
    wanted = DesiredResource("bot", "asst_1", Location("bot.yaml", 1, 1),
                              {k: v for k, v in data.items() if k not in ("key", "id")})
    change = plan_resource(ASSISTANT, wanted, item)
    assert not isinstance(change, str) and change.fields == ()
    assert change.action == ("no-op" if fields.get("metadata", {}).get(IDENTITY_KEY) == "bot" else "adopt")


def test_a_live_object_without_a_model_is_an_error_naming_it() -> None:
    with pytest.raises(AssistantSyncError, match="asst_1"):
        resource_files(ASSISTANT, live(model=None), "bot", schema_ref=SCHEMA)


# --- instructions: inline or a prompt file ------------------------------------------------------------------

PROMPTS = [
    ("one line", "Be brief.", False),
    ("five lines", "1\n2\n3\n4\n5", False),
    ("five lines and a final newline", "1\n2\n3\n4\n5\n", False),
    ("six lines", "1\n2\n3\n4\n5\n6", True),
    ("400 characters", "x" * 400, False),
    ("401 characters", "x" * 401, True),
    ("long, but a byte order mark the loader would drop", "\ufeff" + "x" * 500, False),
    ("long, but a lone surrogate no file can hold", "\ud800" + "x" * 500, False),
]


@pytest.mark.parametrize(("text", "in_file"), [case[1:] for case in PROMPTS], ids=[case[0] for case in PROMPTS])
def test_long_instructions_get_a_prompt_file(text: str, in_file: bool) -> None:
    files = resource_files(ASSISTANT, live(instructions=text), "bot", schema_ref=SCHEMA)
    if in_file:
        assert [f.path for f in files] == [Path("bot.yaml"), Path("prompts/bot.md")]
        assert files[1].text == text
        assert read_back(files[0])["instructions_file"] == "prompts/bot.md"
    else:
        assert [f.path for f in files] == [Path("bot.yaml")]
        if text.isascii() or "\ufeff" in text:  # the surrogate one is escaped, and refused by the loader
            assert read_back(files[0])["instructions"] == text


# --- layout: order, styles, the exact text ------------------------------------------------------------------

def test_fields_are_in_the_documented_order() -> None:
    item = live(metadata={"b": "1", "a": "2"}, top_p=0.5, temperature=0.5, response_format={"type": "json_object"},
                tool_resources={"code_interpreter": {"file_ids": ["f"]}}, tools=[{"type": "code_interpreter"}],
                instructions="Hi", description="D", name="N", model="m")
    data = document_of(item)
    assert list(data) == [name for name in FIELD_ORDER if name in data] and len(data) == len(FIELD_ORDER) - 1
    assert list(data["metadata"]) == ["b", "a"]  # user maps keep the server's order


EXACT = '''\
# yaml-language-server: $schema=../schemas/assistant.schema.json
# Imported from live assistant asst_abc123 by `assistantsync import`.
key: hr-helper
id: asst_abc123
model: gpt-4o
name: HR Helper
description: 'Answers questions: briefly.'
instructions: |
  You answer HR questions.
  Cite the handbook.
tools:
  - type: file_search
    file_search:
      max_num_results: 8
  - type: function
    function:
      name: lookup
      strict: true
      parameters:
        type: object
        properties:
          q:
            type: string
            description: Suchbegriff – „kurz“
        required:
          - q
tool_resources:
  file_search:
    vector_store_ids: [vs_1]
temperature: 0.2
metadata:
  team: people-ops
  'yes': 'no'
'''


def test_exact_text_of_one_small_assistant() -> None:
    item = live("asst_abc123", name="HR Helper", description="Answers questions: briefly.",
                instructions="You answer HR questions.\nCite the handbook.\n", temperature=0.2,
                tools=[{"type": "file_search",
                        "file_search": {"max_num_results": 8, "ranking_options": DEFAULT_RANKING}},
                       {"type": "function", "function": {"name": "lookup", "strict": True, "parameters": {
                           "type": "object", "properties": {"q": {"type": "string",
                                                                  "description": "Suchbegriff – „kurz“"}},
                           "required": ["q"]}}}],
                tool_resources={"file_search": {"vector_store_ids": ["vs_1"]}},
                metadata={"team": "people-ops", "yes": "no", IDENTITY_KEY: "hr-helper"})
    assert import_files(ASSISTANT, [item], schema_ref=SCHEMA) == [ImportedFile(Path("hr-helper.yaml"), EXACT)]


STYLES = [
    ("multi-line: block", "a\nb\n", "x: |\n  a\n  b\n"),
    ("no final newline: block, stripped", "a\nb", "x: |-\n  a\n  b\n"),
    ("indented first line: block with an indicator", "  a\nb\n", "x: |2\n    a\n  b\n"),
    ("trailing spaces: quoted", "a  \nb\n", 'x: "a  \\nb\\n"\n'),
    ("a tab: quoted, escaped", "a\tb\nc", 'x: "a\\tb\\nc"\n'),
    ("NEL: quoted, escaped", "a\x85b", 'x: "a\\Nb"\n'),
    ("one line", "plain text", "x: plain text\n"),
]


@pytest.mark.parametrize(("text", "expected"), [case[1:] for case in STYLES], ids=[case[0] for case in STYLES])
def test_string_styles(text: str, expected: str) -> None:
    assert dump_yaml({"x": text}) == expected
    assert load_yaml(expected, "x.yaml")[0].data == {"x": text}


def test_a_value_used_twice_is_written_twice_without_anchors() -> None:
    shared = {"type": "object", "properties": {}}
    text = dump_yaml({"a": shared, "b": shared, "c": [shared, shared]})
    assert "&" not in text and "*" not in text
    assert load_yaml(text, "x.yaml")[0].data == {"a": shared, "b": shared, "c": [shared, shared]}


def test_header_comments_cannot_be_broken_by_odd_values() -> None:
    (file,) = resource_files(ASSISTANT, live("asst_1\nkey: evil"), "bot", schema_ref="/odd\npath")
    assert file.text.splitlines()[:2] == [
        '# yaml-language-server: $schema="/odd\\npath"',
        '# Imported from live assistant "asst_1\\nkey: evil" by `assistantsync import`.']
    assert read_back(file)["key"] == "bot"


PIECES = ["a", "b", " ", "  ", "\n", "\t", "\r", "#", ":", "-", "|", ">", "'", '"', "é", "✓", "\u2028", "\x85",
          "\ufeff", "\x00", "\x7f", "---", "...", "null", "1"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=20).map("".join)
ANY_TEXT = st.one_of(TEXT, st.text(st.characters(exclude_categories=["Cs"]), max_size=30))


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT, ANY_TEXT, ANY_TEXT)
def test_every_string_reads_back_exactly_and_the_output_has_no_tab(name: str, instructions: str, value: str) -> None:
    item = live(name=name, instructions=instructions, metadata={"k": value},
                tools=[{"type": "function", "function": {"name": "f", "description": value, "parameters": {}}}])
    files = resource_files(ASSISTANT, item, "bot", schema_ref=SCHEMA)
    assert "\t" not in files[0].text
    data = read_back(files[0])
    assert data.get("name", "") == name and data["metadata"] == {"k": value}
    assert data["tools"][0]["function"]["description"] == value
    held = files[1].text if len(files) == 2 else data.get("instructions", "")
    assert held == instructions


def test_a_long_prompt_holding_a_nul_stays_inline() -> None:
    # A prompt file with a NUL byte is refused by the loader (git shows it as binary), so import keeps
    # such instructions inline, escaped, where they read back exactly.
    text = "line\n" * 10 + "nul:\x00\n"
    files = import_files(ASSISTANT, [{"id": "asst_1", "created_at": 1, "model": "gpt-4o", "name": "Nul",
                                      "instructions": text, "metadata": {}}], schema_ref="schema.json")
    assert [f.path.name for f in files] == ["nul.yaml"]
    assert "\\0" in files[0].text or "\\x00" in files[0].text


# --- what comes from the kind -------------------------------------------------------------------------------

KIND_KEYS = [
    ("a kind without a display name: the id", replace(ASSISTANT, display_name_field=None),
     [live("asst_A", name="Bot")], ["asst_a"]),
    ("nothing usable: the kind's name", replace(ASSISTANT, name="agent"), [live("助手", name="助手")], ["agent"]),
]


@pytest.mark.parametrize(("kind", "items", "expected"), [case[1:] for case in KIND_KEYS],
                         ids=[case[0] for case in KIND_KEYS])
def test_keys_follow_the_kind(kind: ResourceKind, items: list[dict[str, Any]], expected: list[str]) -> None:
    assert assign_keys(kind, items) == expected


def test_the_header_names_the_kind_and_a_kind_without_long_text_keeps_it_inline() -> None:
    kind = replace(ASSISTANT, name="agent", long_text_field=None)
    (file,) = resource_files(kind, live(instructions="x" * 500), "bot", schema_ref=SCHEMA)
    assert file.text.splitlines()[1] == "# Imported from live agent asst_1 by `assistantsync import`."
    assert read_back(file)["instructions"] == "x" * 500


def test_a_kind_without_a_document_cannot_be_imported() -> None:
    with pytest.raises(AssistantSyncError, match="^import cannot write agents yet; nothing was written$"):
        import_files(replace(ASSISTANT, plural="agents", to_document=None), [live()], schema_ref=SCHEMA)
