"""The generated cover, painted in a thread (begun early by start_cover or by render_epub
itself), is the same PNG in the same EPUB."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from antologi import transforms
from antologi.book import load_book
from antologi.diagnostics import Report
from antologi.manifest import load_manifest
from antologi.render import epub
from antologi.render.cover import make_cover

from conftest import copy_book

WHEN = dt.datetime(2025, 11, 21, tzinfo=dt.UTC)


def _epub(root: Path, *, early: bool) -> bytes:
    epub._painting.clear()
    report = Report()
    book = load_book(load_manifest(root, report), report)
    if early:
        epub.start_cover(book)
    prepared = transforms.run_all(book, ("epub",), report)["epub"]
    return epub.render_epub(prepared, WHEN, None, report)


def test_the_cover_is_the_same_however_it_is_begun(tmp_path: Path) -> None:
    root = copy_book("mini", tmp_path)
    late, early = _epub(root, early=False), _epub(root, early=True)
    assert late == early
    report = Report()
    book = load_book(load_manifest(root, report), report)
    png = zipfile.ZipFile(io.BytesIO(late)).read("EPUB/images/cover.png")
    assert png == make_cover(book.manifest.title, book.manifest.subtitle,
                             epub.parts.book_authors(book.manifest, book.chapters))
