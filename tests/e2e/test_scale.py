"""Plan and apply stay correct at scale: 2,000 assistants, 128 tools on a few, 256,000-character prompts.

Correctness only, never speed (no timing is asserted): the real CLI in-process against the served
sandbox over loopback. Create all from empty (every one exactly once), then no changes; change 10%
(mixed fields, one of them a whole 256,000-character prompt) and apply exactly those, one write each;
then no changes again. The big plans render as text and as Markdown that fits a pull-request comment.
Marked `scale`: part of the normal run; `-m "not scale"` leaves it out.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from helpers.cli_harness import STEERING
from helpers.sandbox_server import ServedSandbox

from assistantsync.cli.main import cli
from assistantsync.plan.changes import Change, FieldChange, Plan
from assistantsync.plan.reserved import IDENTITY_KEY
from assistantsync.render.markdown import DEFAULT_MAX_CHARS, MARKER
from assistantsync.render.text import ansi, render_plan_text
from assistantsync.render.value_diff import unified_lines

pytestmark = pytest.mark.scale

COUNT = 2_000
PROMPT_CHARS = 256_000  # the API's maximum
MAX_TOOLS = 128  # the API's maximum
BIG_PROMPTS = {3: "inline", 500: "file", 1_001: "file", 1_500: "inline"}  # index -> where the prompt lives
MANY_TOOLS = (7, 610, 1_207, 1_803, 1_990)
ITEM = "/assistants/{assistant_id}"


def key(index: int) -> str:
    return f"asst-{index:04d}"


def prompt(index: int, revision: int = 0) -> str:
    """Exactly PROMPT_CHARS characters of numbered paragraphs. Revision 1 rewrites one line in the middle;
    revision 2 rewrites every line, so the two versions share nothing but their blank lines."""
    word = "Policy" if revision == 2 else "Rule"
    lines = [f"{n:05d} {word} {index}: cite the handbook section, never guess, answer in two sentences.\n\n"
             for n in range(PROMPT_CHARS // 80 + 1)]
    if revision == 1:
        lines[len(lines) // 2] = f"{len(lines) // 2:05d} Revision: escalate anything about pay.\n\n"
    return "".join(lines)[: PROMPT_CHARS - 2] + ".\n"  # never a blank last line (a YAML block would drop it)


def tools(index: int, count: int, renamed: int | None = None) -> list[dict[str, Any]]:
    return [{"type": "function", "function": {
        "name": f"{'renamed' if n == renamed else 'lookup'}_{n}", "description": f"Look up record kind {n}.",
        "parameters": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"],
                       "additionalProperties": False},
        "strict": n % 2 == 0}} for n in range(count)]


def fields(index: int) -> dict[str, Any]:
    """The file's API fields: every field the format has appears somewhere, most files stay small."""
    doc: dict[str, Any] = {"model": "gpt-4o" if index % 3 else "gpt-4o-mini", "name": f"Assistant {index}"}
    if index % 2:
        doc["description"] = f"Helps team {index % 17} with topic {index}."
    if index in BIG_PROMPTS:
        doc["instructions"] = prompt(index)
    elif index % 13:
        doc["instructions"] = f"You are assistant {index}.\nBe brief and cite sources.\n"
    if index in MANY_TOOLS:
        doc["tools"] = tools(index, MAX_TOOLS)
    elif index % 4 == 1:
        doc["tools"] = [{"type": "code_interpreter"}, {"type": "file_search", "file_search": {"max_num_results": 5}}]
        doc["tool_resources"] = {"file_search": {"vector_store_ids": [f"vs_{index}"]}}
    if index % 5 == 0:
        doc["temperature"] = 0.5
    if index % 6 == 0:
        doc["top_p"] = 0.9
    if index % 7 == 0:
        doc["metadata"] = {"team": f"t{index % 10}", "tier": "gold"}
    if index % 11 == 0:
        doc["response_format"] = {"type": "json_object"}
    if index % 37 == 0:
        doc["model"], doc["reasoning_effort"] = "o3-mini", "medium"
    return doc


def write_assistant(root: Path, index: int, doc: dict[str, Any]) -> None:
    """One file; a big prompt inline as a YAML block, or in prompts/ through instructions_file."""
    doc = dict(doc)
    text = doc.pop("instructions", None)
    body = yaml.safe_dump(doc, sort_keys=False, width=1_000, allow_unicode=True)
    if text is not None and BIG_PROMPTS.get(index) == "file":
        (root / "prompts" / f"{key(index)}.md").write_text(text, encoding="utf-8")
        body += f"instructions_file: prompts/{key(index)}.md\n"
    elif text is not None:
        body += "instructions: |\n" + "".join(f"  {line}\n" for line in text.splitlines())
    (root / f"{key(index)}.yaml").write_text(body, encoding="utf-8")


