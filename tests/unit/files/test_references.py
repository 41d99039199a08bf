from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tree import write

from assistantsync.files import references
from assistantsync.files.references import INSTRUCTIONS_MAX_CHARS, Reading, Resolved, resolve_references
from assistantsync.files.sources import MAX_FILE_BYTES, find_sources, load_file


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "assistants").mkdir()
    return tmp_path



def resolve(repo: Path, document: str, path: str = "assistants") -> Resolved:
    write(repo / "assistants/a.yaml", document)
    sources, problems = find_sources([Path(path)])
    assert problems == []
    [source] = [s for s in sources if s.path.name == "a.yaml"]
    [loaded] = load_file(source)
    return resolve_references(loaded, source)


def messages(resolved: Resolved) -> list[str]:
    return [str(problem) for problem in resolved.problems]


def test_instructions_file_becomes_instructions_in_its_place(repo: Path) -> None:
    write(repo / "assistants/prompts/a.md", "\ufeffHello.\r\n\r\nBe kind.\n")
    resolved = resolve(repo, "model: x\ninstructions_file: prompts/a.md\nname: n\n")
    assert resolved.problems == ()
    assert list(resolved.data.items()) == [("model", "x"), ("instructions", "Hello.\r\n\r\nBe kind.\n"), ("name", "n")]
    assert resolved.files == {("instructions_file",): repo / "assistants/prompts/a.md"}


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
def test_parameters_file_becomes_parameters_in_its_place(repo: Path, suffix: str) -> None:
    content = ('{"type": "object", "required": ["city"]}' if suffix == ".json"
               else "# comment\ntype: object\nrequired: [city]\n")
    write(repo / f"assistants/schemas/p{suffix}", content)
    resolved = resolve(repo, "model: x\ntools:\n  - type: code_interpreter\n  - type: function\n    function:\n"
                             f"      name: f\n      parameters_file: schemas/p{suffix}\n      strict: true\n")
    assert resolved.problems == ()
    assert resolved.data["tools"] == [
        {"type": "code_interpreter"},
        {"type": "function", "function": {"name": "f", "parameters": {"type": "object", "required": ["city"]},
                                          "strict": True}},
    ]
    assert list(resolved.data["tools"][1]["function"]) == ["name", "parameters", "strict"]


def test_a_document_without_references_is_unchanged(repo: Path) -> None:
    resolved = resolve(repo, "model: x\ntools: [{type: function, function: {name: f, parameters: {}}}]\n")
    assert resolved == Resolved({"model": "x", "tools": [{"type": "function",
                                                           "function": {"name": "f", "parameters": {}}}]},
                                (), {})


def test_references_that_are_not_strings_are_left_to_the_schema(repo: Path) -> None:
    resolved = resolve(repo, "model: x\ninstructions_file: 3\ntools: [{type: function, function: [1]}, 7]\n")
    assert resolved.problems == ()
    assert resolved.data["instructions_file"] == 3


def test_dotdot_that_stays_inside_the_root_is_allowed(repo: Path) -> None:
    write(repo / "assistants/prompts/shared.md", "Shared.")
    write(repo / "assistants/team/a.yaml", "model: x\ninstructions_file: ../prompts/shared.md\n")
    [source], _ = find_sources([Path("assistants")])
    resolved = resolve_references(load_file(source)[0], source)
    assert (resolved.problems, resolved.data["instructions"]) == ((), "Shared.")


def test_a_yaml_file_inside_a_hidden_folder_may_reference_its_neighbours(repo: Path) -> None:
    write(repo / ".github/assistants/prompts/p.md", "Neighbour.")
    write(repo / ".github/shared.md", "Shared.")
    write(repo / ".github/assistants/a.yaml", "model: x\ninstructions_file: prompts/p.md\n---\nkey: b\nmodel: x\n"
                                              "instructions_file: ../.hidden/../shared.md\n")
    [source], _ = find_sources([Path(".github/assistants/a.yaml")])  # the root is the current folder
    first, second = (resolve_references(document, source) for document in load_file(source))
    assert (first.problems, first.data["instructions"]) == ((), "Neighbour.")
    assert second.data["instructions"] == "Shared."  # judged on the real path: under .github, like the YAML file


