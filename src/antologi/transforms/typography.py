"""Language typography on the tree: quotation marks and no-break spaces (lang.py rules)."""

from __future__ import annotations

from .. import model as m
from ..diagnostics import Report
from ..typography import Segment, typeset
from ._inline_walk import blocks_with_text


def apply(book: m.Book, report: Report) -> m.Book:
    options = {"nb_inner": book.manifest.typography.nb_inner_quotes}
    for chapter in book.documents:
        for _block, _lang, pieces in blocks_with_text(chapter):
            if not pieces:
                continue
            segments = [Segment(p.node.text, p.lang, p.atomic or isinstance(p.node, m.Code))
                        for p in pieces]
            for piece, text in zip(pieces, typeset(segments, **options), strict=True):
                if not piece.atomic:
                    piece.node.text = text
    return book
