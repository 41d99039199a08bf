"""A fake GitLab notes API on loopback, for running the GitLab recipe's after_script: list (paged, with
`X-Next-Page`), create and edit the notes of merge requests, behind a `PRIVATE-TOKEN`.

Pages hold at most two notes whatever `per_page` asks, so a script that reads only the first page misses
the later ones. Notes made here belong to `project_bot`, the user behind a project access token.

    with serve_gitlab_notes("token") as gitlab:
        env["CI_API_V4_URL"] = gitlab.api_url
        ...
        gitlab.notes[("42", "7")]  # the notes of project 42's merge request !7
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from helpers.serving import in_background

PAGE_SIZE = 2
BOT = "project_bot"
NOTES = re.compile(r"/api/v4/projects/(?P<project>[^/]+)/merge_requests/(?P<iid>\d+)/notes(?:/(?P<id>\d+))?")


@dataclass
class FakeGitLab:
    token: str
    api_url: str = ""
    notes: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, path without the query)
    next_id: int = 100

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, Any, str | None]:
        """(status, JSON answer, X-Next-Page) for one request."""
        url = urlsplit(target)
        self.calls.append((method, url.path))
        if headers.get("private-token") != self.token:
            return 401, {"message": "401 Unauthorized"}, None
        match = NOTES.fullmatch(url.path)
        if match is None:
            return 404, {"message": "404 Not Found"}, None
        notes = self.notes.setdefault((match["project"], match["iid"]), [])
        if method == "GET" and match["id"] is None:
            page = int(parse_qs(url.query).get("page", ["1"])[0])
            start = (page - 1) * PAGE_SIZE
            more = start + PAGE_SIZE < len(notes)
            return 200, notes[start:start + PAGE_SIZE], str(page + 1) if more else ""
        text = json.loads(body)["body"]
        if method == "POST" and match["id"] is None:
            self.next_id += 1
            note = {"id": self.next_id, "body": text, "author": {"username": BOT}, "system": False}
            notes.append(note)
            return 201, note, None
        found = [n for n in notes if n["id"] == int(match["id"] or 0)]
        if method == "PUT" and found:
            found[0]["body"] = text
            return 200, found[0], None
        return 404, {"message": "404 Note Not Found"}, None


def _handler(gitlab: FakeGitLab) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, data, next_page = gitlab.handle(self.command, self.path, headers, self.rfile.read(length))
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            if next_page is not None:
                self.send_header("X-Next-Page", next_page)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's parameter name
            """Quiet: the test reads `calls` instead."""

    return Handler


@contextmanager
def serve_gitlab_notes(token: str) -> Iterator[FakeGitLab]:
    gitlab = FakeGitLab(token)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(gitlab))
    gitlab.api_url = f"http://127.0.0.1:{server.server_address[1]}/api/v4"
    with in_background(server):
        yield gitlab
