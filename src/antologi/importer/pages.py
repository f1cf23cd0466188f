"""Page breaks and what sits at the top and bottom of a page.

A page break is recognised, in this order of trust, by a form feed (pdftotext writes one),
by a line that starts with exactly one space at regular intervals (what some extractors
leave at the first line of a page), or by the page furniture itself: page numbers counting
up and running heads that recur. Page numbers and running heads are removed; the page's
bottom is then split into the footnote block (notes.py decides where it starts) and the
list of link targets that some extractors append after the notes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from statistics import median

from .decisions import Tally, quote
from .layout import URL_LINE
from .source import Line

_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?(?:(?:page|p\.|side|sida|s\.|seite|стр\.)\s*)?(\d{1,4})"
    r"(?:\s*(?:/|of|av|af|von|из)\s*\d{1,4})?(?:\s*[-–—])?$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")


@dataclass
class Page:
    number: int
    lines: list[Line]
    """The page's lines in order, page furniture removed."""
    body: list[Line] = field(default_factory=list)
    notes: list[Line] = field(default_factory=list)
    urls: list[Line] = field(default_factory=list)


def _regular(positions: list[int], last_line: int) -> bool:
    """True when positions are spread like page starts: no two close together."""
    if len(positions) < 2:
        return False
    gaps = [b - a for a, b in itertools.pairwise(positions)]
    typical = median(gaps)
    inner = gaps[:-1] if len(gaps) > 1 else gaps
    return typical >= 12 and min(inner) >= typical / 3 and len(positions) <= last_line / 10


def _page_number_chain(lines: list[Line]) -> list[int]:
    """Indexes of lines that are page numbers: the longest run of counting-up numbers."""
    found = [(i, int(m.group(1))) for i, ln in enumerate(lines)
             if (m := _PAGE_NUMBER.match(ln.text))]
    best: list[list[int]] = []
    for k, (i, value) in enumerate(found):
        chain = [i]
        for j in range(k - 1, -1, -1):
            pi, pv = found[j]
            if 0 < value - pv <= 2 and i - pi >= 8 and best[j] and len(best[j]) + 1 > len(chain):
                chain = [*best[j], i]
        best.append(chain)
    longest = max(best, key=len, default=[])
    return longest if len(longest) >= 2 else []


def _running_lines(lines: list[Line], count_min: int = 3) -> dict[str, list[int]]:
    """Short lines recurring at regular intervals (digits ignored): running heads or feet."""
    where: dict[str, list[int]] = {}
    for i, ln in enumerate(lines):
        if ln.blank or len(ln.text) > 90 or URL_LINE.match(ln.text):
            continue
        key = " ".join(_DIGITS.sub(" ", ln.text.lower()).split()).strip(" -–—|·•")
        if any(ch.isalpha() for ch in key):
            where.setdefault(key, []).append(i)
    return {key: spots for key, spots in where.items()
            if len(spots) >= count_min and _regular(spots, len(lines) * 10)}


def split_pages(lines: list[Line], tally: Tally) -> list[Page]:
    """The text cut into pages, page numbers and running heads removed."""
    numbers = set(_page_number_chain(lines))
    running = _running_lines(lines)
    furniture = numbers | {i for spots in running.values() for i in spots}
    for _key, spots in running.items():
        tally.decide(lines[spots[0]].number, "page",
                     f"to remove {quote(lines[spots[0]].text)} as a running head",
                     "to keep it as text", f"it recurs {len(spots)} times at page intervals")
    starts: list[int]
    if any(ln.form_feed for ln in lines):
        starts = [i for i, ln in enumerate(lines) if ln.form_feed]
    else:
        marked = [i for i, ln in enumerate(lines) if ln.indent == " " and ln.text]
        if _regular(marked, len(lines)):
            starts = marked
        elif furniture:
            starts = _starts_from_furniture(lines, sorted(furniture))
        else:
            starts = []
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    pages: list[Page] = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        kept = [ln for i, ln in enumerate(lines[start:end], start) if i not in furniture]
        if any(not ln.blank for ln in kept):
            pages.append(Page(len(pages) + 1, kept))
    tally.pages = len(pages)
    return pages


def _starts_from_furniture(lines: list[Line], furniture: list[int]) -> list[int]:
    """Page starts when only page numbers and running heads tell where pages end.

    Neighbouring furniture lines (a foot, blank lines, the next page's head) make one break;
    the page starts after it.
    """
    starts = []
    group_end = -10
    for i in furniture:
        between = lines[group_end + 1: i]
        if i - group_end > 4 or any(not ln.blank for ln in between):
            starts.append(i)
        group_end = i
    # A break belongs after its group: move each start past the furniture and blank lines.
    fixed = []
    fset = set(furniture)
    for s in starts:
        j = s
        while j < len(lines) and (j in fset or lines[j].blank):
            j += 1
        fixed.append(j)
    return [s for s in fixed if s < len(lines)]


def take_urls(page: Page) -> list[Line]:
    """The link targets listed at the bottom of a page (removed from its lines)."""
    urls: list[Line] = []
    end = len(page.lines)
    i = end - 1
    while i >= 0 and (page.lines[i].blank or URL_LINE.match(page.lines[i].text)):
        if not page.lines[i].blank:
            urls.append(page.lines[i])
            end = i
        i -= 1
    page.lines = page.lines[:end]
    return urls[::-1]
