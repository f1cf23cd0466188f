"""Citations: keys resolved to entries, APA 7 in-text citations, and author–year citations
that a text already contains found and matched to their entries.

Two ways into the reading list from a chapter:

- a key, as a citation syntax such as ``[@trenin2006, s. 90]`` gives it: ``resolve`` finds
  the entry or reports an unknown key with file:line:col and a did-you-mean, and
  ``format_citation`` writes "(Trenin, 2006, s. 90)";
- the texts' own author–year citations, "(Antonenko, 2004)", "(Wilhelmsen, 2018, 2019)",
  "Dmitri Trenin (2006)": ``find_author_year`` gives their character ranges and keys, so
  they can be linked to the reading list without rewriting what the author wrote.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .. import lang as langmod
from .. import model as m
from ..diagnostics import Report, Span
from .data import Entry, ReadingList
from .formatting import ITALIC_TITLE, is_foreign, page_range, year_label

# --- resolving keys ------------------------------------------------------------------------


def resolve(key: str, locator: str | None, reading_list: ReadingList, span: Span,
            report: Report, *, include_unverified: bool = False) -> Entry | None:
    """The entry a citation key names, or None with R011 at `span` (with a did-you-mean).

    Also reports an empty locator ("[@key, ]", R014) and, as a warning, a citation of an
    unverified entry that the book leaves out (R012), since its link would lead nowhere.
    """
    entry = reading_list.get(key)
    if entry is None:
        close = difflib.get_close_matches(key, reading_list.keys, n=1, cutoff=0.6)
        report.error("R011", f"unknown citation key '{key}'", span,
                     f"did you mean '{close[0]}'?" if close else
                     f"add an entry with 'key: {key}' to {reading_list.path.as_posix()}")
        return None
    if locator is not None and not locator.strip():
        report.error("R014", f"the citation of '{key}' has an empty locator", span,
                     "write the page after the comma, e.g. s. 12, or drop the comma")
    if entry.status == "unverified" and not include_unverified:
        report.warning("R012", f"'{key}' is unverified, so the reading list leaves it out",
                       span, "check the entry and change its status, or let the book "
                       "include unverified entries")
    return entry


# --- formatting citations --------------------------------------------------------------------


def locator_text(locator: str, lang: str) -> str:
    """A bare page number or range gets the language's page label: "12" -> "s. 12"."""
    locator = locator.strip()
    if re.fullmatch(r"\d+\s*[–-]\s*\d+", locator):
        return f"{langmod.label(lang, 'ref_pages')} {page_range(locator)}"
    if re.fullmatch(r"\d+", locator):
        return f"{langmod.label(lang, 'ref_page')} {locator}"
    return locator


def cited_names(entry: Entry, lang: str, *, narrative: bool = False) -> list[m.Inline]:
    """Who stands in a citation: "Wilhelmsen", "Charap & Colton" ("Charap och Colton" in
    running text), "O'Loughlin et al."; a work without author by its short title."""
    names = [n.cited for n in entry.cite_names]
    if not names:
        title = (entry.title or f"[{entry.description}]").split(":")[0].strip()
        node: m.Inline
        if entry.title and entry.type in ITALIC_TITLE:
            node = m.Emph([m.Text(title)])
        else:
            opening, closing = langmod.language(lang).quotes.primary
            node = m.Text(f"{opening}{title}{closing}")
        if entry.title and is_foreign(entry.title_lang, lang):
            node = m.Span([node], entry.title_lang or lang)
        return [node]
    if len(names) == 1:
        text = names[0]
    elif len(names) == 2:
        joiner = f" {langmod.label(lang, 'and')} " if narrative else " & "
        text = joiner.join(names)
    else:
        text = f"{names[0]} {langmod.label(lang, 'ref_et_al')}"
    return [m.Text(text)]


def _merge(nodes: list[m.Inline]) -> list[m.Inline]:
    out: list[m.Inline] = []
    for node in nodes:
        if isinstance(node, m.Text) and out and isinstance(out[-1], m.Text):
            out[-1] = m.Text(out[-1].text + node.text)
        elif not (isinstance(node, m.Text) and not node.text):
            out.append(node)
    return out


def _linked(nodes: list[m.Inline], href: str | None) -> list[m.Inline]:
    return [m.Link(href, _merge(nodes))] if href else nodes


