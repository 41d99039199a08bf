"""The assistant's own names in the file format: its schema's file name and the shape of its ids.

`$(?!\n)`: as in files/file_format.py, it stops Python's `$` from matching before a final newline.
"""

from __future__ import annotations

ASSISTANT_SCHEMA = "assistant.schema.json"
ID_PATTERN = r"^asst_[A-Za-z0-9_-]+$(?!\n)"
