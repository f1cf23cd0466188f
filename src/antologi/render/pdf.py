"""Book -> PDF: jinja2 builds the HTML, WeasyPrint lays it out, in two documents.

The body (chapters and back matter, folios 1, 2, 3 …) is laid out first; the front matter
(half-title, title page, colophon, contents, preface; folios i, ii, iii …) second, with the
contents' page numbers taken from the body's real layout, and the pages are then joined.
One document with a page counter reset for the body would print every contents number as 0
(WeasyPrint #2114). The front matter is padded to an even page count, so the body's page 1
is a recto as it is in its own layout.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import pydyf
from markupsafe import Markup

from .. import lang as langmod
from .. import model as m
from ..diagnostics import Report, Span
from ..resources import PACKAGE_DIR, Sandbox
from . import parts, weasyfix
from .footnote_check import misplaced_notes
from .glyphs import check_glyphs
from .linebreaks import Break, hyphenated_breaks
from .pagemap import PrintPages
from .readinglist import ID as RL_ID
from .readinglist import reading_list_part
from .xhtml import Context, XhtmlWriter, lang_attrs

if TYPE_CHECKING:
    from .parallel import Workers

FONT_NAME = "EB Garamond"
FRONT_END = "antologi-front-end"
FONT_DIR = PACKAGE_DIR / "fonts"
FACES = (  # (file, weight, style): static instances of the pinned variable font
    ("EBGaramond-Regular.ttf", 400, "normal"), ("EBGaramond-Medium.ttf", 500, "normal"),
    ("EBGaramond-Bold.ttf", 700, "normal"), ("EBGaramond-Italic.ttf", 400, "italic"),
    ("EBGaramond-MediumItalic.ttf", 500, "italic"), ("EBGaramond-BoldItalic.ttf", 700, "italic"),
)
FONT_FILES = ("EBGaramond-Regular.ttf", "EBGaramond-Italic.ttf")  # the characters it has


def font_faces() -> str:
    """The book face, one file per weight and style: static instances made from the pinned
    variable font (scripts/static_fonts.py). With the variable font itself WeasyPrint
    would instantiate each weight again for every document it writes (about half a second
    a document, paid by every piece of a PDF laid out in parallel)."""
    return "\n".join(
        f'@font-face {{ font-family: "{FONT_NAME}"; src: url("{(FONT_DIR / name).as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for name, weight, style in FACES
    )


@dataclass
class _Part:
    kind: str
    head: parts.ChapterHead | None = None
    body: str = ""  # markup, already escaped
    lang_attrs: str = ""
    verso: str = ""  # the running head on left pages: the author, else the book's title


@dataclass
class _TocEntry:
    id: str
    title: str
    byline: str
    kind: str
    page: str | None = None  # a body page number; None: the front matter's own counter


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    breaks: list[Break]  # hyphenated line ends, for the proofreading report
    pages: PrintPages
    front_pages: int = 0
    notes_placed: tuple[int, int] = (0, 0)  # (on their call's page, all)


@functools.cache
def _environment() -> jinja2.Environment:
    """One per process: its template is compiled once, not once per piece of the book."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(PACKAGE_DIR / "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def stylesheets(book: m.Book, name: str) -> list[Path]:
    """The default stylesheet, then the book's own (which overrides it)."""
    sheets = [PACKAGE_DIR / "styles" / name]
    own = book.manifest.root / "styles" / name
    if own.is_file():
        sheets.append(own)
    return sheets


@dataclass
class _Html:
    """What both documents share: the book's parts rendered once."""

    book: m.Book
    timestamp: str
    front: list[_Part] = field(default_factory=list)
    body: list[_Part] = field(default_factory=list)
    toc: list[_TocEntry] = field(default_factory=list)


