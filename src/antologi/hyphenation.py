"""Soft hyphens at every allowed break: pyphen's dictionary plus the book's exceptions.

Our own step instead of the renderer's ``hyphens: auto``: WeasyPrint has no hook for an
exceptions dictionary (WeasyPrint #1945) and happily breaks names (``Kagarlit-skij``,
``Washing-ton``), so we insert U+00AD ourselves and the renderer sets ``hyphens: manual``.

The exceptions file (book/hyphenation.txt)
------------------------------------------
One word per line, UTF-8::

    # A comment; "#" also starts a comment after an entry.
    Washington              # no "=": never break this word, in every language
    [sv]                    # the lines below apply to Swedish only (also [nb], [nn], [en] ...)
    Kagar=lits=kij          # "=" marks a break point; the word is "Kagarlitskij"
    NATO-Russ=land-rådet    # "-" is a real hyphen, part of the word (and a break anyway)

* ``=`` is the only break-point mark (as in LibreOffice's user dictionaries), so a real hyphen
  is just ``-`` and needs no escape. An entry gives *all* the breaks of the word: pyphen is not
  asked about it, and ``min_word``/``left``/``right`` do not apply to it.
* Lines before any ``[tag]`` section apply to all languages; a language's own section wins
  when a word is in both. ``[no]`` is read as ``[nb]`` (warning T002); a tag that is not valid
  BCP 47 or not a language we know is error T001 and its section is skipped.
* Words match case-insensitively, whole word only, with ``'`` = ``’`` and ``-`` = U+2010/U+2011
  (the text has been through typography first); a word that is an entry plus a final ``s``,
  ``'s`` or ``’s`` (the sv/nb/nn/en genitive: ``Kagarlitskijs``) takes the entry's breaks.
* A line that is not one word of letters, apostrophes, ``-`` and ``=`` is error T004,
  pointing at the offending character; the line is skipped and the rest still read.

What is never broken
--------------------
* Whitespace-separated chunks that look like URLs or e-mail addresses (``scheme://``,
  ``www.``, ``mailto:``, ``@``): skipped whole.
* Tokens with an internal dot (``t.ex.``, ``links.org.au``), an underscore, or a soft hyphen
  already in them (the author's U+00AD are then the only breaks).
* Within a hard-hyphen compound (``NATO-Russland-rådet``, ``1930-talets``) every part is
  judged on its own: parts with a digit (``1930``) and acronyms (``NATO``, ``SUKP``,
  ``NATOs``) are never broken; a letter part is hyphenated like any word when it has at least
  ``min_word`` letters (``Russ|land``, ``ta|lets`` in ``1930-talets``, but not ``rådet``).
  The real hyphen stays a break of its own for the renderer.
* Nothing next to an apostrophe (``rock’n’roll``), and ``left``/``right`` count letters only
  (``Russia’s`` cannot break before ``a’s``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pyphen

from . import lang as langmod
from .diagnostics import Diagnostic, Severity, Span

SOFT_HYPHEN = "\u00ad"
ALL_LANGUAGES = "*"
"""Key in Exceptions.by_lang for the lines before any [tag] section."""

_APOSTROPHES = "'’"
_HARD_HYPHENS = "-‐‑"  # U+002D, U+2010, U+2011
# A whitespace-separated chunk that is a URL or an e-mail address is skipped whole.
_URLISH = re.compile(r"[a-z][a-z0-9+.\-]*://|\bwww\.|\bmailto:|@", re.IGNORECASE)
# Candidate tokens inside a chunk: letters, digits, combining marks, apostrophes, hyphens,
# dots and soft hyphens; the ends are trimmed of everything but letters and digits.
_TOKEN = re.compile(r"[\w\u0300-\u036f'’.\-‐‑\u00ad]+")
_TRIM = ".'’-‐‑"
_PART = re.compile(r"[^\-‐‑]+")
_SPACES = re.compile(r"(\s+)")


@dataclass(frozen=True)
class HyphenationSettings:
    min_word: int = 6
    """Words with fewer letters than this are never broken."""
    left: int = 2
    """Minimum letters before a break."""
    right: int = 3
    """Minimum letters after a break (3: no line starts with a two-letter ending)."""

    def __post_init__(self) -> None:
        if self.min_word < 1 or self.left < 1 or self.right < 1:
            raise ValueError(f"hyphenation limits must be at least 1: {self}")


@dataclass
class Exceptions:
    """Per primary language: word (lower-case) -> tuple of break offsets (empty tuple = never
    break). Key ``ALL_LANGUAGES`` ("*") holds the entries that apply to every language."""

    by_lang: dict[str, dict[str, tuple[int, ...]]]

    def _tables(self, lang: str) -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]]:
        """The entries for a language's own, and those for every language."""
        return (self.by_lang.get(langmod.primary(langmod.normalize_tag(lang)[0]), {}),
                self.by_lang.get(ALL_LANGUAGES, {}))

    def lookup(self, lang: str, word: str) -> tuple[int, ...] | None:
        """The breaks given for a word (or its genitive) in a language, None if not listed."""
        tables = self._tables(lang)
        key = _key(word)
        for candidate in (key, _genitive_base(key)):
            if candidate is None:
                continue
            for table in tables:
                if table and candidate in table:
                    return table[candidate]
        return None

    def for_language(self, lang: str) -> tuple[list[tuple[str, tuple[int, ...]]], ...]:
        """The entries that can apply to a language, sorted: its own, those for every one."""
        return tuple(sorted(table.items()) for table in self._tables(lang))


