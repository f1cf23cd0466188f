"""The language layer on real outputs: quotes, spacing, hyphenation and labels, EPUB and PDF."""

from __future__ import annotations

import re

from lxml import etree

from conftest import Built, copy_book, epub_files, pdf_pages, run_cli

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
SOFT = "\u00ad"


def _text(xhtml: bytes) -> str:
    return "".join(etree.fromstring(xhtml).itertext())


def test_quotes_follow_each_passage_language_in_the_epub(mini: Built) -> None:
    files = epub_files(mini.epub)
    sv = _text(files["EPUB/forsta.xhtml"])
    assert "om ”axeln” mellan" in sv
    assert "”Vi kallar det ’den nya ordningen’ i dag.”" in sv
    nb = _text(files["EPUB/andra.xhtml"])
    assert "om «terror» og" in nb
    assert "with “quotes” inside" in nb  # the English block inside the Norwegian text
    assert '"' not in sv + nb


def test_quotes_and_spacing_are_the_same_in_the_pdf(mini: Built) -> None:
    text = "\n".join(pdf_pages(mini.pdf)).replace("\u2010\n", "")
    assert "”axeln”" in text and "’den nya ordningen’" in text
    assert "«terror»" in text and "“quotes”" in text
    assert '"' not in text


def test_no_break_spaces_in_both_outputs(mini: Built) -> None:
    sv = _text(epub_files(mini.epub)["EPUB/forsta.xhtml"])
    assert "förr\u00a0– och" in sv  # no line may start with the dash
    assert "s.\u00a0136" in sv and "nr\u00a04, s.\u00a012" in sv


def test_epub_hyphenates_through_css_by_default(mini: Built) -> None:
    files = epub_files(mini.epub)
    assert not any(SOFT in data.decode("utf-8") for name, data in files.items()
                   if name.endswith(".xhtml"))
    css = files["EPUB/css/epub.css"].decode("utf-8")
    assert "hyphens: auto" in css and "hyphens: manual" not in css


def test_epub_soft_hyphens_on_request(tmp_path) -> None:
    root = copy_book("mini", tmp_path)
    manifest = root / "book" / "book.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace("soft_hyphens: false",
                                                            "soft_hyphens: true"), "utf-8")
    assert run_cli("build", root, "--format", "epub").code == 0
    files = epub_files(root / "build" / "liten-antologi.epub")
    text = files["EPUB/forsta.xhtml"].decode("utf-8")
    assert f"fäng{SOFT}el{SOFT}se{SOFT}in{SOFT}ter{SOFT}vju" in text
    assert "hyphens: manual" in files["EPUB/css/epub.css"].decode("utf-8")


def test_pdf_breaks_only_at_soft_hyphens_from_our_dictionary(mini: Built) -> None:
    report = next((mini.root / "build").glob("*-hyphenation.txt")).read_text("utf-8")
    rows = [line.split("\t") for line in report.splitlines() if not line.startswith("#")]
    assert rows, "the small book should break some words"
    for page, lang, word in rows:
        assert lang in {"sv", "nb", "en", "ru"}
        assert re.fullmatch(r"\w+\|\w+", word), word
        assert int(page) >= 1


def test_language_without_dictionary_is_a_warning_naming_the_passage(tmp_path) -> None:
    root = copy_book("mini", tmp_path)
    chapter = root / "chapters" / "02-andra.md"
    chapter.write_text(chapter.read_text("utf-8") + "\nEt dikt: [Kalevala on kansalliseepos]"
                       "{lang=fi}.\n", "utf-8")
    result = run_cli("build", root, "--format", "pdf")
    assert result.code == 0
    assert ("chapters/02-andra.md:15: warning[T003]: no hyphenation dictionary for 'fi'"
            in result.stderr), result.stderr
    assert run_cli("build", root, "--format", "pdf", "--strict").code == 1


def test_labels_follow_the_book_language(tmp_path) -> None:
    root = copy_book("mini", tmp_path)
    manifest = root / "book" / "book.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace("language: sv", "language: nn"),
                        "utf-8")
    assert run_cli("build", root).code == 0
    files = epub_files(root / "build" / "liten-antologi.epub")
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    assert nav.xpath("string(//x:nav[@epub:type='toc']/x:h1)", namespaces=NS) == "Innhald"
    assert nav.xpath("//x:nav[@epub:type='landmarks']//x:a/text()", namespaces=NS) == [
        "Omslag", "Tittelside", "Innhald", "Byrjing"]
    pages = pdf_pages(root / "build" / "liten-antologi.pdf")
    assert any(p.startswith("Innhald") for p in pages)
