"""Reading files in a forked child: the same assistants and problems as reading them all here."""

from __future__ import annotations

import os
import select
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.tree import write

from assistantsync.errors import ValidationFailed
from assistantsync.files import documents as desired_files
from assistantsync.files.desired import load_desired
from assistantsync.files.forked import Forked, forking_pays

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")


@linux_only
def test_the_childs_messages_come_back_in_order_whole() -> None:
    big = b"x" * 3_000_000  # more than a pipe holds: the parent reads as it goes
    with Forked(lambda send: [send(message) for message in (b"one", b"", big, b"two")]) as child:
        assert child.rest() == [b"one", b"", big, b"two"]


@linux_only
def test_received_never_waits_and_rest_gets_the_remainder() -> None:
    read_end, write_end = os.pipe()  # the child sends its second message only when the parent says so

    def task(send: Callable[[bytes], None]) -> None:
        send(b"first")
        os.read(read_end, 1)
        send(b"second")

    with Forked(task) as child:
        got: list[bytes] = []
        for _ in range(30_000):  # the first one arrives; received() returns at once either way (a hang guard)
            got += child.received()
            if got:
                break
            time.sleep(0.001)
        assert got == [b"first"] and child.received() == []
        os.write(write_end, b"!")
        assert child.rest() == [b"second"]
    os.close(read_end)
    os.close(write_end)


@linux_only
def test_a_child_that_fails_keeps_what_it_sent_whole_and_is_waited_for() -> None:
    def fail(send: Callable[[bytes], None]) -> None:
        send(b"done before the bug")
        raise RuntimeError("a bug in the child")

    with Forked(fail) as child:
        assert child.rest() == [b"done before the bug"]
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # reaped: no zombie left behind


@linux_only
def test_a_parent_that_fails_still_waits_for_its_child() -> None:
    with pytest.raises(KeyError), Forked(lambda send: send(b"y" * 3_000_000)) as child:
        raise KeyError("the parent's own work failed")
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)


@linux_only
def test_the_child_never_waits_for_a_parent_busy_elsewhere() -> None:
    # Five times what a pipe holds, sent while the parent reads nothing: the child must still finish.
    done_read, done_write = os.pipe()

    def task(send: Callable[[bytes], None]) -> None:
        for _ in range(5):
            send(b"z" * 1_000_000)
        os.write(done_write, b"!")

    with Forked(task) as child:
        finished, _, _ = select.select([done_read], [], [], 30)  # a guard against a hang, not a timing
        assert finished, "the child waited for the parent to read"
        assert child.rest() == [b"z" * 1_000_000] * 5
    os.close(done_read)
    os.close(done_write)


@linux_only
def test_a_child_still_at_work_is_stopped_when_the_parent_fails() -> None:
    def endless(send: Callable[[bytes], None]) -> None:
        while True:
            send(b"more")

    with pytest.raises(KeyError), Forked(endless) as child:
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
    monkeypatch.setattr(desired_files, "forking_pays", lambda: sys.platform.startswith("linux"))  # even on 1 core
    assert [(a.key, a.fields, a.source, dict(a.field_sources)) for a in load_desired([Path("a")])] == serial
    assert "z-params" not in [key for key, *_ in serial]  # a parameters file is data, whichever half read it
    assert _problems([Path("a"), Path("b")]) == expected and len(expected) == 6


@linux_only
def test_what_a_failed_child_took_and_never_sent_is_read_by_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for index in range(30):
        write(tmp_path / f"a/bot-{index:02d}.yaml", f"model: gpt-4o\nname: Bot {index}\n")
    serial = [(a.key, a.fields) for a in load_desired([Path("a")])]
    parent, packed = os.getpid(), desired_files._packed
    sent: list[int] = []
    failed = tmp_path / "the child failed"  # the child's own memory is not the parent's: it leaves a file

    def failing_after_one_chunk(files: list[desired_files.FileResult]) -> list[desired_files._PackedFile]:
        if os.getpid() != parent:
            sent.append(1)
            if len(sent) > 1:  # the child's second chunk: a bug
                failed.touch()
                raise RuntimeError("a bug in the child")
        return packed(files)

    monkeypatch.setattr(desired_files, "PARALLEL_FILES", 2)
    monkeypatch.setattr(desired_files, "CHUNK_FILES", 2)
    monkeypatch.setattr(desired_files, "forking_pays", lambda: True)  # even on a machine with one core
    monkeypatch.setattr(desired_files, "_packed", failing_after_one_chunk)
    assert [(a.key, a.fields) for a in load_desired([Path("a")])] == serial
    assert failed.exists()


@linux_only
def test_files_are_read_alone_when_no_child_can_be_forked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for index in range(30):
        write(tmp_path / f"a/bot-{index:02d}.yaml", f"model: gpt-4o\nname: Bot {index}\n")
    serial = [(a.key, a.fields) for a in load_desired([Path("a")])]
    monkeypatch.setattr(desired_files, "PARALLEL_FILES", 2)

    tried: list[int] = []

    def no_fork() -> int:
        tried.append(1)
        raise BlockingIOError(11, "Resource temporarily unavailable")  # what fork says at a process limit

    monkeypatch.setattr(desired_files, "forking_pays", lambda: True)  # even on a machine with one core
    monkeypatch.setattr(os, "fork", no_fork)
    ran: list[int] = []
    assert [(a.key, a.fields) for a in load_desired([Path("a")], meanwhile=lambda: ran.append(1))] == serial
    assert ran == [1] and tried == [1]
