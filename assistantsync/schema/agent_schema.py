"""The JSON Schema of the agent file format, generated from Foundry's agents OpenAPI spec.

An agent file is the create body (POST /agents) as a file declares it: `name`, `description`, `metadata` and a
`definition` of kind `prompt`, plus our own `kind: agent` and `definition.instructions_file`. The spec models
unions TypeSpec's way (a base with a `discriminator`, each subtype `allOf` the base); they are first rewritten
as plain unions, so the converter's type-keyed unions give errors located in the branch meant.
"""

from __future__ import annotations

import copy
from typing import Any

from assistantsync.errors import AssistantSyncError
from assistantsync.files.file_format import PROMPT_FILE_SCHEMA
from assistantsync.json_value import JsonObject
from assistantsync.kinds.agent.file_format import (
    AGENT_KIND,
    AGENT_SCHEMA,
    DEFINITION_KIND,
    METADATA_KEY_MAX_CHARS,
    METADATA_MAX_PAIRS,
    METADATA_VALUE_MAX_CHARS,
    NAME_PATTERN,
)
from assistantsync.plan.reserved import RESERVED_METADATA_KEYS
from assistantsync.schema.openapi import Converter, at, close, field_schema, variants
from assistantsync.schema.subschemas import holds_schemas, map_subschemas

# The agents spec marks the schemas its transcriber left as stubs (no fields read): they stay open objects.
STUB_KEY = "x-extract-stub"
_NUMERIC_FORMATS = frozenset({"float", "double", "int32", "int64"})
_FIELD_NOTES = {
    "kind": "Says this document is an agent; documents without kind are assistants.",
    "name": "The agent's name and identity: letters, digits and inner hyphens, at most 63 characters.",
    "description": "Short description for people.",
    "metadata": f"Up to {METADATA_MAX_PAIRS - len(RESERVED_METADATA_KEYS)} string pairs; "
                f"{' and '.join(RESERVED_METADATA_KEYS)} are reserved for assistantsync.",
    "definition": "What the agent does: a prompt agent's model, instructions and tools.",
}
_DEFINITION_NOTES = {
    "kind": "The definition kind; only prompt agents are supported.",
    "model": "Model deployment name.",
    "instructions": "System instructions; or put them in a file and use instructions_file.",
    "instructions_file": "Path of a text file holding the instructions, relative to this file; or {path, vars: "
                         "true} to substitute the environment's variables in its text.",
}


def agent_documents(spec: JsonObject) -> dict[str, tuple[str, str, JsonObject]]:
    """File name -> (title, description, schema body) of what the agents spec generates."""
    raw = Converter(spec)
    create = _create_body(spec, raw)
    definition = at(create, "properties", "definition")
    base = raw.target(definition["$ref"]) if isinstance(definition.get("$ref"), str) else {}
    mapping = (base.get("discriminator") or {}).get("mapping") or {}
    if DEFINITION_KIND not in mapping:
        raise AssistantSyncError(f"OpenAPI spec: POST /agents takes no {DEFINITION_KIND} agent definition")
    convert = Converter(_plain_unions(spec))
    fields = {name: convert.schema(at(create, "properties", name)) for name in ("name", "description", "metadata")}
    fields["definition"] = convert.schema({"$ref": mapping[DEFINITION_KIND]})
    return {AGENT_SCHEMA: ("assistantsync agent file",
                           "One agent per YAML document: kind agent, then the API's create fields (name, "
                           "description, metadata, a prompt definition) plus instructions_file.",
                           _file_format(fields))}


def _create_body(spec: JsonObject, convert: Converter) -> JsonObject:
    """The raw schema of the request body of POST /agents."""
    operation = convert.deref((spec["paths"].get("/agents") or {}).get("post")) or {}
    body = convert.deref(operation.get("requestBody"))
    found = (((body or {}).get("content") or {}).get("application/json") or {}).get("schema")
    if not isinstance(found, dict):
        raise AssistantSyncError("OpenAPI spec has no JSON request body for POST /agents")
    create = convert.deref(found)
    if not isinstance(create, dict):
        raise AssistantSyncError("OpenAPI spec: the request body of POST /agents is not a schema object")
    return create


