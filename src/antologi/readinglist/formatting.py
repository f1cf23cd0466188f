"""Entries -> APA 7 references as document-tree inlines, in the book's language.

Hand-rolled rather than citeproc-py: citeproc-py has no Swedish or Norwegian APA terms
("Red.", "Övers.", "u.å.", "Hämtad … från"), returns strings or HTML rather than our
inline nodes, and cannot tag a title with its own language. Here each entry type is one
small pattern, every generated word comes from the language table (lang.py, keys
``ref_*``), and the result is ``list[model.Inline]``:

- ``Emph`` where APA 7 italicises: the title of a stand-alone work (book, report, web page,
  video, speech), the journal or newspaper and a journal's volume;
- ``Span(lang=…)`` around a title (or container) in another language than the book's,
  so that both outputs hyphenate and pronounce it right;
- ``Link`` for the DOI (as https://doi.org/…) or the URL, the link text being the address.

The ampersand between the last two authors is kept in every language, as Swedish and
Norwegian APA guides keep it; "och"/"og" is for narrative citations (citations.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .. import lang as langmod
from .. import model as m
from .collation import sort_entries
from .data import Entry, Name, ReadingList, annotation_inlines

ITALIC_TITLE = frozenset({"book", "report", "web", "video", "speech", "other"})
"""Types whose own title APA italicises; a chapter's or article's title stays roman."""

_DESCRIBED = {"video": "ref_video", "speech": "ref_speech"}
"""Types that get a bracketed description after the title: "[Video]", "[Tal]"."""

_SPACED_ALREADY = (" ", "(", "[")


@dataclass
class FormattedEntry:
    """One reference ready for a renderer."""

    entry: Entry
    inlines: list[m.Inline]
    annotation: list[m.Inline] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.entry.key

    @property
    def anchor(self) -> str:
        return self.entry.anchor

    @property
    def status(self) -> str:
        return self.entry.status


@dataclass
class FormattedSection:
    title: str
    lang: str  # the language of the title and the annotations
    entries: list[FormattedEntry]


def reading_list_title(reading_list: ReadingList, lang: str) -> str:
    """The heading of the reading list: the file's 'title', else the language's label."""
    return reading_list.title or langmod.label(lang, "reading_list")


def format_reading_list(reading_list: ReadingList, lang: str,
                        include_unverified: bool = False) -> list[FormattedSection]:
    """Every section, sorted in the book's language and formatted; unverified entries are
    left out unless asked for, and a section left empty is dropped."""
    out = []
    for section in reading_list.visible(include_unverified).sections:
        if not section.entries:
            continue
        entries = [FormattedEntry(e, format_entry(e, lang),
                                  annotation_inlines(e.annotation) if e.annotation else [])
                   for e in sort_entries(section.entries, section.ordering, lang)]
        out.append(FormattedSection(section.title, section.lang or lang, entries))
    return out


# --- names and dates ---------------------------------------------------------------------


def initials(given: str) -> str:
    """ "Julie" -> "J.", "Viktor Nikolajevitj" -> "V. N.", "Jean-Paul" -> "J.-P."."""
    parts = [p for p in re.split(r"[\s.]+", given) if p]
    out = []
    for part in parts:
        pieces = [p for p in part.split("-") if p]
        out.append("-".join(f"{p[0]}." for p in pieces))
    return " ".join(out)


def reference_name(name: Name) -> str:
    """A name in the reference list: "Wilhelmsen, J.", "van Dijk, T. A.", "Rabkor".

    The particle stays in front, so the reference begins with the words its citation
    "(van Dijk, 2015)" shows; it is still filed under the family name (collation.py).
    """
    if name.literal:
        return name.family
    return f"{name.cited}, {initials(name.given)}" if name.given else name.cited


def name_initials_first(name: Name) -> str:
    """A name as APA writes editors and translators: "D. Cadier", "T. A. van Dijk"."""
    if name.literal:
        return name.family
    return " ".join(p for p in (initials(name.given), name.particle, name.family) if p)


def author_list(names: Sequence[Name]) -> str:
    """ "A, B." / "A, B., & C, D." / … with APA 7's limit of 20 names."""
    shown = [reference_name(n) for n in names]
    if len(shown) == 1:
        return shown[0]
    if len(shown) > 20:
        return ", ".join(shown[:19]) + ", . . . " + shown[-1]
    return ", ".join(shown[:-1]) + ", & " + shown[-1]


