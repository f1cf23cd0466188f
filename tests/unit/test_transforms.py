"""run_all: the books of run, target by target, with the shared work done once and every
diagnostic reported once."""

from __future__ import annotations

from pathlib import Path

import pytest

from antologi import model as m
from antologi import transforms
from antologi.book import load_book
from antologi.diagnostics import Report
from antologi.manifest import load_manifest

from conftest import REPO, copy_book


def _book(root: Path) -> tuple[m.Book, Report]:
    report = Report()
    return load_book(load_manifest(root, report), report), report


@pytest.mark.parametrize("targets", [("epub", "pdf"), ("pdf", "epub"), ("epub",), ("pdf",)])
def test_run_all_gives_the_books_of_run(targets: tuple[str, ...]) -> None:
    book, report = _book(REPO)
    expected = {t: repr(transforms.run(book, t, report)) for t in targets}
    book, report = _book(REPO)
    assert {t: repr(b) for t, b in transforms.run_all(book, targets, report).items()} == expected


def test_citations_link_to_the_reading_list_of_each_target() -> None:
    book, report = _book(REPO)
    books = transforms.run_all(book, ("epub", "pdf"), report)
    hrefs = {t: [n.href for c in b.documents for n in m.walk_chapter(c)
                 if isinstance(n, m.Link) and n.id.startswith("cite-")]
             for t, b in books.items()}
    assert hrefs["pdf"] and all(h.startswith("#ref-") for h in hrefs["pdf"])
    assert hrefs["epub"] == ["reading-list.xhtml" + h for h in hrefs["pdf"]]


def test_a_diagnostic_is_reported_once(tmp_path: Path) -> None:
    root = copy_book("mini", tmp_path)
    manifest = root / "book" / "book.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace("soft_hyphens: false",
                                                            "soft_hyphens: true"), "utf-8")
    with (root / "chapters" / "01-forsta.md").open("a", encoding="utf-8") as text:
        text.write("\nEtt [ganska långt ord på ett annat språk]{lang=tlh}.\n")
    book, report = _book(root)
    assert transforms.run(book, "epub", report).target == "epub"
    assert [d.code for d in report.items] == ["T003"]
    book, report = _book(root)
    transforms.run_all(book, ("epub", "pdf"), report)
    assert [d.code for d in report.items] == ["T003"]
