"""Keeps benchmarks/bench_sync.py working: a tiny run that asserts request counts, never times."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest
from helpers.paths import REPO as REPO_ROOT

BENCH = REPO_ROOT / "benchmarks" / "bench_sync.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_sync", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_sync"] = module
    spec.loader.exec_module(module)
    return module


# The official SDK marks client.beta.assistants deprecated; the benchmark drives it on purpose.
@pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")
def test_tiny_benchmark_makes_exactly_the_round_trips_it_should() -> None:
    bench = load_bench()
    plan, saved, apply, sdk = bench.bench_plan_apply(n=20, latency_ms=0, runs=1, parallelism=8)
    # plan: one list page and nothing else; apply: one list page and one write per changed assistant.
    assert plan.requests == saved.requests == {"GET /assistants": 1}
    assert apply.requests == {"GET /assistants": 1, "POST /assistants/{assistant_id}": 20}
    # The naive SDK script retrieves every assistant one by one on top of the list.
    assert sdk.requests == {"GET /assistants": 1, "GET /assistants/{assistant_id}": 20,
                            "POST /assistants/{assistant_id}": 20}
    assert plan.bound == 0 and apply.bound == 0  # latency 0: the bound is zero round-trip time


def test_tiny_engine_run_makes_the_same_round_trips_in_process() -> None:
    # bench_engine calls load_desired, build_client, plan_desired and apply_checked directly: this keeps it in
    # step with their signatures.
    validate, plan, apply = load_bench().bench_engine(n=20, latency_ms=0, runs=1, parallelism=8)
    assert validate.requests == {} and plan.requests == {"GET /assistants": 1}
    assert apply.requests == {"GET /assistants": 1, "POST /assistants/{assistant_id}": 20}


def test_markdown_table_names_machine_and_rows() -> None:
    bench = load_bench()
    table = bench.to_markdown([bench.Row("plan, N=1, 0 changes", 0.5, 0.25, {"GET /assistants": 1})], 50, 3)
    assert "| plan, N=1, 0 changes | 0.500 | 0.250 | 2.00 | GET /assistants: 1 |  |" in table
    assert "cores, Python" in table
