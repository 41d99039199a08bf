"""The assistant's own names in the file format and on the wire: its schemas' file names and its ids' shape.

`$(?!\n)`: as in files/file_format.py, it stops Python's `$` from matching before a final newline.
"""

from __future__ import annotations

ASSISTANT_SCHEMA = "assistant.schema.json"
# The request bodies as the API takes them (generated beside the file format; the sandbox checks with them).
CREATE_REQUEST_SCHEMA = "create-assistant-request.schema.json"
MODIFY_REQUEST_SCHEMA = "modify-assistant-request.schema.json"
ID_PATTERN = r"^asst_[A-Za-z0-9_-]+$(?!\n)"