def initials_first_list(names: Sequence[Name]) -> str:
    shown = [name_initials_first(n) for n in names]
    if len(shown) <= 2:
        return " & ".join(shown)
    return ", ".join(shown[:-1]) + ", & " + shown[-1]


def month_name(month: int, lang: str) -> str:
    return langmod.label(lang, "ref_months").split()[month - 1]


def year_label(entry: Entry, lang: str) -> str:
    """ "2021", "2004a", "u.å." (or "u.å.-a" for several undated works)."""
    if entry.year is None:
        no_date = langmod.label(lang, "ref_no_date")
        return f"{no_date}-{entry.year_suffix}" if entry.year_suffix else no_date
    return f"{entry.year}{entry.year_suffix}"


def date_label(entry: Entry, lang: str) -> str:
    """What stands in the parentheses after the authors: "2025, 16 oktober"."""
    year = year_label(entry, lang)
    if entry.year is None or entry.month is None:
        return year
    month = month_name(entry.month, lang)
    if entry.day is None:
        return langmod.label(lang, "ref_date_month", year=year, month=month)
    return langmod.label(lang, "ref_date", year=year, month=month, day=str(entry.day))


def ordinal(n: int, lang: str) -> str:
    """An edition number as the language writes it: 4:e (sv), 4. (nb, nn, da), 4th (en)."""
    primary = langmod.primary(lang)
    if primary == "sv":
        return f"{n}:{'a' if n % 10 in (1, 2) and n % 100 not in (11, 12) else 'e'}"
    if primary in ("nb", "nn", "da", "no"):
        return f"{n}."
    if n % 100 in (11, 12, 13):
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def page_range(pages: str) -> str:
    """Ranges with an en dash: "87-96" -> "87–96"."""
    return re.sub(r"(?<=\w)\s*-\s*(?=\w)", "–", pages)


# --- the reference ------------------------------------------------------------------------


def is_foreign(tag: str | None, lang: str) -> bool:
    """Whether text in `tag` needs its own language mark inside a book in `lang`."""
    if not tag:
        return False
    return _lang_script(tag) != _lang_script(lang)


def _lang_script(tag: str) -> tuple[str, str]:
    parts = langmod.normalize_tag(tag)[0].split("-")
    script = next((p for p in parts[1:] if len(p) == 4 and p.isalpha()), "")
    return parts[0], script


class _Out:
    """Collects inlines, merging neighbouring text."""

    def __init__(self) -> None:
        self.items: list[m.Inline] = []

    def text(self, text: str) -> None:
        if not text:
            return
        if self.items and isinstance(self.items[-1], m.Text):
            self.items[-1] = m.Text(self.items[-1].text + text)
        else:
            self.items.append(m.Text(text))

    def add(self, nodes: Sequence[m.Inline]) -> None:
        for node in nodes:
            if isinstance(node, m.Text):
                self.text(node.text)
            else:
                self.items.append(node)

    def last_char(self) -> str:
        text = m.plain_text(self.items)
        return text[-1] if text else ""

    def space(self) -> None:
        if self.items and self.last_char() not in _SPACED_ALREADY:
            self.text(" ")

    def period(self) -> None:
        """APA's closing period, unless the element already ends in . ? or !."""
        if self.items and self.last_char() not in ".?!":
            self.text(".")


def _marked(text: str, tag: str | None, lang: str, italic: bool) -> list[m.Inline]:
    node: m.Inline = m.Text(text)
    if italic:
        node = m.Emph([node])
    if is_foreign(tag, lang):
        node = m.Span([node], langmod.normalize_tag(tag or lang)[0])
    return [node]


