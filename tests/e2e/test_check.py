"""`antologi check`: the book and its outputs checked, findings mapped to the Markdown."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from conftest import copy_book, run_cli


def test_clean_book_passes(tmp_path: Path) -> None:
    root = copy_book("mini", tmp_path)
    assert run_cli("build", root).code == 0
    result = run_cli("check", root, "--format", "json")
    assert result.code == 0, result.stdout
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["findings"] == []
    assert {"book", "epubcheck", "pdf"} <= set(data["checked"])


def test_epubcheck_finding_points_at_the_markdown(tmp_path: Path) -> None:
    """An EPUB damaged after the build (as a post-processing tool might): the finding is
    reported at the Markdown paragraph the broken element belongs to."""
    root = copy_book("mini", tmp_path)
    assert run_cli("build", root, "--format", "epub").code == 0
    epub = root / "build" / "liten-antologi.epub"
    with zipfile.ZipFile(epub) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    doc = files["EPUB/andra.xhtml"].decode("utf-8")
    files["EPUB/andra.xhtml"] = doc.replace(
        '<p id="andra-p1">', '<p id="andra-p1"><blink>!</blink>').encode("utf-8")
    with zipfile.ZipFile(epub, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data, zipfile.ZIP_STORED if name == "mimetype"
                             else zipfile.ZIP_DEFLATED)
    result = run_cli("check", root)
    assert result.code == 1
    line = (root / "chapters" / "02-andra.md").read_text("utf-8").splitlines().index(
        next(t for t in (root / "chapters" / "02-andra.md").read_text("utf-8").splitlines()
             if t.startswith("Dette er en norsk tekst"))) + 1
    assert f"chapters/02-andra.md:{line}: error[E003]: EPUBCheck RSC-005" in result.stderr, \
        result.stderr


def test_preflight_catches_a_pdf_of_another_trim(tmp_path: Path) -> None:
    root = copy_book("mini", tmp_path)
    assert run_cli("build", root, "--format", "pdf").code == 0
    manifest = root / "book" / "book.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace("trim: 130x200mm", "trim: a5"),
                        "utf-8")
    result = run_cli("check", root)
    assert result.code == 1
    assert ("build/liten-antologi.pdf: error[P007]: preflight: page 1: trim box is 130.0 × "
            "200.0 mm, the manifest says 148 × 210 mm") in result.stderr
    assert "warning[B003]: no EPUB to check" in result.stderr


def test_check_writes_nothing(tmp_path: Path) -> None:
    root = copy_book("mini", tmp_path)
    result = run_cli("check", root)
    assert result.code == 0
    assert not (root / "build").exists()
