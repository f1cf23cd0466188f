"""Soft hyphens from pyphen and the exceptions file, one rule per row.

In the expected strings "|" stands for U+00AD (SOFT HYPHEN). The dictionary rows were
computed once with pyphen 0.18.1 and checked by eye against the real texts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from antologi import hyphenation as hyphenation_module
from antologi.diagnostics import Severity
from antologi.hyphenation import (
    ALL_LANGUAGES,
    SOFT_HYPHEN,
    Exceptions,
    HyphenationSettings,
    Hyphenator,
    parse_exceptions,
)

NO_EXCEPTIONS = Exceptions(by_lang={})

EXCEPTIONS_FILE = """\
# Names that pyphen breaks badly.
Washington
[sv]
Kagar=lits=kij
NATO-Russ=land-rådet   # a real hyphen is part of the word
fängelse=intervju
O'Sulli=van
[nb]
binde=middel
"""


def shy(text: str) -> str:
    return text.replace("|", SOFT_HYPHEN)


def hyphenate(lang: str, text: str, exceptions: Exceptions = NO_EXCEPTIONS,
              **settings: int) -> str:
    hyphenator = Hyphenator(lang, HyphenationSettings(**settings), exceptions)
    return hyphenator.hyphenate(text).replace(SOFT_HYPHEN, "|")


def book_exceptions() -> Exceptions:
    exceptions, diagnostics = parse_exceptions(EXCEPTIONS_FILE, "book/hyphenation.txt")
    assert diagnostics == []
    return exceptions


# --- Dictionary breaks --------------------------------------------------------------------

DICTIONARY = [
    ("sv", "fängelseintervju", "fäng|el|se|in|ter|vju"),
    ("sv", "Ukrainafrågan", "Ukraina|frå|gan"),
    ("sv", "myndigheternas", "myn|dig|he|ter|nas"),
    ("sv", "händelseförloppet", "hän|del|se|för|lop|pet"),
    ("sv", "straffrättsliga", "straff|rätts|liga"),
    ("sv", "Storbritannien", "Stor|bri|tan|nien"),
    ("nb", "bindemiddel", "binde|mid|del"),
    ("nb", "partnerskapet", "part|ner|ska|pet"),
    ("nb", "etterretningssamarbeid", "etter|ret|nings|sam|ar|beid"),
    ("nn", "bindemiddel", "binde|mid|del"),
    ("nn", "utanriksminister", "utan|riks|mi|nis|ter"),
    ("en", "hyphenation", "hy|phen|a|tion"),
    ("en", "fundamentally", "fun|da|ment|ally"),
    ("ru", "Коммунистическая", "Ком|му|ни|сти|че|ская"),
    ("ru", "Федерации", "Фе|де|ра|ции"),
    ("ru", "Российской", "Рос|сий|ской"),
    # The 'no' tag works through nb (Pyphen #36: there is no 'no' dictionary).
    ("no", "bindemiddel", "binde|mid|del"),
    # Running text: punctuation and spaces are untouched, every word is done.
    ("sv", "Om fängelseintervjun, myndigheternas svar.",
     "Om fäng|el|se|in|ter|vjun, myn|dig|he|ter|nas svar."),
    ("nb", "«bindemiddel» – partnerskapet!", "«binde|mid|del» – part|ner|ska|pet!"),
]


@pytest.mark.parametrize(("lang", "text", "expected"), DICTIONARY)
def test_dictionary_breaks(lang: str, text: str, expected: str) -> None:
    assert hyphenate(lang, text) == expected


@pytest.mark.parametrize(("lang", "text", "expected"), DICTIONARY)
def test_only_soft_hyphens_are_inserted(lang: str, text: str, expected: str) -> None:
    result = Hyphenator(lang, HyphenationSettings(), NO_EXCEPTIONS).hyphenate(text)
    assert result.replace(SOFT_HYPHEN, "") == text


@pytest.mark.parametrize(
    ("lang", "word", "points"),
    [
        ("sv", "Kagarlitskij", [2, 5, 8]),
        ("nb", "bindemiddel", [5, 8]),
        ("en", "hyphenation", [2, 6, 7]),
        ("sv", "kort", []),
        ("sv", "NATO-Russland-rådet", [9]),
        ("sv", "SUKP", []),
    ],
)
def test_points(lang: str, word: str, points: list[int]) -> None:
    assert Hyphenator(lang, HyphenationSettings(), NO_EXCEPTIONS).points(word) == points


# --- Exceptions ------------------------------------------------------------------------------

EXCEPTIONS = [
    # Breaks exactly where the file puts '=' (pyphen says Ka|gar|lit|skij).
    ("sv", "Kagarlitskij", "Kagar|lits|kij"),
    ("sv", "kagarlitskij", "kagar|lits|kij"),
    ("sv", "KAGARLITSKIJ", "KAGAR|LITS|KIJ"),
    # Genitive -s takes the entry's breaks.
    ("sv", "Kagarlitskijs", "Kagar|lits|kijs"),
    ("sv", "Kagarlitskij:s", "Kagar|lits|kij:s"),
    # A plain entry is never broken (pyphen says Washing|ton), in every language.
    ("sv", "Washington", "Washington"),
    ("sv", "Washingtons", "Washingtons"),
    ("nb", "Washington", "Washington"),
    ("en", "Washington’s", "Washington’s"),
    # A whole compound with its real hyphens.
    ("sv", "NATO-Russland-rådet", "NATO-Russ|land-rådet"),
    ("sv", "NATO\u2010Russland\u2010rådet", "NATO\u2010Russ|land\u2010rådet"),
    # The exceptions file may use ' where the typeset text has ’.
    ("sv", "O’Sullivan O’Sullivans", "O’Sulli|van O’Sulli|vans"),
    # Sections apply to their own language only.
    ("sv", "fängelseintervju", "fängelse|intervju"),
    ("nb", "fängelseintervju", "fän|gelse|in|ter|vju"),
    ("nb", "bindemiddel", "binde|middel"),
    ("nn", "bindemiddel", "binde|mid|del"),
    ("sv", "Kagarlitskij", "Kagar|lits|kij"),
    ("nb", "Kagarlitskij", "Ka|gar|lit|skij"),
    # Whole words only: a longer word is not the entry.
    ("sv", "Kagarlitskijsson", "Ka|gar|lit|skijs|son"),
]


@pytest.mark.parametrize(("lang", "text", "expected"), EXCEPTIONS)
def test_exceptions(lang: str, text: str, expected: str) -> None:
    assert hyphenate(lang, text, book_exceptions()) == expected


def test_exceptions_without_a_dictionary() -> None:
    """A language pyphen lacks still gets the book's own breaks."""
    exceptions = Exceptions(by_lang={ALL_LANGUAGES: {"kagarlitskij": (5, 9)}})
    hyphenator = Hyphenator("se", HyphenationSettings(), exceptions)
    assert not hyphenator.available
    assert hyphenator.hyphenate("Kagarlitskij sámegiella") == shy("Kagar|lits|kij sámegiella")


