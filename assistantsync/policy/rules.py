"""The policy's field rules on resolved resources: allowed models, required metadata, forbidden tools. Pure.

Every violation is one located Problem, `file:line:col: field: policy: ...`, all of them reported. Models are
matched with fnmatch.fnmatchcase: case-sensitive everywhere, as the API's model names are (`GPT-4o` names no
model), where fnmatch.fnmatch follows the system's file-name rules and would pass a policy on a Windows laptop
that fails in CI.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fnmatch import fnmatchcase

from assistantsync.errors import Problem
from assistantsync.files.documents import DesiredResource
from assistantsync.json_value import format_path
from assistantsync.kinds.registry import KINDS
from assistantsync.policy.document import Locate, by_field, role_field, var_note
from assistantsync.project.values import Policy

MAX_SHOWN_CHARS = 100  # of a value quoted in a message: a model name is far shorter; a hostile one is cut


def rule_problems(desired: Sequence[DesiredResource], policy: Policy, environment: str | None = None,
                  locate: Locate = by_field) -> list[Problem]:
    """Every violation of the policy's field rules by `desired` (resolved for `environment`, named in messages
    about values from its variables); `locate` finds where a path of a document was written."""
    return [problem for resource in desired for check in (_models, _metadata, _tools)
            for problem in check(resource, policy, environment, locate)]


def _models(resource: DesiredResource, policy: Policy, environment: str | None, locate: Locate) -> Iterator[Problem]:
    found = role_field(resource, "model")
    if not policy.allowed_models or found is None:
        return
    field, path = found
    model = resource.fields.get(field)
    if isinstance(model, str) and not any(fnmatchcase(model, pattern) for pattern in policy.allowed_models):
        allowed = ", ".join(policy.allowed_models)
        yield Problem(locate(resource, path), format_path(path), f"policy: {_quoted(model)} is not an allowed model "
                      f"(allowed: {allowed}){var_note(resource, path, environment)}")


def _metadata(resource: DesiredResource, policy: Policy, environment: str | None,
              locate: Locate) -> Iterator[Problem]:
    """Each required key set to a non-empty value: blank text names no owner either."""
    if not policy.required_metadata:
        return
    field = KINDS[resource.kind].metadata_field
    path = KINDS[resource.kind].document_path(field)
    metadata = resource.fields.get(field)
    values = metadata if isinstance(metadata, dict) else {}
    for key in policy.required_metadata:
        value = values.get(key)
        if key not in values:  # at `metadata`, or at the document start where there is none
            yield Problem(locate(resource, path), format_path(path),
                          f"policy: the required key {_quoted(key)} is missing")
        elif not isinstance(value, str) or not value.strip():
            at = (*path, key)
            yield Problem(locate(resource, at), format_path(at),
                          f"policy: the required key {_quoted(key)} is empty")


def _tools(resource: DesiredResource, policy: Policy, environment: str | None, locate: Locate) -> Iterator[Problem]:
    found = role_field(resource, "tools")
    if not policy.forbidden_tools or found is None:
        return
    field, path = found
    tools = resource.fields.get(field)
    for index, tool in enumerate(tools if isinstance(tools, list) else []):
        kind = tool.get("type") if isinstance(tool, dict) else None
        if isinstance(kind, str) and kind in policy.forbidden_tools:
            at = (*path, index)
            yield Problem(locate(resource, at), format_path(at),
                          f"policy: the tool type {_quoted(kind)} is forbidden "
                          f"(forbidden: {', '.join(policy.forbidden_tools)})")


def _quoted(value: str) -> str:
    return repr(value if len(value) <= MAX_SHOWN_CHARS else value[:MAX_SHOWN_CHARS - 1] + "…")
