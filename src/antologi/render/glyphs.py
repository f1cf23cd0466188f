"""Characters the book face has no glyph for, found before layout.

A missing glyph makes WeasyPrint fall back to whatever system font has it — a different
face in the middle of a line, or none at all — and the fallback search itself made layout
about ten times slower for one missing U+2011 (WeasyPrint #2811).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

from .. import model as m
from ..diagnostics import Report, Span

# Characters that are never drawn as glyphs of their own.
_INVISIBLE = frozenset("\n\t\u00ad\u200b\u200c\u200d\u2060")


@lru_cache(maxsize=8)
def _cmap(path: Path) -> frozenset[int]:
    return frozenset(TTFont(path, lazy=True).getBestCmap())


def check_glyphs(book: m.Book, fonts: tuple[Path, ...], face: str, report: Report) -> None:
    """One warning per missing character, at its first place in the Markdown."""
    covered = frozenset.intersection(*(_cmap(f) for f in fonts))
    seen: set[str] = set()
    for chapter in book.documents:
        texts: list[tuple[str, int]] = [(chapter.title, 1)]
        for block in m.walk(chapter.blocks + [b for n in chapter.footnotes
                                             for b in n.children]):
            line = getattr(block, "line", None)
            for node in m.walk(m.children_of(block)) if line else ():
                if isinstance(node, m.Text):
                    texts.append((node.text, line))
        for text, line in texts:
            for char in set(text) - seen:
                if char in _INVISIBLE or ord(char) in covered:
                    continue
                seen.add(char)
                report.warning("P006", f"the book face {face} has no glyph for "
                               f"U+{ord(char):04X} ({char!r})",
                               Span(chapter.path.as_posix(), line, 0),
                               "replace the character, or set a font that has it in "
                               "styles/print.css")
