"""The reading list in the built book: order, links both ways, citations and their errors."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from conftest import Built, copy_book, epub_files, page_index, pdf_pages, run_cli

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}

LIST = """sections:
  - title: Källor
    entries:
      - key: orwell1949
        type: book
        authors: ["Orwell, George"]
        title: Nineteen eighty-four
        title_lang: en
        publisher: Secker & Warburg
        year: 1949
        status: verified
      - key: aberg2001
        type: book
        authors: ["Åberg, Anna"]
        title: Om gränser
        publisher: Testförlaget
        year: 2001
        status: verified
      - key: zorn1990
        type: book
        authors: ["Zorn, Zacharias"]
        title: Sist i alfabetet
        publisher: Testförlaget
        year: 1990
        status: verified
      - key: gissning
        type: book
        authors: ["Okänd, O."]
        title: Kanske en bok
        year: 1999
        status: unverified
"""


def _with_list(tmp_path: Path, citation: str) -> Path:
    root = copy_book("mini", tmp_path)
    (root / "book" / "reading-list.yaml").write_text(LIST, "utf-8")
    manifest = root / "book" / "book.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace(
        "\nepub:", "\nback_matter:\n  - reading-list\n\nepub:"), "utf-8")
    chapter = root / "chapters" / "01-forsta.md"
    chapter.write_text(chapter.read_text("utf-8").replace(
        "Ett andra stycke med en not till.", f"Ett andra stycke {citation} med en not till."),
        "utf-8")
    return root


def test_citations_link_to_sorted_entries_and_back(tmp_path: Path) -> None:
    root = _with_list(tmp_path, "[@aberg2001, s. 110; @orwell1949]")
    result = run_cli("build", root)
    assert result.code == 0, result.stderr
    files = epub_files(root / "build" / "liten-antologi.epub")
    chapter = etree.fromstring(files["EPUB/forsta.xhtml"])
    text = "".join(chapter.itertext())
    assert "(Åberg, 2001, s.\u00a0110; Orwell, 1949)" in text
    links = chapter.xpath("//x:a[starts-with(@href, 'reading-list.xhtml')]", namespaces=NS)
    assert [a.get("href") for a in links] == ["reading-list.xhtml#ref-aberg2001",
                                              "reading-list.xhtml#ref-orwell1949"]
    rl = etree.fromstring(files["EPUB/reading-list.xhtml"])
    items = rl.xpath("//x:li", namespaces=NS)
    # Swedish order: Å after Z; the unverified entry is left out
    assert [li.get("id") for li in items] == ["ref-orwell1949", "ref-zorn1990", "ref-aberg2001"]
    back = rl.xpath("//x:li[@id='ref-aberg2001']//x:a[@role='doc-backlink']", namespaces=NS)
    assert back[0].get("href") == f"forsta.xhtml#{links[0].get('id')}"
    title = rl.xpath("//x:li[@id='ref-orwell1949']//x:*[@lang='en']", namespaces=NS)
    assert "".join(title[0].itertext()) == "Nineteen eighty-four"
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    assert nav.xpath("//x:nav[@epub:type='landmarks']//x:a[@epub:type='bibliography']/@href",
                     namespaces=NS) == ["reading-list.xhtml"]
    pdf = root / "build" / "liten-antologi.pdf"
    pages = pdf_pages(pdf)
    listing = next(p for p in pages if p.startswith("Lästips"))
    cited_on = re.search(r"Åberg, A\. \(2001\)\..*?s\. (\d+)", listing, re.S)
    assert cited_on, listing
    page = pages[page_index(pdf)[cited_on.group(1)]]
    assert "(Åberg, 2001, s. 110;" in page.replace("\u00a0", " ")


def test_unknown_citation_key_fails_with_file_and_line(tmp_path: Path) -> None:
    root = _with_list(tmp_path, "[@abreg2001]")
    result = run_cli("build", root)
    assert result.code == 1
    line = next(i for i, t in enumerate(
        (root / "chapters" / "01-forsta.md").read_text("utf-8").splitlines(), 1)
        if "[@abreg2001]" in t)
    assert (f"chapters/01-forsta.md:{line}: error[R011]: unknown citation key 'abreg2001'"
            in result.stderr), result.stderr
    assert "did you mean 'aberg2001'?" in result.stderr


def test_book_reading_list_in_both_outputs(anthology: Built) -> None:
    files = epub_files(anthology.epub)
    rl = etree.fromstring(files["EPUB/reading-list.xhtml"])
    urls = rl.xpath("//x:a[contains(@href, 'marxistarkiv.se/klassiker/kagarlitskij')]/@href",
                    namespaces=NS)
    assert len(set(urls)) >= 10
    sections = rl.xpath("//x:h2/text()", namespaces=NS)
    assert sections[0] == "Av Boris Kagarlitskij"
    article = etree.fromstring(files["EPUB/wilhelmsen-2021.xhtml"])
    cited = article.xpath("//x:a[starts-with(@href, 'reading-list.xhtml#ref-')]",
                          namespaces=NS)
    assert len(cited) >= 25  # the article's author–year citations now link to the list
    pages = "\n".join(pdf_pages(anthology.pdf))
    for url_part in ("Kagarlitskij-krigets_tragedi.pdf", "hellre_fangelse.pdf"):
        assert url_part in pages.replace("\n", "")
    interview = pages.split("Källor och fördjupning till intervjun")[-1].split(
        "Litteratur i Wilhelmsens artikel")[0]
    order = ["Keynes, J. M.", "Lenin, V. I.", "Šik, O.", "Srnicek, N.", "Varoufakis, Y.",
             "Yurchak, A.", "Zemskov, V. N."]  # Š files with S; Z last
    positions = [interview.index(name) for name in order]
    assert positions == sorted(positions)
