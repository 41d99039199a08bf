"""Keeping credentials out of every line the tool prints, logs or raises.

Two defences: headers whose *name* says they carry a credential are always shown as `***`, and secret
*values* are scrubbed from any text we build, including text a server echoes back: as given, case-changed,
split by whitespace, percent-encoded or base64-encoded (secret_forms lists exactly what is and is not
recognised).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from assistantsync.api.secret_forms import SecretForms, secret_forms
from assistantsync.json_value import JsonObject

MASK = "***"
# Shorter values are placeholders for servers without auth ("x", "none"); masking every "x" in a
# message would garble it without protecting anything. Real keys and tokens are 20+ characters.
MIN_SECRET_LENGTH = 6
_SENSITIVE_NAME = re.compile(r"auth|key|token|secret|config|cookie|passw|signature|credential", re.IGNORECASE)
# A vendor name that merely contains "key": without this, every x-portkey-* header (x-portkey-provider:
# openai) would count as a credential, and a --header's plain value like "openai" would be scrubbed
# from every message as if it were a secret.
_NOT_A_CREDENTIAL_WORD = re.compile(r"portkey", re.IGNORECASE)
_AUTH_SCHEME = re.compile(r"(?:bearer|basic|token|apikey|api-key|key)\s+(\S+)", re.IGNORECASE)


def is_sensitive_header(name: str) -> bool:
    """Whether a header's name suggests its value is a credential (Authorization, api-key, x-portkey-config...)."""
    return _SENSITIVE_NAME.search(_NOT_A_CREDENTIAL_WORD.sub("-", name)) is not None


def _with_credential(secret: str) -> set[str]:
    """A secret and, when it is a header value like `Bearer TOKEN`, the token alone: a server that echoes
    what it was sent (`Incorrect API key provided: TOKEN`) quotes the token without its scheme."""
    found = _AUTH_SCHEME.fullmatch(secret.strip())
    return {secret, found.group(1)} if found else {secret}


@lru_cache(maxsize=32)
def _forms(secrets: frozenset[str]) -> SecretForms | None:
    """The forms of every secret long enough to mask. Cached: redact runs on every line the tool prints,
    always with the same few secrets."""
    every = {part.strip() for secret in secrets for part in _with_credential(secret)}
    keys = [key for key in every if len("".join(key.split())) >= MIN_SECRET_LENGTH]
    return secret_forms(keys) if keys else None


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every recognisable form of every secret replaced by `***` (see secret_forms)."""
    forms = _forms(frozenset(secrets))
    return text if forms is None else forms.mask(text, MASK)


def redact_json(value: JsonObject, secrets: Iterable[str]) -> JsonObject:
    """A JSON object with every recognisable form of every secret masked in its strings and keys: what a server
    sends back may echo a key (a gateway's error, a name or description someone pasted it into), and a
    multi-line value shown as a diff line by line could show a key split over two lines. `value` itself,
    not a copy, when its JSON text holds no form (nearly always: one test of the whole text at C speed)."""
    forms = _forms(frozenset(secrets))
    if forms is None:
        return value
    # As JSON text, with the escapes of `"` and `\` undone: every string appears whole, its gaps raw or as
    # escapes the quick test removes, so no form present in a string is missed in the whole.
    text = json.dumps(value, ensure_ascii=False).replace("\\\\", "\\").replace('\\"', '"')
    if not forms.present(text):
        return value
    masked: JsonObject = _redacted_json(value, forms)
    return masked


def _redacted_json(value: Any, forms: SecretForms) -> Any:
    if isinstance(value, str):
        return forms.mask(value, MASK)
    if isinstance(value, list):
        return [_redacted_json(item, forms) for item in value]
    if isinstance(value, dict):
        return {forms.mask(str(name), MASK): _redacted_json(item, forms) for name, item in value.items()}
    return value


def masked_headers(headers: Iterable[tuple[str, str]], secrets: Iterable[str]) -> str:
    """Headers as `name: value; ...` for a log line, with credential-bearing values shown as `***`."""
    secrets = tuple(secrets)
    return "; ".join(
        f"{name}: {MASK if is_sensitive_header(name) else redact(value, secrets)}" for name, value in headers
    )


# Secrets met while running that are not in the environment under a credential-like name: a sensitive
# --header value, an azure-identity token. Kept so the traceback of a crash can be scrubbed of them too.
_seen: set[str] = set()


def remember_secrets(values: Iterable[str]) -> None:
    """Record secret values (ConnectionSettings.secrets) for `known_secrets`."""
    _seen.update(value for value in values if value)


def known_secrets(env: Mapping[str, str]) -> set[str]:
    """Every value to scrub from text nobody wrote for output (a traceback): the remembered secrets, and the
    value of every environment variable whose name says it holds a credential, as set and stripped (the
    providers strip values before use)."""
    found = set(_seen)
    for name, value in env.items():
        if is_sensitive_header(name):
            found.update((value, value.strip()))
    return {value for value in found if value}
