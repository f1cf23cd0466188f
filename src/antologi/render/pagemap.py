"""The print edition's pages in the EPUB: page-break markers and the page-list.

The PDF's layout says which elements begin on each page (WeasyPrint reports the page of
every anchor); each page's marker goes right before the first of them that the EPUB also
has, so at paragraph granularity at least. A page on which nothing begins (the middle of a
long paragraph, a blank verso) gets its marker with the next page that has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from .epub import _Doc

EPUB_NS = "http://www.idpf.org/2007/ops"
XHTML_NS = "http://www.w3.org/1999/xhtml"


@dataclass(frozen=True)
class PrintPages:
    """Where the printed pages begin, for the EPUB's page-list."""

    labels: list[str]  # the folio printed on each page, in order ('i', 'ii', …, '1', …)
    starts: list[list[str]]  # per page: ids of the elements that begin on it, top first
    blank: list[bool]  # per page: nothing of the text on it (a blank verso)


def _marker(label: str) -> etree._Element:
    span = etree.Element(f"{{{XHTML_NS}}}span", nsmap={None: XHTML_NS, "epub": EPUB_NS})
    span.set(f"{{{EPUB_NS}}}type", "pagebreak")
    span.set("role", "doc-pagebreak")
    span.set("id", f"page-{label}")
    span.set("aria-label", label)
    return span


def place_page_markers(docs: list[_Doc], pages: PrintPages) -> list[tuple[str, str]]:
    """Insert the markers into the documents; returns the page-list: (label, href)."""
    trees = {doc.file_name: etree.fromstring(doc.xhtml) for doc in docs}
    where: dict[str, tuple[str, etree._Element]] = {}
    for name, tree in trees.items():
        for element in tree.iter(f"{{{XHTML_NS}}}*"):
            ident = element.get("id")
            if ident and ident not in where:
                where[ident] = (name, element)
    page_list: list[tuple[str, str]] = []
    pending: list[str] = []
    last: tuple[str, etree._Element] | None = None  # the paragraph that began last
    for label, starts, blank in zip(pages.labels, pages.starts, pages.blank, strict=True):
        target = next((where[a] for a in starts if a in where), None)
        if target is None and not blank and last is not None and not pending:
            # The page begins inside the paragraph that began last: mark the page
            # right after that paragraph, the nearest place at paragraph granularity.
            marker = _marker(label)
            if last[1].tag == f"{{{XHTML_NS}}}li":
                last[1].append(marker)  # a list holds only list items
            else:
                last[1].addnext(marker)
            page_list.append((label, f"{last[0]}#page-{label}"))
            last = (last[0], marker)
            continue
        pending.append(label)
        if target is None:
            continue
        _insert(target[1], pending, target[0], page_list)
        pending = []
        started = [where[a] for a in starts if a in where
                   and where[a][1].tag != f"{{{XHTML_NS}}}section"]
        last = started[-1] if started else target
    if pending and last is not None:  # closing blank pages: at the end of the last text
        body = trees[last[0]].find(f"{{{XHTML_NS}}}body")
        for label in pending:
            body.append(_marker(label))
            page_list.append((label, f"{last[0]}#page-{label}"))
    for doc in docs:
        doc.xhtml = etree.tostring(trees[doc.file_name], xml_declaration=True,
                                   encoding="utf-8", doctype="<!DOCTYPE html>")
    return page_list


def _insert(element: etree._Element, labels: list[str], file_name: str,
            page_list: list[tuple[str, str]]) -> None:
    for label in labels:
        marker = _marker(label)
        if element.tag == f"{{{XHTML_NS}}}li":
            element.insert(0, marker)  # a list holds only list items
            marker.tail, element.text = element.text, None
        elif element.tag == f"{{{XHTML_NS}}}section":
            element.insert(len([m for m in element if m.get("role") == "doc-pagebreak"]),
                           marker)  # inside the text's section, before its heading
        else:
            element.addprevious(marker)
        page_list.append((label, f"{file_name}#page-{label}"))
