"""The loader's libyaml paths read every text exactly as its pure-Python path does: same data, same
positions, same problems. Each text goes through load_yaml twice, with libyaml and without it."""

from __future__ import annotations

import pytest
import yaml
from helpers.paths import TESTS as TESTS_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistantsync.errors import ValidationFailed
from assistantsync.files import yaml_read as yaml_loader
from assistantsync.files.yaml_fast import libyaml_may_differ

TESTS = TESTS_DIR
Outcome = tuple[str, object]

# Pieces of YAML, well- and ill-formed, that the two parsers might read differently.
PIECES = [
    " ", "  ", "\n", "\n  ", "\n- ", "- ", ": ", ":", "[", "]", "{", "}", ", ", ",", '"', "'", "#", " # c", "&a ",
    "*a", "!!str ", "!!int ", "!!float ", "!!bool ", "!x ", "! ", "!a,b!c ", "? ", "?", "|", "|-", ">", ">+", "|2",
    "|#", "---\n", "...\n", "%YAML 1.1\n", "%TAG !e! tag:e,2000:\n", "a", "key", "model", "1", "0x1F", "1.5", "1e5",
    "1.0e+5", "-.inf", ".nan", "~", "null", "yes", "No", "2024-01-01", "12:30", "0o17", "1_000", "=", "<<",
    "<<: *a", "\\", "\\n", "\\x41", '"\\ud800"', "é", "😀", "\u2028", "\r\n", "\t", "\ufeff", "@", "`", "[a?b]",
    '{"k": [1, 2.5, true, null]}', '"a":!x', "'it''s'", "x y", "-",
]


def outcome(text: str, libyaml: bool, monkeypatch: pytest.MonkeyPatch) -> Outcome:
    monkeypatch.setattr(yaml_loader, "LIBYAML", libyaml)
    try:
        documents = yaml_loader.load_yaml(text, "f.yaml")
    except ValidationFailed as failed:
        return "problems", [str(problem) for problem in failed.problems]
    # repr: NaN never equals itself, and 1 == 1.0 == True must not pass for the same value.
    return "documents", [(repr(d.data), d.start, sorted(d.positions.items(), key=repr)) for d in documents]


def assert_same_both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert outcome(text, True, monkeypatch) == outcome(text, False, monkeypatch), text


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="libyaml is not installed")
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join))
def test_libyaml_reads_any_text_as_pyyaml_does(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    assert_same_both_ways(text, monkeypatch)


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12,
)


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="libyaml is not installed")
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.text(max_size=8), _values, max_size=5), st.sampled_from([None, True, False]))
def test_libyaml_reads_dumped_documents_as_pyyaml_does(monkeypatch: pytest.MonkeyPatch, data: object,
                                                       flow: bool | None) -> None:
    assert_same_both_ways(yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow), monkeypatch)


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="libyaml is not installed")
def test_every_yaml_file_of_the_test_corpora_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    files = [path for folder in ("hostile", "cases") for path in (TESTS / folder).rglob("*.y*ml")]
    files += list((TESTS.parent / "examples").rglob("*.yaml"))
    assert len(files) > 40
    for path in files:
        assert_same_both_ways(path.read_bytes().decode("utf-8", "replace"), monkeypatch)


@pytest.mark.parametrize("text", [
    "a:\tb\n", "\ufeffa: 1\nb: 2\n", "a: b\n\ufeffc: d\n", "a: !x b\n", "a: [!!str 1]\n", "a: |#c\n  x\n",
    "a: >-#\n  x\n", "%YAML 1.1\n---\na: 1\n", "a: 1\n%x\n",
])
def test_text_libyaml_reads_differently_is_left_to_pyyaml(text: str) -> None:
    assert libyaml_may_differ(text)


@pytest.mark.parametrize("text", ["a: Hello!\n", "a: '50%'\n", "b: '# not a comment'\n", "c: |\n  # heading\n"])
def test_ordinary_text_takes_the_libyaml_path(text: str) -> None:
    assert not libyaml_may_differ(text)


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="libyaml is not installed")
@pytest.mark.parametrize("text", ["a: [b?c]\n", "a: {b?: c}\n", "a: [x ?y]\n", "a: [? b]\n"])
def test_a_question_mark_in_a_flow_scalar_reads_as_pyyaml_reads_it(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_same_both_ways(text, monkeypatch)


def test_nesting_far_beyond_the_limit_is_refused_on_every_path(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "a: " + "[" * 10_000 + "]" * 10_000 + "\n"  # libyaml's own composer would recurse 10,000 deep
    for libyaml in (True, False):
        kind, problems = outcome(text, libyaml, monkeypatch)
        assert kind == "problems" and problems == ["f.yaml:1:67: nested more than 64 levels deep"]
