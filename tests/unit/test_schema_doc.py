"""The manifest reference and the scaffold's manifest follow the loader: every key it
accepts is documented, docs/manifest.md is what the schema renders today, and the
commented manifest of `antologi new` loads to the documented defaults."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from antologi import manifest as manifest_mod
from antologi import markdown as markdown_mod
from antologi import options as options_mod
from antologi import scaffold, schema_doc
from antologi.diagnostics import Report
from antologi.manifest import load_manifest

REPO = Path(__file__).resolve().parents[2]


def test_docs_manifest_is_up_to_date() -> None:
    current = (REPO / "docs" / "manifest.md").read_text("utf-8")
    assert current == schema_doc.render(), (
        "docs/manifest.md is out of date: run python -m antologi.schema_doc > docs/manifest.md")


def test_every_key_the_loader_accepts_is_documented() -> None:
    documented = {key.path for section in schema_doc.sections() for key in section.keys}
    accepted = {*manifest_mod._TOP_KEYS,
                *(f"epub.{k}" for k in options_mod._EPUB_KEYS),
                *(f"pdf.{k}" for k in options_mod._PDF_KEYS),
                *(f"pdf.margins.{k}" for k in options_mod._MARGIN_KEYS),
                *(f"typography.{k}" for k in manifest_mod._TYPO_KEYS),
                *(f"reading_list.{k}" for k in options_mod._READING_LIST_KEYS)}
    assert documented == accepted
    assert {k.path for k in schema_doc.chapter_keys()} == set(markdown_mod.FRONT_MATTER_KEYS)
    for section in schema_doc.sections():
        for key in section.keys:
            assert key.doc and key.type and key.example, key.path


def test_docstrings_come_from_the_dataclasses() -> None:
    docs = schema_doc.field_docs(options_mod.PdfOptions)
    assert docs["bleed"].startswith("Bleed beyond the trim")
    keys = {k.path: k for s in schema_doc.sections() for k in s.keys}
    assert keys["pdf.bleed"].doc == docs["bleed"]
    assert keys["pdf.trim"].default == "130x200mm"
    assert keys["pdf.margins.inner"].default == options_mod.Margins().inner
    assert keys["typography.hyphenate_min_word"].default == "6"
    assert keys["epub.soft_hyphens"].default == "false"
    assert keys["title"].required and not keys["subtitle"].required


def test_a_key_without_a_description_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(options_mod, "_PDF_KEYS", (*options_mod._PDF_KEYS, "gutter_rule"))
    monkeypatch.setattr(schema_doc, "_SECTIONS", tuple(
        (p, t, c, options_mod._PDF_KEYS if p == "pdf" else k)
        for p, t, c, k in schema_doc._SECTIONS))
    with pytest.raises(KeyError, match=r"pdf\.gutter_rule"):
        schema_doc.sections()


@pytest.mark.parametrize(("value", "yaml"), [
    ("Anna Redaktör", "Anna Redaktör"), ("no", '"no"'), ("1.35", '"1.35"'),
    ("10.5pt", "10.5pt"), ("Titel: undertitel", '"Titel: undertitel"'),
    ('Ett "citat"', '"Ett \\"citat\\""'), ("© Förlaget", '"© Förlaget"'), (True, "true"),
    (6, "6"), ("book/preface.md", "book/preface.md"), ("- lista", '"- lista"'),
])
def test_yaml_values_read_back_as_written(value: object, yaml: str) -> None:
    assert schema_doc.yaml_value(value) == yaml


@pytest.mark.parametrize("lang", scaffold.LANGUAGES)
def test_scaffold_manifest_has_every_key_and_loads_to_the_defaults(tmp_path: Path,
                                                                   lang: str) -> None:
    project = scaffold.create(tmp_path / "bok", lang, 'En "svår" titel: med kolon',
                              today=dt.date(2025, 11, 21))
    text = (project.root / "book" / "book.yaml").read_text("utf-8")
    for section in schema_doc.sections():
        for key in section.keys:
            name = key.path.rsplit(".", 1)[-1]
            assert f"\n{'  ' * key.path.count('.')}{name}:" in text or \
                f"# {name}:" in text, key.path
    report = Report()
    manifest = load_manifest(project.root, report)
    assert report.items == []
    assert manifest.title == 'En "svår" titel: med kolon'
    assert manifest.language == lang and manifest.date == "2025-11-21"
    assert manifest.identifier.startswith("urn:uuid:")
    assert manifest.epub == options_mod.EpubOptions()
    assert manifest.pdf == options_mod.PdfOptions()
    assert manifest.typography == manifest_mod.TypographyOptions()
    assert manifest.reading_list == options_mod.ReadingListOptions()
    assert [p.kind for p in manifest.front_matter][-1] == "markdown"
    assert [p.kind for p in manifest.back_matter] == ["reading-list"]


def test_scaffold_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(scaffold.ScaffoldError, match="is not empty"):
        scaffold.create(tmp_path, "sv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_scaffold_templates_are_package_data() -> None:
    """`pip install .` (not editable) ships only what package-data names: every template of
    `antologi new` must match one of its patterns, and none may be a dot-file (a pattern's
    '*' does not match those)."""
    import fnmatch

    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["antologi"]
    package = REPO / "src" / "antologi"
    for path in sorted(scaffold.TEMPLATES.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(package).as_posix()
        assert not path.name.startswith("."), relative
        assert any(fnmatch.fnmatch(relative, p) and relative.count("/") == p.count("/")
                   for p in patterns), f"{relative} is not in package-data {patterns}"
    for template in scaffold.FILES:
        assert (scaffold.TEMPLATES / template).is_file(), template