def format_citation(entry: Entry, locator: str | None, lang: str, *, narrative: bool = False,
                    href: str | None = None) -> list[m.Inline]:
    """An APA 7 in-text citation: "(Wilhelmsen, 2021, s. 12)", or narratively
    "Wilhelmsen (2021, s. 12)". With `href`, the citation (inside the parentheses) links
    there, e.g. to the entry's anchor in the reading list."""
    year = year_label(entry, lang)
    where = f", {locator_text(locator, lang)}" if locator and locator.strip() else ""
    names = cited_names(entry, lang, narrative=narrative)
    if narrative:
        return _merge(_linked([*names, m.Text(f" ({year}{where})")], href))
    return _merge([m.Text("("), *_linked([*names, m.Text(f", {year}{where}")], href),
                   m.Text(")")])


def format_citation_group(items: Sequence[tuple[Entry, str | None]], lang: str, *,
                          hrefs: Sequence[str | None] | None = None) -> list[m.Inline]:
    """Several works in one parenthesis: "(Gilligan, 2013; Hughes, 2007)". Works of the same
    authors that follow each other share the name: "(Wilhelmsen, 2018, 2019)"."""
    links = list(hrefs) if hrefs is not None else [None] * len(items)
    out: list[m.Inline] = [m.Text("(")]
    previous: str | None = None
    for i, (entry, locator) in enumerate(items):
        year = year_label(entry, lang)
        where = f", {locator_text(locator, lang)}" if locator and locator.strip() else ""
        names = cited_names(entry, lang)
        label = m.plain_text(names)
        previous_locator = items[i - 1][1] if i else None
        if label == previous and not previous_locator:
            out.append(m.Text(", "))
            out.extend(_linked([m.Text(f"{year}{where}")], links[i]))
        else:
            if i:
                out.append(m.Text("; "))
            out.extend(_linked([*names, m.Text(f", {year}{where}")], links[i]))
        previous = label
    out.append(m.Text(")"))
    return _merge(out)


# --- author–year citations in running text -----------------------------------------------------

_PARTICLE = r"(?:van|von|de|der|den|du|da|di|del|della|la|le|ter|ten|af|Ó|Ní|Mac)"
_WORD = r"[^\W\d_][\w’'\-]*"
_NAME = rf"(?<![\w’'\-])(?:{_PARTICLE}\s)?{_WORD}"
_SEP = r"(?:,\s&\s|\s&\s|,\s|\sog\s|\soch\s|\sand\s)"
_NAMES = rf"{_NAME}(?:{_SEP}(?:{_PARTICLE}\s)?{_WORD})*(?P<etal>\set\sal\.)?"
_YEAR = r"(?:\d{4}[a-z]?|u\.å\.|n\.d\.)(?![\w–-])"
_YEARS = rf"{_YEAR}(?:,\s{_YEAR})*"
_LOCATOR = (r"(?:s|ss|sid|p|pp|kap|ch|avsn)\.\s?\d+(?:\s?[–-]\s?\d+)?"
            r"(?:\s?(?:f|ff)\.)?")

_PAREN_ITEM = re.compile(rf"(?P<names>{_NAMES}),\s(?P<years>{_YEARS})"
                         rf"(?:,\s(?P<loc>{_LOCATOR}))?\s*$")
_NARRATIVE = re.compile(rf"(?P<names>{_NAMES})\s\((?P<years>{_YEARS})"
                        rf"(?:,\s(?P<loc>{_LOCATOR}))?\)")
_GROUP = re.compile(r"\(([^()]*)\)")
# What a narrative citation has in any case, looked for before the costly pattern is run.
_NARRATIVE_HINT = re.compile(rf"\s\({_YEAR}")
_YEAR_RE = re.compile(_YEAR)
_NAME_SPLIT = re.compile(rf"{_SEP}")


@dataclass(frozen=True)
class AuthorYear:
    """One work named by an author–year citation in a text (character offsets)."""

    start: int
    end: int
    names: tuple[str, ...]  # as written: ("Charap", "Colton")
    year: str  # as written: "2004a", "u.å."
    locator: str | None = None
    et_al: bool = False
    narrative: bool = False


class TextCitation(NamedTuple):
    """A range of a text that cites the entry `key`; link text[start:end] to it."""

    start: int
    end: int
    key: str


