"""The book's own reading list: it loads cleanly, holds the interview's "Lästips" with
their addresses, grades the reconstructed works as the research notes do, and prints in
Swedish order."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from antologi import model as m
from antologi.diagnostics import Report
from antologi.readinglist import (
    READING_LIST_PATH,
    ReadingList,
    format_reading_list,
    load_reading_list,
)

REPO = Path(__file__).resolve().parent.parent.parent
INTERVIEW = (REPO / "chapters" / "03-kagarlitskij-intervju.md").read_text("utf-8")


@pytest.fixture(scope="module")
def book() -> ReadingList:
    report = Report()
    rl = load_reading_list(REPO, READING_LIST_PATH, report)
    assert [d.format() for d in report.items] == []
    return rl


def _section(book: ReadingList, title: str) -> list[str]:
    (section,) = [s for s in format_reading_list(book, "sv", include_unverified=True)
                  if s.title == title]
    return [item.key for item in section.entries]


def test_sections_and_counts(book: ReadingList) -> None:
    counts = {s.title: Counter(e.status for e in s.entries) for s in book.sections}
    assert counts == {
        "Av Boris Kagarlitskij": Counter({"as-cited": 11}),
        "Källor och fördjupning till intervjun": Counter(
            {"as-cited": 5, "probable": 2, "verified": 1}),
        # As the research notes grade the reconstruction: 5 verified, 22 probable,
        # 17 unidentified.
        "Litteratur i Wilhelmsens artikel": Counter(
            {"probable": 22, "unverified": 17, "verified": 5}),
        "Nätkällor": Counter({"as-cited": 4, "verified": 2, "probable": 1, "unverified": 1}),
    }


def test_the_ten_lastips_are_there_with_their_addresses(book: ReadingList) -> None:
    tips = INTERVIEW[INTERVIEW.index("## Lästips"):INTERVIEW.index("[^1]:")]
    links = re.findall(r"^- \[(.+?)\]\((https://[^)]+)\)", tips, re.MULTILINE)
    assert len(links) == 10
    by_url = {e.url: e for e in book.entries if e.url}
    for title, url in links:
        assert url in by_url, url
        entry = by_url[url]
        assert entry.title == title
        assert entry.section == "Av Boris Kagarlitskij"
        assert entry.container == "Marxistarkivet"


def test_yurchak_has_the_corrected_publisher(book: ReadingList) -> None:
    entry = book.get("yurchak2005")
    assert entry is not None
    assert entry.publisher == "Princeton University Press"
    assert entry.annotation is not None and "Duke University Press" in entry.annotation


def test_swedish_order(book: ReadingList) -> None:
    # Šik files with S (before Srnicek), not after Z as code point order would put it.
    assert _section(book, "Källor och fördjupning till intervjun") == [
        "keynes1919", "lankov2013", "lenin1902", "sik2017", "srnicek2017", "varoufakis2023",
        "yurchak2005", "zemskov2014"]
    assert _section(book, "Nätkällor") == [
        "rabkor2025", "links-newdeal2025", "jacobin2025", "links-axis2025",
        "links-interview2025", "links-openletter2025", "pace2025", "vestnikburi2025"]
    # By date: the book of 2021, then the Marxistarkivet texts as the "Lästips" lists them.
    assert _section(book, "Av Boris Kagarlitskij") == [
        "kagarlitsky2021", "kagarlitskij-seger", "kagarlitskij-vadjan", "kagarlitskij-idioter",
        "kagarlitskij-brev", "kagarlitskij-nadezjdin", "kagarlitskij-resan",
        "kagarlitskij-krig", "kagarlitskij-vansterrorelsen", "kagarlitskij-hellre",
        "kagarlitskij-axeln"]
    wilhelmsen = _section(book, "Litteratur i Wilhelmsens artikel")
    assert wilhelmsen[:4] == ["allison2013", "antonenko2004", "borshchevskaya2021",
                              "charap2017"]
    assert wilhelmsen[-6:] == ["wilhelmsen2011", "wilhelmsen2014", "wilhelmsen2017",
                               "wilhelmsen2018", "wilhelmsen2019", "wilhelmsen-flikke2005"]
    assert wilhelmsen.index("oloughlin2004") == wilhelmsen.index("monaghan2019") + 1


def test_unverified_left_out_by_default(book: ReadingList) -> None:
    shown = {item.key for s in format_reading_list(book, "sv") for item in s.entries}
    assert len(shown) == 71 - 18
    assert "antonenko2004" not in shown and "pace2025" not in shown
    assert "trenin2006" in shown


def test_year_letters_for_the_marxistarkivet_texts(book: ReadingList) -> None:
    letters = {e.key: f"{e.year}{e.year_suffix}" for e in book.entries}
    assert letters["kagarlitskij-seger"] == "2023a"
    assert letters["kagarlitskij-brev"] == "2023d"
    assert letters["kagarlitskij-hellre"] == "2024e"
    assert letters["kagarlitskij-axeln"] == "2025"
    assert letters["putin2004a"] == "2004a" and letters["putin2004b"] == "2004b"


def test_titles_carry_their_language(book: ReadingList) -> None:
    """In the Swedish book an English title is tagged en and a Swedish one is not; the same
    list in a Norwegian book tags the Swedish titles sv."""
    def spans(lang: str, key: str) -> list[str]:
        for section in format_reading_list(book, lang):
            for item in section.entries:
                if item.key == key:
                    return [n.lang for n in item.inlines if isinstance(n, m.Span)]
        raise AssertionError(key)

    assert spans("sv", "yurchak2005") == ["en"]
    assert spans("sv", "kagarlitskij-axeln") == []
    assert spans("nb", "kagarlitskij-axeln") == ["sv"]
    assert spans("sv", "zemskov2014") == ["ru-Latn"]
