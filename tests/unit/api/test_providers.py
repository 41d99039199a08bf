"""resolve_connection: environment + options -> base URL, headers, query; every missing credential named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistantsync.api.connection import ConnectionSettings
from assistantsync.api.providers import PROVIDERS, parse_headers, provider_variables, resolve_connection
from assistantsync.errors import ConnectionConfigError, MissingCredentials

KEY = "sk-test-LEAKCHECK-1234567890"
PK = "pk-test-LEAKCHECK-portkey-0987"


def no_azure_identity(scope: str) -> str | None:
    return None


def resolve(provider: str, env: dict[str, str], **options: Any) -> ConnectionSettings:
    options.setdefault("azure_token", no_azure_identity)
    settings, transport = resolve_connection(provider, env, **options)
    assert transport is None
    return settings


CASES = [
    pytest.param("openai", {"OPENAI_API_KEY": KEY}, {},
                 "https://api.openai.com/v1", {"Authorization": f"Bearer {KEY}"}, {}, id="openai"),
    pytest.param("openai", {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": "http://localhost:8000/v1/"}, {},
                 "http://localhost:8000/v1", {"Authorization": f"Bearer {KEY}"}, {}, id="openai-base-url-env"),
    pytest.param("openai", {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": "http://a.test/v1"},
                 {"base_url": "http://127.0.0.1:9/v1"},
                 "http://127.0.0.1:9/v1", {"Authorization": f"Bearer {KEY}"}, {}, id="openai-base-url-option-wins"),
    pytest.param("portkey", {"PORTKEY_API_KEY": PK, "PORTKEY_VIRTUAL_KEY": "openai-vk-123456"}, {},
                 "https://api.portkey.ai/v1", {"x-portkey-api-key": PK, "x-portkey-virtual-key": "openai-vk-123456"},
                 {}, id="portkey-virtual-key"),
    pytest.param("portkey", {"PORTKEY_API_KEY": PK, "PORTKEY_PROVIDER": "openai", "OPENAI_API_KEY": KEY}, {},
                 "https://api.portkey.ai/v1",
                 {"x-portkey-api-key": PK, "x-portkey-provider": "openai", "Authorization": f"Bearer {KEY}"},
                 {}, id="portkey-provider"),
    pytest.param("portkey", {"PORTKEY_API_KEY": PK, "PORTKEY_PROVIDER": "@my-openai"}, {},
                 "https://api.portkey.ai/v1", {"x-portkey-api-key": PK, "x-portkey-provider": "@my-openai"},
                 {}, id="portkey-model-catalog"),
    pytest.param("portkey", {"PORTKEY_API_KEY": PK, "PORTKEY_CONFIG": "pc-assist-1a2b3c"}, {},
                 "https://api.portkey.ai/v1", {"x-portkey-api-key": PK, "x-portkey-config": "pc-assist-1a2b3c"},
                 {}, id="portkey-config"),
    pytest.param("portkey", {"PORTKEY_BASE_URL": "http://localhost:8787/v1", "PORTKEY_PROVIDER": "openai",
                             "OPENAI_API_KEY": KEY}, {},
                 "http://localhost:8787/v1", {"x-portkey-provider": "openai", "Authorization": f"Bearer {KEY}"},
                 {}, id="portkey-self-hosted-needs-no-portkey-key"),
    pytest.param("azure-openai", {"AZURE_OPENAI_ENDPOINT": "https://res.openai.azure.com/",
                                  "AZURE_OPENAI_API_KEY": KEY, "OPENAI_API_VERSION": "2024-05-01-preview"}, {},
                 "https://res.openai.azure.com/openai", {"api-key": KEY}, {"api-version": "2024-05-01-preview"},
                 id="azure-openai"),
    pytest.param("azure-openai", {"AZURE_OPENAI_ENDPOINT": "https://res.openai.azure.com/openai",
                                  "AZURE_OPENAI_API_KEY": KEY, "OPENAI_API_VERSION": "2024-05-01-preview"},
                 {"api_version": "2025-01-01-preview"},
                 "https://res.openai.azure.com/openai", {"api-key": KEY}, {"api-version": "2025-01-01-preview"},
                 id="azure-openai-version-option-wins"),
    pytest.param("azure-foundry", {"AZURE_AI_PROJECT_ENDPOINT": "https://r.services.ai.azure.com/api/projects/p",
                                   "AZURE_AI_TOKEN": KEY}, {},
                 "https://r.services.ai.azure.com/api/projects/p", {"Authorization": f"Bearer {KEY}"},
                 {"api-version": "v1"}, id="azure-foundry"),
    pytest.param("azure-foundry", {"AZURE_AI_PROJECT_ENDPOINT": "https://r.services.ai.azure.com/api/projects/p",
                                   "AZURE_AI_TOKEN": KEY}, {"api_version": "2025-05-15-preview"},
                 "https://r.services.ai.azure.com/api/projects/p", {"Authorization": f"Bearer {KEY}"},
                 {"api-version": "2025-05-15-preview"}, id="azure-foundry-version"),
    pytest.param("sandbox", {}, {"base_url": "http://127.0.0.1:8080/v1"},
                 "http://127.0.0.1:8080/v1", {}, {}, id="sandbox-served"),
    pytest.param("openai", {"OPENAI_API_KEY": KEY}, {"api_version": "2024-10-21"},
                 "https://api.openai.com/v1", {"Authorization": f"Bearer {KEY}"}, {"api-version": "2024-10-21"},
                 id="api-version-on-any-provider"),
]


@pytest.mark.parametrize(("provider", "env", "options", "base_url", "headers", "params"), CASES)
def test_each_provider_builds_its_base_url_headers_and_query(
    provider: str, env: dict[str, str], options: dict[str, Any], base_url: str, headers: dict[str, str],
    params: dict[str, str],
) -> None:
    settings = resolve(provider, env, **options)
    assert (settings.base_url, dict(settings.headers), dict(settings.params)) == (base_url, headers, params)


def test_credentials_become_secrets_and_name_the_hint() -> None:
    settings = resolve("portkey", {"PORTKEY_API_KEY": PK, "PORTKEY_PROVIDER": "openai", "OPENAI_API_KEY": KEY})
    assert settings.secrets == {PK, KEY}
    assert settings.auth_hint == "check PORTKEY_API_KEY, OPENAI_API_KEY and PORTKEY_PROVIDER"


def test_a_password_in_the_base_url_is_a_secret_and_no_part_of_the_target() -> None:
    settings = resolve("openai", {"OPENAI_API_KEY": KEY}, base_url="https://bob:pw-LEAKCHECK-77@gw.example:8443/v1")
    assert settings.secrets == {KEY, "pw-LEAKCHECK-77"}
    assert settings.target == "https://gw.example:8443/v1"


def test_an_inline_portkey_config_masks_the_keys_inside_it() -> None:
    config = '{"provider": "openai", "api_key": "sk-inline-LEAKCHECK-42", "retry": {"attempts": 3}}'
    settings = resolve("portkey", {"PORTKEY_API_KEY": PK, "PORTKEY_CONFIG": config})
    assert settings.secrets == {PK, config, "sk-inline-LEAKCHECK-42"}


def test_a_token_from_azure_identity_is_used_when_no_token_is_set() -> None:
    scopes: list[str] = []

    def signed_in(scope: str) -> str | None:
        scopes.append(scope)
        return "eyJ-fake-entra-token"

    settings = resolve("azure-foundry", {"AZURE_AI_PROJECT_ENDPOINT": "https://r.services.ai.azure.com/api/projects/p"},
                       azure_token=signed_in)
    assert settings.headers == {"Authorization": "Bearer eyJ-fake-entra-token"}
    assert scopes == ["https://ai.azure.com/.default"]
    assert "eyJ-fake-entra-token" in settings.secrets


def test_the_sandbox_answers_in_process_without_credentials(tmp_path: Path) -> None:
    from assistantsync.sandbox.embedded import SandboxTransport

    settings, transport = resolve_connection("sandbox", {}, sandbox_state=tmp_path / "state.json")
    assert settings.base_url == "http://sandbox.invalid/v1"
    assert isinstance(transport, SandboxTransport)
    assert settings.headers == {} and settings.secrets == frozenset()


MISSING = [
    pytest.param("openai", {}, {}, "set OPENAI_API_KEY", id="openai"),
    pytest.param("openai", {"OPENAI_API_KEY": "  "}, {}, "set OPENAI_API_KEY", id="openai-blank"),
    pytest.param("portkey", {}, {},
                 "set PORTKEY_API_KEY and one of PORTKEY_VIRTUAL_KEY, PORTKEY_PROVIDER or PORTKEY_CONFIG",
                 id="portkey-nothing"),
    pytest.param("portkey", {"PORTKEY_PROVIDER": "openai"}, {}, "set PORTKEY_API_KEY and OPENAI_API_KEY",
                 id="portkey-provider-without-keys"),
    pytest.param("portkey", {"PORTKEY_API_KEY": PK}, {"base_url": "http://localhost:8787/v1"},
                 "set one of PORTKEY_VIRTUAL_KEY, PORTKEY_PROVIDER or PORTKEY_CONFIG", id="portkey-self-hosted"),
    pytest.param("azure-openai", {}, {},
                 "set AZURE_OPENAI_ENDPOINT (or --base-url), AZURE_OPENAI_API_KEY and OPENAI_API_VERSION "
                 "(or --api-version)", id="azure-openai-nothing"),
    pytest.param("azure-openai", {"AZURE_OPENAI_ENDPOINT": "https://r.openai.azure.com", "AZURE_OPENAI_API_KEY": KEY},
                 {}, "set OPENAI_API_VERSION (or --api-version)", id="azure-openai-no-version"),
    pytest.param("azure-foundry", {}, {}, "set AZURE_AI_PROJECT_ENDPOINT (or --base-url)", id="azure-foundry"),
    pytest.param("azure-foundry", {"AZURE_AI_PROJECT_ENDPOINT": "https://r.services.ai.azure.com/api/projects/p"},
                 {}, "set AZURE_AI_TOKEN (or install assistantsync[azure] to sign in with DefaultAzureCredential)",
                 id="azure-foundry-no-token"),
]


@pytest.mark.parametrize(("provider", "env", "options", "message"), MISSING)
def test_missing_credentials_are_named_in_one_line(
    provider: str, env: dict[str, str], options: dict[str, Any], message: str
) -> None:
    with pytest.raises(MissingCredentials) as caught:
        resolve(provider, env, **options)
    assert caught.value.message == f"Missing credentials for --provider {provider}: {message}"


def test_two_portkey_routes_at_once_are_refused() -> None:
    env = {"PORTKEY_API_KEY": PK, "PORTKEY_PROVIDER": "openai", "PORTKEY_CONFIG": "pc-1"}
    with pytest.raises(ConnectionConfigError) as caught:
        resolve("portkey", env)
    assert caught.value.message == (
        "--provider portkey: set only one of PORTKEY_VIRTUAL_KEY, PORTKEY_PROVIDER or PORTKEY_CONFIG, "
        "not PORTKEY_PROVIDER and PORTKEY_CONFIG"
    )


@pytest.mark.parametrize(("url", "shown"), [("ftp://x.test/v1", "'ftp://x.test/v1'"), ("api.openai.com/v1", None),
                                            ("https://u:p@/v1", "'(a URL with credentials, not shown)'"),
                                            ("http://[::1/v1", "'http://[::1/v1'"),
                                            ("http://x.test:99999/v1", "'http://x.test:99999/v1'"),
                                            ("http://x.test:0/v1", "'http://x.test:0/v1'"),
                                            ("http://x.test:port/v1", "'http://x.test:port/v1'"),
                                            ("https://u:p@[::1/v1", "'(a URL with credentials, not shown)'")])
def test_a_base_url_must_be_http(url: str, shown: str | None) -> None:
    with pytest.raises(ConnectionConfigError, match=r"^--base-url must be an http\(s\) URL") as caught:
        resolve("openai", {"OPENAI_API_KEY": KEY}, base_url=url)
    if shown:
        assert caught.value.message.endswith(f"not {shown}")


def test_a_portkey_base_url_that_cannot_be_read_gets_the_base_url_message() -> None:
    with pytest.raises(ConnectionConfigError, match=r"^the base URL of --provider portkey must be an http\(s\) URL"):
        resolve("portkey", {"PORTKEY_BASE_URL": "http://[::1", "PORTKEY_PROVIDER": "@openai-prod"})


def test_an_unknown_provider_lists_the_known_ones() -> None:
    with pytest.raises(ConnectionConfigError, match="unknown provider 'nope'; choose azure-foundry, azure-openai,"):
        resolve("nope", {})


@pytest.mark.parametrize(("raw", "expected"), [
    (["X-Trace: abc"], {"X-Trace": "abc"}),
    (["X-Trace:abc  "], {"X-Trace": "abc"}),
    (["X-Url: http://a:b"], {"X-Url": "http://a:b"}),
    (["X-Empty:"], {"X-Empty": ""}),
    (["x-a: 1", "X-A: 2"], {"X-A": "2"}),  # names ignore case; the last one wins
])
def test_headers_parse(raw: list[str], expected: dict[str, str]) -> None:
    assert parse_headers(raw) == expected


@pytest.mark.parametrize("raw", ["Authorization Bearer sk-oops-LEAKCHECK", ": value", "Bad Name: v", "X: a\nb"])
def test_a_malformed_header_is_one_line_that_does_not_echo_it(raw: str) -> None:
    with pytest.raises(ConnectionConfigError) as caught:
        parse_headers(["X-Ok: 1", raw])
    assert caught.value.message == "--header number 2 is not of the form 'Name: value'"


def test_extra_headers_replace_provider_headers_and_auth_like_values_become_secrets() -> None:
    settings = resolve("openai", {"OPENAI_API_KEY": KEY},
                       extra_headers=["authorization: Bearer other-LEAKCHECK", "X-Gateway-Token: tok-LEAKCHECK-9",
                                      "X-Trace: visible-trace"])
    assert settings.headers == {"authorization": "Bearer other-LEAKCHECK", "X-Gateway-Token": "tok-LEAKCHECK-9",
                                "X-Trace": "visible-trace"}
    assert settings.secrets == {KEY, "Bearer other-LEAKCHECK", "tok-LEAKCHECK-9"}
    assert settings.auth_hint == "check OPENAI_API_KEY and the --header values"


class RecordingEnv(dict[str, str]):
    """An environment that remembers which variables were looked up."""

    read: set[str]

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)


FULL_ENV = {
    "OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": "http://o.test/v1", "PORTKEY_API_KEY": PK,
    "PORTKEY_BASE_URL": "http://p.test/v1", "PORTKEY_PROVIDER": "openai", "AZURE_OPENAI_ENDPOINT": "https://a.test",
    "AZURE_OPENAI_API_KEY": KEY, "OPENAI_API_VERSION": "2024-05-01-preview",
    "AZURE_AI_PROJECT_ENDPOINT": "https://f.test/api/projects/p", "AZURE_AI_TOKEN": KEY,
}


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_the_documented_variables_are_exactly_those_read(provider: str, tmp_path: Path) -> None:
    env = RecordingEnv(FULL_ENV)
    env.read = set()
    resolve_connection(provider, env, azure_token=no_azure_identity, sandbox_state=tmp_path / "s.json")
    assert env.read <= set(provider_variables()[provider])
    assert set(provider_variables()) == set(PROVIDERS)
