"""Book -> EPUB 3: our own XHTML documents, packed by ebooklib, then made reproducible.

ebooklib 0.20 is used for the package document, the NCX and the zip; the content documents
(including the nav) are written here in full, since ebooklib's EpubHtml rebuilds the
document shell and drops attributes on <html> and <body>.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import jinja2
from ebooklib import epub
from lxml import etree
from markupsafe import Markup

from .. import lang as langmod
from .. import model as m
from ..assets import collect_images, image_hrefs
from ..diagnostics import Report
from ..resources import PACKAGE_DIR
from . import parts
from .cover import make_cover
from .cover import prepare as prepare_cover
from .pagemap import PrintPages, place_page_markers
from .readinglist import ID as RL_ID
from .readinglist import reading_list_part
from .xhtml import Context, XhtmlWriter, lang_attrs

XHTML = "application/xhtml+xml"

_TEXT_TYPES = {
    # kind -> (epub:type, DPUB-ARIA role)
    "chapter": ("chapter", "doc-chapter"),
    "front": ("preface", "doc-preface"),
    "back": ("appendix", "doc-appendix"),
}


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(PACKAGE_DIR / "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


class _Pages:
    """Renders whole XHTML documents and checks each is well-formed XML."""

    def __init__(self, book: m.Book) -> None:
        self.env = _environment()
        self.book = book

    def page(self, title: str, body: str, lang: str, body_type: str = "") -> bytes:
        text = self.env.get_template("epub_page.xhtml.j2").render(
            title=title, body=Markup(body), lang=lang, body_type=body_type)
        data = text.encode("utf-8")
        etree.fromstring(data)  # an ill-formed document is our bug: fail loudly
        return data

    def fragment(self, name: str, **values: object) -> str:
        return self.env.get_template(name).render(**values)


def _file_name(chapter: m.Chapter) -> str:
    return f"{chapter.id}.xhtml"


def _stylesheet(book: m.Book) -> bytes:
    data = (PACKAGE_DIR / "styles" / "epub.css").read_bytes()
    if book.manifest.epub.soft_hyphens:
        # Soft hyphens or automatic hyphenation, never both: with both, a reader could
        # break where the exceptions file forbids it.
        data += b"\nhtml { hyphens: manual; -webkit-hyphens: manual; -epub-hyphens: manual; }\n"
    own = book.manifest.root / "styles" / "epub.css"
    if own.is_file():
        data += b"\n/* book styles */\n" + own.read_bytes()
    return data


@dataclass
class _Doc:
    uid: str
    file_name: str
    title: str
    body: str  # markup
    body_type: str = ""
    properties: tuple[str, ...] = ()
    xhtml: bytes = b""


def render_epub(book: m.Book, timestamp: dt.datetime, print_pages: PrintPages | None = None,
                report: Report | None = None) -> bytes:
    report = report or Report()
    manifest = book.manifest
    tag = manifest.language
    pages = _Pages(book)
    images = collect_images(book, report)
    writer = XhtmlWriter("epub", image_hrefs(images))
    labels = {k: langmod.label(tag, k) for k in langmod.LABEL_KEYS}
    authors = parts.book_authors(manifest, book.chapters)
    painting = _paint_cover(book, authors)
    names = parts.editors(manifest)
    common = {
        "book": manifest, "labels": labels,
        "authors_line": langmod.join_names(tag, authors),
        "editors_line": langmod.label(tag, "editor", names=langmod.join_names(tag, names))
        if names else "",
        "colophon": parts.colophon(manifest, book.chapters, ""),
    }

    pub = epub.EpubBook()
    _metadata(pub, book, authors, paged=print_pages is not None)
    pub.add_item(epub.EpubItem(uid="css", file_name="css/epub.css", media_type="text/css",
                               content=_stylesheet(book)))
    for number, asset in enumerate(images, 1):
        # only what collect_images checked: inside the project, decoded, within the limits
        pub.add_item(epub.EpubItem(uid=f"img-{number}", file_name=asset.href,
                                   media_type=asset.media_type,
                                   content=asset.path.read_bytes()))

    docs: list[_Doc] = []
    spine: list[str | tuple[str, str]] = []
    toc_entries: list[dict[str, str]] = []
    landmarks: list[dict[str, str]] = []
    ncx: list[epub.Link] = []

    rewrite: dict[str, Callable[[bytes], bytes]] = {
        "EPUB/content.opf": lambda opf: _package_lang(opf, tag)}
    cover = _cover(book, report)
    if cover is not None:
        image_name, data, media_type = cover
        image = epub.EpubItem(uid="cover-image", file_name=image_name, media_type=media_type,
                              content=data)
        image.properties = ["cover-image"]
        pub.add_item(image)
        if painting is not None:
            # Taken as late as it can be, when the zip is written: meanwhile the documents
            # are made and ebooklib packs them (with an empty image in its place).
            rewrite[f"EPUB/{image_name}"] = lambda _empty: painting.result()
        alt = langmod.label(tag, "cover_alt", title=manifest.title,
                            authors=langmod.join_names(tag, authors))
        docs.append(_Doc("cover", "cover.xhtml", labels["cover"], pages.fragment(
            "epub_cover.xhtml.j2", src=image_name, alt=alt, label=labels["cover"])))
        spine.append("cover")
        landmarks.append({"type": "cover", "href": "cover.xhtml", "title": labels["cover"]})

    for item in [*book.front, *book.chapters, *book.back]:
        if isinstance(item, str):
            if item == "contents":
                spine.append("nav")
            elif item == "reading-list" and book.reading_list is not None:
                part = reading_list_part(book, writer)
                body = pages.fragment("epub_reading_list.xhtml.j2", title=part.title,
                                      body=Markup(part.body))
                docs.append(_Doc(RL_ID, f"{RL_ID}.xhtml", part.title, body, "backmatter"))
                spine.append(RL_ID)
                toc_entries.append({"href": f"{RL_ID}.xhtml", "title": part.title,
                                    "byline": ""})
                ncx.append(epub.Link(f"{RL_ID}.xhtml", part.title, RL_ID))
                landmarks.append({"type": "bibliography", "href": f"{RL_ID}.xhtml",
                                  "title": part.title})
            elif item in ("title-page", "colophon"):
                body = pages.fragment("epub_front.xhtml.j2", kind=item, **common)
                title = labels["title_page" if item == "title-page" else "colophon"]
                docs.append(_Doc(item, f"{item}.xhtml", title, body))
                spine.append(item)
                if item == "title-page":
                    landmarks.append({"type": "titlepage", "href": "title-page.xhtml",
                                      "title": title})
            continue  # the half-title is a print convention
        head = parts.chapter_head(item, tag)
        epub_type, role = _TEXT_TYPES[item.kind]
        ctx = Context("epub", item.lang, item)
        body = pages.fragment(
            "epub_text.xhtml.j2", kind=item.kind, head=head, epub_type=epub_type, role=role,
            lang_attrs=Markup(lang_attrs(item.lang)) if item.lang != tag else Markup(""),
            body=Markup(writer.blocks(item.blocks, ctx)),
            notes=Markup(writer.footnotes_section(item, ctx)))
        file_name = _file_name(item)
        docs.append(_Doc(item.id, file_name, item.title, body,
                         "bodymatter" if item.kind == "chapter" else ""))
        spine.append(item.id)
        toc_entries.append({"href": file_name, "title": item.title, "byline": head.byline})
        ncx.append(epub.Link(file_name, item.title, item.id))
        if item.kind == "chapter" and not any(x["type"] == "bodymatter" for x in landmarks):
            landmarks.append({"type": "bodymatter", "href": file_name,
                              "title": labels["start"]})
        if item.kind == "back" and not any(x["type"] == "backmatter" for x in landmarks):
            landmarks.append({"type": "backmatter", "href": file_name, "title": item.title})
    at = next((i for i, x in enumerate(landmarks) if x["type"] == "bodymatter"), len(landmarks))
    landmarks.insert(at, {"type": "toc", "href": "nav.xhtml#toc", "title": labels["contents"]})

    for doc in docs:
        doc.xhtml = pages.page(doc.title, doc.body, tag, doc.body_type)
    page_list = place_page_markers(docs, print_pages) if print_pages else []

    nav_body = pages.fragment("epub_nav.xhtml.j2", toc=toc_entries, landmarks=landmarks,
                              labels=labels, page_list=page_list)
    docs.append(_Doc("nav", "nav.xhtml", labels["contents"], nav_body, "", ("nav",),
                     pages.page(labels["contents"], nav_body, tag)))
    for doc in docs:
        item = epub.EpubItem(uid=doc.uid, file_name=doc.file_name, media_type=XHTML,
                             content=doc.xhtml)
        item.properties = list(doc.properties)
        pub.add_item(item)
    pub.add_item(epub.EpubNcx())
    pub.toc = ncx
    pub.spine = spine if "nav" in spine else [*spine, ("nav", "no")]

    buffer = io.BytesIO()
    # ebooklib's zip is only read back by reproducible_zip, which compresses every entry
    # itself: level 0 spares compressing it twice.
    writer_ = epub.EpubWriter(buffer, pub, {"mtime": timestamp, "raise_exceptions": True,
                                            "epub3_pages": False, "epub2_guide": False,
                                            "compresslevel": 0})
    writer_.process()
    writer_.write()
    return reproducible_zip(buffer.getvalue(), timestamp, rewrite)


def _package_lang(opf: bytes, tag: str) -> bytes:
    """xml:lang on <package>: the language of the metadata's own text (titles, the
    accessibility summary). ebooklib does not write it; Ace reports its absence."""
    root = etree.fromstring(opf)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", tag)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def start_cover(book: m.Book) -> None:
    """Begin painting the generated cover now, so that it is done when render_epub packs
    it: for the build to call as soon as the texts are loaded (their authors are on it)."""
    _paint_cover(book, parts.book_authors(book.manifest, book.chapters))


# The last cover begun: (title, subtitle, authors) -> its PNG, done or on its way.
_painting: dict[tuple[str, str | None, tuple[str, ...]], Future[bytes]] = {}


def _paint_cover(book: m.Book, authors: list[str]) -> Future[bytes] | None:
    """The generated cover when the manifest names no image, painted in a thread of its
    own: most of the time goes to Pillow's PNG compression, which lets the text be
    prepared and the documents written meanwhile. Begun once for the same words."""
    if book.manifest.epub.cover is not None:
        return None
    key = (book.manifest.title, book.manifest.subtitle, tuple(authors))
    begun = _painting.get(key)
    if begun is None or (begun.done() and begun.exception() is not None):
        prepare_cover()
        painter = ThreadPoolExecutor(max_workers=1)
        _painting.clear()
        _painting[key] = painter.submit(make_cover, *key[:2], authors)
        painter.shutdown(wait=False)  # the thread ends with the painting
    return _painting[key]


def _cover(book: m.Book, report: Report) -> tuple[str, bytes, str] | None:
    """(file name, data, media type): the manifest's cover image, else the generated one,
    whose data (_paint_cover) goes in when the zip is written."""
    option = book.manifest.epub.cover
    if option is None:
        return "images/cover.png", b"", "image/png"
    if option == "none":
        return None
    path = book.manifest.root / option
    kinds = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
    if not path.is_file() or path.suffix.lower() not in kinds:
        report.error("E002", f"cover image '{option}' does not exist or is not PNG/JPEG",
                     book.manifest.spans.get("epub"), "give a PNG or JPEG inside the project")
        return None
    return f"images/cover{path.suffix.lower()}", path.read_bytes(), kinds[path.suffix.lower()]


def _metadata(pub: epub.EpubBook, book: m.Book, authors: list[str], paged: bool) -> None:
    """Package metadata with our own ids (ebooklib's add_author reuses one id: EPUBCheck
    rejects the duplicate) and MARC relator roles through refines."""
    manifest = book.manifest
    pub.set_identifier(manifest.identifier)
    pub.title = manifest.title
    pub.language = manifest.language
    pub.add_metadata("DC", "title", manifest.title, {"id": "title"})
    pub.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if manifest.subtitle:
        pub.add_metadata("DC", "title", manifest.subtitle, {"id": "subtitle"})
        pub.add_metadata(None, "meta", "subtitle",
                         {"refines": "#subtitle", "property": "title-type"})
    pub.add_metadata("DC", "language", manifest.language)
    people: list[tuple[str, str]] = [(c.name, c.marc) for c in manifest.creators]
    if not any(role == "aut" for _, role in people):
        people = [(name, "aut") for name in authors] + people
    for chapter in book.chapters:
        for name in chapter.translators:
            people.append((name, "trl"))
        for person in chapter.contributors:
            people.append((person.name, person.marc))
    seen: set[tuple[str, str]] = set()
    for index, (name, role) in enumerate(people, 1):
        if (name, role) in seen:
            continue
        seen.add((name, role))
        element = "creator" if role in ("aut", "edt") else "contributor"
        pub.add_metadata("DC", element, name, {"id": f"{element}{index}"})
        pub.add_metadata(None, "meta", role, {"refines": f"#{element}{index}",
                                              "property": "role", "scheme": "marc:relators"})
    if manifest.publisher:
        pub.add_metadata("DC", "publisher", manifest.publisher)
    if manifest.rights:
        pub.add_metadata("DC", "rights", manifest.rights)
    if manifest.date:
        pub.add_metadata("DC", "date", manifest.date)
    for chapter in book.chapters:
        if chapter.source:
            pub.add_metadata("DC", "source", chapter.source)
    _accessibility(pub, book, paged)


def _accessibility(pub: epub.EpubBook, book: m.Book, paged: bool) -> None:
    """EPUB Accessibility 1.1 metadata: what the book offers and to what standard."""
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "alternativeText"]
    if paged:
        # the page-list and the page-break markers come from the print edition
        features += ["printPageNumbers", "pageBreakMarkers"]
        pub.add_metadata("DC", "source", book.manifest.identifier, {"id": "print-source"})
        pub.add_metadata(None, "meta", "pagination",
                         {"refines": "#print-source", "property": "source-of"})
    meta = [("schema:accessMode", "textual"), ("schema:accessMode", "visual"),
            ("schema:accessModeSufficient", "textual"),
            *(("schema:accessibilityFeature", f) for f in features),
            ("schema:accessibilityHazard", "none"),
            ("schema:accessibilitySummary", langmod.label(book.manifest.language,
                                                          "a11y_summary")),
            ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA")]
    for prop, value in meta:
        pub.add_metadata(None, "meta", value, {"property": prop})


def reproducible_zip(data: bytes, timestamp: dt.datetime,
                     rewrite: dict[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """The same zip with fixed dates and permissions, mimetype first and stored, the rest
    sorted: the same book gives the same bytes (SOURCE_DATE_EPOCH)."""
    stamp = max(timestamp, dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
    date_time = stamp.timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(n for n in source.namelist() if n != "mimetype")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in ["mimetype", *names]:
            info = zipfile.ZipInfo(name, date_time)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(name)
            if rewrite and name in rewrite:
                content = rewrite[name](content)
            target.writestr(info, content, compresslevel=9
                            if name != "mimetype" else None)
    return out.getvalue()


