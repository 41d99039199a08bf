"""Names and patterns of the file format, shared by the schema generator and the code that reads files.

`$(?!\n)`: Python's `$` also matches before a final newline ("abc\n"); the lookahead closes that gap and is
a no-op for ECMA-262 regexes, which editors use.
"""

from __future__ import annotations

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ASSISTANT_SCHEMA = "assistant.schema.json"
KEY_PATTERN = r"^[a-z0-9._-]{1,64}$(?!\n)"
ID_PATTERN = r"^asst_[A-Za-z0-9_-]+$(?!\n)"
NAME_PATTERN = r"^[a-zA-Z0-9_-]{1,64}$(?!\n)"  # function and json_schema names: a rule the spec gives in prose only
