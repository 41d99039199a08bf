"""Canonical forms both kinds give the same kind of value: numbers, sampling settings, optional text."""

from __future__ import annotations

from typing import Any


def as_float(value: Any) -> Any:
    """1 == 1.0: an integer as a float (not a bool); anything else as it is."""
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def sampling(value: Any) -> Any:
    """temperature / top_p: null is the APIs' documented default, 1."""
    return 1.0 if value is None else as_float(value)


def optional_text(value: Any) -> Any:
    """"" == null."""
    return None if value == "" else value
