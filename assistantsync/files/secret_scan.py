"""Credential-shaped strings: the shapes a prompt must never carry to a hosted API, and the inline comment that
allows one false positive.

Each shape is a precise regex (fixed prefix, character class, minimum length, boundaries), so that prose
("task-based", "AKIA" inside a word) and short ids do not trip it. A shape's needles are plain substrings one
of which any match holds: text without them skips the regex (the Azure one, which starts with no literal,
would otherwise try every position).
What a hit reports is the shape's human name, never any of the text it matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

ALLOW_MARKER = "assistantsync: allow-secret"
# The marker as a YAML comment ending the line: `#` after whitespace (or at the line start), nothing after it.
_ALLOW_COMMENT = re.compile(r"(?:^|\s)#\s*" + re.escape(ALLOW_MARKER) + r"\s*$")


@dataclass(frozen=True)
class SecretShape:
    """One kind of credential: its name in messages ("a Slack token"), its regex, and its needles."""

    name: str
    pattern: str
    needles: tuple[str, ...]

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern)


_B64URL = "[A-Za-z0-9_-]"


def _word_start(prefix: str) -> str:
    """`prefix` at a word start. The boundary is checked after the literal, not before it as `\\b` would be:
    a pattern that starts with a literal lets `re` skip to each occurrence of it instead of trying every
    position, which matters for `sk-`, common in prose ("task-based")."""
    return f"{prefix}(?<!\\w{prefix})"


SHAPES: tuple[SecretShape, ...] = (
    SecretShape("an OpenAI project, service account or admin API key",
                _word_start("sk-") + "(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}", ("sk-",)),
    # Legacy keys: `sk-` and 48 letters and digits; no hyphen, so a hyphenated word never reads as one.
    SecretShape("an OpenAI API key", _word_start("sk-") + "[A-Za-z0-9]{32,}", ("sk-",)),
    SecretShape("a GitHub personal access token", _word_start("ghp_") + r"[A-Za-z0-9]{36,}\b", ("ghp_",)),
    SecretShape("a GitHub OAuth access token", _word_start("gho_") + r"[A-Za-z0-9]{36,}\b", ("gho_",)),
    SecretShape("a GitHub user-to-server token", _word_start("ghu_") + r"[A-Za-z0-9]{36,}\b", ("ghu_",)),
    SecretShape("a GitHub server-to-server token", _word_start("ghs_") + r"[A-Za-z0-9]{36,}\b", ("ghs_",)),
    SecretShape("a GitHub refresh token", _word_start("ghr_") + r"[A-Za-z0-9]{36,}\b", ("ghr_",)),
    SecretShape("a GitHub fine-grained personal access token",
                _word_start("github_pat_") + r"[A-Za-z0-9]{22,}_[A-Za-z0-9]{40,}\b", ("github_pat_",)),
    SecretShape("an AWS access key id", _word_start("A[KS]IA") + r"[A-Z0-9]{16}\b", ("AKIA", "ASIA")),
    # xoxb-123-456-AbC...: numeric parts, then a long last part.
    SecretShape("a Slack token", _word_start("xox[abprs]-") + "(?:[0-9]+-)+[A-Za-z0-9]{8,}", ("xox",)),
    # The header alone may be prose ("never paste -----BEGIN PRIVATE KEY-----"): a key block has a body.
    SecretShape("a PEM private key", r"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----[^-]{0,200}?[A-Za-z0-9+/]{32}",
                ("PRIVATE KEY-----",)),
    SecretShape("an Azure storage connection string",
                r"\b(?:DefaultEndpointsProtocol|AccountName)=[^;\s]*;(?:[A-Za-z]+=[^;\s]*;){0,4}"
                r"AccountKey=[A-Za-z0-9+/]{40,}", ("AccountKey=",)),
    # Header and payload are JSON objects (`{"` in base64url is `eyJ`; a payload may start `{ "`: `ey`).
    SecretShape("a JSON Web Token (JWT)",
                _word_start("eyJ") + rf"{_B64URL}{{10,}}\.ey{_B64URL}{{10,}}\.{_B64URL}{{16,}}", ("eyJ",)),
)


@dataclass(frozen=True)
class Hit:
    """A credential-shaped string in a text: which shape, and where it starts (an offset into the text)."""

    shape: str
    start: int


def find_secrets(text: str) -> list[Hit]:
    """Every credential-shaped string in `text`, in order; one per place (the first shape in SHAPES wins)."""
    hits: dict[int, str] = {}
    for shape in SHAPES:
        if any(needle in text for needle in shape.needles):
            for match in shape.regex.finditer(text):
                hits.setdefault(match.start(), shape.name)
    return [Hit(name, start) for start, name in sorted(hits.items())]


def allowed_by_comment(line: str, value: str) -> bool:
    """Whether a YAML line ends with the allow comment. Not when the value itself holds the marker's text: then
    the `#` may be inside a quoted string, and text sent to the API must not allow itself."""
    return ALLOW_MARKER not in value and _ALLOW_COMMENT.search(line) is not None


def secret_message(hit: Hit) -> str:
    return (f"policy: looks like {hit.shape}; secrets must not be sent in a hosted prompt (move it to a secret "
            "store, or allow this line: see README)")
