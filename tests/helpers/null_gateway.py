"""A loopback gateway in front of the sandbox that answers as LiteLLM does: every unset sub-object, list and member
of an assistant or agent present and null (`tool_resources: {"code_interpreter": null}`), where the spec has none.

Requests pass through unchanged; only JSON answers that hold assistants or agents are rewritten.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from helpers.serving import in_background

_HOP_HEADERS = {"host", "content-length", "connection", "accept-encoding", "transfer-encoding"}


def _unset(mapping: Any, *names: str) -> None:
    """Each of `names` the mapping lacks, added as null."""
    if isinstance(mapping, dict):
        for name in names:
            mapping.setdefault(name, None)


def _assistant(item: dict[str, Any]) -> None:
    resources = item.get("tool_resources") or {}
    _unset(resources, "code_interpreter", "file_search")
    _unset(resources.get("code_interpreter"), "file_ids")
    _unset(resources.get("file_search"), "vector_store_ids", "vector_stores")
    item["tool_resources"] = resources
    for tool in item.get("tools") or []:
        _unset(tool.get("function"), "description", "parameters", "strict")
    response_format = item.get("response_format")
    if isinstance(response_format, dict):
        _unset(response_format.get("json_schema"), "description")


def _agent_version(version: dict[str, Any]) -> None:
    definition = version.get("definition") or {}
    for tool in definition.get("tools") or []:
        if tool.get("type") == "function":
            _unset(tool, "description", "output_schema", "allowed_callers")
        _unset(tool.get("container"), "file_ids", "memory_limit")
        if tool.get("type") == "file_search":
            tool.setdefault("ranking_options", {"ranker": None, "score_threshold": None})
            _unset(tool, "filters")
    text = definition.get("text")
    if isinstance(text, dict):
        _unset(text.get("format"), "description", "strict")
    for spec in (definition.get("structured_inputs") or {}).values():
        _unset(spec, "description", "schema")


def with_gateway_nulls(body: Any) -> Any:
    """The answer as the gateway gives it (changed in place and returned)."""
    items = body.get("data") if isinstance(body, dict) and isinstance(body.get("data"), list) else [body]
    for item in items:
        if not isinstance(item, dict):
            continue
        if item.get("object") == "assistant":
            _assistant(item)
        elif item.get("object") == "agent" and isinstance(item.get("versions"), dict):
            _agent_version(item["versions"].get("latest") or {})
        elif item.get("object") == "agent.version":
            _agent_version(item)
    return body


@contextmanager
def serve_null_gateway(upstream: str) -> Iterator[str]:
    """Serve the gateway in front of `upstream` (a base URL ending in /v1); yields the gateway's base URL."""
    origin = upstream.removesuffix("/v1")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest shows what the test asserts
            pass

        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_HEADERS}
            with httpx.Client(timeout=10) as client:
                answer = client.request(self.command, origin + self.path, content=body, headers=headers)
            data = answer.content
            if answer.headers.get("content-type", "").startswith("application/json"):
                data = json.dumps(with_gateway_nulls(answer.json())).encode()
            self.send_response(answer.status_code)
            self.send_header("Content-Type", answer.headers.get("content-type", "application/json"))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _forward

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with in_background(server):
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
