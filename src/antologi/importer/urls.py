"""Link targets listed at page bottoms, put back on the words they belonged to.

Some extractors append a page's link targets after its text, in reading order, without
the anchor text. The anchor is recovered when the page's words say which it is:

* the URL's last path segment spells the words ("inga_idioter_langre.pdf" -> "Inga nyttiga
  idioter längre"; "Vadborgoras.pdf" -> "Vad bör göras?");
* the site's name is a word on the page ("rabkor.ru" -> "Rabkor");
* a pointer such as "se (på ryska): TITLE" introduces it; a URL printed twice in a row is
  one link whose anchor wrapped onto the next line;
* in a list of links, an unmatched URL between two matched ones takes the list line between
  their anchors.

Links keep the page's order: the assignment is the best-scoring one in which the anchors
follow each other as the URLs do. A URL whose anchor cannot be recovered is kept as a bare
link at the end of the chapter and reported.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .decisions import Tally, quote
from .marks import LINK_CLOSE, LINK_MID, LINK_OPEN, MARK
from .source import Line

_WORD = re.compile(r"[\w’'‐-]+")
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l",
                       "þ": "th", "ð": "d", "’": "", "'": ""})
_POINTER = re.compile(r"\b(?:se|see|läs|les|read|watch|visit|titta|lyssna|listen)\b"
                      r"[^:.]{0,40}:\s+", re.IGNORECASE)
_EXTENSIONS = {"pdf", "html", "htm", "php", "asp", "aspx", "shtml", "jsp", "txt", "doc",
               "docx", "epub"}
_TRAIL = re.compile(r"[\s.,;:]+$")
_LEAD = re.compile(r"^[«»”“\"‘’(„]*(?:[A-ZÅÄÖÆØ]\w{0,2} )?$")
_LIST_TAIL = re.compile(r"\s*\([^()]*\)?\s*$")
_DATE_TAIL = re.compile(r"\s*\([^()]*\)\s*$")


def fold(word: str) -> str:
    """Lower case, without diacritics: how words are written in URLs."""
    word = word.lower().translate(_FOLD)
    return "".join(ch for ch in unicodedata.normalize("NFKD", word)
                   if not unicodedata.combining(ch))


@dataclass(frozen=True)
class _Word:
    unit: int  # which text unit: 0 the body, k the k-th note
    line: int  # index into the page's line list
    start: int
    end: int
    folded: str


@dataclass(frozen=True)
class _Anchor:
    first: int  # word index (or -1 for a whole-line anchor)
    last: int
    score: float
    how: str
    span: tuple[int, int, int, int]  # line, start, line, end


def _words(units: list[list[Line]], lines: list[Line]) -> list[_Word]:
    index = {id(ln): k for k, ln in enumerate(lines)}
    out = []
    for unit, unit_lines in enumerate(units):
        for line in unit_lines:
            masked = MARK.sub(lambda m: "\0" * len(m.group()), line.text)
            for match in _WORD.finditer(masked):
                out.append(_Word(unit, index[id(line)], match.start(), match.end(),
                                 fold(match.group().strip("-‐"))))
    return out


def _slug(url: str) -> tuple[list[str], str]:
    """(words of the URL's last path segment, the site's name)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.").split(".")
    site = host[-2] if len(host) >= 2 else (host[0] if host else "")
    segments = [s for s in unquote(parts.path).split("/") if s]
    last = segments[-1] if segments else ""
    tokens = [fold(t) for t in re.split(r"[-_.+=&?%,;\s]+", last) if t]
    tokens = [t for t in tokens if t not in _EXTENSIONS and not t.isdigit()]
    return tokens, fold(site)


