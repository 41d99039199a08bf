"""A fake `gh` for running the CI recipes' shell steps locally: just the `gh api` calls they make, against a
JSON file of pull-request comments (the path in $FAKE_GH_STATE). Run as `python fake_gh.py api ...`.

Comments are listed two to a page, so a recipe that forgets `--paginate` misses the later ones; `--jq` runs
the real `jq -r` on each page (as gh prints strings raw); `-F body=@FILE` reads the file. Comments made here
belong to `github-actions[bot]`, the user behind a workflow's token. Every call is recorded in the state
file as [method, path]. Anything else exits 2, so a recipe calling what this fake lacks fails loudly.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

PAGE_SIZE = 2
BOT = "github-actions[bot]"
COMMENTS = re.compile(r"repos/[^/]+/[^/]+/issues/(?P<number>\d+)/comments")
COMMENT = re.compile(r"repos/[^/]+/[^/]+/issues/comments/(?P<id>\d+)")
COMMIT_PULLS = re.compile(r"repos/[^/]+/[^/]+/commits/[0-9a-f]{40}/pulls")


def load(state_file: Path) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(state_file.read_text(encoding="utf-8"))
    return state


def answer(state: dict[str, Any], method: str, path: str, fields: dict[str, str]) -> list[Any]:
    """The pages of JSON the call returns (one page unless it is a list)."""
    listed = COMMENTS.fullmatch(path)
    if listed and method == "GET":
        comments = [c for c in state["comments"] if c["issue"] == int(listed["number"])]
        return [comments[start:start + PAGE_SIZE] for start in range(0, len(comments), PAGE_SIZE)] or [[]]
    if listed and method == "POST":
        state["next_id"] += 1
        comment = {"id": state["next_id"], "issue": int(listed["number"]), "user": {"login": BOT},
                   "body": fields["body"]}
        state["comments"].append(comment)
        return [comment]
    edited = COMMENT.fullmatch(path)
    if edited and method == "PATCH":
        (comment,) = [c for c in state["comments"] if c["id"] == int(edited["id"])]
        comment["body"] = fields["body"]
        return [comment]
    if COMMIT_PULLS.fullmatch(path) and method == "GET":
        return [[]]  # a direct push: no pull request to find a reviewed plan in
    raise LookupError(f"fake gh: no {method} {path}")


def field_value(value: str) -> str:
    return Path(value[1:]).read_text(encoding="utf-8") if value.startswith("@") else value


def main(arguments: list[str]) -> int:
    if arguments[:1] != ["api"]:
        print(f"fake gh: only `gh api` is faked, not {arguments[:1]}", file=sys.stderr)
        return 2
    if not os.environ.get("GH_TOKEN"):
        print("gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.",
              file=sys.stderr)
        return 4
    rest, method, path, jq, paginate, fields = arguments[1:], "", "", "", False, {}
    while rest:
        token = rest.pop(0)
        if token == "--paginate":
            paginate = True
        elif token in ("--method", "-X"):
            method = rest.pop(0)
        elif token == "--jq":
            jq = rest.pop(0)
        elif token in ("-F", "--field"):
            name, _, value = rest.pop(0).partition("=")
            fields[name] = field_value(value)
        elif not token.startswith("-") and not path:
            path = token
        else:
            print(f"fake gh: unknown argument {token!r}", file=sys.stderr)
            return 2
    method = method or ("POST" if fields else "GET")
    state_file = Path(os.environ["FAKE_GH_STATE"])
    state = load(state_file)
    state["calls"].append([method, path])
    try:
        pages = answer(state, method, path, fields)
    except LookupError as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        state_file.write_text(json.dumps(state, indent=2), encoding="utf-8")
    for page in pages if paginate else pages[:1]:
        text = json.dumps(page)
        if jq:
            printed = subprocess.run(["jq", "-r", jq], input=text, capture_output=True, text=True, check=True)
            sys.stdout.write(printed.stdout)
        else:
            sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
