"""plan/revision.py and the revision in plan/record.py: which commit a plan records, which it refuses, and how the
record carries it."""

from __future__ import annotations

import pytest

from assistantsync.kinds.agent import AGENT
from assistantsync.kinds.agent.file_format import METADATA_VALUE_MAX_CHARS
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.record import decode_record, encode_record, record_revision
from assistantsync.plan.revision import source_revision

SHA = "3f786850e387550fdab836ed7e6dc881de23001b"
OTHER = "89e6c98d92887913cadf06b2adb97f26cde4849b"
LONGEST = "r" * 64

# (case, --source-revision, environment, the revision recorded)
SOURCES: list[tuple[str, str | None, dict[str, str], str | None]] = [
    ("none anywhere", None, {}, None),
    ("given", SHA, {}, SHA),
    ("given wins over both variables", "v1.2.3", {"GITHUB_SHA": SHA, "CI_COMMIT_SHA": OTHER}, "v1.2.3"),
    ("given wins over a bad variable", SHA, {"GITHUB_SHA": "not; valid"}, SHA),
    ("GITHUB_SHA", None, {"GITHUB_SHA": SHA}, SHA),
    ("GITHUB_SHA before CI_COMMIT_SHA", None, {"GITHUB_SHA": SHA, "CI_COMMIT_SHA": OTHER}, SHA),
    ("CI_COMMIT_SHA", None, {"CI_COMMIT_SHA": OTHER}, OTHER),
    ("an empty GITHUB_SHA is unset", None, {"GITHUB_SHA": "", "CI_COMMIT_SHA": OTHER}, OTHER),
    ("a blank GITHUB_SHA is unset", None, {"GITHUB_SHA": "  \n", "CI_COMMIT_SHA": OTHER}, OTHER),
    ("a variable's surrounding spaces are dropped", None, {"CI_COMMIT_SHA": f" {OTHER}\n"}, OTHER),
    ("other variables mean nothing", None, {"GIT_COMMIT": SHA, "SOURCE_REVISION": SHA}, None),
    ("a branch name", "release/2026-12", {}, "release/2026-12"),
    ("letters, digits and . _ / + -", "a.b_c/d+e-f", {}, "a.b_c/d+e-f"),
    ("64 characters", LONGEST, {}, LONGEST),
]


@pytest.mark.parametrize(("given", "env", "revision"), [c[1:] for c in SOURCES], ids=[c[0] for c in SOURCES])
def test_source_revision(given: str | None, env: dict[str, str], revision: str | None) -> None:
    assert source_revision(given, env) == revision


RULE = "must be a commit id, tag or branch name (letters, digits and . _ / + -, at most 64 characters)"
# (case, --source-revision, environment, the error)
REFUSED: list[tuple[str, str | None, dict[str, str], str]] = [
    ("an empty string given explicitly", "", {"GITHUB_SHA": SHA}, f"--source-revision {RULE}"),
    ("a space", "main branch", {}, f"--source-revision {RULE}"),
    ("surrounding spaces given", f" {SHA}", {}, f"--source-revision {RULE}"),
    ("a semicolon: it ends a part of the record", "abc;m=forged", {}, f"--source-revision {RULE}"),
    ("an equals sign", "git=abc", {}, f"--source-revision {RULE}"),
    ("65 characters", "r" * 65, {}, f"--source-revision {RULE}"),
    ("a line break: it would forge a log line", "abc\nINFO done", {}, f"--source-revision {RULE}"),
    ("a trailing line break given", "abc\n", {}, f"--source-revision {RULE}"),
    ("a leading hyphen", "-abc", {}, f"--source-revision {RULE}"),
    ("a leading dot", ".abc", {}, f"--source-revision {RULE}"),
    ("no ASCII", "rév", {}, f"--source-revision {RULE}"),
    ("a bad GITHUB_SHA is named", None, {"GITHUB_SHA": "a;b", "CI_COMMIT_SHA": OTHER}, f"GITHUB_SHA {RULE}"),
    ("a bad CI_COMMIT_SHA is named", None, {"CI_COMMIT_SHA": "x" * 65}, f"CI_COMMIT_SHA {RULE}"),
]


@pytest.mark.parametrize(("given", "env", "message"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_bad_revisions_are_refused(given: str | None, env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError) as refused:
        source_revision(given, env)
    assert str(refused.value) == message


# (case, kind, digests, revision, the record written)
RECORDS = [
    ("an agent with a revision", AGENT, {"definition.model": "AAA", "name": "BBB"}, SHA,
     f"v1 n=BBB;m=AAA;git={SHA}"),
    ("an agent without one", AGENT, {"definition.model": "AAA", "name": "BBB"}, None, "v1 n=BBB;m=AAA"),
    ("an empty revision is none", AGENT, {"name": "BBB"}, "", "v1 n=BBB"),
    ("an agent with nothing but a revision", AGENT, {}, "main", "v1 git=main"),
    ("an assistant never records it", ASSISTANT, {"model": "AAA"}, SHA, "v1 m=AAA"),
]


@pytest.mark.parametrize(("kind", "digests", "revision", "record"), [c[1:] for c in RECORDS],
                         ids=[c[0] for c in RECORDS])
def test_encode_record(kind: ResourceKind, digests: dict[str, str], revision: str | None, record: str) -> None:
    assert encode_record(kind, digests, revision) == record


# (case, kind, record text, the digests read back, the revision read back)
DECODED = [
    ("an agent's record with a revision", AGENT, f"v1 n=BBB;m=AAA;git={SHA}", {"name": "BBB",
                                                                             "definition.model": "AAA"}, SHA),
    ("without one", AGENT, "v1 n=BBB;m=AAA", {"name": "BBB", "definition.model": "AAA"}, None),
    ("nothing but a revision", AGENT, "v1 git=main", {}, "main"),
    ("a branch with a slash", AGENT, "v1 m=AAA;git=release/1.2", {"definition.model": "AAA"}, "release/1.2"),
    ("an assistant's record holding one is none it wrote", ASSISTANT, f"v1 m=AAA;git={SHA}", None, SHA),
    ("no record", AGENT, None, None, None),
    ("another format", AGENT, f"v2 m=AAA;git={SHA}", None, None),
    ("no string", AGENT, ["v1 git=x"], None, None),
]


@pytest.mark.parametrize(("kind", "text", "digests", "revision"), [c[1:] for c in DECODED],
                         ids=[c[0] for c in DECODED])
def test_decode_record_and_its_revision(kind: ResourceKind, text: object, digests: dict[str, str] | None,
                                        revision: str | None) -> None:
    assert decode_record(kind, text) == digests
    assert record_revision(text) == revision


def test_the_longest_agent_record_fits_a_metadata_value() -> None:
    every = {field: "A" * 11 for field in AGENT.fields}  # digests are 11 characters
    record = encode_record(AGENT, every, LONGEST)
    assert decode_record(AGENT, record) == every
    assert record_revision(record) == LONGEST
    assert len(record) == 261
    assert len(record) <= METADATA_VALUE_MAX_CHARS
