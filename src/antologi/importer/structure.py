"""The chapter's title and headings, read from the shape of the first and the short blocks.

Extraction keeps no styles, so a heading is recognised by its shape: one line set apart
from the text before it, short, not ending a sentence, no "Label: value" colon. The title
is the first such line at the top of the text that is neither a byline (only capitalised
names) nor a dateline (a year and a word or two). In Markdown-like sources the "# " line is
the title, and "Name: Title" is split into author and title. Every such guess is reported.
"""

from __future__ import annotations

import re

from .decisions import Tally, quote
from .marks import plain
from .paragraphs import Block

_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_CONNECTORS = {"&", "och", "og", "and", "und", "et", "и", ",", "med", "with", "by", "av", "von"}
_LABEL_COLON = re.compile(r":\s")


def _words(text: str) -> list[str]:
    return plain(text).replace(",", " ").split()


def heading_shape(text: str) -> bool:
    text = plain(text).strip()
    words = text.split()
    return (0 < len(text) <= 90 and len(words) <= 12 and text[-1] not in ".,;:!?…”’\"»"
            and not _LABEL_COLON.search(text) and "•" not in text
            and (text[0].isupper() or text[0].isdigit()) and any(c.isalpha() for c in text))


def _byline(text: str) -> bool:
    words = _words(text)
    names = [w for w in words if w.lower() not in _CONNECTORS]
    return 2 <= len(names) <= 8 and all(w[:1].isupper() for w in names) \
        and any(w.lower() in _CONNECTORS for w in words)


def _dateline(text: str) -> bool:
    return bool(_YEAR.search(text)) and len(_words(text)) <= 4


def find_title(blocks: list[Block], tally: Tally) -> tuple[str | None, list[str]]:
    """(title, authors) from the top of the text; the title's block is removed."""
    if blocks and plain(blocks[0].text).startswith("# "):
        first = blocks.pop(0)
        title = first.text[2:].strip()
        match = re.match(r"^((?:[A-ZÅÄÖÆØ][\w’'.-]+\s){1,3}[A-ZÅÄÖÆØ][\w’'.-]+):\s+(.+)$", title)
        if match:
            tally.decide(first.line, "title",
                         f"title {quote(match.group(2))}, author {quote(match.group(1))}",
                         f"title {quote(title)}",
                         "the heading reads 'Name: Title'")
            return match.group(2), [match.group(1)]
        return title, []
    for k, block in enumerate(blocks[:6]):
        if block.last_line != block.line or len(block.text) > 100:
            break
        if _dateline(block.text) or _byline(block.text):
            continue
        if len(_words(block.text)) >= 2 and heading_shape(block.text):
            blocks.pop(k)
            tally.decide(block.line, "title", f"{quote(block.text)} as the title",
                         "to keep it as a paragraph", "the first short line at the top that "
                         "is not a byline or a date")
            return plain(block.text), []
    return None, []


def mark_headings(blocks: list[Block], tally: Tally) -> None:
    """Turn set-apart one-line blocks of heading shape into headings (level 2)."""
    for k, block in enumerate(blocks):
        if (block.kind == "p" and block.line == block.last_line and block.separated
                and k + 1 < len(blocks) and heading_shape(block.text)
                and not _byline(block.text) and not _dateline(block.text)
                and not plain(block.text).startswith("#")):
            block.kind = "h"
            tally.decide(block.line, "heading", f"{quote(block.text)} as a heading",
                         "a one-line paragraph", "a short line set apart, not ending a sentence")
