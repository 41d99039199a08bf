"""`migrate`'s work: load assistant files as validate does, convert them, point their file references at the
same prompt and schema files from the output folder, and write one agent file per assistant.

Nothing is written unless every file loads, every agent name is free and (without `force`) no target exists.
No terminal I/O here and no API: the `migrate` command (cli/migrate.py) shows what this returns.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from assistantsync.errors import AssistantSyncError
from assistantsync.files.schema_comment import SchemaCopy, copy_in_the_way, schema_comment, write_schema_copy
from assistantsync.json_value import JsonObject
from assistantsync.kinds.agent.file_format import AGENT_SCHEMA
from assistantsync.migrate.report import AssistantFile, Conversion, ReportItem

REPORT_FORMAT_VERSION = 1  # of the `--format json` document; raised when a key changes meaning or goes away


@dataclass(frozen=True)
class MigratedFile:
    """One agent file written: the assistant document it comes from, its agent name, and where it went."""

    source: str
    name: str
    path: Path


@dataclass(frozen=True)
class Migration:
    """The agent files written, in order of their sources, every report item, in the same order, and the schema
    copy when it was written (it was missing or held something else)."""

    files: tuple[MigratedFile, ...]
    items: tuple[ReportItem, ...]
    schema_copy: Path | None


def migrate(paths: Sequence[Path], out_dir: Path, *, force: bool) -> Migration:
    """Convert the assistant files under `paths` into agent files in `out_dir`; refused whole, before any write,
    on an invalid file, two files that would be one agent, a reference out of reach, or (without `force`) a
    target that exists."""
    from assistantsync.files.safe_write import write_text_replacing
    from assistantsync.migrate.convert import convert_all

    sources = _assistant_files(paths)
    conversions = convert_all([file for file, _ in sources])
    schema_ref = SchemaCopy(AGENT_SCHEMA)  # as import's: a schema copy in out_dir, referenced relatively
    texts = [(out_dir / f"{conversion.agent['name']}.yaml",
              _text(conversion, _relocated(conversion.agent, folder, out_dir), schema_ref))
             for conversion, (_, folder) in zip(conversions, sources, strict=True)]
    if in_the_way := copy_in_the_way(out_dir, schema_ref):
        raise AssistantSyncError(f"these paths are in the way of the schema copy: {', '.join(in_the_way)}; move "
                                 "them or choose another --out. Nothing was written.")
    _refuse_to_overwrite([path for path, _ in texts], force)
    for path, text in texts:
        write_text_replacing(path, text)
    return Migration(tuple(MigratedFile(c.source, str(c.agent["name"]), path)
                           for c, (path, _) in zip(conversions, texts, strict=True)),
                     tuple(item for conversion in conversions for item in conversion.items),
                     write_schema_copy(out_dir, schema_ref))


def report_document(migration: Migration) -> JsonObject:
    """The `--format json` document: `version`, `agents` (source, name, file) and `report` (source, field,
    outcome, reason), each list in the order of the sources."""
    return {"version": REPORT_FORMAT_VERSION,
            "agents": [{"source": f.source, "name": f.name, "file": str(f.path)} for f in migration.files],
            "report": [{"source": i.source, "field": i.field, "outcome": i.outcome.value, "reason": i.reason}
                       for i in migration.items]}


def _assistant_files(paths: Sequence[Path]) -> list[tuple[AssistantFile, Path]]:
    """Each assistant document as written (references unresolved), with its YAML file's folder.

    load_desired first, so an invalid file stops the run with every located problem, exactly as validate shows
    them; then the documents it accepted are read again as written, since it keeps only resolved fields.
    Agent documents are left alone: agents may sit beside assistants, e.g. in an --out inside PATH.
    """
    from assistantsync.files.desired import load_desired
    from assistantsync.files.sources import find_sources, load_file
    from assistantsync.kinds.assistant import ASSISTANT

    keys = {resource.source: resource.key for resource in load_desired(paths) if resource.kind == ASSISTANT.name}
    files = []
    for source in find_sources(paths)[0]:
        documents = load_file(source)
        for number, document in enumerate(documents, start=1):
            if document.start in keys:  # not a function's parameters file walked in the same folder
                label = f"{source.path}#{number}" if len(documents) > 1 else str(source.path)
                files.append((AssistantFile(label, keys[document.start], document.data), source.path.parent))
    return files


def _relocated(agent: JsonObject, folder: Path, out_dir: Path) -> JsonObject:
    """The agent with `instructions_file` and each tool's `parameters_file` pointing, from `out_dir`, at the
    files they named from `folder` (the files are referenced, not copied). New dicts: the input is shared."""
    definition = dict(agent["definition"])
    prompt = definition.get("instructions_file")
    if isinstance(prompt, str):
        definition["instructions_file"] = _reference(prompt, folder, out_dir)
    elif isinstance(prompt, dict) and isinstance(prompt.get("path"), str):  # {path, vars: true}: vars kept
        definition["instructions_file"] = {**prompt, "path": _reference(prompt["path"], folder, out_dir)}
    if isinstance(definition.get("tools"), list):
        definition["tools"] = [{**tool, "parameters_file": _reference(tool["parameters_file"], folder, out_dir)}
                               if isinstance(tool, dict) and isinstance(tool.get("parameters_file"), str) else tool
                               for tool in definition["tools"]]
    return {**agent, "definition": definition}


def _reference(written: str, folder: Path, out_dir: Path) -> str:
    target = os.path.abspath(folder / written)
    try:
        return PurePath(os.path.relpath(target, os.path.abspath(out_dir))).as_posix()
    except ValueError:  # Windows: no relative path between two drives
        raise AssistantSyncError(f"{target} cannot be referenced from {out_dir} by a relative path (another "
                                 "drive?); choose an --out on the same drive. Nothing was written.") from None


def _text(conversion: Conversion, agent: JsonObject, schema_ref: SchemaCopy) -> str:
    from assistantsync.files.yaml_write import dump_yaml

    return (schema_comment(schema_ref, Path(f"{agent['name']}.yaml"))
            + f"# Migrated from assistant {_comment_text(conversion.source)} by `assistantsync migrate`.\n"
            + dump_yaml(agent))


def _comment_text(text: str) -> str:
    return text if text.isprintable() else json.dumps(text)  # a line break must not end the comment


def _refuse_to_overwrite(targets: Sequence[Path], force: bool) -> None:
    folders = [str(target) for target in targets if target.is_dir()]
    if folders:
        raise AssistantSyncError(f"these paths are folders where agent files would go: {', '.join(folders)}; move "
                                 "them or choose another --out. Nothing was written.")
    existing = [target for target in targets if target.exists() or target.is_symlink()]
    if existing and not force:
        lines = "".join(f"\n  {path}" for path in existing)
        raise AssistantSyncError(f"{len(existing)} file{'s' if len(existing) != 1 else ''} already exist; nothing "
                                 f"was written. Pass --force to overwrite them, or choose another --out:{lines}")
