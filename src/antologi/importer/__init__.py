"""antologi import: text extracted from a PDF -> a Markdown chapter, and what was unsure.

The steps, each in its own module: decode and keep the layout signals (source), measure
the extraction's conventions (layout), cut pages and remove page furniture (pages), split
off footnote blocks and put each call back on its page (footnotes), re-attach page-bottom
link lists (urls), join lines into paragraphs deciding every line-end hyphen (paragraphs,
hyphens), find title and headings (structure), and write escaped CommonMark
(markdown_out). Every heuristic choice that could have gone another way is a Decision in
the result, for the editor's review.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import lang as langmod
from ..diagnostics import Report, Span
from .decisions import Decision, Tally
from .footnotes import Note, mark_calls, split_notes
from .hyphens import WordList
from .layout import Layout, measure
from .markdown_out import render
from .marks import call
from .pages import Page, split_pages, take_urls
from .paragraphs import Joiner, body_blocks, note_text
from .source import Line, decode
from .structure import find_title, mark_headings
from .urls import attach

__all__ = ["Decision", "ImportResult", "import_text"]


@dataclass
class ImportResult:
    source: str
    markdown: str
    decisions: list[Decision] = field(default_factory=list)
    paragraphs: int = 0
    footnotes: int = 0
    tally: Tally = field(default_factory=Tally)

    def report_text(self) -> str:
        """One line per uncertain decision: 'SOURCE:LINE: chose X; alternative Y (why)'."""
        return "".join(d.format(self.source) + "\n" for d in self.decisions)

    def summary(self) -> str:
        t = self.tally
        return (f"{t.pages} page{'s' if t.pages != 1 else ''}, {self.paragraphs} paragraphs, "
                f"{self.footnotes} footnotes, {t.links} links, {t.hyphens_removed} hyphens "
                f"removed, {t.hyphens_kept} kept")


def import_text(data: bytes, source_name: str, lang: str, report: Report) -> ImportResult | None:
    """The chapter made from extracted text; None (after reporting why) if there is none."""
    if not langmod.is_valid_tag(lang):
        report.error("I107", f"'{lang}' is not a valid BCP 47 language tag", None,
                     "write e.g. --lang sv, nb, nn or en")
        return None
    tag, was_no = langmod.normalize_tag(lang)
    if was_no:
        report.warning("T002", f"'{lang}' read as '{tag}'", None,
                       "pyphen has no 'no' dictionary: write --lang nb or nn")
    if langmod.hyphenation_dictionary(tag) is None:
        report.warning("I108", f"no hyphenation dictionary for '{tag}': line-end hyphens are "
                       "decided from the text alone", None, "check the hyphen decisions")
    lines = decode(data, source_name, report)
    if lines is None:
        return None
    layout = measure(lines)
    tally = Tally()
    if layout.markdown:
        pages = [Page(1, lines)]
        tally.pages = 1
    else:
        pages = split_pages(lines, tally)
    notes, links, bare = _split_pages(pages, layout, tag, tally, source_name, report)
    flat: list[Line] = []
    for page in pages:
        flat.extend(page.body)
    for note in notes:
        flat.extend(note.lines)
    blank_share = sum(1 for ln in lines if ln.blank) / max(len(lines), 1)
    joiner = Joiner(layout, tag, WordList(flat), tally,
                    dense=not layout.double_spaced and blank_share < 0.02)
    blocks = body_blocks(pages, joiner)
    title, authors = find_title(blocks, tally)
    if not layout.markdown:
        mark_headings(blocks, tally)
    if not title:
        report.warning("I105", "no title found at the top of the text", Span(source_name, 1),
                       "add 'title:' to the chapter's front matter")
    note_texts = [(str(note.label), note_text(note.lines, joiner)) for note in notes]
    markdown = render(title, authors, tag, blocks, note_texts, links, bare, layout.markdown,
                      tally)
    decisions = sorted(tally.decisions, key=lambda d: d.line)
    return ImportResult(source_name, markdown, decisions, len(blocks), len(notes), tally)


def _split_pages(pages: list[Page], layout: Layout, lang: str, tally: Tally, source: str,
                 report: Report) -> tuple[list[Note], list[str], list[str]]:
    """Per page: URL list, footnote block, calls, link anchors. Returns (notes in order,
    link targets indexed by the link markers, URLs without anchor)."""
    notes: list[Note] = []
    links: list[str] = []
    bare: list[str] = []
    for page in pages:
        page.urls = [] if layout.markdown else take_urls(page)
        previous = notes[-1] if notes else None
        expected = previous.number + 1 if previous else 1
        body, page_notes = split_notes(page.lines, layout, expected, previous)
        page.body, page.notes = body, [ln for n in page_notes for ln in n.lines]
        for k, note in enumerate(page_notes, len(notes) + 1):
            note.label = k
        labels = {n.number: n.label for n in page_notes}
        for number in mark_calls(body, page_notes, lang, tally, page.number):
            last = next((ln for ln in reversed(body) if not ln.blank), None)
            report.warning("I103", f"the call of note {number} was not found on page "
                           f"{page.number}", Span(source, last.number if last else 0),
                           "the note is attached at the end of the page's text: move it")
            if last is not None:
                last.text += call(labels[number])
                tally.decide(last.number, "footnote", f"note {number} at the end of page "
                             f"{page.number}'s text", "its real call site",
                             "no number on the page could be its call")
        notes.extend(page_notes)
        if page.urls:
            units = [body, *[n.lines for n in page_notes]]
            every = [ln for unit in units for ln in unit]
            for url_line in attach(every, units, page.urls, tally, page.number, links):
                report.warning("I104", f"no anchor found for {url_line.text}",
                               Span(source, url_line.number),
                               "the URL is listed at the end of the chapter: link it by hand")
                tally.decide(url_line.number, "link", "a bare link at the end of the chapter",
                             "a link on the page's words", "no words on the page match it")
                bare.append(url_line.text)
    return notes, links, bare
