"""The real CLI on the small test book: a valid EPUB and a PDF with every text in order."""

from __future__ import annotations

import hashlib
import re
import shutil
import time

from lxml import etree

from conftest import (
    Built,
    copy_book,
    epub_files,
    epubcheck_messages,
    page_index,
    pdf_pages,
    run_cli,
)

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_exit_code_and_summary(mini: Built) -> None:
    assert mini.run.code == 0
    assert "wrote " in mini.run.stdout
    assert mini.epub.name == "liten-antologi.epub"
    assert mini.pdf.name == "liten-antologi.pdf"


def test_epubcheck_reports_nothing(mini: Built) -> None:
    assert epubcheck_messages(mini.epub) == []


def test_epub_package_metadata(mini: Built) -> None:
    files = epub_files(mini.epub)
    assert next(iter(files)) == "mimetype"
    opf = etree.fromstring(files["EPUB/content.opf"])
    assert opf.xpath("string(//dc:identifier)", namespaces=NS) == "urn:isbn:9789173890014"
    assert opf.xpath("//dc:title/text()", namespaces=NS) == [
        "Liten antologi", "Texter om språk och gränser"]
    assert opf.xpath("string(//dc:language)", namespaces=NS) == "sv"
    creators = {e.text: e.get("id") for e in opf.xpath("//dc:creator | //dc:contributor",
                                                        namespaces=NS)}
    roles = {m.get("refines"): m.text for m in opf.xpath(
        "//opf:meta[@property='role']", namespaces=NS)}
    assert roles[f"#{creators['Anna Redaktör']}"] == "edt"
    assert roles[f"#{creators['Olle Översättare']}"] == "trl"
    assert opf.xpath("string(//opf:meta[@property='dcterms:modified'])",
                     namespaces=NS) == "2025-11-21T00:00:00Z"
    spine = opf.xpath("//opf:itemref/@idref", namespaces=NS)
    assert spine == ["cover", "title-page", "colophon", "nav", "preface", "forsta", "andra"]


def test_epub_nav_lists_texts_in_manifest_order(mini: Built) -> None:
    nav = etree.fromstring(epub_files(mini.epub)["EPUB/nav.xhtml"])
    toc = nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)[0]
    assert toc.xpath("string(x:h1)", namespaces=NS) == "Innehåll"
    links = [a.get("href") for a in toc.xpath(".//x:a", namespaces=NS)]
    assert links == ["preface.xhtml", "forsta.xhtml", "andra.xhtml"]
    landmarks = nav.xpath("//x:nav[@epub:type='landmarks']//x:a/@epub:type", namespaces=NS)
    assert landmarks == ["cover", "titlepage", "toc", "bodymatter"]


def test_epub_footnotes_are_popup_notes(mini: Built) -> None:
    doc = etree.fromstring(epub_files(mini.epub)["EPUB/forsta.xhtml"])
    refs = doc.xpath("//x:a[@epub:type='noteref']", namespaces=NS)
    assert [r.text for r in refs] == ["1", "2"]
    for ref in refs:
        assert ref.get("role") == "doc-noteref"
        note = doc.xpath(f"//x:aside[@id='{ref.get('href')[1:]}']", namespaces=NS)[0]
        assert note.get("{http://www.idpf.org/2007/ops}type") == "footnote"
        assert note.get("role") == "doc-footnote"
        back = note.xpath(".//x:a[@role='doc-backlink']", namespaces=NS)[0]
        assert back.get("href") == f"#{ref.get('id')}"
    note_text = "".join(doc.xpath("//x:aside[1]//text()", namespaces=NS))
    assert "Testtidningen, nr" in note_text


def test_epub_marks_foreign_passages(mini: Built) -> None:
    files = epub_files(mini.epub)
    first = etree.fromstring(files["EPUB/forsta.xhtml"])
    spans = {"".join(e.itertext()): (e.get("lang"), e.get(XML_LANG))
             for e in first.xpath("//x:span[@lang]", namespaces=NS)}
    assert spans["Простые числа"] == ("ru", "ru")
    assert spans["Everything Was Forever, Until It Was No More"] == ("en", "en")
    second = etree.fromstring(files["EPUB/andra.xhtml"])
    section = second.xpath("//x:section[@role='doc-chapter']", namespaces=NS)[0]
    assert section.get("lang") == "nb"
    div = second.xpath("//x:div[@lang='en']", namespaces=NS)[0]
    assert "English abstract" in "".join(div.itertext())


