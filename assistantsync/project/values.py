"""What a project file says, as values: the project, its environments and their policy.

Only what the file holds, already checked: loading.py builds these from a valid document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from assistantsync.errors import Location
from assistantsync.json_value import JsonObject

# A variable holds one scalar. `${{ vars.NAME }}` sits inside a string; a list or a mapping there has no text
# form, and as a whole value it would let an environment change a document's shape, where environments should
# differ in values only (shapes differ through `overrides`, where a reviewer sees them as such).
VarValue = str | int | float | bool
_T = TypeVar("_T")


@dataclass(frozen=True)
class SecretAllowance:
    """One reviewed false positive of the secret scan: the file (relative to the project's folder) and line."""

    file: str
    line: int


@dataclass(frozen=True)
class Policy:
    """Rules every resolved document must pass. `schema` holds every JSON Schema file that applies (real
    paths inside the project's folder): the top level's and the environment's, each to be satisfied."""

    allowed_models: tuple[str, ...] = ()  # shell-style patterns (fnmatch); empty: any model
    required_metadata: tuple[str, ...] = ()
    forbidden_tools: tuple[str, ...] = ()
    schema: tuple[Path, ...] = ()
    allow_secrets: tuple[SecretAllowance, ...] = ()


@dataclass(frozen=True)
class Environment:
    """One environment: its variables, overrides and policy, and the connection settings it names."""

    name: str
    vars: Mapping[str, VarValue] = field(default_factory=dict)
    overrides: Mapping[str, JsonObject] = field(default_factory=dict)  # document key -> partial document
    policy: Policy = Policy()  # this environment's own rules; merged_policy adds them to the top level's
    provider: str | None = None
    base_url: str | None = None
    api_key_env: str | None = None  # the name of a variable holding the credential, never the credential
    location: Location = Location("")  # where the environment's name is written
    var_locations: Mapping[str, Location] = field(default_factory=dict)  # each variable's name
    override_locations: Mapping[str, Location] = field(default_factory=dict)  # each override's key


@dataclass(frozen=True)
class Project:
    """A loaded project file. `positions` tells where any value of it was written (JSON path -> Location)."""

    path: Path
    environments: Mapping[str, Environment] = field(default_factory=dict)
    policy: Policy = Policy()
    positions: Mapping[tuple[str | int, ...], Location] = field(default_factory=dict, repr=False)


def merged_policy(base: Policy, added: Policy) -> Policy:
    """`added` (an environment's rules) added to `base` (the top level's): each list is the union of both, the
    base's entries first, each once. Adding can only make the policy stricter, with one exception by design:
    `allowed_models` patterns widen what is allowed, as an environment needs its own models, and
    `allow_secrets` entries add reviewed exceptions."""
    return Policy(
        allowed_models=_union(base.allowed_models, added.allowed_models),
        required_metadata=_union(base.required_metadata, added.required_metadata),
        forbidden_tools=_union(base.forbidden_tools, added.forbidden_tools),
        schema=_union(base.schema, added.schema),
        allow_secrets=_union(base.allow_secrets, added.allow_secrets),
    )


def _union(first: tuple[_T, ...], second: tuple[_T, ...]) -> tuple[_T, ...]:
    return tuple(dict.fromkeys((*first, *second)))
