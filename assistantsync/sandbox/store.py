"""The embedded sandbox's state on disk: one JSON file, locked and replaced atomically.

Every read-modify-write holds `fcntl.flock` on `<file>.lock` (a separate file, because the state
file itself is replaced on each save and a lock on a replaced inode protects nothing). Writes go
to a temporary file in the same folder and `os.replace` it in, so a reader, or a crash, only ever
sees a whole old or a whole new file. flock excludes other processes and, since every transaction
opens the lock file afresh, other threads of this process too.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistantsync.errors import SandboxStateError
from assistantsync.sandbox.agent_records import AgentStore, StoredAgent
from assistantsync.sandbox.location import DEFAULT_STATE_PATH
from assistantsync.sandbox.records import Store, StoredAssistant

STATE_FORMAT = "assistantsync-sandbox/1"


def state_bytes(store: Store) -> bytes:
    """The store as JSON: `{"format", "revision", "assistants": [{"assistant", "write_only"}, ...], "agents": [{"name",
    "last_number", "versions"}, ...]}`, one assistant or agent per line, assistants from each record's cached
    encoding. (Not an indented json.dump: that runs the pure-Python encoder over every assistant on every write.)"""
    head = json.dumps({"format": STATE_FORMAT, "revision": store.revision}).encode("ascii")[:-1]
    entries = b",\n".join(b'{"assistant": ' + record.encoded + b', "write_only": '
                           + json.dumps(record.write_only).encode("ascii") + b"}"
                           for record in store.in_creation_order())
    agents = b",\n".join(json.dumps({"name": agent.name, "last_number": agent.last_number,
                                     "versions": list(agent.versions.values())}).encode("ascii")
                          for agent in store.agents)
    return head + b', "assistants": [\n' + entries + b'\n], "agents": [\n' + agents + b"\n]}\n"


def store_from_json(data: Any) -> Store:
    """The inverse of `state_bytes` (once decoded); raises ValueError on anything else.

    The sandbox serves stored objects as they are (a hand-edited odd one is a test of the client), but ranks
    them by `created_at` and finds them by `id`: without those, an edited file would make it answer with a
    crash. (Not a schema check of each object: that would run over every assistant on every embedded request.)"""
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise ValueError(f"expected an object with format {STATE_FORMAT!r}")
    entries = data.get("assistants", [])
    if not isinstance(entries, list):
        raise ValueError("`assistants` must be a list")
    records = []
    for number, entry in enumerate(entries):
        public = entry.get("assistant") if isinstance(entry, dict) else None
        write_only = entry.get("write_only", {}) if isinstance(entry, dict) else None
        if not (isinstance(public, dict) and isinstance(public.get("id"), str) and isinstance(write_only, dict)):
            raise ValueError("every entry needs an `assistant` object with an `id` and a `write_only` object")
        created = public.get("created_at")
        if not isinstance(created, int) or isinstance(created, bool):
            raise ValueError(f"assistants[{number}].assistant.created_at must be an integer (seconds)")
        records.append(StoredAssistant(public, write_only))
    revision = data.get("revision", 0)
    return Store(records, revision if isinstance(revision, int) else 0, agents_from_json(data.get("agents", [])))


def agents_from_json(entries: Any) -> AgentStore:
    """The saved agents; a file from before agents has none. Checked as far as the agents core relies on
    (a version's `id` to page by, its `definition` object to filter by, a count to number the next one)."""
    if not isinstance(entries, list):
        raise ValueError("`agents` must be a list")
    agents = []
    for number, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ValueError(f"agents[{number}] must be an object")
        name, last_number, versions = entry.get("name"), entry.get("last_number"), entry.get("versions")
        if not (isinstance(name, str) and isinstance(last_number, int) and not isinstance(last_number, bool)
                and isinstance(versions, list) and versions):
            raise ValueError(f"agents[{number}] needs a `name`, an integer `last_number` and non-empty `versions`")
        if not all(isinstance(version, dict) and isinstance(version.get("id"), str)
                   and isinstance(version.get("version"), str) and isinstance(version.get("definition"), dict)
                   for version in versions):
            raise ValueError(f"every version of agents[{number}] needs an `id`, a `version` and a `definition` object")
        agents.append(StoredAgent(name, {version["version"]: version for version in versions}, last_number))
    return AgentStore(agents)


class StateFile:
    """A store persisted at `path`; use `transaction()` for each request."""

    def __init__(self, path: Path = DEFAULT_STATE_PATH) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        # The store as last loaded or saved here, and the file it was: kept while the file is that file, so a
        # request neither reparses every assistant nor re-encodes them all to save. Any save, here or by
        # another process, replaces the file: a new inode, so a new identity.
        self._kept: tuple[tuple[int, int, int], Store] | None = None

    @contextmanager
    def locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+b") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Lock, load, hand out the store, and save it if its revision moved."""
        with self.locked():
            store = self.load()
            before = store.revision
            try:
                yield store
                if store.revision != before:
                    self.save(store)
            except BaseException:
                self._kept = None  # the store may hold changes the file does not
                raise

    def load(self) -> Store:
        """The saved store, or an empty one when there is no file yet. Call under `locked()`."""
        try:
            with open(self.path, encoding="utf-8") as handle:
                identity = _identity(os.fstat(handle.fileno()))
                if self._kept is not None and self._kept[0] == identity:
                    return self._kept[1]
                text = handle.read()
        except FileNotFoundError:
            return Store()
        try:
            store = store_from_json(json.loads(text))
            self._kept = (identity, store)
            return store
        except RecursionError:  # json's decoder recurses: a hand-made file can nest deeper than the stack
            raise self._refused("nested too deep to read") from None
        except ValueError as error:  # JSONDecodeError included
            raise self._refused(str(error)) from None

    def _refused(self, reason: str) -> SandboxStateError:
        return SandboxStateError(
            f"{self.path}: not a sandbox state file ({reason}); delete it to start from an empty sandbox"
        )

    def save(self, store: Store) -> None:
        """Write atomically. Call under `locked()`."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        replaced = False
        try:
            with os.fdopen(handle, "wb") as temp:
                temp.write(state_bytes(store))
                temp.flush()
                os.fsync(temp.fileno())  # the data is on disk before the name points at it
            os.replace(temp_name, self.path)
            replaced = True
            self._kept = (_identity(os.stat(self.path)), store)
        finally:
            if not replaced:
                os.unlink(temp_name)


def _identity(info: os.stat_result) -> tuple[int, int, int]:
    return info.st_ino, info.st_size, info.st_mtime_ns
