"""The manifest loader: positions, YAML type traps, every problem collected."""

from __future__ import annotations

from pathlib import Path

import pytest

from antologi.diagnostics import BookError, Report
from antologi.manifest import load_manifest


def _project(tmp_path: Path, manifest: str, chapters: tuple[str, ...] = ("a.md",)) -> Path:
    (tmp_path / "book").mkdir(parents=True)
    (tmp_path / "chapters").mkdir()
    for name in chapters:
        (tmp_path / "chapters" / name).write_text("---\ntitle: A\n---\n\nText.\n", "utf-8")
    (tmp_path / "book" / "book.yaml").write_text(manifest, "utf-8")
    return tmp_path


BASE = "title: T\nlanguage: sv\nidentifier: urn:x:1\nchapters:\n  - chapters/a.md\n"


def _errors(tmp_path: Path, text: str) -> list[str]:
    return _errors_in(_project(tmp_path, text))


def _errors_in(root: Path) -> list[str]:
    report = Report()
    with pytest.raises(BookError):
        load_manifest(root, report)
    return [d.format().splitlines()[0] for d in report.items]


def test_minimal_manifest(tmp_path: Path) -> None:
    report = Report()
    manifest = load_manifest(_project(tmp_path, BASE), report)
    assert manifest.title == "T" and manifest.language == "sv"
    assert [c.file.as_posix() for c in manifest.chapters] == ["chapters/a.md"]
    assert manifest.slug == "t"
    assert report.items == []


@pytest.mark.parametrize(("line", "value"), [
    ("subtitle: no", "no"), ("subtitle: on", "on"), ("subtitle: 1:20", "1:20"),
    ("subtitle: 2025-01-01", "2025-01-01"), ("subtitle: 010", "010"), ("subtitle: yes", "yes"),
])
def test_yaml_type_traps_stay_text(tmp_path: Path, line: str, value: str) -> None:
    manifest = load_manifest(_project(tmp_path, BASE + line + "\n"), Report())
    assert manifest.subtitle == value


def test_isbn_is_checked_and_normalised(tmp_path: Path) -> None:
    text = BASE.replace("urn:x:1", '"978-91-7389-001-4"')
    assert load_manifest(_project(tmp_path, text), Report()).identifier == \
        "urn:isbn:9789173890014"


def test_every_problem_is_collected(tmp_path: Path) -> None:
    text = ("title: T\nlanguage: sv\nchapters:\n  - chapters/b.md\n  - ../x.md\n"
            "epub: {soft_hyphens: yes}\npdf: {trim: wide}\ncolour: red\n")
    assert _errors(tmp_path, text) == [
        "book/book.yaml:8:1: error[M003]: unknown key 'colour' in the manifest",
        "book/book.yaml:1:1: error[M005]: the manifest has no 'identifier'",
        "book/book.yaml:4:5: error[M004]: chapter file 'chapters/b.md' does not exist",
        "book/book.yaml:5:5: error[M009]: chapter path '../x.md' leaves the project folder",
        "book/book.yaml:6:22: error[M006]: 'epub.soft_hyphens' must be true or false",
        "book/book.yaml:7:13: error[M007]: pdf.trim 'wide' is not a trim size",
    ]


def test_chapter_listed_twice(tmp_path: Path) -> None:
    text = BASE + "  - chapters/a.md\n"
    assert _errors(tmp_path, text) == [
        "book/book.yaml:6:5: error[M008]: 'chapters/a.md' is listed twice (first at line 5)"]


def test_symlink_out_of_the_project_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("# X\n\nY\n", "utf-8")
    root = _project(tmp_path / "p", BASE.replace("chapters/a.md", "chapters/link.md"))
    (root / "chapters" / "link.md").symlink_to(outside)
    report = Report()
    with pytest.raises(BookError):
        load_manifest(root, report)
    assert report.items[0].code == "M009"


