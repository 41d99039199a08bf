"""The real ResourceClient against `assistantsync sandbox serve` over loopback HTTP (no MockTransport).

Issue 3's "Done when", end to end: every provider's URLs, headers and credentials as the served
sandbox sees them; paging past 250 assistants; retries that honour retry-after; creates whose
response is lost never duplicated; errors and verbose logs that never show a key; and the CLI.

No test sleeps: clients get a `sleep` that records the delays asked for, while every attempt still
reaches the server. Every request body a test sends is checked against the generated request
schemas when the test ends (fixture `served`), read back from the sandbox's request log.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.fake_api import Rig
from helpers.leakcheck import assert_no_secrets
from helpers.paths import EXAMPLES as EXAMPLES_DIR
from helpers.sandbox_server import ServedSandbox
from helpers.serving import in_background

from assistantsync import __version__
from assistantsync.api.client import AmbiguousWriteError, ApiError, ResourceClient, create_not_retried
from assistantsync.api.connect import build_client
from assistantsync.api.providers import resolve_connection
from assistantsync.api.redaction import is_sensitive_header
from assistantsync.cli.main import cli
from assistantsync.json_value import JsonObject
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.schema.validate import validate_instance

OPENAI_KEY = "sk-test-LEAKCHECK-openai-7f3a9"
AZURE_KEY = "azk-test-LEAKCHECK-azure-2b81c"
FOUNDRY_TOKEN = "eyJ-test-LEAKCHECK-foundry-9d04e"
PORTKEY_KEY = "pk-test-LEAKCHECK-portkey-51e6a"
VIRTUAL_KEY = "vk-test-LEAKCHECK-virtual-0c2d7"
INLINE_KEY = "sk-test-LEAKCHECK-inline-3e9f1"
INLINE_CONFIG = json.dumps({"provider": "openai", "api_key": INLINE_KEY})  # a Portkey config that embeds a key
WRONG_KEY = "sk-test-LEAKCHECK-wrong-00000"
SECRETS = (OPENAI_KEY, AZURE_KEY, FOUNDRY_TOKEN, PORTKEY_KEY, VIRTUAL_KEY, INLINE_KEY, WRONG_KEY)
LEAK_MARK = "LEAKCHECK"  # in every fake credential: no output may contain it at all

CREDENTIAL_HEADERS = frozenset({"authorization", "api-key", "x-portkey-api-key", "x-portkey-virtual-key",
                                "x-portkey-config"})
REDACTED = "[redacted]"  # what the sandbox's request log keeps of a credential header
COLLECTION, ITEM = "/assistants", "/assistants/{assistant_id}"
LISTING = {"limit": "100", "order": "asc"}
MARKER = "assistantsync_key"  # the metadata key apply's find_existing matches on
REQUEST_ID = r"req_[0-9a-f]{32}"
RATE_LIMITED = ("429 Too Many Requests: Rate limit reached for requests (injected by the sandbox). "
                "Please try again later. (code: rate_limit_exceeded)")
SERVER_ERROR = "The server had an error while processing your request. Sorry about that!"
EXAMPLES = EXAMPLES_DIR
EXAMPLE_KEYS = ("hr-helper", "invoice-extractor", "support-analyst", "support-kb", "support-triage", "weather")


# --- helpers --------------------------------------------------------------------------------------

def no_azure_sign_in(scope: str) -> str | None:
    raise AssertionError("a test must never ask azure-identity for a token")


def rig(
    provider: str,
    env: Mapping[str, str],
    *,
    base_url: str | None = None,
    api_version: str | None = None,
    headers: Sequence[str] = (),
    max_retries: int = 2,
    jitters: Sequence[float] = (),
) -> Rig:
    """A client built the way the CLI builds one (resolve_connection), with recorded sleeps and logs."""
    settings, transport = resolve_connection(provider, env, base_url=base_url, api_version=api_version,
                                             extra_headers=headers, max_retries=max_retries, timeout=10.0,
                                             azure_token=no_azure_sign_in)
    assert transport is None  # a real socket, not the embedded sandbox
    delays: list[float] = []
    logs: list[str] = []
    pending = iter(jitters)  # then 0.0: asked for on every retry, even when the server names the delay
    client = ResourceClient(settings, kind=ASSISTANT, sleep=delays.append, random_source=lambda: next(pending, 0.0),
                              now=lambda: 0.0, log=logs.append)
    return Rig(client, delays, logs)


def openai_rig(served: ServedSandbox, **options: Any) -> Rig:
    return rig("openai", {"OPENAI_API_KEY": OPENAI_KEY}, base_url=served.base_url, **options)


def assert_no_secret(*texts: object) -> None:
    for text in texts:
        shown = str(text)
        assert LEAK_MARK not in shown, shown
        assert not any(secret in shown for secret in SECRETS), shown


def body_issues(log: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every request schema violation among the POST bodies of a sandbox request log."""
    schemas = {COLLECTION: "create-assistant-request.schema.json", ITEM: "modify-assistant-request.schema.json"}
    issues = []
    for entry in log:
        if entry["method"] == "POST" and entry["route"] in schemas:
            found = validate_instance(schemas[entry["route"]], entry["body"])
            issues += [f"{entry['path']}: {issue}" for issue in found]
    return issues


