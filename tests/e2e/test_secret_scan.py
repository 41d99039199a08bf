"""Secrets never reach a hosted prompt: credential-shaped text in what an assistant or agent sends stops
`validate` and `plan` with one located problem per hit, before any request, and no output shows the secret.

Fake credentials are built by concatenation, so this repository holds no text a secret scanner trips on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.cli_harness import CLEAN_ENV
from helpers.sandbox_server import ServedSandbox
from helpers.tree import write

from assistantsync.cli.main import cli
from assistantsync.errors import ValidationFailed
from assistantsync.files.desired import load_desired

# (public prefix, the rest): no output may hold any 8 characters of the rest.
GITHUB = ("gh" + "p_", "Zq8Wv3" * 6)
OPENAI = ("sk-" + "proj-", "Tn4Lp9Vc2Hx7" * 4)
SLACK = ("xo" + "xb-", "2741-9934-" + "Rk5Mq8Jd3Wz6Yf1P")
AWS = ("AK" + "IA", "QX7RZ2MB5KT9WN4D")
PEM = ("-----BEGIN RSA " + "PRIVATE KEY-----\n", "MIIEowIBAAKCAQEA" + "u3Jf9Kq2" * 8)
AZURE = ("DefaultEndpointsProtocol=https;AccountName=acct;Account" + "Key=", "Pw7+Ys2/Lk9q" * 7 + "Ab==")
JWT = ("ey" + "J", "hbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0cmlhZ2UifQ.Vb3xR9kLm2Qp7Ws4Ty8Zn1Hc6Jd5Fg0")
SECRETS = (GITHUB, OPENAI, SLACK, AWS, PEM, AZURE, JWT)


def _secret(parts: tuple[str, str]) -> str:
    return parts[0] + parts[1]


PROMPT = "".join(f"Line {n} of the handbook.\n" for n in range(1, 12)) + (
    f"    {_secret(GITHUB)} opens the repository.\n"
    "Never share it.\n"
    f"{_secret(PEM)}\n-----END RSA PRIVATE KEY-----\n")
ASSISTANT = f"""model: gpt-4o
name: HR helper
description: "Calls the API with {_secret(OPENAI)}"
instructions_file: prompts/hr.md
metadata:
  team: hr
  slack: {_secret(SLACK)}
  reviewed: {_secret(JWT)}  # assistantsync: allow-secret
tools:
  - type: function
    function:
      name: lookup
      description: "Authenticate with {_secret(AWS)}"
      parameters: {{type: object, properties: {{}}}}
"""
AGENT = f"""kind: agent
name: triage
description: Sorts tickets.
definition:
  kind: prompt
  model: gpt-4.1
  instructions: |
    Sort the tickets.
    Sign requests with {_secret(AZURE)}
  tools:
    - type: function
      name: lookup
      description: "Token {_secret(GITHUB)}"
      parameters: {{type: object, properties: {{}}}}
      strict: true