def test_a_symlink_inside_the_root_is_allowed(repo: Path) -> None:
    write(repo / "assistants/prompts/real.md", "Real.")
    (repo / "assistants/prompts/link.md").symlink_to(repo / "assistants/prompts/real.md")
    resolved = resolve(repo, "model: x\ninstructions_file: prompts/link.md\n")
    assert (resolved.problems, resolved.data["instructions"]) == ((), "Real.")


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("../../etc/passwd", "'../../etc/passwd' leads outside assistants: file references must stay inside "
                             "the folder being loaded"),
        ("../secret.md", "'../secret.md' leads outside assistants: file references must stay inside the folder "
                         "being loaded"),
        ("/etc/passwd", "'/etc/passwd' is an absolute path; write it relative to this YAML file"),
        ("escape.md", "'escape.md' is a symlink to a file outside assistants: file references must stay inside "
                      "the folder being loaded"),
        ("linked/secret.md", "'linked/secret.md' is a symlink to a file outside assistants: file references must "
                             "stay inside the folder being loaded"),
        ("missing.md", "'missing.md' does not exist"),
        ("prompts", "'prompts' is a folder, not a file"),
        ("latin1.md", "'latin1.md' is not UTF-8 text (byte 0xe9)"),
        ("huge.md", "'huge.md' is larger than the limit of 1048576 bytes (1 MiB)"),
        ("long.md", f"'long.md' holds {INSTRUCTIONS_MAX_CHARS + 1} characters; instructions may hold at most "
                    f"{INSTRUCTIONS_MAX_CHARS}"),
        ("loop.md", "'loop.md' cannot be read: Too many levels of symbolic links"),
        ("a\x00b", "'a\\x00b' is not a file path"),
        (".git/config", "'.git/config' leads into the hidden '.git': file references may not read hidden files or "
                        "folders"),
        ("to-git.md", "'to-git.md' leads into the hidden '.git': file references may not read hidden files or "
                      "folders"),
        (".missing.md", "'.missing.md' leads into the hidden '.missing.md': file references may not read hidden "
                        "files or folders"),
        ("nul.md", "'nul.md' holds a NUL byte, so git treats it as binary, not text"),
        ("utf16.md", "'utf16.md' is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8"),
    ],
    ids=["traversal", "parent", "absolute", "symlink", "symlinked-folder", "missing", "folder", "not-utf8",
         "too-large", "too-long", "symlink-loop", "nul", "hidden-folder", "symlink-into-hidden", "hidden-missing",
         "nul-byte", "utf-16"],
)
def test_refuses_instructions_file(repo: Path, reference: str, expected: str) -> None:
    write(repo / "secret.md", "top secret")
    (repo / "assistants/escape.md").symlink_to(repo / "secret.md")
    (repo / "assistants/linked").symlink_to(repo, target_is_directory=True)
    (repo / "assistants/loop.md").symlink_to(repo / "assistants/loop.md")
    (repo / "assistants/prompts").mkdir()
    write(repo / "assistants/latin1.md", b"caf\xe9")
    write(repo / "assistants/huge.md", b"x" * (MAX_FILE_BYTES + 1))
    write(repo / "assistants/long.md", "x" * (INSTRUCTIONS_MAX_CHARS + 1))
    write(repo / "assistants/.git/config", "[remote]\n")
    (repo / "assistants/to-git.md").symlink_to(repo / "assistants/.git/config")
    write(repo / "assistants/nul.md", b"a\x00b")
    write(repo / "assistants/utf16.md", "hi".encode("utf-16"))
    escaped = reference.replace("\x00", "\\0")
    resolved = resolve(repo, f'model: x\nname: n\ninstructions_file: "{escaped}"\n')
    assert messages(resolved) == [f"assistants/a.yaml:3:1: instructions_file: {expected}"]
    assert resolved.data["instructions"] is None


