"""The YAML loader: data, positions and problems; and its two readers, libyaml's and PyYAML's pure-Python one,
agreeing on every text (where libyaml is missing, both sides of a comparison are the pure-Python reader)."""

from __future__ import annotations

import math
import tracemalloc

import pytest
import yaml
from helpers.paths import TESTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistantsync.errors import Location, ValidationFailed
from assistantsync.files import yaml_read as yaml_loader
from assistantsync.files.sources import MAX_FILE_BYTES
from assistantsync.files.yaml_read import (
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    MAX_DOCUMENTS,
    MAX_VALUES,
    libyaml_may_differ,
    load_yaml,
)

Outcome = tuple[str, object]

BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(ValidationFailed) as failed:
        load_yaml(text, "f.yaml")
    return [str(problem) for problem in failed.value.problems]


def test_loads_each_document_with_its_start() -> None:
    documents = load_yaml("# comment\nmodel: a\n---\nmodel: b\n", "f.yaml")
    assert [d.data for d in documents] == [{"model": "a"}, {"model": "b"}]
    assert [d.start for d in documents] == [Location("f.yaml", 2, 1), Location("f.yaml", 3, 1)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("d: 2024-05-01\n", "2024-05-01"),
        ("d: 2024-05-01 10:00:00\n", "2024-05-01 10:00:00"),
        ("d: !!timestamp 2024-05-01\n", "2024-05-01"),
        ("d: =\n", "="),
        ("d: <<\n", "<<"),
    ],
    ids=["date", "datetime", "explicit-timestamp", "equals", "merge-as-value"],
)
def test_keeps_what_the_user_wrote_as_strings(text: str, expected: str) -> None:
    assert load_yaml(text, "f.yaml")[0].data == {"d": expected}


def test_positions_point_at_keys_for_entries_and_at_items_for_list_items() -> None:
    text = "model: gpt-4o\ntools:\n  - type: file_search\n    file_search:\n      max_num_results: 5\n"
    document = load_yaml(text, "f.yaml")[0]
    assert document.positions[()] == Location("f.yaml", 1, 1)
    assert document.positions[("model",)] == Location("f.yaml", 1, 1)
    assert document.positions[("tools",)] == Location("f.yaml", 2, 1)
    assert document.positions[("tools", 0)] == Location("f.yaml", 3, 5)
    assert document.positions[("tools", 0, "file_search", "max_num_results")] == Location("f.yaml", 5, 7)


def test_locate_falls_back_to_the_nearest_written_ancestor() -> None:
    document = load_yaml("---\nmodel: a\ntools:\n  - type: x\n", "f.yaml")[0]
    assert document.locate(("tools", 0, "function", "name")) == Location("f.yaml", 4, 5)
    assert document.locate(("name",)) == Location("f.yaml", 1, 1)  # not written at all: the document start


def test_aliases_and_merge_keys_work_within_bounds() -> None:
    text = "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\nd: [*b, *b]\n"
    document = load_yaml(text, "f.yaml")[0]
    assert document.data["c"] == {"x": 1, "y": 3}
    assert document.data["d"] == [{"x": 1, "y": 2}] * 2
    assert document.positions[("c", "y")] == Location("f.yaml", 4, 3)
    assert document.positions[("c", "x")] == Location("f.yaml", 1, 11)  # where the merged value was written