"""
ADVICE = "; secrets must not be sent in a hosted prompt (move it to a secret store, or allow this line: see README)"
ASSISTANT_LINES = [
    f"assistants/hr.yaml:3:1: description: policy: looks like an OpenAI project, service account or admin API key"
    f"{ADVICE}",
    f"assistants/hr.yaml:7:3: metadata.slack: policy: looks like a Slack token{ADVICE}",
    f"assistants/hr.yaml:13:7: tools[0].function.description: policy: looks like an AWS access key id{ADVICE}",
    f"assistants/prompts/hr.md:12:5: instructions: policy: looks like a GitHub personal access token{ADVICE}",
    f"assistants/prompts/hr.md:14:1: instructions: policy: looks like a PEM private key{ADVICE}",
]
AGENT_LINES = [
    f"agents/triage.yaml:7:3: definition.instructions: policy: looks like an Azure storage connection string{ADVICE}",
    f"agents/triage.yaml:13:7: definition.tools[0].description: policy: looks like a GitHub personal access token"
    f"{ADVICE}",
]
# Each folder with the provider that manages its kind, pointed at the served sandbox.
FOLDERS = [("assistants", "openai", ASSISTANT_LINES), ("agents", "azure-foundry", AGENT_LINES)]


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    write(tmp_path / "assistants/hr.yaml", ASSISTANT)
    write(tmp_path / "assistants/prompts/hr.md", PROMPT)
    write(tmp_path / "agents/triage.yaml", AGENT)
    monkeypatch.chdir(tmp_path)  # sources show as `assistants/hr.yaml:3:1`
    yield tmp_path


def run(*args: str) -> tuple[int, str]:
    """Exit code and everything printed (stdout, then stderr), after checking no secret shows in it."""
    result = CliRunner().invoke(cli, list(args), env=CLEAN_ENV, catch_exceptions=False)
    printed = result.stdout + result.stderr
    assert shown_secrets(printed) == []
    return result.exit_code, printed


def shown_secrets(text: str) -> list[str]:
    """Every 8-character piece, past its public prefix, of a fake secret that `text` holds."""
    return [body[start:start + 8] for _, body in SECRETS for start in range(len(body) - 7)
            if body[start:start + 8] in text]


def problem_lines(printed: str) -> list[str]:
    return [line for line in printed.splitlines() if ": policy: " in line]


@pytest.mark.parametrize(("folder", "provider", "lines"), FOLDERS)
def test_validate_reports_every_hit_located_and_never_the_secret(repository: Path, folder: str, provider: str,
                                                                   lines: list[str]) -> None:
    code, printed = run("validate", folder)
    assert (code, printed) == (1, "\n".join(lines) + f"\n{len(lines)} problems found\n")
    for form in ("github", "json"):
        code, printed = run("validate", "--format", form, folder)
        assert code == 1
        assert printed.count("policy: looks like") == len(lines)


@pytest.mark.parametrize(("folder", "provider", "lines"), FOLDERS)
@pytest.mark.parametrize("form", ["text", "json", "markdown"])
def test_plan_stops_before_any_request(repository: Path, sandbox_server: ServedSandbox, folder: str, provider: str,
                                       lines: list[str], form: str) -> None:
    code, printed = run("plan", "--provider", provider, "--base-url", sandbox_server.base_url, "--max-retries", "0",
                        "--format", form, folder)
    assert code == 1
    assert [line for line in lines if line not in printed] == []
    assert sandbox_server.stats()["requests"] == {}


def test_plan_with_the_sandbox_provider_stops_before_opening_it(repository: Path) -> None:
    state = ["--provider", "sandbox", "--sandbox-state", "state/sandbox.json", "--no-color"]
    code, printed = run("plan", *state, "assistants", "agents")
    assert (code, problem_lines(printed)) == (1, AGENT_LINES + ASSISTANT_LINES)
    assert not (repository / "state").exists()
    write(repository / "assistants/hr.yaml", "model: gpt-4o\n")  # the same run with clean files opens it
    write(repository / "agents/triage.yaml", "kind: agent\nname: triage\ndefinition: {kind: prompt, model: m}\n")
    assert run("plan", *state, "assistants", "agents")[0] == 0
    assert (repository / "state").exists()


def test_apply_stops_before_any_request(repository: Path, sandbox_server: ServedSandbox) -> None:
    code, printed = run("apply", "--provider", "openai", "--base-url", sandbox_server.base_url, "--max-retries", "0",
                        "--auto-approve", "assistants")
    assert (code, problem_lines(printed)) == (1, ASSISTANT_LINES)
    assert sandbox_server.stats()["requests"] == {}


def test_the_allow_comment_lets_its_own_line_through_only(repository: Path) -> None:
    allowed = (f"model: gpt-4o\nmetadata:\n  token: {_secret(SLACK)}  # assistantsync: allow-secret\n"
               f"instructions: |  # assistantsync: allow-secret\n  Sign with {_secret(AWS)}\n")
    write(repository / "assistants/hr.yaml", allowed)
    assert run("validate", "assistants") == (0, "1 assistant valid\n")
    write(repository / "assistants/hr.yaml", "# assistantsync: allow-secret\n" + allowed.replace("  # assistantsync: "
                                                                                                  "allow-secret", ""))
    code, printed = run("validate", "assistants")
    assert (code, problem_lines(printed)) == (1, [
        f"assistants/hr.yaml:4:3: metadata.token: policy: looks like a Slack token{ADVICE}",
        f"assistants/hr.yaml:5:1: instructions: policy: looks like an AWS access key id{ADVICE}"])


def test_listed_lines_of_prompt_files_are_allowed(repository: Path) -> None:
    """The pairs the project file's `policy.allow_secrets` will pass: any path to the file, and its line."""
    allowed = {("assistants/prompts/hr.md", 12), (str(repository / "assistants/hr.yaml"), 3),
               ("agents/triage.yaml", 7), ("assistants/prompts/hr.md", 13)}
    with pytest.raises(ValidationFailed) as failed:
        load_desired([Path("assistants"), Path("agents")], allowed_secrets=frozenset(allowed))
    assert [str(problem) for problem in failed.value.problems] == [AGENT_LINES[1], *ASSISTANT_LINES[1:3],
                                                                   ASSISTANT_LINES[4]]


def test_the_project_files_allow_list_passes_reviewed_prompt_lines(repository: Path) -> None:
    """`policy.allow_secrets` in assistantsync.yaml, through the CLI: the listed prompt lines pass, nothing else."""
    write(repository / "assistantsync.yaml", "policy:\n  allow_secrets:\n"
          "    - {file: assistants/prompts/hr.md, line: 12}\n    - {file: assistants/prompts/hr.md, line: 14}\n")
    code, printed = run("validate", "assistants")
    assert (code, problem_lines(printed)) == (1, ASSISTANT_LINES[:3])
    code, printed = run("validate", "assistants", "--project", "none.yaml")
    assert code == 1 and "none.yaml" in printed  # a named project file must exist: no silent fallback
