"""The identity value a managed resource carries: its key, and the environment that manages it, if any."""

from __future__ import annotations

import pytest

from assistantsync.plan.identity_value import identity, parse

# (case, key, environment, the value written)
WRITTEN: list[tuple[str, str, str | None, str]] = [
    ("no environment: the key alone, as before environments", "hr-helper", None, "hr-helper"),
    ("an environment after the key", "hr-helper", "prod", "hr-helper@prod"),
    ("a key with dots and underscores", "team.bot_2", "dev", "team.bot_2@dev"),
    ("the longest names", "k" * 64, "e" + "x" * 31, "k" * 64 + "@e" + "x" * 31),
    ("an agent's name keeps its case", "HR-Agent", "prod-eu", "HR-Agent@prod-eu"),
    ("an environment name with '_' and digits", "bot", "stage_2", "bot@stage_2"),
]


@pytest.mark.parametrize(("key", "environment", "value"), [c[1:] for c in WRITTEN], ids=[c[0] for c in WRITTEN])
def test_identity_is_written_and_read_back(key: str, environment: str | None, value: str) -> None:
    assert identity(key, environment) == value
    assert parse(value) == (key, environment)


# (case, a live value, what it reads as)
READ: list[tuple[str, str, tuple[str, str | None]]] = [
    ("a plain key", "bot", ("bot", None)),
    ("a trailing '@': no environment", "bot@", ("bot@", None)),
    ("a leading '@': no key", "@prod", ("@prod", None)),
    ("an uppercase environment is none", "bot@Prod", ("bot@Prod", None)),
    ("an environment starting with a digit is none", "bot@1dev", ("bot@1dev", None)),
    ("an environment too long is none", "bot@" + "e" * 33, ("bot@" + "e" * 33, None)),
    ("two '@': a value written by hand, no environment", "a@b@dev", ("a@b@dev", None)),
    ("a space in the environment", "bot@pr od", ("bot@pr od", None)),
    ("a newline after the environment", "bot@prod\n", ("bot@prod\n", None)),
]


@pytest.mark.parametrize(("value", "read"), [c[1:] for c in READ], ids=[c[0] for c in READ])
def test_a_value_that_names_no_environment_is_a_key_alone(value: str, read: tuple[str, str | None]) -> None:
    assert parse(value) == read


# (case, key, environment)
REFUSED: list[tuple[str, str, str]] = [
    ("an environment that is no environment name", "bot", "Prod"),
    ("an empty environment", "bot", ""),
    ("a key holding '@' would read as another environment's", "bot@dev", "prod"),
]


@pytest.mark.parametrize(("key", "environment"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_no_identity_is_written_that_would_read_back_otherwise(key: str, environment: str) -> None:
    with pytest.raises(ValueError, match="no identity for key"):
        identity(key, environment)
