"""The credential shapes: each kind found with its name and offset, and the near misses prose is full of left
alone. Fake credentials are built by concatenation, so this repository holds no text a secret scanner trips on.
"""

from __future__ import annotations

import re

import pytest

from assistantsync.files.secret_scan import SHAPES, Hit, allowed_by_comment, find_secrets, secret_message

OPENAI = "an OpenAI API key"
OPENAI_PROJECT = "an OpenAI project, service account or admin API key"
PAT = "a GitHub personal access token"
AWS = "an AWS access key id"
SLACK = "a Slack token"
PEM = "a PEM private key"
AZURE = "an Azure storage connection string"
JWT = "a JSON Web Token (JWT)"
JWT_TEXT = ("ey" + "JhbGciOiJIUzI1NiJ9" + "." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0" + "."
            + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")

FOUND = [
    ("sk-" + "A1b2C3d4" * 6, [Hit(OPENAI, 0)]),
    ("key: sk-" + "proj-" + "Ab1_-" * 20, [Hit(OPENAI_PROJECT, 5)]),
    ("sk-" + "svcacct-" + "x9" * 30, [Hit(OPENAI_PROJECT, 0)]),
    ("sk-" + "admin-" + "Q7" * 30, [Hit(OPENAI_PROJECT, 0)]),
    ("token gh" + "p_" + "A" * 36 + " here", [Hit(PAT, 6)]),
    ("gh" + "o_" + "b" * 36, [Hit("a GitHub OAuth access token", 0)]),
    ("gh" + "u_" + "C3" * 18, [Hit("a GitHub user-to-server token", 0)]),
    ("gh" + "s_" + "d" * 40, [Hit("a GitHub server-to-server token", 0)]),
    ("gh" + "r_" + "E" * 36, [Hit("a GitHub refresh token", 0)]),
    ("github" + "_pat_" + "A" * 22 + "_" + "b" * 59, [Hit("a GitHub fine-grained personal access token", 0)]),
    ("id=AK" + "IA" + "ABCDEFGHIJ123456", [Hit(AWS, 3)]),
    ("AS" + "IA" + "Z" * 16 + ".", [Hit(AWS, 0)]),
    ("xo" + "xb-" + "123456789012-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx", [Hit(SLACK, 0)]),
    ("xo" + "xp-" + "1-2-3-" + "0a1b2c3d" * 4, [Hit(SLACK, 0)]),
    ("x\n-----BEGIN RSA " + "PRIVATE KEY-----\n" + "MIIEow" + "A" * 60 + "\n-----END RSA PRIVATE KEY-----",
     [Hit(PEM, 2)]),
    ("-----BEGIN " + "PRIVATE KEY-----\r\n" + "B" * 64, [Hit(PEM, 0)]),
    ("DefaultEndpointsProtocol=https;AccountName=acct;Account" + "Key=" + "A1+/" * 22 + "==;EndpointSuffix=x",
     [Hit(AZURE, 0)]),
    ("Bearer " + JWT_TEXT, [Hit(JWT, 7)]),
    ("two: gh" + "p_" + "A" * 36 + " and AK" + "IA" + "B" * 16, [Hit(PAT, 5), Hit(AWS, 50)]),
]

NOT_FOUND = [
    "A task-based approach: ask-for-help-when-you-are-unsure-about-anything-at-all.",
    "Use sk-learn for the models; keys look like sk-...",
    "sk-" + "short1234",
    "sk-" + "this-is-a-long-hyphenated-compound-phrase-not-a-key",
    "risk-" + "A" * 40,
    "Tokens start with ghp_ or github_pat_; never paste them.",
    "gh" + "p_" + "A" * 35,
    "gh" + "p_" + "A" * 36 + "_x",
    "KAKIA" + "ABCDEFGHIJKLMNOP",
    "AK" + "IA" + "abcdefghijklmnop",
    "AK" + "IA" + "SHORT",
    "AK" + "IA" + "ABCDEFGHIJKLMNOPQ",
    "Slack bot tokens start with xoxb-, user tokens with xoxp-.",
    "xo" + "xb-" + "12345-short",
    "Never paste a -----BEGIN " + "PRIVATE KEY----- block here.",
    "Set AccountKey=<your key> and AccountName=acct in the settings.",
    "Account" + "Key=" + "A" * 88,
    "ey" + "JhbGciOiJIUzI1NiJ9",
    "aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQgdGV4dA==",
    "ey" + "J" + "a" * 20 + "." + "b" * 30,
    "ey" + "J" + "a" * 20 + "." + "Zm9vYmFyYmF6cXV4" + "." + "c" * 30,
    "version 1.2.3, order ORD-12345, vs_abc123, asst_abc123, file-abc123",
]


@pytest.mark.parametrize(("text", "hits"), FOUND)
def test_each_credential_shape_is_found_with_its_name_and_place(text: str, hits: list[Hit]) -> None:
    assert find_secrets(text) == hits


@pytest.mark.parametrize("text", NOT_FOUND)
def test_prose_short_ids_and_near_misses_are_not_secrets(text: str) -> None:
    assert find_secrets(text) == []


ALLOW_LINES = [
    ("  token: X  # assistantsync: allow-secret", "X", True),
    ("  token: X #assistantsync: allow-secret   ", "X", True),
    ("instructions: |  # assistantsync: allow-secret", "X\n", True),
    ("# assistantsync: allow-secret", "X", True),
    ("  token: X  # assistantsync: allow-secret, reviewed", "X", False),
    ("  token: X  # assistantsync: allow-secrets", "X", False),
    ("  token: X  # see assistantsync: allow-secret", "X", False),
    ("  token: X#assistantsync: allow-secret", "X", False),
    ('  token: "X # assistantsync: allow-secret"', "X # assistantsync: allow-secret", False),
    ("  token: X", "X", False),
]


@pytest.mark.parametrize(("line", "value", "allowed"), ALLOW_LINES)
def test_only_a_comment_ending_the_line_allows_it(line: str, value: str, allowed: bool) -> None:
    assert allowed_by_comment(line, value) is allowed


def test_the_message_names_the_kind_and_holds_nothing_of_the_text() -> None:
    text = "gh" + "p_" + "A" * 36
    [hit] = find_secrets(text)
    assert secret_message(hit) == ("policy: looks like a GitHub personal access token; secrets must not be sent in "
                                   "a hosted prompt (move it to a secret store, or allow this line: see README)")


def test_every_shape_has_a_distinct_name_needles_and_a_valid_regex() -> None:
    assert len({shape.name for shape in SHAPES}) == len(SHAPES)
    assert all(shape.needles and isinstance(shape.regex, re.Pattern) for shape in SHAPES)