def _prepare(book: m.Book, timestamp: str) -> _Html:
    manifest = book.manifest
    tag = manifest.language
    writer = XhtmlWriter("pdf")
    out = _Html(book, timestamp)
    for item in [*book.front, *book.chapters, *book.back]:
        target = out.front if item in book.front else out.body
        if item == "reading-list" and book.reading_list is not None:
            part = reading_list_part(book, writer)
            head = parts.ChapterHead(RL_ID, part.title, None, tag, "", [], None)
            target.append(_Part("reading-list", head, Markup(part.body), "",
                                manifest.title))
            out.toc.append(_TocEntry(RL_ID, part.title, "", "back"))
            continue
        if isinstance(item, str):
            target.append(_Part(item))
            continue
        head = parts.chapter_head(item, tag)
        ctx = Context("pdf", item.lang, item)
        kind = {"chapter": "chapter", "front": "front-text", "back": "back"}[item.kind]
        attrs = Markup(lang_attrs(item.lang)) if item.lang != tag else Markup("")
        body = writer.blocks(item.blocks, ctx) + writer.endnotes_section(item, ctx)
        target.append(_Part(kind, head, Markup(body), attrs, head.byline or manifest.title))
        out.toc.append(_TocEntry(item.id, item.title, head.byline, item.kind))
    return out


def _html(prepared: _Html, which: str, pad: bool = False) -> str:
    book = prepared.book
    manifest = book.manifest
    tag = manifest.language
    authors = parts.book_authors(manifest, book.chapters)
    names = parts.editors(manifest)
    template = _environment().get_template("print.html.j2")
    return template.render(
        book=manifest,
        which=which,
        pad=pad,
        authors=authors,
        authors_line=langmod.join_names(tag, authors),
        editors_line=langmod.label(tag, "editor", names=langmod.join_names(tag, names))
        if names else "",
        parts=prepared.front if which == "front" else prepared.body,
        toc=prepared.toc,
        labels={key: langmod.label(tag, key) for key in ("contents", "colophon")},
        colophon=parts.colophon(manifest, book.chapters, FONT_NAME),
        font_faces=Markup(font_faces()),
        stylesheets=[p.as_uri() for p in stylesheets(book, "print.css")],
        timestamp=prepared.timestamp,
    )


class _CollectCssProblems(logging.Handler):
    """WeasyPrint logs CSS and loading problems; we report them as diagnostics."""

    def __init__(self, report: Report) -> None:
        super().__init__(logging.WARNING)
        self.report = report
        self.seen: set[str] = set()  # each layout pass logs the same problems again

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().splitlines()[0][:300]
        if message in self.seen:
            return
        self.seen.add(message)
        if message.startswith("Using fontTools"):
            return  # WeasyPrint's note on its own font subsetting: nothing for the book
        if "Failed to load" in message or "not inside the project" in message \
                or "not fetched" in message:
            self.report.error("P003", message, None,
                              "only files inside the project can be used; nothing is "
                              "fetched from the network")
            return
        self.report.warning("P002", message, None)


@contextmanager
def _font_timestamp(epoch: int) -> Iterator[None]:
    """WeasyPrint instantiates variable fonts with fontTools, which stamps the font's 'head'
    table with the current time unless SOURCE_DATE_EPOCH is set: pin it to the build's
    timestamp so that the embedded fonts, and so the PDF, are the same bytes every time."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def _roman(number: int) -> str:
    values = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
              (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = ""
    for value, letters in values:
        while number >= value:
            out += letters
            number -= value
    return out


def _page_labels(front_pages: int) -> Callable[[object, pydyf.PDF], None]:
    """/PageLabels, so viewers show 'iii' and '1' as printed (WeasyPrint writes none)."""

    def finisher(document: object, pdf: pydyf.PDF) -> None:
        numbers = pydyf.Array()
        if front_pages:
            numbers.extend([0, pydyf.Dictionary({"S": "/r"})])
        numbers.extend([front_pages, pydyf.Dictionary({"S": "/D"})])
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": numbers})

    return finisher


def _note_spans(book: m.Book) -> dict[str, Span]:
    return {note.id: Span(chapter.path.as_posix(), note.line, 1)
            for chapter in book.documents for note in chapter.footnotes}


def render_pdf(book: m.Book, timestamp: dt.datetime, report: Report,
               jobs: int | None = None) -> PdfResult:
    """The book's PDF (PdfJob, all at once)."""
    job = PdfJob(book, timestamp, jobs)
    result = job.result()
    report.extend(job.report.items)
    return result


