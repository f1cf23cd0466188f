"""The repository's own book, built by the real CLI: valid, complete, typeset per language."""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from antologi.hyphenation import parse_exceptions

from conftest import REPO, Built, epub_files, epubcheck_messages, page_index, pdf_pages

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TEXTS = [  # (EPUB document, title, language, footnotes)
    ("wilhelmsen-2021.xhtml", "Krigen mot terror – et vanskelig bindemiddel mellom Russland "
     "og USA", "nb", 3),
    ("kagarlitskij-axeln-2025.xhtml", "Om axeln mellan Moskva och Washington", "sv", 0),
    ("kagarlitskij-intervju-2025.xhtml", "Intervju med Boris Kagarlitskij bakom galler", "sv",
     29),
]
HYPHEN = "\u2010"  # what WeasyPrint draws at a soft-hyphen break


def _report(built: Built) -> list[tuple[int, str, str]]:
    """The hyphenation report's rows, with the printed page turned into a page index."""
    path = next((built.root / "build").glob("*-hyphenation.txt"))
    index = page_index(built.pdf)
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("#"):
            continue
        page, lang, word = line.split("\t")
        rows.append((index[page], lang, word))
    return rows


def test_epubcheck_reports_nothing(anthology: Built) -> None:
    assert epubcheck_messages(anthology.epub) == []


def test_epub_has_every_text_with_its_notes(anthology: Built) -> None:
    files = epub_files(anthology.epub)
    opf = etree.fromstring(files["EPUB/content.opf"])
    spine = opf.xpath("//opf:itemref/@idref", namespaces=NS)
    assert [s for s in spine if s in {t[0][:-6] for t in TEXTS}] == [t[0][:-6] for t in TEXTS]
    for name, title, lang, notes in TEXTS:
        doc = etree.fromstring(files[f"EPUB/{name}"])
        assert doc.xpath("string(//x:h1)", namespaces=NS) == title
        section = doc.xpath("//x:section[@role='doc-chapter']", namespaces=NS)[0]
        assert (section.get("lang") or "sv") == lang
        refs = doc.xpath("//x:a[@epub:type='noteref']", namespaces=NS)
        asides = doc.xpath("//x:aside[@epub:type='footnote']", namespaces=NS)
        assert [r.text for r in refs] == [str(n) for n in range(1, notes + 1)]
        assert len(asides) == notes


def test_every_foreign_passage_is_marked_in_the_epub(anthology: Built) -> None:
    files = epub_files(anthology.epub)
    doc = etree.fromstring(files["EPUB/kagarlitskij-intervju-2025.xhtml"])
    cyrillic = re.compile("[\u0400-\u04ff]")
    for node in doc.iter("{*}p", "{*}li", "{*}span", "{*}em"):
        for text in [node.text or "", *(c.tail or "" for c in node)]:
            if cyrillic.search(text):
                assert node.get("lang", "").startswith("ru"), text
                assert node.get(XML_LANG) == node.get("lang")


def test_pdf_has_every_text_in_manifest_order(anthology: Built) -> None:
    pages = pdf_pages(anthology.pdf)
    contents = next(i for i, p in enumerate(pages) if p.startswith("Innehåll"))
    listed = pages[contents]
    index = page_index(anthology.pdf)
    openings = []
    for _name, title, _lang, _notes in TEXTS:
        first_words = " ".join(title.split()[:3])
        label = re.search(rf"{re.escape(first_words)}.*?(\d+)$", listed, re.S | re.M).group(1)
        assert first_words in pages[index[label]], (title, label)
        openings.append(index[label])
    assert openings == sorted(openings)
    text = "\n".join(pages)
    for phrase in ("I kjølvannet av terrorangrepene", "Efter att TV:n hade tillkännagivit",
                   "Boris Kagarlitskij, en rysk sociolog"):
        assert phrase in text


def test_hyphenated_line_ends_in_each_language(anthology: Built) -> None:
    rows = _report(anthology)
    by_lang = Counter(lang for _, lang, _ in rows)
    assert by_lang["sv"] >= 100 and by_lang["nb"] >= 50 and by_lang["en"] >= 3, by_lang
    pages = pdf_pages(anthology.pdf)
    ends = sum(line.endswith(HYPHEN) for page in pages for line in page.splitlines())
    assert ends == len(rows)
    for page, _lang, word in rows:
        before = word.split("|")[0]
        lines = pages[page].splitlines()
        assert any(line.endswith(before + HYPHEN) for line in lines), (page, word)


def test_no_break_where_the_exceptions_forbid_it(anthology: Built) -> None:
    text = (REPO / "book" / "hyphenation.txt").read_text("utf-8")
    exceptions, problems = parse_exceptions(text, "book/hyphenation.txt")
    assert problems == []
    checked = 0
    for _page, lang, word in _report(anthology):
        before, after = word.split("|")
        points = exceptions.lookup(lang, before + after)
        if points is not None:
            checked += 1
            assert len(before) in points, word
    assert checked >= 1  # the book breaks at least one listed word at a listed point
    pages = "\n".join(pdf_pages(anthology.pdf))
    for never in ("Washing" + HYPHEN, "Wilhelm" + HYPHEN, "Zelen" + HYPHEN, "Rab" + HYPHEN):
        assert never not in pages


def test_no_line_starts_with_a_dash(anthology: Built) -> None:
    for page in pdf_pages(anthology.pdf):
        for line in page.splitlines():
            assert not line.startswith(("–", "—")), line


def test_norwegian_quotes_are_guillemets_in_both_outputs(anthology: Built) -> None:
    doc = epub_files(anthology.epub)["EPUB/wilhelmsen-2021.xhtml"].decode("utf-8")
    body = doc.split('<div lang="en"')[0]  # the English abstract has its own marks
    assert body.count("«") == body.count("»") >= 20
    assert '"' not in re.sub(r"<[^>]+>", "", body) and "”" not in body
    pages = pdf_pages(anthology.pdf)
    start = next(i for i, p in enumerate(pages) if "I kjølvannet av terrorangrepene" in p)
    chapter = "\n".join(pages[start:start + 10])
    assert chapter.count("«") >= 15 and "”" not in chapter
