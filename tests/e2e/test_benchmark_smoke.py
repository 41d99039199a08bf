"""Keeps benchmarks/bench_sync.py working: a tiny run that asserts request counts, never times."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest
from helpers.paths import REPO as REPO_ROOT

BENCH = REPO_ROOT / "benchmarks" / "bench_sync.py"


def load_bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCH.parent))  # the script imports its helper modules beside it
    spec = importlib.util.spec_from_file_location("bench_sync", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_sync"] = module
    spec.loader.exec_module(module)
    return module


# The official SDK marks client.beta.assistants deprecated; the benchmark drives it on purpose.
@pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")
def test_tiny_benchmark_makes_exactly_the_round_trips_it_should(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = load_bench(monkeypatch)
    rows = {row.name: row for row in bench.bench_plan_apply(n=20, latency_ms=0, runs=1, parallelism=8)}
    plan, saved = rows["plan, N=20, 0 changes"], rows["plan --out plan.json, N=20, 0 changes"]
    apply, sdk = rows["apply, N=20, 20 changed"], rows["openai SDK script, same apply work (1 run)"]
    listing, validate = rows["bound part: bare httpx loop over the 1 list pages"], rows["bound part: validate, N=20"]
    updates = rows["bound part: apply's 20 POST bodies again, bare httpx, 8 threads"]
    # plan: one list page and nothing else; apply: one list page, and per changed assistant a read of its
    # metadata as it is now (a dashboard edit since the plan must survive) and one write.
    assert plan.requests == saved.requests == {"GET /assistants": 1}
    assert apply.requests == {"GET /assistants": 1, "GET /assistants/{assistant_id}": 20,
                              "POST /assistants/{assistant_id}": 20}
    # The naive SDK script retrieves every assistant one by one on top of the list.
    assert sdk.requests == {"GET /assistants": 1, "GET /assistants/{assistant_id}": 20,
                            "POST /assistants/{assistant_id}": 20}
    # The bounds: the same requests sent by bare httpx, plus validate of the same files (which sends none).
    assert listing.requests == {"GET /assistants": 1} and validate.requests == {}
    assert updates.requests == {"POST /assistants/{assistant_id}": 20}
    assert plan.bound == saved.bound == listing.wall + validate.wall
    assert apply.bound == listing.wall + validate.wall + updates.wall
    phases = ["start-up", "to first connection", "listing", "after the last byte",
              "imports (`-X importtime`, top level, summed)"]
    assert [name for name in rows if name.startswith("plan breakdown: ")] == [f"plan breakdown: {p}" for p in phases]
    assert rows["plan breakdown: listing"].bound == listing.wall


def test_tiny_engine_run_makes_the_same_round_trips_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # bench_engine calls load_desired, build_client, plan_desired and apply_checked directly: this keeps it in
    # step with their signatures.
    validate, plan, apply = load_bench(monkeypatch).bench_engine(n=20, latency_ms=0, runs=1, parallelism=8)
    assert validate.requests == {} and plan.requests == {"GET /assistants": 1}
    assert apply.requests == {"GET /assistants": 1, "GET /assistants/{assistant_id}": 20,
                              "POST /assistants/{assistant_id}": 20}


def test_markdown_table_names_machine_and_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = load_bench(monkeypatch)
    table = bench.to_markdown([bench.Row("plan, N=1, 0 changes", 0.5, 0.25, {"GET /assistants": 1})], 50, 3)
    assert "| plan, N=1, 0 changes | 0.500 | 0.250 | 2.00 | GET /assistants: 1 |  |" in table
    assert "cores, Python" in table


def test_markdown_table_puts_two_trees_side_by_side(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = load_bench(monkeypatch)
    rows = [bench.Row("plan", 1.0, 0.5, {"GET /assistants": 1}, "target", tree="old"),
            bench.Row("plan", 0.5, 0.25, {"GET /assistants": 1}, "target", tree="new"),
            bench.Row("memory", 300, note="a", tree="old", unit="MB"),
            bench.Row("memory", 200, note="b", tree="new", unit="MB"),
            bench.Row("engine", 0.004, tree="new"),
            bench.Row("bare loop", 0.25, requests={"GET /assistants": 2}, tree=bench.SHARED)]
    lines = bench.to_markdown(rows, 50, 3, ["old", "new"]).splitlines()
    assert lines[lines.index("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |") + 1:] == [
        "| plan | 1.000 | 0.500 | 2.00 | 0.500 | 0.250 | 2.00 | 2.00 | GET /assistants: 1 | target |",
        "| memory | 300 MB |  |  | 200 MB |  |  | 1.50 |  | old: a; new: b |",
        "| engine | - |  |  | 4.000 ms |  |  |  |  |  |",
        "| bare loop | 0.250 |  |  | 0.250 |  |  |  | GET /assistants: 2 |  |",
    ]
