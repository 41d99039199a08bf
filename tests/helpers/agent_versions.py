"""One agent's versions for apply's tests, made by the real engine from literal files (agent_plan_inputs): the
version apply made of support-bot's file, the plan that edits it, an agent a --prune plan deletes, and a version
a portal made since."""

from __future__ import annotations

from typing import Any

from assistantsync.kinds.agent import AGENT
from assistantsync.plan.changes import make_plan
from assistantsync.plan.reserved import IDENTITY_KEY
from helpers.agent_plan_inputs import BOT_FILE, EDITED_FILE, applied, live_agent

CREATE = make_plan(AGENT, [BOT_FILE], []).changes[0]
BOT = applied(CREATE.body or {}, version="2")  # instructions "Hi", temperature 0.3, a code interpreter
UPDATE = make_plan(AGENT, [EDITED_FILE], [BOT]).changes[0]
GONE = live_agent("gone", "5", metadata={IDENTITY_KEY: "gone"}, model="gpt-4.1")


def moved(item: dict[str, Any], version: str, **members: Any) -> dict[str, Any]:
    """`item` after a portal made version `version` of it, its metadata copied along."""
    return {**item, "version": version, "created_at": item["created_at"] + 1, **members}
