"""build_client: connection options and the environment, made into a ready client for the assistants.

What every command that talks to an API (and the benchmarks) calls: credentials are checked, and remembered
for scrubbing a crash's traceback, before any request. Importing this module loads no httpx.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistantsync.api.connection import DEFAULT_MAX_RESPONSE_MIB
from assistantsync.api.providers import resolve_connection
from assistantsync.api.redaction import known_secrets, redact, remember_secrets
from assistantsync.safe_text import log_safe

if TYPE_CHECKING:
    from assistantsync.api.client import ResourceClient


def build_client(
    *,
    provider: str,
    base_url: str | None,
    api_version: str | None,
    headers: Sequence[str],
    timeout: float,
    max_retries: int,
    parallelism: int,
    sandbox_state: Path,
    verbose: bool,
    max_response_mib: int = DEFAULT_MAX_RESPONSE_MIB,
    env: Mapping[str, str] = os.environ,
    api_key_env: str | None = None,
) -> ResourceClient:
    """A client for the chosen provider; raises MissingCredentials (naming the variables) before any request.

    `verbose` logs each request and response to stderr, credentials masked.
    `api_key_env`: the variable holding the provider's key instead of its own (a project environment's).
    """
    settings, transport = resolve_connection(
        provider,
        env,
        base_url=base_url,
        api_version=api_version,
        extra_headers=headers,
        timeout=timeout,
        max_retries=max_retries,
        parallelism=parallelism,
        sandbox_state=sandbox_state,
        max_response_mib=max_response_mib,
        key_variable=api_key_env,
    )
    remember_secrets(settings.secrets)  # for the traceback of a crash (cli.main), which no client scrubs
    from assistantsync.api.client import ResourceClient  # httpx: only once the options are known to be usable
    from assistantsync.kinds.assistant import ASSISTANT

    return ResourceClient(settings, kind=ASSISTANT, transport=transport, log=_to_stderr if verbose else None)


def _to_stderr(line: str) -> None:
    # A log line quotes what servers send (error messages, ids), so it is printed as cli/output.emit prints
    # (api/ imports no cli/): masked, then log-safe. One write per line: parallel requests log from threads.
    sys.stderr.write(log_safe(redact(line, known_secrets(os.environ))) + "\n")
    sys.stderr.flush()
