"""Sorting the reading list the way the book's readers expect: ICU with CLDR's tailorings.

Python's ``sorted()`` compares code points, which puts "Šik" after "Zemskov" and
"Östlund" before "Ärlig". ICU's collator (PyICU, installed from a binary wheel that bundles
ICU) applies the Unicode Collation Algorithm with CLDR's per-language rules, so:

- Swedish: … X Y Z Å Ä Ö, with Æ sorting as Ä, Ø as Ö and Ü as Y;
- Norwegian (nb, nn) and Danish: … Z Æ Ø Å, with Ä as Æ, Ö as Ø, and "Aa" as Å;
- letters with diacritics that a language does not treat as letters of their own sort
  with their base letter (Š with S, Ó with O), as the secondary difference they are.

Punctuation and spaces are ignored at the first levels ("shifted"), so "O'Loughlin" files
as "OLoughlin". On top of the collator, APA's rules for names and titles: a particle
("van", "von", "de") is not part of the sort key's first field (the work files under the
family name), and a title that stands in the author's place loses a leading article in its
own language ("The", "A", "Den", "Det", "En", "Et" …).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache

import icu

from .. import lang as langmod
from .data import Entry, Name

LEADING_ARTICLES: dict[str, tuple[str, ...]] = {
    "en": ("the", "a", "an"),
    "sv": ("den", "det", "de", "en", "ett"),
    "nb": ("den", "det", "de", "en", "et", "ei"),
    "nn": ("den", "det", "dei", "ein", "eit", "ei"),
    "da": ("den", "det", "de", "en", "et"),
    "de": ("der", "die", "das", "ein", "eine"),
    "fr": ("le", "la", "les", "un", "une"),
}
"""Articles ignored at the start of a title that is sorted on, by the title's language."""

_LEADING_PUNCTUATION = re.compile(r"^[\W_]+")


@cache
def collator(lang: str) -> icu.Collator:
    """The ICU collator for a BCP 47 tag ("und" is the root collation)."""
    tag = langmod.normalize_tag(lang)[0] if lang != "und" else "und"
    result = icu.Collator.createInstance(icu.Locale.forLanguageTag(tag))
    result.setAttribute(icu.UCollAttribute.ALTERNATE_HANDLING,
                        icu.UCollAttributeValue.SHIFTED)
    return result


def sort_key(text: str, lang: str) -> bytes:
    """A key that compares like the text in the language's alphabetical order."""
    return bytes(collator(lang).getSortKey(text))


def collate(words: Iterable[str], lang: str) -> list[str]:
    """The words in the alphabetical order of the language."""
    return sorted(words, key=lambda w: sort_key(w, lang))


def title_for_sorting(title: str, title_lang: str | None, lang: str) -> str:
    """The title without leading punctuation or a leading article of its own language."""
    text = _LEADING_PUNCTUATION.sub("", title)
    articles = LEADING_ARTICLES.get(langmod.primary(title_lang or lang), ())
    first, _, rest = text.partition(" ")
    if rest and first.casefold() in articles:
        text = _LEADING_PUNCTUATION.sub("", rest)
    return text


def name_key(name: Name, lang: str) -> tuple[bytes, bytes, bytes]:
    """Family name (without particle), then given names, then the particle."""
    return (sort_key(name.family, lang), sort_key(name.given, lang),
            sort_key(name.particle, lang))


def entry_key(entry: Entry, lang: str) -> tuple:
    """APA 7's reference-list order (§9.44–9.47) in the language's alphabet.

    By the first author, then the next ones (one author before the same author with
    others: "nothing precedes something"); a work without author or editor files under its
    title. Then by year, undated works first; then the year's letter, the date and the title.
    """
    title = entry.title or entry.description or ""
    title_key = sort_key(title_for_sorting(title, entry.title_lang, lang), lang)
    if entry.cite_names:
        names = tuple(name_key(n, lang) for n in entry.cite_names)
    else:
        names = ((title_key, b"", b""),)
    return (names, entry.year is not None, entry.year or 0, entry.year_suffix,
            entry.month or 0, entry.day or 0, title_key, entry.key)


def sort_entries(entries: Sequence[Entry], ordering: str, lang: str) -> list[Entry]:
    """The entries of a section in its ordering: "author" (APA), "date", or "as-is"."""
    if ordering == "as-is":
        return list(entries)
    if ordering == "date":
        return sorted(entries, key=lambda e: (e.sort_date, entry_key(e, lang)))
    return sorted(entries, key=lambda e: entry_key(e, lang))
