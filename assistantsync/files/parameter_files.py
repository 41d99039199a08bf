"""How a function tool's parameter file is parsed: strict JSON or one YAML document, holding a schema object."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from assistantsync.errors import ValidationFailed
from assistantsync.files.sources import YAML_SUFFIXES, UnreadableFile
from assistantsync.files.yaml_read import MAX_DEPTH, load_yaml
from assistantsync.json_value import JsonObject, depth_exceeds


def parse_parameters(text: str, reference: str) -> JsonObject:
    """The schema object a parameter file holds, read as its suffix says; raises UnreadableFile saying why not."""
    suffix = Path(reference).suffix.lower()
    if suffix == ".json":
        value = parse_json(text)
    elif suffix in YAML_SUFFIXES:
        try:
            documents = load_yaml(text, reference)
        except ValidationFailed as failed:
            first = failed.problems[0]
            raise UnreadableFile(f"is not a usable parameter schema: line {first.location.line}, "
                                 f"column {first.location.column}: {first.message}") from failed
        if len(documents) != 1:
            raise UnreadableFile("must hold exactly one YAML document")
        value = documents[0].data
    else:
        raise UnreadableFile("must be a .json, .yaml or .yml file")
    if not isinstance(value, dict):
        raise UnreadableFile("must hold a JSON Schema object (a mapping)")
    if depth_exceeds(value, MAX_DEPTH):
        raise UnreadableFile(f"is nested more than {MAX_DEPTH} levels deep")
    return value


def parse_json(text: str) -> object:
    """JSON read strictly: a repeated key, NaN, Infinity or a number too large for JSON raises UnreadableFile."""
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_refuse_constant,
                          parse_float=_finite_float)
    except json.JSONDecodeError as error:
        raise UnreadableFile(f"is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})") from error
    except ValueError as error:  # an integer of more than 4300 digits
        raise UnreadableFile(f"is not usable JSON: {error}") from error
    except RecursionError as error:
        raise UnreadableFile(f"is nested more than {MAX_DEPTH} levels deep") from error


def _unique_keys(pairs: list[tuple[str, Any]]) -> JsonObject:
    mapping: JsonObject = {}
    for key, value in pairs:
        if key in mapping:  # json.loads would silently keep the last one
            raise UnreadableFile(f"has the key '{key}' twice in one object")
        mapping[key] = value
    return mapping


def _refuse_constant(name: str) -> float:
    raise UnreadableFile(f"holds {name}, which is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise UnreadableFile(f"holds the number {text}, too large for JSON")
    return value
