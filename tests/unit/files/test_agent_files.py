"""Agent files beside assistant files: load_desired on literal trees, the exact resources and located problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tree import write

from assistantsync.errors import Location, ValidationFailed
from assistantsync.files.desired import load_desired

AGENT = "kind: agent\nname: {name}\ndefinition: {{kind: prompt, model: gpt-4.1}}\n"
PARAMETERS = {"type": "object", "properties": {"id": {"type": "string"}}}


def problems(paths: list[Path]) -> list[str]:
    with pytest.raises(ValidationFailed) as failed:
        load_desired(paths)
    return [str(problem) for problem in failed.value.problems]


def test_agents_and_assistants_side_by_side_sorted_by_kind_then_key(in_tmp: Path) -> None:
    write(in_tmp / "zeta.yaml", "model: gpt-4o\n")
    write(in_tmp / "bots.yaml", AGENT.format(name="support-bot") + "---\n" + AGENT.format(name="Alpha"))
    write(in_tmp / "alpha.yaml", "model: gpt-4o\ninstructions: Hi\n")
    # The second document of bots.yaml starts at its `---`.
    loaded = [(r.kind, r.key, r.id, r.fields, str(r.source)) for r in load_desired([Path(".")])]
    assert loaded == [
        ("agent", "Alpha", None, {"name": "Alpha", "definition.model": "gpt-4.1"}, "bots.yaml:4:1"),
        ("agent", "support-bot", None, {"name": "support-bot", "definition.model": "gpt-4.1"}, "bots.yaml:1:1"),
        ("assistant", "alpha", None, {"model": "gpt-4o", "instructions": "Hi"}, "alpha.yaml:1:1"),
        ("assistant", "zeta", None, {"model": "gpt-4o"}, "zeta.yaml:1:1"),
    ]


def test_every_agent_field_is_flat_and_located_at_its_key(in_tmp: Path) -> None:
    write(in_tmp / "bot.yaml", "kind: agent\nname: bot\ndescription: D\nmetadata: {team: hr}\ndefinition:\n"
                               "  kind: prompt\n  model: m\n  temperature: 0.5\n")
    (bot,) = load_desired([Path("bot.yaml")])
    assert bot.fields == {"name": "bot", "description": "D", "metadata": {"team": "hr"}, "definition.model": "m",
                          "definition.temperature": 0.5}
    assert dict(bot.field_sources) == {
        "name": Location("bot.yaml", 2, 1), "description": Location("bot.yaml", 3, 1),
        "metadata": Location("bot.yaml", 4, 1), "definition.model": Location("bot.yaml", 7, 3),
        "definition.temperature": Location("bot.yaml", 8, 3)}


# (case, files, the problems reported)
PROBLEMS: list[tuple[str, dict[str, str], list[str]]] = [
    ("kind: bogus is located at kind", {"a.yaml": "kind: bogus\nname: x\n"},
     ["a.yaml:1:1: kind: must be 'agent' (a Foundry agent), or left out for an assistant; not 'bogus'"]),
    ("kind: assistant is not a kind a file names", {"a.yaml": "model: m\n---\nkey: b\nkind: assistant\nmodel: m\n"},
     ["a.yaml:1:1: key: required in a file that holds several documents: add `key: <name>`",
      "a.yaml:4:1: kind: must be 'agent' (a Foundry agent), or left out for an assistant; not 'assistant'"]),
    ("a name starting with a hyphen", {"a.yaml": AGENT.format(name="-x")},
     ["a.yaml:2:1: name: must be an agent name: 1-63 letters, digits and hyphens, starting and ending "
      "with a letter or digit"]),
    ("a name with an underscore", {"a.yaml": AGENT.format(name="a_b")},
     ["a.yaml:2:1: name: must be an agent name: 1-63 letters, digits and hyphens, starting and ending "
      "with a letter or digit"]),
    ("a name of 64 characters", {"a.yaml": AGENT.format(name="a" * 64)},
     ["a.yaml:2:1: name: must be an agent name: 1-63 letters, digits and hyphens, starting and ending "
      "with a letter or digit",
      "a.yaml:2:1: name: must be at most 63 characters long, not 64"]),
    ("a name that is no string", {"a.yaml": AGENT.format(name="5")},
     ["a.yaml:2:1: name: must be a string, not an integer"]),
    ("two agents with one name clash, both located", {"a.yaml": AGENT.format(name="bot"),
                                                      "b/c.yaml": "model: m\n---\n" + AGENT.format(name="bot")},
     ["a.yaml:1:1: name: name 'bot' is also defined at b/c.yaml:2:1",
      "b/c.yaml:1:1: key: required in a file that holds several documents: add `key: <name>`",
      "b/c.yaml:2:1: name: name 'bot' is also defined at a.yaml:1:1"]),
    ("key and id are no fields of an agent", {"a.yaml": "key: k\nid: asst_1\n" + AGENT.format(name="bot")},
     ["a.yaml:1:1: key: unknown field 'key' (allowed: definition, description, kind, metadata, name)",
      "a.yaml:2:1: id: unknown field 'id' (allowed: definition, description, kind, metadata, name)"]),
    ("instructions_file leaving the root", {"a.yaml": "kind: agent\nname: bot\ndefinition:\n  kind: prompt\n"
                                                      "  model: m\n  instructions_file: ../secret.md\n"},
     ["a.yaml:6:3: definition.instructions_file: '../secret.md' leads outside .: file references must stay "
      "inside the folder being loaded"]),
    ("parameters_file leaving the root",
     {"a.yaml": "kind: agent\nname: bot\ndefinition:\n  kind: prompt\n  model: m\n  tools:\n"
                "    - {type: function, name: f, strict: true, parameters_file: /etc/passwd}\n"},
     ["a.yaml:7:47: definition.tools[0].parameters_file: '/etc/passwd' is an absolute path; write it relative to "
      "this YAML file"]),
    ("a missing instructions_file is located at the reference",
     {"a.yaml": "kind: agent\nname: bot\ndefinition: {kind: prompt, model: m, instructions_file: gone.md}\n"},
     ["a.yaml:3:38: definition.instructions_file: 'gone.md' does not exist"]),
    ("references outside the definition are not read: the schema refuses them",
     {"a.yaml": "kind: agent\nname: bot\ninstructions_file: gone.md\ndefinition: [1]\n"},
     ["a.yaml:3:1: instructions_file: unknown field 'instructions_file' (allowed: definition, description, kind, "
      "metadata, name)",
      "a.yaml:4:1: definition: must be a mapping, not a list"]),
]


@pytest.mark.parametrize(("files", "reported"), [c[1:] for c in PROBLEMS], ids=[c[0] for c in PROBLEMS])
def test_problems_are_located(in_tmp: Path, files: dict[str, str], reported: list[str]) -> None:
    for name, text in files.items():
        write(in_tmp / name, text)
    assert problems([Path(".")]) == reported


def test_an_agent_name_equal_to_an_assistant_key_is_no_clash(in_tmp: Path) -> None:
    write(in_tmp / "agent.yaml", AGENT.format(name="bot"))
    write(in_tmp / "bot.yaml", "model: gpt-4o\n")
    write(in_tmp / "other.yaml", "key: bot2\nname: bot\nmodel: gpt-4o\n")
    assert [(r.kind, r.key) for r in load_desired([Path(".")])] == [
        ("agent", "bot"), ("assistant", "bot"), ("assistant", "bot2")]


def test_instructions_file_is_read_and_its_source_is_the_reference(in_tmp: Path) -> None:
    write(in_tmp / "agents/bot.yaml", "kind: agent\nname: bot\ndefinition:\n  kind: prompt\n  model: m\n"
                                      "  instructions_file: ../prompts/bot.md\n")
    write(in_tmp / "prompts/bot.md", "Be brief.\nBe kind.\n")
    (bot,) = load_desired([Path(".")])
    assert bot.fields == {"name": "bot", "definition.model": "m", "definition.instructions": "Be brief.\nBe kind.\n"}
    assert bot.field_sources["definition.instructions"] == Location("agents/bot.yaml", 6, 3)


@pytest.mark.parametrize(("name", "text"), [
    ("params.json", '{"type": "object", "properties": {"id": {"type": "string"}}}'),
    ("params.yaml", "type: object\nproperties:\n  id: {type: string}\n"),
    ("params.yml", "type: object\nproperties: {id: {type: string}}\n"),
])
def test_a_flat_function_parameters_file_is_read_and_is_no_resource(in_tmp: Path, name: str, text: str) -> None:
    write(in_tmp / "bot.yaml", "kind: agent\nname: bot\ndefinition:\n  kind: prompt\n  model: m\n  tools:\n"
                               f"    - type: function\n      name: f\n      strict: true\n"
                               f"      parameters_file: schemas/{name}\n")
    write(in_tmp / "schemas" / name, text)
    (bot,) = load_desired([Path(".")])  # the walk finds schemas/params.yaml but it is the tool's data
    assert bot.fields["definition.tools"] == [{"type": "function", "name": "f", "strict": True,
                                               "parameters": PARAMETERS}]
    assert list(bot.fields["definition.tools"][0]) == ["type", "name", "strict", "parameters"]  # in its place


def test_a_nested_function_object_in_an_agent_is_refused_by_the_schema(in_tmp: Path) -> None:
    # An assistant's tool shape: the agent format is flat, with no `function` object.
    write(in_tmp / "bot.yaml", "kind: agent\nname: bot\ndefinition:\n  kind: prompt\n  model: m\n  tools:\n"
                               "    - {type: function, function: {name: f, parameters: {}}}\n")
    assert problems([Path(".")]) == [
        "bot.yaml:7:7: definition.tools[0]: required field 'name' is missing",
        "bot.yaml:7:7: definition.tools[0]: required field 'parameters' is missing",
        "bot.yaml:7:7: definition.tools[0]: required field 'strict' is missing",
        "bot.yaml:7:24: definition.tools[0].function: unknown field 'function' (allowed: allowed_callers, "
        "defer_loading, description, name, output_schema, parameters, parameters_file, strict, type)"]
