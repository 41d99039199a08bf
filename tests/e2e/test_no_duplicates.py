"""One assistant per key, over real HTTP against the served sandbox: after a create that timed out and
landed late, with two applies at once, and a way out when duplicates exist anyway.

Before: the re-run created the late key again and every later plan failed ("both claim key 'bot'") with
no way out; two applies at once both created each key.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers.cli_harness import API_KEY, Harness, Result, module_command
from helpers.leakcheck import assert_no_secrets
from helpers.sandbox_server import ServedSandbox, wait_until

from assistantsync.api.client import ResourceClient
from assistantsync.api.connection import ConnectionSettings
from assistantsync.apply.execute import apply_plan
from assistantsync.engine import plan_desired
from assistantsync.files.desired import load_desired
from assistantsync.kinds.assistant import ASSISTANT

HELD_MS = 3000  # how long the sandbox holds a create before storing it: far beyond --timeout
WAIT_SECONDS = 60
FILES = {key: f"model: gpt-4o\nname: {key.title()}\n" for key in ("twin", "solo", "third")}


@pytest.fixture
def env(sandbox_server: ServedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Harness:
    monkeypatch.chdir(tmp_path)
    return Harness(tmp_path, sandbox_server)


def connected(env: Harness) -> ResourceClient:
    settings = ConnectionSettings(base_url=env.sandbox.base_url, headers={"Authorization": f"Bearer {API_KEY}"},
                                  max_retries=0)
    return ResourceClient(settings, kind=ASSISTANT)


def test_a_create_that_timed_out_and_lands_after_the_next_plan_is_not_made_again(env: Harness) -> None:
    env.write("twin.yaml", FILES["twin"])
    env.sandbox.set_faults({"kind": "slow", "method": "POST", "route": "/assistants", "times": 1,
                            "delay_ms": HELD_MS})
    first = env.apply("--auto-approve", "--timeout", "0.3")
    assert first.code == 1 and "FAILED  create twin: POST /v1/assistants: " in first.out, first

    # Run again at once: its plan lists before the held create is stored, its write comes after.
    with connected(env) as client:
        plan = plan_desired(load_desired([env.root / "assistants"]), client, strict=False, prune=False)
        assert [(c.key, c.action) for c in plan.pending] == [("twin", "create")]  # not stored yet
        wait_until(lambda: env.sandbox.identity_keys() == ["twin"], "the held create to be stored")
        (outcome,) = apply_plan(plan, client)

    (stored,) = env.live()
    assert (outcome.ok, outcome.id) == (True, stored["id"])
    assert outcome.message == (f"already exists as {stored['id']}: created meanwhile (an earlier run's create that "
                               "timed out, or another apply?); it holds what the file says")
    assert env.sandbox.count("POST", "/assistants") == 1
    settled = env.plan("--detailed-exitcode")
    assert (settled.code, settled.out) == (0, "No changes. 1 assistant up to date.\n")


def test_duplicates_left_behind_are_one_problem_and_prune_is_the_way_out(env: Harness) -> None:
    env.write("twin.yaml", FILES["twin"])
    assert env.apply("--auto-approve").code == 0
    (kept,) = env.live()
    copies = [env.create_live(name=kept["name"], metadata=kept["metadata"])["id"] for _ in range(2)]
    env.write("solo.yaml", FILES["solo"])
    one, two, three = sorted([kept["id"], *copies])
    claim = (f"twin: live assistants {one}, {two} and {three} all claim key 'twin' in metadata assistantsync_key; "
             f"{kept['id']} is kept")

    planned = env.plan()
    assert planned.code == 1
    assert (f"error: {claim}, as the oldest one: run with --prune to delete the newer copies {copies[0]} and "
            f"{copies[1]}, or delete them yourself\n") in planned.out
    assert "+ create solo" in planned.out  # the other keys still plan

    assert env.plan("--prune", "--out", "plan.json").code == 0  # reviewed as ordinary deletes ...
    shown = env.offline("show", "plan.json")
    assert f"warning: {claim}, as the oldest one, and the newer copies {copies[0]} and {copies[1]} are deleted\n" in (
        shown.out)
    for copy in copies:
        assert f"- delete twin {copy}\n" in shown.out, shown.out
    done = env.apply("--plan", "plan.json", "--auto-approve")  # ... and applied as saved
    assert done.code == 0, done
    assert [f"    ok  delete twin {copy}: deleted" in done.out for copy in copies] == [True, True]

    assert env.sandbox.identity_keys() == ["solo", "twin"]
    assert env.by_key()["twin"]["id"] == kept["id"]
    settled = env.plan("--prune", "--detailed-exitcode")
    assert (settled.code, settled.out) == (0, "No changes. 2 assistants up to date.\n")


OUTCOME = re.compile(r"^ +ok  create (?P<key>\w+) (?P<id>asst_\w+): (?P<message>.*)$", re.M)


def test_two_applies_at_once_agree_on_one_assistant_per_key(env: Harness,
                                                           start: Callable[[], subprocess.Popen[str]]) -> None:
    for key, text in FILES.items():
        env.write(f"{key}.yaml", text)
    # Every create is held before it is stored, so each apply's creates are in flight together with the other's.
    env.sandbox.set_faults({"kind": "slow", "method": "POST", "route": "/assistants", "delay_ms": HELD_MS // 2})
    racers = [start(), start()]
    results = [finished(racer) for racer in racers]

    assert [result.code for result in results] == [0, 0], results
    live = env.by_key()  # fails on a key held twice
    assert sorted(live) == sorted(FILES)
    deleted = [r["path"].rsplit("/", 1)[1] for r in env.sandbox.requests() if r["method"] == "DELETE"]
    for key, item in live.items():
        said = sorted(m["message"] for result in results for m in OUTCOME.finditer(result.out) if m["key"] == key)
        # Both applies created it and the later copy gave way, or the later apply found it already there.
        gave_way = [f"a concurrent apply created {key} as {item['id']} first; kept it, deleted ours ({lost})"
                    for lost in deleted]
        already = (f"already exists as {item['id']}: created meanwhile (an earlier run's create that timed out, or "
                   "another apply?); it holds what the file says")
        assert len(said) == 2 and said[1] == "created" and (said[0] in gave_way or said[0] == already), said
    settled = env.plan("--detailed-exitcode")
    assert (settled.code, settled.out) == (0, f"No changes. {len(FILES)} assistants up to date.\n")


@pytest.fixture
def start(env: Harness) -> Iterator[Callable[[], subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def run() -> subprocess.Popen[str]:
        command, environment = module_command(env, "apply", "--auto-approve")
        started.append(subprocess.Popen(command, cwd=env.root, env=environment, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        return started[-1]

    yield run
    for process in started:  # a failed test must not leave a process behind
        if process.poll() is None:
            process.kill()
            process.wait()


def finished(process: subprocess.Popen[str]) -> Result:
    out, err = process.communicate(timeout=WAIT_SECONDS)
    assert_no_secrets(out, err)
    return Result(process.returncode, out, err)
