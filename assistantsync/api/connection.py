"""How to reach one API: the settings, and the httpx.Client built from them (headers, TLS, limits, proxies).

httpx is imported when a client is built, so `assistantsync --help` never loads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from assistantsync import __version__

if TYPE_CHECKING:
    import ssl

    import httpx

# A kind may drop or replace one of these on its requests (ResourceKind.headers): the agents API has no use for
# the Assistants API's `OpenAI-Beta`.
DEFAULT_HEADERS = {
    "OpenAI-Beta": "assistants=v2",
    "User-Agent": f"assistantsync/{__version__}",
    "Accept": "application/json",
    "Content-Type": "application/json",
}
# Per response, counted after decompression as it is read: a 1 MB gzip body can expand to a gigabyte.
DEFAULT_MAX_RESPONSE_MIB = 64


@dataclass(frozen=True)
class ConnectionSettings:
    """Everything needed to reach one API; built by providers.resolve_connection."""

    base_url: str  # e.g. https://api.openai.com/v1; paths like /assistants are appended
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)  # repr=False: holds credentials
    params: Mapping[str, str] = field(default_factory=dict)  # query on EVERY request (Azure api-version)
    timeout: float = 60.0  # seconds for a whole attempt: connecting, sending, and reading the body to its end
    max_retries: int = 2
    parallelism: int = 8
    secrets: frozenset[str] = field(default=frozenset(), repr=False)  # values scrubbed from all output
    auth_hint: str = ""  # appended to 401/403 errors, e.g. "check OPENAI_API_KEY"
    max_body_bytes: int = DEFAULT_MAX_RESPONSE_MIB * 2**20  # --max-response-mib
    provider: str = "openai"  # the --provider it was made for, named when a kind is not served
    kinds: tuple[str, ...] = ("assistant",)  # the resource kinds this API serves
    # Per kind, one line a plan touching it prints (an API that retires soon): kind -> line.
    notices: Mapping[str, str] = field(default_factory=dict)

    @property
    def target(self) -> str:
        """The base URL without a `user:password@` in it: where a saved plan says it was made."""
        parts = urlsplit(self.base_url)
        return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))

    def __post_init__(self) -> None:
        if self.max_retries < 0 or self.parallelism < 1 or self.timeout <= 0 or self.max_body_bytes < 1:
            raise ValueError("max_retries must be >= 0, parallelism >= 1, timeout > 0 and max_body_bytes >= 1")


def _verify(base_url: str, *, trust_env: bool) -> ssl.SSLContext | bool:
    """TLS verification for the client: httpx's default loads the CA bundle, which a plain-http server reached
    without a proxy never needs. That client gets a context that still verifies but trusts nobody,
    so a TLS connection it was never meant to make fails rather than goes unchecked."""
    import ssl
    import urllib.request

    if urlsplit(base_url).scheme == "http" and not (trust_env and urllib.request.getproxies()):
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return True


def http_client(settings: ConnectionSettings, transport: httpx.BaseTransport | None) -> httpx.Client:
    """The one httpx.Client of a run (thread-safe, shared by the parallel requests)."""
    import httpx

    headers = httpx.Headers(DEFAULT_HEADERS)
    headers.update(dict(settings.headers))  # case-insensitive: a --header may replace a default
    return httpx.Client(
        base_url=settings.base_url,
        headers=headers,
        params=dict(settings.params),
        timeout=settings.timeout,
        transport=transport,
        verify=_verify(settings.base_url, trust_env=transport is None),
        limits=httpx.Limits(max_connections=settings.parallelism, max_keepalive_connections=settings.parallelism),
        trust_env=transport is None,  # env proxies would bypass an injected transport
    )