class PdfJob:
    """The book's PDF, made in steps so that the build can go on with the EPUB while the
    PDF's pieces are laid out and joined in other processes.

    A book whose texts make two groups or more, with parallel.PIECES_CHARS characters of
    markup in all, is laid out in pieces by up to
    ``jobs`` processes (default: ANTOLOGI_JOBS, else the cores) and joined
    (render/parallel.py): the constructor starts the layout, pages() waits for the pages
    (what the EPUB's page-list needs) and starts the join, result() waits for the PDF. A
    shorter book, or one that cannot be joined, is laid out in one document by pages().
    Diagnostics go to the job's own report, which the caller adds to its own."""

    def __init__(self, book: m.Book, timestamp: dt.datetime, jobs: int | None = None,
                 workers: Workers | None = None) -> None:
        """workers: layout processes started early (parallel.Workers), used if the book is
        laid out in pieces and shut down if not."""
        from .parallel import NotJoinable, Pieces, Workers, in_pieces, plan

        self.report = Report()
        self._book = book
        self._timestamp = timestamp
        self._stamp = timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        self._prepared = _prepare(book, self._stamp)
        self._pieces: Pieces | None = None
        self._done: PdfResult | None = None
        planned = plan(self._prepared)
        if in_pieces(planned[0]):
            try:
                self._pieces = Pieces(book, timestamp, workers or Workers(jobs),
                                      self._prepared, planned)
            except NotJoinable:
                self._pieces = None
        elif workers is not None:
            workers.shutdown(wait=False)

    def pages(self) -> PdfResult:
        """The PDF's pages and what is known of them; ``data`` is empty until result()
        when the pieces are still being joined."""
        from .parallel import NotJoinable

        if self._done is not None:
            return self._done
        if self._pieces is not None:
            try:
                return self._pieces.pages()
            except NotJoinable:
                self._fall_back()
        self._done = _one_document(self._book, self._prepared, self._timestamp, self.report)
        return self._done

    def result(self) -> PdfResult:
        """The PDF with its bytes. Its pages are those pages() gave, except when the pieces
        could not be joined after all: then the book was laid out in one document (compare
        the pages before using an EPUB made from the first ones)."""
        from .parallel import NotJoinable

        laid = self.pages()
        if self._pieces is None or self._done is not None:
            return laid
        try:
            self._done = self._pieces.result()
            self.report.extend(self._pieces.report.items)
        except NotJoinable:
            self._fall_back()
            self._done = _one_document(self._book, self._prepared, self._timestamp,
                                       self.report)
        self._pieces = None
        return self._done

    def cancel(self) -> None:
        """Stop the layout's processes (the build failed elsewhere)."""
        if self._pieces is not None:
            self._pieces.cancel()
            self._pieces = None

    def _fall_back(self) -> None:
        if self._pieces is not None:
            self._pieces.cancel()
        self._pieces = None
        self._prepared = _prepare(self._book, self._stamp)  # notes may have gone to the end


def _one_document(book: m.Book, prepared: _Html, timestamp: dt.datetime,
                  report: Report) -> PdfResult:
    """The whole book laid out by WeasyPrint here: the body, then the front matter."""
    import weasyprint

    from .fetcher import ProjectFetcher

    report_uncorrected(report, weasyfix.apply())
    check_glyphs(book, tuple(FONT_DIR / name for name in FONT_FILES), FONT_NAME, report)
    options = book.manifest.pdf
    root = book.manifest.root
    sandbox = Sandbox(roots=(root, PACKAGE_DIR), excluded=(root / "build",))
    fetcher = ProjectFetcher(sandbox)
    logger = logging.getLogger("weasyprint")
    handler = _CollectCssProblems(report)
    logger.addHandler(handler)

    def layout(html: str) -> weasyprint.Document:
        return weasyprint.HTML(string=html, base_url=root.as_uri() + "/",
                               url_fetcher=fetcher).render(pdf_tags=_tagged(options.variant))

    try:
        with _font_timestamp(int(timestamp.timestamp())):
            body = layout(_html(prepared, "body"))
            rounds = 0
            while (options.long_notes == "endnotes" and rounds < _ENDNOTE_ROUNDS
                   and _to_endnotes(book, body)):
                rounds += 1
                prepared = _prepare(book, prepared.timestamp)
                body = layout(_html(prepared, "body"))
            starts = _anchor_pages(body)
            for entry in prepared.toc:
                if entry.kind != "front" and entry.id in starts:
                    entry.page = str(starts[entry.id])
            front_pages: list = []
            if prepared.front:
                # It ends with a page of its own after a right-hand break, left out: a
                # blank verso before it pads the front matter to an even page count, so
                # that the body's page 1 stays a recto.
                front = layout(_html(prepared, "front", pad=True))
                *front_pages, end = front.pages
                if set(end.anchors) != {FRONT_END} or any(
                        FRONT_END in page.anchors for page in front_pages):
                    raise AssertionError("the front matter's end is not a page of its own")
                document = front.copy(front_pages + list(body.pages))
            else:
                document = body
            variant = None if options.variant == "none" else options.variant
            data = document.write_pdf(finisher=_page_labels(len(front_pages)),
                                      pdf_variant=variant, pdf_tags=_tagged(options.variant))
    finally:
        logger.removeHandler(handler)
    assert isinstance(data, bytes)
    labels = page_labels(len(front_pages), len(body.pages))
    breaks = [Break(int(b.page), b.lang, b.before, b.after) for b in hyphenated_breaks(document)]
    misplaced, total = misplaced_notes(document)
    report_misplaced(book, report, misplaced, labels)
    blank = [not page.anchors for page in document.pages]
    return PdfResult(data, breaks, PrintPages(labels, _starts(document), blank),
                     len(front_pages), (total - len(misplaced), total))


