"""Footnote blocks at page bottoms, and the calls in the same page's text.

The numbers in a page's footnote block are read first; then each is looked for in that
page's body, in ascending order, never on another page. A call may be glued to a word
("SMO2?", "Lankov27"), follow punctuation ("regionen.1", "given”16,"), follow one space
("Buri 1."), or sit at the end of a year ("1993" + note 5 printed "19935"). Numbers that
only look like calls stay text: a single capital before the digit ("G8"), a letter after it
("R2P", "2004a"), a hyphen or slash before it ("IK-4"), decimals ("4,5"), ordinals ("2:a").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import lang as langmod
from .decisions import Tally, quote
from .layout import Layout
from .marks import call
from .source import Line

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_NOTE_START = re.compile(
    r"^(?:(?P<plain>\d{1,3})(?P<sep>\u00a0|[.)]?\s)|\[(?P<bracket>\d{1,3})\]\s?"
    rf"|(?P<sup>[{_SUPERSCRIPTS}]+)\s?)\s*(?=\S)")
_RULE = re.compile(r"^[_\-–—=*·.]{5,}$")
_RUN = re.compile(r"\d+")
_SUP_RUN = re.compile(f"[{_SUPERSCRIPTS}]+")
_FROM_SUP = str.maketrans(_SUPERSCRIPTS, "0123456789")
_AFTER_OK = ".,;:?!)]}”’\"»'…"
_BEFORE_PUNCT = ".,;:!?)]}”’\"»'…*"


@dataclass
class Note:
    number: int
    """As printed (notes may be numbered per page)."""
    lines: list[Line] = field(default_factory=list)
    label: int = 0
    """The Markdown label: the note's place in the whole text, 1-based."""


def note_start(line: Line) -> tuple[int, bool, int] | None:
    """(number, distinct marker, marker length) when a line starts a footnote."""
    match = _NOTE_START.match(line.text)
    if not match:
        return None
    if match.group("sup"):
        number = int(match.group("sup").translate(_FROM_SUP))
        return number, True, match.end()
    if match.group("bracket"):
        return int(match.group("bracket")), True, match.end()
    return int(match.group("plain")), match.group("sep") == "\u00a0", match.end()


def _separated(lines: list[Line], i: int, layout: Layout) -> bool:
    """Is line i set apart from the text above it like a footnote block?"""
    j = i - 1
    if j < 0:
        return False
    if not layout.double_spaced and lines[j].blank and not lines[j].whitespace_only:
        return True
    while j >= 0 and lines[j].blank and not lines[j].whitespace_only:
        j -= 1
    return j >= 0 and (lines[j].whitespace_only or bool(_RULE.match(lines[j].text)))


def split_notes(lines: list[Line], layout: Layout, expected: int,
                previous: Note | None) -> tuple[list[Line], list[Note]]:
    """(body lines, notes) of one page; the block starts at the first separated line that
    starts with the next note number (or 1, for notes numbered per page)."""
    rule = next((i for i, ln in enumerate(lines) if _RULE.match(ln.text)), None)
    start = None
    for i, line in enumerate(lines):
        found = note_start(line)
        if found and found[0] in (expected, 1) and (
                found[1] or _separated(lines, i, layout) or (rule is not None and rule < i)):
            start = i
            break
    if start is None and rule is None:
        return lines, []
    cut = start if start is not None else len(lines)
    if rule is not None and rule < cut and previous is not None:
        previous.lines.extend(ln for ln in lines[rule + 1: cut] if not ln.blank)
        cut = rule
    elif start is None:
        return lines, []
    body = lines[:cut]
    while (body and body[-1].blank) or (body and _RULE.match(body[-1].text)):
        body.pop()
    notes: list[Note] = []
    if start is not None:
        for line in lines[start:]:
            found = note_start(line)
            wanted = notes[-1].number + 1 if notes else None
            if found and (not notes or found[0] == wanted):
                notes.append(Note(found[0], [Line(line.number, line.text[found[2]:],
                                                  line.trailing, "", False)]))
            elif notes and not line.blank:
                notes[-1].lines.append(line)
    return body, notes


@dataclass(frozen=True)
class _Candidate:
    line: int  # index in the page's body lines
    start: int
    end: int
    strong: bool
    how: str
    eat_space: bool = False


def _glued_word(text: str, pos: int) -> str:
    k = pos
    while k > 0 and text[k - 1].isalpha():
        k -= 1
    return text[k:pos]


def _abbreviations(lang: str) -> set[str]:
    rules = langmod.spacing_rules(lang)
    names = {*rules.abbreviations, *langmod.NEUTRAL_SPACING.abbreviations}
    return {a.lower() for a in names}


