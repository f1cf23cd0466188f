"""Manifest -> Book: every Markdown text parsed, front and back matter in order."""

from __future__ import annotations

import re
from pathlib import Path

from .diagnostics import BookError, Report, Span
from .manifest import Manifest
from .markdown import parse_chapter
from .model import Book, Chapter
from .readinglist import load_reading_list

# Names the book itself uses next to the texts' ids: EPUB manifest items and package
# metadata (ebooklib shares one XML id space between them: a chapter called 'title' or
# 'css' gives a duplicate id, one called 'nav' overwrites nav.xhtml in the zip) and the
# generated parts of the PDF.
RESERVED_IDS = frozenset({
    "id", "title", "subtitle", "css", "nav", "ncx", "toc", "toc-title", "landmarks", "cover",
    "cover-image", "half-title", "title-page", "colophon", "contents", "notes", "reading-list",
    "print-source",
})
# ebooklib's metadata ids, and the EPUB packer's ids of the image assets (img-1, img-2, …).
_RESERVED_PATTERN = re.compile(r"(?:creator|contributor|img-)\d+")


def load_book(manifest: Manifest, report: Report) -> Book:
    """Parse all texts; collect every problem of every file before stopping."""
    root = manifest.root
    chapters: list[Chapter] = []
    places: dict[int, tuple[Span, bool]] = {}  # id(chapter) -> where its id is, explicit?
    for ref in manifest.chapters:
        spans: dict[str, Span] = {}
        chapter = parse_chapter(root, ref.file, manifest.language, report,
                                chapter_id=ref.id, spans=spans)
        if chapter is not None:
            chapters.append(chapter)
            places[id(chapter)] = _place(ref.id_span or spans.get("id"), ref.file.as_posix())
    front = _matter(manifest, manifest.front_matter, "front", report, places)
    back = _matter(manifest, manifest.back_matter, "back", report, places)
    _unlisted(manifest, report)
    _check_own_files(manifest, report)
    book = Book(manifest, chapters, front, back)
    if "reading-list" in back:
        book.reading_list = load_reading_list(root, Path(manifest.reading_list.file), report)
    _check_ids(book, places, report)
    if report.errors:
        raise BookError(report)
    return book


def _matter(manifest: Manifest, parts: tuple, kind: str, report: Report,
            places: dict[int, tuple[Span, bool]]) -> list[Chapter | str]:
    out: list[Chapter | str] = []
    for part in parts:
        if part.kind != "markdown":
            out.append(part.kind)
            continue
        spans: dict[str, Span] = {}
        text = parse_chapter(manifest.root, part.file, manifest.language, report, kind=kind,
                             title=part.title, spans=spans)
        if text is not None:
            out.append(text)
            places[id(text)] = _place(spans.get("id"), part.file.as_posix())
    return out


# Files a book has by convention, read without being listed in the manifest.
OWN_FILES = ("styles/epub.css", "styles/print.css", "book/hyphenation.txt",
             "book/reading-list.yaml")


def _check_own_files(manifest: Manifest, report: Report) -> None:
    """M009 for a book's own style sheets, hyphenation exceptions or reading list when a
    symbolic link takes them out of the project (or into build/): the renderers read them
    as they are, and a styles/epub.css linked to any file of the machine went into the
    EPUB verbatim."""
    root = manifest.root.resolve()
    names = list(OWN_FILES)
    reading_list = getattr(getattr(manifest, "reading_list", None), "file", None)
    for extra in (manifest.hyphenation, reading_list):
        if extra is not None and Path(extra).as_posix() not in names:
            names.append(Path(extra).as_posix())
    for name in names:
        path = manifest.root / name
        if not (path.exists() or path.is_symlink()):
            continue
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):  # a loop of symbolic links (RuntimeError in 3.11)
            resolved = None
        if resolved is None or not resolved.is_relative_to(root):
            where = "outside the project folder (through a symbolic link)"
        elif resolved.is_relative_to(root / "build"):
            where = "into the build folder"
        else:
            continue
        report.error("M009", f"'{name}' points {where}", Span(name),
                     "copy the file into the project instead of linking to it")


def _place(explicit: Span | None, path: str) -> tuple[Span, bool]:
    """Where a text's id comes from: an 'id' written somewhere, or its file name."""
    return (explicit, True) if explicit else (Span(path, 1, 1), False)


def _check_ids(book: Book, places: dict[int, tuple[Span, bool]], report: Report) -> None:
    """C008: every text needs an id of its own (it names the text's EPUB document and
    prefixes its element ids). Compared without case: EPUB readers unpack on file systems
    that do not tell 'Forsta.xhtml' from 'forsta.xhtml'."""
    seen: dict[str, tuple[Chapter, str]] = {}
    for chapter in book.documents:
        span, explicit = places.get(id(chapter), _place(None, chapter.path.as_posix()))
        key = chapter.id.casefold()
        how = "its 'id'" if explicit else "its file name"
        name = chapter.path.as_posix()
        if key in RESERVED_IDS or _RESERVED_PATTERN.fullmatch(key):
            report.error("C008", f"the text '{name}' gets the id '{chapter.id}' from {how}, "
                         "a name the book uses itself", span,
                         f"give the text another id: - {{file: {name}, id: text-{chapter.id}}}"
                         " in the manifest, or 'id:' in its front matter")
            continue
        if key in seen:
            other, other_how = seen[key]
            report.error("C008", f"two texts have the id '{chapter.id}': "
                         f"{other.path.as_posix()} (from {other_how}) and {name} (from "
                         f"{how})", span,
                         f"give one of them another id: - {{file: {name}, id: ...}} in the "
                         "manifest, or 'id:' in its front matter")
            continue
        seen[key] = (chapter, f"its 'id' at {span}" if explicit else how)


def _unlisted(manifest: Manifest, report: Report) -> None:
    folder = manifest.root / "chapters"
    if not folder.is_dir():
        return
    listed = {ref.file.as_posix() for ref in manifest.chapters}
    for path in sorted(folder.glob("*.md")):
        rel = path.relative_to(manifest.root).as_posix()
        if rel not in listed:
            report.warning("M011", f"'{rel}' is not listed in the manifest and is left out",
                           Span(manifest.path.relative_to(manifest.root).as_posix(),
                                manifest.spans["chapters"].line
                                if "chapters" in manifest.spans else 1, 1),
                           f"add '- {rel}' under 'chapters:' or move the file elsewhere")
