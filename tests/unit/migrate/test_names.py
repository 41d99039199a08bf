"""migrate/names.py: the agent name rule, and the refusal of keys that give no name or the same name."""

from __future__ import annotations

import re

import pytest

from assistantsync.kinds.agent.file_format import NAME_MAX_CHARS, NAME_PATTERN
from assistantsync.migrate.convert import convert_all
from assistantsync.migrate.names import NameCollision, UnusableName, agent_name
from assistantsync.migrate.report import AssistantFile

NAMES = [
    ("support-kb", "support-kb"),
    ("support_kb", "support-kb"),
    ("support.kb", "support-kb"),
    ("Support KB", "support-kb"),
    ("a--b__c..d", "a-b-c-d"),
    ("-._edge_.-", "edge"),
    ("7", "7"),
    ("Zürich Bot", "z-rich-bot"),
    ("a" * 64, "a" * 63),
    ("a" * 62 + "-b", "a" * 62),  # cut at 63 leaves a trailing hyphen, stripped
    ("._-", ""),
]


@pytest.mark.parametrize(("key", "name"), NAMES)
def test_agent_name(key: str, name: str) -> None:
    assert agent_name(key) == name
    assert name == "" or (re.fullmatch(NAME_PATTERN, name) and len(name) <= NAME_MAX_CHARS)


REFUSALS = [
    ("two keys that clean to one name",
     [("a.yaml", "support_kb"), ("b.yaml", "other"), ("c.yaml", "support.kb")], NameCollision,
     "c.yaml (key 'support.kb') and a.yaml (key 'support_kb') would both become agent 'support-kb': "
     "give one of them another key"),
    ("a key with no letter or digit", [("a.yaml", "ok"), ("b.yaml", "._-")], UnusableName,
     "b.yaml: key '._-' holds no letter or digit to make an agent name from: set a key such as `key: my-agent`"),
]


@pytest.mark.parametrize(("files", "error", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_convert_all_refuses(files: list[tuple[str, str]], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as raised:
        convert_all([AssistantFile(source, key, {"model": "m"}) for source, key in files])
    assert str(raised.value) == message


def test_pattern_matches_the_api_rule() -> None:
    assert [bool(re.fullmatch(NAME_PATTERN, n)) for n in ("a", "a-b", "A1", "-a", "a-", "a_b", "a" * 64, "a\n")] == [
        True, True, True, False, False, False, False, False]
