"""The status line: the exact bytes a terminal gets for show, update and erase; hostile text escaped and cut to
the width; nothing at all off a terminal, in CI or with -v. A fake stream stands in for stderr."""

from __future__ import annotations

import io

import pytest

from assistantsync.cli.plan_apply import progress
from assistantsync.cli.status_line import ERASE, StatusLine, fitted


class FakeTerminal(io.StringIO):
    """A stream that says it is a terminal (or not), and records what is written to it."""

    def __init__(self, tty: bool = True) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def on_terminal(columns: int = 80) -> tuple[StatusLine, FakeTerminal]:
    stream = FakeTerminal()
    return StatusLine(stream, True, lambda: columns), stream


def test_each_show_replaces_the_line_and_erase_removes_it() -> None:
    status, stream = on_terminal()
    status.show("Fetching live state...")
    status.show("Applying 2 changes: 1/2 done (create a)")
    status.erase()
    assert stream.getvalue() == ("\r\x1b[2KFetching live state...\r\x1b[2KApplying 2 changes: 1/2 done (create a)"
                                 "\r\x1b[2K")


def test_erase_writes_nothing_when_no_line_is_on_screen() -> None:
    status, stream = on_terminal()
    status.erase()
    status.show("x")
    status.erase()
    status.erase()
    with status:  # leaving erases only what is shown
        pass
    assert stream.getvalue() == "\r\x1b[2Kx\r\x1b[2K"


def test_leaving_the_block_erases_the_line_an_error_interrupted() -> None:
    status, stream = on_terminal()
    with pytest.raises(RuntimeError), status:
        status.show("Fetching live state...")
        raise RuntimeError("boom")
    assert stream.getvalue() == "\r\x1b[2KFetching live state...\r\x1b[2K"


@pytest.mark.parametrize(("text", "columns", "shown"), [
    ("Applying 2 changes", 80, "Applying 2 changes"),
    ("Applying 2 changes", 19, "Applying 2 changes"),  # one column kept free: no wrap at the last column
    ("Applying 2 changes", 18, "Applying 2 cha..."),
    ("create \x1b]0;evil\x07", 80, "create \\x1b]0;evil\\x07"),
    ("create a\nb\rc", 80, "create a\\nb\\rc"),
    ("create \x1b]0;evil\x07", 13, "create \\x..."),  # cut after escaping: the width shown is cut
    ("create 助手助手", 14, "create 助..."),  # wide characters take two columns
    ("::error::x", 80, "\\::error::x"),
])
def test_the_text_is_escaped_then_cut_to_the_width(text: str, columns: int, shown: str) -> None:
    status, stream = on_terminal(columns)
    status.show(text)
    assert stream.getvalue() == ERASE + shown


@pytest.mark.parametrize(("text", "columns", "expected"), [
    ("abcdef", 6, "abcdef"),
    ("abcdef", 5, "ab..."),
    ("abcdef", 3, "..."),
    ("abcdef", 2, ""),
    ("助助助", 5, "助..."),
    ("助助助", 4, "..."),
    ("助助助", 6, "助助助"),
])
def test_fitted_never_goes_past_the_columns(text: str, columns: int, expected: str) -> None:
    assert fitted(text, columns) == expected


def test_a_credential_is_masked_on_the_line() -> None:
    status, stream = on_terminal()
    key = "sk-test-LEAKCHECK-status-line-7f3a"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OPENAI_API_KEY", key)
        status.show(f"create {key}")
    assert stream.getvalue() == ERASE + "create ***"


def test_a_line_that_is_not_live_writes_nothing() -> None:
    stream = FakeTerminal()
    status = StatusLine(stream, False, lambda: 80)
    status.show("Fetching live state...")
    status.erase()
    assert (stream.getvalue(), status.clear) == ("", "")


@pytest.mark.parametrize(("tty", "ci", "verbose", "live"), [
    (True, None, False, True),
    (False, None, False, False),  # a pipe or a file
    (True, "true", False, False),  # a CI log, even one that claims a terminal
    (True, None, True, False),  # -v: its request lines would be broken up
])
def test_the_line_is_live_only_at_a_terminal_outside_ci_without_verbose(
        tty: bool, ci: str | None, verbose: bool, live: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    stream = FakeTerminal(tty)
    monkeypatch.setattr("sys.stderr", stream)
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.delenv("CI", raising=False)
    if ci is not None:
        monkeypatch.setenv("CI", ci)
    status = progress(verbose)
    status.show("Fetching live state...")
    status.erase()
    assert stream.getvalue() == ("\r\x1b[2KFetching live state...\r\x1b[2K" if live else "")
    assert status.clear == (ERASE if live else "")
