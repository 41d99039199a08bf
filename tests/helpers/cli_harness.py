"""The CLI pointed at the served sandbox: shared by the end-to-end, fault-matrix and interruption tests.

`Harness` runs commands in-process (click's CliRunner) from a working folder with assistant files;
`module_command` / `run_module` run the real entry point (`python -m assistantsync`) as a subprocess.
Every run checks that the API key never shows up in any output.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from assistantsync.cli.main import cli
from assistantsync.plan.reserved import IDENTITY_KEY
from helpers.leakcheck import assert_no_secrets
from helpers.sandbox_server import ServedSandbox
from helpers.tree import write

API_KEY = "sk-test-LEAKCHECK-e2e-91c2"
WRITES = ("POST", "DELETE")
# Variables that would send a run somewhere other than the sandbox under test.
STEERING = ("OPENAI_BASE_URL", "ASSISTANTSYNC_PROVIDER", "ASSISTANTSYNC_BASE_URL", "OPENAI_API_VERSION",
            "PORTKEY_PROVIDER", "PORTKEY_BASE_URL", "AZURE_OPENAI_ENDPOINT", "AZURE_AI_PROJECT_ENDPOINT",
            "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
CLEAN_ENV: dict[str, str | None] = {**dict.fromkeys(STEERING), "OPENAI_API_KEY": API_KEY, "NO_COLOR": "1"}


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@dataclass(frozen=True)
class Harness:
    """The working folder, the sandbox, and the CLI pointed at it (or at `base_url`: the same server under
    another name)."""

    root: Path
    sandbox: ServedSandbox
    base_url: str | None = None

    def write(self, name: str, text: str) -> Path:
        return write(self.root / "assistants" / name, text)

    def cli(self, *args: str) -> Result:
        connection = ("--provider", "openai", "--base-url", self.base_url or self.sandbox.base_url,
                      "--max-retries", "0")
        command, *rest = args  # connection options first, so that a test's own `--max-retries` wins
        return self.offline(command, *connection, *rest)

    def offline(self, *args: str) -> Result:
        """A command that needs no API (validate, schema, show), with no connection options."""
        result = CliRunner().invoke(cli, list(args), env=CLEAN_ENV, catch_exceptions=False)
        assert API_KEY not in result.stdout and API_KEY not in result.stderr
        return Result(result.exit_code, result.stdout, result.stderr)

    def import_(self, *args: str) -> Result:
        return self.cli("import", *args)

    def plan(self, *args: str) -> Result:
        return self.cli("plan", *args)

    def apply(self, *args: str) -> Result:
        return self.cli("apply", *args)

    def live(self) -> list[dict[str, Any]]:
        """Every live assistant, read through the API (the sandbox logs this request too)."""
        with self.sandbox.api() as api:
            response = api.get("/assistants", params={"limit": 100})
        data = response.json()["data"]
        assert isinstance(data, list)
        return data

    def by_key(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for item in self.live():
            key = item["metadata"].get(IDENTITY_KEY)
            assert key not in found, f"two live assistants claim {key}"
            found[key] = item
        return found

    def modify(self, assistant_id: str, **body: Any) -> dict[str, Any]:
        """An edit made outside git (the dashboard, another script)."""
        with self.sandbox.api() as api:
            response = api.post(f"/assistants/{assistant_id}", json=body)
        assert response.status_code == 200, response.text
        data = response.json()
        assert isinstance(data, dict)
        return data

    def create_live(self, **body: Any) -> dict[str, Any]:
        with self.sandbox.api() as api:
            response = api.post("/assistants", json={"model": "gpt-4o", **body})
        assert response.status_code == 200, response.text
        data = response.json()
        assert isinstance(data, dict)
        return data

    def mark(self) -> int:
        return len(self.sandbox.requests())

    def since(self, mark: int) -> list[tuple[str, str]]:
        """(method, path) of every request after `mark`."""
        return [(r["method"], r["path"]) for r in self.sandbox.requests()[mark:]]

    def writes_since(self, mark: int) -> list[dict[str, Any]]:
        return [r for r in self.sandbox.requests()[mark:] if r["method"] in WRITES]


def module_command(env: Harness, *args: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of `python -m assistantsync ARGS` pointed at the sandbox."""
    name, *rest = args  # connection options first, so that a test's own `--max-retries` wins
    command = [sys.executable, "-m", "assistantsync", name, "--provider", "openai", "--base-url",
               env.base_url or env.sandbox.base_url, "--max-retries", "0", *rest]
    environment = {k: v for k, v in {**os.environ, **CLEAN_ENV}.items() if v is not None}
    return command, environment


def run_module(env: Harness, *args: str, stdin: int | None = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    """`python -m assistantsync ARGS --provider openai --base-url SANDBOX`: the real entry point."""
    command, environment = module_command(env, *args)
    done = subprocess.run(command, cwd=env.root, env=environment, stdin=stdin, capture_output=True, text=True,
                          timeout=60, check=False)
    assert_no_secrets(done.stdout, done.stderr, env=environment)
    return done


def outcome_ids(text: str) -> dict[str, str]:
    """key -> id from the apply summary lines, e.g. `    ok  create alpha asst_...: created`."""
    return {m["key"]: m["id"] for m in re.finditer(r"^ +\S+  \S+ (?P<key>\S+) (?P<id>asst_\w+):", text, re.M)}
