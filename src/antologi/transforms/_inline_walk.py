"""Walk the text of a book block by block, with the language of every piece of text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .. import model as m


@dataclass
class TextPiece:
    node: m.Text | m.Code
    lang: str
    atomic: bool  # code, or a link whose text is its own URL


def blocks_with_text(chapter: m.Chapter, *, headings: bool = True
                     ) -> Iterator[tuple[object, str, list[TextPiece]]]:
    """(block, block language, its text pieces in order) for every block with inline text."""
    for block, lang in _blocks(chapter.blocks, chapter.lang):
        if isinstance(block, m.Heading) and not headings:
            continue
        yield block, lang, list(_pieces(block.children, lang, False))  # type: ignore[attr-defined]
    for note in chapter.footnotes:
        for block, lang in _blocks(note.children, chapter.lang):
            yield block, lang, list(_pieces(block.children, lang, False))  # type: ignore[attr-defined]


def _blocks(blocks: list, lang: str) -> Iterator[tuple[object, str]]:
    for block in blocks:
        if isinstance(block, m.Paragraph | m.Heading):
            yield block, lang
        elif isinstance(block, m.Div):
            yield from _blocks(block.children, block.lang or lang)
        elif isinstance(block, m.BlockQuote | m.ListItem):
            yield from _blocks(block.children, lang)
        elif isinstance(block, m.ListBlock):
            yield from _blocks(block.items, lang)


def _pieces(nodes: list[m.Inline], lang: str, atomic: bool) -> Iterator[TextPiece]:
    for node in nodes:
        if isinstance(node, m.Text):
            yield TextPiece(node, lang, atomic)
        elif isinstance(node, m.Code):
            yield TextPiece(node, lang, True)
        elif isinstance(node, m.Span):
            yield from _pieces(node.children, node.lang or lang, atomic)
        elif isinstance(node, m.Link):
            is_url = m.plain_text(node.children).strip() in (node.href, node.href.removeprefix(
                "mailto:"))
            yield from _pieces(node.children, lang, atomic or is_url)
        elif isinstance(node, m.Emph | m.Strong):
            yield from _pieces(node.children, lang, atomic)
