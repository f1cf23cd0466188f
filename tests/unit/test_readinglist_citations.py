"""Citations: keys resolved with file:line:col, in-text citations formatted, and the
author–year citations of the Norwegian article found and matched to the book's entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from antologi import model as m
from antologi.diagnostics import Report, Span
from antologi.readinglist import (
    READING_LIST_PATH,
    Entry,
    ReadingList,
    find_author_year,
    format_citation,
    format_citation_group,
    load_reading_list,
    resolve,
    scan_author_year,
)

REPO = Path(__file__).resolve().parent.parent.parent
WILHELMSEN = (REPO / "chapters" / "01-wilhelmsen.md").read_text("utf-8")
AT = Span("chapters/03-kagarlitskij-intervju.md", 12, 40)


def as_text(nodes: list[m.Inline]) -> str:
    """Inlines as text: *…* for Emph, [..]{lang} for Span, <…|href> for a link."""
    out = []
    for node in nodes:
        if isinstance(node, m.Text):
            out.append(node.text)
        elif isinstance(node, m.Emph):
            out.append(f"*{as_text(node.children)}*")
        elif isinstance(node, m.Span):
            out.append(f"[{as_text(node.children)}]{{{node.lang}}}")
        elif isinstance(node, m.Link):
            out.append(f"<{as_text(node.children)}|{node.href}>")
        else:
            raise AssertionError(f"unexpected inline {node!r}")
    return "".join(out)


@pytest.fixture(scope="module")
def book() -> ReadingList:
    report = Report()
    rl = load_reading_list(REPO, READING_LIST_PATH, report)
    assert report.items == []
    return rl


# --- resolving keys -------------------------------------------------------------------


def test_resolve_known_key(book: ReadingList) -> None:
    report = Report()
    entry = resolve("trenin2006", "s. 90", book, AT, report)
    assert entry is not None and entry.title == "Russia leaves the West"
    assert report.items == []


@pytest.mark.parametrize(("key", "locator", "expected"), [
    ("trenin2060", None,
     "chapters/03-kagarlitskij-intervju.md:12:40: error[R011]: unknown citation key "
     "'trenin2060'\n  hint: did you mean 'trenin2006'?"),
    ("yurchak", None,
     "chapters/03-kagarlitskij-intervju.md:12:40: error[R011]: unknown citation key "
     "'yurchak'\n  hint: did you mean 'yurchak2005'?"),
    ("zzz", None,
     "chapters/03-kagarlitskij-intervju.md:12:40: error[R011]: unknown citation key 'zzz'\n"
     "  hint: add an entry with 'key: zzz' to book/reading-list.yaml"),
    ("trenin2006", " ",
     "chapters/03-kagarlitskij-intervju.md:12:40: error[R014]: the citation of 'trenin2006' "
     "has an empty locator\n  hint: write the page after the comma, e.g. s. 12, or drop the "
     "comma"),
    ("antonenko2004", None,
     "chapters/03-kagarlitskij-intervju.md:12:40: warning[R012]: 'antonenko2004' is "
     "unverified, so the reading list leaves it out\n  hint: check the entry and change its "
     "status, or let the book include unverified entries"),
])
def test_resolve_problems(book: ReadingList, key: str, locator: str | None,
                          expected: str) -> None:
    report = Report()
    resolve(key, locator, book, AT, report)
    assert [d.format() for d in report.items] == [expected]


def test_unverified_is_quiet_when_included(book: ReadingList) -> None:
    report = Report()
    assert resolve("antonenko2004", None, book, AT, report, include_unverified=True)
    assert report.items == []


# --- formatting citations ---------------------------------------------------------------


@pytest.mark.parametrize(("key", "locator", "lang", "narrative", "expected"), [
    ("wilhelmsen-flikke2005", None, "sv", False, "(Wilhelmsen & Flikke, 2005)"),
    ("wilhelmsen-flikke2005", None, "sv", True, "Wilhelmsen och Flikke (2005)"),
    ("wilhelmsen-flikke2005", None, "nb", True, "Wilhelmsen og Flikke (2005)"),
    ("wilhelmsen-flikke2005", None, "en", True, "Wilhelmsen and Flikke (2005)"),
    ("trenin2006", "s. 12", "sv", False, "(Trenin, 2006, s. 12)"),
    ("trenin2006", "s. 12", "nb", False, "(Trenin, 2006, s. 12)"),
    ("trenin2006", "12", "sv", False, "(Trenin, 2006, s. 12)"),
    ("trenin2006", "12-14", "en", False, "(Trenin, 2006, pp. 12–14)"),
    ("trenin2006", "12", "en", True, "Trenin (2006, p. 12)"),
    ("sakwa2017", "s. 147–148", "nb", False, "(Sakwa, 2017, s. 147–148)"),
    ("oloughlin2004", None, "sv", False, "(O’Loughlin et al., 2004)"),
    ("putin2004a", None, "nb", False, "(Putin, 2004a)"),
    ("kagarlitskij-seger", None, "sv", False, "(Kagarlitskij, 2023a)"),
    ("links-openletter2025", None, "sv", False,
     "([*Open letter from jailed Russian leftist dissidents*]{en}, 2025)"),
    ("pace2025", None, "sv", False, "(Parliamentary Assembly of the Council of Europe, 2025)"),
])
def test_format_citation(book: ReadingList, key: str, locator: str | None, lang: str,
                         narrative: bool, expected: str) -> None:
    entry = book.get(key)
    assert entry is not None
    assert as_text(format_citation(entry, locator, lang, narrative=narrative)) == expected


def test_citation_links_inside_the_parentheses(book: ReadingList) -> None:
    entry = book.get("wilhelmsen2017")
    assert entry is not None
    href = f"lasetips.xhtml#{entry.anchor}"
    assert as_text(format_citation(entry, "s. 12", "nb", href=href)) == \
        "(<Wilhelmsen, 2017, s. 12|lasetips.xhtml#ref-wilhelmsen2017>)"
    assert as_text(format_citation(entry, None, "nb", narrative=True, href=href)) == \
        "<Wilhelmsen (2017)|lasetips.xhtml#ref-wilhelmsen2017>"


def _items(book: ReadingList, *pairs: tuple[str, str | None]) -> list[tuple[Entry, str | None]]:
    out = []
    for key, locator in pairs:
        entry = book.get(key)
        assert entry is not None, key
        out.append((entry, locator))
    return out


def test_citation_group(book: ReadingList) -> None:
    items = _items(book, ("gilligan2013", None), ("hughes2007", None),
                   ("wilhelmsen2017", None))
    assert as_text(format_citation_group(items, "nb")) == \
        "(Gilligan, 2013; Hughes, 2007; Wilhelmsen, 2017)"
    same_author = _items(book, ("putin2004a", None), ("putin2004b", None),
                         ("surkov2004", None))
    assert as_text(format_citation_group(same_author, "nb", hrefs=["#a", "#b", None])) == \
        "(<Putin, 2004a|#a>, <2004b|#b>; Surkov, 2004)"
    with_locator = _items(book, ("snetkov2014", "s. 136"), ("wilhelmsen2011", None))
    assert as_text(format_citation_group(with_locator, "nb")) == \
        "(Snetkov, 2014, s. 136; Wilhelmsen, 2011)"


# --- author–year citations in the Norwegian article --------------------------------------

SENTENCES = [
    ("Det ble innledet et tett samarbeid på energifeltet (Antonenko, 2004).",
     [("Antonenko, 2004", "antonenko2004")]),
    ("september bød på en anledning (for eksempel Sakwa, 2017, s. 110).",
     [("Sakwa, 2017, s. 110", "sakwa2017")]),
    ("En skal heller ikke glemme at Putins satsning på partnerskapet skjedde uten "
     "ryggdekning på hjemmebane (Tuathail & Kolossov, 2004).",
     [("Tuathail & Kolossov, 2004", "oloughlin2004")]),
    ("inkludert kjernevåpenstater som Russland (Putin, 2004a, 2004b; Surkov, 2004).",
     [("Putin, 2004a", "putin2004a"), ("2004b", "putin2004b"),
      ("Surkov, 2004", "surkov2004")]),
    ("Dette bidro sterkt til at Russland, som Dmitri Trenin (2006) uttrykte det alt i 2006, "
     "«forlot Vesten».",
     [("Trenin (2006)", "trenin2006")]),
    ("overdragelse av terrorbekjempelsen til Kadyrov-styret i Tsjetsjenia (Russell, 2014; "
     "Wilhelmsen, 2018, 2019).",
     [("Russell, 2014", "russell2014"), ("Wilhelmsen, 2018", "wilhelmsen2018"),
      ("2019", "wilhelmsen2019")]),
    ("Praktisk implementering av felles anti-terrortiltak ble stadig vanskeligere (Snetkov, "
     "2014, s.\u00a0136; Wilhelmsen, 2011).",
     [("Snetkov, 2014, s.\u00a0136", "snetkov2014"), ("Wilhelmsen, 2011", "wilhelmsen2011")]),
    ("men den hadde allikevel en multietnisk og -religiøs innretning (Light, 2015, s. 13–30).",
     [("Light, 2015, s. 13–30", "light2015")]),
    ("samtidig som man knuste de radikale islamistene militært (Wilhelmsen, 2019).[^3] "
     "Ifølge Kreml var det Russland som demmet opp for terrorisme",
     [("Wilhelmsen, 2019", "wilhelmsen2019")]),
    ("Mot slutten av Putins andre periode som president (2004–2008) ble den hjemmeavlede "
     "terrorismen", []),
    ("(Navalnys anti-korrupsjonsstiftelse ble stengt i april 2021 etter at myndighetene", []),
]


@pytest.mark.parametrize(("sentence", "expected"), SENTENCES,
                         ids=[f"s{i}" for i in range(len(SENTENCES))])
def test_find_author_year_in_real_sentences(book: ReadingList, sentence: str,
                                            expected: list[tuple[str, str]]) -> None:
    assert sentence in WILHELMSEN, "the sentence must be the article's own"
    found = find_author_year(sentence, book.entries)
    assert [(sentence[start:end], key) for start, end, key in found] == expected


def test_every_citation_of_the_article_finds_its_entry(book: ReadingList) -> None:
    """All 48 author–year citations of the article match one of its 44 works."""
    scanned = scan_author_year(WILHELMSEN)
    found = find_author_year(WILHELMSEN, book.entries)
    assert len(scanned) == len(found) == 48
    assert len({key for _, _, key in found}) == 44
    section = {e.key for s in book.sections if s.title == "Litteratur i Wilhelmsens artikel"
               for e in s.entries}
    assert {key for _, _, key in found} == section


def test_unmatched_citations_are_scanned_but_not_found(book: ReadingList) -> None:
    text = "Som Kreml (2007) sa, og (Nordmann, 2020; Trenin, 2006; Putin, 2004)."
    assert [(text[w.start:w.end], w.year) for w in scan_author_year(text)] == [
        ("Kreml (2007)", "2007"), ("Nordmann, 2020", "2020"), ("Trenin, 2006", "2006"),
        ("Putin, 2004", "2004")]
    # Putin 2004 is ambiguous (2004a or 2004b), so only Trenin is linked.
    assert [key for _, _, key in find_author_year(text, book.entries)] == ["trenin2006"]


@pytest.mark.parametrize(("text", "names", "year", "locator"), [
    ("(van Dijk, 2015)", ("van Dijk",), "2015", None),
    ("(Charap, Colton & Smith, 2017, pp. 3–4)", ("Charap", "Colton", "Smith"), "2017",
     "pp. 3–4"),
    ("(O’Loughlin et al., 2004)", ("O’Loughlin",), "2004", None),
    ("(Lenin, u.å.)", ("Lenin",), "u.å.", None),
    ("Wilhelmsen og Flikke (2005)", ("Wilhelmsen", "Flikke"), "2005", None),
    ("Tsygankov (2016, s. 201)", ("Tsygankov",), "2016", "s. 201"),
])
def test_scan_forms(text: str, names: tuple[str, ...], year: str,
                    locator: str | None) -> None:
    (work,) = scan_author_year(text)
    assert (work.names, work.year, work.locator) == (names, year, locator)