def test_exceptions_override_min_word() -> None:
    exceptions = Exceptions(by_lang={"sv": {"rådet": (2,)}})
    assert hyphenate("sv", "rådet", exceptions) == "rå|det"


# --- Never broken -------------------------------------------------------------------------

UNTOUCHED = [
    # URLs and e-mail addresses, skipped whole.
    ("sv", "https://links.org.au/node/7497"),
    ("sv", "(https://rabkor.ru/columns/interview/2025/10/16/kagarlitsky_prison/)"),
    ("sv", "www.internasjonalpolitikk.no/bindemiddel"),
    ("nb", "kontakt.redaksjonen@internasjonalpolitikk.no"),
    ("en", "mailto:hyphenation"),
    # Numbers and parts with digits.
    ("sv", "nr 1400, 1948–1953, 4,5 h"),
    ("nb", "G8 R2P 2004a 2004b"),
    # Acronyms, with or without genitive.
    ("sv", "SUKP KPRF NATO ФСИН"),
    ("sv", "NATOs USA’s"),
    ("en", "HYPHENATION"),
    ("ru", "КПРФ"),
    # Abbreviations with internal dots.
    ("sv", "t.ex. bl.a. d.v.s."),
    ("sv", "links.org.au"),
    # Underscores: identifiers.
    ("en", "hyphenation_dictionary"),
    # The author's own soft hyphens are the only breaks.
    ("sv", "Ukraina\u00adfrågan"),
    ("nb", "binde\u00admiddel"),
    # Short words (< min_word letters).
    ("sv", "rådet är kort"),
    ("nb", "kunne ikke Russ"),
    # Apostrophe words whose parts are short; nothing next to an apostrophe.
    ("en", "rock’n’roll don't"),
    ("sv", "Dud’ vDud’"),
    # Not words at all.
    ("sv", "– … 2008–2010 (1)–(3) § 4 2:a 19:e"),
    ("sv", ""),
]