def posted_bodies(log: Sequence[Mapping[str, Any]]) -> list[Any]:
    return [entry["body"] for entry in log if entry["method"] == "POST" and entry["route"] in (COLLECTION, ITEM)]


def stored(served: ServedSandbox) -> list[JsonObject]:
    """The assistants the sandbox holds, as the API shows them."""
    return [entry["assistant"] for entry in served.state()["assistants"]]


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the environment may carry these requests off 127.0.0.1."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def served(sandbox_server: ServedSandbox) -> Iterator[ServedSandbox]:
    """The served sandbox, reset; when the test ends, every body it was sent must match the request schemas."""
    yield sandbox_server
    log = sandbox_server.requests()
    assert body_issues(log) == []
    assert_no_secret(json.dumps(log))  # the sandbox's own log keeps no credential either


# --- 1. every provider's URLs, headers and credentials --------------------------------------------

@dataclass(frozen=True)
class ProviderCase:
    """How one provider reaches the sandbox; "{origin}" stands for the sandbox's http://127.0.0.1:PORT."""

    name: str
    provider: str
    env: Mapping[str, str]
    auth_style: str  # what the sandbox demands
    checked: str  # the variable whose value the sandbox checks
    prefix: str  # the URL path before /assistants
    credential_headers: frozenset[str]
    hint: str  # how a 401 names the variables
    base_url: str | None = None  # --base-url
    api_version: str | None = None  # --api-version
    query: Mapping[str, str] = field(default_factory=dict)  # on every request
    plain_headers: Mapping[str, str] = field(default_factory=dict)  # sent and logged as is

    def resolved_env(self, origin: str, **changes: str) -> dict[str, str]:
        return {name: value.replace("{origin}", origin) for name, value in {**self.env, **changes}.items()}

    def rig(self, origin: str, **changes: str) -> Rig:
        base_url = self.base_url.replace("{origin}", origin) if self.base_url else None
        return rig(self.provider, self.resolved_env(origin, **changes), base_url=base_url,
                   api_version=self.api_version)