# (field, change): the 10% that change cycle through these, so every kind of field changes somewhere.
CHANGES: list[tuple[str, Callable[[int, dict[str, Any]], Any]]] = [
    ("temperature", lambda i, doc: 0.7),
    ("name", lambda i, doc: f"Assistant {i} (renamed)"),
    ("instructions", lambda i, doc: f"You are assistant {i}.\nBe thorough.\n"),
    ("description", lambda i, doc: f"Now helps everyone with topic {i}."),
    ("model", lambda i, doc: "gpt-4.1" if doc["model"] != "gpt-4.1" else "gpt-4o"),
    ("metadata", lambda i, doc: {"team": "platform", "changed": "yes"}),
    ("tools", lambda i, doc: [{"type": "code_interpreter"}]),
    ("response_format", lambda i, doc: {"type": "json_schema", "json_schema": {
        "name": f"answer_{i}", "schema": {"type": "object", "properties": {"text": {"type": "string"}}}}}),
    ("top_p", lambda i, doc: 0.25),
]


def changed(index: int, doc: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The file after its change, and the one field that changed."""
    if index in BIG_PROMPTS:
        return {**doc, "instructions": prompt(index, revision=1 if index == 500 else 2)}, "instructions"
    if index in MANY_TOOLS:
        return {**doc, "tools": tools(index, MAX_TOOLS, renamed=64)}, "tools"
    if "reasoning_effort" in doc:
        return {**doc, "reasoning_effort": "high"}, "reasoning_effort"
    name, change = CHANGES[(index // 10) % len(CHANGES)]
    return {**doc, name: change(index, doc)}, name


@dataclass
class Scale:
    root: Path
    sandbox: ServedSandbox

    def cli(self, *args: str, code: int = 0) -> Any:
        """Run a command (with the sandbox's connection options, except `show`) and check its exit code."""
        command, *rest = args
        connection = [] if command == "show" else [
            "--provider", "openai", "--base-url", self.sandbox.base_url, "--max-retries", "0"]
        result = CliRunner().invoke(cli, [command, *connection, *rest], catch_exceptions=False)
        assert result.exit_code == code, result.stderr[-2_000:]
        return result

    def live_by_key(self) -> dict[str, dict[str, Any]]:
        with self.sandbox.api() as api:
            items: list[dict[str, Any]] = []
            params = {"limit": "100"}
            while True:
                page = api.get("/assistants", params=params).json()
                items += page["data"]
                if not page["has_more"]:
                    break
                params["after"] = page["data"][-1]["id"]
        claimed = Counter(item["metadata"].get(IDENTITY_KEY) for item in items)
        assert [k for k, n in claimed.items() if n > 1] == []  # no key made twice
        return {item["metadata"][IDENTITY_KEY]: item for item in items}

    def requests_since(self, total_before: int) -> list[dict[str, Any]]:
        """The API requests made since the stats' `total` was `total_before` (the log keeps the last 1,000)."""
        made = self.sandbox.stats()["total"] - total_before
        assert made <= 1_000
        return self.sandbox.requests()[-made:] if made else []


@pytest.fixture
def scale(sandbox_server: ServedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Scale:
    monkeypatch.chdir(tmp_path)
    for name in STEERING:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    (tmp_path / "assistants" / "prompts").mkdir(parents=True)
    return Scale(tmp_path, sandbox_server)


def test_two_thousand_assistants_create_converge_and_update_exactly_what_changed(scale: Scale) -> None:
    files = scale.root / "assistants"
    docs = {index: fields(index) for index in range(COUNT)}
    for index, doc in docs.items():
        write_assistant(files, index, doc)

    # 1. The plan from empty: every assistant a create, as text, as JSON, and as a comment that fits.
    planned = scale.cli("plan", "--out", "create.json", "--detailed-exitcode", "assistants", code=2)
    assert planned.stdout.endswith(f"\nPlan: {COUNT} to create, 0 to update, 0 to delete.\n")
    assert planned.stdout.count("\n+ create asst-") == COUNT
    saved = json.loads((scale.root / "create.json").read_text(encoding="utf-8"))
    assert saved["summary"]["create"] == COUNT and len(saved["changes"]) == COUNT
    big = next(c for c in saved["changes"] if c["key"] == key(500))
    assert len(big["body"]["instructions"]) == PROMPT_CHARS
    assert len(next(c for c in saved["changes"] if c["key"] == key(7))["body"]["tools"]) == MAX_TOOLS
    comment = scale.cli("show", "create.json", "--format", "markdown").stdout
    assert comment.startswith(MARKER + "\n### assistantsync plan: 2,000 to create\n")
    assert len(comment) <= DEFAULT_MAX_CHARS
    assert "more changed assistants, not shown here" in comment and comment.count("```") % 2 == 0
    assert scale.sandbox.stats()["requests"] == {"GET /assistants": 1}  # a plan never writes

    # 2. Apply the reviewed plan: every assistant created exactly once, holding what its file says.
    applied = scale.cli("apply", "--plan", "create.json", "--auto-approve")
    assert applied.stdout.endswith(f"Apply: {COUNT} succeeded, 0 failed.\n")
    assert scale.sandbox.stats()["requests"]["POST /assistants"] == COUNT
    live = scale.live_by_key()
    assert sorted(live) == [key(index) for index in range(COUNT)]
    assert live[key(3)]["instructions"] == docs[3]["instructions"]
    assert live[key(610)]["tools"][127]["function"]["name"] == "lookup_127"

    # 3. Nothing to do now.
    settled = scale.cli("plan", "--detailed-exitcode", "assistants")
    assert settled.stdout == f"No changes. {COUNT} assistants up to date.\n"

    # 4. Change 10% of the files, every kind of field, and apply exactly those, one write each.
    expected: dict[str, str] = {}
    for index in range(0, COUNT, 10):
        docs[index], expected[key(index)] = changed(index, docs[index])
        write_assistant(files, index, docs[index])
    assert len(expected) == COUNT // 10 and set(expected.values()) >= {name for name, _ in CHANGES}
    assert {expected[key(500)], expected[key(610)], expected[key(1_110)]} == {"instructions", "tools",
                                                                             "reasoning_effort"}
    before = scale.sandbox.stats()["total"]
    updating = scale.cli("plan", "--format", "markdown", "assistants")
    assert len(updating.stdout) <= DEFAULT_MAX_CHARS and "### assistantsync plan: 200 to update" in updating.stdout
    updated = scale.cli("apply", "--auto-approve", "assistants")  # from the files, this time
    assert f"\nPlan: 0 to create, {COUNT // 10} to update, 0 to delete.\n" in updated.stdout
    assert updated.stdout.endswith(f"Apply: {COUNT // 10} succeeded, 0 failed.\n")
    ids = {assistant["id"]: k for k, assistant in live.items()}
    writes = [r for r in scale.requests_since(before) if r["method"] != "GET"]
    assert Counter(ids[r["path"].rsplit("/", 1)[1]] for r in writes) == Counter(list(expected))  # one write each
    for request in writes:
        assert request["route"] == ITEM and request["status"] == 200
        assert sorted(request["body"]) == sorted({"metadata", expected[ids[request["path"].rsplit("/", 1)[1]]]})
    live = scale.live_by_key()
    assert live[key(500)]["instructions"] == docs[500]["instructions"] != prompt(500)
    assert live[key(1_500)]["instructions"] == docs[1_500]["instructions"] == prompt(1_500, revision=2)
    assert live[key(610)]["tools"][64]["function"]["name"] == "renamed_64"

    # 5. Converged.
    settled = scale.cli("plan", "--detailed-exitcode", "assistants")
    assert settled.stdout == f"No changes. {COUNT} assistants up to date.\n"


def test_a_rewritten_prompt_of_the_maximum_size_reads_as_one_replacement() -> None:
    """Two prompts sharing only their blank lines: difflib without its popular-line heuristic (autojunk)
    anchored on every blank line, in cubic time (hours at this size), and interleaved the two texts."""
    before, after = prompt(1), prompt(1, revision=2)
    old, new = before.splitlines(), after.splitlines()
    assert unified_lines(before, after) == [f"@@ -1,{len(old)} +1,{len(new)} @@",
                                            *(f"-{line}" if line else "-" for line in old),
                                            *(f"+{line}" if line else "+" for line in new)]
    rule = "Rule 1: cite the handbook section, never guess, answer in two sentences."
    one_line = unified_lines(before, before.replace(f"\n03000 {rule}", f"\n03000 {rule.upper()}"))
    assert one_line == ["@@ -5998,7 +5998,7 @@", " ", f" 02999 {rule}", " ", f"-03000 {rule}",
                        f"+03000 {rule.upper()}", " ", f" 03001 {rule}", " "]


def test_a_changed_word_in_a_maximum_size_line_is_highlighted_on_a_terminal() -> None:
    """Word highlighting once ran difflib on every word and space of the line pair: quadratic, minutes here."""
    line = " ".join(f"w{n}" for n in range(PROMPT_CHARS // 7))
    before = f"Intro.\n{line}\nOutro.\n"
    assert len(before) > PROMPT_CHARS * 0.9
    change = Change("big", "asst_1", "update", None, (FieldChange("instructions", before,
                                                                  before.replace(" w20000 ", " CHANGED ")),))
    text = render_plan_text(Plan((change,)), color=True)
    assert ansi("word_remove", "w20000") in text and ansi("word_add", "CHANGED") in text
