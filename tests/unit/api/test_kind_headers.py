"""Each kind's requests carry its own headers: the Assistants API's `OpenAI-Beta`, which the agents API has no use
for. A `--header` of the same name wins over the kind's."""

from __future__ import annotations

import httpx
import pytest

from assistantsync.api.client import ResourceClient
from assistantsync.api.connection import ConnectionSettings
from assistantsync.kinds.agent import AGENT
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.kinds.kind import ResourceKind

EMPTY = {"object": "list", "data": [], "has_more": False}


def beta_headers(kind: ResourceKind, given: dict[str, str]) -> list[str | None]:
    seen: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("OpenAI-Beta"))
        return httpx.Response(200, json=EMPTY)

    settings = ConnectionSettings(base_url="https://api.example.test/v1", headers=given,
                                  kinds=("assistant", "agent"))
    with ResourceClient(settings, kind=ASSISTANT, transport=httpx.MockTransport(answer)) as client:
        client.for_kind(kind).list_all()
    return seen


@pytest.mark.parametrize(("kind", "given", "sent"), [
    (ASSISTANT, {}, ["assistants=v2"]),
    (AGENT, {}, [None]),
    (ASSISTANT, {"openai-beta": "assistants=v3"}, ["assistants=v3"]),
    (AGENT, {"OpenAI-Beta": "assistants=v2"}, ["assistants=v2"]),  # asked for by --header: sent as asked
], ids=["assistants", "agents", "a --header wins", "a --header is sent to agents too"])
def test_a_kinds_headers_go_with_its_requests(kind: ResourceKind, given: dict[str, str], sent: list[str | None]
                                              ) -> None:
    assert beta_headers(kind, given) == sent