AZURE_VERSION = "2024-05-01-preview"
CASES = [
    ProviderCase("openai", "openai", {"OPENAI_API_KEY": OPENAI_KEY}, "openai", "OPENAI_API_KEY", "/v1",
                 frozenset({"authorization"}), "check OPENAI_API_KEY", base_url="{origin}/v1"),
    # An OpenAI-compatible server at its root, reached through OPENAI_BASE_URL instead of --base-url.
    ProviderCase("openai-compatible-root", "openai", {"OPENAI_API_KEY": OPENAI_KEY, "OPENAI_BASE_URL": "{origin}"},
                 "openai", "OPENAI_API_KEY", "", frozenset({"authorization"}), "check OPENAI_API_KEY"),
    # The provider builds {endpoint}/openai itself; the endpoint as the Azure portal shows it, with a slash.
    ProviderCase("azure-openai", "azure-openai",
                 {"AZURE_OPENAI_ENDPOINT": "{origin}/", "AZURE_OPENAI_API_KEY": AZURE_KEY,
                  "OPENAI_API_VERSION": AZURE_VERSION},
                 "azure-openai", "AZURE_OPENAI_API_KEY", "/openai", frozenset({"api-key"}),
                 "check AZURE_OPENAI_API_KEY", query={"api-version": AZURE_VERSION}),
    # An endpoint that already ends in /openai, and --api-version instead of OPENAI_API_VERSION.
    ProviderCase("azure-openai-api-version-option", "azure-openai",
                 {"AZURE_OPENAI_ENDPOINT": "{origin}/openai", "AZURE_OPENAI_API_KEY": AZURE_KEY},
                 "azure-openai", "AZURE_OPENAI_API_KEY", "/openai", frozenset({"api-key"}),
                 "check AZURE_OPENAI_API_KEY", api_version="2025-01-01-preview",
                 query={"api-version": "2025-01-01-preview"}),
    ProviderCase("azure-openai-v1-base-url", "azure-openai",
                 {"AZURE_OPENAI_API_KEY": AZURE_KEY, "OPENAI_API_VERSION": "preview"},
                 "azure-openai", "AZURE_OPENAI_API_KEY", "/openai/v1", frozenset({"api-key"}),
                 "check AZURE_OPENAI_API_KEY", base_url="{origin}/openai/v1", query={"api-version": "preview"}),
    ProviderCase("azure-foundry", "azure-foundry",
                 {"AZURE_AI_PROJECT_ENDPOINT": "{origin}/api/projects/demo", "AZURE_AI_TOKEN": FOUNDRY_TOKEN},
                 "azure-foundry", "AZURE_AI_TOKEN", "/api/projects/demo", frozenset({"authorization"}),
                 "check AZURE_AI_TOKEN", query={"api-version": "v1"}),
    ProviderCase("portkey-virtual-key", "portkey", {"PORTKEY_API_KEY": PORTKEY_KEY, "PORTKEY_VIRTUAL_KEY": VIRTUAL_KEY},
                 "portkey", "PORTKEY_API_KEY", "/v1", frozenset({"x-portkey-api-key", "x-portkey-virtual-key"}),
                 "check PORTKEY_API_KEY and PORTKEY_VIRTUAL_KEY", base_url="{origin}/v1"),
    ProviderCase("portkey-config", "portkey", {"PORTKEY_API_KEY": PORTKEY_KEY, "PORTKEY_CONFIG": INLINE_CONFIG},
                 "portkey", "PORTKEY_API_KEY", "/v1", frozenset({"x-portkey-api-key", "x-portkey-config"}),
                 "check PORTKEY_API_KEY and PORTKEY_CONFIG", base_url="{origin}/v1"),
    ProviderCase("portkey-provider", "portkey",
                 {"PORTKEY_API_KEY": PORTKEY_KEY, "PORTKEY_PROVIDER": "openai", "OPENAI_API_KEY": OPENAI_KEY},
                 "portkey", "PORTKEY_API_KEY", "/v1", frozenset({"x-portkey-api-key", "authorization"}),
                 "check PORTKEY_API_KEY, OPENAI_API_KEY and PORTKEY_PROVIDER", base_url="{origin}/v1",
                 plain_headers={"x-portkey-provider": "openai"}),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_provider_round_trips_with_its_urls_headers_and_credentials(served: ServedSandbox,
                                                                         case: ProviderCase) -> None:
    served.set_auth(case.auth_style, case.env[case.checked])
    body: JsonObject = {"model": "gpt-4o", "name": "Round trip", "metadata": {MARKER: case.name}}
    with case.rig(served.origin).client as client:
        assert client.list_all() == []
        created = client.create(body)
        assistant_id = created["id"]
        assert client.get(assistant_id) == created
        modified = client.modify(assistant_id, {"name": "Renamed"})
        assert modified == {**created, "name": "Renamed"}
        assert client.list_all() == [modified]
        assert client.delete(assistant_id) == {"id": assistant_id, "object": "assistant.deleted", "deleted": True}
    log = served.requests()
    collection = f"{case.prefix}/assistants"
    item = f"{collection}/{assistant_id}"
    listing = {**case.query, **LISTING}
    assert [(r["method"], r["path"], r["query"], r["status"]) for r in log] == [
        ("GET", collection, listing, 200),
        ("POST", collection, case.query, 200),
        ("GET", item, case.query, 200),
        ("POST", item, case.query, 200),
        ("GET", collection, listing, 200),
        ("DELETE", item, case.query, 200),
    ]
    for entry in log:
        headers = entry["headers"]
        assert headers["openai-beta"] == "assistants=v2"
        assert headers["user-agent"] == f"assistantsync/{__version__}"
        assert {name: headers.get(name) for name in case.credential_headers} == dict.fromkeys(
            case.credential_headers, REDACTED)
        assert {name: headers.get(name) for name in case.plain_headers} == case.plain_headers
        unexpected = (CREDENTIAL_HEADERS | {"x-portkey-provider"}) - case.credential_headers - set(case.plain_headers)
        assert unexpected.isdisjoint(headers)  # no other provider's headers
    assert posted_bodies(log) == [body, {"name": "Renamed"}]
    assert stored(served) == []


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_a_wrong_key_is_a_401_that_names_the_variables_and_never_the_key(served: ServedSandbox,
                                                                          case: ProviderCase) -> None:
    served.set_auth(case.auth_style, case.env[case.checked])
    test = case.rig(served.origin, **{case.checked: WRONG_KEY})
    with test.client as client, pytest.raises(ApiError) as caught:
        client.list_all()
    error = caught.value
    path = f"{case.prefix}/assistants"
    assert (error.method, error.path, error.status, error.attempts, error.api_code) == (
        "GET", path, 401, 1, "invalid_api_key")
    assert re.fullmatch(rf"GET {re.escape(path)}: 401 Unauthorized: Incorrect API key provided\. "
                        rf"\(code: invalid_api_key\) \(request id {REQUEST_ID}\); {re.escape(case.hint)}", str(error))
    assert_no_secret(str(error), *test.logs)
    assert test.delays == []  # a 401 is not retried
    assert served.count("GET", COLLECTION) == 1


def test_a_portkey_gateway_through_header_options_keeps_the_provider_name_readable(
        served: ServedSandbox) -> None:
    """--header works for any gateway; only credential headers are masked, and "openai" is no secret."""
    served.set_auth("portkey", PORTKEY_KEY)
    test = rig("openai", {"OPENAI_API_KEY": OPENAI_KEY}, base_url=served.base_url,
               headers=["x-portkey-provider: openai", f"x-portkey-api-key: {PORTKEY_KEY}"])
    assert test.client.settings.secrets == {OPENAI_KEY, PORTKEY_KEY}
    with test.client as client:
        assert client.list_all() == []
    (entry,) = served.requests()
    assert (entry["headers"]["x-portkey-provider"], entry["headers"]["x-portkey-api-key"]) == ("openai", REDACTED)
    assert test.logs[0].endswith("; authorization: ***; x-portkey-provider: openai; x-portkey-api-key: ***")
    assert_no_secret(*test.logs)


# --- 2. paging ------------------------------------------------------------------------------------

@pytest.mark.parametrize("count", [260, 200, 0])
def test_list_all_pages_with_after_cursors_through_every_assistant(served: ServedSandbox, count: int) -> None:
    with openai_rig(served).client as client:
        created = [client.create({"model": "gpt-4o", "name": f"Assistant {n:03}"})["id"] for n in range(count)]
        listed = [assistant["id"] for assistant in client.list_all()]
    assert listed == created  # all of them, oldest first
    assert len(set(listed)) == count  # no duplicates
    pages = [entry for entry in served.requests() if entry["method"] == "GET"]
    assert len(pages) == served.count("GET", COLLECTION) == max(1, math.ceil(count / 100))
    cursors = [created[last] for last in range(99, count - 1, 100)]  # the last id of each full page before the end
    assert [entry["query"] for entry in pages] == [LISTING, *({**LISTING, "after": cursor} for cursor in cursors)]


def test_observers_get_each_page_once_it_arrives_before_the_next_is_asked_for(served: ServedSandbox) -> None:
    test = openai_rig(served)
    with test.client as client:
        for n in range(250):
            client.create({"model": "gpt-4o", "name": f"Assistant {n:03}"})
        test.logs.clear()
        with client.observing_pages(lambda page: test.logs.append(f"page of {len(page)}")):
            assert len(client.list_all()) == 250
    shown = [line.split(" /v1")[0] if line.startswith(("->", "<-")) else line for line in test.logs]
    assert shown == ["-> GET", "<- GET", "page of 100",
                     "-> GET", "<- GET", "page of 100",
                     "-> GET", "<- GET", "page of 50"]


# --- 3. retries -----------------------------------------------------------------------------------

def test_a_429_is_retried_after_exactly_the_retry_after_ms_the_server_sent(served: ServedSandbox) -> None:
    served.set_faults({"kind": "rate_limit", "every": 1, "times": 2, "retry_after_ms": 30})
    test = openai_rig(served)
    with test.client as client:
        assert client.list_all() == []
    assert test.delays == [0.03, 0.03]  # retry-after-ms, not retry-after (whole seconds: 1)
    assert served.count("GET", COLLECTION) == 3
    assert [(entry["status"], entry["fault"]) for entry in served.requests()] == [
        (429, "rate_limit"), (429, "rate_limit"), (200, None)]
    retries = [line for line in test.logs if line.startswith("   retrying")]
    assert retries == [f"   retrying GET /v1/assistants in 0.03s after: {RATE_LIMITED}"] * 2


def test_a_rate_limited_create_is_retried_without_checking_because_nothing_was_written(
        served: ServedSandbox) -> None:
    served.set_faults({"kind": "rate_limit", "times": 1, "retry_after_ms": 30, "method": "POST"})

    def must_not_be_called() -> JsonObject | None:
        raise AssertionError("a 429 means the create was not applied: nothing to check")

    test = openai_rig(served)
    with test.client as client:
        created = client.create({"model": "gpt-4o"}, find_existing=must_not_be_called)
    assert stored(served) == [created]
    assert served.count("POST", COLLECTION) == 2
    assert test.delays == [0.03]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_5xx_is_retried_with_jittered_exponential_backoff(served: ServedSandbox, status: int) -> None:
    served.set_faults({"kind": "server_error", "times": 2, "status": status, "method": "GET"})
    test = openai_rig(served, jitters=[0.0, 0.999])
    with test.client as client:
        assert client.list_all() == []
    first, second = test.delays
    assert (first, second) == pytest.approx([0.5, 1.0 * (1 - 0.25 * 0.999)])  # backoff * (1 - 0.25 * jitter)
    assert 0.375 <= first <= 0.5 and 0.75 <= second <= 1.0
    assert served.count("GET", COLLECTION) == 3
    assert [entry["status"] for entry in served.requests()] == [status, status, 200]


def test_max_retries_0_gives_up_at_once_naming_method_path_and_status(served: ServedSandbox) -> None:
    served.set_faults({"kind": "rate_limit", "times": 1, "retry_after_ms": 30})
    test = openai_rig(served, max_retries=0)
    with test.client as client, pytest.raises(ApiError) as caught:
        client.list_all()
    error = caught.value
    assert (error.method, error.path, error.status, error.attempts) == ("GET", "/v1/assistants", 429, 1)
    assert re.fullmatch(rf"GET /v1/assistants: {re.escape(RATE_LIMITED)} \(request id {REQUEST_ID}\)", str(error))
    assert test.delays == []
    assert served.count("GET", COLLECTION) == 1


def test_max_retries_0_on_a_modify_reports_the_5xx(served: ServedSandbox) -> None:
    with openai_rig(served).client as client:
        assistant_id = client.create({"model": "gpt-4o"})["id"]
    served.set_faults({"kind": "server_error", "times": 1, "status": 502})
    test = openai_rig(served, max_retries=0)
    with test.client as client, pytest.raises(ApiError) as caught:
        client.modify(assistant_id, {"name": "n"})
    assert re.fullmatch(rf"POST /v1/assistants/{assistant_id}: 502 Bad Gateway: {re.escape(SERVER_ERROR)} "
                        rf"\(request id {REQUEST_ID}\)", str(caught.value))
    assert caught.value.status == 502
    assert served.count("POST", ITEM) == 1


# --- 4. lost responses never duplicate a create ---------------------------------------------------

DROPPED = r"POST /v1/assistants: the connection to 127\.0\.0\.1:\d+ failed \(RemoteProtocolError: "


def finder(client: ResourceClient, key: str, calls: list[str]) -> Callable[[], JsonObject | None]:
    """What apply passes as find_existing: list everything, match the identity key in metadata."""

    def find() -> JsonObject | None:
        calls.append(key)
        return next((item for item in client.list_all() if item.get("metadata", {}).get(MARKER) == key), None)

    return find


def test_a_create_dropped_after_the_write_without_find_existing_is_ambiguous_and_not_retried(
        served: ServedSandbox) -> None:
    served.set_faults({"kind": "drop_after_write", "times": 1, "method": "POST", "route": COLLECTION})
    test = openai_rig(served)
    with test.client as client, pytest.raises(AmbiguousWriteError) as caught:
        client.create({"model": "gpt-4o", "metadata": {MARKER: "dropped"}})
    assert re.match(DROPPED, str(caught.value))
    assert str(caught.value).endswith(f"; {create_not_retried(ASSISTANT)}")
    assert (caught.value.path, caught.value.status) == ("/v1/assistants", None)
    assert len(stored(served)) == 1  # the write happened
    assert served.count("POST", COLLECTION) == 1  # and was sent once
    assert test.delays == []


def test_a_create_dropped_after_the_write_is_found_by_find_existing_not_repeated(served: ServedSandbox) -> None:
    served.set_faults({"kind": "drop_after_write", "times": 1, "method": "POST", "route": COLLECTION})
    calls: list[str] = []
    test = openai_rig(served)
    with test.client as client:
        result = client.create({"model": "gpt-4o", "metadata": {MARKER: "dropped"}},
                               find_existing=finder(client, "dropped", calls))
    (only,) = stored(served)
    assert result == only
    assert calls == ["dropped"]
    assert served.count("POST", COLLECTION) == 1
    assert served.count("GET", COLLECTION) == 1
    assert [(e["method"], e["status"], e["fault"]) for e in served.requests()] == [
        ("POST", 200, "drop_after_write"), ("GET", 200, None)]


def test_a_create_dropped_before_handling_is_just_as_ambiguous_to_the_client(served: ServedSandbox) -> None:
    """A closed connection says nothing about whether the server stored the assistant, so the client
    treats "dropped before handling" exactly like "dropped after the write": AmbiguousWriteError, no retry."""
    served.set_faults({"kind": "drop_before", "times": 1, "method": "POST", "route": COLLECTION})
    with openai_rig(served).client as client, pytest.raises(AmbiguousWriteError, match=DROPPED):
        client.create({"model": "gpt-4o", "metadata": {MARKER: "early"}})
    assert stored(served) == []  # nothing was stored, and nothing was sent again
    assert served.count("POST", COLLECTION) == 1


def test_a_create_dropped_before_handling_is_checked_then_created_exactly_once(served: ServedSandbox) -> None:
    """With find_existing the client checks, finds nothing, and only then sends the create again."""
    served.set_faults({"kind": "drop_before", "times": 1, "method": "POST", "route": COLLECTION})
    calls: list[str] = []
    test = openai_rig(served, jitters=[0.0])
    with test.client as client:
        result = client.create({"model": "gpt-4o", "metadata": {MARKER: "early"}},
                               find_existing=finder(client, "early", calls))
    assert stored(served) == [result]
    assert calls == ["early"]
    assert test.delays == [0.5]
    assert [(e["method"], e["status"], e["fault"]) for e in served.requests()] == [
        ("POST", None, "drop_before"), ("GET", 200, None), ("POST", 200, None)]


def test_a_create_answered_with_a_500_is_checked_then_retried_once(served: ServedSandbox) -> None:
    """The sandbox's 500 comes before handling, but a client cannot know that: it checks first."""
    served.set_faults({"kind": "server_error", "times": 1, "method": "POST", "route": COLLECTION})
    calls: list[str] = []
    test = openai_rig(served, jitters=[0.0])
    with test.client as client:
        result = client.create({"model": "gpt-4o", "metadata": {MARKER: "k"}}, find_existing=finder(client, "k", calls))
    assert stored(served) == [result]
    assert (calls, test.delays, served.count("POST", COLLECTION)) == (["k"], [0.5], 2)


def test_a_modify_or_delete_whose_response_is_dropped_is_retried_safely(served: ServedSandbox) -> None:
    with openai_rig(served).client as client:
        assistant_id = client.create({"model": "gpt-4o"})["id"]
    served.set_faults({"kind": "drop_after_write", "times": 1, "route": ITEM})
    test = openai_rig(served, jitters=[0.0, 0.0])
    with test.client as client:
        assert client.modify(assistant_id, {"name": "twice"})["name"] == "twice"
        served.set_faults({"kind": "drop_after_write", "times": 1, "route": ITEM})
        # The first DELETE did delete it; the retry's 404 therefore means "deleted", not an error.
        assert client.delete(assistant_id) == {"id": assistant_id, "object": "assistant.deleted", "deleted": True}
    assert stored(served) == []
    assert [(e["method"], e["status"], e["fault"]) for e in served.requests()[1:]] == [
        ("POST", 200, "drop_after_write"), ("POST", 200, None),
        ("DELETE", 200, "drop_after_write"), ("DELETE", 404, None)]
    assert test.delays == [0.5, 0.5]


def test_a_dropped_read_is_retried(served: ServedSandbox) -> None:
    served.set_faults({"kind": "drop_before", "times": 1, "method": "GET"})
    test = openai_rig(served, jitters=[0.0])
    with test.client as client:
        assert client.list_all() == []
    assert (served.count("GET", COLLECTION), test.delays) == (2, [0.5])


def test_get_many_reads_in_parallel_and_keeps_each_error(served: ServedSandbox) -> None:
    with openai_rig(served).client as client:
        ids = [client.create({"model": "gpt-4o", "name": f"n{n}"})["id"] for n in range(12)]
        results = client.get_many([*ids, "asst_missing"])
    found = [results[assistant_id] for assistant_id in ids]
    assert [item["id"] if isinstance(item, dict) else item for item in found] == ids  # in input order
    missing = results["asst_missing"]
    assert isinstance(missing, ApiError) and missing.status == 404
    assert served.count("GET", ITEM) == 13


# --- 5. errors and logs never show a credential ---------------------------------------------------

def test_a_401_shows_no_key_in_the_error_or_the_verbose_log(served: ServedSandbox,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    served.set_auth("openai", "sk-the-right-one-123456")
    client = build_client(provider="openai", base_url=served.base_url, api_version=None, headers=(), timeout=10.0,
                          max_retries=2, parallelism=4, sandbox_state=Path("unused.json"), verbose=True,
                          env={"OPENAI_API_KEY": OPENAI_KEY})
    with client, pytest.raises(ApiError) as caught:
        client.list_all()
    error = caught.value
    assert error.status == 401
    assert str(error).endswith("; check OPENAI_API_KEY")
    logged = capsys.readouterr().err.splitlines()
    assert len(logged) == 2
    assert logged[0].startswith("-> GET /v1/assistants (attempt 1/3) ")
    assert logged[0].endswith("; authorization: ***")
    assert re.fullmatch(rf"<- GET /v1/assistants \(attempt 1/3\) 401 Unauthorized in \d+\.\d\ds x-request-id: "
                        rf"{REQUEST_ID}", logged[1])
    assert_no_secret(str(error), error.args, error.detail, error.api_message, *logged)


@pytest.mark.parametrize(("name", "sensitive"), [
    ("Authorization", True), ("api-key", True), ("x-portkey-api-key", True), ("x-portkey-virtual-key", True),
    ("x-portkey-config", True), ("X-Portkey-Provider", False), ("x-portkey-trace-id", False), ("x-extra", False),
])
def test_portkey_headers_are_masked_by_what_they_hold_not_by_the_vendor_name(name: str, sensitive: bool) -> None:
    assert is_sensitive_header(name) is sensitive


class EchoServer(ThreadingHTTPServer):
    """A gateway that repeats the credentials it was sent: in its error bodies and in x-request-id.

    It answers with `replies` in order: (status, "json") is an OpenAI-shaped error, (status, "text")
    plain text. Every reply asks for a 1 ms retry delay, so a client's recorded delays stay exact.
    """

    daemon_threads = True

    def __init__(self, replies: list[tuple[int, str]]) -> None:
        super().__init__(("127.0.0.1", 0), _EchoHandler)
        self.replies = replies
        self.seen: list[str] = []

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _EchoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: EchoServer

    def do_GET(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        presented = ", ".join(str(self.headers[name]) for name in sorted(CREDENTIAL_HEADERS) if name in self.headers)
        self.server.seen.append(f"{self.command} {self.path}")
        status, kind = self.server.replies.pop(0)
        if kind == "json":
            message = (f"Incorrect API key provided: {presented}. You can find your API key at "
                       "https://platform.openai.com/account/api-keys.")
            body = json.dumps({"error": {"message": message, "type": "invalid_request_error", "param": None,
                                         "code": "invalid_api_key"}}).encode()
        else:
            body = f"upstream rejected the credentials {presented}".encode()
        self.send_response(status)
        self.send_header("content-type", "application/json" if kind == "json" else "text/plain")
        self.send_header("content-length", str(len(body)))
        self.send_header("x-request-id", f"req_{presented}")
        self.send_header("retry-after-ms", "1")
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_DELETE = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def echo_server() -> Iterator[EchoServer]:
    server = EchoServer([(500, "text"), (401, "json"), (500, "json")])
    with in_background(server):
        yield server


ECHO_CASES = [
    pytest.param("openai", {"OPENAI_API_KEY": OPENAI_KEY}, "/v1", (), ["authorization"], id="openai"),
    pytest.param("openai", {"OPENAI_API_KEY": OPENAI_KEY}, "/v1",
                 ("x-portkey-provider: openai", f"x-portkey-api-key: {PORTKEY_KEY}"),
                 ["x-portkey-api-key", "authorization"], id="gateway-headers"),
    pytest.param("portkey", {"PORTKEY_API_KEY": PORTKEY_KEY, "PORTKEY_CONFIG": INLINE_CONFIG}, "/v1", (),
                 ["x-portkey-config", "x-portkey-api-key"], id="portkey-inline-config"),
    pytest.param("azure-openai", {"AZURE_OPENAI_ENDPOINT": "{origin}", "AZURE_OPENAI_API_KEY": AZURE_KEY,
                                  "OPENAI_API_VERSION": AZURE_VERSION}, "/openai", (), ["api-key"], id="azure-openai"),
]


@pytest.mark.parametrize(("provider", "env", "prefix", "headers", "masked"), ECHO_CASES)
def test_credentials_a_server_echoes_reach_no_error_message_and_no_log_line(
        echo_server: EchoServer, provider: str, env: dict[str, str], prefix: str, headers: tuple[str, ...],
        masked: list[str]) -> None:
    origin = echo_server.origin
    test = rig(provider, {name: value.replace("{origin}", origin) for name, value in env.items()},
               base_url=None if provider == "azure-openai" else origin + prefix, headers=headers, max_retries=1)
    with test.client as client:
        with pytest.raises(ApiError) as listing:
            client.list_all()  # a 500 echoing the keys as text, retried; then a 401 echoing them as JSON
        with pytest.raises(AmbiguousWriteError) as creating:
            client.create({"model": "gpt-4o"})  # a 500 echoing them as JSON: ambiguous, never retried
    version = f"api-version={AZURE_VERSION}" if provider == "azure-openai" else ""
    listing_query = "&".join(filter(None, (version, "limit=100&order=asc")))
    assert echo_server.seen == [f"GET {prefix}/assistants?{listing_query}"] * 2 + [
        f"POST {prefix}/assistants" + (f"?{version}" if version else "")]
    listed, created = listing.value, creating.value
    assert (listed.status, listed.attempts, created.status) == (401, 2, 500)
    assert "Incorrect API key provided: " in str(listed) and "***" in (listed.request_id or "")
    assert "https://platform.openai.com/account/api-keys" in str(listed)  # "openai" is nobody's secret
    for error in (listed, created):
        assert_no_secret(str(error), error.args, error.detail, error.api_message, error.api_code, error.api_type,
                         error.request_id, error.hint)
    assert_no_secret(*test.logs)
    assert test.delays == [0.001]
    assert test.logs[2].startswith(f"   retrying GET {prefix}/assistants in 0.00s after: 500 Internal Server Error: "
                                   "upstream rejected the credentials ")
    for name in masked:
        assert f"{name}: ***" in test.logs[0]


# --- 6. conformance -------------------------------------------------------------------------------

def test_the_body_check_rejects_a_body_the_api_would_refuse() -> None:
    """The `served` fixture's schema check can fail: bodies outside the request schemas are reported."""
    log: list[dict[str, Any]] = [
        {"method": "POST", "route": COLLECTION, "path": "/v1/assistants", "body": {"name": "no model"}},
        {"method": "POST", "route": ITEM, "path": "/v1/assistants/asst_1", "body": {"temperature": "hot"}},
        {"method": "POST", "route": ITEM, "path": "/v1/assistants/asst_1", "body": None},
        {"method": "GET", "route": COLLECTION, "path": "/v1/assistants", "body": None},
    ]
    issues = body_issues(log)
    assert [issue.split(":")[0] for issue in issues] == ["/v1/assistants", "/v1/assistants/asst_1",
                                                         "/v1/assistants/asst_1"]


# --- 7. the CLI end to end ------------------------------------------------------------------------

PROVIDER_VARIABLES = ("OPENAI_", "AZURE_", "PORTKEY_", "ASSISTANTSYNC_")  # prefixes no CLI run may inherit


def cli_env(**values: str) -> dict[str, str]:
    """The environment for a CLI run: the caller's minus every provider variable and proxy, plus `values`."""
    kept = {name: value for name, value in os.environ.items()
            if not name.startswith(PROVIDER_VARIABLES) and "proxy" not in name.lower()}
    return {**kept, **values}


def run_cli(*args: str, env: Mapping[str, str]) -> Any:
    """CliRunner with stdout and stderr apart; every variable not given is unset, so none leaks in."""
    unset: dict[str, str | None] = {name: None for name in os.environ if name.startswith(PROVIDER_VARIABLES)}
    return CliRunner().invoke(cli, list(args), env={**unset, **env}, catch_exceptions=False)


def test_cli_plan_verbose_against_the_served_sandbox_never_prints_the_key(served: ServedSandbox,
                                                                         tmp_path: Path) -> None:
    served.set_auth("openai", OPENAI_KEY)
    environment = cli_env(OPENAI_API_KEY=OPENAI_KEY)
    done = subprocess.run(
        [sys.executable, "-m", "assistantsync", "plan", "--provider", "openai", "--base-url", served.base_url,
         str(EXAMPLES), "-v"],
        capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    for key in EXAMPLE_KEYS:
        assert key in done.stdout
    logged = done.stderr.splitlines()
    assert len(logged) == 2, done.stderr
    assert logged[0].startswith("-> GET /v1/assistants (attempt 1/3) ") and logged[0].endswith("authorization: ***")
    assert logged[1].startswith("<- GET /v1/assistants (attempt 1/3) 200 OK in ")
    assert_no_secret(done.stdout, done.stderr)
    assert_no_secrets(done.stdout, done.stderr, env=environment)
    assert served.stats()["requests"] == {"GET /assistants": 1}  # plan never writes


def test_cli_apply_then_update_sends_bodies_the_api_accepts(served: ServedSandbox, tmp_path: Path) -> None:
    """The bodies the tool builds from the example files (not hand-written ones) match the request schemas."""
    served.set_auth("openai", OPENAI_KEY)
    files = tmp_path / "assistants"
    shutil.copytree(EXAMPLES, files)
    common = ["--provider", "openai", "--base-url", served.base_url, str(files)]
    env = {"OPENAI_API_KEY": OPENAI_KEY}
    applied = run_cli("apply", "--auto-approve", *common, env=env)
    assert applied.exit_code == 0, applied.stderr
    weather = files / "weather.yaml"
    weather.write_text(weather.read_text(encoding="utf-8").replace("temperature: 0.3", "temperature: 0.5"),
                       encoding="utf-8")
    updated = run_cli("apply", "--auto-approve", *common, env=env)
    assert updated.exit_code == 0, updated.stderr
    settled = run_cli("plan", "--detailed-exitcode", *common, env=env)
    assert settled.exit_code == 0, settled.stdout
    log = served.requests()
    bodies = posted_bodies(log)
    assert [entry["route"] for entry in log if entry["method"] == "POST"] == [COLLECTION] * 6 + [ITEM]
    assert bodies[-1]["temperature"] == 0.5
    assert sorted(body["metadata"][MARKER] for body in bodies[:6]) == list(EXAMPLE_KEYS)
    assert body_issues(log) == []
    assert len(stored(served)) == 6
    assert_no_secret(applied.output, updated.output, settled.output)


def test_cli_apply_recovers_a_create_whose_response_was_dropped(served: ServedSandbox, tmp_path: Path) -> None:
    served.set_faults({"kind": "drop_after_write", "times": 1, "method": "POST", "route": COLLECTION})
    result = run_cli("apply", "--auto-approve", "--provider", "openai", "--base-url", served.base_url, str(EXAMPLES),
                     env={"OPENAI_API_KEY": OPENAI_KEY})
    assert result.exit_code == 0, result.output
    keys = sorted(assistant["metadata"][MARKER] for assistant in stored(served))
    assert keys == list(EXAMPLE_KEYS)  # six assistants, none twice
    assert served.count("POST", COLLECTION) == 6  # the dropped one was looked up, not sent again
    assert served.count("GET", COLLECTION) == 4  # plan's listing, one before the creates, find_existing's, one after


def test_cli_max_retries_0_and_a_wrong_key_fail_with_one_request_and_no_key(served: ServedSandbox) -> None:
    common = ["plan", "--provider", "openai", "--base-url", served.base_url, str(EXAMPLES)]
    served.set_faults({"kind": "rate_limit", "times": 1, "retry_after_ms": 30})
    limited = run_cli(*common, "--max-retries", "0", env={"OPENAI_API_KEY": OPENAI_KEY})
    assert limited.exit_code == 1
    assert re.fullmatch(rf"Error: GET /v1/assistants: {re.escape(RATE_LIMITED)} \(request id {REQUEST_ID}\)\n",
                        limited.stderr)
    assert served.count("GET", COLLECTION) == 1

    served.reset()
    served.set_auth("openai", "sk-the-right-one-123456")
    refused = run_cli(*common, "-v", env={"OPENAI_API_KEY": OPENAI_KEY})
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[-1].endswith("; check OPENAI_API_KEY")
    assert_no_secret(limited.output, refused.output, refused.stderr)
    assert served.count("GET", COLLECTION) == 1


class PagesServer(ThreadingHTTPServer):
    """Answers each GET with the next of `bodies`, exactly those bytes, and notes the query it was asked."""

    daemon_threads = True

    def __init__(self, bodies: list[bytes]) -> None:
        super().__init__(("127.0.0.1", 0), _PagesHandler)
        self.bodies = bodies
        self.queries: list[str] = []


class _PagesHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: PagesServer

    def do_GET(self) -> None:
        self.server.queries.append(self.path.partition("?")[2])
        body = self.server.bodies.pop(0)
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def test_a_bad_page_fails_the_list_over_real_http_and_the_client_stays_usable() -> None:
    bad = b'{"object": "list", "data": [{"name": "no id"}], "last_id": "asst_1", "has_more": true}'
    good = b'{"object": "list", "data": [{"id": "asst_9"}], "last_id": "asst_9", "has_more": false}'
    server = PagesServer([bad, good])
    with in_background(server):
        with rig("openai", {"OPENAI_API_KEY": OPENAI_KEY},
                 base_url=f"http://127.0.0.1:{server.server_address[1]}/v1").client as client:
            with pytest.raises(ApiError, match=r"^GET /v1/assistants: item 0 of the list response has no string `id`$"):
                client.list_all()
            assert client.list_all() == [{"id": "asst_9"}]
    assert server.queries == ["limit=100&order=asc", "limit=100&order=asc"]


def test_cli_plan_fails_on_a_list_holding_one_id_twice_and_writes_no_plan(tmp_path: Path) -> None:
    """Two files would otherwise both claim the listed assistant, and the last write would win."""
    repeated = "asst_1\n::error::x"  # from the server, so printed escaped
    first = {"object": "list", "data": [{"id": repeated}, {"id": "asst_2"}], "has_more": True}
    second = {"object": "list", "data": [{"id": repeated}, {"id": "asst_3"}], "has_more": False}
    server = PagesServer([json.dumps(first).encode(), json.dumps(second).encode()])
    saved = tmp_path / "plan.json"
    with in_background(server):
        result = run_cli("plan", "--provider", "openai", "--base-url",
                         f"http://127.0.0.1:{server.server_address[1]}/v1", "--out", str(saved), str(EXAMPLES),
                         env={"OPENAI_API_KEY": OPENAI_KEY})
    assert result.exit_code == 1
    assert result.stderr == ("Error: GET /v1/assistants: page 2 of the list holds id 'asst_1\\n::error::x', already "
                             "listed on page 1; the server listed one object twice, so check its paging (`after` "
                             "cursors) and list again\n")
    assert result.stdout == ""
    assert not saved.exists()
    assert server.queries == ["limit=100&order=asc", "limit=100&order=asc&after=asst_2"]
