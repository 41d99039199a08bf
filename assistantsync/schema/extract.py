"""A structure-only extract of an OpenAPI spec: what `schema generate` reads, and no prose.

Kept: `openapi`, the title and version of `info`, the request bodies of the POSTs and the 200 responses of
the GETs and DELETE of the assistant paths (or of the agent paths), and every component they reach through
`$ref`. Dropped:
everything else, and in what is kept every description, summary, title, example and vendor (`x-`) key, so
the repository holds the spec's shape without copying its text. Run it as
`python -m assistantsync.schema.extract FULL_SPEC OUT` (spec/README.md).
"""

from __future__ import annotations

import argparse
import copy
import re
from pathlib import Path
from typing import Any

import yaml

from assistantsync.errors import AssistantSyncError
from assistantsync.json_value import JsonObject
from assistantsync.schema.agent_schema import STUB_KEY
from assistantsync.schema.generate import ITEM_PATH, load_spec
from assistantsync.schema.subschemas import holds_schemas, map_subschemas

HEADER = ("# Structure-only extract of an OpenAPI spec: the Assistants paths and the schemas they reach, no prose.\n"
          "# Made by `python -m assistantsync.schema.extract`; source and commit in spec/README.md.\n")
AGENT_HEADER = HEADER.replace("the Assistants paths", "the Agents paths")
_AGENT_PATH = r"/agents(/\{[^/}]+\})*(/versions(/\{[^/}]+\})?)?"
_PROSE = {"description", "summary", "title", "example", "examples", "externalDocs", "$comment"}


class _Extractor:
    """Copies the parts the generator reads and notes the `$ref`s they hold."""

    def __init__(self) -> None:
        self.refs: list[str] = []

    def operation(self, method: str, operation: JsonObject) -> JsonObject:
        if method == "post":
            return {"requestBody": self.body(operation.get("requestBody"))}
        responses = operation.get("responses") or {}
        return {"responses": {code: self.body(part) for code, part in responses.items() if str(code) == "200"}}

    def body(self, node: Any) -> JsonObject:
        """A request body or response: its JSON schema only."""
        if isinstance(node, dict) and "$ref" in node:
            self.refs.append(node["$ref"])
            return {"$ref": node["$ref"]}
        media = ((node or {}).get("content") or {}).get("application/json")
        return {} if media is None else {"content": {"application/json": {"schema": self.schema(media.get("schema"))}}}

    def schema(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return copy.deepcopy(node)
        out: JsonObject = {}
        for key, value in node.items():
            if key in _PROSE or (str(key).startswith("x-") and key != STUB_KEY):  # a stub mark is structure
                continue
            out[key] = map_subschemas(key, value, self.schema) if holds_schemas(key) else copy.deepcopy(value)
            if key == "$ref":
                self.refs.append(value)
            elif key == "discriminator":
                self.refs.extend((value.get("mapping") or {}).values())
        return out

    def components(self, spec: JsonObject) -> JsonObject:
        """Every component the noted refs reach, transitively, in the spec's own order."""
        source = spec.get("components") or {}
        kept: dict[tuple[str, str], Any] = {}
        while self.refs:
            ref = self.refs.pop()
            found = re.fullmatch(r"#/components/(schemas|requestBodies|responses)/([^/]+)(/.*)?", ref)
            if found is None:
                raise AssistantSyncError(f"OpenAPI spec: cannot extract $ref {ref} (only components are kept)")
            kind, name = found[1], found[2].replace("~1", "/").replace("~0", "~")
            if (kind, name) not in kept:
                if name not in (source.get(kind) or {}):
                    raise AssistantSyncError(f"OpenAPI spec: cannot resolve $ref {ref}")
                node = source[kind][name]
                # The walk only notes the refs it meets, so a recursive schema ends here too.
                kept[kind, name] = self.schema(node) if kind == "schemas" else self.body(node)
        kinds = {kind for kind, _ in kept}
        return {kind: {name: kept[kind, name] for name in names if (kind, name) in kept}
                for kind, names in source.items() if kind in kinds}


def extract_spec(spec: JsonObject) -> JsonObject:
    """The structure-only extract of a loaded OpenAPI document."""
    extractor = _Extractor()
    paths = {path: {method: extractor.operation(method, operation) for method, operation in item.items()
                    if method in ("get", "post", "delete")}
             for path, item in spec["paths"].items() if _kept_path(str(path))}
    info = spec.get("info") or {}
    return {"openapi": spec.get("openapi"), "info": {"title": info.get("title"), "version": info.get("version")},
            "paths": paths, "components": extractor.components(spec)}


def _kept_path(path: str) -> bool:
    return path == "/assistants" or bool(re.fullmatch(ITEM_PATH, path) or re.fullmatch(_AGENT_PATH, path))


class _PlainDumper(yaml.SafeDumper):
    """Writes a value shared by YAML anchors in the source in full at each place, as the generator reads it."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def extract_text(spec_path: Path) -> str:
    """The text of the extract of the OpenAPI document at spec_path."""
    extract = extract_spec(load_spec(spec_path))
    header = AGENT_HEADER if "/agents" in extract["paths"] else HEADER
    return header + yaml.dump(extract, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=120)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m assistantsync.schema.extract", description=__doc__)
    parser.add_argument("spec", type=Path, help="the full OpenAPI spec (YAML or JSON)")
    parser.add_argument("out", type=Path, help="the extract to write")
    args = parser.parse_args(argv)
    args.out.write_text(extract_text(args.spec), encoding="utf-8", newline="\n")


if __name__ == "__main__":
    main()
