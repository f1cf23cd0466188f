"""Manifest -> Book: every Markdown text parsed, front and back matter in order."""

from __future__ import annotations

from .diagnostics import BookError, Report, Span
from .manifest import Manifest
from .markdown import parse_chapter
from .model import Book, Chapter


def load_book(manifest: Manifest, report: Report) -> Book:
    """Parse all texts; collect every problem of every file before stopping."""
    root = manifest.root
    chapters: list[Chapter] = []
    for ref in manifest.chapters:
        chapter = parse_chapter(root, ref.file, manifest.language, report,
                                chapter_id=ref.id)
        if chapter is not None:
            chapters.append(chapter)
    front = _matter(manifest, manifest.front_matter, "front", report)
    back = _matter(manifest, manifest.back_matter, "back", report)
    _unlisted(manifest, report)
    if report.errors:
        raise BookError(report)
    return Book(manifest, chapters, front, back)


def _matter(manifest: Manifest, parts: tuple, kind: str, report: Report) -> list[Chapter | str]:
    out: list[Chapter | str] = []
    for part in parts:
        if part.kind != "markdown":
            out.append(part.kind)
            continue
        text = parse_chapter(manifest.root, part.file, manifest.language, report, kind=kind,
                             title=part.title)
        if text is not None:
            out.append(text)
    return out


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
