"""Soft hyphens at every allowed break, from pyphen plus the book's exceptions file.

Our own step, not the renderer's `hyphens: auto`: WeasyPrint has no hook for an exceptions
dictionary (WeasyPrint #1945), and breaking in one place keeps the PDF and an EPUB with
soft hyphens the same. The PDF always gets soft hyphens; the EPUB only when the manifest
asks (they break dictionary look-up on some readers).
"""

from __future__ import annotations

from .. import cache
from .. import lang as langmod
from .. import model as m
from ..diagnostics import Report, Span
from ..hyphenation import (
    Exceptions,
    HyphenationSettings,
    Hyphenator,
    parse_exceptions,
)
from ._inline_walk import blocks_with_text


def load_exceptions(book: m.Book, report: Report) -> Exceptions:
    manifest = book.manifest
    if manifest.hyphenation is None:
        return Exceptions(by_lang={})
    path = manifest.root / manifest.hyphenation
    exceptions, diagnostics = parse_exceptions(path.read_text("utf-8"),
                                               manifest.hyphenation.as_posix())
    report.extend(diagnostics)
    return exceptions


def apply(book: m.Book, report: Report) -> m.Book:
    if book.target == "epub" and not book.manifest.epub.soft_hyphens:
        return book
    options = book.manifest.typography
    settings = HyphenationSettings(options.hyphenate_min_word, options.hyphenate_left,
                                   options.hyphenate_right)
    exceptions = load_exceptions(book, report)
    hyphenators: dict[str, Hyphenator] = {}  # by the tag as written
    by_lang: dict[str, Hyphenator] = {}  # by the language it stands for (sv-SE, sv: sv)
    warned: set[tuple[str, str]] = set()
    for chapter in book.documents:
        for block, _lang, pieces in blocks_with_text(chapter, headings=False):
            for piece in pieces:
                if piece.atomic or not isinstance(piece.node, m.Text):
                    continue
                tag = piece.lang
                hyphenator = hyphenators.get(tag)
                if hyphenator is None:
                    lang = langmod.normalize_tag(tag)[0]
                    if lang not in by_lang:
                        by_lang[lang] = _hyphenator(book, lang, settings, exceptions)
                    hyphenator = hyphenators[tag] = by_lang[lang]
                if not hyphenator.available:
                    key = (chapter.path.as_posix(), tag)
                    if key not in warned:
                        warned.add(key)
                        line = getattr(block, "line", 0)
                        report.warning(
                            "T003", f"no hyphenation dictionary for '{tag}' "
                            f"({langmod.language(tag).name}): this passage is not hyphenated",
                            Span(chapter.path.as_posix(), line, 0),
                            "check the language tag; dictionaries exist for sv, nb, nn, en, "
                            "ru, da and more")
                    continue
                piece.node.text = hyphenator.hyphenate(piece.node.text)
    if cache.building():
        for hyphenator in by_lang.values():
            if hyphenator.available and hyphenator.changed:
                _store(book, hyphenator.lang, settings, exceptions).save(hyphenator.used)
    return book


def _store(book: m.Book, lang: str, settings: HyphenationSettings,
           exceptions: Exceptions) -> cache.BreakStore:
    """Where a build keeps the breaks of the words of one language (cache.BreakStore):
    under everything that decides them but the words."""
    return cache.BreakStore(book.manifest.root, "hyphenation", lang, settings,
                            exceptions.for_language(lang))


def _hyphenator(book: m.Book, tag: str, settings: HyphenationSettings,
                exceptions: Exceptions) -> Hyphenator:
    """A language's Hyphenator, with the words an earlier build met when there is one."""
    known = None
    if cache.building() and langmod.hyphenation_dictionary(tag) is not None:
        known = _store(book, tag, settings, exceptions).load()
    return Hyphenator(tag, settings, exceptions, known)
