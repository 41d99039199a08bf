"""The parts of the issue's lower bounds that are not the CLI (used by bench_sync.py): the same requests sent by
plain httpx, and the same files checked by check-jsonschema.

check-jsonschema is not a project dependency: `pip install check-jsonschema` to get its row.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from bench_trees import FAKE_KEY

HEADERS = {"Authorization": f"Bearer {FAKE_KEY}", "OpenAI-Beta": "assistants=v2"}
LIST_PARAMS = {"limit": "100", "order": "asc"}  # what the CLI asks for


def bare_list(base_url: str) -> float:
    """Seconds to follow the list's pages with a bare httpx loop: each page decoded for its cursor, nothing else."""
    with httpx.Client(headers=HEADERS, timeout=60, verify=False) as client:  # plain http: no CA bundle to load
        started = time.perf_counter()
        params = LIST_PARAMS
        while True:
            page = client.get(f"{base_url}/assistants", params=params).raise_for_status().json()
            if not page["has_more"]:
                return time.perf_counter() - started
            params = {**LIST_PARAMS, "after": page["last_id"]}


def bare_writes(origin: str, writes: Sequence[tuple[str, Any]], parallelism: int) -> float:
    """Seconds to send these (path, JSON body) POSTs from `parallelism` threads over one httpx client."""
    limits = httpx.Limits(max_connections=parallelism, max_keepalive_connections=parallelism)
    with httpx.Client(headers=HEADERS, timeout=60, verify=False, limits=limits) as client:
        started = time.perf_counter()
        with ThreadPoolExecutor(parallelism) as pool:
            for response in pool.map(lambda write: client.post(origin + write[0], json=write[1]), writes):
                response.raise_for_status()
        return time.perf_counter() - started


def check_jsonschema(schema: Path, files: Sequence[Path]) -> float | None:
    """Seconds for check-jsonschema to validate `files` against `schema`; None when it is not installed."""
    command = shutil.which("check-jsonschema")
    if command is None:
        return None
    started = time.perf_counter()
    done = subprocess.run([command, "--schemafile", str(schema), *map(str, files)], capture_output=True, text=True)
    wall = time.perf_counter() - started
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return wall
