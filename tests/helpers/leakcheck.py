"""Catching credentials wherever a person or CI could read them: CLI output, tracebacks, log records, files.

conftest's autouse fixture `leak_check` runs every test with distinctive fake credentials in the
environment (FAKE_VARIABLES, each `sk-LEAKCHECK-<name>-<random hex>`) and fails the test when any
credential value, or the MARKER every fake holds, shows up in:

- the stdout, stderr and output of every `CliRunner.invoke`, and the traceback of its exception;
- the log records captured while the test ran (caplog), tracebacks included;
- whatever else pytest captured on stdout and stderr (file descriptors included: `main()` run in-process,
  a child process writing to inherited descriptors), by `pytest_runtest_makereport`;
- any file under the test's `tmp_path` (saved plans, imported files, state files, logs), after the test.

The credentials it looks for are collected whatever set them: the fakes, a test's own monkeypatch.setenv,
the `env=` given to CliRunner or to a subprocess, and sensitive `--header` values on a command line.
Subprocess-based tests pass what the process printed to `assert_no_secrets(text, env=...)`.

A test that prints a key on purpose opts out with `@pytest.mark.prints_secrets(reason="...")`.
"""

from __future__ import annotations

import inspect
import logging
import os
import secrets
import shlex
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import click.testing
import pytest

from assistantsync.api.redaction import MIN_SECRET_LENGTH, is_sensitive_header

MARKER = "LEAKCHECK"  # in every fake credential of the test suite: no output may hold it, even cut short
OPT_OUT = "prints_secrets"
FAKE_VARIABLES = (
    "OPENAI_API_KEY", "PORTKEY_API_KEY", "PORTKEY_VIRTUAL_KEY", "PORTKEY_CONFIG", "AZURE_OPENAI_API_KEY",
    "AZURE_AI_TOKEN", "ASSISTANTSYNC_SANDBOX_AUTH_KEY",
)
_MAX_SHOWN = 200  # characters of context shown around a leak in the failure message


def is_credential_name(name: str) -> bool:
    """Whether an environment variable's name says it holds a credential (the tool's own header rule)."""
    return is_sensitive_header(name)


# Credential-looking variables of the machine itself (SSH_AUTH_SOCK, GPG_KEY...): not the tool's to hide,
# and a socket path in a traceback is no leak. The variables the suite fakes are never in here.
_AMBIENT = frozenset(value for name, value in os.environ.items()
                     if is_credential_name(name) and name not in FAKE_VARIABLES)


def fake_credentials() -> dict[str, str]:
    """A fresh fake value for every FAKE_VARIABLES name."""
    return {name: f"sk-{MARKER}-{name}-{secrets.token_hex(8)}" for name in FAKE_VARIABLES}


def header_secrets(args: Sequence[str]) -> dict[str, str]:
    """Values of sensitive `--header 'Name: value'` options (and a bearer's token alone): value -> label."""
    found: dict[str, str] = {}
    values = [b for a, b in zip(args, args[1:], strict=False) if a == "--header"]
    values += [a.removeprefix("--header=") for a in args if a.startswith("--header=")]
    for item in values:
        name, _, value = item.partition(":")
        if is_sensitive_header(name.strip()):
            for part in {value.strip(), value.strip().split()[-1] if value.strip() else ""}:
                found[part] = f"--header {name.strip()}"
    return found


