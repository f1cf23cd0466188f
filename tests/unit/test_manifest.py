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
    report = Report()
    with pytest.raises(BookError):
        load_manifest(_project(tmp_path, text), report)
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
