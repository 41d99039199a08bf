"""An unknown field names the closest allowed one, in both kinds' files and in nested objects, on one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tree import write

from assistantsync.errors import ValidationFailed
from assistantsync.files.desired import load_desired

ASSISTANT_FIELDS = ("description, id, instructions, instructions_file, key, metadata, model, name, reasoning_effort, "
                    "response_format, temperature, tool_resources, tools, top_p")
AGENT_FIELDS = "definition, description, kind, metadata, name"
DEFINITION_FIELDS = ("instructions, instructions_file, kind, model, rai_config, reasoning, structured_inputs, "
                     "temperature, text, tool_choice, tools, top_p")
AGENT = "kind: agent\nname: bot\n"

CASES = [
    ("assistant-top-level", "model: gpt-4o\ndescripton: x\n",
     f"f.yaml:2:1: descripton: unknown field 'descripton' (did you mean 'description'? allowed: {ASSISTANT_FIELDS})"),
    ("assistant-swapped-letters", "model: gpt-4o\nnmae: x\n",
     f"f.yaml:2:1: nmae: unknown field 'nmae' (did you mean 'name'? allowed: {ASSISTANT_FIELDS})"),
    ("assistant-function-field", "model: gpt-4o\ntools:\n  - {type: function, function: {name: f, paramters: {}}}\n",
     "f.yaml:3:42: tools[0].function.paramters: unknown field 'paramters' (did you mean 'parameters'? allowed: "
     "description, name, parameters, parameters_file, strict)"),
    ("assistant-file-search-field",
     "model: gpt-4o\ntools:\n  - {type: file_search, file_search: {max_num_result: 5}}\n",
     "f.yaml:3:39: tools[0].file_search.max_num_result: unknown field 'max_num_result' (did you mean "
     "'max_num_results'? allowed: max_num_results, ranking_options)"),
    ("assistant-nothing-close", "model: gpt-4o\ncolour: red\n",
     f"f.yaml:2:1: colour: unknown field 'colour' (allowed: {ASSISTANT_FIELDS})"),
    ("agent-top-level", AGENT + "descripton: x\ndefinition: {kind: prompt, model: m}\n",
     f"f.yaml:3:1: descripton: unknown field 'descripton' (did you mean 'description'? allowed: {AGENT_FIELDS})"),
    ("agent-definition-member", AGENT + "definition: {kind: prompt, model: m, instructons: hi}\n",
     "f.yaml:3:38: definition.instructons: unknown field 'instructons' (did you mean 'instructions'? allowed: "
     f"{DEFINITION_FIELDS})"),
    ("agent-tool-field", AGENT + "definition:\n  kind: prompt\n  model: m\n  tools:\n"
                                 "    - {type: function, name: f, parameters: {}, strict: true, descripton: x}\n",
     "f.yaml:7:63: definition.tools[0].descripton: unknown field 'descripton' (did you mean 'description'? allowed: "
     "allowed_callers, defer_loading, description, name, output_schema, parameters, parameters_file, strict, type)"),
    # 'id' is two letters of 'kind': too far-fetched a guess to offer.
    ("agent-nothing-close", AGENT + "id: x\ndefinition: {kind: prompt, model: m}\n",
     f"f.yaml:3:1: id: unknown field 'id' (allowed: {AGENT_FIELDS})"),
]


@pytest.mark.parametrize(("text", "problem"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_an_unknown_field_suggests_the_closest_allowed_name_only_when_one_is_close(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, problem: str) -> None:
    monkeypatch.chdir(tmp_path)  # problems name files relative to here
    write(tmp_path / "f.yaml", text)
    with pytest.raises(ValidationFailed) as failed:
        load_desired([Path(".")])
    assert [str(found) for found in failed.value.problems] == [problem]
