"""SIGINT and SIGTERM during `apply`: no new write starts, writes in flight get a second to finish (then are
abandoned, reported as perhaps applied), the summary says what was and was not applied, and the next apply
converges.

The real entry point runs as a subprocess (`python -m assistantsync apply --auto-approve --parallelism 2`)
against the served sandbox, slowed to LATENCY_MS per request so that writes are in flight when the signal
comes. The sandbox logs a request when it answers it, so "started after the signal" is read from the log
as: writes answered after the tool acknowledged the signal. At most `--parallelism` writes can have been
in flight then; any more would be writes it started afterwards.

A write the sandbox holds past that second is abandoned: its outcome is unknown, so the summary says it may
have been applied, and the next apply finds it by its key once it lands. A second SIGINT changes nothing but
is acknowledged. No timing is asserted: every wait is a bounded loop on something the sandbox or the process
reports (test_hostile_server.py stops writes to servers that never answer).
"""

from __future__ import annotations

import re
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers.cli_harness import API_KEY, Harness, Result, module_command
from helpers.leakcheck import assert_no_secrets
from helpers.sandbox_server import ServedSandbox, wait_until

from assistantsync.api.client import ResourceClient, RetryInterrupted
from assistantsync.api.connection import ConnectionSettings
from assistantsync.apply.execute import NOT_APPLIED, interrupted_message
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.reserved import IDENTITY_KEY

COUNT = 10
PARALLELISM = 2
LATENCY_MS = 300
WAIT_SECONDS = 30
ACK = "Interrupted ("  # the tool's first line after a signal
STILL_STOPPING = "Already stopping:"  # its line after another one
KEYS = [f"bot-{n:02d}" for n in range(COUNT)]
IN_FLIGHT = "POST /v1/assistants: interrupted in flight: may have been applied; the next plan finds it by its key"
OUTCOME = re.compile(r"^ *(?P<mark>ok|FAILED)  create (?P<key>[\w-]+)(?: asst_\w+)?: (?P<message>.*)$", re.M)