def test_billion_laughs_stops_at_the_alias_limit_in_little_memory() -> None:
    # Stopped at the limit, the expansion never happens: the memory it took shows that without timing anything.
    tracemalloc.start()
    try:
        problems = problems_of(BILLION_LAUGHS)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert problems == [f"f.yaml:5:8: aliases expand to more than {MAX_ALIAS_NODES} values; write the values out"]
    assert peak < 5_000_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: a\nmodel: b\nname: c\n",
         "f.yaml:3:1: name: duplicate key 'name' (first at line 1): YAML would silently keep only the last one"),
        ("tools:\n  - type: a\n    'type': b\n",
         "f.yaml:3:5: tools[0].type: duplicate key 'type' (first at line 2): "
         "YAML would silently keep only the last one"),
        ("a: &x [*x]\n", "f.yaml:1:8: an alias may not point into the node that defines its anchor"),
        ("a: *x\n", "f.yaml:1:4: not valid YAML: found undefined alias 'x'"),
        ("- model: a\n", "f.yaml:1:1: a document must be a mapping of fields, found a list"),
        ("hello\n", "f.yaml:1:1: a document must be a mapping of fields, found a string"),
        ("42\n", "f.yaml:1:1: a document must be a mapping of fields, found a number"),
        ("", "f.yaml:1:1: no YAML document: the file is empty or only comments"),
        ("# model: a\n", "f.yaml:1:1: no YAML document: the file is empty or only comments"),
        ("a: 1\n---\n", "f.yaml:2:1: the document is empty"),
        ("---\nnull\n", "f.yaml:1:1: the document is empty"),
        ("model: a\ntools:\n\t- type: x\n", "f.yaml:3:1: a tab is used for indentation; indent with spaces"),
        ("model:\ta\n", "f.yaml:1:7: a tab separates values here; YAML needs spaces outside quoted strings"),
        ("model: a: b\n", "f.yaml:1:9: not valid YAML: mapping values are not allowed here"),
        ('name: "open\n', "f.yaml:2:1: not valid YAML: while scanning a quoted scalar at line 1: "
                         "found unexpected end of stream"),
        ("a: 1\nb: \x07\n", "f.yaml:2:4: not valid YAML: the control character U+0007 is not allowed; "
                            "write it as an escape in a double-quoted string"),
        ("1: a\n", "f.yaml:1:1: <document>: mapping keys must be strings, found a number; quote it"),
        ("m:\n  ? [a]\n  : 1\n", "f.yaml:2:5: m: mapping keys must be strings, found a list"),
        ("t: .inf\n", "f.yaml:1:4: t: numbers must be finite: JSON has no NaN or infinity"),
        ("t: 1.0e+999\n", "f.yaml:1:4: t: numbers must be finite: JSON has no NaN or infinity"),
        ("n: " + "9" * 5000 + "\n", "f.yaml:1:4: n: the number is too large"),
        ('s: "\\ud800"\n', "f.yaml:1:4: s: the text holds a lone surrogate escape (\\ud800-\\udfff), "
                           "which is not valid Unicode"),
        ('"\\udfff": 1\n', "f.yaml:1:1: <document>: the text holds a lone surrogate escape (\\ud800-\\udfff), "
                           "which is not valid Unicode"),
        ("b: !!binary aGk=\n", "f.yaml:1:4: b: the YAML tag !!binary is not allowed: use plain JSON-like values"),
        ("s: !!set {a}\n", "f.yaml:1:4: s: the YAML tag !!set is not allowed: use plain JSON-like values"),
        ("o: !!omap [a: 1]\n", "f.yaml:1:4: o: the YAML tag !!omap is not allowed: use plain JSON-like values"),
        ("p: !!python/name:os.system ''\n",
         "f.yaml:1:4: p: the YAML tag !!python/name:os.system is not allowed: use plain JSON-like values"),
        ("c: !custom x\n", "f.yaml:1:4: c: the YAML tag !custom is not allowed: use plain JSON-like values"),
        ("c:\n  <<: 1\n", "f.yaml:2:7: not valid YAML: while constructing a mapping at line 2: "
                          "expected a mapping or list of mappings for merging, but found scalar"),
        ("a: 1\rb: 2\n", "f.yaml:1:5: a carriage return (CR) without a line feed ends a line here, which diffs do "
                         "not show: use LF or CRLF line endings"),
        ("a: 1\r\nb: 2\n\nc: '\r'\n", "f.yaml:4:5: a carriage return (CR) without a line feed ends a line here, "
                                      "which diffs do not show: use LF or CRLF line endings"),
        ("a: x\x85b: y\n", "f.yaml:1:5: not valid YAML: the control character U+0085 is not allowed; "
                          "write it as an escape in a double-quoted string"),
        ("b: !!bool maybe\n", "f.yaml:1:4: b: 'maybe' is not !!bool: remove the tag, or quote a string"),
        ("b: !!bool ~\n", "f.yaml:1:4: b: '~' is not !!bool: remove the tag, or quote a string"),
        ("n: !!null text\n", "f.yaml:1:4: n: 'text' is not !!null: remove the tag, or quote a string"),
        ("i: !!int 1.5\n", "f.yaml:1:4: i: '1.5' is not !!int: remove the tag, or quote a string"),
        ("f: !!float " + "x" * 50 + "\n",
         f"f.yaml:1:4: f: '{'x' * 39}…' is not !!float: remove the tag, or quote a string"),
        ("h: 0x_\n", "f.yaml:1:4: h: '0x_' looks like a number but is not one: quote it to keep it as a string"),
        ("m: !!map x\n", "f.yaml:1:4: m: the YAML tag !!map cannot mark a scalar"),
        ("s: !!seq {a: 1}\n", "f.yaml:1:4: s: the YAML tag !!seq cannot mark a mapping"),
        ("t: !!str [a]\n", "f.yaml:1:4: t: the YAML tag !!str cannot mark a list"),
    ],
    ids=["duplicate-key", "duplicate-nested-key", "recursive-alias", "undefined-alias", "list", "string",
         "number", "empty-file", "only-comments", "empty-document", "null-document", "tab-indent",
         "tab-separator", "not-yaml", "unclosed-quote", "control-character", "number-key", "list-key", "infinity",
         "float-overflow", "huge-integer", "lone-surrogate", "lone-surrogate-key", "binary", "set", "omap",
         "python-tag", "custom-tag", "bad-merge", "lone-cr", "lone-cr-after-crlf", "nel", "bool-misfit",
         "bool-null-misfit", "null-misfit", "int-misfit", "long-misfit", "hex-without-digits", "map-on-scalar",
         "seq-on-mapping", "str-on-list"],
)
def test_refuses(text: str, expected: str) -> None:
    assert problems_of(text) == [expected]


