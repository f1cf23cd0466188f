"""Language typography of running text: quotation marks and no-break spaces.

Two passes, both driven by the language table in lang.py:

* ``smarten_quotes`` turns the straight quotes of the Markdown source into the marks of the
  language where each quotation opens (sv ”…” ’…’, nb/nn «…» ‘…’, en “…” ‘…’, ru «…» „…“).
  Curly quotes and guillemets already in the text are never changed: the Swedish texts set
  ” on both sides (content-notes §2.8: a naive "curly-quote" pass corrupts 140 of them), and
  the Norwegian «» are already right. They still count when a straight quote is nested in
  them.
* ``apply_spacing`` replaces an ordinary space by U+00A0 where Nordic typesetting forbids a
  line break ("ord – ord", "s. 136", "100 kr", "J. R. R. Tolkien", paragraph-initial "– ").

Both are pure and length-preserving per character (a quote is one character, a space becomes
one no-break space), which lets ``typeset`` run the spacing rules over a whole block and cut
the result back into the block's segments.

Rules for straight quotes, in order:

1. ``'`` between a letter or digit and a letter is an apostrophe (don't, rock'n'roll,
   1990's); ``'`` before exactly two digits at the start of a word is an elision apostrophe
   ('90-talet). Apostrophes become U+2019 and never count as quotes.
2. A quote opens when it follows the start of the block, a space, an opening bracket, a dash,
   a slash or another opening quote, and is followed by something other than a space; it
   closes when it follows a visible character and is followed by a space, punctuation, another
   quote or the end of the block. When both or neither hold, it closes a quote of its kind
   (double or single) that is open, else it opens one.
3. ``"`` naturally opens a primary quotation and ``'`` a secondary one (a Swedish gloss
   'betydelse' stays single); if the innermost open quotation already has that level, the new
   one takes the other level. So "a 'b' c", "a "b" c" and 'a "b" c' all alternate.
4. The marks come from the language of the segment where the opening quote stands; a straight
   closing quote takes the closing mark chosen when its quotation opened, even if it stands in
   a segment of another language.
5. A closing ``'`` with no single quotation open is an apostrophe (Links', Dud'); a ``'``
   that opened but never closed before the end of the block becomes an apostrophe too ('tis).
   A closing ``"`` right after a digit with no quotation open is an inch or second mark and is
   left alone.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from . import lang as langmod

NBSP = "\u00a0"
APOSTROPHE = "\u2019"
EN_DASH = "\u2013"
EM_DASH = "\u2014"

_DOUBLE_SHAPES = frozenset("“”„‟«»")
_SINGLE_SHAPES = frozenset("‘’‚‛‹›")
_CURLY = _DOUBLE_SHAPES | _SINGLE_SHAPES
_STRAIGHT = frozenset("\"'")
_ALL_QUOTES = _CURLY | _STRAIGHT
# Stands in for an atomic segment (code, URL) when looking at a quote's neighbours: a visible
# character that is neither a letter nor punctuation, so it separates words.
_ATOMIC = "\ufffc"
# Before an opening quote (besides spaces, the start of the block and opening quotes).
_OPEN_BEFORE = frozenset("([{<–—‐‑-/")
# After a closing quote (besides spaces, the end of the block and other quotes).
_CLOSE_AFTER = frozenset(".,;:!?…)]}>–—‐‑-/")
_NORWEGIAN = frozenset({"nb", "nn", "no"})
_QUOTE = re.compile("[" + re.escape("".join(sorted(_ALL_QUOTES))) + "]")
_DECADE = re.compile(r"\d\d(?:\D.*)?")


@dataclass(frozen=True)
class Segment:
    """A run of text of one block with one language; emphasis and links split a block into
    several segments, and a quotation may open in one and close in another."""

    text: str
    lang: str
    """BCP 47 tag of this piece of text (already normalised)."""
    atomic: bool = False
    """Code spans, URLs: never changed, but they do separate words."""


@dataclass
class _Open:
    """A quotation that is open at the current point of the block."""

    kind: str  # "double" or "single": the shape of the mark that opened it
    level: int  # 0 primary, 1 secondary
    close: str  # the mark a straight quote closing it becomes
    straight_single: int | None  # flat index, when opened by a straight '


def _pairs(tag: str, nb_inner: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """(primary, secondary) (open, close) marks of a language; nb_inner replaces Norwegian's
    secondary pair (Språkrådet accepts “…” as well as ‘…’ inside «…»)."""
    norm = langmod.normalize_tag(tag)[0]
    quotes = langmod.language(norm).quotes
    secondary = quotes.secondary
    if langmod.primary(norm) in _NORWEGIAN:
        secondary = (nb_inner[0], nb_inner[1])
    return quotes.primary, secondary


def _shape(mark: str) -> str:
    return "double" if mark in _DOUBLE_SHAPES or mark == '"' else "single"


def smarten_quotes(segments: list[Segment], *, nb_inner: str = "‘’") -> list[str]:
    """Straight quotes -> the language's marks, across the segments of ONE block (a paragraph,
    heading or list item's text). Returns the new text of each segment (same length list).

    The whole block is one sequence so that a quotation may open in plain text and close
    after an emphasised word; atomic segments are never changed.
    """
    if len(nb_inner) != 2:
        raise ValueError(f"nb_inner must be two characters (open, close), not {nb_inner!r}")
    texts = [seg.text for seg in segments]
    if not any(_QUOTE.search(seg.text) for seg in segments if not seg.atomic):
        return texts  # most blocks have no quote at all
    # The block as one string, an atomic segment as one _ATOMIC; begins[s] is where
    # segment s begins in it. Only the quotes change, so only they are looked up.
    begins: list[int] = []
    length = 0
    for seg in segments:
        begins.append(length)
        length += 1 if seg.atomic else len(seg.text)
    flat = "".join(_ATOMIC if seg.atomic else seg.text for seg in segments)
    changes: dict[int, str] = {}  # flat index -> the mark there (the last one put wins)

    def segment_of(i: int) -> int:
        return bisect.bisect_right(begins, i) - 1  # an empty segment never holds i

    pairs_cache: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {}

    def pairs_of(i: int) -> tuple[tuple[str, str], tuple[str, str]]:
        tag = segments[segment_of(i)].lang
        if tag not in pairs_cache:
            pairs_cache[tag] = _pairs(tag, nb_inner)
        return pairs_cache[tag]

    def put(i: int, mark: str) -> None:
        changes[i] = mark

    stack: list[_Open] = []
    opened: set[int] = set()

    def contexts(i: int) -> tuple[bool, bool]:
        prev = flat[i - 1] if i > 0 else None
        nxt = flat[i + 1] if i + 1 < len(flat) else None
        prev_opens = prev is None or prev.isspace() or prev in _OPEN_BEFORE or (i - 1) in opened
        can_open = nxt is not None and not nxt.isspace() and prev_opens
        can_close = (not prev_opens and (nxt is None or nxt.isspace() or nxt in _CLOSE_AFTER
                                         or nxt in _ALL_QUOTES))
        return can_open, can_close

    def find(kind: str) -> int | None:
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth].kind == kind:
                return depth
        return None

    def is_apostrophe(i: int) -> bool:
        prev = flat[i - 1] if i > 0 else ""
        nxt = flat[i + 1] if i + 1 < len(flat) else ""
        if prev.isalnum() and nxt.isalpha():
            return True  # don't, rock'n'roll, 1990's
        before_word = not prev or prev.isspace() or prev in _OPEN_BEFORE or (i - 1) in opened
        return before_word and _DECADE.fullmatch(flat[i + 1 : i + 4]) is not None  # '90-talet

    for found in _QUOTE.finditer(flat):
        i, ch = found.start(), found.group()
        kind = _shape(ch)
        if ch in "'’" and is_apostrophe(i):
            if ch == "'":
                put(i, APOSTROPHE)
            continue
        can_open, can_close = contexts(i)
        open_pairs = pairs_of(i)
        if ch in _STRAIGHT:
            if can_open and not can_close:
                closing = False
            elif can_close and not can_open:
                closing = True
            else:
                closing = find(kind) is not None
        else:
            starts = ch in (open_pairs[0][0], open_pairs[1][0])
            ends = ch in (open_pairs[0][1], open_pairs[1][1])
            if starts != ends:
                closing = ends
            elif can_open != can_close:
                closing = can_close
            else:
                closing = find(kind) is not None
        if closing:
            depth = find(kind)
            if depth is None:
                if ch == "'":
                    put(i, APOSTROPHE)  # Links', Dud'
                elif ch == '"' and not (i > 0 and flat[i - 1].isdigit()):
                    put(i, open_pairs[0][1])  # a stray closer: still the language's mark
                # A curly ’ with nothing open is an apostrophe; a stray curly closer or an
                # inch mark after a digit is left as it is.
                continue
            entry = stack[depth]
            del stack[depth:]
            if ch in _STRAIGHT:
                put(i, entry.close)
            continue
        # Opening.
        if ch in _STRAIGHT:
            natural = 0 if ch == '"' else 1
            level = 1 - natural if stack and stack[-1].level == natural else natural
            mark_open, mark_close = open_pairs[level]
            put(i, mark_open)
        else:
            if ch in open_pairs[0]:
                level = 0
            elif ch in open_pairs[1]:
                level = 1
            else:
                level = 0 if kind == "double" else 1
            mark_close = open_pairs[level][1]
        stack.append(_Open(kind, level, mark_close, i if ch == "'" else None))
        opened.add(i)
    for entry in stack:
        if entry.straight_single is not None:
            put(entry.straight_single, APOSTROPHE)  # 'tis, 'em: an elision, not a quotation
    changed: dict[int, list[str]] = {}  # segment -> its characters, once one changes
    for i, mark in changes.items():
        s = segment_of(i)
        if s not in changed:
            changed[s] = list(texts[s])
        changed[s][i - begins[s]] = mark
    return ["".join(changed[s]) if s in changed else text for s, text in enumerate(texts)]


# --- No-break spaces -----------------------------------------------------------------------


def _alternatives(words: tuple[str, ...], *, capitalise: bool) -> str:
    forms = set(words)
    if capitalise:
        forms |= {w[0].upper() + w[1:] for w in words}
    return "|".join(re.escape(w) for w in sorted(forms, key=lambda w: (-len(w), w)))


@dataclass(frozen=True)
class _Rules:
    abbreviation: re.Pattern[str] | None
    unit: re.Pattern[str]
    initials: bool
    nordic_dialogue: bool


@lru_cache(maxsize=64)
def _rules(tag: str) -> _Rules:
    """Compiled patterns for a language: its own lang.py rules plus the neutral ones."""
    own = langmod.spacing_rules(tag)
    neutral = langmod.NEUTRAL_SPACING
    abbrs = own.abbreviations + neutral.abbreviations
    # "s. 136", "Kap. 3": the abbreviation is a whole word (not the end of "kurs.").
    abbreviation = re.compile(
        rf"(?<![\w.])(?:{_alternatives(abbrs, capitalise=True)})( )(?=\d)") if abbrs else None
    units = own.units + neutral.units
    unit = re.compile(rf"(?<=\d)( )(?:{_alternatives(units, capitalise=False)})(?!\w)")
    return _Rules(abbreviation, unit, own.initials, own.nordic_dialogue)


# A spaced dash ("ord – ord", also a spaced em dash): bind it to the word before, so that no
# line starts with a dash. A range dash ("2008–2010") has no spaces and is not touched.
_SPACED_DASH = re.compile(r"(?<=\S)( )(?=[–—](?:\s|$))")
# Digit groups "1 000 000" (Swedish and Norwegian group thousands with a space).
_DIGIT_GROUPS = re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?!\d)")
_SPACE_DIGIT = re.compile(r" \d")  # in every abbreviation match ("s. 136")
_DIGIT_SPACE = re.compile(r"\d ")  # in every unit match ("100 kr")
_DIGIT_SPACE_DIGIT = re.compile(r"\d \d")  # in every digit group ("1 000")
# An initial ("J.", "C.-H.") before a capitalised word: "J. R. R. Tolkien".
_INITIAL = re.compile(r"(?<![\w.'’‑-])([^\W\d_])\.(?:-([^\W\d_])\.)?( )(?=([^\W\d_]))")


def _spaces_to_bind(text: str, rules: _Rules) -> set[int]:
    # Each pattern needs what most text lacks (a dash, a digit next to a space, a full
    # stop): a quick look for it spares the scan.
    found: set[int] = set()
    if EN_DASH in text or EM_DASH in text:
        found.update(m.start(1) for m in _SPACED_DASH.finditer(text))
    if rules.abbreviation is not None and _SPACE_DIGIT.search(text):
        found.update(m.start(1) for m in rules.abbreviation.finditer(text))
    if _DIGIT_SPACE.search(text):
        found.update(m.start(1) for m in rules.unit.finditer(text))
        if _DIGIT_SPACE_DIGIT.search(text):
            for m in _DIGIT_GROUPS.finditer(text):
                found.update(m.start() + k for k, c in enumerate(m.group()) if c == " ")
    if rules.initials and "." in text:
        for m in _INITIAL.finditer(text):
            letters = [g for g in (m.group(1), m.group(2), m.group(4)) if g]
            if all(c.isupper() for c in letters):
                found.add(m.start(3))
    return found


def apply_spacing(text: str, lang: str, *, dialogue_dash: str | None = None) -> str:
    """No-break spaces where Nordic typesetting wants them.

    ``text`` is taken to start a block: a leading "– " or "— " is a dialogue dash and gets a
    no-break space (so the dash never stands alone at a line end). With ``dialogue_dash="–"``
    a leading em dash in sv/nb/nn/da becomes the Nordic en dash (the only character change;
    the default keeps the author's dash). Only U+0020 spaces are replaced, by U+00A0; existing
    U+00A0 and U+202F are kept, and no space is ever inserted.
    """
    if dialogue_dash is not None and dialogue_dash not in (EN_DASH, EM_DASH):
        raise ValueError(f"dialogue_dash must be '–' or '—', not {dialogue_dash!r}")
    rules = _rules(langmod.normalize_tag(lang)[0])
    binds = _spaces_to_bind(text, rules)
    dash_first = len(text) >= 2 and text[0] in (EN_DASH, EM_DASH)
    if not binds and not dash_first:
        return text
    chars = list(text)
    for index in binds:
        chars[index] = NBSP
    if dash_first and text[1] == " ":
        chars[1] = NBSP
    if dash_first and dialogue_dash is not None and rules.nordic_dialogue \
            and text[1] in " \u00a0":
        chars[0] = dialogue_dash
    return "".join(chars)


def typeset(segments: list[Segment], *, nb_inner: str = "‘’",
            dialogue_dash: str | None = None) -> list[str]:
    """smarten_quotes then apply_spacing per non-atomic segment. The renderer calls this.

    The spacing rules see the whole block (atomic segments as neutral placeholders), so a
    space at the end of one segment is bound to a dash or unit at the start of the next, and
    a dash only counts as a dialogue dash at the start of the block, not of every segment.
    Each segment is changed with the rules of its own language.
    """
    quoted = smarten_quotes(segments, nb_inner=nb_inner)
    pieces = [_ATOMIC * len(seg.text) if seg.atomic else text
              for seg, text in zip(segments, quoted, strict=True)]
    block = "".join(pieces)
    spaced: dict[str, str] = {}
    result: list[str] = []
    start = 0
    for seg, text in zip(segments, quoted, strict=True):
        end = start + len(text)
        if seg.atomic:
            result.append(seg.text)
        else:
            if seg.lang not in spaced:
                spaced[seg.lang] = apply_spacing(block, seg.lang, dialogue_dash=dialogue_dash)
            result.append(spaced[seg.lang][start:end])
        start = end
    return result
