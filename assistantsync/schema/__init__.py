"""JSON Schemas of the file format: generated from the OpenAPI spec, validated with located messages."""
