"""The code trees a benchmark run measures, and how to time their CLI as a subprocess (used by bench_sync.py).

A tree is a checkout: this one, or another commit's (`--compare DIR`). Its CLI runs as
`python -m assistantsync` with the tree's root as working directory and first on PYTHONPATH. Both are
needed: `-m` puts the working directory first on sys.path, ahead of PYTHONPATH. This checkout gets the
same treatment, so both trees pay the same for the extra path entry.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

FAKE_KEY = "sk-bench-not-a-real-key"


@dataclass(frozen=True)
class Tree:
    label: str
    root: Path

    def env(self) -> dict[str, str]:
        path = os.pathsep.join(filter(None, [str(self.root), os.environ.get("PYTHONPATH", "")]))
        return {**os.environ, "PYTHONPATH": path, "OPENAI_API_KEY": FAKE_KEY, "NO_COLOR": "1", "CI": "true"}

    def command(self, args: Sequence[str], base_url: str | None = None, python: Sequence[str] = ()) -> list[str]:
        return [sys.executable, *python, "-m", "assistantsync", *against(args, base_url)]

    def prepare(self) -> None:
        """Compile the package's bytecode first, as `pip install` does for a wheel (and a first run does for an
        editable install): where PYTHONDONTWRITEBYTECODE is set, as on the machine of BENCHMARKS.md, every run
        would otherwise compile each module it imports again (some 45 ms of a plan). Then check that this
        tree's CLI is the one that runs."""
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(self.root / "assistantsync")], check=True)
        found = subprocess.run([sys.executable, "-c", "import assistantsync; print(assistantsync.__file__)"],
                               capture_output=True, text=True, env=self.env(), cwd=self.root, check=True)
        if not Path(found.stdout.strip()).is_relative_to(self.root):
            raise SystemExit(f"{self.label}: python -m assistantsync would run {found.stdout.strip()}")

    def run(self, args: Sequence[str], base_url: str | None = None) -> tuple[float, int, str]:
        """Wall time, exit code and output of one CLI command (against the sandbox at `base_url`, if given)."""
        started = time.perf_counter()
        done = subprocess.run(self.command(args, base_url), capture_output=True, text=True, env=self.env(),
                              cwd=self.root)
        return time.perf_counter() - started, done.returncode, done.stdout + done.stderr

    def peak_memory(self, args: Sequence[str], base_url: str) -> tuple[float, float]:
        """Wall time and peak resident memory (MB) of one CLI command."""
        started = time.perf_counter()
        process = subprocess.Popen(self.command(args, base_url), stdout=subprocess.DEVNULL, env=self.env(),
                                   cwd=self.root)
        _, status, usage = os.wait4(process.pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, f"{self.label}: {args} failed"
        return time.perf_counter() - started, usage.ru_maxrss / 1024

    def import_time(self, args: Sequence[str], base_url: str) -> float:
        """Seconds of imports in one CLI command: `-X importtime`'s top-level cumulative times, summed (the
        interpreter's own start-up imports included; the measuring makes each import a little slower)."""
        done = subprocess.run(self.command(args, base_url, ["-X", "importtime"]), capture_output=True, text=True,
                              env=self.env(), cwd=self.root)
        assert done.returncode == 0, done.stderr[-2000:]
        total_us = 0
        for line in done.stderr.splitlines():  # "import time: <self us> | <cumulative us> | <indent><name>"
            fields = line.split("|")
            if line.startswith("import time:") and len(fields) == 3 and fields[1].strip().isdigit():
                total_us += int(fields[1]) if not fields[2].startswith("  ") else 0
        return total_us / 1e6

    def timeline(self, args: Sequence[str], base_url: str) -> dict[str, float]:
        """The phases of one CLI command, from timestamps (one clock for all processes: perf_counter is
        CLOCK_MONOTONIC on Linux). A wrapper notes the first line of Python, the first connection and the
        last byte received, then runs the CLI as `-m` would."""
        with tempfile.NamedTemporaryFile(suffix=".json") as marks_file:
            env = {**self.env(), "BENCH_TIMELINE": marks_file.name}
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", _TIMELINE, *against(args, base_url)],
                                  capture_output=True, text=True, env=env, cwd=self.root)
            ended = time.perf_counter()
            assert done.returncode == 0, done.stdout + done.stderr
            marks = json.loads(Path(marks_file.name).read_text(encoding="utf-8"))
        return {"start-up": marks["python"] - started, "to first connection": marks["connect"] - marks["python"],
                "listing": marks["last_byte"] - marks["connect"], "after the last byte": ended - marks["last_byte"]}


def against(args: Sequence[str], base_url: str | None) -> list[str]:
    """A command's arguments, aimed at the sandbox at `base_url` if given."""
    return [*args, "--provider", "openai", "--base-url", base_url] if base_url else list(args)


# Patches this one process (the timeline's CLI run): its socket class, to note when bytes flow, and os._exit,
# which some trees call to skip the interpreter's teardown, to save the notes first.
_TIMELINE = """
import time
python = time.perf_counter()
import json, os, runpy, socket
marks = {"python": python, "connect": None, "last_byte": None}
connect, recv, exit_now, pid = socket.socket.connect, socket.socket.recv, os._exit, os.getpid()
def timed_connect(self, address):
    marks["connect"] = marks["connect"] or time.perf_counter()
    return connect(self, address)
def timed_recv(self, *args):
    data = recv(self, *args)
    marks["last_byte"] = time.perf_counter()
    return data
def save():
    if os.getpid() == pid:  # not in a forked child
        with open(os.environ["BENCH_TIMELINE"], "w", encoding="utf-8") as out:
            json.dump(marks, out)
def save_and_exit(status):
    save()
    exit_now(status)
socket.socket.connect, socket.socket.recv, os._exit = timed_connect, timed_recv, save_and_exit
try:
    runpy.run_module("assistantsync", run_name="__main__", alter_sys=True)
finally:
    save()
"""