class LeakCheck:
    """The credentials one test may not show, and the scans that look for them."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}  # value -> what holds it, e.g. OPENAI_API_KEY

    def learn(self, values: Mapping[str, str | None]) -> None:
        """Add the values of credential-named variables (None: unset, skipped)."""
        for name, value in values.items():
            if value and is_credential_name(name):
                self.add(value, name)

    def add(self, value: str, label: str) -> None:
        if len(value) >= MIN_SECRET_LENGTH and value not in _AMBIENT:
            self.secrets.setdefault(value, label)

    def leaks(self, text: str, where: str) -> list[str]:
        """One line per secret (or MARKER) found in `text`, with the secret itself masked."""
        found = [(value, label) for value, label in self.secrets.items() if value in text]
        if MARKER in text and not found:
            found.append((MARKER, f"a fake credential (something holding {MARKER})"))
        return [f"{where}: {label} leaked: {self._context(text, value)}" for value, label in found]

    def check(self, text: str, where: str) -> None:
        problems = self.leaks(text, where)
        if problems:
            pytest.fail("credential leak\n" + "\n".join(problems), pytrace=False)

    def _context(self, text: str, value: str) -> str:
        start = text.index(value)
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        line = text[line_start: line_end if line_end >= 0 else len(text)]
        for secret, label in sorted(self.secrets.items(), key=lambda item: -len(item[0])):
            line = line.replace(secret, f"<{label}>")
        line = line.replace(MARKER, f"<{MARKER}>")
        return repr(line if len(line) <= _MAX_SHOWN else line[:_MAX_SHOWN] + "…")

    # --- what it scans ----------------------------------------------------------------------------

    def check_result(self, result: click.testing.Result) -> None:
        for stream in ("stdout", "stderr", "output"):
            try:
                text = getattr(result, stream)
            except ValueError:  # click < 8.2 without a separate stderr
                continue
            self.check(text, f"CliRunner result.{stream}")
        if result.exc_info is not None:
            self.check("".join(traceback.format_exception(*result.exc_info)), "the traceback of result.exception")

    def check_logs(self, records: Iterable[logging.LogRecord]) -> None:
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        for record in records:
            self.check(formatter.format(record), "a log record")

    def check_files(self, root: Path) -> None:
        """Every regular file under `root` (symlinks not followed: they may point at the repository)."""
        needles = [value.encode() for value in self.secrets] + [MARKER.encode()]
        for path in _files(root):
            data = path.read_bytes()
            if any(needle in data for needle in needles):  # decoded (for the message) only when needed
                self.check(data.decode("utf-8", errors="replace"), f"file {path.relative_to(root)}")


def _files(root: Path) -> Iterator[Path]:
    for folder, _, names in os.walk(root, followlinks=False):
        for name in names:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                yield path


_current: LeakCheck | None = None
_CHECK = pytest.StashKey[LeakCheck]()


def current() -> LeakCheck:
    """The running test's LeakCheck (a fresh one outside the fixture), knowing today's environment."""
    check = _current or LeakCheck()
    check.learn(os.environ)
    return check


def assert_no_secrets(*texts: str, env: Mapping[str, str | None] | None = None, where: str = "output") -> None:
    """Fail if any credential (of the environment, of `env` given to a subprocess, or MARKER) is in `texts`."""
    check = current()
    check.learn(env or {})
    for text in texts:
        check.check(text, where)


def checked_invoke(original: Callable[..., click.testing.Result]) -> Callable[..., click.testing.Result]:
    """CliRunner.invoke that learns the credentials of the run and fails the test if its output shows one."""
    signature = inspect.signature(original)

    def invoke(runner: click.testing.CliRunner, *args: Any, **kwargs: Any) -> click.testing.Result:
        bound = signature.bind(runner, *args, **kwargs).arguments
        check = current()
        check.learn({**runner.env, **(bound.get("env") or {})})
        command_line = bound.get("args") or []
        for value, label in header_secrets(shlex.split(command_line) if isinstance(command_line, str)
                                           else [str(a) for a in command_line]).items():
            check.add(value, label)
        try:
            result = original(runner, *args, **kwargs)
        except BaseException as error:  # catch_exceptions=False: what propagates is output too; re-raised
            check.check("".join(traceback.format_exception(error)), "the traceback raised by CliRunner.invoke")
            raise
        check.check_result(result)
        return result

    return invoke


def opted_out(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker(OPT_OUT)
    if marker is None:
        return False
    if not str(marker.kwargs.get("reason", "")).strip():
        pytest.fail(f"@pytest.mark.{OPT_OUT} needs reason='why this test shows a credential'", pytrace=False)
    return True


def _log_capture(request: pytest.FixtureRequest) -> pytest.LogCaptureFixture | None:
    """caplog, catching anything the tool (or httpx, which names every request) logs, at every level;
    None when the logging plugin is off (`-p no:logging`)."""
    if not request.config.pluginmanager.has_plugin("logging"):
        return None
    caplog: pytest.LogCaptureFixture = request.getfixturevalue("caplog")
    for logger in ("assistantsync", "httpx"):
        caplog.set_level(logging.DEBUG, logger=logger)
    return caplog


@pytest.fixture(autouse=True)
def leak_check(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[LeakCheck]:
    """Fake credentials in the environment for every test, and a failure when any of them is shown."""
    global _current
    fakes = fake_credentials()
    for name, value in fakes.items():
        monkeypatch.setenv(name, value)
    check = LeakCheck()
    check.learn(fakes)
    if opted_out(request):
        yield check
        return
    caplog = _log_capture(request)
    request.node.stash[_CHECK] = check  # for pytest_runtest_makereport
    monkeypatch.setattr(click.testing.CliRunner, "invoke", checked_invoke(click.testing.CliRunner.invoke))
    _current = check
    try:
        yield check
    finally:
        _current = None
    check.learn(os.environ)  # what the test set itself is still there: monkeypatch undoes it after us
    if caplog is not None:
        check.check_logs(record for phase in ("setup", "call") for record in caplog.get_records(phase))
    used_tmp_path = getattr(request.node, "funcargs", {}).get("tmp_path")  # torn down already, still on disk
    if isinstance(used_tmp_path, Path):
        check.check_files(used_tmp_path)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item,
                              call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Whatever else reached the process's stdout or stderr (pytest captured it, file descriptors included:
    a `main()` run in-process, a child process that inherited them) fails a test that otherwise passed."""
    report: pytest.TestReport = yield
    check = item.stash.get(_CHECK, None)
    if check is not None and report.passed:
        leaks = [leak for title, text in report.sections if title.endswith(f" {report.when}")  # this phase's
                 for leak in check.leaks(text, title)]
        if leaks:
            report.outcome = "failed"
            report.longrepr = "credential leak\n" + "\n".join(leaks)
    return report


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{OPT_OUT}(reason): this test shows a credential on purpose; "
                                       "skips the leak checks of conftest's leak_check fixture")
    config.addinivalue_line("markers", "scale: correctness with thousands of assistants and the API's maximum "
                                       "sizes; part of the normal run, `-m 'not scale'` leaves it out")