def test_accepts_tags_that_fit_their_values_and_crlf_line_endings() -> None:
    text = "a: !!int '12'\r\nb: !!float 1\r\nc: !!bool yes\nd: !!null ~\ne: !!str 5\nf: !!seq [1]\ng: !!map {h: 1}\n"
    assert load_yaml(text, "f.yaml")[0].data == {"a": 12, "b": 1.0, "c": True, "d": None, "e": "5", "f": [1],
                                                 "g": {"h": 1}}


def test_refuses_more_documents_than_the_limit_at_the_first_one_too_many() -> None:
    text = "model: x\n" + "---\nmodel: x\n" * MAX_DOCUMENTS
    assert problems_of(text) == [f"f.yaml:{2 * MAX_DOCUMENTS}:1: more than {MAX_DOCUMENTS} documents in one file: "
                                 "split it into several files"]
    assert len(load_yaml("model: x\n" + "---\nmodel: x\n" * (MAX_DOCUMENTS - 1), "f.yaml")) == MAX_DOCUMENTS


def test_refuses_more_values_than_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_loader, "MAX_VALUES", 100)  # the real limit, in time, is the hostile corpus's
    # The document, the key `a` and the list are values too: the item that is one too many is number 98.
    assert problems_of("a: [" + "0, " * 98 + "]\n") == [
        f"f.yaml:1:{5 + 3 * 97}: more than 100 values in one file: split it into several files"]
    assert load_yaml("a: [" + "0, " * 97 + "]\n", "f.yaml")
    assert MAX_VALUES * len("0, ") < MAX_FILE_BYTES  # the real limit matters: a file under the size limit reaches it


def test_reports_every_document_problem_of_a_file() -> None:
    assert problems_of("a: 1\na: 2\n---\n- x\n---\nb: 1\nb: 2\n") == [
        "f.yaml:2:1: a: duplicate key 'a' (first at line 1): YAML would silently keep only the last one",
        "f.yaml:3:1: a document must be a mapping of fields, found a list",
        "f.yaml:7:1: b: duplicate key 'b' (first at line 6): YAML would silently keep only the last one",
    ]


@pytest.mark.parametrize("text", ["a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
                                  "a: " + "[" * 5000 + "]" * 5000],
                         ids=["just-too-deep", "far-too-deep"])
def test_refuses_deep_nesting_without_exhausting_the_stack(text: str) -> None:
    [problem] = problems_of(text)
    assert problem.endswith(f"nested more than {MAX_DEPTH} levels deep")


def test_refuses_nesting_that_aliases_make_deep() -> None:
    levels = ["l0: &l0 " + "[" * 40 + "]" * 40]
    levels += [f"l{n}: &l{n} " + "[" * 30 + f"*l{n - 1}" + "]" * 30 for n in range(1, 4)]
    [problem] = problems_of("\n".join(levels) + "\n")
    assert problem.endswith(f"nested more than {MAX_DEPTH} levels deep once aliases are expanded")


def test_accepts_nesting_up_to_the_limit() -> None:
    depth = MAX_DEPTH - 1  # the document mapping is one level
    data = load_yaml("a: " + "[" * depth + "]" * depth, "f.yaml")[0].data
    assert isinstance(data["a"], list)


