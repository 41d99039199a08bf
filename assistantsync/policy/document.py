"""What a policy sees of a resource, and where a problem with it points. Pure.

The policy sees each document in its file's shape (an agent's `definition` nested, `kind: agent`, an
assistant's `key` and pinned `id`), as resolved: the environment's variables substituted, its override merged,
`instructions_file` read into `instructions` and `parameters_file` into `parameters`. That is the shape the
editor schema describes and the author writes, so a custom schema's paths are the file's paths; and resolved,
because the resolved values are what a request would send. An agent's definition has no `kind: prompt` there:
the file format allows no other.
"""

from __future__ import annotations

from collections.abc import Callable

from assistantsync.errors import Location
from assistantsync.files.documents import FILE_ONLY_FIELDS, DesiredResource
from assistantsync.files.environment_vars import from_vars_note
from assistantsync.json_value import JsonObject, JsonPath
from assistantsync.kinds.registry import DEFAULT_KIND, KINDS

# Where a path of a resource's document was written: checks.py reads the file again for a finer place.
Locate = Callable[[DesiredResource, JsonPath], Location]


def resolved_document(resource: DesiredResource) -> JsonObject:
    """The resource as a document of its file, resolved (see the module's note)."""
    kind = KINDS[resource.kind]
    document: JsonObject = {}
    if kind is not DEFAULT_KIND:
        document["kind"] = kind.name
    if not kind.key_is_id:
        document["key"] = resource.key
        if resource.id is not None:
            document["id"] = resource.id
    for name, value in resource.fields.items():
        if name in FILE_ONLY_FIELDS and not kind.key_is_id:
            continue
        *parents, last = kind.document_path(name)
        into = document
        for parent in parents:
            into = into.setdefault(parent, {})
        into[last] = value
    return document


def role_field(resource: DesiredResource, role: str) -> tuple[str, JsonPath] | None:
    """The field of the resource's kind whose document path ends in `role` (`model`: an agent's is
    `definition.model`), and that path; None when the kind has none."""
    kind = KINDS[resource.kind]
    return next(((name, path) for name in kind.fields for path in [kind.document_path(name)] if path[-1] == role),
                None)


def field_at(resource: DesiredResource, path: JsonPath) -> str | None:
    """The field a document path lies in, if any."""
    kind = KINDS[resource.kind]
    return next((name for name in resource.fields if path[:len(kind.document_path(name))] == kind.document_path(name)),
                None)


def by_field(resource: DesiredResource, path: JsonPath) -> Location:
    """Where the field holding `path` is written (its key, or its `*_file` reference), else the document start:
    all a DesiredResource knows of places."""
    field = field_at(resource, path)
    return resource.field_sources.get(field, resource.source) if field is not None else resource.source


def var_note(resource: DesiredResource, path: JsonPath, environment: str | None) -> str:
    """What a problem about the whole value at `path` adds when that value came from the environment's variables:
    the value is written in the project file, not where the problem points."""
    field = field_at(resource, path)
    if environment is None or field is None or KINDS[resource.kind].document_path(field) != path:
        return ""
    return from_vars_note(resource.var_fields.get(field, ()), environment)
