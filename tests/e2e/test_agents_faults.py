"""The fault matrix of test_fault_matrix.py, for agents: every operation under every fault, over real HTTP.

The CLI runs as `--provider azure-foundry --base-url SANDBOX` on agent files. Operations: `plan`,
`import --kind agent --all`, `apply` creating (`POST /agents`), making a new version of a changed definition
(`POST /agents/{name}`, which the API dedups), making one of a changed description
(`POST /agents/{name}/versions`, which always makes one) and deleting (`--prune`). Faults: those of the
assistant matrix, plus `error_after_write` (the write is stored, then answered with a 5xx). For the assistant
kind only that new fault runs here (the rest is test_fault_matrix.py's), from one table parametrized over
the kinds.

Each cell checks, as the assistant matrix does: the exit code; the summary naming each failed change with its
method, path and reason; no resource twice, and for agents no version made twice (each target ends with exactly
one version more than it started with); no request touching what did not change; and convergence once the
faults are gone. A 429 waits what its `retry-after-ms` says (a few milliseconds); the backoff is shortened.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers.agent_faults import (
    FAULTS,
    SLOW_MS,
    TIMEOUT,
    Fault,
    KindCase,
    Operation,
    agent_case,
    assistant_case,
    sent_requests,
)
from helpers.agent_harness import AgentHarness
from helpers.cli_harness import Harness, Result
from helpers.sandbox_server import ServedSandbox

from assistantsync.api import retry
from assistantsync.apply.execute import RECOVERED_NOTE
from assistantsync.sandbox.app import RATE_LIMITED

CASES: dict[str, KindCase] = {"agent": agent_case(), "assistant": assistant_case()}
# The agent matrix: operation -> fault -> exit code. Within the budget everything succeeds, beyond it everything
# fails, except where a comment says otherwise; as for assistants (test_fault_matrix.py says why, cell by cell).
AGENT_EXPECTED: dict[str, dict[str, int]] = {
    "plan": {
        "rate_limit-within": 2, "rate_limit-beyond": 1, "server_error-within": 2, "server_error-beyond": 1,
        "slow-beyond": 1, "slow_target-within": 2, "slow_target-beyond": 1, "drop_before-within": 2,
        "drop_before-beyond": 1,
        # Reads are never faulted after a write.
        "drop_after_write-within": 2, "drop_after_write-beyond": 2,
        "error_after_write-within": 2, "error_after_write-beyond": 2,
    },
    "create": {
        "rate_limit-within": 0, "rate_limit-beyond": 1, "server_error-within": 0, "server_error-beyond": 1,
        "slow-beyond": 1,
        "slow_target-within": 1, "slow_target-beyond": 1,  # may still be stored: never sent again in the run
        "drop_before-within": 0, "drop_before-beyond": 1,
        # Stored, its answer lost or a 5xx: the lookup by name finds it, at any budget.
        "drop_after_write-within": 0, "drop_after_write-beyond": 0,
        "error_after_write-within": 0, "error_after_write-beyond": 0,
    },
    # POST /agents/{name}: the same definition again makes no version, so a retry is safe.
    "version": {
        "rate_limit-within": 0, "rate_limit-beyond": 1, "server_error-within": 0, "server_error-beyond": 1,
        "slow-beyond": 1, "slow_target-within": 0, "slow_target-beyond": 1, "drop_before-within": 0,
        "drop_before-beyond": 1, "drop_after_write-within": 0, "drop_after_write-beyond": 1,
        "error_after_write-within": 0, "error_after_write-beyond": 1,
    },
    # POST /agents/{name}/versions always makes one: after an ambiguous failure it is looked up, as a create
    # is, and never sent again blindly.
    "describe": {
        "rate_limit-within": 0, "rate_limit-beyond": 1, "server_error-within": 0, "server_error-beyond": 1,
        "slow-beyond": 1, "slow_target-within": 1, "slow_target-beyond": 1, "drop_before-within": 0,
        "drop_before-beyond": 1, "drop_after_write-within": 0, "drop_after_write-beyond": 0,
        "error_after_write-within": 0, "error_after_write-beyond": 0,
    },
    "delete": {
        "rate_limit-within": 0, "rate_limit-beyond": 1, "server_error-within": 0, "server_error-beyond": 1,
        "slow-beyond": 1, "slow_target-within": 0, "slow_target-beyond": 1, "drop_before-within": 0,
        "drop_before-beyond": 1,
        # The retry finds it gone (404): that delete did happen.
        "drop_after_write-within": 0, "drop_after_write-beyond": 0,
        "error_after_write-within": 0, "error_after_write-beyond": 0,
    },
    "import": {
        "rate_limit-within": 0, "rate_limit-beyond": 1, "server_error-within": 0, "server_error-beyond": 1,
        "slow-beyond": 1, "slow_target-within": 0, "slow_target-beyond": 1, "drop_before-within": 0,
        "drop_before-beyond": 1,
        # Reads are never faulted after a write.
        "drop_after_write-within": 0, "drop_after_write-beyond": 0,
        "error_after_write-within": 0, "error_after_write-beyond": 0,
    },
}
ASSISTANT_EXPECTED: dict[str, dict[str, int]] = {
    "create": {"error_after_write-within": 0, "error_after_write-beyond": 0},  # found by its key
    "update": {"error_after_write-within": 0, "error_after_write-beyond": 1},  # the same body again is safe
    "delete": {"error_after_write-within": 0, "error_after_write-beyond": 0},  # the retry finds it gone
}
EXPECTED = {"agent": AGENT_EXPECTED, "assistant": ASSISTANT_EXPECTED}
# Cells whose failed writes were applied all the same: once the faults are gone, apply has nothing left to do.
LANDED = {("agent", op, fault) for op, fault in (
    ("create", "slow_target-within"), ("create", "slow_target-beyond"), ("version", "slow_target-beyond"),
    ("version", "drop_after_write-beyond"), ("version", "error_after_write-beyond"), ("describe", "slow_target-within"),
    ("describe", "slow_target-beyond"), ("delete", "slow_target-beyond"))} | {
    ("assistant", "update", "error_after_write-beyond")}
CELLS = [(kind, op, fault) for kind, table in EXPECTED.items() for op, faults in table.items() for fault in faults]


def cell_param(kind: str, op: str, fault: str) -> object:
    return pytest.param(kind, op, fault, id=f"{kind}-{op}-{fault}")


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "BACKOFF_START", 0.001)


@dataclass(frozen=True)
class Cell:
    env: Harness
    case: KindCase
    operation: Operation
    fault: Fault
    code: int

    @property
    def landed(self) -> bool:
        return (self.case.name, self.operation.name, self.fault.name) in LANDED


def harness(kind: str, root: Path, sandbox: ServedSandbox) -> Harness:
    return AgentHarness(root, sandbox) if kind == "agent" else Harness(root, sandbox)


def run_faulted(cell: Cell) -> Result:
    env, fault = cell.env, cell.fault
    timeout = ("--timeout", TIMEOUT) if fault.kind.startswith("slow") else ()
    before = env.sandbox.stats()["total"]
    env.sandbox.set_faults(*fault.rules(cell.operation.target, cell.case.list_route),
                           latency_ms=SLOW_MS if fault.kind == "slow" else 0)
    try:
        result = env.cli(*cell.operation.command, "-v", "--max-retries", str(fault.retries), *timeout)
    finally:
        env.sandbox.set_faults()
    env.sandbox.wait_for_requests(before + sent_requests(result))  # a timed-out one may still be on its way
    return result


def check_reported(cell: Cell, result: Result, paths: Callable[[str], str]) -> None:
    """Successes list every target as ok; failures name each target (or the failed list) and why."""
    operation, fault, case = cell.operation, cell.fault, cell.case
    if cell.code == operation.ok:
        if operation.name == "plan":
            assert result.out.endswith(case.plan_summary), result.out
        elif operation.name == "import":
            assert sorted(result.out.splitlines()) == [f"imported/{key}.yaml" for key in sorted(operation.present)]
        else:
            for key in case.targets:
                assert f"    ok  {operation.word} {case.label}{key}" in result.out, result.out
            assert result.out.endswith(f"Apply: {len(case.targets)} succeeded, 0 failed.\n")
        if operation.name == "create" and fault.kind.endswith("_after_write"):  # says how it knows
            assert result.out.count(f"({RECOVERED_NOTE})") == len(case.targets), result.out
        return
    if operation.target == ("GET", case.list_route) or fault.kind == "slow":  # stopped at the list, before writes
        first = "/assistants" if "--prune" in operation.command else case.list_route  # --prune lists every kind
        error = f"Error: GET /v1{first}: "
        assert error in result.err and fault.reason in result.err.split(error, 1)[1], result.err
        return
    failures = len(case.targets) if fault.strength == "beyond" else 1  # within: only a held create or version
    named = re.compile(rf"FAILED  {operation.word} {case.label}(?P<key>[^:\s]+)(?: \w+)?: ")  # an id may follow
    failed = {m["key"]: line for line in result.out.splitlines() if (m := named.match(line))}
    assert len(failed) == result.out.count("FAILED  "), result.out
    assert len(failed) == failures and set(failed) <= set(case.targets), result.out
    for key, line in failed.items():
        assert f": {operation.target[0]} {paths(key)}: " in line and fault.reason in line, line
    assert result.out.endswith(f"Apply: {len(case.targets) - failures} succeeded, {failures} failed.\n")


def check_waits(cell: Cell, result: Result, mark: int) -> None:
    """Every 429 but the last of a request that gave up was retried after exactly its `retry-after-ms`."""
    served = sum(r["fault"] == "rate_limit" for r in cell.env.sandbox.requests()[mark:])
    waits = [line.split(" in ", 1)[1] for line in result.err.splitlines() if line.startswith("   retrying ")]
    gave_up = result.out.count("(gave up after 2 attempts)") + result.err.count("(gave up after 2 attempts)")
    wait = f"{cell.fault.rules(cell.operation.target, cell.case.list_route)[-1]['retry_after_ms'] / 1000:.2f}s"
    said = f"{wait} after: 429 Too Many Requests: {RATE_LIMITED} (code: rate_limit_exceeded)"
    assert waits == [said] * (served - gave_up), result.err
    assert gave_up == (0 if cell.code == cell.operation.ok else len(cell.case.targets)
                       if cell.operation.target[0] != "GET" else 1)


@pytest.mark.parametrize(("kind", "op_name", "fault_name"), [cell_param(*cell) for cell in CELLS])
def test_fault_matrix_of_each_kind(sandbox_server: ServedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   kind: str, op_name: str, fault_name: str) -> None:
    monkeypatch.chdir(tmp_path)
    case = CASES[kind]
    cell = Cell(harness(kind, tmp_path, sandbox_server), case, case.operations[op_name], FAULTS[fault_name],
                EXPECTED[kind][op_name][fault_name])
    ids = case.set_up(cell.env, cell.operation)
    versions = case.versions(cell.env)
    mark = cell.env.mark()

    result = run_faulted(cell)
    case.check_no_twins(cell.env, versions)  # first: the guarantee the SECOND_VERSION cells break
    assert result.code == cell.code, result
    check_reported(cell, result, lambda key: case.path_of(cell.operation, ids, key))
    if cell.fault.kind == "rate_limit":
        check_waits(cell, result, mark)
    assert "Traceback" not in result.out + result.err
    if op_name == "import" and cell.code != cell.operation.ok:  # it fetches everything before writing anything
        assert not (tmp_path / "imported").exists(), "a failed import left files behind"

    # The faults are gone: one more run converges, and a plan finds nothing left to do.
    if op_name == "import":
        again = cell.env.cli(*cell.operation.command, "--force")
        assert again.code == 0, again
        settled = cell.env.plan("imported", "--detailed-exitcode")
        assert sorted(p.name for p in (tmp_path / "imported").iterdir()) == ["alpha.yaml", "beta.yaml", "schemas",
                                                                            "steady.yaml"]  # schemas: import's copy
    else:
        again = cell.env.apply("--auto-approve", "--prune")
        assert again.code == 0, again
        nothing_left = cell.landed or (cell.code == cell.operation.ok and op_name != "plan")
        assert again.out.startswith("No changes.") == nothing_left, again
        settled = cell.env.plan("--prune", "--detailed-exitcode")
    assert (settled.code, settled.err) == (0, ""), settled
    case.check_present(cell.env, cell.operation)
    case.check_versions(cell.env, cell.operation, versions)  # one new version per changed agent, never two
    case.check_requests(cell.env, mark, cell.operation, ids)
