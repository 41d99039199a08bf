"""migrate on the repository's own assistant examples: the agent names, the shape of each agent, the report."""

from __future__ import annotations

from typing import Any

import yaml
from helpers.paths import EXAMPLES

from assistantsync.migrate.convert import convert_all
from assistantsync.migrate.report import AssistantFile, Outcome

# (source, agent name, the report's (field, outcome)s): only the display names have nowhere to go.
EXPECTED = [
    ("hr-helper.yaml", "hr-helper", [("name", Outcome.DROPPED)]),
    ("invoice-extractor.yaml", "invoice-extractor", [("name", Outcome.DROPPED)]),
    ("support-team.yaml#1", "support-triage", [("name", Outcome.DROPPED)]),
    ("support-team.yaml#2", "support-analyst", [("name", Outcome.DROPPED)]),
    ("support-team.yaml#3", "support-kb", [("name", Outcome.DROPPED)]),
    ("weather.yaml", "weather", [("name", Outcome.DROPPED)]),
]


def _example_files() -> list[AssistantFile]:
    files = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        for number, document in enumerate(documents, start=1):
            source = f"{path.name}#{number}" if len(documents) > 1 else path.name
            files.append(AssistantFile(source, document.get("key", path.stem), document))
    return files


def test_examples_convert_with_an_accurate_report() -> None:
    conversions = convert_all(_example_files())
    assert [(c.source, c.agent["name"], [(i.field, i.outcome) for i in c.items]) for c in conversions] == EXPECTED


def test_examples_become_create_bodies_of_prompt_agents() -> None:
    for conversion in convert_all(_example_files()):
        agent: dict[str, Any] = conversion.agent
        assert list(agent)[:2] == ["kind", "name"] and list(agent)[-1] == "definition"
        assert agent["kind"] == "agent" and agent["definition"]["kind"] == "prompt"
        for tool in agent["definition"].get("tools", []):
            assert "function" not in tool and "file_search" not in tool


def test_the_weather_function_is_flat_and_its_schema_file_referenced() -> None:
    weather = next(c.agent for c in convert_all(_example_files()) if c.source == "weather.yaml")
    assert weather["definition"]["tools"] == [{"type": "function", "name": "get_weather",
                                               "description": "Get the current weather for a city.",
                                               "parameters_file": "schemas/get_weather.json", "strict": True}]
