"""click belongs to cli/ alone: every other module can be used, and tested, without it."""

from __future__ import annotations

import ast
from pathlib import Path

import assistantsync

PACKAGE = Path(assistantsync.__file__).parent
ENTRY_POINTS = ("__main__.py", "sandbox/__main__.py")  # `python -m ...`: each only runs a command of cli/


def imported_modules(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
    return found


def test_no_module_outside_cli_imports_click_or_the_cli() -> None:
    modules = {path.relative_to(PACKAGE).as_posix(): path for path in PACKAGE.rglob("*.py")}
    outside = {name: path for name, path in modules.items() if not name.startswith("cli/") and name not in ENTRY_POINTS}
    assert {"errors.py", "engine.py", "importer/write.py", "apply/runtime.py"} <= set(outside)
    offending = {name: [module for module in imported_modules(path)
                        if module == "click" or module.startswith(("click.", "assistantsync.cli"))]
                 for name, path in sorted(outside.items())}
    assert {name: found for name, found in offending.items() if found} == {}
