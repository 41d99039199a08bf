"""The structure-only extract of an OpenAPI spec, and the committed extracts in spec/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers.paths import REPO

from assistantsync.errors import AssistantSyncError
from assistantsync.schema.extract import HEADER, extract_spec, extract_text, main

EXTRACTS = sorted((REPO / "spec").glob("*.extract.yaml"))
REF = "$ref"


def _json(schema: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {REF: f"#/components/schemas/{schema}"}}}}


FULL_SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Example API", "version": "1.0", "description": "About the API.", "contact": {}},
    "servers": [{"url": "https://example.test"}],
    "x-oaiMeta": {"groups": []},
    "paths": {
        "/assistants": {
            "parameters": [{"name": "limit", "in": "query"}],
            "get": {"summary": "List.", "operationId": "list", "x-oaiMeta": {"example": "curl"},
                    "responses": {"200": {"description": "OK.", **_json("Page")},
                                  "429": {REF: "#/components/responses/TooMany"}}},
            "post": {"requestBody": {"required": True, **_json("Create")}, "responses": {"200": _json("Item")}},
        },
        "/assistants/{assistant_id}": {"delete": {"responses": {200: {REF: "#/components/responses/Gone"}}},
                                       "patch": {"requestBody": _json("Unused")}},
        "/threads": {"post": {"requestBody": _json("Unused")}},
    },
    "components": {
        "schemas": {
            "Unused": {"type": "object"},
            "Item": {"type": "object", "title": "An item", "description": "One item.", "example": {"id": "a"},
                     "x-oaiTypeLabel": "map", "deprecated": True,
                     "properties": {"description": {"type": "string", "description": "Its description."},
                                    "next": {"anyOf": [{REF: "#/components/schemas/Item"}, {"type": "null"}],
                                             "examples": ["x"]}}},
            "Page": {"type": "object", "properties": {"data": {"type": "array", "items": {
                REF: "#/components/schemas/Item", "description": "The items."}}}},
            "Create": {"type": "object", "required": ["description"], "additionalProperties": False,
                       "properties": {"kind": {"type": "string", "enum": ["a", "b"], "default": "a"}}},
            "Deleted": {"type": "object", "properties": {"deleted": {"type": "boolean"}}},
        },
        "responses": {"TooMany": {"description": "Slow down."}, "Gone": {"description": "Gone.", **_json("Deleted")}},
        "securitySchemes": {"Key": {"type": "http", "scheme": "bearer"}},
    },
}
EXTRACT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Example API", "version": "1.0"},
    "paths": {
        "/assistants": {"get": {"responses": {"200": _json("Page")}},
                        "post": {"requestBody": _json("Create")}},
        "/assistants/{assistant_id}": {"delete": {"responses": {200: {REF: "#/components/responses/Gone"}}}},
    },
    "components": {
        "schemas": {
            "Item": {"type": "object", "deprecated": True,
                     "properties": {"description": {"type": "string"},
                                    "next": {"anyOf": [{REF: "#/components/schemas/Item"}, {"type": "null"}]}}},
            "Page": {"type": "object", "properties": {"data": {"type": "array", "items": {
                REF: "#/components/schemas/Item"}}}},
            "Create": FULL_SPEC["components"]["schemas"]["Create"],
            "Deleted": FULL_SPEC["components"]["schemas"]["Deleted"],
        },
        "responses": {"Gone": _json("Deleted")},
    },
}


def test_extract_keeps_what_the_generator_reads_without_prose() -> None:
    assert extract_spec(FULL_SPEC) == EXTRACT


@pytest.mark.parametrize(("ref", "message"), [
    ("#/paths/~1threads", "cannot extract $ref #/paths/~1threads (only components are kept)"),
    ("#/components/schemas/Missing", "cannot resolve $ref #/components/schemas/Missing"),
    ("other.yaml#/components/schemas/Item", "cannot extract $ref other.yaml#/components/schemas/Item"),
], ids=["not-a-component", "missing", "remote"])
def test_extract_refuses_a_ref_it_cannot_keep(ref: str, message: str) -> None:
    spec = {"paths": {"/assistants": {"post": {"requestBody": {"content": {"application/json": {
        "schema": {REF: ref}}}}}}}, "components": {"schemas": {}}}
    with pytest.raises(AssistantSyncError, match=re.escape(f"OpenAPI spec: {message}")):
        extract_spec(spec)


def test_extract_writes_yaml_anchors_out_in_full(tmp_path: Path) -> None:
    """Portkey's spec shares nodes through anchors; the extract repeats them, so it reads on its own."""
    source = tmp_path / "spec.yaml"
    source.write_text(
        "openapi: 3.0.0\ninfo: {title: T, version: '2'}\npaths:\n  /assistants:\n    post:\n      requestBody:\n"
        "        content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}\n"
        "components:\n  schemas:\n    A: {type: object, properties: {x: &shared {type: string, maxLength: 2},"
        " y: *shared}}\n", encoding="utf-8")
    assert extract_text(source) == HEADER + (
        "openapi: 3.0.0\ninfo:\n  title: T\n  version: '2'\npaths:\n  /assistants:\n    post:\n      requestBody:\n"
        "        content:\n          application/json:\n            schema:\n"
        "              $ref: '#/components/schemas/A'\n"
        "components:\n  schemas:\n    A:\n      type: object\n      properties:\n"
        "        x:\n          type: string\n          maxLength: 2\n        y:\n          type: string\n"
        "          maxLength: 2\n")


def test_main_writes_the_extract_of_the_spec_it_is_given(tmp_path: Path) -> None:
    source, out = tmp_path / "full.yaml", tmp_path / "extract.yaml"
    source.write_text(yaml.safe_dump(FULL_SPEC, sort_keys=False), encoding="utf-8")
    main([str(source), str(out)])
    assert yaml.safe_load(out.read_text(encoding="utf-8")) == EXTRACT
    assert out.read_text(encoding="utf-8").startswith(HEADER)


def test_every_extract_is_committed() -> None:
    assert [path.name for path in EXTRACTS] == ["assistants-openapi.extract.yaml",
                                                "assistants-openapi.portkey.extract.yaml",
                                                "foundry-agents-openapi.extract.yaml"]


@pytest.mark.parametrize("path", EXTRACTS, ids=[p.name for p in EXTRACTS])
def test_committed_extract_is_what_the_extractor_writes(path: Path) -> None:
    """Extracting an extract changes nothing: it holds no prose and nothing the generator does not reach."""
    assert extract_text(path) == path.read_text(encoding="utf-8")
