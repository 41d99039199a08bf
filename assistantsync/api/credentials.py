"""How each provider authenticates: read its variables, build its headers and query, or name what is missing.

The only code that reads credentials. Every missing variable is collected first, so one line can
name them all (shared notes, api-behavior §8 for Portkey and Azure).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from assistantsync.api.redaction import is_sensitive_header
from assistantsync.errors import ConnectionConfigError, MissingCredentials
from assistantsync.safe_text import join_words
from assistantsync.sandbox import location as sandbox

OPENAI_HOSTED_BASE_URL = "https://api.openai.com/v1"
PORTKEY_HOSTED_BASE_URL = "https://api.portkey.ai/v1"
PORTKEY_ROUTES = {  # how the gateway learns which provider to call: exactly one of these
    "PORTKEY_VIRTUAL_KEY": "x-portkey-virtual-key",
    "PORTKEY_PROVIDER": "x-portkey-provider",
    "PORTKEY_CONFIG": "x-portkey-config",
}
AZURE_AI_SCOPE = "https://ai.azure.com/.default"
AzureToken = Callable[[str], "str | None"]  # scope -> token; None when azure-identity is not installed
# The variable holding each provider's own credential, which a project environment's `api_key_env` replaces.
KEY_VARIABLES = {"openai": "OPENAI_API_KEY", "portkey": "PORTKEY_API_KEY", "azure-openai": "AZURE_OPENAI_API_KEY",
                 "azure-foundry": "AZURE_AI_TOKEN"}


@dataclass
class Env:
    """A provider's view of the environment; collects what is missing so one message names it all."""

    provider: str
    variables: Mapping[str, str]
    azure_token: AzureToken
    missing: list[str] = field(default_factory=list)
    key_variable: str | None = None  # an environment's api_key_env: read the provider's key from it instead

    def named(self, name: str) -> str:
        """The variable actually read for `name`: the key_variable in place of the provider's key variable."""
        return self.key_variable if self.key_variable and name == KEY_VARIABLES.get(self.provider) else name

    def get(self, name: str) -> str | None:
        return self.variables.get(self.named(name), "").strip() or None

    def require(self, name: str, alternative: str = "") -> str:
        value = self.get(name)
        if value is None:
            self.missing.append(self.named(name) + alternative)
        return value or ""

    def check(self) -> None:
        if self.missing:
            raise MissingCredentials(self.provider, self.missing)


@dataclass(frozen=True)
class Auth:
    """What a provider contributes to ConnectionSettings."""

    base_url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()
    credential_vars: tuple[str, ...] = ()  # named in the hint on 401/403
    embedded: bool = False  # answered in-process by the sandbox transport


def openai_auth(env: Env, base_url: str | None, api_version: str | None) -> Auth:
    key = env.require("OPENAI_API_KEY")
    env.check()
    base = base_url or env.get("OPENAI_BASE_URL") or OPENAI_HOSTED_BASE_URL
    return Auth(base, {"Authorization": f"Bearer {key}"}, secrets=(key,), credential_vars=("OPENAI_API_KEY",))