def _classify(text: str, run: re.Match[str], number: str, lang: str,
              prev_text: str) -> tuple[int, bool, str, bool] | None:
    """(start, strong, how, eat_space) when this digit run can be the call, else None."""
    digits = run.group()
    start = run.start()
    how = ""
    if digits != number:
        year = digits[:-len(number)]
        if len(year) == 4 and 1000 <= int(year) <= 2099 and digits.endswith(number):
            start += 4
            how = f"glued to the year {year}"
        else:
            return None
    end = run.end()
    after = text[end] if end < len(text) else ""
    after2 = text[end + 1] if end + 1 < len(text) else ""
    if after.isalnum() or (after == ":" and after2.isalpha()) \
            or (after in ",." and after2.isdigit()):
        return None
    if after and not after.isspace() and after not in _AFTER_OK:
        return None
    if how:
        return start, False, how, False
    before = text[start - 1] if start > 0 else ""
    if before.isalpha():
        word = _glued_word(text, start)
        if word.isupper() and len(word) <= 2:
            return None
        if word.isupper():
            return start, False, f"glued to the acronym {word}", False
        return start, True, "glued to a word", False
    if before and before in _BEFORE_PUNCT:
        ahead = text[start - 2] if start > 1 else ""
        if before in ".," and ahead.isdigit():
            preceding = re.search(r"(?<!\d)(\d+)[.,]$", text[:start])
            if not (before == "." and preceding and len(preceding.group(1)) == 4):
                return None
        return start, True, f"after '{before}'", False
    if before in (" ", ""):
        # One space (or a line break) before the number: a call only when punctuation or
        # the end of the line follows, and a word, not a number or "s.", comes before it.
        if after and after not in ".,;:?!)":
            return None
        previous = text[:start].rstrip() if before else prev_text.rstrip()
        token = previous.split(" ")[-1] if previous else ""
        if not token or token[-1].isdigit() or token.lower() in _abbreviations(lang) \
                or not (token[-1].isalpha() or token[-1] in _BEFORE_PUNCT):
            return None
        return start, False, "after a space", before == " "
    return None


def _scan(body: list[Line], number: int, cursor: tuple[int, int],
          lang: str) -> list[_Candidate]:
    found = []
    for li in range(cursor[0], len(body)):
        text = body[li].text
        prev_text = next((b.text for b in reversed(body[:li]) if not b.blank), "")
        for run in _RUN.finditer(text):
            if (li, run.start()) < cursor:
                continue
            got = _classify(text, run, str(number), lang, prev_text)
            if got:
                start, strong, how, eat = got
                found.append(_Candidate(li, start, run.end(), strong, how, eat))
        for run in _SUP_RUN.finditer(text):  # a superscript call is a call wherever it is
            if (li, run.start()) >= cursor and run.group().translate(_FROM_SUP) == str(number):
                found.append(_Candidate(li, run.start(), run.end(), True, "superscript"))
    found.sort(key=lambda c: (c.line, c.start))
    return found


def _context(body: list[Line], found: _Candidate, before: int) -> str:
    text = body[found.line].text
    return quote(text[max(0, found.start - before):found.end + 5], before + 14)


def mark_calls(body: list[Line], notes: list[Note], lang: str, tally: Tally,
               page: int) -> list[int]:
    """Put each note's call marker into the body; returns the numbers whose call was not
    found (the caller reports them and places them at the end of the page's text)."""
    cursor = (0, 0)
    missing = []
    for note in notes:
        options = _scan(body, note.number, cursor, lang)
        if not options:
            missing.append(note.number)
            continue
        # a call in a clear form wins over an earlier one that only may be a call
        pick = next((o for o in options if o.strong), options[0])
        rest = [o for o in options if o is not pick]
        line = body[pick.line]
        start = pick.start - 1 if pick.eat_space else pick.start
        if not pick.strong or rest:
            other = (f"the number at line {body[rest[0].line].number} "
                     f"({_context(body, rest[0], 15)})" if rest
                     else "to leave it as a plain number")
            tally.decide(line.number, "footnote",
                         f"the call of note {note.number} on page {page} here "
                         f"({pick.how}: {_context(body, pick, 20)})",
                         other, "the call's form is ambiguous" if not pick.strong
                         else f"{len(options)} numbers on the page could be the call")
        marker = call(note.label)
        line.text = line.text[:start] + marker + line.text[pick.end:]
        cursor = (pick.line, start + len(marker))
    return missing
