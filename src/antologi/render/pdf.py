"""Book -> PDF: jinja2 builds one HTML document, WeasyPrint lays it out."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from .. import lang as langmod
from .. import model as m
from ..diagnostics import Report
from ..resources import PACKAGE_DIR, ProjectFetcher, Sandbox, font_dir
from . import parts
from .linebreaks import Break, hyphenated_breaks
from .xhtml import Context, XhtmlWriter, lang_attrs

FONT_NAME = "EB Garamond"


def font_faces() -> str:
    files = font_dir()
    # One face per weight on the same variable font file: WeasyPrint 70 does not take a
    # weight range in @font-face, but instantiates the wght axis for the weight asked for.
    return "\n".join(
        f'@font-face {{ font-family: "{FONT_NAME}"; src: url("{(files / name).as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for name, style in (("EBGaramond[wght].ttf", "normal"),
                            ("EBGaramond-Italic[wght].ttf", "italic"))
        for weight in (400, 500, 700)
    )


@dataclass
class _Part:
    kind: str
    head: parts.ChapterHead | None = None
    body: str = ""  # markup, already escaped
    lang_attrs: str = ""


def _environment() -> jinja2.Environment:
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


def build_html(book: m.Book, timestamp: str) -> str:
    manifest = book.manifest
    tag = manifest.language
    writer = XhtmlWriter("pdf")
    rendered: list[_Part] = []
    toc = []
    for item in [*book.front, *book.chapters, *book.back]:
        if isinstance(item, str):
            rendered.append(_Part(item))
            continue
        head = parts.chapter_head(item, tag)
        ctx = Context("pdf", item.lang, item)
        kind = {"chapter": "chapter", "front": "front-text", "back": "back"}[item.kind]
        attrs = Markup(lang_attrs(item.lang)) if item.lang != tag else Markup("")
        rendered.append(_Part(kind, head, Markup(writer.blocks(item.blocks, ctx)), attrs))
        toc.append({"id": item.id, "title": item.title, "byline": head.byline,
                    "kind": item.kind})
    authors = parts.book_authors(manifest, book.chapters)
    names = parts.editors(manifest)
    labels = {key: langmod.label(tag, key) for key in ("contents", "colophon")}
    template = _environment().get_template("print.html.j2")
    return template.render(
        book=manifest,
        authors=authors,
        authors_line=langmod.join_names(tag, authors),
        editors_line=langmod.label(tag, "editor", names=langmod.join_names(tag, names))
        if names else "",
        parts=rendered,
        toc=toc,
        labels=labels,
        colophon=parts.colophon(manifest, book.chapters, f"{FONT_NAME}"),
        font_faces=Markup(font_faces()),
        stylesheets=[p.as_uri() for p in stylesheets(book, "print.css")],
        timestamp=timestamp,
    )


class _CollectCssProblems(logging.Handler):
    """WeasyPrint logs CSS problems without the file; we report them as diagnostics."""

    def __init__(self, report: Report, root: Path) -> None:
        super().__init__(logging.WARNING)
        self.report = report
        self.root = root

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().splitlines()[0][:300]
        if message.startswith("Using fontTools"):
            return  # WeasyPrint's note on its own font subsetting: nothing for the book
        if "Failed to load" in message or "not inside the project" in message \
                or "not fetched" in message:
            self.report.error("P003", message, None,
                              "only files inside the project can be used; nothing is "
                              "fetched from the network")
            return
        self.report.warning("P002", message, None)


@dataclass(frozen=True)
class PrintPages:
    """Where the printed pages begin, for the EPUB's page-list."""

    labels: list[str]  # the folio printed on each page, in order ('i', 'ii', …, '1', …)
    first_anchor: list[str | None]  # per page: the first element id that starts on it


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    breaks: list[Break]  # hyphenated line ends, for the proofreading report
    pages: PrintPages


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


def render_pdf(book: m.Book, timestamp: dt.datetime, report: Report) -> PdfResult:
    import weasyprint

    html = build_html(book, timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"))
    root = book.manifest.root
    sandbox = Sandbox(roots=(root, PACKAGE_DIR, font_dir()), excluded=(root / "build",))
    logger = logging.getLogger("weasyprint")
    handler = _CollectCssProblems(report, root)
    logger.addHandler(handler)
    try:
        with _font_timestamp(int(timestamp.timestamp())):
            document = weasyprint.HTML(string=html, base_url=root.as_uri() + "/",
                                       url_fetcher=ProjectFetcher(sandbox)).render()
            data = document.write_pdf()
    finally:
        logger.removeHandler(handler)
    assert isinstance(data, bytes)
    return PdfResult(data, hyphenated_breaks(document), print_pages(document))


def print_pages(document: object) -> PrintPages:
    labels = [str(n) for n in range(1, len(document.pages) + 1)]  # type: ignore[attr-defined]
    first: list[str | None] = []
    for page in document.pages:  # type: ignore[attr-defined]
        # WeasyPrint records every anchor with its position; the topmost is the first.
        anchors = sorted(page.anchors.items(), key=lambda item: (item[1][1], item[1][0]))
        first.append(anchors[0][0] if anchors else None)
    return PrintPages(labels, first)