def test_front_matter_parts(tmp_path: Path) -> None:
    text = BASE + "front_matter: [half-title, title-page, contens]\n"
    assert _errors(tmp_path, text) == [
        "book/book.yaml:6:40: error[M007]: 'contens' is not a part of front_matter"]


# --- hostile YAML (issue 7) --------------------------------------------------------------


def test_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 10)]
    text = BASE + "rights: *a9\n" + "\n".join(levels) + "\n"
    # Expanded, this would be 9**10 strings; refused, it costs one pass over the events.
    assert _errors(tmp_path, text)[0] == (
        "book/book.yaml:6:9: error[M012]: the alias '*a9' is not allowed (and 81 more)")


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    assert _errors(tmp_path, BASE + "rights: &r [*r]\n") == [
        "book/book.yaml:6:13: error[M012]: the alias '*r' is not allowed"]


def test_nesting_deeper_than_the_limit_is_refused(tmp_path: Path) -> None:
    text = BASE + "rights: " + "[" * 5000 + "]" * 5000 + "\n"
    assert _errors(tmp_path, text) == [
        "book/book.yaml:6:40: error[M001]: YAML nested more than 32 levels deep"]


def test_control_characters_are_removed_with_a_warning(tmp_path: Path) -> None:
    text = BASE.replace("title: T", "title: T\x07x") + 'rights: "a\\0b\\ud800c\\uFFFEd"\n'
    report = Report()
    manifest = load_manifest(_project(tmp_path, text), report)
    assert (manifest.title, manifest.rights) == ("Tx", "abcd")
    assert [d.format().splitlines()[0] for d in report.items] == [
        "book/book.yaml:1:9: warning[M013]: 1 control character(s) removed (first: U+0007)",
        "book/book.yaml:6:9: warning[M013]: 3 control character(s) removed from a value "
        "(first: U+0000)",
    ]


def test_c1_control_character_is_located(tmp_path: Path) -> None:
    assert _errors(tmp_path, BASE.replace("title: T", "title: T\x85\x86")) == [
        "book/book.yaml:1:10: error[M001]: invalid YAML: character U+0086 is not allowed"]


def test_blank_values_are_empty(tmp_path: Path) -> None:
    assert _errors(tmp_path, BASE.replace("title: T", 'title: "  "')) == [
        "book/book.yaml:1:8: error[M006]: 'title' is empty"]


def test_symlink_loop_is_an_error_not_a_crash(tmp_path: Path) -> None:
    root = _project(tmp_path, BASE.replace("chapters/a.md", "chapters/loop.md"))
    (root / "chapters" / "loop.md").symlink_to(root / "chapters" / "loop.md")
    assert _errors_in(root) == [
        "book/book.yaml:5:5: error[M009]: chapter path 'chapters/loop.md' cannot be resolved "
        "(a loop of symbolic links?)"]


def test_a_source_in_the_build_folder_is_refused(tmp_path: Path) -> None:
    root = _project(tmp_path, BASE.replace("chapters/a.md", "build/old.md"))
    (root / "build").mkdir()
    (root / "build" / "old.md").write_text("# Old\n\nStale.\n", "utf-8")
    assert _errors_in(root) == [
        "book/book.yaml:5:5: error[M009]: chapter path 'build/old.md' points into the build "
        "folder"]


@pytest.mark.parametrize("path", ["/etc/hostname", "~/book.md", "../outside.md",
                                  "chapters/../../outside.md"])
def test_paths_that_leave_the_project(tmp_path: Path, path: str) -> None:
    assert _errors(tmp_path, BASE.replace("chapters/a.md", path)) == [
        f"book/book.yaml:5:5: error[M009]: chapter path '{path}' leaves the project folder"]


def test_chapter_id_in_the_manifest_is_checked(tmp_path: Path) -> None:
    text = BASE.replace("  - chapters/a.md", "  - {file: chapters/a.md, id: 1st text}")
    assert _errors(tmp_path, text) == [
        "book/book.yaml:5:31: error[M007]: chapter id '1st text' is not a valid id"]
