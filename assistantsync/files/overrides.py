"""One document in an environment: its variables substituted (files/environment_vars.py), then the environment's
override for its key merged onto it, before the schema sees it.

Merge rules: mappings are merged key by key, recursively; a list or a scalar replaces what the file holds (a
list is never merged item by item: which item matches which would be a guess). Override values are taken as
written: `${{ vars.NAME }}` is refused in them (`$${{` is still a literal `${{`), since an override already is
the environment's own value. An override may not change what names the document it applies to (`key`, `id`,
`kind`, an agent's `name`). A value that came from an override is located at the override in the project file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from assistantsync.errors import Location, Problem
from assistantsync.files.environment_vars import Refusal, environment_lookup, substitute
from assistantsync.files.yaml_read import YamlDocument
from assistantsync.json_value import JsonObject, JsonPath, format_path
from assistantsync.kinds.agent.file_format import AGENT_KIND
from assistantsync.project.values import Environment

_IDENTITY = ("key", "id", "kind")  # and an agent's `name`, its key


def _not_in_overrides(name: str) -> Refusal:
    return Refusal(f"variables are not substituted in overrides (vars.{name}): write the value itself")


@dataclass(frozen=True)
class EnvironmentDocument(YamlDocument):
    """A document as an environment resolves it: the data substituted and merged, located where each value was
    written: in the YAML file, or, for a value from an override, at the override in the project file."""

    moved: Mapping[JsonPath, Location] = field(default_factory=dict)  # override paths -> the override's place

    def locate(self, path: JsonPath) -> Location:
        for end in range(len(path), 0, -1):
            if path[:end] in self.moved:
                return self.moved[path[:end]]
        return super().locate(path)


@dataclass(frozen=True)
class InEnvironment:
    """A document resolved for one environment, where each variable was used in it, and its problems."""

    document: YamlDocument
    uses: Mapping[JsonPath, tuple[str, ...]]
    problems: tuple[Problem, ...]


def in_environment(document: YamlDocument, stem: str, environment: Environment) -> InEnvironment:
    """`document` resolved for `environment`; `stem` is the key an assistant without `key:` takes from its file
    name ("" when it has none)."""
    substituted = substitute(document.data, environment_lookup(environment))
    problems = [Problem(document.locate(path), format_path(path), message)
                for path, message in substituted.problems]
    data = substituted.data if isinstance(substituted.data, dict) else document.data
    key = _key(data, stem)
    override = environment.overrides.get(key)
    if override is None:
        return InEnvironment(EnvironmentDocument(data, document.start, document.positions), substituted.uses,
                             tuple(problems))
    at = environment.override_locations.get(key, Location(""))
    in_project = ("environments", environment.name, "overrides", key)
    written = substitute(override, _not_in_overrides)
    problems.extend(Problem(at, format_path((*in_project, *path)), message) for path, message in written.problems)
    identity = (*_IDENTITY, "name") if data.get("kind") == AGENT_KIND else _IDENTITY
    problems.extend(Problem(at, format_path((*in_project, name)), f"an override cannot change `{name}`: it "
                            "names the document the override applies to") for name in identity if name in override)
    value = written.data if isinstance(written.data, dict) else override
    merged, leaves = merge(data, {name: item for name, item in value.items() if name not in identity})
    uses = {path: names for path, names in substituted.uses.items()
            if not any(path[:len(leaf)] == leaf for leaf in leaves)}  # a replaced value's variables are gone
    return InEnvironment(EnvironmentDocument(merged, document.start, document.positions,
                                             dict.fromkeys(leaves, at)), uses, tuple(problems))


def _key(data: JsonObject, stem: str) -> str:
    """The document's key once its variables are substituted (an agent's name or a declared `key` may use one),
    as documents.py will find it; "" when it has none."""
    named = data.get("name") if data.get("kind") == AGENT_KIND else data.get("key", stem)
    return named if isinstance(named, str) else ""


def merge(base: JsonObject, override: JsonObject) -> tuple[JsonObject, list[JsonPath]]:
    """`override` merged onto `base`, and the path of each value it replaced or added. Mappings merge key by
    key (the file's keys keep their order, new ones follow); anything else in `override` replaces."""
    leaves: list[JsonPath] = []

    def merged(into: JsonObject, part: JsonObject, at: JsonPath) -> JsonObject:
        out = dict(into)
        for name, value in part.items():
            current = out.get(name)
            if isinstance(value, dict) and isinstance(current, dict):
                out[name] = merged(current, value, (*at, name))
            else:
                out[name] = value
                leaves.append((*at, name))
        return out

    return merged(base, override, ()), leaves


def fields_from_vars(uses: Mapping[JsonPath, tuple[str, ...]],
                     paths: Mapping[str, JsonPath]) -> dict[str, tuple[str, ...]]:
    """Field -> the variables its value came from, for each field (by its path in the document, or the path of
    its `<field>_file` reference) holding a used variable; a use in no listed field counts for its top-level key."""
    found: dict[str, list[str]] = {}
    for at, names in uses.items():
        field_name = next((name for name, path in paths.items() if _within(at, path)), str(at[0]) if at else "")
        found.setdefault(field_name, []).extend(names)
    return {name: tuple(dict.fromkeys(names)) for name, names in found.items()}


def _within(at: JsonPath, path: JsonPath) -> bool:
    reference = (*path[:-1], f"{path[-1]}_file")
    return at[:len(path)] == path or at[:len(reference)] == reference
