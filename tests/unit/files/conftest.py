"""Fixtures the files tests share."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`tmp_path`, made the current folder: problems name files relative to it, as the user names them."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
