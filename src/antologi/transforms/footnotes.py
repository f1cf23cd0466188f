"""Footnote numbering: per chapter, in the order of first reference (as the print sources do)."""

from __future__ import annotations

from ..model import Book, FootnoteRef, walk_chapter


def apply(book: Book, report: object) -> Book:
    for chapter in book.documents:
        by_label = {note.label: note for note in chapter.footnotes}
        numbered = 0
        calls: dict[str, int] = {}
        for node in list(walk_chapter(chapter)):
            if not isinstance(node, FootnoteRef) or node.label not in by_label:
                continue
            note = by_label[node.label]
            if node.label not in calls:
                numbered += 1
                note.number = numbered
                note.id = f"{chapter.id}-fn{note.number}"
            calls[node.label] = calls.get(node.label, 0) + 1
            node.number = note.number
            node.note_id = note.id
            suffix = "" if calls[node.label] == 1 else f"-{calls[node.label]}"
            node.ref_id = f"{chapter.id}-fnref{note.number}{suffix}"
            if calls[node.label] == 1:
                note.ref_id = node.ref_id
        chapter.footnotes = sorted((n for n in chapter.footnotes if n.number),
                                   key=lambda n: n.number)
    return book
