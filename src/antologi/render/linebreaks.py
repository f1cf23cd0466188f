"""Which words the laid-out PDF broke at a line end, read from WeasyPrint's box tree.

A line broken at one of our soft hyphens ends in U+00AD followed by the hyphenate-character
WeasyPrint draws (U+2010 by default); a line ending in a real hyphen does not, so compounds
such as "NATO-" at a line end are not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # WeasyPrint is imported where a PDF is laid out, not with this module
    from weasyprint.document import Document
    from weasyprint.formatting_structure import boxes

SOFT = "\u00ad"
_TRAILING = re.compile(r"[.,;:!?)\]»”’]+$")
_LEADING = re.compile(r"^[(\[«”“‘]+")


@dataclass(frozen=True)
class Break:
    page: int  # 1-based physical page of the first half
    lang: str
    before: str  # the part of the word on the first line
    after: str  # the part on the next line

    @property
    def word(self) -> str:
        return self.before + self.after

    def __str__(self) -> str:
        return f"{self.page}\t{self.lang}\t{self.before}|{self.after}"


Line = tuple[int, list[Any]]  # (page, the line's text boxes)


def _walk(box: boxes.Box, page: int, body: list[Line], notes: list[Line],
          boxes: Any) -> None:
    """Body lines in reading order across pages; each footnote area's lines on their own
    (a note never continues on the next page). Running heads and folios are skipped."""
    if isinstance(box, boxes.MarginBox):
        return
    if isinstance(box, boxes.FootnoteAreaBox):
        area: list[Line] = []
        for child in box.children:
            _walk(child, page, area, area, boxes)
        notes.extend(area)
        notes.append((page, []))  # a barrier: no word continues from one area to the next
        return
    if isinstance(box, boxes.LineBox):
        texts = [b for b in box.descendants() if isinstance(b, boxes.TextBox)]
        if texts:
            body.append((page, texts))
        return
    for child in getattr(box, "children", []):
        _walk(child, page, body, notes, boxes)


def hyphenated_breaks(document: Document) -> list[Break]:
    from weasyprint.formatting_structure import boxes

    body: list[Line] = []
    notes: list[Line] = []
    for number, page in enumerate(document.pages, 1):
        _walk(page._page_box, number, body, notes, boxes)
    return _breaks(body) + _breaks(notes)


def _breaks(lines: list[Line]) -> list[Break]:
    found = []
    for index, (page, texts) in enumerate(lines):
        if not texts:
            continue
        last = texts[-1]
        character = last.style["hyphenate_character"]
        if not last.text.endswith(SOFT + character):
            continue
        before = last.text[: -len(character)].rsplit(" ", 1)[-1].replace(SOFT, "")
        after = ""
        if index + 1 < len(lines) and lines[index + 1][1]:
            after = lines[index + 1][1][0].text.lstrip().split(" ", 1)[0]
        after = _TRAILING.sub("", after.replace(SOFT, ""))
        before = _LEADING.sub("", before)
        found.append(Break(page, str(last.style["lang"] or ""), before, after))
    return found
