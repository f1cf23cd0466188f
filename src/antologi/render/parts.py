"""What the generated pages say: title page, colophon, contents, chapter heads.

Shared by both renderers so that the EPUB and the PDF state the same facts in the same
words; every label comes from the language table.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import lang as langmod
from .. import model as m
from ..manifest import Manifest


@dataclass(frozen=True)
class ChapterHead:
    id: str
    title: str
    subtitle: str | None
    lang: str
    byline: str  # authors, joined in the book's language
    credits: list[str]  # 'Översättning: …', 'Intervjuare: …'
    source: str | None


def chapter_head(chapter: m.Chapter, book_lang: str) -> ChapterHead:
    credits = []
    if chapter.translators:
        credits.append(langmod.label(book_lang, "translated_by",
                                     names=langmod.join_names(book_lang, chapter.translators)))
    interviewers = [c.name for c in chapter.contributors if c.role == "interviewer"]
    if interviewers:
        credits.append(langmod.label(book_lang, "interviewer",
                                     names=langmod.join_names(book_lang, interviewers)))
    return ChapterHead(chapter.id, chapter.title, chapter.subtitle, chapter.lang,
                       langmod.join_names(book_lang, chapter.authors), credits, chapter.source)


@dataclass(frozen=True)
class Colophon:
    lines: list[str]
    texts: list[tuple[str, list[str]]]  # (title, [source, translation credits]) per text


def book_authors(manifest: Manifest, chapters: list[m.Chapter]) -> list[str]:
    """Names for the title page: the manifest's authors, else every chapter author once."""
    names = [c.name for c in manifest.creators if c.role == "author"]
    if names:
        return names
    seen: list[str] = []
    for chapter in chapters:
        for name in chapter.authors:
            if name not in seen:
                seen.append(name)
    return seen


def editors(manifest: Manifest) -> list[str]:
    return [c.name for c in manifest.creators if c.role == "editor"]


def format_identifier(identifier: str) -> str:
    if identifier.startswith("urn:isbn:"):
        d = identifier.removeprefix("urn:isbn:")
        return f"ISBN {d[:3]}-{d[3:5]}-{d[5:9]}-{d[9:12]}-{d[12]}" if len(d) == 13 else d
    return identifier


def colophon(manifest: Manifest, chapters: list[m.Chapter], font: str) -> Colophon:
    tag = manifest.language
    lines = [manifest.title + (f". {manifest.subtitle}" if manifest.subtitle else "")]
    if manifest.rights:
        lines.append(manifest.rights)
    if manifest.publisher:
        lines.append(f"{langmod.label(tag, 'publisher')}: {manifest.publisher}")
    names = editors(manifest)
    if names:
        lines.append(langmod.label(tag, "editor", names=langmod.join_names(tag, names)))
    if manifest.edition:
        lines.append(manifest.edition)
    lines.append(format_identifier(manifest.identifier))
    if font:
        lines.append(langmod.label(tag, "typeface", name=font))
    texts = []
    for chapter in chapters:
        head = chapter_head(chapter, tag)
        texts.append((chapter.title, [*(p for p in [chapter.source] if p), *head.credits]))
    return Colophon(lines, texts)
