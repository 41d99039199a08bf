"""Live resources to files, ready to commit: pure and deterministic (the same objects give the same bytes).

Each resource becomes `<key>.yaml` (and `prompts/<key>.md` for a long text field) holding its `key` and
pinned `id` (unless its kind's key is its id: an agent's name) and the document its kind makes of it
(`ResourceKind.to_document`: only what the API would not have by default, so that `plan` on the result shows
nothing to change but the adoption). The file format decisions (README, "Import and backup"):

- key: chosen by importer/keys.py (the live identity key if usable, else a slug of the name or id);
- the kind's long text field (an assistant's instructions, an agent's definition.instructions) of more than
  PROMPT_MAX_LINES lines or PROMPT_MAX_CHARS characters goes to a prompt file, referenced as `<member>_file`
  in its place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assistantsync.errors import AssistantSyncError
from assistantsync.files.schema_comment import SchemaRef, schema_comment
from assistantsync.files.yaml_write import dump_yaml
from assistantsync.importer.keys import assign_keys
from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind

PROMPT_MAX_LINES = 5  # more lines than this, or more characters than the next, and the prompt gets its own file
PROMPT_MAX_CHARS = 400
PROMPTS_DIR = "prompts"


@dataclass(frozen=True)
class ImportedFile:
    """One file to write: `path` is relative to the output folder."""

    path: Path
    text: str


def import_files(kind: ResourceKind, resources: Iterable[JsonObject], *, schema_ref: SchemaRef) -> list[ImportedFile]:
    """The files for these live resources, in creation order (each YAML file before its prompt file).

    `schema_ref` is what each file's first comment line points editors at (files/schema_comment.py).
    """
    unique: dict[object, JsonObject] = {}
    for item in resources:  # an id given twice is imported once
        unique.setdefault(item.get("id"), item)
    ordered = sorted(unique.values(), key=_created_at)  # stable: ties keep the order given (the API lists oldest first)
    files: list[ImportedFile] = []
    for live, key in zip(ordered, assign_keys(kind, ordered), strict=True):
        files.extend(resource_files(kind, live, key, schema_ref=schema_ref))
    return files


def _created_at(live: JsonObject) -> int:
    value = live.get("created_at")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def resource_files(kind: ResourceKind, live: JsonObject, key: str, *, schema_ref: SchemaRef) -> list[ImportedFile]:
    """The YAML file for one live resource under `key`, and its prompt file when its long text is long."""
    ident = live.get("id")
    if kind.to_document is None:
        raise AssistantSyncError(f"import cannot write {kind.plural} yet; nothing was written")
    if not isinstance(ident, str) or not all(isinstance(live.get(name), str) and live.get(name)
                                             for name in kind.required_live_fields):
        usable = " or ".join(("id", *kind.required_live_fields))
        raise AssistantSyncError(f"the server returned a live {kind.name} without a usable {usable} ({ident!r}); "
                                 "import the others by id, leaving this one out")
    pinned: JsonObject = {} if kind.key_is_id else {"key": key, "id": ident}
    document: JsonObject = {**pinned, **kind.to_document(live)}
    files = []
    path = kind.document_path(kind.long_text_field) if kind.long_text_field else ()
    text = _at(document, path) if path else None
    if isinstance(text, str) and _wants_file(text):
        prompt = Path(PROMPTS_DIR, f"{key}.md")
        document = _in_place(document, path, prompt.as_posix())
        files.append(ImportedFile(prompt, text))
    yaml_path = Path(f"{key}.yaml")
    header = (schema_comment(schema_ref, yaml_path)
              + f"# Imported from live {kind.name} {_comment_text(ident)} by `assistantsync import`.\n")
    return [ImportedFile(yaml_path, header + dump_yaml(document)), *files]


def _at(document: JsonObject, path: tuple[str, ...]) -> object:
    """The value at `path` in the document (a nested member: an agent's definition.instructions), else None."""
    value: object = document
    for step in path:
        value = value.get(step) if isinstance(value, dict) else None
    return value


def _in_place(document: JsonObject, path: tuple[str, ...], value: str) -> JsonObject:
    """The document with the member at `path` replaced by `<member>_file: value` at the same place in the order."""
    old, *rest = path
    if rest:
        inner = document[old]
        return {**document, old: _in_place(inner, tuple(rest), value) if isinstance(inner, dict) else inner}
    return {(f"{old}_file" if name == old else name): (value if name == old else held)
            for name, held in document.items()}


def _wants_file(text: str) -> bool:
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    long = lines > PROMPT_MAX_LINES or len(text) > PROMPT_MAX_CHARS
    # The loader drops a leading byte order mark from a file, refuses NUL bytes in prompt files (git would
    # show the file as binary), and a file holds only valid UTF-8 (no lone surrogate, which JSON's \ud800
    # escapes can make): such prompts stay inline, escaped, and read back exactly.
    unfit = text.startswith("\ufeff") or "\x00" in text
    return long and not unfit and not any("\ud800" <= c <= "\udfff" for c in text)


def _comment_text(text: str) -> str:
    return text if text.isprintable() else json.dumps(text)  # a line break must not end the comment