def test_pdf_has_every_text_in_manifest_order(mini: Built) -> None:
    pages = pdf_pages(mini.pdf)
    contents = next(i for i, p in enumerate(pages) if p.startswith("Innehåll"))
    texts = [("Förord", "Detta är förordet"), ("Första texten", "Det här är den första"),
             ("Andra teksten", "Dette er en norsk tekst")]
    found = []
    for title, opening in texts:
        index = next(i for i, p in enumerate(pages) if i > contents and opening in p)
        assert title in pages[index].splitlines()[:4], pages[index]
        found.append(index)
    assert found == sorted(found) and len(set(found)) == 3
    body = "\n".join(pages)
    assert "Ett andra stycke med en not till." in body
    assert "This is the English abstract" in body


def test_pdf_notes_on_the_page_of_their_call(mini: Built) -> None:
    pages = pdf_pages(mini.pdf)
    page = next(p for p in pages if "Ett andra stycke" in p)
    assert re.search(r"^1\. ?Se Testtidningen", page, re.M)
    assert re.search(r"^2\. ?En andra not", page, re.M)


def test_pdf_contents_page_numbers_point_at_the_texts(mini: Built) -> None:
    pages = pdf_pages(mini.pdf)
    index = page_index(mini.pdf)
    contents = next(p for p in pages if p.startswith("Innehåll"))
    for title, label in (("Förord", "vii"), ("Första texten", "1"), ("Andra teksten", "3")):
        match = re.search(rf"^{title}\s+([0-9ivx]+)$", contents, re.M)
        assert match and match.group(1) == label, contents
        page = pages[index[label]]
        assert title in page.splitlines()[:4]


def test_same_input_same_bytes(mini: Built, tmp_path) -> None:
    again = copy_book("mini", tmp_path)
    assert run_cli("build", again).code == 0
    for built in (mini.epub, mini.pdf):
        other = again / "build" / built.name
        assert hashlib.sha256(built.read_bytes()).hexdigest() == hashlib.sha256(
            other.read_bytes()).hexdigest(), built.name


def test_reproducible_without_source_date_epoch(tmp_path) -> None:
    """The book's date stands in: fonts, metadata and zip entries carry no clock time."""
    root = copy_book("mini", tmp_path)
    digests = []
    for attempt in range(2):
        if attempt:
            time.sleep(1.1)  # a clock-time stamp anywhere would now differ
            # a real second build, not an up-to-date answer from the build cache
            shutil.rmtree(root / ".antologi-cache", ignore_errors=True)
            shutil.rmtree(root / "build")
        assert run_cli("build", root, epoch=None).code == 0
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in (root / "build").iterdir()})
    assert digests[0] == digests[1]
    opf = epub_files(root / "build" / "liten-antologi.epub")["EPUB/content.opf"]
    assert b"2025-11-01T00:00:00Z" in opf


def test_format_and_out_options(tmp_path) -> None:
    root = copy_book("mini", tmp_path)
    result = run_cli("build", root, "--format", "epub", "--out", tmp_path / "out")
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["liten-antologi.epub"]


def test_failed_build_keeps_the_last_good_book(mini: Built, tmp_path) -> None:
    root = copy_book("mini", tmp_path)
    assert run_cli("build", root).code == 0
    before = {p.name: p.read_bytes() for p in (root / "build").iterdir()}
    chapter = root / "chapters" / "02-andra.md"
    chapter.write_text(chapter.read_text("utf-8") + "\nEn trasig not[^saknas].\n", "utf-8")
    result = run_cli("build", root)
    assert result.code == 1
    assert "error[F001]" in result.stderr
    after = {p.name: p.read_bytes() for p in (root / "build").iterdir()}
    assert after == before
