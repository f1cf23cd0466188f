"""Collation: each language's alphabet (ICU, CLDR), particles and leading articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from antologi.diagnostics import Report, Span
from antologi.readinglist import collate, sort_entries
from antologi.readinglist.collation import title_for_sorting
from antologi.readinglist.data import Entry, Name

ROWS = [
    # Swedish: Å Ä Ö after Z; Æ sorts as Ä and Ø as Ö; Ü as Y; Š with S.
    ("sv", ["Zorn", "Åberg", "Ärlig", "Östlund"]),
    ("sv", ["Zorn", "Åsen", "Ærø", "Äsen", "Øst", "Öva"]),
    ("sv", ["Sakwa", "Šik", "Srnicek", "Surkov"]),
    ("sv", ["Wilhelmsen", "Übel", "Yurchak", "Zemskov"]),
    ("sv", ["Oberg", "O’Loughlin", "Olsen", "Ó Tuathail"]),
    # Norwegian Bokmål and Nynorsk, and Danish: Æ Ø Å after Z; Ä as Æ, Ö as Ø, Aa as Å.
    ("nb", ["Zeta", "Ærø", "Øst", "Åsen"]),
    ("nb", ["Zeta", "Ärlig", "Ørsta", "Östlund", "Åberg"]),
    ("nb", ["Øst", "Aabel", "Åsen"]),
    ("nb", ["Sakwa", "Šik", "Srnicek"]),
    ("nn", ["Zeta", "Ærø", "Øst", "Åsen"]),
    ("da", ["Zeta", "Ærø", "Øst", "Åsen"]),
    # English: the same letters are only accented a and o.
    ("en", ["Åberg", "Ærø", "Östlund", "Zorn"]),
]


@pytest.mark.parametrize(("lang", "expected"), ROWS,
                         ids=[f"{lang}-{'<'.join(words)}" for lang, words in ROWS])
def test_alphabetical_order(lang: str, expected: list[str]) -> None:
    assert collate(reversed(expected), lang) == expected
    assert collate(sorted(expected), lang) == expected


def test_plain_sorted_would_be_wrong() -> None:
    """Why a collation library: code point order puts Š after Z and Ö before Ä."""
    assert sorted(["Šik", "Zemskov", "Östlund", "Ärlig"]) == ["Zemskov", "Ärlig", "Östlund",
                                                               "Šik"]
    assert collate(["Šik", "Zemskov", "Östlund", "Ärlig"], "sv") == ["Šik", "Zemskov",
                                                                     "Ärlig", "Östlund"]


@pytest.mark.parametrize(("title", "title_lang", "lang", "expected"), [
    ("The real North Korea", "en", "sv", "real North Korea"),
    ("A risky westward turn", "en", "sv", "risky westward turn"),
    ("Den nya given", "sv", "sv", "nya given"),
    ("Det store spillet", "nb", "sv", "store spillet"),
    ("En vädjan till mina vänner", None, "sv", "vädjan till mina vänner"),
    ("Et skjørt partnerskap", None, "nb", "skjørt partnerskap"),
    ("”En seger för Putin”", "sv", "sv", "seger för Putin”"),
    ("En route", "en", "sv", "En route"),  # 'En' is no English article
    ("The", "en", "sv", "The"),  # an article alone stays
])
def test_leading_article_ignored(title: str, title_lang: str | None, lang: str,
                                 expected: str) -> None:
    assert title_for_sorting(title, title_lang, lang) == expected


def _entry(key: str, names: tuple[Name, ...] = (), title: str = "T", year: int | None = 2000,
           title_lang: str | None = None, **kw: object) -> Entry:
    return Entry(key=key, type="book", span=Span("x.yaml"), title=title, authors=names,
                 year=year, title_lang=title_lang, **kw)  # type: ignore[arg-type]


def test_particles_file_under_the_family_name() -> None:
    entries = [
        _entry("eriksson", (Name("Eriksson", "E."),)),
        _entry("vandijk", (Name("Dijk", "T. A.", "van"),)),
        _entry("dahl", (Name("Dahl", "D."),)),
        _entry("vonplaten", (Name("Platen", "M.", "von"),)),
        _entry("petersen", (Name("Petersen", "P."),)),
        _entry("vanaken", (Name("Aken", "A.", "van"),)),
    ]
    assert [e.key for e in sort_entries(entries, "author", "sv")] == [
        "vanaken", "dahl", "vandijk", "eriksson", "petersen", "vonplaten"]


def test_apa_order_names_years_and_titles() -> None:
    wilhelmsen = Name("Wilhelmsen", "J.")
    entries = [
        _entry("w-flikke", (wilhelmsen, Name("Flikke", "G.")), year=2005),
        _entry("w2019", (wilhelmsen,), year=2019),
        _entry("w2011", (wilhelmsen,), year=2011),
        _entry("wnd", (wilhelmsen,), year=None),
        _entry("realnk", title="The real North Korea", title_lang="en"),
        _entry("putin", (Name("Putin", "V."),)),
        _entry("sakwa", (Name("Sakwa", "R."),)),
        _entry("orrebo", (Name("Örebro universitet", literal=True),)),
        _entry("aasen", (Name("Åsen", "K."),)),
    ]
    # One author before the same author with others; undated first; a title in the
    # author's place without its article ("Real"); Å and Ö after Z.
    assert [e.key for e in sort_entries(entries, "author", "sv")] == [
        "putin", "realnk", "sakwa", "wnd", "w2011", "w2019", "w-flikke", "aasen", "orrebo"]


def test_date_and_as_is_orderings() -> None:
    entries = [
        _entry("c", (Name("A", "A."),), year=2024, month=5),
        _entry("a", (Name("B", "B."),), year=2021),
        _entry("nd", (Name("C", "C."),), year=None),
        _entry("b", (Name("C", "C."),), year=2024, month=1),
    ]
    assert [e.key for e in sort_entries(entries, "date", "sv")] == ["a", "b", "c", "nd"]
    assert [e.key for e in sort_entries(entries, "as-is", "sv")] == ["c", "a", "nd", "b"]


def test_year_letters_follow_the_dates(tmp_path: Path) -> None:
    from antologi.readinglist import load_reading_list

    (tmp_path / "rl.yaml").write_text(
        "sections:\n  - title: S\n    entries:\n"
        "      - {key: late, type: web, authors: ['K, B.'], title: Ö, date: 2023-08}\n"
        "      - {key: early, type: web, authors: ['K, B.'], title: Z, date: 2023-04}\n"
        "      - {key: yearonly, type: web, authors: ['K, B.'], title: A, year: 2023}\n"
        "      - {key: other, type: web, authors: ['K, B.', 'R, A.'], title: B, year: 2023}\n",
        "utf-8")
    report = Report()
    rl = load_reading_list(tmp_path, Path("rl.yaml"), report)
    assert report.items == []
    assert {e.key: e.year_suffix for e in rl.entries} == {
        "yearonly": "a", "early": "b", "late": "c", "other": ""}