def _names(text: str) -> tuple[tuple[str, ...], bool] | None:
    et_al = text.endswith(" et al.")
    if et_al:
        text = text[: -len(" et al.")]
    names = tuple(n for n in _NAME_SPLIT.split(text) if n)
    if not all(n.split()[-1][:1].isupper() for n in names):
        return None
    return names, et_al


def _works(match: re.Match[str], base: int, narrative: bool) -> list[AuthorYear]:
    parsed = _names(match.group("names"))
    if parsed is None:
        return []
    names, et_al = parsed
    years = list(_YEAR_RE.finditer(match.group("years")))
    year_base = base + match.start("years")
    locator = match.group("loc")
    out = []
    for i, year in enumerate(years):
        last = i == len(years) - 1
        start = base + match.start("names") if i == 0 else year_base + year.start()
        end = year_base + year.end()
        if last and locator:
            end = base + match.end("loc")
        if narrative and len(years) == 1:
            end = base + match.end()
        out.append(AuthorYear(start, end, names, year.group(), locator if last else None,
                              et_al, narrative))
    return out


def scan_author_year(text: str) -> list[AuthorYear]:
    """Every author–year citation in a text, whether or not the reading list has the work.

    Parenthetical "(Name, 2004)", "(Name & Name, 2017, s. 110; Name, 2018, 2019)", with any
    lead-in such as "(for eksempel Sakwa, 2017, s. 110)", and narrative "Name (2006)". A
    name must begin with a capital letter (after an optional particle such as "van").
    """
    if "(" not in text:
        return []  # both kinds have a parenthesis: most text has none
    found: list[AuthorYear] = []
    for group in _GROUP.finditer(text):
        content, base = group.group(1), group.start(1)
        offset = 0
        for part in content.split(";"):
            pos = 0
            while (match := _PAREN_ITEM.search(part, pos)) is not None:
                works = _works(match, base + offset, narrative=False)
                if works:
                    found.extend(works)
                    break
                pos = match.start() + 1
            offset += len(part) + 1
    if not _NARRATIVE_HINT.search(text):
        return sorted(found, key=lambda w: w.start)
    parenthetical = [(w.start, w.end) for w in found]
    for match in _NARRATIVE.finditer(text):
        if not any(start < match.end() and match.start() < end
                   for start, end in parenthetical):
            found.extend(_works(match, 0, narrative=True))
    return sorted(found, key=lambda w: w.start)


def _fold(name: str) -> str:
    """The part of a name citations agree on: last word, no accents, no apostrophes."""
    last = name.split()[-1]
    last = unicodedata.normalize("NFKD", last)
    return "".join(c for c in last if not unicodedata.combining(c)
                   and c not in "’'").casefold()


def _year_key(year: str) -> str:
    return year.replace("u.å.", "n.d.")


def match_author_year(work: AuthorYear, entries: Iterable[Entry]) -> Entry | None:
    """The one entry an author–year citation means, or None when none or several fit.

    Names are compared on their last word without accents, so "Tuathail" finds
    "Ó Tuathail". When no entry has exactly the cited names, an entry whose authors include
    them in the same order is taken if it is the only one: texts sometimes cite a
    three-author work by two of its names.
    """
    cited = tuple(_fold(n) for n in work.names)
    year = _year_key(work.year)
    candidates = []
    for entry in entries:
        entry_year = f"{entry.year}{entry.year_suffix}" if entry.year is not None else \
            "n.d." + (f"-{entry.year_suffix}" if entry.year_suffix else "")
        if entry_year == year and entry.cite_names:
            candidates.append((tuple(_fold(n.family) for n in entry.cite_names), entry))
    if work.et_al:
        fits = [e for names, e in candidates if len(names) >= 3 and names[0] == cited[0]]
    else:
        fits = [e for names, e in candidates if names == cited]
        if not fits:
            fits = [e for names, e in candidates if len(names) > len(cited)
                    and _subsequence(cited, names)]
    return fits[0] if len(fits) == 1 else None


def _subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    it = iter(long)
    return all(name in it for name in short)


def find_author_year(text: str, entries: Iterable[Entry]) -> list[TextCitation]:
    """The author–year citations of a text that match an entry: (start, end, key) each,
    in text order. Citations that match nothing are left out; ``scan_author_year`` gives
    them all, for a warning (R015) where the caller knows the file and line."""
    pool = list(entries)
    out = []
    for work in scan_author_year(text):
        entry = match_author_year(work, pool)
        if entry is not None:
            out.append(TextCitation(work.start, work.end, entry.key))
    return out
