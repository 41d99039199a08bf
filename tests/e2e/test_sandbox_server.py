"""The served sandbox over real HTTP (a subprocess on 127.0.0.1): control endpoints, injected
faults, start-up options, persistence, shutdown; and the embedded httpx transport.

Every API response received through `ServedSandbox.api()` is schema-checked by an event hook.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from helpers.sandbox_checks import check_httpx_response
from helpers.sandbox_server import ServedSandbox, serve_sandbox

from assistantsync.sandbox.embedded import SandboxTransport
from assistantsync.sandbox.location import BASE_URL

ITEM = "/assistants/{assistant_id}"


def create(client: httpx.Client, **body: object) -> dict[str, object]:
    response = client.post("/assistants", json={"model": "gpt-4o", **body})
    assert response.status_code == 200, response.text
    data = response.json()
    assert isinstance(data, dict)
    return data


def test_requests_are_counted_and_logged_with_their_bodies(sandbox_server: ServedSandbox) -> None:
    with sandbox_server.api(Authorization="Bearer sk-secret-value") as client:
        created = create(client, name="A", reasoning_effort="high")
        client.get(f"/assistants/{created['id']}")
        client.get("/assistants", params={"limit": 5})
    assert sandbox_server.count("POST", "/assistants") == 1
    assert sandbox_server.stats()["requests"] == {"GET /assistants": 1, f"GET {ITEM}": 1, "POST /assistants": 1}
    first, _, listing = sandbox_server.requests()
    assert (first["method"], first["path"], first["body"], first["status"], first["fault"]) == (
        "POST", "/v1/assistants", {"model": "gpt-4o", "name": "A", "reasoning_effort": "high"}, 200, None)
    assert first["headers"]["authorization"] == "[redacted]"
    assert listing["query"] == {"limit": "5"}
    assert "sk-secret-value" not in str(sandbox_server.requests())
    # The write-only field is not in any response, but the state shows what the sandbox holds.
    (saved,) = sandbox_server.state()["assistants"]
    assert saved["write_only"] == {"reasoning_effort": "high"}


def test_reset_empties_everything(sandbox_server: ServedSandbox) -> None:
    with sandbox_server.api() as client:
        create(client)
    sandbox_server.set_faults({"kind": "server_error"})
    sandbox_server.set_auth("openai")
    sandbox_server.reset()
    stats = sandbox_server.stats()
    assert (stats["assistants"], stats["total"], stats["faults"]["rules"], stats["auth"]["style"]) == (0, 0, [], "none")


def test_rate_limit_fault_answers_429_with_retry_headers_then_recovers(sandbox_server: ServedSandbox) -> None:
    sandbox_server.set_faults({"kind": "rate_limit", "times": 1, "retry_after_ms": 250})
    with sandbox_server.api() as client:
        limited = client.get("/assistants")
        assert limited.status_code == 429
        assert (limited.headers["retry-after-ms"], limited.headers["retry-after"]) == ("250", "1")
        assert limited.json()["error"]["code"] == "rate_limit_exceeded"
        assert client.get("/assistants").status_code == 200
    assert [r["fault"] for r in sandbox_server.requests()] == ["rate_limit", None]


def test_every_nth_matching_request_is_faulted(sandbox_server: ServedSandbox) -> None:
    sandbox_server.set_faults({"kind": "server_error", "every": 2, "status": 503, "method": "GET",
                               "route": "/assistants"})
    with sandbox_server.api() as client:
        statuses = [client.get("/assistants").status_code for _ in range(4)]
        assert create(client)["object"] == "assistant"  # a POST does not match the rule
    assert statuses == [200, 503, 200, 503]
    (rule,) = sandbox_server.faults()["rules"]
    assert (rule["seen"], rule["fired"]) == (4, 2)


def test_drop_after_write_applies_the_write_and_closes_without_a_response(sandbox_server: ServedSandbox) -> None:
    sandbox_server.set_faults({"kind": "drop_after_write", "times": 1})
    with sandbox_server.api() as client:
        assert client.post("/assistants", json={}).status_code == 400  # a failed write is not "a write"
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/assistants", json={"model": "gpt-4o", "name": "applied"})
        (listed,) = client.get("/assistants").json()["data"]  # the same client reconnects
    assert listed["name"] == "applied"
    assert sandbox_server.count("POST", "/assistants") == 2
    assert [(r["status"], r["fault"]) for r in sandbox_server.requests()][1:] == [(200, "drop_after_write"),
                                                                                  (200, None)]


def test_drop_before_closes_the_connection_and_applies_nothing(sandbox_server: ServedSandbox) -> None:
    sandbox_server.set_faults({"kind": "drop_before", "times": 1})
    with sandbox_server.api() as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/assistants", json={"model": "gpt-4o"})
        assert client.get("/assistants").json()["data"] == []
    assert sandbox_server.requests()[0]["status"] is None


def test_latency_delays_requests(sandbox_server: ServedSandbox) -> None:
    sandbox_server.set_faults(latency_ms=300)
    with sandbox_server.api() as client:
        with pytest.raises(httpx.ReadTimeout):  # 300 ms of latency against a 20 ms read timeout
            client.get("/assistants", timeout=httpx.Timeout(5, read=0.02))
        assert client.get("/assistants").status_code == 200
    # The timed-out request is still handled by the server; wait for it so it can't leak into the next test.
    sandbox_server.wait_for_requests(2)
    assert sandbox_server.stats()["requests"] == {"GET /assistants": 2}


def test_a_slow_rule_holds_only_its_requests_and_still_handles_them(sandbox_server: ServedSandbox) -> None:
    sandbox_server.set_faults({"kind": "slow", "delay_ms": 300, "times": 1, "method": "POST", "route": "/assistants"})
    with sandbox_server.api() as client:
        assert client.get("/assistants").status_code == 200  # another route: not held (`seen` below says so)
        with pytest.raises(httpx.ReadTimeout):  # held 300 ms: the client gives up
            client.post("/assistants", json={"model": "gpt-4o", "name": "late"}, timeout=httpx.Timeout(5, read=0.02))
        assert client.post("/assistants", json={"model": "gpt-4o", "name": "on time"}).status_code == 200
    sandbox_server.wait_for_requests(3)  # the held request is still handled, after its delay
    assert sorted(item["assistant"]["name"] for item in sandbox_server.state()["assistants"]) == ["late", "on time"]
    (rule,) = sandbox_server.faults()["rules"]
    assert (rule["kind"], rule["delay_ms"], rule["seen"], rule["fired"]) == ("slow", 300, 2, 1)


@pytest.mark.parametrize(("plan", "message"), [
    ({"rules": [{"kind": "meteor"}]}, "kind must be one of"),
    ({"rules": [{"kind": "rate_limit", "every": 0}]}, "every must be an integer of at least 1"),
    ({"rules": [{"kind": "server_error", "status": 404}]}, "status must be an integer from 500 to 599"),
    ({"rules": [{"kind": "slow", "delay_ms": 60_001}]}, "delay_ms must be an integer from 0 to 60000"),
    ({"latency": 5}, "unknown fields: latency"),
    ({"rules": "all"}, "rules must be a list"),
])
def test_bad_fault_plans_are_refused(sandbox_server: ServedSandbox, plan: dict[str, object], message: str) -> None:
    response = httpx.post(f"{sandbox_server.origin}/__sandbox/faults", json=plan)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_auth_can_be_demanded_at_runtime(sandbox_server: ServedSandbox) -> None:
    assert sandbox_server.set_auth("openai", "sk-good") == {"style": "openai", "key_required": True}
    with sandbox_server.api() as client:
        assert client.get("/assistants").status_code == 401
        assert client.get("/assistants", headers={"Authorization": "Bearer sk-bad"}).status_code == 401
        assert client.get("/assistants", headers={"Authorization": "Bearer sk-good"}).status_code == 200
    assert sandbox_server.stats()["auth"] == {"style": "openai", "key_required": True}
    refused = httpx.post(f"{sandbox_server.origin}/__sandbox/auth", json={"style": "kerberos"},
                         headers={"Authorization": "Bearer sk-good"})
    assert refused.status_code == 400


CONTROL_CALLS = [
    ("GET", "/stats", None),
    ("GET", "/requests", None),
    ("POST", "/reset", None),
    ("GET", "/faults", None),
    ("POST", "/faults", {"rules": [{"kind": "server_error"}]}),
    ("GET", "/auth", None),
    ("POST", "/auth", {"style": "none"}),
    ("GET", "/state", None),
    ("GET", "/nothing", None),
]


@pytest.mark.parametrize(("method", "path", "body"), CONTROL_CALLS)
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer sk-bad"}])
def test_with_auth_on_a_control_request_without_the_key_is_refused_and_changes_nothing(
        sandbox_server: ServedSandbox, method: str, path: str, body: dict[str, object] | None,
        headers: dict[str, str]) -> None:
    with sandbox_server.api() as client:
        create(client)
    sandbox_server.set_auth("openai", "sk-good")
    refused = httpx.request(method, f"{sandbox_server.origin}/__sandbox{path}", json=body, headers=headers)
    assert refused.status_code == 401
    assert set(refused.json()["error"]) == {"message", "type", "param", "code"}
    with sandbox_server.api() as client:
        assert client.get("/assistants").status_code == 401  # auth is still on
    stats = sandbox_server.stats()
    assert (stats["assistants"], stats["faults"]["rules"], stats["auth"]) == (
        1, [], {"style": "openai", "key_required": True})


@pytest.mark.parametrize(("style", "good", "bad"), [
    ("openai", {"Authorization": "Bearer k-right"}, {"Authorization": "Bearer k-wrong"}),
    ("portkey", {"x-portkey-api-key": "k-right", "x-portkey-virtual-key": "vk"},
     {"x-portkey-api-key": "k-wrong", "x-portkey-virtual-key": "vk"}),
    ("azure-openai", {"api-key": "k-right"}, {"api-key": "k-wrong"}),
    ("azure-foundry", {"Authorization": "Bearer k-right"}, {"api-key": "k-right"}),
])
def test_with_auth_on_the_api_key_opens_the_control_endpoints(
        sandbox_server: ServedSandbox, style: str, good: dict[str, str], bad: dict[str, str]) -> None:
    sandbox_server.set_auth(style, "k-right")
    url = f"{sandbox_server.origin}/__sandbox/auth"
    assert httpx.post(url, json={"style": "none"}, headers=bad).status_code == 401
    assert httpx.get(url, headers=good).json() == {"style": style, "key_required": True}
    switched = httpx.post(url, json={"style": "none"}, headers=good)  # no `api-version` needed here
    assert (switched.status_code, switched.json()) == (200, {"style": "none", "key_required": False})
    with sandbox_server.api() as client:
        assert client.get("/assistants").status_code == 200


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/__sandbox/nothing", 404),
    ("DELETE", "/__sandbox/stats", 405),
    ("GET", "/v1/threads", 404),
    ("BREW", "/v1/assistants", 405),
])
def test_unknown_paths_and_methods_answer_in_the_error_shape(sandbox_server: ServedSandbox, method: str, path: str,
                                                             status: int) -> None:
    response = httpx.request(method, f"{sandbox_server.origin}{path}", headers={"OpenAI-Beta": "assistants=v2"})
    assert response.status_code == status
    assert set(response.json()["error"]) == {"message", "type", "param", "code"}


def test_a_chunked_body_is_refused_rather_than_misread(sandbox_server: ServedSandbox) -> None:
    with sandbox_server.api() as client:
        response = client.post("/assistants", content=iter([b'{"model": "m"}']))  # an iterator is sent chunked
    assert response.status_code == 411


def test_keep_alive_serves_many_requests_on_one_connection(sandbox_server: ServedSandbox) -> None:
    host, port = sandbox_server.origin.removeprefix("http://").split(":")
    request = (b"GET /v1/assistants HTTP/1.1\r\nHost: x\r\nOpenAI-Beta: assistants=v2\r\n\r\n")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        reader = connection.makefile("rb")
        for _ in range(3):
            connection.sendall(request)
            assert reader.readline().startswith(b"HTTP/1.1 200")
            headers = {}
            while (line := reader.readline()) != b"\r\n":
                name, _, value = line.decode().partition(":")
                headers[name.lower()] = value.strip()
            reader.read(int(headers["content-length"]))


def test_start_up_options_set_auth_and_faults_and_reset_restores_them() -> None:
    options = ("--auth", "azure-openai", "--rate-limit-every", "2", "--retry-after-ms", "1500")
    with serve_sandbox(*options, env={"ASSISTANTSYNC_SANDBOX_AUTH_KEY": "az-key"}) as served:
        with served.api(**{"api-key": "az-key"}) as client:
            ok = client.get("/assistants", params={"api-version": "2024-05-01-preview"})
            limited = client.get("/assistants", params={"api-version": "2024-05-01-preview"})
            denied = client.get("/assistants", params={"api-version": "v"}, headers={"api-key": "other"})
        assert (ok.status_code, limited.status_code, denied.status_code) == (200, 429, 401)
        assert (limited.headers["retry-after-ms"], limited.headers["retry-after"]) == ("1500", "2")
        served.reset()
        assert served.stats()["auth"] == {"style": "azure-openai", "key_required": True}
        assert [rule["kind"] for rule in served.faults()["rules"]] == ["rate_limit"]
    assert served.process.returncode == 0  # SIGTERM is a clean stop


def test_state_file_survives_a_restart_and_is_shared_with_the_embedded_transport(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.json"
    with serve_sandbox("--state", str(state)) as served, served.api() as client:
        created = create(client, name="persisted")
    with serve_sandbox("--state", str(state)) as served, served.api() as client:
        assert client.get(f"/assistants/{created['id']}").json() == created
    with httpx.Client(transport=SandboxTransport(state), base_url=BASE_URL,
                      headers={"OpenAI-Beta": "assistants=v2"}) as embedded:
        assert embedded.get(f"/assistants/{created['id']}").json() == created


def test_sigint_is_a_clean_stop_too() -> None:
    with serve_sandbox() as served:
        served.process.send_signal(signal.SIGINT)
        assert served.process.wait(timeout=10) == 0


def test_embedded_transport_round_trip(sandbox_transport: SandboxTransport) -> None:
    with httpx.Client(transport=sandbox_transport, base_url=BASE_URL, headers={"OpenAI-Beta": "assistants=v2"},
                      event_hooks={"response": [check_httpx_response]}) as client:
        created = create(client, tools=[{"type": "file_search"}], metadata={"team": "a"})
        path = f"/assistants/{created['id']}"
        updated = client.post(path, json={"metadata": {"team": "b"}, "name": "N"}).json()
        assert {**created, "metadata": {"team": "b"}, "name": "N"} == updated
        assert client.get("/assistants").json()["data"] == [updated]
        assert client.get(path).json() == updated
        assert client.delete(path).json() == {"id": created["id"], "object": "assistant.deleted", "deleted": True}
        assert client.get(path).status_code == 404
        assert client.get("/assistants").json()["data"] == []
        # The server's control endpoints do not exist in the embedded mode.
        assert client.get("http://sandbox.invalid/__sandbox/stats").status_code == 404
    assert sandbox_transport.traffic.count("POST", "/assistants") == 1
    assert sandbox_transport.traffic.count("GET", ITEM) == 2


def test_a_busy_port_is_a_clean_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = subprocess.run([sys.executable, "-m", "assistantsync.sandbox", "serve", "--port", port],
                                capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (1, "")
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
