"""Benchmark plan and apply against issue 13's lower bounds, optionally for two code trees side by side.

    python benchmarks/bench_sync.py                 # the full run, writes BENCHMARKS.md
    python benchmarks/bench_sync.py --n 20 --runs 1 --memory-n 0 --no-write   # a quick look
    python benchmarks/bench_sync.py --compare /work/before   # before/after: another checkout, e.g. made by
                                                             # `git worktree add /work/before 15b9e3a`

It starts `assistantsync sandbox serve` with a fixed latency per request, seeds N assistants through the
API (with latency 0, so seeding is quick), then times the real CLI as a subprocess:

- plan with N assistants and no change, and apply with N assistants and 100 changed (mixed fields, 20 KB
  instructions), each against its bound: the same requests sent by a bare httpx loop (the list's pages;
  for apply also the same POST bodies, sent from as many threads as the CLI's parallelism) plus the wall time
  of `assistantsync validate` of the same files. The bound before issue 13 (round trips alone: pages x
  latency) is in the notes;
- where plan's time beyond its bound goes: start-up, up to the first connection, listing, after it;
- the same work done by a straightforward script with the official `openai` package (list, retrieve
  each, update the changed ones one by one);
- the same validate, plan and apply in this process ("engine" rows): the time the CLI rows spend on top of
  it is the interpreter's start-up, imports and rendering;
- HTTP requests made by each (the sandbox's counters), CLI start-up, validate of 1,000 files (and
  check-jsonschema on the same files, when installed), CPU time of the diff per assistant, peak memory of
  plan at N = 10,000.

With --compare DIR, every CLI row runs for DIR's code too, the two trees taking turns run by run against
the same sandbox (bench_trees.py says how each tree's CLI is run). The in-process rows run this checkout's
code only. Times are medians over --runs. tests/e2e/test_benchmark_smoke.py runs a tiny N and asserts
request counts only: speed belongs here, not in the test suite.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from bench_bounds import bare_list, bare_writes, check_jsonschema
from bench_table import NOW, SHARED, Row, hand_written, to_markdown
from bench_trees import FAKE_KEY, Tree

REPO = Path(__file__).resolve().parents[1]
THIS = Tree(NOW, REPO)
PAGE = 100
CHANGED = 100
BIG_PROMPT_CHARS = 20_000
UPDATE_ROUTE = "/assistants/{assistant_id}"


@dataclass
class Sandbox:
    """A served sandbox subprocess and its control endpoints."""

    process: subprocess.Popen[str]
    base_url: str
    client: httpx.Client = field(repr=False)

    @property
    def origin(self) -> str:
        return self.base_url.removesuffix("/v1")

    def control(self, method: str, path: str, body: Any = None) -> Any:
        response = self.client.request(method, f"{self.origin}/__sandbox/{path}", json=body)
        response.raise_for_status()
        return response.json()

    def set_latency(self, ms: int) -> None:
        self.control("POST", "faults", {"latency_ms": ms, "rules": []})

    def requests_by_route(self) -> dict[str, int]:
        return dict(self.control("GET", "stats")["requests"])

    def recent_updates(self, count: int) -> list[tuple[str, Any]]:
        """The last `count` updates received, as (path, JSON body): for a bare loop to send again."""
        log = self.control("GET", "requests")["data"]
        return [(entry["path"], entry["body"]) for entry in log
                if entry["method"] == "POST" and entry["route"] == UPDATE_ROUTE][-count:]


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
        _, code, out = THIS.run(["apply", str(files), "--auto-approve", "--parallelism", "16"], sandbox.base_url)
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


def counted(sandbox: Sandbox, action: Callable[[], Any]) -> tuple[Any, dict[str, int]]:
    before = sandbox.requests_by_route()
    result = action()
    after = sandbox.requests_by_route()
    delta = {route: after.get(route, 0) - before.get(route, 0) for route in after}
    return result, {route: count for route, count in sorted(delta.items()) if count}


@dataclass
class Samples:
    """One measurement's wall times, run after run, and the requests its runs made in all."""

    walls: list[float] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)

    def add(self, sandbox: Sandbox, action: Callable[[], float]) -> None:
        wall, requests = counted(sandbox, action)
        self.walls.append(wall)
        self.requests.update(requests)

    def row(self, name: str, tree: str, bound: float | None = None, note: str = "") -> Row:
        per_run = {route: count // len(self.walls) for route, count in sorted(self.requests.items())}
        return Row(name, statistics.median(self.walls), bound, per_run, note, tree)


def median_run(runs: int, action: Callable[[], float]) -> float:
    return statistics.median(action() for _ in range(runs))


def bench_plan_apply(n: int, latency_ms: int, runs: int, parallelism: int,
                     trees: Sequence[Tree] = (THIS,)) -> list[Row]:
    """plan, plan --out and apply of each tree, the trees taking turns run by run, and their bounds' parts."""
    pages = max(1, math.ceil(n / PAGE))
    changes = min(CHANGED, n)
    round_trips = pages * latency_ms / 1000  # the bound before issue 13
    update_trips = math.ceil(changes / parallelism) * latency_ms / 1000
    samples: defaultdict[tuple[str, str], Samples] = defaultdict(Samples)
    with seeded_sandbox(n) as (sandbox, files):
        sandbox.set_latency(latency_ms)
        saved = files.parent / "plan.json"  # the CI recipe's plan: saved for apply --plan, fingerprints and all
        plan = ["plan", str(files), "--detailed-exitcode"]
        flip = [True]

        def run(tree: Tree, args: list[str], base_url: str | None = sandbox.base_url) -> float:
            wall, code, out = tree.run(args, base_url)
            assert code == 0, f"{tree.label}: {out}"
            return wall

        def apply(tree: Tree) -> float:
            write_files(files, n, CHANGED if flip[0] else 0)  # alternate: every run applies 100 changes
            flip[0] = not flip[0]
            return run(tree, ["apply", str(files), "--auto-approve", "--parallelism", str(parallelism)])

        for _ in range(runs):
            for tree in trees:
                samples["plan", tree.label].add(sandbox, partial(run, tree, plan))
                samples["validate", tree.label].add(sandbox, partial(run, tree, ["validate", str(files)], None))
            samples["list", SHARED].add(sandbox, partial(bare_list, sandbox.base_url))
        for _ in range(runs):
            for tree in trees:
                samples["plan --out", tree.label].add(sandbox, partial(run, tree, [*plan, "--out", str(saved)]))
        listing = statistics.median(samples["list", SHARED].walls)
        breakdown = bench_breakdown(sandbox, plan, runs, trees, listing)
        for _ in range(runs):
            for tree in trees:
                samples["apply", tree.label].add(sandbox, partial(apply, tree))
                updates = sandbox.recent_updates(changes)  # those of the apply just run
                samples["updates", tree.label].add(sandbox, partial(bare_writes, sandbox.origin, updates, parallelism))
        write_files(files, n, CHANGED if flip[0] else 0)
        sdk_wall, sdk_requests = counted(sandbox, lambda: sdk_script(sandbox.base_url, files))

    labels = [tree.label for tree in trees]
    median = {key: statistics.median(found.walls) for key, found in samples.items()}
    plan_bound = {label: listing + median["validate", label] for label in labels}
    apply_bound = {label: plan_bound[label] + median["updates", label] for label in labels}
    plan_note = f"target: ratio <= 1.3, exactly {pages} list requests; round trips alone: {round_trips:.3f} s"
    apply_note = f"target: ratio <= 1.3, {changes} writes; round trips alone: {round_trips + update_trips:.3f} s"
    faster = ", ".join(f"{label} {sdk_wall / median['apply', label]:.1f}x" for label in labels)

    def per_tree(key: str, name: str, bound: dict[str, float] | None = None, note: str = "") -> list[Row]:
        return [samples[key, label].row(name, label, bound[label] if bound else None, note) for label in labels]

    return [
        *per_tree("plan", f"plan, N={n}, 0 changes", plan_bound, plan_note),
        *per_tree("plan --out", f"plan --out plan.json, N={n}, 0 changes", plan_bound, plan_note),
        *per_tree("apply", f"apply, N={n}, {changes} changed", apply_bound, apply_note),
        Row("openai SDK script, same apply work (1 run)", sdk_wall, requests=sdk_requests, tree=SHARED,
            note=f"assistantsync's apply is faster: {faster} (target: 5x)"),
        samples["list", SHARED].row(f"bound part: bare httpx loop over the {pages} list pages", SHARED),
        *per_tree("validate", f"bound part: validate, N={n}"),
        *per_tree("updates", f"bound part: apply's {changes} POST bodies again, bare httpx, {parallelism} threads"),
        *breakdown,
    ]


PHASES = {  # what a plan's timeline phases hold
    "start-up": "spawn to the first line of Python",
    "to first connection": "imports, and all that comes before the first request",
    "listing": "first connection to the last byte received; bound: the bare loop",
    "after the last byte": "the rest of the diff, rendering, exit",
}


def bench_breakdown(sandbox: Sandbox, plan: list[str], runs: int, trees: Sequence[Tree], listing: float) -> list[Row]:
    """Where plan's wall time goes, from timestamps taken in the CLI's process (Tree.timeline); each phase is
    a median of its own, so they need not add up to the plan row exactly."""
    seconds: defaultdict[tuple[str, str], list[float]] = defaultdict(list)
    for _ in range(runs):
        for tree in trees:
            for phase, spent in tree.timeline(plan, sandbox.base_url).items():
                seconds[phase, tree.label].append(spent)
            seconds["imports", tree.label].append(tree.import_time(plan, sandbox.base_url))
    rows = [Row(f"plan breakdown: {phase}", statistics.median(seconds[phase, tree.label]),
                listing if phase == "listing" else None, note=note, tree=tree.label)
            for phase, note in PHASES.items() for tree in trees]
    return rows + [Row("plan breakdown: imports (`-X importtime`, top level, summed)",
                       statistics.median(seconds["imports", tree.label]), tree=tree.label,
                       note="a run of its own; the interpreter's start-up imports included") for tree in trees]


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


def bench_startup(runs: int, trees: Sequence[Tree] = (THIS,)) -> list[Row]:
    """Commands that are mostly start-up, the trees taking turns run by run, and check-jsonschema on the same
    1,000 files as validate, if installed."""
    seconds: defaultdict[tuple[str, str], list[float]] = defaultdict(list)
    checker = "check-jsonschema, the same 1,000 files against schemas/assistant.schema.json"
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one"
        write_files(one, 1, 0)
        many = Path(tmp) / "many"
        write_files(many, 1000, 0)
        commands = {"assistantsync --version": ["--version"], "validate, 1 file": ["validate", str(one)],
                    "validate, 1,000 files": ["validate", str(many)]}
        for _ in range(runs):
            seconds["python -c pass (the interpreter's own start-up)", SHARED].append(
                timed_process([sys.executable, "-c", "pass"]))
            for tree in trees:
                for name, args in commands.items():
                    wall, code, out = tree.run(args)
                    assert code == 0, f"{tree.label}: {out}"
                    seconds[name, tree.label].append(wall)
            checked = check_jsonschema(REPO / "schemas" / "assistant.schema.json", sorted(many.glob("*.yaml")))
            if checked is not None:
                seconds[checker, SHARED].append(checked)
    medians = {key: statistics.median(walls) for key, walls in seconds.items()}
    if (checker, SHARED) not in medians:
        print("check-jsonschema is not installed (pip install check-jsonschema): its row is left out", file=sys.stderr)

    def note(name: str, tree: str) -> str:
        if name == "assistantsync --version":
            return "target: 150 ms"
        if name == "validate, 1,000 files" and (checker, SHARED) in medians:
            return f"{medians[checker, SHARED] / medians[name, tree]:.1f}x faster than check-jsonschema (target: 3x)"
        return ""

    return [Row(name, wall, tree=tree, note=note(name, tree)) for (name, tree), wall in medians.items()]


def timed_process(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=REPO)
    return time.perf_counter() - started


def bench_diff_cpu(count: int = 1000) -> list[Row]:
    sys.path.insert(0, str(REPO))
    from assistantsync.errors import Location
    from assistantsync.files.desired import DesiredResource
    from assistantsync.kinds.assistant import ASSISTANT
    from assistantsync.plan.changes import make_plan, plan_resource
    from assistantsync.plan.reserved import IDENTITY_KEY

    document = json.loads(assistant_yaml(0, False))
    key = document.pop("key")
    desired = DesiredResource(key, None, Location("bot.yaml", 1, 1), document)
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
                _ = result.fingerprint.object  # reading it digests it
        per = (time.process_time() - started) / count
        assert not isinstance(result, str) and result.action == "no-op", result
        what = ", with its fingerprint (a saved plan)" if saved else ""
        rows.append(Row(f"diff CPU per unchanged assistant ({len(document['instructions']) // 1000} KB instructions)"
                        f"{what}", per))
    return rows


def bench_memory(n: int, runs: int, trees: Sequence[Tree] = (THIS,)) -> list[Row]:
    """Peak memory (and wall time) of plan at N, no latency, the trees taking turns run by run."""
    measured: defaultdict[str, list[tuple[float, float]]] = defaultdict(list)
    with seeded_sandbox(n) as (sandbox, files):
        for _ in range(runs):
            for tree in trees:
                measured[tree.label].append(tree.peak_memory(["plan", str(files)], sandbox.base_url))
    rows = [Row(f"plan, N={n:,}: peak memory", statistics.median(peak for _, peak in measured[tree.label]),
                unit="MB", tree=tree.label, note="target: 250 MB") for tree in trees]
    return rows + [Row(f"plan, N={n:,}, no latency", statistics.median(wall for wall, _ in measured[tree.label]),
                       tree=tree.label) for tree in trees]


def preface(trees: Sequence[Tree]) -> list[str]:
    """What the table's columns are, in compare mode."""
    if len(trees) == 1:
        return []
    head = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "assistantsync"],
                           capture_output=True, text=True).stdout.strip()
    described = ", ".join(f"{tree.label} = {tree.root}" for tree in trees)
    first, second = (tree.label for tree in trees)
    return ["", f"Code trees: {described} (at {head.stdout.strip()}{', with uncommitted changes' if dirty else ''}). "
            "Each CLI row runs the trees in turn, run by run, against the same sandbox; each tree's CLI runs from "
            "its root with the root first on PYTHONPATH, both trees alike. Rows measured once for both (bare "
            "loops, the SDK script, check-jsonschema, python -c pass) show the same number twice. The in-process "
            f"rows (engine, diff CPU) call this checkout's internal functions: {NOW} only. {first} / {second}: "
            f"above 1, {second} is faster."]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--parallelism", type=int, default=8)
    parser.add_argument("--memory-n", type=int, default=10_000)
    parser.add_argument("--compare", type=Path, metavar="DIR",
                        help="another checkout (e.g. `git worktree add DIR 15b9e3a`): its CLI is measured too")
    parser.add_argument("--compare-label", help="its column's name (default: DIR's name)")
    parser.add_argument("--no-write", action="store_true", help="print the table; leave BENCHMARKS.md alone")
    args = parser.parse_args(argv)
    trees = [THIS]
    if args.compare:
        trees.insert(0, Tree(args.compare_label or args.compare.name, args.compare.resolve()))
    for tree in trees:
        tree.prepare()
    rows = bench_plan_apply(args.n, args.latency_ms, args.runs, args.parallelism, trees)
    rows += bench_engine(args.n, args.latency_ms, args.runs, args.parallelism)
    rows += bench_startup(args.runs, trees)
    rows += bench_diff_cpu()
    if args.memory_n:
        rows += bench_memory(args.memory_n, args.runs, trees)
    table = to_markdown(rows, args.latency_ms, args.runs, [tree.label for tree in trees], preface(trees))
    print(table)
    if not args.no_write:
        (REPO / "BENCHMARKS.md").write_text(table + hand_written(REPO / "BENCHMARKS.md"), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
