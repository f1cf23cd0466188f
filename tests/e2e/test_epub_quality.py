"""EPUB quality on the real outputs: print page-list, cover, accessibility metadata."""

from __future__ import annotations

import re

from lxml import etree

from conftest import (
    Built,
    copy_book,
    epub_files,
    epubcheck_messages,
    pdf_labels,
    pdf_pages,
    run_cli,
)

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def _page_list(files: dict[str, bytes]) -> list[tuple[str, str]]:
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    links = nav.xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)
    return [(a.text, a.get("href")) for a in links]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.replace("\u00ad", "").replace("\u2010\n", ""))


def test_page_list_has_every_printed_page(anthology: Built) -> None:
    files = epub_files(anthology.epub)
    entries = _page_list(files)
    assert [label for label, _ in entries] == pdf_labels(anthology.pdf)
    for label, href in entries:
        name, fragment = href.split("#")
        doc = etree.fromstring(files[f"EPUB/{name}"])
        marker = doc.xpath(f"//*[@id='{fragment}']")[0]
        assert marker.get(EPUB_TYPE) == "pagebreak"
        assert marker.get("role") == "doc-pagebreak"
        assert marker.get("aria-label") == label


def test_page_markers_stand_where_the_printed_pages_begin(anthology: Built) -> None:
    """For every marker followed by a paragraph, that paragraph's first words are on the
    PDF page the marker names."""
    files = epub_files(anthology.epub)
    pages = pdf_pages(anthology.pdf)
    index = {label: i for i, label in enumerate(pdf_labels(anthology.pdf))}
    checked = 0
    for label, href in _page_list(files):
        name, fragment = href.split("#")
        doc = etree.fromstring(files[f"EPUB/{name}"])
        marker = doc.xpath(f"//*[@id='{fragment}']")[0]
        following = marker.getnext()
        if following is None or following.tag != f"{{{NS['x']}}}p":
            continue
        first = _words("".join(following.itertext()))[:4]
        page_words = _words(pages[index[label]])
        joined = " ".join(page_words)
        assert " ".join(first) in joined, (label, first)
        checked += 1
    assert checked >= 30


def test_cover_and_landmarks(anthology: Built) -> None:
    files = epub_files(anthology.epub)
    opf = etree.fromstring(files["EPUB/content.opf"])
    cover = opf.xpath("//opf:item[@properties='cover-image']", namespaces=NS)[0]
    assert cover.get("media-type") == "image/png"
    assert files[f"EPUB/{cover.get('href')}"].startswith(b"\x89PNG")
    page = etree.fromstring(files["EPUB/cover.xhtml"])
    image = page.xpath("//x:img", namespaces=NS)[0]
    assert image.get("alt").startswith("Omslag: Bakom galler, mellan stormakter, av ")
    assert opf.xpath("//opf:itemref/@idref", namespaces=NS)[0] == "cover"


def test_accessibility_metadata(anthology: Built) -> None:
    opf = etree.fromstring(epub_files(anthology.epub)["EPUB/content.opf"])

    def values(prop: str) -> list[str]:
        return opf.xpath(f"//opf:meta[@property='{prop}']/text()", namespaces=NS)

    assert values("schema:accessMode") == ["textual", "visual"]
    assert values("schema:accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "printPageNumbers",
            "pageBreakMarkers"} <= set(values("schema:accessibilityFeature"))
    assert values("schema:accessibilityHazard") == ["none"]
    assert values("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert values("schema:accessibilitySummary")[0].startswith("Boken har")
    source = opf.xpath("//dc:source[@id='print-source']/text()", namespaces=NS)
    assert source == ["urn:uuid:1c92610c-6283-55e2-a2aa-c18742e4b7b1"]
    assert opf.xpath("//opf:meta[@refines='#print-source']/text()",
                     namespaces=NS) == ["pagination"]


def test_interviewer_and_translator_roles(anthology: Built) -> None:
    opf = etree.fromstring(epub_files(anthology.epub)["EPUB/content.opf"])
    roles = {}
    for element in opf.xpath("//dc:creator | //dc:contributor", namespaces=NS):
        refine = opf.xpath(f"//opf:meta[@refines='#{element.get('id')}']"
                           "[@property='role']/text()", namespaces=NS)
        roles.setdefault(element.text, set()).update(refine)
    assert roles["Andrey Rudoy"] == {"ivr"}
    assert roles["Göran Källqvist"] == {"trl"}
    assert roles["Boris Kagarlitskij"] == {"aut"}


def test_epub_only_build_has_no_page_list(tmp_path) -> None:
    root = copy_book("mini", tmp_path)
    assert run_cli("build", root, "--format", "epub").code == 0
    files = epub_files(root / "build" / "liten-antologi.epub")
    assert _page_list(files) == []
    assert b"pagebreak" not in b"".join(files.values())
    assert epubcheck_messages(root / "build" / "liten-antologi.epub") == []


def test_given_cover_is_used_as_is(tmp_path) -> None:
    root = copy_book("mini", tmp_path)
    image = REPO_COVER = root / "book" / "cover.png"
    from antologi.render.cover import make_cover

    image.write_bytes(make_cover("Annat omslag", None, ["X"]))
    manifest = root / "book" / "book.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace(
        "soft_hyphens: false", "soft_hyphens: false\n  cover: book/cover.png"), "utf-8")
    assert run_cli("build", root, "--format", "epub").code == 0
    files = epub_files(root / "build" / "liten-antologi.epub")
    assert files["EPUB/images/cover.png"] == REPO_COVER.read_bytes()
