"""The document tree between the parser and the renderers.

Small typed nodes with the 1-based source line they came from. Renderers serialise this
tree; transforms take a Book and return a Book (the book is copied per target).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .manifest import Creator, Manifest

if TYPE_CHECKING:
    from .readinglist import ReadingList

# --- inlines ---------------------------------------------------------------------------


@dataclass
class Text:
    text: str


@dataclass
class Code:
    text: str


@dataclass
class SoftBreak:
    pass


@dataclass
class HardBreak:
    pass


@dataclass
class Emph:
    children: list[Inline]


@dataclass
class Strong:
    children: list[Inline]


@dataclass
class Link:
    href: str
    children: list[Inline]
    title: str | None = None
    id: str = ""  # a citation's link, so that its reading-list entry can link back


@dataclass
class Image:
    src: str
    alt: str
    title: str | None = None


@dataclass
class Span:
    """A passage in another language: [text]{lang=en}."""

    children: list[Inline]
    lang: str


@dataclass
class FootnoteRef:
    label: str
    number: int = 0  # set by the footnotes transform, per chapter
    note_id: str = ""
    ref_id: str = ""


Inline = Text | Code | SoftBreak | HardBreak | Emph | Strong | Link | Image | Span | FootnoteRef

# --- blocks ----------------------------------------------------------------------------


@dataclass
class Paragraph:
    children: list[Inline]
    line: int
    id: str = ""  # set for the text's own paragraphs (not notes): page mapping between outputs


@dataclass
class Heading:
    level: int
    children: list[Inline]
    line: int
    id: str = ""


@dataclass
class BlockQuote:
    children: list[Block]
    line: int


@dataclass
class ListItem:
    children: list[Block]
    line: int


@dataclass
class ListBlock:
    ordered: bool
    items: list[ListItem]
    line: int
    start: int = 1
    tight: bool = True


@dataclass
class CodeBlock:
    text: str
    line: int
    info: str = ""


@dataclass
class ThematicBreak:
    line: int


@dataclass
class Div:
    """A block passage in another language: ::: {lang=en} ... :::"""

    children: list[Block]
    lang: str
    line: int


Block = Paragraph | Heading | BlockQuote | ListBlock | ListItem | CodeBlock | ThematicBreak | Div


@dataclass
class Footnote:
    label: str
    children: list[Block]
    line: int
    number: int = 0
    id: str = ""
    ref_id: str = ""  # the id of the (first) call, for the back link
    endnote: bool = False  # PDF: too tall for the page of its call, set at the text's end


@dataclass
class Chapter:
    """A Markdown text: a chapter, or a Markdown part of the front or back matter."""

    path: Path  # project-relative
    id: str
    title: str
    lang: str
    blocks: list[Block]
    footnotes: list[Footnote] = field(default_factory=list)
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    translators: list[str] = field(default_factory=list)
    contributors: list[Creator] = field(default_factory=list)
    source: str | None = None
    kind: str = "chapter"  # 'chapter', or 'front'/'back' for Markdown matter


@dataclass
class Book:
    manifest: Manifest
    chapters: list[Chapter]
    front: list[Chapter | str] = field(default_factory=list)  # Chapter, or a generated part
    back: list[Chapter | str] = field(default_factory=list)
    target: str = ""  # 'epub' or 'pdf' once transforms have run
    reading_list: ReadingList | None = None  # when the back matter has a reading list
    citations: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Entry key -> (text id, link id) of every place it is cited, for back links."""

    @property
    def documents(self) -> list[Chapter]:
        """Every Markdown text of the book in reading order."""
        return ([p for p in self.front if isinstance(p, Chapter)] + self.chapters
                + [p for p in self.back if isinstance(p, Chapter)])


def children_of(node: object) -> list:
    """The child nodes of any node (blocks or inlines)."""
    if isinstance(node, ListBlock):
        return node.items
    return getattr(node, "children", [])


def walk(nodes: list) -> Iterator[object]:
    """Every node below and including `nodes`, depth first, in document order."""
    for node in nodes:
        yield node
        yield from walk(children_of(node))


def walk_chapter(chapter: Chapter) -> Iterator[object]:
    yield from walk(chapter.blocks)
    for note in chapter.footnotes:
        yield from walk(note.children)


def plain_text(nodes: list) -> str:
    """The text of inlines without markup (for ids, titles in navigation, PDF bookmarks)."""
    out = []
    for node in walk(nodes):
        if isinstance(node, Text | Code):
            out.append(node.text)
        elif isinstance(node, SoftBreak | HardBreak):
            out.append(" ")
    return "".join(out).replace("\u00ad", "")
