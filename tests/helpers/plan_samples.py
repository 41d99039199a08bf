"""A fixed set of plans built from literal values, shared by the renderer snapshot tests.

Values are what the plan engine produces: canonical (normalised) forms for updates, the file's own
values for creates. Nothing here calls the engine, so the snapshots change only when a renderer does.
"""

from __future__ import annotations

from typing import Any

from assistantsync.plan.changes import Action, Change, FieldChange, Plan

PROMPT = """You are an HR bot, and you have access to files to answer employee questions about company policies.

- Answer from the employee handbook only, and name the section you relied on.
- If the handbook does not cover the question, say so plainly and suggest writing to
  people-ops@example.com. Do not guess.
- Keep answers short: two or three sentences, then a bulleted list if there are steps to follow.
- Never ask for or repeat personal data such as salaries, health information or home addresses.
"""

PROMPT_EDITED = (PROMPT
                 .replace("name the section you relied on.", 'name the section you relied on\n  ("Handbook § 4.2").')
                 .replace("two or three sentences", "at most three sentences"))

FILE_SEARCH = {"type": "file_search", "file_search": {"max_num_results": 8,
                                                      "ranking_options": {"ranker": "auto", "score_threshold": 0.0}}}
WEATHER_FUNCTION: dict[str, Any] = {
    "name": "get_weather", "description": "Get the current weather for a city.", "strict": False,
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
WEATHER = {"type": "function", "function": WEATHER_FUNCTION}
WEATHER_STRICT = {"type": "function", "function": {
    **WEATHER_FUNCTION, "strict": True,
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}},
                   "required": ["city", "unit"], "additionalProperties": False}}}
LOOKUP = {"type": "function", "function": {"name": "lookup_policy", "strict": False,
                                           "parameters": {"type": "object", "properties": {}}}}


def change(key: str, action: Action, *fields: FieldChange, ident: str | None = "asst_1") -> Change:
    source = None if action == "delete" else f"assistants/{key}.yaml:2:1"
    return Change(key, None if action == "create" else ident, action, source, fields)


def noop(key: str, ident: str = "asst_0") -> Change:
    return change(key, "no-op", ident=ident)


def field(path: str, before: Any, after: Any, *, drift: bool = False, write_only: bool = False) -> FieldChange:
    return FieldChange(path, before, after, drift, write_only)


CREATE = change(
    "hr-helper", "create",
    field("model", None, "gpt-4o"),
    field("name", None, "HR Helper"),
    field("description", None, "Answers employee questions about company policies."),
    field("instructions", None, PROMPT),
    field("tools", None, [{"type": "file_search", "file_search": {"max_num_results": 8}}, WEATHER]),
    field("tool_resources", None, {"file_search": {"vector_store_ids": ["vs_handbook"]}}),
    field("metadata", None, {"team": "people-ops", "owner": "hr-platform@example.com"}),
    field("temperature", None, 0.2),
    field("reasoning_effort", None, "low", write_only=True),
)
UPDATE = change(
    "hr-helper", "update",
    field("model", "gpt-4o", "gpt-4.1"),
    field("name", "HR helper", "HR Helper"),
    field("instructions", PROMPT, PROMPT_EDITED),
    field("temperature", 1.0, 0.2),
)
DELETE = change("old-bot", "delete", ident="asst_old")
ADOPT = change("legacy-bot", "adopt", field("temperature", 0.7, 0.2), ident="asst_legacy")
ADOPT_AS_IS = change("billing", "adopt", ident="asst_billing")
DRIFT = change(
    "hr-helper", "update",
    field("instructions", PROMPT_EDITED, PROMPT, drift=True),
    field("temperature", 0.9, 0.2, drift=True),
    field("top_p", 1.0, 0.5),
)
WRITE_ONLY = change("planner", "update", field("reasoning_effort", None, "high", write_only=True), ident="asst_2")
TOOLS = change(
    "weather", "update",
    field("tools", [FILE_SEARCH, WEATHER, LOOKUP], [WEATHER_STRICT, {"type": "code_interpreter"}, LOOKUP]),
    ident="asst_3",
)
METADATA = change(
    "weather", "update",
    field("metadata", {"team": "platform", "tier": "gold"}, {"team": "platform-ai", "cost-center": "4711"}),
    field("tool_resources", {"file_search": {"vector_store_ids": ["vs_old"]}},
          {"code_interpreter": {"file_ids": ["file_a", "file_b"]}, "file_search": {"vector_store_ids": ["vs_new"]}}),
    field("response_format", "auto", {"type": "json_object"}),
    ident="asst_3",
)


def long_prompt(count: int, edited: bool) -> str:
    """A `count`-line prompt; the edited version rewrites every tenth line and appends one."""
    lines = [f"Rule {n:04d}: be brief{', cite a source' * (edited and n % 10 == 0)}."
             for n in range(1, count + 1)]
    return "\n".join(lines + ["Be kind."] * edited) + "\n"


BIG_PROMPT = change("support", "update", field("instructions", long_prompt(5000, False), long_prompt(5000, True)),
                    ident="asst_4")
ERRORS = (("broken", "asst_9 has 15 metadata pairs; assistantsync needs 2 of the 16 for its own keys"),
          ("twin", "live assistants asst_5 and asst_6 both claim the key 'twin'; nothing is written to either"))
HOSTILE_PROMPT = "Answer in Markdown.\nUse ``` fences for code, or ```` when the code holds ``` itself.\n<b>bold</b>\n"
HOSTILE = change(
    "hostile", "update",
    field("name", "Old </summary> name", "New <details> & `name`"),
    field("instructions", "Answer in Markdown.\n", HOSTILE_PROMPT),
    field("metadata", {}, {"note": "</details> `tick` ``` fence"}),
    ident="asst_<x>",
)

PLANS: dict[str, Plan] = {
    "create": Plan((CREATE,)),
    "update": Plan((UPDATE, noop("weather"))),
    "delete": Plan((DELETE, noop("weather")), prune=True),
    "adopt": Plan((ADOPT_AS_IS, ADOPT)),
    "drift": Plan((DRIFT,)),
    "write-only": Plan((WRITE_ONLY,)),
    "tools": Plan((TOOLS,)),
    "metadata": Plan((METADATA,)),
    "prompt-5000": Plan((BIG_PROMPT,)),
    "no-changes": Plan((noop("hr-helper"), noop("weather", "asst_3"))),
    "errors": Plan((WRITE_ONLY,), ERRORS),
    "hostile": Plan((HOSTILE,)),
    "mixed": Plan((ADOPT, change("new-bot", "create", field("model", None, "gpt-4o-mini")), DELETE, WRITE_ONLY,
                   noop("quiet"), change("weather", "update", *TOOLS.fields, *METADATA.fields, ident="asst_3")),
                  ERRORS[:1], prune=True),
}