@pytest.mark.parametrize(("lang", "text"), UNTOUCHED)
def test_untouched(lang: str, text: str) -> None:
    assert Hyphenator(lang, HyphenationSettings(), NO_EXCEPTIONS).hyphenate(text) == text


COMPOUNDS = [
    # Each part on its own: acronyms and short parts stay whole.
    ("nb", "NATO-Russland-rådet", "NATO-Russ|land-rådet"),
    ("sv", "SUKP-kongressen", "SUKP-kon|gres|sen"),
    ("nb", "Bush-administrasjonen", "Bush-ad|mi|ni|stra|sjo|nen"),
    ("nb", "anti-terror-øvelser", "anti-ter|ror-øvel|ser"),
    ("nb", "russisk-amerikanske", "rus|sisk-ame|ri|kanske"),
    ("sv", "vänster-era", "väns|ter-era"),
    # Digits: the number is never broken; the word part follows the ordinary rule.
    ("sv", "1930-talets", "1930-ta|lets"),
    ("sv", "1930-talet", "1930-talet"),
    ("sv", "IK-4", "IK-4"),
    # A suspended compound keeps its hyphen.
    ("sv", "informations- och", "in|for|ma|tions- och"),
    # U+2010 HYPHEN is a hard hyphen too.
    ("sv", "SUKP\u2010kongressen", "SUKP\u2010kon|gres|sen"),
]


@pytest.mark.parametrize(("lang", "text", "expected"), COMPOUNDS)
def test_compounds(lang: str, text: str, expected: str) -> None:
    assert hyphenate(lang, text) == expected


# --- Settings -------------------------------------------------------------------------------

SETTINGS = [
    # min_word: words with fewer letters are never broken.
    ("nb", "terrorisme", {}, "ter|ro|risme"),
    ("nb", "terrorisme", {"min_word": 10}, "ter|ro|risme"),
    ("nb", "terrorisme", {"min_word": 11}, "terrorisme"),
    ("sv", "rådet", {}, "rådet"),
    ("sv", "rådet", {"min_word": 5}, "rå|det"),
    ("sv", "talets", {"min_word": 7}, "talets"),
    # left / right: minimum letters before / after a break.
    ("nb", "terrorisme", {"left": 4}, "terro|risme"),
    ("nb", "terrorisme", {"right": 6}, "ter|rorisme"),
    ("sv", "rådet", {"min_word": 5, "right": 4}, "rådet"),
    ("sv", "Kagarlitskij", {"left": 3, "right": 4}, "Kagar|lit|skij"),
    ("sv", "Kagarlitskij", {"left": 3, "right": 5}, "Kagar|litskij"),
    ("en", "hyphenation", {"left": 3, "right": 5}, "hyphen|ation"),
    # Apostrophes do not count as letters for the limits: "a’s" is two letters, so
    # right=3 forbids "Russi|a’s" although pyphen (counting characters) allows it.
    ("en", "Russia’s", {"right": 2}, "Rus|si|a’s"),
    ("en", "Russia’s", {"right": 3}, "Rus|sia’s"),
]


@pytest.mark.parametrize(("lang", "text", "settings", "expected"), SETTINGS)
def test_settings(lang: str, text: str, settings: dict[str, int], expected: str) -> None:
    assert hyphenate(lang, text, **settings) == expected


