"""The project file's names: its file and variable names, its schema, and the shapes of the names it holds.

`$(?!\n)`: as in files/file_format.py, it stops Python's `$` from matching before a final newline. Each pattern
here is written into schemas/project.schema.json too (a test holds the two together).
"""

from __future__ import annotations

PROJECT_FILE = "assistantsync.yaml"  # looked for in the current folder
PROJECT_VARIABLE = "ASSISTANTSYNC_PROJECT"
PROJECT_SCHEMA = "project.schema.json"

# Environment names will be recorded in live metadata and shown in plan headings: short, lowercase, no spaces
# or punctuation that a heading, a metadata value or a shell could read differently.
ENVIRONMENT_PATTERN = r"^[a-z][a-z0-9_-]{0,31}$(?!\n)"
# Variables are referenced as `${{ vars.NAME }}`: an identifier reads unambiguously inside those braces.
VARIABLE_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$(?!\n)"
# The name of a credential's environment variable, never the credential: uppercase as variables are by
# convention, which also refuses most token shapes (sk-..., ghp_..., JWTs) pasted in by mistake.
ENV_VARIABLE_PATTERN = r"^[A-Z_][A-Z0-9_]{0,127}$(?!\n)"
TOOL_TYPE_PATTERN = r"^[a-z][a-z0-9_]{0,63}$(?!\n)"
# An override names an assistant's key (lowercase) or an agent's name (upper case allowed): either shape.
OVERRIDE_KEY_PATTERN = r"^[A-Za-z0-9._-]{1,64}$(?!\n)"
BASE_URL_PATTERN = r"^https?://\S+$(?!\n)"

PATTERN_HINTS = {
    ENVIRONMENT_PATTERN: "must be an environment name: 1-32 characters, a lowercase letter then lowercase letters, "
                         "digits, '_' or '-'",
    VARIABLE_PATTERN: "must be a variable name: 1-64 letters, digits or '_', not starting with a digit",
    ENV_VARIABLE_PATTERN: "must be the NAME of an environment variable (uppercase letters, digits and '_', not "
                          "starting with a digit), never the credential itself",
    BASE_URL_PATTERN: "must be an http:// or https:// URL without spaces",
    OVERRIDE_KEY_PATTERN: "must be an assistant's key or an agent's name: 1-64 letters, digits, '.', '_' or '-'",
    TOOL_TYPE_PATTERN: "must be a tool type such as code_interpreter, file_search or function",
}