def _candidates(url: str, wrapped: int, words: list[_Word], lines: list[Line]) -> list[_Anchor]:
    tokens, site = _slug(url)
    wanted = set(tokens)
    whole = "".join(tokens)
    found: list[_Anchor] = []
    for i, word in enumerate(words):
        # the slug's words, in a window with small gaps
        if word.folded in wanted or (whole and whole.startswith(word.folded.replace("-", ""))):
            matched: set[str] = set()
            concat = ""
            last = i
            gap = 0
            for j in range(i, min(len(words), i + len(tokens) + 8)):
                if words[j].unit != word.unit:
                    break
                w = words[j].folded
                concat += w.replace("-", "")
                parts = [p for p in (w, *w.split("-")) if p in wanted]
                hit = bool(parts)
                matched.update(parts)
                if hit or (whole and concat == whole):
                    last, gap = j, 0
                    if whole and concat == whole:
                        matched = set(tokens)
                        break
                else:
                    gap += 1
                    if gap > 2 or (whole and not whole.startswith(concat) and not matched):
                        break
            ratio = len(matched) / max(len(wanted), 1)
            if len(matched) >= 3 or (len(matched) >= 2 and ratio >= 0.5) or matched == wanted:
                found.append(_anchor(words, i, last, 0.5 + ratio / 2, "its address spells "
                                     "the words", wrapped))
        if site and len(site) >= 4 and word.folded == site:
            found.append(_anchor(words, i, i, 0.45, f"the site's name '{site}'", wrapped))
    # a pointer ("se: TITLE") on a line; a wrapped anchor runs onto the next line(s)
    for k, line in enumerate(lines):
        pointers = list(_POINTER.finditer(line.text))
        if not pointers:
            continue
        pointer = pointers[-1]
        if pointer is None:
            continue
        first = next((n for n, w in enumerate(words) if w.line == k
                      and w.start >= pointer.end()), None)
        if first is None:
            continue
        end_line = words[first].line + max(wrapped, 1) - 1
        last = max((n for n, w in enumerate(words) if w.unit == words[first].unit
                    and w.line <= end_line), default=first)
        found.append(_anchor(words, first, last, 0.5, "a pointer introduces it", wrapped))
    return found


def _anchor(words: list[_Word], first: int, last: int, score: float, how: str,
            wrapped: int) -> _Anchor:
    lines_spanned = len({w.line for w in words[first:last + 1]})
    if wrapped > 1:
        score += 0.3 if lines_spanned == wrapped else -0.2
    a, b = words[first], words[last]
    return _Anchor(first, last, score, how, (a.line, a.start, b.line, b.end))


def _best(options: list[list[_Anchor]]) -> list[_Anchor | None]:
    """The highest-scoring choice of one anchor (or none) per URL, anchors in URL order."""
    memo: dict[tuple[int, tuple[int, int]], tuple[float, list[_Anchor | None]]] = {}

    def go(k: int, after: tuple[int, int]) -> tuple[float, list[_Anchor | None]]:
        if k == len(options):
            return 0.0, []
        key = (k, after)
        if key in memo:
            return memo[key]
        score, rest = go(k + 1, after)
        best: tuple[float, list[_Anchor | None]] = (score, [None, *rest])
        for option in options[k]:
            if (option.span[0], option.span[1]) > after:
                s, r = go(k + 1, (option.span[2], option.span[3]))
                if s + option.score > best[0]:
                    best = (s + option.score, [option, *r])
        memo[key] = best
        return best

    return go(0, (-1, -1))[1]