def test_instructions_at_the_limit_are_accepted(repo: Path) -> None:
    write(repo / "assistants/long.md", "é" * INSTRUCTIONS_MAX_CHARS)  # characters, not bytes, are counted
    assert resolve(repo, "model: x\ninstructions_file: long.md\n").problems == ()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("p.json", '{"type": "object",\n "properties": {}\n}x', "is not valid JSON: Extra data (line 3, column 2)"),
        ("p.json", '["type"]', "must hold a JSON Schema object (a mapping)"),
        ("p.json", '{"a": 1, "a": 2}', "has the key 'a' twice in one object"),
        ("p.json", '{"a": NaN}', "holds NaN, which is not valid JSON"),
        ("p.json", '{"a": 1e999}', "holds the number 1e999, too large for JSON"),
        ("p.json", '{"a": ' + "9" * 5000 + "}", "is not usable JSON: Exceeds the limit (4300 digits) for integer "
                                               "string conversion: value has 5000 digits; use "
                                               "sys.set_int_max_str_digits() to increase the limit"),
        ("p.json", '{"a": ' + "[" * 100 + "]" * 100 + "}", "is nested more than 64 levels deep"),
        ("p.json", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "is nested more than 64 levels deep"),
        ("p.yaml", "type: object\n---\ntype: object\n", "must hold exactly one YAML document"),
        ("p.yaml", "type: object\ntype: array\n", "is not a usable parameter schema: line 2, column 1: "
                                                  "duplicate key 'type' (first at line 1): YAML would silently keep "
                                                  "only the last one"),
        ("p.yml", "- type\n", "is not a usable parameter schema: line 1, column 1: a document must be a mapping of "
                              "fields, found a list"),
        ("p.toml", 'type = "object"', "must be a .json, .yaml or .yml file"),
    ],
    ids=["bad-json", "json-list", "json-duplicate", "json-nan", "json-overflow", "json-huge-int", "json-deep",
         "json-very-deep", "yaml-two-documents", "yaml-duplicate", "yaml-list", "toml"],
)
def test_refuses_parameters_file(repo: Path, name: str, content: str, expected: str) -> None:
    write(repo / "assistants/schemas" / name, content)
    resolved = resolve(repo, "model: x\ntools:\n  - type: function\n    function:\n      name: f\n"
                             f"      parameters_file: schemas/{name}\n")
    assert messages(resolved) == [
        f"assistants/a.yaml:6:7: tools[0].function.parameters_file: 'schemas/{name}' {expected}"]


def test_reports_each_bad_reference_of_a_document(repo: Path) -> None:
    resolved = resolve(repo, "model: x\ninstructions_file: nope.md\ntools:\n"
                             "  - {type: function, function: {name: f, parameters_file: a.json}}\n"
                             "  - {type: function, function: {name: g, parameters_file: /b.json}}\n")
    assert messages(resolved) == [
        "assistants/a.yaml:2:1: instructions_file: 'nope.md' does not exist",
        "assistants/a.yaml:4:42: tools[0].function.parameters_file: 'a.json' does not exist",
        "assistants/a.yaml:5:42: tools[1].function.parameters_file: '/b.json' is an absolute path; "
        "write it relative to this YAML file",
    ]


def test_root_for_a_file_path_is_the_current_folder(repo: Path) -> None:
    write(repo / "shared/prompt.md", "Shared.")
    resolved = resolve(repo, "model: x\ninstructions_file: ../shared/prompt.md\n", path="assistants/a.yaml")
    assert (resolved.problems, resolved.data["instructions"]) == ((), "Shared.")


def test_a_file_referenced_many_times_is_read_once_and_counted_each_time(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[Path] = []
    real_read_text = references.read_text

    def counting(path: Path) -> str:
        reads.append(path)
        return real_read_text(path)

    monkeypatch.setattr(references, "read_text", counting)
    monkeypatch.setattr(references, "REFERENCED_MAX_CHARS", 50)
    write(repo / "assistants/schemas/p.json", '{"type": "object"}')  # 18 characters: two uses fit, the third not
    tools = "".join(f"  - {{type: function, function: {{name: f{n}, parameters_file: schemas/p.json}}}}\n"
                    for n in range(4))
    write(repo / "assistants/a.yaml", f"key: a\nmodel: x\ntools:\n{tools}---\nkey: b\nmodel: x\ntools:\n{tools}")
    reading = Reading()
    [source], _ = find_sources([Path("assistants")])
    first, second = (resolve_references(document, source, reading) for document in load_file(source))
    assert reads == [repo / "assistants/schemas/p.json"]
    assert [message.split(": ", 2)[1:] for message in messages(first)] == [[
        "tools[2].function.parameters_file",
        "'schemas/p.json' is not read: the files that one YAML file references may hold at most 50 characters in all"]]
    assert second.problems == ()  # reported once per YAML file: the file is invalid already
    assert first.data["tools"][0]["function"]["parameters"] == {"type": "object"}
