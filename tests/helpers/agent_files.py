"""The CLI for agents pointed at the served sandbox, used as a Foundry project endpoint.

`Foundry` runs commands in-process (click's CliRunner) with `--provider azure-foundry --base-url <served URL>`
and a bearer token that must never show up in any output; `module` runs the real entry point as a subprocess
with the environment a test gives. Files go in the working folder's `assistants/` (the default PATH), agent
files beside assistant files. The agents API is read and written out of band with plain httpx, as a Foundry
client sends it (a bearer token and `api-version=v1`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from assistantsync.cli.main import cli
from helpers.cli_harness import CLEAN_ENV, WRITES, Harness, Result
from helpers.leakcheck import assert_no_secrets
from helpers.sandbox_server import ServedSandbox
from helpers.tree import write

TOKEN = "sk-test-LEAKCHECK-foundry-e2e-5d1e"
V1 = {"api-version": "v1"}
FOUNDRY_ENV: dict[str, str | None] = {**CLEAN_ENV, "AZURE_AI_TOKEN": TOKEN}

# One agent file and one assistant file, as a team writes them.
BOT = ("kind: agent\nname: support-bot\ndefinition:\n  kind: prompt\n  model: gpt-4.1\n  instructions: Hi\n"
       "  temperature: 0.3\n")
BOT_DEFINITION: dict[str, Any] = {"kind": "prompt", "model": "gpt-4.1", "instructions": "Hi", "temperature": 0.3}
ALPHA = "model: gpt-4o\nname: Alpha\n"


@dataclass(frozen=True)
class Foundry:
    """The working folder, the served sandbox, and the CLI pointed at it as a Foundry project."""

    root: Path
    sandbox: ServedSandbox

    @property
    def assistants(self) -> Harness:
        """The assistant side of the same sandbox (live assistants read through the API)."""
        return Harness(self.root, self.sandbox)

    def write(self, name: str, text: str) -> Path:
        return write(self.root / "assistants" / name, text)

    def remove(self, name: str) -> None:
        (self.root / "assistants" / name).unlink()

    def cli(self, *args: str, provider: str = "azure-foundry") -> Result:
        command, *rest = args
        connection = ("--provider", provider, "--base-url", self.sandbox.base_url, "--max-retries", "0")
        result = CliRunner().invoke(cli, [command, *connection, *rest], env=FOUNDRY_ENV, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    def plan(self, *args: str) -> Result:
        return self.cli("plan", *args)

    def apply(self, *args: str) -> Result:
        return self.cli("apply", *args)

    def module(self, *args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
        """`python -m assistantsync COMMAND --provider azure-foundry --base-url URL ARGS` with `env` added to
        the clean environment (the test process's CI variables are not passed on)."""
        command, *rest = args
        line = [sys.executable, "-m", "assistantsync", command, "--provider", "azure-foundry", "--base-url",
                self.sandbox.base_url, "--max-retries", "0", *rest]
        environment = {k: v for k, v in {**os.environ, **FOUNDRY_ENV, **env}.items() if v is not None}
        done = subprocess.run(line, cwd=self.root, env=environment, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=60, check=False)
        assert_no_secrets(done.stdout, done.stderr, env=environment)
        return done

    # --- the agents API, out of band ------------------------------------------------------------------

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.sandbox.base_url, headers={"Authorization": f"Bearer {TOKEN}"},
                            params=V1, timeout=10)

    def latest(self, name: str) -> dict[str, Any]:
        """The agent's latest version, as the API returns it."""
        with self.api() as api:
            response = api.get(f"agents/{name}")
        assert response.status_code == 200, response.text
        version = response.json()["versions"]["latest"]
        assert isinstance(version, dict)
        return version

    def versions(self, name: str) -> list[str]:
        """The agent's version numbers, oldest first."""
        with self.api() as api:
            response = api.get(f"agents/{name}/versions", params={**V1, "order": "asc", "limit": "100"})
        assert response.status_code == 200, response.text
        return [version["version"] for version in response.json()["data"]]

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """A write made outside git (the portal, another script)."""
        with self.api() as api:
            response = api.post(path, json=body)
        assert response.status_code == 200, response.text
        data = response.json()
        assert isinstance(data, dict)
        return data

    def names(self) -> list[str]:
        """Every stored agent's name, in creation order (the sandbox's state, read without the API)."""
        return [agent["name"] for agent in self.sandbox.state()["agents"]]

    # --- traffic ----------------------------------------------------------------------------------------

    def mark(self) -> int:
        return len(self.sandbox.requests())

    def since(self, mark: int) -> list[tuple[str, str, dict[str, str]]]:
        """(method, path, query) of every request after `mark`."""
        return [(r["method"], r["path"], r["query"]) for r in self.sandbox.requests()[mark:]]

    def writes_since(self, mark: int) -> list[tuple[str, str, Any]]:
        """(method, path, body) of every write after `mark`."""
        return [(r["method"], r["path"], r["body"]) for r in self.sandbox.requests()[mark:] if r["method"] in WRITES]
