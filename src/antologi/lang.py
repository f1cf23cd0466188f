"""The language table: every language-dependent rule and label comes from here.

Keys are primary language subtags (``sv``, ``nb``, ``nn``, ``en``, ``ru``); a full tag such
as ``en-GB`` or ``ru-Latn`` falls back to its primary subtag. ``no`` is accepted but
normalised to ``nb``: pyphen has no ``no`` dictionary (Pyphen #36) and WeasyPrint gives
``no`` guillemets but ``nb``/``nn`` English quotes, so one canonical tag keeps both outputs
the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyphen

# RFC 5646 "langtag" (grandfathered and private-use-only tags are not book languages).
_BCP47 = re.compile(
    r"""^
    (?P<language>[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{5,8})
    (?:-(?P<script>[a-z]{4}))?
    (?:-(?P<region>[a-z]{2}|[0-9]{3}))?
    (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*
    (?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*
    (?:-x(?:-[a-z0-9]{1,8})+)?
    $""",
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class Quotes:
    """Primary and secondary quotation marks: (open, close)."""

    primary: tuple[str, str]
    secondary: tuple[str, str]


@dataclass(frozen=True)
class Language:
    tag: str
    name: str  # the language's own name, for messages and the colophon
    quotes: Quotes
    hyphen_dict: str | None  # pyphen dictionary name
    labels: dict[str, str] = field(default_factory=dict)


_LABELS_SV = {
    "contents": "Innehåll",
    "notes": "Noter",
    "footnote": "Fotnot",
    "reading_list": "Lästips",
    "preface": "Förord",
    "page": "Sida",
    "title_page": "Titelsida",
    "half_title": "Smutstitel",
    "colophon": "Kolofon",
    "cover": "Omslag",
    "start": "Början",
    "landmarks": "Orientering",
    "pages": "Sidor",
    "typeface": "Typsnitt: {name}",
    "cover_alt": "Omslag: {title}, av {authors}",
    "a11y_summary": "Boken har innehållsförteckning, rubrikstruktur, fotnoter som länkar "
    "till och från texten, språkmärkning av varje passage på ett annat språk och den tryckta "
    "utgåvans sidnummer.",
    "back_to_text": "Tillbaka till texten",
    "note_n": "Not {n}",
    "translated_by": "Översättning: {names}",
    "interviewer": "Intervjuare: {names}",
    "editor": "Redaktör: {names}",
    "and": "och",
    "source": "Källa",
    "rights": "Rättigheter",
    "identifier": "ISBN/URN",
    "publisher": "Förlag",
    # Reading list (readinglist.formatting): APA 7 as Swedish guides adapt it.
    "ref_editor": "Red.",
    "ref_editors": "Red.",
    "ref_translator": "Övers.",
    "ref_no_date": "u.å.",
    "ref_retrieved": "Hämtad {date} från",
    "ref_in": "I",
    "ref_page": "s.",
    "ref_pages": "s.",
    "ref_original": "Ursprungligen publicerad {year}",
    "ref_edition": "{n} uppl.",
    "ref_video": "Video",
    "ref_speech": "Tal",
    "ref_et_al": "et al.",
    "ref_months": "januari februari mars april maj juni juli augusti september oktober "
                  "november december",
    "ref_date": "{year}, {day} {month}",
    "ref_date_month": "{year}, {month}",
    "ref_full_date": "{day} {month} {year}",
}

_LABELS_NB = {
    "contents": "Innhold",
    "notes": "Noter",
    "footnote": "Fotnote",
    "reading_list": "Leseliste",
    "preface": "Forord",
    "page": "Side",
    "title_page": "Tittelside",
    "half_title": "Smusstittel",
    "colophon": "Kolofon",
    "cover": "Omslag",
    "start": "Begynnelse",
    "landmarks": "Orientering",
    "pages": "Sider",
    "typeface": "Skrift: {name}",
    "cover_alt": "Omslag: {title}, av {authors}",
    "a11y_summary": "Boka har innholdsfortegnelse, overskriftsstruktur, fotnoter som lenker "
    "til og fra teksten, språkmerking av hvert avsnitt på et annet språk og sidetallene fra "
    "den trykte utgaven.",
    "back_to_text": "Tilbake til teksten",
    "note_n": "Note {n}",
    "translated_by": "Oversatt av {names}",
    "interviewer": "Intervjuer: {names}",
    "editor": "Redaktør: {names}",
    "and": "og",
    "source": "Kilde",
    "rights": "Rettigheter",
    "identifier": "ISBN/URN",
    "publisher": "Forlag",
    # Reading list (readinglist.formatting): APA 7 as Norwegian guides adapt it.
    "ref_editor": "Red.",
    "ref_editors": "Red.",
    "ref_translator": "Overs.",
    "ref_no_date": "u.å.",
    "ref_retrieved": "Hentet {date} fra",
    "ref_in": "I",
    "ref_page": "s.",
    "ref_pages": "s.",
    "ref_original": "Opprinnelig utgitt {year}",
    "ref_edition": "{n} utg.",
    "ref_video": "Video",
    "ref_speech": "Tale",
    "ref_et_al": "et al.",
    "ref_months": "januar februar mars april mai juni juli august september oktober "
                  "november desember",
    "ref_date": "{year}, {day}. {month}",
    "ref_date_month": "{year}, {month}",
    "ref_full_date": "{day}. {month} {year}",
}

_LABELS_NN = {
    **_LABELS_NB,
    "contents": "Innhald",
    "reading_list": "Leseliste",
    "preface": "Føreord",
    "start": "Byrjing",
    "back_to_text": "Attende til teksten",
    "translated_by": "Omsett av {names}",
    "rights": "Rettar",
    "ref_translator": "Oms.",
    "ref_retrieved": "Henta {date} frå",
    "ref_original": "Opphavleg utgjeven {year}",
}

_LABELS_EN = {
    "contents": "Contents",
    "notes": "Notes",
    "footnote": "Footnote",
    "reading_list": "Further Reading",
    "preface": "Preface",
    "page": "Page",
    "title_page": "Title Page",
    "half_title": "Half-title",
    "colophon": "Colophon",
    "cover": "Cover",
    "start": "Start",
    "landmarks": "Landmarks",
    "pages": "Pages",
    "typeface": "Typeface: {name}",
    "cover_alt": "Cover: {title}, by {authors}",
    "a11y_summary": "The book has a table of contents, a heading structure, footnotes linked "
    "to and from the text, language markup on every passage in another language, and the "
    "page numbers of the print edition.",
    "back_to_text": "Back to text",
    "note_n": "Note {n}",
    "translated_by": "Translated by {names}",
    "interviewer": "Interviewer: {names}",
    "editor": "Editor: {names}",
    "and": "and",
    "source": "Source",
    "rights": "Rights",
    "identifier": "ISBN/URN",
    "publisher": "Publisher",
    # Reading list (readinglist.formatting): APA 7 as published.
    "ref_editor": "Ed.",
    "ref_editors": "Eds.",
    "ref_translator": "Trans.",
    "ref_no_date": "n.d.",
    "ref_retrieved": "Retrieved {date}, from",
    "ref_in": "In",
    "ref_page": "p.",
    "ref_pages": "pp.",
    "ref_original": "Original work published {year}",
    "ref_edition": "{n} ed.",
    "ref_video": "Video",
    "ref_speech": "Speech",
    "ref_et_al": "et al.",
    "ref_months": "January February March April May June July August September October "
                  "November December",
    "ref_date": "{year}, {month} {day}",
    "ref_date_month": "{year}, {month}",
    "ref_full_date": "{month} {day}, {year}",
}

_LABELS_RU = {
    **_LABELS_EN,
    "contents": "Содержание",
    "notes": "Примечания",
    "back_to_text": "Назад к тексту",
    "and": "и",
}

TABLE: dict[str, Language] = {
    # Swedish: ”…” on both sides, ’…’ inside (Svenska skrivregler).
    "sv": Language("sv", "svenska", Quotes(("”", "”"), ("’", "’")), "sv", _LABELS_SV),
    # Norwegian: «…» with ‘…’ inside (Språkrådet); "…" is the alternative inner pair.
    "nb": Language("nb", "norsk bokmål", Quotes(("«", "»"), ("‘", "’")), "nb", _LABELS_NB),
    "nn": Language("nn", "norsk nynorsk", Quotes(("«", "»"), ("‘", "’")), "nn", _LABELS_NN),
    "en": Language("en", "English", Quotes(("“", "”"), ("‘", "’")), "en_GB", _LABELS_EN),
    "ru": Language("ru", "русский", Quotes(("«", "»"), ("„", "“")), "ru", _LABELS_RU),
    "da": Language("da", "dansk", Quotes(("»", "«"), ("›", "‹")), "da", _LABELS_EN),
}

LABEL_KEYS = frozenset(_LABELS_EN)


def is_valid_tag(tag: str) -> bool:
    return bool(_BCP47.match(tag))


def normalize_tag(tag: str) -> tuple[str, bool]:
    """Canonical case for a BCP 47 tag; returns (tag, was_norwegian_macro)."""
    parts = tag.replace("_", "-").split("-")
    out = [parts[0].lower()]
    for p in parts[1:]:
        if len(p) == 4 and p.isalpha():
            out.append(p.title())
        elif len(p) == 2 and p.isalpha():
            out.append(p.upper())
        else:
            out.append(p.lower())
    macro = out[0] == "no"
    if macro:
        out[0] = "nb"
    return "-".join(out), macro


def primary(tag: str) -> str:
    return tag.split("-")[0].lower()


def language(tag: str) -> Language:
    """The table entry for a tag, falling back to its primary subtag, then to English rules."""
    entry = TABLE.get(primary(tag))
    if entry is not None:
        return entry
    dict_name = hyphenation_dictionary(tag)
    return Language(tag, tag, TABLE["en"].quotes, dict_name, _LABELS_EN)


def hyphenation_dictionary(tag: str) -> str | None:
    """The pyphen dictionary for a tag, or None when there is none."""
    entry = TABLE.get(primary(tag))
    if entry is not None and entry.hyphen_dict:
        return entry.hyphen_dict
    for candidate in (tag.replace("-", "_"), primary(tag)):
        if candidate in pyphen.LANGUAGES:
            return candidate
    return None


def label(tag: str, key: str, **values: str) -> str:
    """A generated string in the given language; every generated string goes through here."""
    text = language(tag).labels.get(key) or _LABELS_EN[key]
    return text.format(**values) if values else text


def join_names(tag: str, names: list[str]) -> str:
    """'A, B och C' in the language of the book."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {label(tag, 'and')} {names[-1]}"


# --- No-break spaces (typography.apply_spacing) -------------------------------------------


@dataclass(frozen=True)
class Spacing:
    """Where typography.apply_spacing turns an ordinary space into a no-break space.

    Svenska skrivregler and Språkrådet both want a fixed space between a number and the
    abbreviation or unit around it ("s. 136", "100 kr") and after initials, so that a line
    never ends in "s." or starts with "kr". English books do neither, so ``en`` gets only
    the language-neutral rules (dashes, digit groups, SI units) plus its page abbreviations.
    """

    abbreviations: tuple[str, ...] = ()
    """Written before a number: "s. 136", "nr 5". A capitalised form ("Kap. 3") also counts."""
    units: tuple[str, ...] = ()
    """Written after a number: "100 kr", "5 miljoner"; added to NEUTRAL_SPACING's units."""
    initials: bool = False
    """Bind initials to what follows: "J. R. R. Tolkien", "C.-H. Lundberg"."""
    nordic_dialogue: bool = False
    """A paragraph-initial em dash may be turned into the Nordic en dash (option dialogue_dash)."""


# Language-neutral rules: SI units, percent, currency codes and symbols, the section sign.
NEUTRAL_SPACING = Spacing(
    abbreviations=("§", "§§"),
    units=("%", "‰", "°C", "°", "km", "km²", "m", "m²", "m³", "cm", "mm", "kg", "g", "mg",
           "l", "dl", "cl", "ml", "kWh", "kW", "MW", "GW", "TWh", "Hz", "kHz", "MHz", "GB",
           "MB", "€", "$", "£", "₽", "USD", "EUR", "SEK", "NOK", "DKK", "RUB", "GBP"),
)

_SPACING_NB = Spacing(
    abbreviations=("s.", "ss.", "nr.", "nr", "kap.", "fig.", "tab.", "bd.", "vol.", "art.",
                   "kl."),
    units=("kr", "kr.", "øre", "mil", "stk.", "prosent", "million", "millioner", "milliard",
           "milliarder", "mill.", "mrd."),
    initials=True,
    nordic_dialogue=True,
)

SPACING: dict[str, Spacing] = {
    "sv": Spacing(
        abbreviations=("s.", "ss.", "sid.", "nr", "nr.", "kap.", "fig.", "tab.", "bd.",
                       "vol.", "art.", "kl."),
        units=("kr", "kr.", "öre", "mil", "st.", "procent", "miljon", "miljoner", "miljard",
               "miljarder", "milj.", "mdr"),
        initials=True,
        nordic_dialogue=True,
    ),
    "nb": _SPACING_NB,
    "nn": _SPACING_NB,
    "da": Spacing(abbreviations=("s.", "nr.", "kap.", "fig.", "kl."), units=("kr", "kr."),
                  initials=True, nordic_dialogue=True),
    "en": Spacing(abbreviations=("p.", "pp.", "No.", "Nos.", "vol.", "ch.", "fig.")),
    # Russian typesetting binds initials and "с. 12", "№ 5" the same way.
    "ru": Spacing(abbreviations=("с.", "стр.", "№", "гл.", "рис.", "т."),
                  units=("руб.", "млн", "млрд", "тыс."), initials=True),
}


def spacing_rules(tag: str) -> Spacing:
    """The no-break-space rules of a tag (primary subtag), without the neutral ones."""
    return SPACING.get(primary(normalize_tag(tag)[0]), Spacing())