def _key(word: str) -> str:
    """Lookup form: lower case, typographic apostrophe, ASCII hyphen (same length, so the
    break offsets still fit the word as written)."""
    return word.lower().translate(_KEY_TABLE)


_KEY_TABLE = str.maketrans({"'": "’", "‐": "-", "‑": "-"})


def _genitive_base(key: str) -> str | None:
    for ending in ("’s", "s"):
        if key.endswith(ending) and len(key) > len(ending):
            return key[: -len(ending)]
    return None


# --- The exceptions file ------------------------------------------------------------------


def parse_exceptions(text: str, path: str) -> tuple[Exceptions, list[Diagnostic]]:
    """book/hyphenation.txt -> Exceptions, with every problem of the file (syntax in the
    module docstring). Bad lines are skipped, so one typo costs one word, and all the file's
    problems are reported in one build."""
    parser = _ExceptionsParser(path)
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        parser.line(number, raw)
    return Exceptions(parser.by_lang), parser.diagnostics


class _ExceptionsParser:
    """State while reading the exceptions file: the current section and what was found."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.by_lang: dict[str, dict[str, tuple[int, ...]]] = {}
        self.diagnostics: list[Diagnostic] = []
        self.section: str | None = ALL_LANGUAGES  # None: skip lines of a bad section
        self.first_line: dict[tuple[str, str], int] = {}

    def problem(self, code: str, line: int, col: int, message: str, hint: str,
                severity: Severity = Severity.ERROR) -> None:
        self.diagnostics.append(
            Diagnostic(code, severity, message, Span(self.path, line, col), hint))

    def line(self, number: int, raw: str) -> None:
        line = raw.split("#", 1)[0].rstrip()
        content = line.lstrip()
        if not content:
            return
        start = len(line) - len(content)  # 0-based column of the first visible character
        if content.startswith("["):
            self.section = self.header(content, number, start)
            return
        entry = self.entry(content, number, start)
        if entry is None or self.section is None:
            return
        word, points = entry
        table = self.by_lang.setdefault(self.section, {})
        if word not in table:
            table[word] = points
            self.first_line[self.section, word] = number
        elif table[word] != points:
            self.problem("T004", number, start + 1,
                         f"'{word}' is already listed on line "
                         f"{self.first_line[self.section, word]} with other breaks",
                         "keep one line per word; the first one is used")

    def header(self, content: str, number: int, start: int) -> str | None:
        """The by_lang key of a "[tag]" line, or None when its lines are to be skipped."""
        close = content.find("]")
        if close != len(content) - 1:
            col = start + (close + 2 if close >= 0 else len(content) + 1)
            self.problem("T004", number, col, "a section header is '[' + a language tag + "
                         "']' alone on its line", "write e.g. [sv], [nb], [nn] or [en]")
            return None
        inner = content[1:close]
        tag = inner.strip()
        col = start + 2 + (len(inner) - len(inner.lstrip()))
        if not tag or not langmod.is_valid_tag(tag):
            self.problem("T001", number, col, f"'{tag}' is not a valid BCP 47 language tag",
                         "write e.g. [sv], [nb], [nn] or [en]; the lines of this section "
                         "are skipped")
            return None
        norm, was_no = langmod.normalize_tag(tag)
        if was_no:
            self.problem("T002", number, col, f"'{tag}' read as '{norm}'",
                         "pyphen has no 'no' dictionary (Pyphen #36): write [nb] or [nn]",
                         Severity.WARNING)
        key = langmod.primary(norm)
        if key not in langmod.TABLE and langmod.hyphenation_dictionary(norm) is None:
            self.problem("T001", number, col, f"'{tag}' is not a language antologi knows",
                         "write e.g. [sv], [nb], [nn] or [en]; the lines of this section "
                         "are skipped")
            return None
        return key

    def entry(self, content: str, number: int,
              start: int) -> tuple[str, tuple[int, ...]] | None:
        """(lower-case word, break offsets) of one entry line, or None after reporting it."""
        gap = re.search(r"\s+", content)
        if gap:
            self.problem("T004", number, start + gap.end() + 1,
                         "one word per line: this line has more than one",
                         "write each word on its own line; mark breaks with '=' "
                         "(Kagar=lits=kij)")
            return None
        for k, ch in enumerate(content):
            col = start + k + 1
            if ch.isdigit():
                self.problem("T004", number, col, f"a digit ('{ch}') in a hyphenation exception",
                             "words with digits are never hyphenated; leave this line out")
                return None
            if not (ch.isalpha() or ch in "=-'’" or unicodedata.category(ch).startswith("M")):
                self.problem("T004", number, col,
                             f"unexpected character '{ch}' (U+{ord(ch):04X})",
                             "an entry is letters, apostrophes, '-' for a real hyphen and '=' "
                             "for a break point")
                return None
            if ch == "=":
                before = content[k - 1] if k > 0 else ""
                after = content[k + 1] if k + 1 < len(content) else ""
                if after == "=":
                    continue  # "==": the second one is the mistake, reported next
                if not before or not after or before in "=-" or after == "-":
                    self.problem("T004", number, col, "'=' must stand between two letters",
                                 "'=' marks a break inside a word (Kagar=lits=kij); a real "
                                 "hyphen '-' is a break already")
                    return None
        if not any(ch.isalpha() for ch in content):
            self.problem("T004", number, start + 1, "an entry without letters",
                         "write a word, with '=' at its break points")
            return None
        points: list[int] = []
        for k, ch in enumerate(content):
            if ch == "=":
                points.append(k - len(points))
        return _key(content.replace("=", "")), tuple(points)


# --- Hyphenating text ---------------------------------------------------------------------


@lru_cache(maxsize=32)
def _dictionary(name: str, left: int, right: int) -> pyphen.Pyphen:
    """One pyphen.Pyphen per (dictionary, left, right): loading the patterns is the slow part."""
    return pyphen.Pyphen(lang=name, left=left, right=right)


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def _is_acronym(part: str) -> bool:
    """NATO, SUKP, KPRF, ФСИН, and their genitives NATOs, USA’s."""
    core = part
    for ending in ("'s", "’s", "s"):
        if core.endswith(ending):
            core = core[: -len(ending)]
            break
    return _letters(core) >= 2 and core.isupper()


def _inside_ligature(part: str, offset: int) -> bool:
    """A break between 'f' and 'f', 'i' or 'l' would put a soft hyphen inside the ff, fi,
    fl, ffi or ffl ligature the book face draws there; WeasyPrint then writes the cluster
    without its text (the PDF reads "o cial" for "of\u00adficial": not searchable, not
    accessible). The break costs little: the next point in the word remains."""
    return part[offset - 1] == "f" and part[offset] in "fil"


class Hyphenator:
    """Break points for the words of one language (the caller keeps one per language and
    passes each text piece to the Hyphenator of its own language)."""

    def __init__(self, lang: str, settings: HyphenationSettings,
                 exceptions: Exceptions,
                 known: dict[str, tuple[int, ...]] | None = None) -> None:
        """known: the breaks of words met before, with the same language, dictionary,
        settings and exceptions (cache.BreakStore); pyphen's patterns, slow to load, are
        loaded only for a word that is not among them."""
        self.lang = langmod.normalize_tag(lang)[0]
        self.settings = settings
        self.exceptions = exceptions
        self.dictionary_name = langmod.hyphenation_dictionary(self.lang)
        self._loaded: pyphen.Pyphen | None = None
        # word -> its breaks, chunk -> the chunk hyphenated: a book repeats its words, and
        # the rules below are slow Python (one Hyphenator is one language, settings and
        # exceptions file).
        self._known: dict[str, tuple[int, ...]] = dict(known or {})
        self._chunks: dict[str, str] = {}
        self._given = len(self._known)
        self._used: set[str] = set()  # the words asked about
        self.learned = 0  # words not in ``known``

    @property
    def available(self) -> bool:
        """False when pyphen has no dictionary for the language (the caller warns T003);
        exception entries are still honoured then."""
        return self.dictionary_name is not None

    @property
    def used(self) -> dict[str, tuple[int, ...]]:
        """The words this Hyphenator was asked about, with their breaks: what a build keeps
        for the next one."""
        return {word: self._known[word] for word in sorted(self._used)}

    @property
    def changed(self) -> bool:
        """Whether ``used`` differs from the words given: a new word, or one given that
        was never asked about (the text with it is gone)."""
        return bool(self.learned) or len(self._used) < self._given

    @property
    def _pyphen(self) -> pyphen.Pyphen | None:
        if self._loaded is None and self.dictionary_name is not None:
            self._loaded = _dictionary(self.dictionary_name, self.settings.left,
                                       self.settings.right)
        return self._loaded

    def points(self, word: str) -> list[int]:
        """Break offsets within a token (a word or a hard-hyphen compound), where a soft
        hyphen may be inserted; [] when it must not be broken."""
        known = self._known.get(word)
        if known is None:
            known = self._known[word] = tuple(self._points(word))
            self.learned += 1
        self._used.add(word)
        return list(known)

    def _points(self, word: str) -> list[int]:
        if (not word or SOFT_HYPHEN in word or "_" in word or "." in word
                or _URLISH.search(word) or not any(ch.isalpha() for ch in word)):
            return []
        given = self.exceptions.lookup(self.lang, word)
        if given is not None:
            return [p for p in given if 0 < p < len(word)]
        found: list[int] = []
        for part in _PART.finditer(word):
            found.extend(part.start() + p for p in self._part_points(part.group()))
        return found

    def _part_points(self, part: str) -> list[int]:
        """Breaks of one part of a compound (or of a whole simple word)."""
        if any(ch.isdigit() for ch in part) or not part.strip(_APOSTROPHES):
            return []
        given = self.exceptions.lookup(self.lang, part)
        if given is not None:
            return [p for p in given if 0 < p < len(part)]
        if (self._pyphen is None or _is_acronym(part)
                or _letters(part) < self.settings.min_word):
            return []
        left, right = self.settings.left, self.settings.right
        return [p for p in self._pyphen.positions(part)
                if part[p - 1] not in _APOSTROPHES and part[p] not in _APOSTROPHES
                and not unicodedata.category(part[p]).startswith("M")
                and not _inside_ligature(part, p)
                and _letters(part[:p]) >= left and _letters(part[p:]) >= right]

    def hyphenate(self, text: str) -> str:
        """Insert U+00AD at every allowed break in running text; nothing else changes."""
        pieces = _SPACES.split(text)  # chunk, spaces, chunk, ..., chunk
        for k in range(0, len(pieces), 2):
            chunk = pieces[k]
            if chunk:
                done = self._chunks.get(chunk)
                if done is None:
                    done = self._chunks[chunk] = self._hyphenate_chunk(chunk)
                pieces[k] = done
        return "".join(pieces)

    def _hyphenate_chunk(self, chunk: str) -> str:
        """One whitespace-separated chunk of text with its soft hyphens."""
        if _URLISH.search(chunk):
            return chunk
        out: list[str] = []
        done = 0
        for token in _TOKEN.finditer(chunk):
            raw = token.group()
            word = raw.strip(_TRIM)
            if not word or SOFT_HYPHEN in raw:
                continue
            # Trimming only removes characters at the ends, so the word starts here:
            begin = token.start() + raw.index(word)
            for point in self.points(word):
                out.append(chunk[done : begin + point])
                out.append(SOFT_HYPHEN)
                done = begin + point
        out.append(chunk[done:])
        return "".join(out)
