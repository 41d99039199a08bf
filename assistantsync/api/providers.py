"""Which providers exist and how options + environment become ConnectionSettings, checked before any request.

PROVIDERS is data, so the README's providers table and every error message come from one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from assistantsync.api.connection import DEFAULT_MAX_RESPONSE_MIB, ConnectionSettings
from assistantsync.api.credentials import (
    OPENAI_HOSTED_BASE_URL,
    PORTKEY_HOSTED_BASE_URL,
    PORTKEY_ROUTES,
    Auth,
    AzureToken,
    Env,
    azure_foundry_auth,
    azure_identity_token,
    azure_openai_auth,
    openai_auth,
    portkey_auth,
    sandbox_auth,
)
from assistantsync.api.redaction import is_sensitive_header
from assistantsync.errors import ConnectionConfigError
from assistantsync.safe_text import join_words
from assistantsync.sandbox import location as sandbox

if TYPE_CHECKING:
    import httpx

__all__ = [
    "COMMON_VARIABLES",
    "PROVIDERS",
    "Provider",
    "parse_headers",
    "provider_variables",
    "providers_serving",
    "resolve_connection",
]

DEFAULT_PROVIDER = "openai"
COMMON_VARIABLES = ("ASSISTANTSYNC_PROVIDER", "ASSISTANTSYNC_BASE_URL")  # read by the click options
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP token (RFC 9110 §5.1)


@dataclass(frozen=True)
class Provider:
    name: str
    summary: str
    default_base_url: str  # as documented; may name the variable it comes from
    variables: tuple[str, ...]  # every environment variable it reads
    auth: Callable[[Env, str | None, str | None], Auth] = field(repr=False)  # (env, --base-url, --api-version)
    kinds: tuple[str, ...] = ("assistant",)  # the resource kinds it serves
    notices: Mapping[str, str] = field(default_factory=dict)  # kind -> the line a plan touching it prints


# Azure AI Foundry Agents (classic), which serves the Assistants protocol, retires on this day.
FOUNDRY_CLASSIC_RETIRES = "2027-03-31"
FOUNDRY_CLASSIC_NOTICE = (f"note: Azure AI Foundry Agents (classic), which serves these assistants, retires on "
                          f"{FOUNDRY_CLASSIC_RETIRES}; `assistantsync migrate` turns assistant files into agent files "
                          "(README, \"Moving assistants to agents\")")


PROVIDERS: Mapping[str, Provider] = {
    provider.name: provider
    for provider in (
        Provider("openai", "OpenAI, or any OpenAI-compatible server",
                 f"{OPENAI_HOSTED_BASE_URL}, or $OPENAI_BASE_URL",
                 ("OPENAI_API_KEY", "OPENAI_BASE_URL"), openai_auth),
        Provider("portkey", "Portkey AI gateway, hosted or self-hosted",
                 f"{PORTKEY_HOSTED_BASE_URL}, or $PORTKEY_BASE_URL",
                 ("PORTKEY_API_KEY", "PORTKEY_BASE_URL", *PORTKEY_ROUTES, "OPENAI_API_KEY"), portkey_auth),
        Provider("azure-openai", "Azure OpenAI resource (its Assistants API retired 2026-08-26)",
                 "$AZURE_OPENAI_ENDPOINT/openai",
                 ("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "OPENAI_API_VERSION"), azure_openai_auth),
        Provider("azure-foundry", "Azure AI Foundry project: agents, and assistants (classic) until 2027-03-31",
                 "$AZURE_AI_PROJECT_ENDPOINT",
                 ("AZURE_AI_PROJECT_ENDPOINT", "AZURE_AI_TOKEN"), azure_foundry_auth, ("assistant", "agent"),
                 {"assistant": FOUNDRY_CLASSIC_NOTICE}),
        Provider("sandbox", "local emulation in a JSON file (--sandbox-state); no credentials",
                 sandbox.BASE_URL, (), sandbox_auth, ("assistant", "agent")),
    )
}


def providers_serving(kind: str) -> list[str]:
    """The providers that serve a kind of resource, as --provider takes them."""
    return [name for name, provider in PROVIDERS.items() if kind in provider.kinds]


def provider_variables() -> dict[str, tuple[str, ...]]:
    """Per provider, the environment variables it reads (besides COMMON_VARIABLES); for the README."""
    return {name: provider.variables for name, provider in PROVIDERS.items()}


def resolve_connection(
    provider: str,
    env: Mapping[str, str],
    *,
    base_url: str | None = None,
    api_version: str | None = None,
    extra_headers: Sequence[str] = (),
    timeout: float = 60.0,
    max_retries: int = 2,
    parallelism: int = 8,
    sandbox_state: Path = sandbox.DEFAULT_STATE_PATH,
    azure_token: AzureToken = azure_identity_token,
    max_response_mib: int = DEFAULT_MAX_RESPONSE_MIB,
    key_variable: str | None = None,
) -> tuple[ConnectionSettings, httpx.BaseTransport | None]:
    """Settings for `provider` plus the transport to inject (the embedded sandbox's, else None).

    `base_url` (--base-url) replaces the provider's base as is; `api_version` (--api-version) is sent as
    the `api-version` query on every request, whatever the provider; `key_variable` (a project environment's
    api_key_env) names the variable to read the provider's key from instead of its own.
    """
    spec = PROVIDERS.get(provider)
    if spec is None:
        raise ConnectionConfigError(f"unknown provider {provider!r}; choose {join_words(sorted(PROVIDERS), 'or')}")
    override = _checked_base_url(base_url, "--base-url") if base_url else None
    view = Env(provider, env, azure_token, key_variable=key_variable)
    auth = spec.auth(view, override, api_version)
    extra = parse_headers(extra_headers)
    replaced = {name.lower() for name in extra}  # a --header replaces the provider's header of that name
    headers = {name: value for name, value in auth.headers.items() if name.lower() not in replaced}
    headers.update(extra)
    params = {**auth.params, **({"api-version": api_version} if api_version else {})}
    extra_secrets = tuple(value for name, value in extra.items() if is_sensitive_header(name))
    hint_vars = [*map(view.named, auth.credential_vars), *(["the --header values"] if extra_secrets else [])]
    checked_base_url = _checked_base_url(auth.base_url, f"the base URL of --provider {provider}")
    url_password = urlsplit(checked_base_url).password  # https://user:password@host/v1: scrubbed like a key
    settings = ConnectionSettings(
        base_url=checked_base_url,
        headers=headers,
        params=params,
        timeout=timeout,
        max_retries=max_retries,
        parallelism=parallelism,
        secrets=frozenset(secret for secret in (*auth.secrets, *extra_secrets, url_password) if secret),
        auth_hint=f"check {join_words(hint_vars, 'and')}" if hint_vars else "",
        max_body_bytes=max_response_mib * 2**20,
        provider=provider,
        kinds=spec.kinds,
        notices=spec.notices,
    )
    return settings, _embedded_sandbox(sandbox_state) if auth.embedded else None


def parse_headers(raw: Sequence[str]) -> dict[str, str]:
    """`--header 'Name: value'` options as a dict; a malformed one is an error that does not echo it."""
    headers: dict[str, str] = {}
    for number, item in enumerate(raw, start=1):
        name, colon, value = item.partition(":")
        name, value = name.strip(), value.strip()
        if not colon or not _HEADER_NAME.fullmatch(name) or "\n" in value or "\r" in value:
            # Not shown: a malformed header is often a credential missing its colon.
            raise ConnectionConfigError(f"--header number {number} is not of the form 'Name: value'")
        headers = {key: v for key, v in headers.items() if key.lower() != name.lower()}  # last one wins
        headers[name] = value
    return headers


def _checked_base_url(url: str, source: str) -> str:
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # raises for a port that is no number, or one above 65535
        usable = (parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.query
                  and not parts.fragment and port != 0)
    except ValueError:  # an unclosed IPv6 bracket, a port that is no number
        usable = False
    if not usable:
        shown = url if "@" not in url else "(a URL with credentials, not shown)"
        raise ConnectionConfigError(f"{source} must be an http(s) URL like {OPENAI_HOSTED_BASE_URL}, not {shown!r}")
    return url.strip().rstrip("/")


def _embedded_sandbox(state: Path) -> httpx.BaseTransport:
    from assistantsync.sandbox.embedded import SandboxTransport  # only this provider pays for the import

    return SandboxTransport(state)
