"""`python -m assistantsync.sandbox serve ...`: the sandbox without the main CLI."""

from assistantsync.cli.sandbox import sandbox

sandbox(prog_name="python -m assistantsync.sandbox")