def _title(out: _Out, entry: Entry, lang: str) -> None:
    """Title, [translated title], (edition; number; translators) [Video]."""
    if entry.title:
        out.add(_marked(entry.title, entry.title_lang, lang, entry.type in ITALIC_TITLE))
        if entry.translated_title:
            out.text(f" [{entry.translated_title}]")
    elif entry.description:
        out.text(f"[{entry.description}]")
    notes = []
    if entry.edition:
        number = entry.edition
        if number.isdigit():
            number = langmod.label(lang, "ref_edition", n=ordinal(int(number), lang))
        notes.append(number)
    if entry.number:
        notes.append(entry.number)
    if entry.translators:
        notes.append(f"{initials_first_list(entry.translators)}, "
                     f"{langmod.label(lang, 'ref_translator')}")
    if notes:
        out.text(f" ({'; '.join(notes)})")
    if entry.title and entry.type in _DESCRIBED:
        out.text(f" [{langmod.label(lang, _DESCRIBED[entry.type])}]")
    out.period()


def _same_as_author(entry: Entry, name: str | None) -> bool:
    return bool(name) and len(entry.authors) == 1 and entry.authors[0].literal \
        and entry.authors[0].family == name


def _source(out: _Out, entry: Entry, lang: str) -> None:
    """Where the work is: the journal, the book of a chapter, the publisher, the site."""
    container = entry.container
    if entry.type == "chapter" and container:
        out.space()
        out.text(f"{langmod.label(lang, 'ref_in')} ")
        if entry.editors:
            key = "ref_editor" if len(entry.editors) == 1 else "ref_editors"
            out.text(f"{initials_first_list(entry.editors)} ({langmod.label(lang, key)}), ")
        out.add(_marked(container, entry.container_lang, lang, True))
        if entry.pages:
            out.text(f" ({langmod.label(lang, 'ref_pages')} {page_range(entry.pages)})")
        out.period()
    elif entry.type in ("article", "newspaper") and container:
        out.space()
        out.add(_marked(container, entry.container_lang, lang, True))
        if entry.volume:
            out.text(", ")
            out.add([m.Emph([m.Text(entry.volume)])])
        if entry.issue:
            out.text(f"({entry.issue})" if entry.volume else f", ({entry.issue})")
        if entry.pages:
            out.text(f", {page_range(entry.pages)}")
        out.period()
    elif container and not _same_as_author(entry, container):
        out.space()
        out.add(_marked(container, entry.container_lang, lang, False))
        out.period()
    if entry.publisher and entry.publisher != container \
            and not _same_as_author(entry, entry.publisher):
        out.space()
        out.text(entry.publisher)
        out.period()


def _link(out: _Out, entry: Entry, lang: str) -> None:
    if entry.doi:
        href = f"https://doi.org/{entry.doi}"
    elif entry.url:
        href = entry.url
    else:
        return
    out.space()
    if entry.accessed and not entry.doi:
        date = langmod.label(lang, "ref_full_date", day=str(entry.accessed.day),
                             month=month_name(entry.accessed.month, lang),
                             year=str(entry.accessed.year))
        out.text(langmod.label(lang, "ref_retrieved", date=date) + " ")
    out.add([m.Link(href, [m.Text(href)])])


def format_entry(entry: Entry, lang: str) -> list[m.Inline]:
    """The APA 7 reference of one entry, in the book language `lang`."""
    out = _Out()
    names = entry.cite_names
    if names:
        out.text(author_list(names))
        if not entry.authors:
            key = "ref_editor" if len(entry.editors) == 1 else "ref_editors"
            out.text(f" ({langmod.label(lang, key)})")
        out.period()
        out.text(f" ({date_label(entry, lang)}).")
        out.space()
        _title(out, entry, lang)
    else:
        # No author: the title moves to the author's place (APA 7 §9.12).
        _title(out, entry, lang)
        out.text(f" ({date_label(entry, lang)}).")
    _source(out, entry, lang)
    _link(out, entry, lang)
    if entry.original_year:
        out.text(f" ({langmod.label(lang, 'ref_original', year=str(entry.original_year))})")
    return out.items
