"""A fake `gh` for running the CI recipes' shell steps locally: just the calls they make, against a JSON
state file (the path in $FAKE_GH_STATE). Run as `python fake_gh.py api ...`.

`gh api`: pull-request comments (list, create, edit), a commit's pull requests and a pull request, from the
state's `comments`, `commit_pulls` {sha: [pull]} and `pulls` {number: pull}. Comments are listed two to a
page, so a recipe that forgets `--paginate` misses the later ones; `--jq` runs the real `jq -r` on each page
(as gh prints strings raw); `-F body=@FILE` reads the file. Comments made here belong to
`github-actions[bot]`, the user behind a workflow's token. `gh run list --commit SHA` answers the state's
`runs` {sha: [run]}; `gh run download ID --name NAME --dir DIR` copies `artifacts` {ID: {NAME: file}} into
DIR. Every call is recorded as [method, path]. Anything else exits 2, so a recipe calling what this fake
lacks fails loudly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

PAGE_SIZE = 2
BOT = "github-actions[bot]"
COMMENTS = re.compile(r"repos/[^/]+/[^/]+/issues/(?P<number>\d+)/comments")
COMMENT = re.compile(r"repos/[^/]+/[^/]+/issues/comments/(?P<id>\d+)")
COMMIT_PULLS = re.compile(r"repos/[^/]+/[^/]+/commits/(?P<sha>[0-9a-f]{40})/pulls")
PULL = re.compile(r"repos/[^/]+/[^/]+/pulls/(?P<number>\d+)")


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
    commit = COMMIT_PULLS.fullmatch(path)
    if commit and method == "GET":
        return [state.get("commit_pulls", {}).get(commit["sha"], [])]  # none: a direct push
    pull = PULL.fullmatch(path)
    if pull and method == "GET" and pull["number"] in state.get("pulls", {}):
        return [state["pulls"][pull["number"]]]
    raise LookupError(f"fake gh: no {method} {path}")


def field_value(value: str) -> str:
    return Path(value[1:]).read_text(encoding="utf-8") if value.startswith("@") else value


def printed(data: Any, jq: str) -> str:
    text = json.dumps(data)
    if not jq:
        return text + "\n"
    return subprocess.run(["jq", "-r", jq], input=text, capture_output=True, text=True, check=True).stdout


def run_command(state: dict[str, Any], arguments: list[str]) -> int:
    """`gh run list ... --commit SHA ... --jq EXPR` and `gh run download ID --name NAME --dir DIR`."""
    options = dict(zip(arguments[1::2], arguments[2::2], strict=False))
    if arguments[:1] == ["list"]:
        sys.stdout.write(printed(state.get("runs", {}).get(options["--commit"], []), options.get("--jq", "")))
        return 0
    options = dict(zip(arguments[2::2], arguments[3::2], strict=False))
    artifacts = state.get("artifacts", {}).get(arguments[1], {}) if arguments[:1] == ["download"] else {}
    artifact = artifacts.get(options.get("--name"))
    if artifact is None:
        print(f"fake gh: no artifact for run {arguments}", file=sys.stderr)
        return 1
    Path(options["--dir"]).mkdir(parents=True, exist_ok=True)
    shutil.copy(artifact, Path(options["--dir"]) / Path(artifact).name)
    return 0


def main(arguments: list[str]) -> int:
    if arguments[:1] not in (["api"], ["run"]):
        print(f"fake gh: only `gh api` and `gh run` are faked, not {arguments[:1]}", file=sys.stderr)
        return 2
    if not os.environ.get("GH_TOKEN"):
        print("gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.",
              file=sys.stderr)
        return 4
    state_file = Path(os.environ["FAKE_GH_STATE"])
    if arguments[0] == "run":
        return run_command(load(state_file), arguments[1:])
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
        sys.stdout.write(printed(page, jq))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
