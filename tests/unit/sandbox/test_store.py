"""The embedded sandbox's state file: round trips, atomic replacement, and no lost writes under
concurrency (threads of one process and two other processes on the same file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from assistantsync.errors import SandboxStateError
from assistantsync.sandbox.embedded import SandboxTransport
from assistantsync.sandbox.location import BASE_URL
from assistantsync.sandbox.records import Store, StoredAssistant
from assistantsync.sandbox.store import StateFile

BETA = {"OpenAI-Beta": "assistants=v2"}

# Run in a child process: create N assistants through the embedded transport on the given file.
CHILD = """
import sys
from pathlib import Path
import httpx
from assistantsync.sandbox.embedded import SandboxTransport
from assistantsync.sandbox.location import BASE_URL
path, count, tag = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
print("ready", flush=True)
sys.stdin.readline()  # wait for "go", so that the processes and the parent's threads overlap
with httpx.Client(transport=SandboxTransport(path), base_url=BASE_URL, headers={"OpenAI-Beta": "assistants=v2"}) as c:
    for n in range(count):
        c.post("/assistants", json={"model": "m", "name": f"{tag}-{n}"}).raise_for_status()
"""


def record(n: int) -> StoredAssistant:
    """A stored assistant as the sandbox holds one."""
    return StoredAssistant({"id": f"asst_{n}", "object": "assistant", "created_at": n, "name": None,
                            "description": None, "model": "gpt-4o", "instructions": None, "tools": [],
                            "tool_resources": {}, "metadata": {}, "temperature": 1.0, "top_p": 1.0,
                            "response_format": "auto"},
                           {"reasoning_effort": "low"})


def create_many(path: Path, count: int, tag: str) -> None:
    with httpx.Client(transport=SandboxTransport(path), base_url=BASE_URL, headers=BETA) as client:
        for n in range(count):
            client.post("/assistants", json={"model": "m", "name": f"{tag}-{n}"}).raise_for_status()


def saved_names(path: Path) -> list[str]:
    return [entry["assistant"]["name"] for entry in json.loads(path.read_text())["assistants"]]


def test_save_then_load_keeps_order_write_only_fields_and_revision(tmp_path: Path) -> None:
    state = StateFile(tmp_path / "deep" / "sandbox.json")
    store = Store([record(3), record(1), record(2)], revision=7)
    with state.locked():
        state.save(store)
        loaded = state.load()
    assert [r.public["id"] for r in loaded.in_creation_order()] == ["asst_3", "asst_1", "asst_2"]
    assert loaded.get("asst_1").write_only == {"reasoning_effort": "low"}
    assert loaded.revision == 7
    assert state.lock_path == tmp_path / "deep" / "sandbox.json.lock"


def test_a_missing_file_is_an_empty_store(tmp_path: Path) -> None:
    assert len(StateFile(tmp_path / "none.json").load()) == 0


@pytest.mark.parametrize("content", ["{not json", "[]", '{"format": "other"}',
                                     '{"format": "assistantsync-sandbox/1", "assistants": [{"assistant": {}}]}',
                                     '{"format": "assistantsync-sandbox/1", "assistants": 1.5}'])
def test_a_foreign_file_is_refused_with_a_fix(tmp_path: Path, content: str) -> None:
    path = tmp_path / "sandbox.json"
    path.write_text(content)
    with pytest.raises(SandboxStateError, match="delete it to start from an empty sandbox"):
        StateFile(path).load()


def test_a_file_nested_deeper_than_json_decodes_is_refused_with_a_fix(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    path.write_text("[" * 100_000)
    with pytest.raises(SandboxStateError) as refused:
        StateFile(path).load()
    assert str(refused.value) == (f"{path}: not a sandbox state file (nested too deep to read); "
                                  "delete it to start from an empty sandbox")


def test_a_stored_assistant_the_sandbox_cannot_rank_is_refused_by_name(tmp_path: Path) -> None:
    # The sandbox ranks stored objects by created_at: an edited file must not make it answer with a crash.
    state = StateFile(tmp_path / "sandbox.json")
    with state.locked():
        state.save(Store([record(1), record(2)]))
    saved = json.loads(state.path.read_text())
    saved["assistants"][1]["assistant"]["created_at"] = {"when": "yesterday"}
    state.path.write_text(json.dumps(saved))
    with pytest.raises(SandboxStateError) as refused:
        state.load()
    assert str(refused.value) == (f"{state.path}: not a sandbox state file (assistants[1].assistant.created_at "
                                  "must be an integer (seconds)); delete it to start from an empty sandbox")


def test_a_failed_save_leaves_the_old_file_whole_and_no_temp_file(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    state = StateFile(tmp_path / "sandbox.json")
    with state.locked():
        state.save(Store([record(1)]))
    before = state.path.read_bytes()

    def crash(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"), state.locked():
        state.save(Store([record(1), record(2)]))
    assert state.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sandbox.json", "sandbox.json.lock"]


def test_a_store_kept_between_requests_follows_every_change_to_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "sandbox.json"
    with httpx.Client(transport=SandboxTransport(path), base_url=BASE_URL, headers=BETA) as client:
        def names() -> list[str]:
            return [item["name"] for item in client.get("/assistants", params={"order": "asc"}).json()["data"]]

        client.post("/assistants", json={"model": "m", "name": "first"}).raise_for_status()
        create_many(path, 1, "other")  # another transport (as another process would) writes the file
        assert names() == ["first", "other-0"]
        edited = json.loads(path.read_text())  # edited by hand, in place
        edited["assistants"][0]["assistant"]["name"] = "FIRST"
        path.write_text(json.dumps(edited))
        assert names() == ["FIRST", "other-0"]

        def full_disk(source: str, target: str) -> None:
            raise OSError("disk full")

        with monkeypatch.context() as patch:  # not monkeypatch.undo(): that also drops the leak check's patches
            patch.setattr(os, "replace", full_disk)
            with pytest.raises(OSError, match="disk full"):
                client.post("/assistants", json={"model": "m", "name": "lost"})
        assert names() == ["FIRST", "other-0"]  # what the file holds, not the change its save lost
    assert saved_names(path) == ["FIRST", "other-0"]


def test_reads_do_not_rewrite_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    with httpx.Client(transport=SandboxTransport(path), base_url=BASE_URL, headers=BETA) as client:
        client.post("/assistants", json={"model": "m"}).raise_for_status()
        written = path.stat().st_mtime_ns, path.stat().st_ino
        assert client.get("/assistants").status_code == 200
        assert client.post("/assistants", json={}).status_code == 400  # a refused write writes nothing
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == written


def test_concurrent_threads_lose_no_assistant_and_readers_never_see_a_torn_file(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    done = threading.Event()
    torn: list[str] = []

    def read_without_lock() -> None:  # atomic replace means even a lock-free reader sees whole files
        while not done.is_set():
            try:
                json.loads(path.read_text())
            except FileNotFoundError:
                pass
            except ValueError as error:
                torn.append(str(error))

    reader = threading.Thread(target=read_without_lock)
    reader.start()
    writers = [threading.Thread(target=create_many, args=(path, 10, f"t{n}")) for n in range(6)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    reader.join()
    assert torn == []
    assert sorted(saved_names(path)) == sorted(f"t{t}-{n}" for t in range(6) for n in range(10))


def test_concurrent_processes_and_threads_lose_no_assistant(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(path), "15", f"p{n}"], text=True,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE) for n in range(2)]
    for child in children:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
    threads = [threading.Thread(target=create_many, args=(path, 15, f"t{n}")) for n in range(2)]
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.close()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [child.wait(timeout=120) for child in children] == [0, 0]
    for child in children:
        assert child.stdout is not None
        child.stdout.close()
    names = saved_names(path)
    assert sorted(names) == sorted(f"{tag}-{n}" for tag in ("p0", "p1", "t0", "t1") for n in range(15))
    ids = [entry["assistant"]["id"] for entry in json.loads(path.read_text())["assistants"]]
    assert len(set(ids)) == len(ids) == 60
