"""assets.collect_images: what the EPUB packer gets for the images of a book."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from antologi.assets import MAX_PIXELS, collect_images, image_hrefs
from antologi.book import load_book
from antologi.diagnostics import Report
from antologi.manifest import load_manifest

from conftest import copy_book


def _book_with(tmp_path: Path, markdown: str) -> Path:
    root = copy_book("mini", tmp_path)
    chapter = root / "chapters" / "01-forsta.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n" + markdown + "\n", "utf-8")
    (root / "images" / "Östersjön karta").mkdir(parents=True)
    Image.new("RGB", (40, 30), (1, 2, 3)).save(root / "images" / "karta.png")
    Image.new("RGB", (4, 4)).save(root / "images" / "foto.jpg", "JPEG")
    # a JPEG with a .png name: the media type must come from the content
    Image.new("RGB", (4, 4)).save(root / "images" / "Östersjön karta" / "bild 1.png", "JPEG")
    return root


def test_assets_in_reading_order_one_per_file(tmp_path: Path) -> None:
    root = _book_with(tmp_path, (
        "![Karta](images/karta.png) ![Foto](images/foto.jpg)\n\n"
        "![Samma karta](./images/karta.png) ![Bild](<images/Östersjön karta/bild 1.png>)"
        "[^bild]\n\n[^bild]: ![Igen](images/karta.png)"))
    report = Report()
    book = load_book(load_manifest(root, report), report)
    assets = collect_images(book, report)
    assert report.errors == []
    assert [(a.rel, a.href, a.media_type, a.width, a.height, a.srcs) for a in assets] == [
        ("images/karta.png", "img/images/karta.png", "image/png", 40, 30,
         ("images/karta.png", "./images/karta.png")),
        ("images/foto.jpg", "img/images/foto.jpg", "image/jpeg", 4, 4, ("images/foto.jpg",)),
        ("images/Östersjön karta/bild 1.png", "img/images/Ostersjon-karta/bild-1.jpg",
         "image/jpeg", 4, 4, ("images/%C3%96stersj%C3%B6n%20karta/bild%201.png",)),
    ]
    assert all(a.path.is_absolute() and a.path.is_file() for a in assets)
    assert image_hrefs(assets)["./images/karta.png"] == "img/images/karta.png"


def test_collect_images_reports_what_the_parser_reports(tmp_path: Path) -> None:
    """The packer may call it on any book: a bad image is never returned."""
    root = _book_with(tmp_path, "")
    report = Report()
    book = load_book(load_manifest(root, report), report)
    from antologi import model as m

    book.chapters[0].blocks.append(m.Paragraph([m.Image("/etc/hostname", "x"),
                                                m.Image("images/karta.png", "")], 99))
    assets = collect_images(book, report)
    assert [d.format().splitlines()[0] for d in report.items] == [
        "chapters/01-forsta.md:99: error[I003]: the image '/etc/hostname' leaves the project "
        "folder",
        "chapters/01-forsta.md:99: error[I006]: the image 'images/karta.png' has no alt text",
    ]
    assert [a.rel for a in assets] == ["images/karta.png"]


def test_the_pixel_limit_is_stated() -> None:
    assert MAX_PIXELS == 40_000_000


def test_an_epub_with_images_passes_epubcheck(tmp_path: Path) -> None:
    """The end-to-end check for packing images: EPUBCheck finds every <img> resource, with
    the right media type, and nothing outside the project went in."""
    from conftest import epub_files, epubcheck_messages, run_cli

    root = _book_with(tmp_path, "![Karta](images/karta.png)\n\n"
                      "![Bild](<images/Östersjön karta/bild 1.png>)")
    result = run_cli("build", root, "--format", "epub")
    assert result.code == 0, result.stderr
    epub = root / "build" / "liten-antologi.epub"
    problems = [m for m in epubcheck_messages(epub)
                if m.split(" ", 1)[0] in ("FATAL", "ERROR", "WARNING")]
    assert problems == []
    names = set(epub_files(epub))
    assert {"EPUB/img/images/karta.png", "EPUB/img/images/Ostersjon-karta/bild-1.jpg"} <= names


def test_a_text_cannot_take_an_image_assets_id(tmp_path: Path) -> None:
    """The packer names image items img-1, img-2, …: a text with such an id would give the
    package two items with one id."""
    from antologi.diagnostics import BookError

    root = _book_with(tmp_path, "![Karta](images/karta.png)")
    manifest = root / "book" / "book.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace(
        "  - chapters/02-andra.md", "  - {file: chapters/02-andra.md, id: img-1}"), "utf-8")
    report = Report()
    with pytest.raises(BookError):
        load_book(load_manifest(root, report), report)
    assert [d.code for d in report.errors] == ["C008"]
