"""Which credentials the sandbox demands, per provider style; a failure is a 401 in the API's shape.

Styles (shared/notes/spec-notes.md §1, api-behavior.md §8):
- `none`: nothing is checked (the default);
- `openai`: `Authorization: Bearer <key>`;
- `portkey`: `x-portkey-api-key` plus one of `x-portkey-virtual-key`, `x-portkey-config`, or
  `x-portkey-provider` together with `Authorization: Bearer <provider key>`;
- `azure-openai`: `api-key: <key>` and an `api-version` query parameter;
- `azure-foundry`: `Authorization: Bearer <token>` and an `api-version` query parameter.

With `key` set, the secret must equal it (the bearer token, `x-portkey-api-key` or `api-key`);
otherwise any non-empty value passes. Messages never repeat what the caller presented.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from assistantsync.sandbox.protocol import ErrorReply, SandboxRequest

AuthStyle = Literal["none", "openai", "portkey", "azure-openai", "azure-foundry"]
AUTH_STYLES: tuple[AuthStyle, ...] = get_args(AuthStyle)

MISSING_BEARER = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header using "
    "Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
)
WRONG_KEY = "Incorrect API key provided."
MISSING_AZURE_KEY = (
    "Access denied due to missing subscription key. Make sure to include subscription key when making "
    "requests to an API."
)
MISSING_PORTKEY_KEY = "Missing 'x-portkey-api-key' header."
MISSING_PORTKEY_ROUTE = (
    "Missing provider: send 'x-portkey-virtual-key', 'x-portkey-config', or 'x-portkey-provider' together "
    "with 'Authorization: Bearer <provider key>'."
)


@dataclass(frozen=True)
class AuthPolicy:
    style: AuthStyle = "none"
    key: str | None = None

    def __post_init__(self) -> None:
        if self.style not in AUTH_STYLES:
            raise ValueError(f"unknown auth style {self.style!r}; expected one of {', '.join(AUTH_STYLES)}")

    @classmethod
    def parse(cls, style: str, key: str | None = None) -> AuthPolicy:
        if style not in AUTH_STYLES:
            raise ValueError(f"unknown auth style {style!r}; expected one of {', '.join(AUTH_STYLES)}")
        return cls(style, key or None)


def check_auth(policy: AuthPolicy, request: SandboxRequest) -> None:
    """Raise the 401 (or, for a missing `api-version`, the 400) that the policy calls for."""
    check_credentials(policy, request.headers)
    if policy.style in ("azure-openai", "azure-foundry") and not request.query.get("api-version"):
        # Decision: a 400 naming the parameter; Azure itself answers a bare 404 here.
        raise ErrorReply(400, "Missing required parameter: 'api-version'.", param="api-version",
                         code="missing_required_parameter")


def check_credentials(policy: AuthPolicy, headers: Mapping[str, str]) -> None:
    """Raise the 401 the policy calls for; the control endpoints check this much, no `api-version`."""
    if policy.style == "openai":
        _require(_bearer(headers), policy.key, MISSING_BEARER)
    elif policy.style == "portkey":
        _require(headers.get("x-portkey-api-key", "").strip(), policy.key, MISSING_PORTKEY_KEY)
        provider_with_key = bool(headers.get("x-portkey-provider", "").strip() and _bearer(headers))
        if not (headers.get("x-portkey-virtual-key") or headers.get("x-portkey-config") or provider_with_key):
            raise ErrorReply(401, MISSING_PORTKEY_ROUTE)
    elif policy.style in ("azure-openai", "azure-foundry"):
        secret = headers.get("api-key", "").strip() if policy.style == "azure-openai" else _bearer(headers)
        _require(secret, policy.key, MISSING_AZURE_KEY if policy.style == "azure-openai" else MISSING_BEARER)


def _bearer(headers: Mapping[str, str]) -> str:
    scheme, _, token = headers.get("authorization", "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _require(presented: str, expected: str | None, missing_message: str) -> None:
    if not presented:
        raise ErrorReply(401, missing_message)
    # compare_digest: the sandbox is no vault, but a timing-safe compare costs nothing.
    if expected is not None and not hmac.compare_digest(_bytes(presented), _bytes(expected)):
        raise ErrorReply(401, WRONG_KEY, code="invalid_api_key")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # any str a caller built must compare, not crash