@pytest.mark.parametrize("settings", [{"min_word": 0}, {"left": 0}, {"right": -1}])
def test_settings_must_be_positive(settings: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        HyphenationSettings(**settings)


@pytest.mark.parametrize(
    ("lang", "available"),
    [("sv", True), ("nb", True), ("nn", True), ("no", True), ("en", True), ("en-GB", True),
     ("ru", True), ("ru-Latn", True), ("se", False), ("xx", False)],
)
def test_available(lang: str, available: bool) -> None:
    assert Hyphenator(lang, HyphenationSettings(), NO_EXCEPTIONS).available is available


def test_dictionaries_are_shared() -> None:
    """Loading patterns is the slow part: one pyphen object per (dictionary, left, right)."""
    settings = HyphenationSettings()
    first = Hyphenator("sv", settings, NO_EXCEPTIONS)
    second = Hyphenator("sv-SE", settings, NO_EXCEPTIONS)
    other = Hyphenator("sv", HyphenationSettings(left=3), NO_EXCEPTIONS)
    assert first._pyphen is second._pyphen
    assert first._pyphen is not other._pyphen


# --- The exceptions file ------------------------------------------------------------------


def test_parse_exceptions() -> None:
    exceptions = book_exceptions()
    assert exceptions.by_lang == {
        ALL_LANGUAGES: {"washington": ()},
        "sv": {"kagarlitskij": (5, 9), "nato-russland-rådet": (9,), "fängelseintervju": (8,),
               "o’sullivan": (7,)},
        "nb": {"bindemiddel": (5,)},
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\ufeffKagar=lits=kij\r\n", {ALL_LANGUAGES: {"kagarlitskij": (5, 9)}}),
        ("  Washington  # a name\n\n", {ALL_LANGUAGES: {"washington": ()}}),
        ("[ nn ]\nut=an=riks\n", {"nn": {"utanriks": (2, 4)}}),
        ("[en-GB]\nhy=phen\n[sv]\nhy=phen\n", {"en": {"hyphen": (2,)}, "sv": {"hyphen": (2,)}}),
        ("[sv]\nWash=ington\nwash=ington\n", {"sv": {"washington": (4,)}}),
        ("[ru]\nФе=де=ра=ции\n", {"ru": {"федерации": (2, 4, 6)}}),
        ("rock’n’roll\n", {ALL_LANGUAGES: {"rock’n’roll": ()}}),
        ("rock'n'roll\n", {ALL_LANGUAGES: {"rock’n’roll": ()}}),
    ],
)
def test_parse_exceptions_forms(text: str,
                                expected: dict[str, dict[str, tuple[int, ...]]]) -> None:
    exceptions, diagnostics = parse_exceptions(text, "book/hyphenation.txt")
    assert diagnostics == []
    assert exceptions.by_lang == expected


BAD_LINES = [
    # (file, code, severity, line, col)
    ("Kagar lits kij\n", "T004", Severity.ERROR, 1, 7),
    ("[sv]\n  Ka==gar\n", "T004", Severity.ERROR, 2, 6),
    ("=Kagar\n", "T004", Severity.ERROR, 1, 1),
    ("Kagar=\n", "T004", Severity.ERROR, 1, 6),
    ("NATO-=Russland\n", "T004", Severity.ERROR, 1, 6),
    ("NATO=-Russland\n", "T004", Severity.ERROR, 1, 5),
    ("# fine\n1930=talet\n", "T004", Severity.ERROR, 2, 1),
    ("talet1\n", "T004", Severity.ERROR, 1, 6),
    ("Kagar.lits\n", "T004", Severity.ERROR, 1, 6),
    ("Kagar\u00adlits\n", "T004", Severity.ERROR, 1, 6),
    ("'\n", "T004", Severity.ERROR, 1, 1),
    ("[sv\n", "T004", Severity.ERROR, 1, 4),
    ("[sv] extra\n", "T004", Severity.ERROR, 1, 5),
    ("[sv]\nKagar=litskij\nKa=garlitskij\n", "T004", Severity.ERROR, 3, 1),
    ("\n\n[s_v!]\nord=et\n", "T001", Severity.ERROR, 3, 2),
    ("[]\n", "T001", Severity.ERROR, 1, 2),
    ("[xx]\n", "T001", Severity.ERROR, 1, 2),
    ("[no]\nbinde=middel\n", "T002", Severity.WARNING, 1, 2),
]


@pytest.mark.parametrize(("text", "code", "severity", "line", "col"), BAD_LINES)
def test_parse_exceptions_errors(text: str, code: str, severity: Severity, line: int,
                                 col: int) -> None:
    _, diagnostics = parse_exceptions(text, "book/hyphenation.txt")
    assert [(d.code, d.severity, d.span) for d in diagnostics] == [
        (code, severity, diagnostics[0].span)]
    span = diagnostics[0].span
    assert span is not None
    assert (span.path, span.line, span.col) == ("book/hyphenation.txt", line, col)
    assert diagnostics[0].hint


