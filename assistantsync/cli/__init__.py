"""The command line: click wiring only (parse, call one function, print, pick the exit code)."""