@pytest.fixture
def env(sandbox_server: ServedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    monkeypatch.chdir(tmp_path)  # for the in-process runs that check convergence
    harness = Harness(tmp_path, sandbox_server)
    for key in KEYS:
        harness.write(f"{key}.yaml", f"model: gpt-4o\nname: Bot {key}\n")
    yield harness


@dataclass
class Running:
    """`apply` running in a subprocess; its output goes to files, so stderr can be read while it runs."""

    process: subprocess.Popen[str]
    out: Path
    err: Path
    environment: dict[str, str]

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8")

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def finish(self) -> Result:
        code = self.process.wait(timeout=WAIT_SECONDS)
        result = Result(code, self.out.read_text(encoding="utf-8"), self.stderr())
        assert API_KEY not in result.out + result.err
        assert_no_secrets(result.out, result.err, env=self.environment)
        return result


@pytest.fixture
def start(env: Harness, tmp_path: Path) -> Iterator[Callable[..., Running]]:
    started: list[Running] = []

    def run(*args: str) -> Running:
        command, environment = module_command(env, "apply", "--auto-approve", "--parallelism", str(PARALLELISM),
                                              *args)
        out, err = tmp_path / "apply.out", tmp_path / "apply.err"
        with out.open("w", encoding="utf-8") as stdout, err.open("w", encoding="utf-8") as stderr:
            process = subprocess.Popen(command, cwd=env.root, env=environment, stdin=subprocess.DEVNULL,
                                       stdout=stdout, stderr=stderr, text=True)
        started.append(Running(process, out, err, environment))
        return started[-1]

    yield run
    for running in started:  # a failed test must not leave a process behind
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait()


def creates(env: Harness) -> list[int | None]:
    """The status of every create the sandbox has answered, in order."""
    return [r["status"] for r in env.sandbox.requests() if r["method"] == "POST" and r["route"] == "/assistants"]


def outcomes(result: Result) -> dict[str, tuple[bool, str]]:
    found = {m["key"]: (m["mark"] == "ok", m["message"]) for m in OUTCOME.finditer(result.out)}
    assert sorted(found) == KEYS, result.out
    return found


def check_stopped(env: Harness, result: Result, answered_at_ack: int) -> list[str]:
    """What the summary says matches what was stored, each assistant once; returns the keys not stored.

    A write abandoned in flight (a loaded machine can make any write outlast the grace) may land or not."""
    assert result.code == 1, result
    assert "Traceback" not in result.err and "KeyboardInterrupt" not in result.err, result.err
    reported = outcomes(result)
    applied = sorted(key for key, (ok, _) in reported.items() if ok)
    in_flight = sorted(key for key, (ok, message) in reported.items() if not ok and message == IN_FLIGHT)
    not_applied = sorted(key for key, (ok, message) in reported.items() if not ok and message.startswith(NOT_APPLIED))
    assert not_applied, "the signal came too late to stop anything"
    assert len(applied) + len(in_flight) + len(not_applied) == COUNT, result.out
    wait_until(lambda: len(creates(env)) >= len(applied) + len(in_flight), "the abandoned creates to land")
    late = creates(env)[answered_at_ack:]
    assert len(late) <= PARALLELISM, f"{len(late)} creates answered after the signal was acknowledged"
    assert all(status == 200 for status in late)  # the writes in flight were answered (finished or abandoned)
    stored = env.sandbox.identity_keys()
    assert len(stored) == len(set(stored))  # each once
    assert set(applied) <= set(stored) <= set(applied) | set(in_flight)  # every create reported ok, no other
    failed = f", {len(in_flight)} failed" if in_flight else ", 0 failed"
    assert result.out.endswith(f"Apply: {len(applied)} succeeded{failed}, {len(not_applied)} not applied "
                               "(interrupted).\n")
    return sorted(set(KEYS) - set(stored))


def check_converges(env: Harness, missing: list[str]) -> None:
    env.sandbox.set_faults()
    again = env.apply("--auto-approve")
    assert again.code == 0, again
    assert again.out.endswith(f"Apply: {len(missing)} succeeded, 0 failed.\n")
    assert env.sandbox.identity_keys() == KEYS
    settled = env.plan("--detailed-exitcode")
    assert (settled.code, settled.out) == (0, f"No changes. {COUNT} assistants up to date.\n")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_starts_no_new_write_and_the_next_apply_converges(
        env: Harness, start: Callable[..., Running], signum: int) -> None:
    env.sandbox.set_faults(latency_ms=LATENCY_MS)
    running = start()
    wait_until(lambda: len(creates(env)) >= 1, "the sandbox to answer the first create")
    running.signal(signum)
    wait_until(lambda: ACK in running.stderr() or running.process.poll() is not None, "the acknowledgement")
    at_ack = len(creates(env))
    result = running.finish()
    assert f"{ACK}{signal.Signals(signum).name}): no new changes will start" in result.err
    check_converges(env, check_stopped(env, result, at_ack))


def test_a_write_held_past_the_signal_is_abandoned_and_a_second_sigint_is_acknowledged(
        env: Harness, start: Callable[..., Running]) -> None:
    # Of the first two creates, sent together, the second the sandbox sees is held far longer than the second
    # a write in flight gets after the signal: when the first is answered (and the first signal sent), that
    # one is surely in flight, and it outlasts the grace. The second signal comes within the grace.
    held = {"kind": "slow", "method": "POST", "route": "/assistants", "every": 2, "times": 1,
            "delay_ms": 20 * LATENCY_MS}
    env.sandbox.set_faults(held, latency_ms=LATENCY_MS)
    running = start()
    wait_until(lambda: len(creates(env)) >= 1, "the sandbox to answer the first create")
    running.signal(signal.SIGINT)
    wait_until(lambda: ACK in running.stderr() or running.process.poll() is not None, "the acknowledgement")
    at_ack = len(creates(env))
    running.signal(signal.SIGINT)
    wait_until(lambda: STILL_STOPPING in running.stderr() or running.process.poll() is not None,
               "the tool to acknowledge the second signal")
    result = running.finish()
    assert STILL_STOPPING in result.err
    missing = check_stopped(env, result, at_ack)
    assert IN_FLIGHT in result.out  # the held create was abandoned; check_stopped waited for it to land
    check_converges(env, missing)


def test_a_create_waiting_to_retry_is_not_sent_again_after_the_signal(
        env: Harness, start: Callable[..., Running]) -> None:
    # Every create is rate limited and told to wait 5 s: the signal comes once the first ones wait (the log of
    # -v says so; the sandbox's log would only say the refusals were sent).
    env.sandbox.set_faults({"kind": "rate_limit", "method": "POST", "route": "/assistants", "retry_after_ms": 5000})
    running = start("--max-retries", "3", "-v")
    wait_until(lambda: running.stderr().count("retrying POST /v1/assistants in ") >= PARALLELISM,
               "the first creates to wait for a retry")
    running.signal(signal.SIGINT)
    wait_until(lambda: ACK in running.stderr() or running.process.poll() is not None, "the acknowledgement")
    at_ack = len(creates(env))
    result = running.finish()
    assert len(creates(env)) == at_ack  # nothing was in flight, and no retry was sent
    missing = check_stopped(env, result, at_ack)
    assert missing == KEYS
    refused = [message for _, message in outcomes(result).values() if "429 Too Many Requests" in message]
    assert len(refused) == PARALLELISM  # the ones that were waiting say why they were waiting
    check_converges(env, missing)


MAY_HAVE_BEEN_APPLIED = "interrupted before a retry; the failed attempt may have been applied: "


@pytest.mark.parametrize(("action", "fault", "expected"), [
    ("create", "server_error", f"{NOT_APPLIED} before a retry: POST /v1/assistants: 500 "),  # looked up: not there
    ("create", "rate_limit", f"{NOT_APPLIED} before a retry: POST /v1/assistants: 429 "),
    ("update", "rate_limit", f"{NOT_APPLIED} before a retry: POST /v1/assistants/ID: 429 "),
    ("update", "server_error", f"{MAY_HAVE_BEEN_APPLIED}POST /v1/assistants/ID: 500 "),
    ("update", "drop_after_write", f"{MAY_HAVE_BEEN_APPLIED}POST /v1/assistants/ID: the connection to "),
    ("delete", "drop_before", f"{MAY_HAVE_BEEN_APPLIED}DELETE /v1/assistants/ID: the connection to "),
])
def test_an_interrupted_retry_says_whether_the_failed_attempt_may_have_been_applied(
        sandbox_server: ServedSandbox, action: str, fault: str, expected: str) -> None:
    with sandbox_server.api() as api:
        ident = api.post("/assistants", json={"model": "gpt-4o", "metadata": {IDENTITY_KEY: "old"}}).json()["id"]
    method = "DELETE" if action == "delete" else "POST"
    route = "/assistants" if action == "create" else "/assistants/{assistant_id}"
    sandbox_server.set_faults({"kind": fault, "method": method, "route": route, "retry_after_ms": 10})
    stop = threading.Event()
    stop.set()  # the signal came while the first attempt was in flight: it is sent, but never retried
    settings = ConnectionSettings(base_url=sandbox_server.base_url, headers={"Authorization": f"Bearer {API_KEY}"},
                                  max_retries=5, timeout=10)
    body: dict[str, Any] = {"model": "gpt-4o", "metadata": {IDENTITY_KEY: "new"}}
    with ResourceClient(settings, kind=ASSISTANT) as client, pytest.raises(RetryInterrupted) as raised:
        if action == "create":
            client.create(body, find_existing=lambda: None, stop=stop)
        elif action == "update":
            client.modify(ident, body, stop=stop)
        else:
            client.delete(ident, stop=stop)
    assert interrupted_message(raised.value).startswith(expected.replace("ID", ident))
    assert str(raised.value).endswith("; interrupted, so not retried")
    assert [r["route"] for r in sandbox_server.requests()[1:]] == [route]  # one attempt, no retry
