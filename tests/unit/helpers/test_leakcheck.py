"""The leak check itself can fail: every channel it watches catches a planted credential.

In-process tests prove the live autouse fixture wraps CliRunner; one inner pytest run (a subprocess)
proves the after-the-test scans fail a test, and that the opt-out marker works and needs a reason.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from helpers.leakcheck import FAKE_VARIABLES, MARKER, LeakCheck, assert_no_secrets, header_secrets

TESTS = Path(__file__).resolve().parents[2]


@click.command()
@click.option("--variable", default="OPENAI_API_KEY")
@click.option("--err", is_flag=True)
@click.option("--cut", default=0, help="Print only this many characters of the value.")
@click.option("--crash", is_flag=True)
def show(variable: str, err: bool, cut: int, crash: bool) -> None:
    """A command that leaks the variable it is told to."""
    value = os.environ[variable]
    if crash:
        raise RuntimeError(f"failed with {value}")
    click.echo(f"the value: {value[:cut] if cut else value}", err=err)


@click.command()
@click.option("--header", "headers", multiple=True)
def echo_headers(headers: tuple[str, ...]) -> None:
    click.echo(" ".join(headers))


def test_every_test_runs_with_distinct_fake_credentials() -> None:
    values = [os.environ[name] for name in FAKE_VARIABLES]
    assert len(set(values)) == len(values)
    for name, value in zip(FAKE_VARIABLES, values, strict=True):
        assert re.fullmatch(rf"sk-{MARKER}-{name}-[0-9a-f]{{16}}", value)


@pytest.mark.parametrize("args", [
    ["--variable", "OPENAI_API_KEY"],
    ["--variable", "AZURE_AI_TOKEN", "--err"],
    ["--variable", "PORTKEY_CONFIG", "--cut", "14"],  # a part of a key: found by the marker
    ["--variable", "ASSISTANTSYNC_SANDBOX_AUTH_KEY", "--crash"],  # only in result.exception's traceback
])
def test_a_leak_in_clirunner_output_or_traceback_fails_the_test(args: list[str]) -> None:
    with pytest.raises(pytest.fail.Exception, match="credential leak"):
        CliRunner().invoke(show, args)


def test_a_leak_in_an_exception_raised_through_invoke_fails_the_test() -> None:
    with pytest.raises(pytest.fail.Exception, match="the traceback raised by CliRunner.invoke"):
        CliRunner().invoke(show, ["--crash"], catch_exceptions=False)


def test_credentials_given_to_invoke_are_learned_whatever_their_name(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "gw-plain-secret-no-marker-1"
    with pytest.raises(pytest.fail.Exception, match="MY_GATEWAY_TOKEN leaked"):
        CliRunner().invoke(show, ["--variable", "MY_GATEWAY_TOKEN"], env={"MY_GATEWAY_TOKEN": secret})
    monkeypatch.setenv("OTHER_SECRET", "set-by-the-test-itself")
    with pytest.raises(pytest.fail.Exception, match="OTHER_SECRET leaked"):
        CliRunner().invoke(show, ["--variable", "OTHER_SECRET"])


def test_sensitive_header_values_on_the_command_line_are_secrets_too() -> None:
    assert header_secrets(["--header", "Authorization: Bearer tok-123456", "--header=X-Trace: t1"]) == {
        "Bearer tok-123456": "--header Authorization", "tok-123456": "--header Authorization"}
    with pytest.raises(pytest.fail.Exception, match="--header x-api-key leaked"):
        CliRunner().invoke(echo_headers, ["--header", "x-api-key: plain-value-123"])
    harmless = CliRunner().invoke(echo_headers, ["--header", "X-Trace: visible-1234"])
    assert harmless.output == "X-Trace: visible-1234\n"


def test_clean_output_passes() -> None:
    result = CliRunner().invoke(show, ["--variable", "HOME"])
    assert result.exit_code == 0


def test_the_scanner_finds_secrets_in_files_logs_and_output(tmp_path_factory: pytest.TempPathFactory) -> None:
    check = LeakCheck()
    check.learn({"OPENAI_API_KEY": "sk-plain-0123456789", "PATH": "/usr/bin", "SHORT_KEY": "abc"})
    assert check.secrets == {"sk-plain-0123456789": "OPENAI_API_KEY"}  # too short to mask: not a secret
    folder = tmp_path_factory.mktemp("scanned")  # not tmp_path: the fixture would scan it after the test
    (folder / "nested").mkdir()
    (folder / "nested" / "plan.json").write_text('{"key": "sk-plain-0123456789"}', encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match=r"file nested/plan.json: OPENAI_API_KEY leaked: "
                                                    r"'\{\"key\": \"<OPENAI_API_KEY>\"\}'"):
        check.check_files(folder)
    (folder / "nested" / "plan.json").write_text("{}", encoding="utf-8")
    check.check_files(folder)
    record = logging.LogRecord("assistantsync", logging.DEBUG, __file__, 1, "sent %s", ("sk-plain-0123456789",),
                               None)
    with pytest.raises(pytest.fail.Exception, match="a log record: OPENAI_API_KEY leaked"):
        check.check_logs([record])
    with pytest.raises(pytest.fail.Exception, match="output: OPENAI_API_KEY leaked"):
        assert_no_secrets("stdout\n" + os.environ["OPENAI_API_KEY"])
    with pytest.raises(pytest.fail.Exception, match="output: CHILD_TOKEN leaked"):
        assert_no_secrets("token=child-only-secret", env={"CHILD_TOKEN": "child-only-secret"})
    assert_no_secrets("nothing to see", env={"CHILD_TOKEN": "child-only-secret"})


INNER_CONFTEST = "from helpers.leakcheck import leak_check, pytest_configure, pytest_runtest_makereport  # noqa: F401\n"
INNER_TESTS = '''
import logging
import os

import pytest


def test_file_leak(tmp_path):
    (tmp_path / "plan.json").write_text(os.environ["PORTKEY_API_KEY"])


def test_log_leak():
    logging.getLogger("assistantsync.api.client").debug("sent %s", os.environ["AZURE_OPENAI_API_KEY"])


def test_print_leak():
    print("key:", os.environ["OPENAI_API_KEY"])


def test_child_process_leak():
    os.system("echo $AZURE_AI_TOKEN")  # output on the inherited file descriptor


def test_clean(tmp_path):
    (tmp_path / "plan.json").write_text("{}")


@pytest.mark.prints_secrets(reason="shows that the opt-out works")
def test_opted_out(tmp_path):
    (tmp_path / "key.txt").write_text(os.environ["OPENAI_API_KEY"])
    print(os.environ["OPENAI_API_KEY"])


@pytest.mark.prints_secrets
def test_opted_out_without_reason():
    pass
'''


def test_the_fixture_fails_tests_that_leak_after_the_fact(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A real pytest run with the fixture: the scans after a test turn a leak into an error."""
    project = tmp_path_factory.mktemp("inner")
    (project / "conftest.py").write_text(INNER_CONFTEST, encoding="utf-8")
    (project / "test_inner.py").write_text(textwrap.dedent(INNER_TESTS), encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "-o", "addopts=",
         "--basetemp", str(tmp_path_factory.mktemp("inner-tmp")), "test_inner.py"],
        cwd=project, env=environment, capture_output=True, text=True, timeout=120, check=False)
    outcomes: dict[str, str] = {}
    for outcome, test in re.findall(r"^(PASSED|FAILED|ERROR) test_inner\.py::(\w+)", done.stdout, re.MULTILINE):
        outcomes[test] = outcome if outcomes.get(test, "PASSED") == "PASSED" else outcomes[test]  # a failure wins
    assert outcomes == {"test_file_leak": "ERROR", "test_log_leak": "ERROR", "test_print_leak": "FAILED",
                        "test_child_process_leak": "FAILED", "test_clean": "PASSED",
                        "test_opted_out": "PASSED", "test_opted_out_without_reason": "ERROR"}, done.stdout
    assert "file plan.json: PORTKEY_API_KEY leaked: '<PORTKEY_API_KEY>'" in done.stdout
    assert "a log record: AZURE_OPENAI_API_KEY leaked" in done.stdout
    assert "Captured stdout call: OPENAI_API_KEY leaked: 'key: <OPENAI_API_KEY>'" in done.stdout
    assert "Captured stdout call: AZURE_AI_TOKEN leaked: '<AZURE_AI_TOKEN>'" in done.stdout
    assert "@pytest.mark.prints_secrets needs reason=" in done.stdout