_ENDNOTE_ROUNDS = 8  # each round lays the body out again; a book rarely needs more than one


def _to_endnotes(book: m.Book, body: object) -> bool:
    """Move the first misplaced note of the laid-out body to the end (move_to_end)."""
    return move_to_end(book, misplaced_notes(body)[0]) is not None


def move_to_end(book: m.Book, misplaced: list[tuple[str, int, int]]) -> str | None:
    """Mark the first note that did not stay on the page of its call as an endnote
    (pdf.long_notes: endnotes) and return its id; None when every note stayed. WeasyPrint
    never splits a note (#1833): one taller than the room below its call moves to a later
    page and takes the notes after it along, so only the first is moved each round; the
    others usually find their page again."""
    if not misplaced:
        return None
    first = min(misplaced, key=lambda item: item[1])[0]
    for chapter in book.documents:
        for note in chapter.footnotes:
            if note.id == first:
                note.endnote = True
    return first


def page_labels(front_pages: int, body_pages: int) -> list[str]:
    """Each page's number as printed: i, ii, … in the front matter, then 1, 2, …"""
    return ([_roman(n) for n in range(1, front_pages + 1)]
            + [str(n) for n in range(1, body_pages + 1)])


def report_misplaced(book: m.Book, report: Report, misplaced: list[tuple[str, int, int]],
                     labels: list[str]) -> None:
    """P004 for each note that stands on another page than its call."""
    spans = _note_spans(book)
    for note_id, call_page, note_page in misplaced:
        report.warning("P004", f"a footnote stands on page {labels[note_page - 1]}, its call "
                       f"on page {labels[call_page - 1]}", spans.get(note_id),
                       "shorten the note or the paragraph before it; with pdf.long_notes: "
                       "endnotes such notes go to the end of the chapter")


def report_uncorrected(report: Report, problems: list[str]) -> None:
    """P005 for each correction of WeasyPrint's footnote layout that could not be made."""
    for problem in problems:
        report.warning("P005", f"WeasyPrint's footnote layout is not corrected: {problem}",
                       None, "footnotes may stand a page after their calls; use the "
                       "WeasyPrint version antologi pins")


def _tagged(variant: str) -> bool:
    return variant in ("pdf/ua-1", "pdf/a-3b", "pdf/a-2b")


def _anchor_pages(document: object) -> dict[str, int]:
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):  # type: ignore[attr-defined]
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


def _starts(document: object) -> list[list[str]]:
    """WeasyPrint lists an element's anchor on every page it spans; an element begins on
    the first of them. Within a page, the topmost comes first."""
    seen: set[str] = set()
    out: list[list[str]] = []
    for page in document.pages:  # type: ignore[attr-defined]
        anchors = sorted(page.anchors.items(), key=lambda item: (item[1][1], item[1][0]))
        new = [name for name, _ in anchors if name not in seen]
        seen.update(new)
        out.append(new)
    return out
