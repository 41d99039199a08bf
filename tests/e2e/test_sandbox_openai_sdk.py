"""The official `openai` SDK, a client nobody here wrote, drives the served sandbox.

If the SDK's own request building, response parsing and auto-paging work unchanged against the
sandbox, the sandbox speaks the API's wire format. Every response is also schema-checked.
"""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest
from helpers.sandbox_checks import check_httpx_response
from helpers.sandbox_server import ServedSandbox

# openai 3.x marks client.beta.assistants as deprecated; pytest turns warnings into errors.
pytestmark = pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")

API_KEY = "sk-test-sandbox-0123"


@pytest.fixture
def sdk(sandbox_server: ServedSandbox) -> Iterator[openai.OpenAI]:
    # The SDK brings its own HTTP library (httpx2 in openai 3.x); its default client takes the same hooks.
    http = openai.DefaultHttpxClient(event_hooks={"response": [check_httpx_response]})
    with openai.OpenAI(api_key=API_KEY, base_url=sandbox_server.base_url, max_retries=0, http_client=http) as client:
        yield client


def test_create_retrieve_update_delete(sdk: openai.OpenAI, sandbox_server: ServedSandbox) -> None:
    created = sdk.beta.assistants.create(
        model="gpt-4o-mini",
        name="HR Helper",
        instructions="Answer from the handbook.",
        tools=[{"type": "file_search"}, {"type": "function", "function": {"name": "lookup", "parameters": {}}}],
        metadata={"team": "people"},
        temperature=0.2,
        reasoning_effort="low",
    )
    assert (created.model, created.name, created.temperature, created.top_p) == ("gpt-4o-mini", "HR Helper", 0.2, 1.0)
    file_search = created.tools[0]
    assert file_search.type == "file_search" and file_search.file_search is not None
    assert file_search.file_search.ranking_options is not None
    assert file_search.file_search.ranking_options.ranker == "default_2024_08_21"
    assert created.tool_resources is not None and created.tool_resources.file_search is not None
    assert created.tool_resources.file_search.vector_store_ids == []

    (logged,) = sandbox_server.requests()
    assert logged["headers"]["openai-beta"] == "assistants=v2"
    assert logged["body"]["reasoning_effort"] == "low"  # sent as given, then kept write-only

    assert sdk.beta.assistants.retrieve(created.id) == created
    updated = sdk.beta.assistants.update(created.id, name=None, metadata={"team": "legal"}, tools=[])
    assert (updated.name, updated.metadata, updated.tools, updated.instructions) == (
        None, {"team": "legal"}, [], "Answer from the handbook.")
    (saved,) = sandbox_server.state()["assistants"]
    assert saved["assistant"] == updated.model_dump(mode="json", exclude_unset=True)
    assert saved["write_only"] == {"reasoning_effort": "low"}

    deleted = sdk.beta.assistants.delete(created.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (created.id, True, "assistant.deleted")
    assert sandbox_server.stats()["assistants"] == 0


def test_auto_paging_lists_every_assistant_once_newest_first(sdk: openai.OpenAI,
                                                            sandbox_server: ServedSandbox) -> None:
    created = [sdk.beta.assistants.create(model="gpt-4o", name=f"a{n}").id for n in range(260)]
    listed = [assistant.id for assistant in sdk.beta.assistants.list(limit=100)]
    # Same-second creations tie on created_at; creation order breaks the tie, so desc is exact.
    assert listed == created[::-1]
    assert sandbox_server.count("GET", "/assistants") == 3  # 100 + 100 + 60
    ascending = [assistant.id for assistant in sdk.beta.assistants.list(limit=100, order="asc")]
    assert ascending == created


def test_api_errors_become_the_sdk_exceptions(sdk: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as missing:
        sdk.beta.assistants.retrieve("asst_missing")
    assert missing.value.body == {"message": "No assistant found with id 'asst_missing'.",
                                  "type": "invalid_request_error", "param": None, "code": None}
    with pytest.raises(openai.BadRequestError) as invalid:
        sdk.beta.assistants.create(model="gpt-4o", temperature=5)
    assert (invalid.value.param, invalid.value.code) == ("temperature", "invalid_value")


def test_auth_is_enforced_against_the_sdk(sandbox_server: ServedSandbox, sdk: openai.OpenAI) -> None:
    sandbox_server.set_auth("openai", API_KEY)
    assert sdk.beta.assistants.list().data == []
    with openai.OpenAI(api_key="sk-wrong", base_url=sandbox_server.base_url, max_retries=0) as wrong:
        with pytest.raises(openai.AuthenticationError) as denied:
            wrong.beta.assistants.list()
    assert denied.value.code == "invalid_api_key"
    assert "sk-wrong" not in str(denied.value)


def test_the_sdk_honours_retry_after_ms(sandbox_server: ServedSandbox) -> None:
    sandbox_server.set_faults({"kind": "rate_limit", "times": 1, "retry_after_ms": 10, "method": "GET"})
    with openai.OpenAI(api_key=API_KEY, base_url=sandbox_server.base_url, max_retries=1) as retrying:
        assert retrying.beta.assistants.list().data == []
    first, second = sandbox_server.requests()
    assert (first["status"], second["status"]) == (429, 200)
    assert second["headers"]["x-stainless-retry-count"] == "1"


def test_a_dropped_create_is_retried_blindly_by_the_sdk_and_the_sandbox_shows_the_duplicate(
        sandbox_server: ServedSandbox) -> None:
    # Why the fault exists: the write lands, the response is lost, and a client that retries a
    # create without checking first ends with two assistants (api-behavior.md §6, "Risk").
    sandbox_server.set_faults({"kind": "drop_after_write", "times": 1})
    with openai.OpenAI(api_key=API_KEY, base_url=sandbox_server.base_url, max_retries=1) as retrying:
        retrying.beta.assistants.create(model="gpt-4o", name="once")
    assert sandbox_server.count("POST", "/assistants") == 2
    assert [a["assistant"]["name"] for a in sandbox_server.state()["assistants"]] == ["once", "once"]
