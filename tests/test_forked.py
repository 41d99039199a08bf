"""Reading files in a forked child: the same assistants and problems as reading them all here."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest
from tree import write

from assistantsync import desired_files
from assistantsync.desired import load_desired
from assistantsync.errors import ValidationFailed
from assistantsync.forked import Forked, forking_pays

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")


@linux_only
def test_the_childs_bytes_come_back() -> None:
    with Forked(lambda: b"x" * 1_000_000) as child:  # more than a pipe holds: the parent reads as it goes
        assert child.result() == b"x" * 1_000_000


@linux_only
def test_a_child_that_fails_returns_nothing_and_is_waited_for() -> None:
    def fail() -> bytes:
        raise RuntimeError("a bug in the child")

    with Forked(fail) as child:
        assert child.result() is None
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # reaped: no zombie left behind


@linux_only
def test_a_parent_that_fails_still_waits_for_its_child() -> None:
    with pytest.raises(KeyError), Forked(lambda: b"y" * 1_000_000) as child:
        raise KeyError("the parent's own work failed")
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not forking_pays()
    finally:
        stop.set()
        other.join()


def _problems(paths: list[Path]) -> list[str]:
    try:
        load_desired(paths)
    except ValidationFailed as failed:
        return [str(problem) for problem in failed.problems]
    return []


def test_files_read_in_a_child_give_the_same_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for index in range(40):  # a prompt, a parameters file referenced across the halves, problems in both
        write(tmp_path / f"a/bot-{index:02d}.yaml", f"model: gpt-4o\nname: Bot {index}\ninstructions_file: p.md\n"
                                                    "tools: [{type: function, function: {name: f, "
                                                    "parameters_file: z-params.yaml}}]\n")
    write(tmp_path / "a/p.md", "Be brief.\n")
    write(tmp_path / "a/z-params.yaml", "type: object\n")
    serial = [(a.key, a.fields, a.source, dict(a.field_sources)) for a in load_desired([Path("a")])]
    write(tmp_path / "b/bot-00.yaml", "model: gpt-4o\ntemperature: 9\n")
    write(tmp_path / "b/bot-99.yaml", "key: bot-00\nmodel: [x]\n")
    write(tmp_path / "b/bad.yaml", "model: a: b\n")
    expected = _problems([Path("a"), Path("b")])
    monkeypatch.setattr(desired_files, "PARALLEL_FILES", 2)
    assert [(a.key, a.fields, a.source, dict(a.field_sources)) for a in load_desired([Path("a")])] == serial
    assert "z-params" not in [key for key, *_ in serial]  # a parameters file is data, whichever half read it
    assert _problems([Path("a"), Path("b")]) == expected and len(expected) == 6
