"""Citations in the texts become links to the reading list, and the list learns where it is
cited (for back links in the EPUB and page references in the PDF).

Three kinds: ``[@key]`` / ``[@key, s. 110]`` / ``[@a; @b]`` written by the editor (an
unknown key is an error at the paragraph's line); author–year citations already in a text,
"(Antonenko, 2004)"; and footnotes that give a listed work's title.

The links are the same for every target ("#ref-key": the PDF is one document), so this
runs once for all of them; ``link_documents`` then points the EPUB's at the reading list's
own document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import model as m
from ..diagnostics import Report, Span
from ..readinglist import Entry, ReadingList, find_author_year, format_citation_group, resolve

_CITATION = re.compile(r"\[(-?@[\w:.-]+(?:,[^;\]]*)?(?:;\s*-?@[\w:.-]+(?:,[^;\]]*)?)*)\]")
_ITEM = re.compile(r"-?@([\w:.-]+)(?:,(.*))?")
_MIN_TITLE = 15  # shorter titles are too likely to occur by chance
EPUB_DOCUMENT = "reading-list.xhtml"  # render/epub.py names the list's document so


@dataclass
class _Context:
    book: m.Book
    listed: ReadingList
    shown: set[str]  # keys of the entries the book prints
    chapter: m.Chapter
    line: int
    report: Report
    in_note: bool = False
    entries: list[Entry] = field(default_factory=list)  # listed.entries, made once
    titles: list[tuple[str, int, str]] = field(default_factory=list)  # see _listed_titles

    def href(self, key: str) -> str:
        return f"#ref-{key}"

    def link_id(self, key: str) -> str:
        ident = f"cite-{sum(len(v) for v in self.book.citations.values()) + 1}"
        self.book.citations.setdefault(key, []).append((self.chapter.id, ident))
        return ident


def apply(book: m.Book, report: Report) -> m.Book:
    if book.reading_list is None:
        return book
    include = book.manifest.reading_list.include_unverified
    shown = {e.key for e in book.reading_list.visible(include).entries}
    entries = book.reading_list.entries
    titles = _listed_titles(entries, shown)
    for chapter in book.documents:
        for block in m.walk(chapter.blocks):
            if isinstance(block, m.Paragraph | m.Heading):
                ctx = _Context(book, book.reading_list, shown, chapter, block.line, report,
                               entries=entries, titles=titles)
                block.children = _inlines(block.children, ctx)
        for note in chapter.footnotes:
            for block in m.walk(note.children):
                if isinstance(block, m.Paragraph):
                    ctx = _Context(book, book.reading_list, shown, chapter, block.line,
                                   report, in_note=True, entries=entries, titles=titles)
                    block.children = _inlines(block.children, ctx)
    return book


def link_documents(book: m.Book, report: Report) -> m.Book:
    """EPUB: the reading list is a document of its own (reading-list.xhtml), so the
    citations link to it by name. Only texts with citations are walked."""
    if not book.citations:
        return book
    cited_in = {text for places in book.citations.values() for text, _ in places}
    links = {link for places in book.citations.values() for _, link in places}
    for chapter in book.documents:
        if chapter.id not in cited_in:
            continue
        for node in m.walk_chapter(chapter):
            if isinstance(node, m.Link) and node.id in links:
                node.href = EPUB_DOCUMENT + node.href
    return book


def _inlines(nodes: list[m.Inline], ctx: _Context) -> list[m.Inline]:
    out: list[m.Inline] = []
    for node in nodes:
        if isinstance(node, m.Text):
            out.extend(_text(node.text, ctx))
        elif isinstance(node, m.Emph | m.Strong | m.Span):
            node.children = _inlines(node.children, ctx)
            out.append(node)
        else:
            out.append(node)  # links, code, notes: left as they are
    return out


def _text(text: str, ctx: _Context) -> list[m.Inline]:
    if "[" not in text and "(" not in text and not ctx.in_note:
        # No [@key], no author–year citation, no title looked for: most text
        return [m.Text(text)] if text else []
    out: list[m.Inline] = []
    position = 0
    for match in _CITATION.finditer(text):
        out.extend(_plain(text[position:match.start()], ctx))
        out.extend(_bracketed(match.group(1), ctx) or [m.Text(match.group())])
        position = match.end()
    out.extend(_plain(text[position:], ctx))
    return [n for n in out if not (isinstance(n, m.Text) and not n.text)]


def _bracketed(body: str, ctx: _Context) -> list[m.Inline] | None:
    items: list[tuple[Entry, str | None]] = []
    span = Span(ctx.chapter.path.as_posix(), ctx.line, 0)
    for part in body.split(";"):
        found = _ITEM.fullmatch(part.strip())
        if not found:
            return None
        entry = resolve(found.group(1), found.group(2), ctx.listed, span, ctx.report,
                        include_unverified=ctx.book.manifest.reading_list.include_unverified)
        if entry is None:
            return None
        items.append((entry, found.group(2).strip() if found.group(2) else None))
    hrefs = [ctx.href(e.key) if e.key in ctx.shown else None for e, _ in items]
    nodes = format_citation_group(items, ctx.book.manifest.language, hrefs=hrefs)
    _name_links(nodes, [e.key for e, _ in items], ctx)
    return nodes


def _name_links(nodes: list[m.Inline], keys: list[str], ctx: _Context) -> None:
    links = [n for n in m.walk(nodes) if isinstance(n, m.Link)]
    by_href = {ctx.href(k): k for k in keys}
    for link in links:
        key = by_href.get(link.href)
        if key is not None:
            link.id = ctx.link_id(key)


def _plain(text: str, ctx: _Context) -> list[m.Inline]:
    """Author–year citations in running text, and listed titles in footnotes."""
    spans = [(c.start, c.end, c.key) for c in find_author_year(text, ctx.entries)
             if c.key in ctx.shown]
    if ctx.in_note:
        spans += _titles(text, ctx)
    spans.sort()
    out: list[m.Inline] = []
    position = 0
    for start, end, key in spans:
        if start < position:
            continue
        out.append(m.Text(text[position:start]))
        out.append(m.Link(ctx.href(key), [m.Text(text[start:end])], id=ctx.link_id(key)))
        position = end
    out.append(m.Text(text[position:]))
    return out


def _listed_titles(entries: list[Entry], shown: set[str]) -> list[tuple[str, int, str]]:
    """(title case-folded, its length as written, key) of the printed entries whose titles
    are long enough to be looked for in the notes."""
    found = []
    for entry in entries:
        title = (entry.title or "").strip()
        if entry.key in shown and len(title) >= _MIN_TITLE:
            found.append((title.casefold(), len(title), entry.key))
    return found


def _titles(text: str, ctx: _Context) -> list[tuple[int, int, str]]:
    folded = text.casefold()
    found = []
    for title, length, key in ctx.titles:
        at = folded.find(title)
        if at >= 0:
            found.append((at, at + length, key))
    return found