def attach(lines: list[Line], units: list[list[Line]], urls: list[Line], tally: Tally,
           page: int, links: list[str]) -> list[Line]:
    """Mark the anchors of a page's URLs in its lines (LINK markers indexing ``links``);
    returns the URL lines whose anchor was not found."""
    grouped: list[tuple[str, Line, int]] = []
    for url_line in urls:
        if grouped and grouped[-1][0] == url_line.text:
            grouped[-1] = (url_line.text, grouped[-1][1], grouped[-1][2] + 1)
        else:
            grouped.append((url_line.text, url_line, 1))
    words = _words(units, lines)
    options = [_candidates(url, n, words, lines) for url, _line, n in grouped]
    for option_list in options:  # later body spots win ties: nearer the following link
        option_list.sort(key=lambda a: (a.span[0], a.span[1]))
        for n, a in enumerate(option_list):
            option_list[n] = _Anchor(a.first, a.last, a.score + 0.001 * n
                                     - (0.01 if words[a.first].unit else 0), a.how, a.span)
    found = _best(options)
    chosen = [_extend(a, lines) for a in found]
    _fill_list_items(chosen, lines, units)
    missing = []
    marks: list[tuple[int, int, str]] = []
    for (url, url_line, _n), anchor, original, opts in zip(grouped, chosen, found, options,
                                                          strict=True):
        if anchor is None:
            missing.append(url_line)
            continue
        links.append(url)
        k = len(links) - 1
        line_a, start, line_b, end = anchor.span
        marks.append((line_b, end, LINK_CLOSE))
        marks.append((line_a, start, f"{LINK_OPEN}{k}{LINK_MID}"))
        rivals = [o for o in opts if original is not None and o is not original
                  and o.span != original.span and abs(o.score - anchor.score) < 0.05]
        text = _span_text(lines, anchor.span)
        if anchor.score < 0.8 or rivals:
            alt = (f"{quote(_span_text(lines, rivals[0].span), 40)} at line "
                   f"{lines[rivals[0].span[0]].number}" if rivals else "no link (a bare URL)")
            tally.decide(lines[line_a].number, "link",
                         f"{quote(text, 40)} as the anchor of {url} (page {page})", alt,
                         anchor.how)
    for line_no, col, mark in sorted(marks, key=lambda m: (m[0], m[1]), reverse=True):
        line = lines[line_no]
        line.text = line.text[:col] + mark + line.text[col:]
    tally.links += len(grouped) - len(missing)
    return missing


def _extend(anchor: _Anchor | None, lines: list[Line]) -> _Anchor | None:
    """Take a title's opening quote or article ("En", "The") into an anchor that starts just
    after it at the start of a line, and the closing quote that matches."""
    if anchor is None:
        return None
    a, start, b, end = anchor.span
    lead = lines[a].text[:start]
    if start and not _LEAD.match(lead):
        return anchor
    opened = lead[:1] in "«»”“\"‘’„"
    if opened and lines[b].text[end:end + 1] in "»”“\"’":
        end += 1
    # a list line "Title words (date)": the anchor is the whole title
    rest = lines[b].text[end:]
    tail = _LIST_TAIL.search(rest)
    title = rest[: tail.start()].rstrip(".,;") if tail else ""
    if tail and not MARK.search(rest) and not re.search(r"[.!?:]\s+[A-ZÅÄÖÆØ]", title):
        end += len(title)
    return _Anchor(anchor.first, anchor.last, anchor.score, anchor.how, (a, 0, b, end))


def _span_text(lines: list[Line], span: tuple[int, int, int, int]) -> str:
    a, start, b, end = span
    if a == b:
        return lines[a].text[start:end]
    middle = [lines[k].text for k in range(a + 1, b) if not lines[k].blank]
    return " ".join([lines[a].text[start:], *middle, lines[b].text[:end]])


def _fill_list_items(chosen: list[_Anchor | None], lines: list[Line],
                     units: list[list[Line]]) -> None:
    """A URL left without anchor between anchors that each start a line of a list takes
    the list line between them (without a trailing parenthesis such as a date)."""
    body = {id(ln) for ln in units[0]} if units else set()
    taken = {a.span[0] for a in chosen if a}
    for k, anchor in enumerate(chosen):
        if anchor is not None:
            continue
        after = next((a for a in chosen[k + 1:] if a), None)
        if after is None or _LEAD.sub("", lines[after.span[0]].text[:after.span[1]]):
            continue
        j = after.span[0] - 1
        while j >= 0 and lines[j].blank:
            j -= 1
        if j < 0 or j in taken or id(lines[j]) not in body or MARK.search(lines[j].text):
            continue
        text = MARK.sub("", lines[j].text)
        core = _TRAIL.sub("", _DATE_TAIL.sub("", text))
        if not core or len(core) > 120:
            continue
        chosen[k] = _Anchor(-1, -1, 0.4, "the list line between its neighbours' anchors",
                            (j, 0, j, len(core)))
        taken.add(j)
