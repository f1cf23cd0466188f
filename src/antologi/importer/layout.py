"""What kind of extraction a text is: line spacing, trailing-space signal, line width.

Extractors differ: some put an empty line after every line (paragraphs are then invisible
and must be inferred), some keep a trailing space on every line that goes on (so a line
without one ends a paragraph, and a hyphen followed by a space is a real one). The importer
measures these properties instead of assuming one extractor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .source import Line

URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class Layout:
    double_spaced: bool
    """Every text line is followed by one empty line: empty lines say nothing."""
    trailing_signal: bool
    """Most lines that go on end with whitespace: its absence means something."""
    width: int
    """The length of a full line, in characters (for 'was this line cut short?')."""
    markdown: bool = False
    """The source is already Markdown-like (headings, emphasis, links are kept)."""


_MD_HEADING = re.compile(r"^#{1,6} \S")
_MD_LINK = re.compile(r"\[[^\]\n]+\]\([^)\s]*\)")


def measure(lines: list[Line]) -> Layout:
    texts = [ln for ln in lines if not ln.blank]
    followed = 0
    for i, line in enumerate(lines[:-2]):
        if not line.blank and lines[i + 1].blank and not lines[i + 1].indent \
                and not lines[i + 2].blank:
            followed += 1
    double = len(texts) >= 4 and followed >= 0.6 * len(texts)
    going_on = [ln for ln in texts if not ln.text.endswith("-") and not URL_LINE.match(ln.text)]
    with_space = sum(1 for ln in going_on if ln.trailing)
    trailing = bool(going_on) and with_space >= 0.5 * len(going_on)
    lengths = sorted(len(ln.text) for ln in going_on) or [80]
    width = lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]
    first = next((ln.text for ln in texts), "")
    markdown = bool(_MD_HEADING.match(first)) or any(_MD_LINK.search(ln.text) for ln in texts)
    return Layout(double and not markdown, trailing, max(width, 20), markdown)
