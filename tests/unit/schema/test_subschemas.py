"""The keywords that hold schemas, and the two walks that share them (convert, extract) descending into each."""

from __future__ import annotations

from typing import Any

import pytest

from assistantsync.schema.extract import extract_spec
from assistantsync.schema.openapi import Converter
from assistantsync.schema.subschemas import SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_VALUES, holds_schemas, map_subschemas

PROSE = {"type": "string", "description": "SPEC PROSE", "x-vendor": 1}
BARE = {"type": "string"}
# Each keyword with schemas in it (PROSE) and as the walks leave it (BARE); unions are the converter's own case.
HOLDERS = ([(key, {"a": PROSE}, {"a": BARE}) for key in sorted(SCHEMA_MAPS)]
           + [(key, [PROSE, PROSE], [BARE, BARE]) for key in sorted(SCHEMA_LISTS - {"anyOf", "oneOf"})]
           + [(key, PROSE, BARE) for key in sorted(SCHEMA_VALUES)])


@pytest.mark.parametrize(("key", "value", "walked"), [
    ("properties", {"a": 1, "b": 2}, {"a": 2, "b": 3}),
    ("anyOf", [1, 2], [2, 3]),
    ("items", 1, 2),
], ids=["map", "list", "value"])
def test_map_subschemas_walks_each_schema_the_keyword_holds(key: str, value: Any, walked: Any) -> None:
    assert map_subschemas(key, value, lambda n: n + 1) == walked


@pytest.mark.parametrize(("key", "holds"), [
    ("properties", True), ("oneOf", True), ("contentSchema", True), ("enum", False), ("required", False),
    ("const", False), ("default", False),
])
def test_holds_schemas_only_for_schema_keywords(key: str, holds: bool) -> None:
    assert holds_schemas(key) is holds


@pytest.mark.parametrize(("key", "value", "walked"), HOLDERS, ids=[key for key, _, _ in HOLDERS])
def test_converter_drops_prose_inside_every_schema_keyword(key: str, value: Any, walked: Any) -> None:
    assert Converter({}).schema({key: value}) == {key: walked}


@pytest.mark.parametrize(("key", "value", "walked"), HOLDERS, ids=[key for key, _, _ in HOLDERS])
def test_extract_drops_prose_inside_every_schema_keyword(key: str, value: Any, walked: Any) -> None:
    body = {"content": {"application/json": {"schema": {key: value}}}}
    spec = {"paths": {"/assistants": {"post": {"requestBody": body}}}}
    assert extract_spec(spec)["paths"]["/assistants"]["post"] == {
        "requestBody": {"content": {"application/json": {"schema": {key: walked}}}}}
