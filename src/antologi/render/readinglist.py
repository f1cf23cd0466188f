"""The reading list as back matter, the same entries in both outputs.

Each entry carries its way back to the texts: links to every citation in the EPUB, page
numbers in the PDF (target-counter, resolved by WeasyPrint within the body's layout, so the
numbers are the printed ones).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import lang as langmod
from .. import model as m
from ..readinglist import format_reading_list, reading_list_title
from .xhtml import Context, XhtmlWriter, esc, lang_attrs

ID = "reading-list"


@dataclass(frozen=True)
class ReadingListPart:
    title: str
    body: str  # markup, already escaped


def reading_list_part(book: m.Book, writer: XhtmlWriter) -> ReadingListPart:
    assert book.reading_list is not None
    tag = book.manifest.language
    include = book.manifest.reading_list.include_unverified
    title = reading_list_title(book.reading_list, tag)
    ctx = Context(writer.target, tag)
    out = []
    for section in format_reading_list(book.reading_list, tag, include_unverified=include):
        attrs = lang_attrs(section.lang) if section.lang != tag else ""
        inner = Context(writer.target, section.lang)
        out.append(f'<section class="reading-list-section"{attrs}>')
        out.append(f"<h2>{esc(section.title)}</h2>")
        out.append('<ul class="references">')
        for item in section.entries:
            reference = writer.inlines(item.inlines, ctx)
            note = (f' <span class="annotation">{writer.inlines(item.annotation, inner)}'
                    "</span>" if item.annotation else "")
            back = _back_links(book, item.entry.key, writer.target, tag)
            out.append(f'<li id="{esc(item.anchor)}">{reference}{note}{back}</li>')
        out.append("</ul>")
        out.append("</section>")
    return ReadingListPart(title, "\n".join(out))


def _back_links(book: m.Book, key: str, target: str, tag: str) -> str:
    places = book.citations.get(key, [])
    if not places:
        return ""
    if target == "pdf":
        refs = ", ".join(f'<a class="pageref" href="#{esc(link)}"></a>' for _, link in places)
        return f' <span class="cited-on">{esc(langmod.label(tag, "ref_page"))}\u00a0{refs}</span>'
    label = esc(langmod.label(tag, "back_to_text"))
    links = " ".join(f'<a href="{esc(chapter)}.xhtml#{esc(link)}" role="doc-backlink" '
                     f'title="{label}">↩</a>' for chapter, link in places)
    return f' <span class="cited-on">{links}</span>'
