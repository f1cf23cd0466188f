"""Pages: form feeds, one-space page starts, page numbers and running heads; link lists."""

from __future__ import annotations

from antologi.diagnostics import Report
from antologi.importer import import_text
from antologi.importer.decisions import Tally
from antologi.importer.pages import split_pages
from antologi.importer.source import decode
from antologi.importer.urls import attach, fold


def _pages(text: str) -> list[list[str]]:
    lines = decode(text.encode(), "t.txt", Report())
    assert lines is not None
    return [[ln.text for ln in page.lines if not ln.blank]
            for page in split_pages(lines, Tally())]


def _body(n: int, word: str) -> str:
    return "".join(f"{word} rad {k} av sidan.\n" for k in range(n))


def test_form_feeds_cut_pages() -> None:
    pages = _pages(_body(3, "a") + "\f" + _body(3, "b") + "\f")
    assert [len(p) for p in pages] == [3, 3]


def test_a_regular_one_space_indent_starts_pages_but_a_rare_one_does_not() -> None:
    text = " " + _body(14, "a") + " " + _body(14, "b") + " " + _body(5, "c")
    assert [len(p) for p in _pages(text)] == [14, 14, 5]
    assert len(_pages(_body(14, "a") + " " + _body(3, "b"))) == 1


def test_footer_page_numbers_end_pages_and_are_removed() -> None:
    text = _body(12, "a") + "\n7\n" + _body(12, "b") + "\n8\n" + _body(2, "c")
    pages = _pages(text)
    assert [len(p) for p in pages] == [12, 12, 2]
    assert all("7" not in p and "8" not in p for p in pages)


def test_running_heads_with_numbers_start_pages_and_are_removed() -> None:
    text = "".join(f"{n}   Tidskriften\n" + _body(12, f"s{n}") for n in (4, 5, 6))
    pages = _pages(text)
    assert [len(p) for p in pages] == [12, 12, 12]
    assert not any("Tidskriften" in line for page in pages for line in page)


def test_fold_is_how_words_are_spelled_in_addresses() -> None:
    assert [fold(w) for w in ("Vänsterrörelsen", "Øst", "Šik", "Dud’")] == [
        "vansterrorelsen", "ost", "sik", "dud"]


def _attach(body: list[str], urls: list[str]) -> tuple[list[str], list[str], list[str]]:
    from antologi.importer.source import Line

    lines = [Line(k, t) for k, t in enumerate(body, 1)]
    links: list[str] = []
    missing = attach(lines, [lines], [Line(100 + k, u) for k, u in enumerate(urls)],
                     Tally(), 1, links)
    return [ln.text for ln in lines], links, [m.text for m in missing]


def test_address_words_and_concatenated_slugs_find_their_anchor() -> None:
    texts, links, missing = _attach(
        ["Läs V.I. Lenin, Vad bör göras? och sedan", "Inga nyttiga idioter längre (juli)"],
        ["https://e.org/lenin/Vadborgoras.pdf", "https://e.org/k/inga_idioter_langre.pdf"])
    assert missing == [] and len(links) == 2
    assert texts[0] == "Läs V.I. Lenin, \ue0020\ue003Vad bör göras\ue004? och sedan"
    assert texts[1] == "\ue0021\ue003Inga nyttiga idioter längre\ue004 (juli)"


def test_a_url_printed_twice_is_one_link_whose_anchor_wraps() -> None:
    texts, links, _ = _attach(["För videon, se (på ryska): Om fängelse,", "krig och framtiden."],
                              ["https://video.example/watch?v=x"] * 2)
    assert links == ["https://video.example/watch?v=x"]
    assert texts == ["För videon, se (på ryska): \ue0020\ue003Om fängelse,",
                     "krig och framtiden\ue004."]


def test_an_unanchored_url_is_kept_at_the_end_and_reported() -> None:
    text = "Titeln här\n\nEn text utan något som liknar adressen.\n\nhttps://example.org/qq\n"
    report = Report()
    result = import_text(text.encode(), "t.txt", "sv", report)
    assert result is not None and [d.code for d in report.items] == ["I104"]
    assert result.markdown.rstrip().endswith("<https://example.org/qq>")
