"""Stable, unique ids for chapters and headings (the same in EPUB and PDF)."""

from __future__ import annotations

import re
import unicodedata

from ..diagnostics import Report, Span
from ..model import Book, Heading, Paragraph, plain_text, walk

# The ids other parts of a text get: paragraphs, notes, calls, the source note.
_GENERATED = re.compile(r"-(?:p\d+|fn\d+|fnref\d+(?:-\d+)?|source)$")


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("æ", "ae").replace("ø", "o")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def apply(book: Book, report: Report) -> Book:
    seen: dict[str, str] = {}
    for chapter in book.documents:
        if chapter.id in seen:
            report.error("M008", f"two texts have the id '{chapter.id}' (also "
                         f"{seen[chapter.id]})", Span(chapter.path.as_posix(), 1, 1),
                         "give one of them another 'id' in its front matter or the manifest")
        seen[chapter.id] = chapter.path.as_posix()
        used: set[str] = set()
        paragraphs = 0
        for node in walk(chapter.blocks):
            if isinstance(node, Paragraph):
                paragraphs += 1
                node.id = f"{chapter.id}-p{paragraphs}"
            if isinstance(node, Heading):
                base = f"{chapter.id}-{slug(plain_text(node.children)) or 'section'}"
                if _GENERATED.search(base):  # a heading "fn1" or "p2" would take a note's id
                    base += "-h"
                candidate, n = base, 2
                while candidate in used:
                    candidate, n = f"{base}-{n}", n + 1
                used.add(candidate)
                node.id = candidate
    return book