def portkey_auth(env: Env, base_url: str | None, api_version: str | None) -> Auth:
    base = base_url or env.get("PORTKEY_BASE_URL") or PORTKEY_HOSTED_BASE_URL
    # The hosted service needs a Portkey key; a self-hosted gateway has no accounts, so there it is optional.
    hosted = _hostname(base) == _hostname(PORTKEY_HOSTED_BASE_URL)
    portkey_key = env.require("PORTKEY_API_KEY") if hosted else env.get("PORTKEY_API_KEY")
    routes = [name for name in PORTKEY_ROUTES if env.get(name)]
    if len(routes) > 1:
        choices = join_words(list(PORTKEY_ROUTES), "or")
        raise ConnectionConfigError(f"--provider portkey: set only one of {choices}, not {join_words(routes, 'and')}")
    if not routes:
        env.missing.append(f"one of {join_words(list(PORTKEY_ROUTES), 'or')}")
    route = routes[0] if routes else ""
    value = env.get(route) or ""
    # x-portkey-provider forwards our Authorization to the provider, unless it names a Model Catalog
    # entry ("@slug") that holds the key itself.
    needs_provider_key = route == "PORTKEY_PROVIDER" and not value.startswith("@")
    provider_key = env.require("OPENAI_API_KEY") if needs_provider_key else None
    env.check()
    headers = {PORTKEY_ROUTES[route]: value}
    if portkey_key:
        headers["x-portkey-api-key"] = portkey_key
    if provider_key:
        headers["Authorization"] = f"Bearer {provider_key}"
    secrets = [portkey_key or "", provider_key or ""]
    if route != "PORTKEY_PROVIDER":
        secrets.extend([value, *_inline_secrets(value)])  # an inline config may embed provider keys
    used = [name for name, v in (("PORTKEY_API_KEY", portkey_key), ("OPENAI_API_KEY", provider_key)) if v]
    return Auth(base, headers, secrets=tuple(s for s in secrets if s), credential_vars=(*used, route))


def azure_openai_auth(env: Env, base_url: str | None, api_version: str | None) -> Auth:
    endpoint = None if base_url else env.require("AZURE_OPENAI_ENDPOINT", " (or --base-url)")
    key = env.require("AZURE_OPENAI_API_KEY")
    version = api_version or env.require("OPENAI_API_VERSION", " (or --api-version)")
    env.check()
    # Assistants are resource-scoped: {endpoint}/openai/assistants, no /deployments/ segment.
    base = base_url or (endpoint or "").rstrip("/").removesuffix("/openai") + "/openai"
    return Auth(base, {"api-key": key}, {"api-version": version}, (key,), ("AZURE_OPENAI_API_KEY",))


def azure_foundry_auth(env: Env, base_url: str | None, api_version: str | None) -> Auth:
    endpoint = None if base_url else env.require("AZURE_AI_PROJECT_ENDPOINT", " (or --base-url)")
    env.check()  # first: azure-identity may try several ways to sign in, some over the network
    token = env.get("AZURE_AI_TOKEN") or env.azure_token(AZURE_AI_SCOPE)
    if not token:
        env.missing.append(f"{env.named('AZURE_AI_TOKEN')} (or install assistantsync[azure] to sign in with "
                           "DefaultAzureCredential)")
        env.check()
    base = base_url or (endpoint or "").rstrip("/")
    headers = {"Authorization": f"Bearer {token}"}
    return Auth(base, headers, {"api-version": api_version or "v1"}, (token or "",), ("AZURE_AI_TOKEN",))


def sandbox_auth(env: Env, base_url: str | None, api_version: str | None) -> Auth:
    # With --base-url, talk HTTP to `assistantsync sandbox serve`; otherwise answer in-process.
    return Auth(base_url or sandbox.BASE_URL, embedded=base_url is None)


def azure_identity_token(scope: str) -> str | None:
    """A token from DefaultAzureCredential (az login, managed identity...); None without the [azure] extra."""
    try:
        identity = importlib.import_module("azure.identity")  # optional dependency, loaded only here
    except ImportError:
        return None
    failure: Any = importlib.import_module("azure.core.exceptions").ClientAuthenticationError
    try:
        return str(identity.DefaultAzureCredential().get_token(scope).token)
    except failure as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ConnectionConfigError(f"--provider azure-foundry: Azure sign-in failed: {first_line}") from error


def _inline_secrets(config: str) -> Iterator[str]:
    """String values under credential-like keys of an inline JSON config (a config id yields nothing)."""
    try:
        data: Any = json.loads(config)
    except ValueError:
        return
    stack = [data]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            if isinstance(value, str) and is_sensitive_header(str(key)):
                yield value
            elif isinstance(value, (dict, list)):
                stack.append(value)


def _hostname(url: str) -> str | None:
    """The URL's host, None when it has none or cannot be read (the base URL check words that)."""
    try:
        return urlsplit(url).hostname
    except ValueError:  # an unclosed IPv6 bracket
        return None
