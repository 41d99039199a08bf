"""Walking a JSON document in tests: what a schema or spec holds anywhere inside it."""

from __future__ import annotations


def key_value_pairs(node: object) -> list[tuple[str, object]]:
    """Every (key, value) pair of every mapping in `node`, depth first."""
    if isinstance(node, dict):
        return [pair for k, v in node.items() for pair in [(k, v), *key_value_pairs(v)]]
    if isinstance(node, list):
        return [pair for value in node for pair in key_value_pairs(value)]
    return []