def _plain_unions(spec: JsonObject) -> JsonObject:
    """The spec with each discriminated base folded into its subtypes and every other use made a oneOf."""
    plain = copy.deepcopy(spec)
    schemas = (plain.get("components") or {}).get("schemas") or {}
    bases = {f"#/components/schemas/{name}": schema for name, schema in schemas.items()
             if isinstance(schema, dict) and (schema.get("discriminator") or {}).get("mapping")}
    for schema in schemas.values():
        if isinstance(schema, dict):
            _inherit(schema, bases)
            if schema.pop(STUB_KEY, False):
                schema["additionalProperties"] = True  # the spec's transcriber did not read its fields
    originals = {ref: copy.deepcopy(base) for ref, base in bases.items()}
    for name, schema in schemas.items():
        schemas[name] = _union_refs(schema, originals)
    return plain


def _inherit(schema: JsonObject, bases: dict[str, JsonObject]) -> None:
    """Copy the fields of the discriminated bases a subtype `allOf`s into it (its own take precedence)."""
    parents = [part for part in schema.get("allOf", []) if isinstance(part, dict) and part.get("$ref") in bases]
    for part in parents:
        schema["allOf"].remove(part)
        base = bases[part["$ref"]]
        own = schema.setdefault("properties", {})
        own.update({k: v for k, v in (base.get("properties") or {}).items() if k not in own})
        schema["required"] = [*dict.fromkeys([*schema.get("required", []), *base.get("required", [])])]
    if parents and not schema["allOf"]:
        del schema["allOf"]


def _union_refs(node: Any, bases: dict[str, JsonObject]) -> Any:
    """node with every `$ref` to a discriminated base replaced by a oneOf of its mapped subtypes, and without
    OpenAPI's numeric formats (float, int32...), which are no JSON Schema format."""
    if not isinstance(node, dict):
        return node
    out = {k: map_subschemas(k, v, lambda sub: _union_refs(sub, bases)) if holds_schemas(k) else v
           for k, v in node.items() if not (k == "format" and v in _NUMERIC_FORMATS)}
    if out.get("$ref") in bases:
        ref = out.pop("$ref")
        out["oneOf"] = [{"$ref": target} for target in bases[ref]["discriminator"]["mapping"].values()]
    return out


def _file_format(fields: JsonObject) -> JsonObject:
    """The file format: kind, then the create fields, closed; metadata limited; instructions_file added."""
    definition = fields["definition"]
    at(definition, "properties", "kind")["const"] = DEFINITION_KIND
    properties: JsonObject = {}
    for key, value in at(definition, "properties").items():
        properties[key] = value
        if key == "instructions":
            properties["instructions_file"] = copy.deepcopy(PROMPT_FILE_SCHEMA)
    for key, note in _DEFINITION_NOTES.items():
        properties[key] = {"description": note, **properties[key]}
    definition["properties"] = properties
    definition["dependentSchemas"] = {"instructions_file": {"not": {"required": ["instructions"]}}}
    for tool in variants(at(properties, "tools", "items")):
        if (field_schema(tool, "type") or {}).get("const") == "function":
            _parameters_file(tool)
    fields["name"].update(pattern=NAME_PATTERN)
    metadata = fields["metadata"]
    metadata.pop("unevaluatedProperties", None)
    metadata.update(maxProperties=METADATA_MAX_PAIRS - len(RESERVED_METADATA_KEYS),
                    propertyNames={"maxLength": METADATA_KEY_MAX_CHARS, "not": {"enum": list(RESERVED_METADATA_KEYS)}},
                    additionalProperties={"type": "string", "maxLength": METADATA_VALUE_MAX_CHARS})
    body: JsonObject = {"type": "object", "required": ["kind", "name", "definition"],
                        "properties": {"kind": {"const": AGENT_KIND}, **fields}}
    for key, note in _FIELD_NOTES.items():
        body["properties"][key] = {"description": note, **body["properties"][key]}
    close(body)
    return body


def _parameters_file(function: JsonObject) -> None:
    """A function tool may keep its parameters schema in a file, as in the assistant format (and migrate)."""
    properties: JsonObject = {}
    for key, value in at(function, "properties").items():
        properties[key] = value
        if key == "parameters":
            properties["parameters_file"] = {
                "description": "Path of a JSON or YAML file holding the parameters schema, relative to this file.",
                "type": "string", "minLength": 1}
    function["properties"] = properties
    function["required"] = [name for name in function.get("required", []) if name != "parameters"]
    function["dependentSchemas"] = {"parameters_file": {"not": {"required": ["parameters"]}}}
    function["if"] = {"not": {"required": ["parameters_file"]}}
    function["then"] = {"required": ["parameters"]}
