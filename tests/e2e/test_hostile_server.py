"""A server that never answers, trickles, pages for ever, nests a value too deep or answers too much: the real
entry point (`python -m assistantsync`) ends each time with a message and exit 1, never a hang or a traceback.

--timeout bounds a whole request, not each read, so a trickle cannot hold it; SIGINT and SIGTERM abandon a
write that has not finished a moment later and say its outcome is unknown. No timing is asserted: each run is
bounded by a subprocess timeout far above what it needs (the code before these bounds hung past it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers.cli_harness import API_KEY, CLEAN_ENV
from helpers.hostile_server import EMPTY_LIST, Behaviour, answer, endless_pages, serve_hostile, silent, trickle
from helpers.leakcheck import assert_no_secrets
from helpers.sandbox_server import wait_until
from helpers.tree import write

from assistantsync.plan.reserved import IDENTITY_KEY

GUARD_SECONDS = 30  # a hang's bound, never a timing
LIST = "GET /v1/assistants"
CREATE = "POST /v1/assistants"
TIMED_OUT = ("within 1s (ReadTimeout: the whole request took longer than --timeout); raise --timeout if the "
             "server is just slow")
IN_FLIGHT = "POST /v1/assistants: interrupted in flight: may have been applied; the next plan finds it by its key"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path / "assistants" / "bot.yaml", "model: gpt-4o\nname: Bot\n")
    return tmp_path


def command(base_url: str, *args: str, **env: str) -> tuple[list[str], dict[str, str]]:
    name, *rest = args
    line = [sys.executable, "-m", "assistantsync", name, "--provider", "openai", "--base-url", base_url,
            "--max-retries", "0", *rest]
    environment = {k: v for k, v in {**os.environ, **CLEAN_ENV, **env}.items() if v is not None}
    return line, environment


def checked(code: int, out: str, err: str, environment: dict[str, str]) -> Run:
    assert_no_secrets(out, err, env=environment)
    assert API_KEY not in out + err
    assert "Traceback" not in err, err
    return Run(code, out, err)


def run(folder: Path, base_url: str, *args: str, **env: str) -> Run:
    line, environment = command(base_url, *args, **env)
    done = subprocess.run(line, cwd=folder, env=environment, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=GUARD_SECONDS, check=False)
    return checked(done.returncode, done.stdout, done.stderr, environment)


def host(base_url: str) -> str:
    return base_url.removeprefix("http://").removesuffix("/v1")


def nested(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"deeper": value}
    return value


def test_a_list_trickled_a_byte_at_a_time_ends_at_the_timeout(folder: Path) -> None:
    with serve_hostile({LIST: trickle}) as server:
        result = run(folder, server.base_url, "plan", "--timeout", "1")
    assert result == Run(1, "", f"Error: GET /v1/assistants: no response from {host(server.base_url)} {TIMED_OUT}\n")


def test_a_create_trickled_a_byte_at_a_time_ends_at_the_timeout(folder: Path) -> None:
    with serve_hostile({LIST: answer(EMPTY_LIST), CREATE: trickle}) as server:
        result = run(folder, server.base_url, "apply", "--auto-approve", "--timeout", "1")
    assert result.code == 1
    failed = [line for line in result.out.splitlines() if line.startswith("FAILED")]
    assert failed == [f"FAILED  create bot: POST /v1/assistants: no response from {host(server.base_url)} "
                      f"{TIMED_OUT}; the server may still be storing the assistant (it was not there yet when "
                      "looked up by its key), so the create was not sent again (that could make a duplicate); "
                      "the next apply finds it by its key"]
    assert result.out.endswith("Apply: 0 succeeded, 1 failed.\n")


@pytest.mark.parametrize("behaviour", [silent, trickle], ids=["silent", "trickle"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_abandons_a_write_the_server_never_finishes(folder: Path, signum: int, behaviour: Behaviour
                                                              ) -> None:
    with serve_hostile({LIST: answer(EMPTY_LIST), CREATE: behaviour}) as server:
        line, environment = command(server.base_url, "apply", "--auto-approve")  # --timeout: 60 s
        process = subprocess.Popen(line, cwd=folder, env=environment, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_until(lambda: server.count("POST", "/v1/assistants") == 1, "the create to reach the server")
            process.send_signal(signum)
            out, err = process.communicate(timeout=GUARD_SECONDS)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    result = checked(process.returncode, out, err, environment)
    assert result.code == 1
    assert f"Interrupted ({signal.Signals(signum).name}): no new changes will start" in result.err
    assert [line for line in result.out.splitlines() if line.startswith("FAILED")] == [
        f"FAILED  create bot: {IN_FLIGHT}"]
    assert result.out.endswith("Apply: 0 succeeded, 1 failed.\n")


def test_a_list_with_a_new_cursor_on_every_page_stops_with_an_error(folder: Path) -> None:
    with serve_hostile({LIST: endless_pages}) as server:
        result = run(folder, server.base_url, "plan")
    assert result == Run(1, "", (
        "Error: GET /v1/assistants: stopped paging after 11 pages listing 11 objects: the server keeps sending a "
        "new cursor, and a list this size needs at most 11 pages (one per 10 objects, 10 more, 1000 in all); "
        "check its paging (`after` cursors) and list again\n"))
    assert server.count("GET", "/v1/assistants") == 11


@pytest.mark.parametrize("args", [("plan",), ("import", "--all", "--out", "imported")], ids=["plan", "import"])
def test_a_live_value_nested_400_deep_is_a_message_naming_the_assistant_and_field(folder: Path, args: tuple[str, ...]
                                                                                   ) -> None:
    write(folder / "assistants" / "bot.yaml", "model: gpt-4o\nname: Bot\nresponse_format: auto\n")  # compared
    deep = {"id": "asst_deep", "object": "assistant", "model": "gpt-4o", "metadata": {IDENTITY_KEY: "bot"},
            "response_format": nested(400)}
    with serve_hostile({LIST: answer({**EMPTY_LIST, "data": [deep]})}) as server:
        result = run(folder, server.base_url, *args)
    assert result == Run(1, "", (
        "Error: GET /v1/assistants: 200 OK: item 0 of the list (id 'asst_deep') nests deeper than 64 levels at "
        "`response_format`; files cannot nest that deep, so nothing could manage it\n"))
    assert not (folder / "imported").exists()


def test_the_response_cap_is_set_by_option_or_environment(folder: Path) -> None:
    big = {"id": "asst_big", "object": "assistant", "model": "gpt-4o", "metadata": {}, "instructions": "x" * 2**20}
    too_large = ("Error: GET /v1/assistants: 200 OK: the server's answer exceeded 1 MiB after decompression; check "
                 "that --base-url points at an Assistants API server; its answers are far smaller "
                 "(--max-response-mib raises the cap)\n")
    with serve_hostile({LIST: answer({**EMPTY_LIST, "data": [big]})}) as server:
        by_option = run(folder, server.base_url, "plan", "--max-response-mib", "1")
        by_environment = run(folder, server.base_url, "plan", ASSISTANTSYNC_MAX_RESPONSE_MIB="1")
        by_default = run(folder, server.base_url, "plan")
    assert by_option == by_environment == Run(1, "", too_large)
    assert (by_default.code, by_default.out.splitlines()[-1]) == (0, "Plan: 1 to create, 0 to update, 0 to delete.")
