"""Names and patterns of the file format, shared by the schema generator and the code that reads files.

`$(?!\n)`: Python's `$` also matches before a final newline ("abc\n"); the lookahead closes that gap and is
a no-op for ECMA-262 regexes, which editors use.
"""

from __future__ import annotations

import re

DIALECT = "https://json-schema.org/draft/2020-12/schema"
KEY_PATTERN = r"^[a-z0-9._-]{1,64}$(?!\n)"
NAME_PATTERN = r"^[a-zA-Z0-9_-]{1,64}$(?!\n)"  # function and json_schema names: a rule the spec gives in prose only
KEY_MAX_CHARS = 64
# `instructions_file`: a path, or an object that opts the prompt's text in to the environment's variables
# (files/references.py). Both kinds' schemas take it as it is here.
PROMPT_FILE_SCHEMA = {"anyOf": [
    {"type": "string", "minLength": 1},
    {"type": "object", "required": ["path"], "additionalProperties": False, "properties": {
        "path": {"description": "Path of the text file, relative to this file.", "type": "string", "minLength": 1},
        "vars": {"description": "Substitute the environment's ${{ vars.NAME }} in the file's text (write $${{ "
                                "for a literal ${{); without it the text is sent as written.", "type": "boolean"}}},
]}
# Letters that NFKD does not split into a base letter and an accent.
_SPELLED_OUT = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l",
                              "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "TH"})


def slug(text: object) -> str:
    """A key made of `text`: accents dropped, lowercase, runs of other characters as `-`, at most 64 characters.

    It never starts or ends with `.`, `_` or `-` (a file named `.x.yaml` would be hidden); "" when nothing is left.
    """
    import unicodedata  # only import and a file name's key suggestion need it

    if not isinstance(text, str):
        return ""
    spelled = unicodedata.normalize("NFKD", text.translate(_SPELLED_OUT))
    ascii_text = spelled.encode("ascii", "ignore").decode("ascii")
    dashed = re.sub(r"[^a-z0-9._-]+", "-", ascii_text.lower())
    return dashed.strip("-._")[:KEY_MAX_CHARS].rstrip("-._")
