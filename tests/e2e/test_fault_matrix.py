"""Every operation under every fault, over real HTTP against the served sandbox.

Operations: `plan`, `apply` creating, updating and deleting (`--prune`), and `import --all`. Faults: 429
storms (with `retry-after-ms`), periodic 5xx, responses slower than `--timeout`, connections dropped
before the request is handled and responses dropped after the write happened. Each fault comes in two
strengths: `within` the retry budget (`--max-retries`) and `beyond` it. A fault is aimed at the request
the operation is about (its *target*: the list for plan and import, `POST /assistants` for a create,
`POST` / `DELETE /assistants/{id}` for an update / delete); `within` faults also hit the first list.

For every cell (see EXPECTED for the exit codes, and why):
- the exit code;
- the summary names each assistant that failed, with the method, the path and the status or timeout
  (a failed list, which stops the run before any write, is named the same way);
- no assistant ever exists twice, during the faults or after;
- no request touches an assistant whose file did not change: no write to it, and GETs only list (or read
  the assistant about to be written, for its metadata as it is now);
- import leaves no file at all when it fails;
- with the faults gone, apply (or import) once more converges: `plan --detailed-exitcode` exits 0.

Slow responses use the sandbox's `latency_ms` (every request slower than `--timeout`: the first list
already fails), and its `slow` rule for slowness aimed at the target alone (held before it is handled,
so a write the client gave up on still lands). The retry backoff is shortened in-process (the policy
itself is tested in test_retry.py); a 429 waits what its `retry-after-ms` says, a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers.agent_faults import FAULTS as ALL_FAULTS
from helpers.agent_faults import SLOW_MS, TIMEOUT, Fault
from helpers.cli_harness import Harness, Result
from helpers.sandbox_server import ServedSandbox

from assistantsync.api import retry
from assistantsync.apply.execute import RECOVERED_NOTE
from assistantsync.plan.reserved import IDENTITY_KEY

LIST = ("GET", "/assistants")
ITEM = "/assistants/{assistant_id}"

BASE = {
    "steady.yaml": "model: gpt-4o\nname: Steady\n",  # never changes: no request may touch it
    "alpha.yaml": "model: gpt-4o\nname: Alpha\ntemperature: 0.2\n",
    "beta.yaml": "model: gpt-4o-mini\nname: Beta\ninstructions: Be brief.\n",
}
CHANGED = {
    "alpha.yaml": BASE["alpha.yaml"].replace("0.2", "0.7"),
    "beta.yaml": BASE["beta.yaml"].replace("Be brief.", "Be brief and kind."),
}
TARGETS = ("alpha", "beta")


@dataclass(frozen=True)
class Operation:
    name: str
    target: tuple[str, str]  # (method, route) of the requests the operation is about
    command: tuple[str, ...]
    ok: int  # exit code when it succeeds
    present: tuple[str, ...]  # keys that exist once it converged


OPERATIONS = {
    "plan": Operation("plan", LIST, ("plan", "--detailed-exitcode"), 2, ("steady", *TARGETS)),
    "create": Operation("create", ("POST", "/assistants"), ("apply", "--auto-approve"), 0, ("steady", *TARGETS)),
    "update": Operation("update", ("POST", ITEM), ("apply", "--auto-approve"), 0, ("steady", *TARGETS)),
    "delete": Operation("delete", ("DELETE", ITEM), ("apply", "--auto-approve", "--prune"), 0, ("steady",)),
    "import": Operation("import", LIST, ("import", "--all", "--out", "imported"), 0, ("steady", *TARGETS)),
}


# The faults are the agents matrix's too (helpers/agent_faults.py); its assistant cells of error_after_write live
# in tests/e2e/test_agents_faults.py.
FAULTS = {name: fault for name, fault in ALL_FAULTS.items() if fault.kind != "error_after_write"}


# The matrix: operation -> fault -> exit code. Within the budget everything succeeds, beyond it
# everything fails, except where a comment says otherwise.
EXPECTED: dict[str, dict[str, int]] = {
    "plan": {
        "rate_limit-within": 2, "rate_limit-beyond": 1,
        "server_error-within": 2, "server_error-beyond": 1,
        "slow-beyond": 1,  # the list times out on every attempt
        "slow_target-within": 2, "slow_target-beyond": 1,
        "drop_before-within": 2, "drop_before-beyond": 1,
        "drop_after_write-within": 2, "drop_after_write-beyond": 2,  # reads are never dropped after a write
    },
    "create": {
        "rate_limit-within": 0, "rate_limit-beyond": 1,
        "server_error-within": 0,  # each 5xx create is looked up by key, then sent again
        "server_error-beyond": 1,
        "slow-beyond": 1,  # the list before it times out: nothing is sent
        # A create with no response in time may still be stored by the server after the lookup finds
        # nothing: it is never sent again in the same run (that made duplicates); the next apply finds it.
        "slow_target-within": 1, "slow_target-beyond": 1,
        "drop_before-within": 0,  # looked up by key, not there, sent again
        "drop_before-beyond": 1,
        # The create was stored: the lookup after the lost response finds it, at any budget.
        "drop_after_write-within": 0, "drop_after_write-beyond": 0,
    },
    "update": {
        "rate_limit-within": 0, "rate_limit-beyond": 1,
        "server_error-within": 0, "server_error-beyond": 1,
        "slow-beyond": 1,
        "slow_target-within": 0,  # the same body again is safe; the late first one changes nothing
        "slow_target-beyond": 1,  # the writes land late: the next apply has nothing to do
        "drop_before-within": 0, "drop_before-beyond": 1,
        "drop_after_write-within": 0,
        "drop_after_write-beyond": 1,  # applied every time, never confirmed: the next apply has nothing to do
    },
    "delete": {
        "rate_limit-within": 0, "rate_limit-beyond": 1,
        "server_error-within": 0, "server_error-beyond": 1,
        "slow-beyond": 1,
        "slow_target-within": 0, "slow_target-beyond": 1,
        "drop_before-within": 0, "drop_before-beyond": 1,
        # The retry finds it gone (404) after the lost response: that delete did happen.
        "drop_after_write-within": 0, "drop_after_write-beyond": 0,
    },
    "import": {
        "rate_limit-within": 0, "rate_limit-beyond": 1,
        "server_error-within": 0, "server_error-beyond": 1,
        "slow-beyond": 1,
        "slow_target-within": 0, "slow_target-beyond": 1,
        "drop_before-within": 0, "drop_before-beyond": 1,
        "drop_after_write-within": 0, "drop_after_write-beyond": 0,  # reads are never dropped after a write
    },
}
CELLS = [(op, fault) for op in OPERATIONS for fault in FAULTS]
# Cells whose failed writes were applied all the same (late, or with the response lost): once the faults
# are gone, apply finds nothing left to do.
LANDED = {("create", "slow_target-within"), ("create", "slow_target-beyond"), ("update", "slow_target-beyond"),
          ("update", "drop_after_write-beyond"), ("delete", "slow_target-beyond")}


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "BACKOFF_START", 0.001)


@pytest.fixture
def env(sandbox_server: ServedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Harness:
    monkeypatch.chdir(tmp_path)
    return Harness(tmp_path, sandbox_server)


def write_files(env: Harness, files: dict[str, str]) -> None:
    for name, text in files.items():
        env.write(name, text)


def set_up(env: Harness, operation: Operation) -> dict[str, str]:
    """Apply the starting files without faults, then change the files the way the operation needs.
    Returns key -> id of what is live."""
    write_files(env, {"steady.yaml": BASE["steady.yaml"]} if operation.name == "create" else BASE)
    assert env.apply("--auto-approve").code == 0
    if operation.name in ("create", "plan", "update"):
        write_files(env, BASE if operation.name == "create" else CHANGED)
    if operation.name == "delete":
        for key in TARGETS:
            (env.root / "assistants" / f"{key}.yaml").unlink()
    return {key: item["id"] for key, item in env.by_key().items()}


def sent_requests(result: Result) -> int:
    """How many requests a `-v` run sent (each is logged `-> METHOD PATH` before it goes out)."""
    return sum(line.startswith("-> ") for line in result.err.splitlines())




@contextmanager
def faulted(env: Harness, operation: Operation, fault: Fault) -> Iterator[None]:
    """The fault in force for the duration."""
    env.sandbox.set_faults(*fault.rules(operation.target, "/assistants"),
                           latency_ms=SLOW_MS if fault.kind == "slow" else 0)
    try:
        yield
    finally:
        env.sandbox.set_faults()


def run_faulted(env: Harness, operation: Operation, fault: Fault) -> Result:
    timeout = ("--timeout", TIMEOUT) if fault.kind.startswith("slow") else ()
    before = env.sandbox.stats()["total"]
    with faulted(env, operation, fault):
        result = env.cli(*operation.command, "-v", "--max-retries", str(fault.retries), *timeout)
    env.sandbox.wait_for_requests(before + sent_requests(result))  # a timed-out one may still be on its way
    return result


def check_reported(result: Result, operation: Operation, fault: Fault, ids: dict[str, str], code: int) -> None:
    """Successes list every target as ok; failures name each target (or the failed list) and why."""
    method, route = operation.target
    if code == operation.ok:
        if operation.name == "plan":
            assert result.out.endswith("Plan: 0 to create, 2 to update, 0 to delete.\n")
        elif operation.name == "import":
            assert sorted(result.out.splitlines()) == [f"imported/{key}.yaml" for key in sorted(operation.present)]
        else:
            for key in TARGETS:
                assert f"    ok  {operation.name} {key} " in result.out, result.out
            assert result.out.endswith(f"Apply: {len(TARGETS)} succeeded, 0 failed.\n")
        if (operation.name, fault.kind) == ("create", "drop_after_write"):  # says how it knows
            assert f"created ({RECOVERED_NOTE})" in result.out
        return
    if operation.target == LIST or fault.kind == "slow":  # the run stopped at the list, before any write
        assert "Error: GET /v1/assistants: " in result.err
        assert fault.reason in result.err.split("Error: GET /v1/assistants: ", 1)[1]
        return
    # Beyond the budget every target fails; within it only the one request the fault held (a create).
    failures = len(TARGETS) if fault.strength == "beyond" else 1
    failed = {line.split()[2].rstrip(":"): line for line in result.out.splitlines() if line.startswith("FAILED  ")}
    assert len(failed) == failures and set(failed) <= set(TARGETS), result.out
    for key, line in failed.items():
        path = "/v1/assistants" if route == "/assistants" else f"/v1/assistants/{ids[key]}"
        assert f": {method} {path}: " in line and fault.reason in line, line
    for key in set(TARGETS) - set(failed):
        assert f"    ok  {operation.name} {key} " in result.out, result.out
    assert result.out.endswith(f"Apply: {len(TARGETS) - failures} succeeded, {failures} failed.\n")


def check_requests(env: Harness, mark: int, operation: Operation, ids: dict[str, str]) -> None:
    """Only target assistants were written or read; every other read was a list."""
    target_ids = {ids[key] for key in TARGETS if key in ids}
    for request in env.sandbox.requests()[mark:]:
        method, path = request["method"], request["path"]
        assert ids["steady"] not in path, request
        if method == "GET":
            assert request["route"] == "/assistants" or path.rsplit("/", 1)[1] in target_ids, request
        elif request["route"] == "/assistants":
            assert operation.name == "create" and method == "POST", request
            assert request["body"]["metadata"][IDENTITY_KEY] in TARGETS, request
        else:
            assert path.rsplit("/", 1)[1] in target_ids, request


@pytest.mark.parametrize(("op_name", "fault_name"), CELLS, ids=[f"{op}-{fault}" for op, fault in CELLS])
def test_fault_matrix(env: Harness, op_name: str, fault_name: str) -> None:
    operation, fault = OPERATIONS[op_name], FAULTS[fault_name]
    ids = set_up(env, operation)
    mark = env.mark()
    code = EXPECTED[op_name][fault_name]

    result = run_faulted(env, operation, fault)
    assert result.code == code, result
    check_reported(result, operation, fault, ids, code)
    assert "Traceback" not in result.out + result.err
    live = env.sandbox.identity_keys()
    assert len(live) == len(set(live)), f"duplicates: {live}"
    if operation.name == "import" and code != operation.ok:  # it fetches everything before writing anything
        assert not (env.root / "imported").exists(), "a failed import left files behind"

    # The faults are gone: one more run converges, and a plan finds nothing left to do.
    if operation.name == "import":
        again = env.cli("import", "--all", "--out", "imported", "--force")
        assert again.code == 0, again
        settled = env.plan("imported", "--detailed-exitcode")
        names = sorted(p.name for p in (env.root / "imported").iterdir())
        assert names == sorted([*(f"{key}.yaml" for key in operation.present), "schemas"])  # schemas: import's copy
    else:
        again = env.apply("--auto-approve", "--prune")
        assert again.code == 0, again
        nothing_left = (op_name, fault_name) in LANDED or (code == operation.ok and op_name != "plan")
        assert again.out.startswith("No changes.") == nothing_left, again
        settled = env.plan("--prune", "--detailed-exitcode")
    assert (settled.code, settled.err) == (0, ""), settled
    assert env.sandbox.identity_keys() == sorted(operation.present)
    check_requests(env, mark, operation, ids)


def test_import_failing_on_the_second_page_writes_nothing(env: Harness) -> None:
    with env.sandbox.api() as api:
        for _ in range(101):  # two pages of 100
            assert api.post("/assistants", json={"model": "gpt-4o", "name": "Bulk"}).status_code == 200
    env.sandbox.set_faults({"kind": "server_error", "method": "GET", "route": "/assistants", "every": 2})
    mark = env.mark()
    failed = env.cli("import", "--all", "--out", "bulk")
    assert failed.code == 1
    assert failed.err.startswith("Error: GET /v1/assistants: 500 Internal Server Error: ")
    pages = [(r["query"].get("after") is not None, r["status"]) for r in env.sandbox.requests()[mark:]]
    assert pages == [(False, 200), (True, 500)]
    assert not (env.root / "bulk").exists()