def _assert_located(failed: ValidationFailed) -> None:
    assert failed.problems
    assert all(p.location.path == "f.yaml" and p.location.line >= 1 and p.location.column >= 1
               for p in failed.problems)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_loads_or_fails_with_located_problems(text: str) -> None:
    try:
        documents = load_yaml(text, "f.yaml")
    except ValidationFailed as failed:
        _assert_located(failed)
    else:
        assert all(isinstance(document.data, dict) for document in documents)


_json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.dates(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text() | st.integers() | st.booleans() | st.none(), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.text(), _json_like, max_size=5) | _json_like)
def test_any_yaml_shaped_data_loads_or_fails_with_located_problems(data: object) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        [document] = load_yaml(text, "f.yaml")
    except ValidationFailed as failed:
        _assert_located(failed)
        return
    assert all(isinstance(key, str) for key in document.data)
    assert not any(isinstance(v, float) and not math.isfinite(v) for v in document.data.values())


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
    monkeypatch.setattr(yaml_loader, "LIBYAML", libyaml and yaml.__with_libyaml__)
    try:
        documents = yaml_loader.load_yaml(text, "f.yaml")
    except ValidationFailed as failed:
        return "problems", [str(problem) for problem in failed.problems]
    # repr: NaN never equals itself, and 1 == 1.0 == True must not pass for the same value.
    return "documents", [(repr(d.data), d.start, sorted(d.positions.items(), key=repr)) for d in documents]


def assert_same_both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert outcome(text, True, monkeypatch) == outcome(text, False, monkeypatch), text


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join))
def test_libyaml_reads_any_text_as_pyyaml_does(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    assert_same_both_ways(text, monkeypatch)


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.text(max_size=8), _values, max_size=5), st.sampled_from([None, True, False]))
def test_libyaml_reads_dumped_documents_as_pyyaml_does(monkeypatch: pytest.MonkeyPatch, data: object,
                                                       flow: bool | None) -> None:
    assert_same_both_ways(yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow), monkeypatch)


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


@pytest.mark.parametrize("text", ["a: [b?c]\n", "a: {b?: c}\n", "a: [x ?y]\n", "a: [? b]\n"])
def test_a_question_mark_in_a_flow_scalar_reads_as_pyyaml_reads_it(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_same_both_ways(text, monkeypatch)


@pytest.mark.parametrize("levels", [10_000, 100_000], ids=["deep", "deep-enough-to-crash-libyaml-s-composer"])
def test_nesting_far_beyond_the_limit_is_refused_on_every_path(levels: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # libyaml's own composer recurses in C with no limit of its own: 100,000 levels would crash the process.
    text = "a: " + "[" * levels + "]" * levels + "\n"
    assert len(text) < MAX_FILE_BYTES
    for libyaml in (True, False):
        kind, problems = outcome(text, libyaml, monkeypatch)
        assert kind == "problems" and problems == ["f.yaml:1:67: nested more than 64 levels deep"]


@pytest.mark.parametrize(("text", "starts"), [
    ("a: 1\n", [(1, 1)]),
    ("# c\n\na: 1\n", [(3, 1)]),
    ("---\na: 1\n", [(1, 1)]),
    ("# c\n--- # d\n# e\n\n  a: 1\n", [(2, 1)]),
    ("a: 1\n---\nb: 1\n--- {c: 1}\n", [(1, 1), (2, 1), (4, 1)]),
    ("a: 1\n...\n---\nb: 1", [(1, 1), (3, 1)]),
    ("a: |\n  x\n\n---\nb: 1\n", [(1, 1), (4, 1)]),
    ("a: 1\u2028---\u2028b: 1\n", [(1, 1), (2, 1)]),
    ("a: 1\n--- &x\n  b: 1\n", [(1, 1), (2, 1)]),
])
def test_each_document_starts_at_its_marker_or_else_its_first_value(text: str, starts: list[tuple[int, int]],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for libyaml in (True, False):
        monkeypatch.setattr(yaml_loader, "LIBYAML", libyaml and yaml.__with_libyaml__)
        assert [(d.start.line, d.start.column) for d in load_yaml(text, "f.yaml")] == starts


@pytest.mark.parametrize(("text", "line"), [("---\n ", 1), ("a: 1\n---\n# c", 2), ("a: 1\n---", 2)],
                         ids=["marker", "comment", "no-newline"])
def test_an_empty_document_at_the_end_of_the_text_is_located_at_its_marker(text: str, line: int,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # libyaml marks a value at the very end of a text without a final line break on a line of its own.
    for libyaml in (True, False):
        assert outcome(text, libyaml, monkeypatch) == ("problems", [f"f.yaml:{line}:1: the document is empty"])