def test_parse_exceptions_keeps_going() -> None:
    """Every bad line is reported; good lines around them are kept; a bad section's lines
    are skipped."""
    text = "Kagar lits\n[sv]\nfäng=else\n[s_v!]\nhy=phen\n[nb]\nbin==de\nbinde=middel\n"
    exceptions, diagnostics = parse_exceptions(text, "h.txt")
    assert [str(d.span) for d in diagnostics] == ["h.txt:1:7", "h.txt:4:2", "h.txt:7:5"]
    assert [d.code for d in diagnostics] == ["T004", "T001", "T004"]
    assert exceptions.by_lang == {"sv": {"fängelse": (4,)}, "nb": {"bindemiddel": (5,)}}


def test_no_section_is_read_as_nb() -> None:
    exceptions, _ = parse_exceptions("[no]\nbinde=middel\n", "h.txt")
    assert exceptions.by_lang == {"nb": {"bindemiddel": (5,)}}
    assert hyphenate("nb", "bindemiddel", exceptions) == "binde|middel"


def test_diagnostic_format() -> None:
    _, diagnostics = parse_exceptions("[sv]\nKa==gar\n", "book/hyphenation.txt")
    assert diagnostics[0].format().splitlines()[0] == (
        "book/hyphenation.txt:2:4: error[T004]: '=' must stand between two letters")


@pytest.mark.parametrize(("lang", "word", "expected"), [
    ("en", "official", "offi|cial"),  # not of|ficial: the soft hyphen would split 'ffi'
    ("sv", "offentliga", "offent|liga"),
    ("sv", "effektiva", "effek|tiva"),
    ("nb", "offisielle", "offi|si|elle"),
])
def test_no_break_inside_a_ligature(lang: str, word: str, expected: str) -> None:
    hyphenator = Hyphenator(lang, HyphenationSettings(), Exceptions(by_lang={}))
    assert hyphenator.hyphenate(word).replace(SOFT_HYPHEN, "|") == expected


# --- Words met by earlier builds ----------------------------------------------------------


def test_known_words_need_no_dictionary(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Hyphenator given the words of an earlier build (cache.BreakStore) breaks them as
    it did without loading pyphen's patterns; a new word loads them."""
    settings = HyphenationSettings()
    text = "fängelseintervjun med oppositionens företrädare"
    earlier = Hyphenator("sv", settings, NO_EXCEPTIONS)
    expected = earlier.hyphenate(text)
    assert earlier.learned == len(earlier.used) > 0
    new_word = hyphenate("sv", "regeringsförklaringen")

    loaded: list[str] = []
    original = hyphenation_module._dictionary

    def dictionary(name: str, left: int, right: int) -> object:
        loaded.append(name)
        return original(name, left, right)

    monkeypatch.setattr("antologi.hyphenation._dictionary", dictionary)
    again = Hyphenator("sv", settings, NO_EXCEPTIONS, earlier.used)
    assert again.hyphenate(text) == expected
    assert loaded == [] and again.learned == 0
    assert not again.changed  # the same words again: nothing to keep anew
    assert again.hyphenate("regeringsförklaringen") == shy(new_word)
    assert loaded == ["sv"] and again.learned == 1
    # what a build keeps: the words it was asked about, not those of a text now gone
    assert again.changed  # one word learned
    third = Hyphenator("sv", settings, NO_EXCEPTIONS, again.used)
    third.hyphenate("regeringsförklaringen")
    assert list(third.used) == ["regeringsförklaringen"] and third.learned == 0
    assert len(again.used) > 1 and third.changed  # the words of the text that is gone


def test_the_store_of_known_words_is_used_only_whole(tmp_path: Path) -> None:
    """What a build keeps is read back as it was written; a file that was changed, cut
    short or holds a break outside its word is not used at all."""
    from antologi.cache import BreakStore

    store = BreakStore(tmp_path, "sv", "settings")
    words = {"fängelse": (3, 5), "och": ()}
    store.save(words)
    assert BreakStore(tmp_path, "sv", "settings").load() == words
    assert (tmp_path / ".antologi-cache" / ".gitignore").is_file()  # even before a build
    assert BreakStore(tmp_path, "sv", "other settings").load() == {}

    text = store.path.read_text("utf-8")
    store.path.write_text(text.replace("[3, 5]", "[3, 4]"), "utf-8")  # hash disagrees
    assert store.load() == {}
    store.path.write_text(text[:len(text) // 2], "utf-8")
    assert store.load() == {}
    store.save({"och": (7,)})  # a break past the end of the word
    assert store.load() == {}
