"""Benchmark plan and apply against their round-trip lower bound (run by hand; see README).

    python benchmarks/bench_sync.py                 # the full run, writes BENCHMARKS.md
    python benchmarks/bench_sync.py --n 20 --runs 1 --no-write   # a quick look

It starts `assistantsync sandbox serve` with a fixed latency per request, seeds N assistants through the
API (with latency 0, so seeding is quick), then times the real CLI as a subprocess:

- plan with N assistants and no change; apply with N assistants and 100 changed (mixed fields, 20 KB
  instructions); each against its lower bound: list pages x latency (+ ceil(changes / parallelism) x
  latency for apply);
- the same work done by a straightforward script with the official `openai` package (list, retrieve
  each, update the changed ones one by one);
- the same validate, plan and apply in this process ("engine" rows): the time the CLI rows spend on top of
  it is the interpreter's start-up, imports and rendering;
- HTTP requests made by each (the sandbox's counters), CLI start-up, validate of 1,000 files, CPU time of
  the diff per assistant, peak memory of plan at N = 10,000.

Times are medians over --runs. The smoke test in tests/test_benchmark_smoke.py runs a tiny N and asserts
request counts only: speed belongs here, not in the test suite.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
PAGE = 100
CHANGED = 100
FAKE_KEY = "sk-bench-not-a-real-key"
BIG_PROMPT_CHARS = 20_000


@dataclass
class Sandbox:
    """A served sandbox subprocess and its control endpoints."""

    process: subprocess.Popen[str]
    base_url: str
    client: httpx.Client = field(repr=False)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        response = self.client.request(method, f"{self.base_url.removesuffix('/v1')}/__sandbox/{path}", json=body)
        response.raise_for_status()
        return response.json()

    def set_latency(self, ms: int) -> None:
        self.control("POST", "faults", {"latency_ms": ms, "rules": []})

    def requests_by_route(self) -> dict[str, int]:
        return dict(self.control("GET", "stats")["requests"])


@contextmanager
def served_sandbox() -> Iterator[Sandbox]:
    process = subprocess.Popen(
        [sys.executable, "-m", "assistantsync", "sandbox", "serve", "--port", "0"],
        stdout=subprocess.PIPE, text=True, cwd=REPO,
    )
    assert process.stdout is not None
    base_url = process.stdout.readline().strip()
    with httpx.Client(timeout=30) as client:
        try:
            yield Sandbox(process, base_url, client)
        finally:
            process.terminate()
            process.wait(timeout=10)
            process.stdout.close()


@contextmanager
def seeded_sandbox(n: int) -> Iterator[tuple[Sandbox, Path]]:
    """A served sandbox holding the N assistants of `write_files(files, n, 0)`, applied by the CLI, and the files."""
    with served_sandbox() as sandbox, tempfile.TemporaryDirectory() as tmp:
        files = Path(tmp) / "assistants"
        write_files(files, n, 0)
        _, code, out = run_cli(["apply", str(files), "--auto-approve", "--parallelism", "16"], sandbox.base_url)
        assert code == 0, out
        yield sandbox, files


def instructions(index: int, variant: str, big: bool) -> str:
    text = f"You are bot {index} ({variant}). Answer briefly and cite the handbook.\n"
    if big:
        line = f"Rule {variant}: keep answers short, precise and kind; never guess facts about bot {index}.\n"
        text += line * (BIG_PROMPT_CHARS // len(line))
    return text


def assistant_yaml(index: int, changed: bool) -> str:
    """One assistant file; `changed` flips a mix of fields (every 5th gets a 20 KB prompt change)."""
    variant = "b" if changed else "a"
    kind = index % 5
    big = kind == 0
    temperature = 0.7 if changed and kind == 1 else 0.5
    model = "gpt-4o-mini" if changed and kind == 2 else "gpt-4o"
    team = f"team-{variant}" if kind == 3 else "team-a"
    tools = [{"type": "file_search", "file_search": {"max_num_results": 8 if changed and kind == 4 else 5}},
             {"type": "function", "function": {"name": f"lookup_{index}", "parameters": {
                 "type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}}}]
    document = {
        "key": f"bot-{index:05d}", "model": model, "name": f"Bot {index}",
        "instructions": instructions(index, variant if big else "a", big),
        "tools": tools, "metadata": {"team": team}, "temperature": temperature,
    }
    return json.dumps(document, indent=1) + "\n"  # JSON is YAML: quick to write, same loader


def write_files(folder: Path, n: int, changed: int) -> None:
    """N files; the first `changed` of them (spread over the range) in their changed variant."""
    folder.mkdir(parents=True, exist_ok=True)
    step = max(1, n // max(changed, 1))
    changed_ids = set(range(0, n, step)[:changed]) if changed else set()
    for index in range(n):
        (folder / f"bot-{index:05d}.yaml").write_text(assistant_yaml(index, index in changed_ids), encoding="utf-8")


def run_cli(args: Sequence[str], base_url: str) -> tuple[float, int, str]:
    env = {**os.environ, "OPENAI_API_KEY": FAKE_KEY, "NO_COLOR": "1", "CI": "true"}
    command = [sys.executable, "-m", "assistantsync", *args, "--provider", "openai", "--base-url", base_url]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO)
    return time.perf_counter() - started, done.returncode, done.stdout + done.stderr


def counted(sandbox: Sandbox, action: Callable[[], Any]) -> tuple[Any, dict[str, int]]:
    before = sandbox.requests_by_route()
    result = action()
    after = sandbox.requests_by_route()
    delta = {route: after.get(route, 0) - before.get(route, 0) for route in after}
    return result, {route: count for route, count in sorted(delta.items()) if count}


@dataclass
class Row:
    name: str
    wall: float
    bound: float | None = None
    requests: dict[str, int] = field(default_factory=dict)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.wall / self.bound if self.bound else None


def median_run(runs: int, action: Callable[[], float]) -> float:
    return statistics.median(action() for _ in range(runs))


def bench_plan_apply(n: int, latency_ms: int, runs: int, parallelism: int) -> list[Row]:
    latency = latency_ms / 1000
    pages = max(1, math.ceil(n / PAGE))
    rows: list[Row] = []
    with seeded_sandbox(n) as (sandbox, files):
        sandbox.set_latency(latency_ms)

        def plan_once(*extra: str) -> float:
            wall, code, out = run_cli(["plan", str(files), "--detailed-exitcode", *extra], sandbox.base_url)
            assert code == 0, out
            return wall

        plan_wall, plan_requests = counted(sandbox, lambda: median_run(runs, plan_once))
        rows.append(Row(f"plan, N={n}, 0 changes", plan_wall, pages * latency,
                        {k: v // runs for k, v in plan_requests.items()}))
        saved = files.parent / "plan.json"  # the CI recipe's plan: saved for apply --plan, fingerprints and all
        out_wall, out_requests = counted(sandbox, lambda: median_run(runs, lambda: plan_once("--out", str(saved))))
        rows.append(Row(f"plan --out plan.json, N={n}, 0 changes", out_wall, pages * latency,
                        {k: v // runs for k, v in out_requests.items()}))

        flip = [True]

        def apply_once() -> float:
            write_files(files, n, CHANGED if flip[0] else 0)  # alternate: every run applies 100 changes
            flip[0] = not flip[0]
            wall, code, out = run_cli(["apply", str(files), "--auto-approve", "--parallelism", str(parallelism)],
                                      sandbox.base_url)
            assert code == 0, out
            return wall

        changes = min(CHANGED, n)
        apply_wall, apply_requests = counted(sandbox, lambda: median_run(runs, apply_once))
        bound = pages * latency + math.ceil(changes / parallelism) * latency
        rows.append(Row(f"apply, N={n}, {changes} changed", apply_wall, bound,
                        {k: v // runs for k, v in apply_requests.items()}))

        write_files(files, n, CHANGED if flip[0] else 0)
        sdk_wall, sdk_requests = counted(sandbox, lambda: sdk_script(sandbox.base_url, files))
        rows.append(Row("openai SDK script, same apply work (1 run)", sdk_wall, bound, sdk_requests,
                        note=f"assistantsync is {sdk_wall / apply_wall:.1f}x faster"))
    return rows


def bench_engine(n: int, latency_ms: int, runs: int, parallelism: int) -> list[Row]:
    """The same validate, plan and apply work in this process: the engine's time, without the interpreter's
    start-up, the imports and the rendering that the CLI rows include."""
    sys.path.insert(0, str(REPO))
    from assistantsync.api.connect import build_client
    from assistantsync.engine import apply_checked, plan_desired
    from assistantsync.files.desired import load_desired

    latency = latency_ms / 1000
    pages = max(1, math.ceil(n / PAGE))
    changes = min(CHANGED, n)
    rows: list[Row] = []
    with seeded_sandbox(n) as (sandbox, files):
        sandbox.set_latency(latency_ms)
        connection = {"provider": "openai", "base_url": sandbox.base_url, "api_version": None, "headers": (),
                      "timeout": 60.0, "max_retries": 2, "parallelism": parallelism,
                      "sandbox_state": files.parent / "unused.json", "verbose": False}
        load_desired([files])  # the first call imports what the rest needs

        def timed(action: Callable[[], Any]) -> float:
            started = time.perf_counter()
            action()
            return time.perf_counter() - started

        def plan() -> None:
            desired = load_desired([files])
            with build_client(**connection, env={"OPENAI_API_KEY": FAKE_KEY}) as client:
                assert not plan_desired(desired, client, strict=False, prune=False).has_changes

        flip = [True]

        def apply() -> None:
            desired = load_desired([files])
            with build_client(**connection, env={"OPENAI_API_KEY": FAKE_KEY}) as client:
                planned = plan_desired(desired, client, strict=False, prune=False)
                assert len(planned.pending) == changes
                assert all(outcome.ok for outcome in apply_checked(planned, client, saved=False))

        def apply_once() -> float:
            write_files(files, n, CHANGED if flip[0] else 0)  # alternate, as the CLI row does
            flip[0] = not flip[0]
            return timed(apply)

        rows.append(Row(f"engine: validate, N={n} (in-process)", median_run(runs, lambda: timed(
            lambda: load_desired([files])))))
        plan_wall, plan_requests = counted(sandbox, lambda: median_run(runs, lambda: timed(plan)))
        rows.append(Row(f"engine: plan, N={n}, 0 changes (in-process)", plan_wall, pages * latency,
                        {k: v // runs for k, v in plan_requests.items()}))
        apply_wall, apply_requests = counted(sandbox, lambda: median_run(runs, apply_once))
        rows.append(Row(f"engine: apply, N={n}, {changes} changed (in-process)", apply_wall,
                        pages * latency + math.ceil(changes / parallelism) * latency,
                        {k: v // runs for k, v in apply_requests.items()}))
    return rows


def sdk_script(base_url: str, files: Path) -> float:
    """What a team without the tool writes: list, retrieve each, update the changed ones one by one."""
    import openai

    desired = {}
    for path in sorted(files.glob("*.yaml")):
        document = json.loads(path.read_text(encoding="utf-8"))
        desired[document.pop("key")] = document
    started = time.perf_counter()
    client = openai.OpenAI(api_key=FAKE_KEY, base_url=base_url, max_retries=0)
    for summary in client.beta.assistants.list(limit=PAGE):
        live = client.beta.assistants.retrieve(summary.id).model_dump()
        key = (live.get("metadata") or {}).get("assistantsync_key")
        want = desired.get(key or "")
        if want is None:
            continue
        if any(want[name] != live.get(name) for name in ("model", "instructions", "temperature")) or \
                want["metadata"]["team"] != live["metadata"].get("team") or \
                want["tools"][0]["file_search"]["max_num_results"] != \
                live["tools"][0]["file_search"]["max_num_results"]:
            metadata = {**live["metadata"], **want["metadata"]}
            client.beta.assistants.update(summary.id, **{**want, "metadata": metadata})
    return time.perf_counter() - started


def bench_startup(runs: int) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one"
        write_files(one, 1, 0)
        many = Path(tmp) / "many"
        write_files(many, 1000, 0)
        rows.append(Row("python -c pass (the interpreter's own start-up)", median_run(runs, lambda: timed_process(
            [sys.executable, "-c", "pass"]))))
        for name, args in (("assistantsync --version", ["--version"]),
                           ("validate, 1 file", ["validate", str(one)]),
                           ("validate, 1,000 files", ["validate", str(many)])):
            def once(args: list[str] = args) -> float:
                started = time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "assistantsync", *args], capture_output=True, cwd=REPO)
                assert done.returncode == 0, done.stderr
                return time.perf_counter() - started
            rows.append(Row(name, median_run(runs, once)))
    return rows


def timed_process(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=REPO)
    return time.perf_counter() - started


def bench_diff_cpu(count: int = 1000) -> list[Row]:
    sys.path.insert(0, str(REPO))
    from assistantsync.errors import Location
    from assistantsync.files.desired import DesiredAssistant
    from assistantsync.kinds.assistant import ASSISTANT
    from assistantsync.plan.changes import make_plan, plan_resource
    from assistantsync.plan.reserved import IDENTITY_KEY

    document = json.loads(assistant_yaml(0, False))
    key = document.pop("key")
    desired = DesiredAssistant(key, None, Location("bot.yaml", 1, 1), document)
    live = {"id": "asst_1", "object": "assistant", "created_at": 1, "description": None,
            "top_p": 1.0, "response_format": "auto", "tool_resources": {}, **document,
            "metadata": {**document["metadata"], IDENTITY_KEY: key}}
    live["tools"] = [{**live["tools"][0], "file_search": {**live["tools"][0]["file_search"], "ranking_options": {
        "ranker": "default_2024_08_21", "score_threshold": 0.0}}}, live["tools"][1]]
    make_plan(ASSISTANT, [desired], [live])  # warm up (first deepdiff import etc.)
    rows = []
    for saved in (False, True):  # a saved plan (plan --out) also digests each change's fingerprint
        started = time.process_time()
        for _ in range(count):
            result = plan_resource(ASSISTANT, desired, live)
            if saved and not isinstance(result, str) and result.fingerprint is not None:
                result.fingerprint.compute()
        per = (time.process_time() - started) / count
        assert not isinstance(result, str) and result.action == "no-op", result
        what = ", with its fingerprint (a saved plan)" if saved else ""
        rows.append(Row(f"diff CPU per unchanged assistant ({len(document['instructions']) // 1000} KB instructions)"
                        f"{what}", per))
    return rows


def bench_memory(n: int) -> list[Row]:
    with seeded_sandbox(n) as (sandbox, files):
        env = {**os.environ, "OPENAI_API_KEY": FAKE_KEY, "CI": "true"}
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "assistantsync", "plan", str(files), "--provider", "openai",
                                    "--base-url", sandbox.base_url], stdout=subprocess.DEVNULL, env=env, cwd=REPO)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        assert os.waitstatus_to_exitcode(status) == 0
    return [Row(f"plan, N={n:,}: peak memory {usage.ru_maxrss / 1024:.0f} MB", wall,
                note=f"{usage.ru_maxrss / 1024:.0f} MB")]


def to_markdown(rows: Sequence[Row], latency_ms: int, runs: int) -> str:
    lines = [
        "# Benchmarks", "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()} ({platform.machine()}); "
        f"sandbox latency {latency_ms} ms per request; medians of {runs} runs (the SDK script: 1 run).",
        "Produced by `python benchmarks/bench_sync.py`; the CLI rows' wall times include its own start-up.", "",
        "| What | Wall (s) | Lower bound (s) | Ratio | Requests | Note |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        bound = f"{row.bound:.3f}" if row.bound else ""
        ratio = f"{row.ratio:.2f}" if row.ratio else ""
        requests = ", ".join(f"{route}: {count}" for route, count in row.requests.items())
        wall = f"{row.wall * 1000:.3f} ms" if row.wall < 0.01 else f"{row.wall:.3f}"
        lines.append(f"| {row.name} | {wall} | {bound} | {ratio} | {requests} | {row.note} |")
    return "\n".join(lines) + "\n"


HAND_WRITTEN = "<!-- Written by hand from here on; bench_sync.py rewrites only the table above. -->"


def hand_written(path: Path) -> str:
    """What follows the table in `path` (analysis written by hand), kept when the table is refreshed."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return "\n" + text[text.index(HAND_WRITTEN):] if HAND_WRITTEN in text else ""


def ensure_bytecode() -> None:
    """Compile the package's bytecode first, as `pip install` does for a wheel (and a first run does for an
    editable install): where PYTHONDONTWRITEBYTECODE is set, as on the machine of BENCHMARKS.md, every run
    would otherwise compile each module it imports again (some 45 ms of a plan)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "assistantsync")], check=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--parallelism", type=int, default=8)
    parser.add_argument("--memory-n", type=int, default=10_000)
    parser.add_argument("--no-write", action="store_true", help="print the table; leave BENCHMARKS.md alone")
    args = parser.parse_args(argv)
    ensure_bytecode()
    rows = bench_plan_apply(args.n, args.latency_ms, args.runs, args.parallelism)
    rows += bench_engine(args.n, args.latency_ms, args.runs, args.parallelism)
    rows += bench_startup(args.runs)
    rows += bench_diff_cpu()
    if args.memory_n:
        rows += bench_memory(args.memory_n)
    table = to_markdown(rows, args.latency_ms, args.runs)
    print(table)
    if not args.no_write:
        (REPO / "BENCHMARKS.md").write_text(table + hand_written(REPO / "BENCHMARKS.md"), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
