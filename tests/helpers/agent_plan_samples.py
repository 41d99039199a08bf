"""Agent plans built from literal changes, shared by the text and Markdown renderer tests of agents (the
assistant samples are plan_samples.py's). Nothing here calls the engine."""

from __future__ import annotations

from assistantsync.plan.changes import Change, FieldChange

SOURCE = "agents/support-bot.yaml:1:1"
TEMPERATURE = FieldChange("definition.temperature", 0.3, 0.5)
PROMPT_DRIFT = FieldChange("definition.instructions", "Portal text.", "Hi", drift=True)
NEW_VERSION = Change("support-bot", "support-bot", "update", SOURCE, (TEMPERATURE,), kind="agent", version="2")
CREATE = Change("new-bot", None, "create", "agents/new-bot.yaml:1:1",
                (FieldChange("name", None, "new-bot"), FieldChange("definition.model", None, "gpt-4.1")), kind="agent")
DELETE = Change("old-bot", "old-bot", "delete", None, kind="agent", version="4")
DRIFT = Change("support-bot", "support-bot", "update", SOURCE, (PROMPT_DRIFT, TEMPERATURE), kind="agent",
               version="4")
ASSISTANT_UPDATE = Change("helper", "asst_1", "update", "assistants/helper.yaml:2:1",
                          (FieldChange("temperature", 1.0, 0.2),))
ASSISTANT_NOOP = Change("quiet", "asst_2", "no-op", "assistants/quiet.yaml:2:1")


def drifted_bot(version: str) -> Change:
    """Agent `bot` at live `version`, its prompt changed outside git: where a version a server returned shows."""
    return Change("bot", "bot", "update", "agents/bot.yaml:1:1", (PROMPT_DRIFT,), kind="agent", version=version)
