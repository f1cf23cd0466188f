"""Decoding the extracted text into numbered lines, keeping the signals PDF extraction leaves.

Trailing whitespace, a single leading space and form feeds carry layout information in
extracted text (page starts, hard hyphens, paragraph ends), so they are recorded on each
line before the text itself is tidied: runs of spaces collapse to one, a no-break space is
kept (it was put there on purpose), control characters go.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..diagnostics import Report, Span

# Whitespace that PDF extraction produces between words: ordinary, thin, en/em spaces …
_SPACES = " \t\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_RUN = re.compile(f"[{_SPACES}\u00a0]{{2,}}")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff\ue000-\ue00f]")
WHITESPACE = _SPACES + "\u00a0\r\n\f\v"


@dataclass
class Line:
    """One line of the source with its layout signals; ``text`` is what the importer edits."""

    number: int
    """1-based line number in the source file."""
    text: str
    """The content: no leading/trailing whitespace, inner runs collapsed."""
    trailing: str = ""
    """The whitespace the line ended with (a signal for hard hyphens and paragraph ends)."""
    indent: str = ""
    """The whitespace the line started with."""
    form_feed: bool = False
    """The line contained U+000C (a page break written by the extractor)."""

    @property
    def blank(self) -> bool:
        return not self.text

    @property
    def whitespace_only(self) -> bool:
        """A line of spaces only: in some extractions an empty paragraph, not a blank line."""
        return not self.text and bool(self.indent)


def _collapse(match: re.Match[str]) -> str:
    return "\u00a0" if "\u00a0" in match.group() and " " not in match.group() else " "


def decode(data: bytes, source: str, report: Report) -> list[Line] | None:
    """The source as lines; None after reporting I001 when it is not UTF-8."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        report.error("I101", f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset "
                     f"{exc.start}", Span(source, before.count(b"\n") + 1),
                     "extract the text again as UTF-8 (pdftotext -enc UTF-8)")
        return None
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    bad = _CONTROL.search(text)
    if bad:
        report.warning("I106", f"{len(_CONTROL.findall(text))} control character(s) removed "
                       f"(first: U+{ord(bad.group()):04X})",
                       Span(source, text.count("\n", 0, bad.start()) + 1),
                       "they are invisible and not allowed in the book's XHTML")
        text = _CONTROL.sub("", text)
    if not text.strip():
        report.error("I102", "the source has no text", Span(source),
                     "check that the PDF has a text layer (scanned pages need OCR first)")
        return None
    raw_lines = text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()  # the final newline does not start a line
    lines = []
    for number, raw in enumerate(raw_lines, start=1):
        form_feed = "\f" in raw
        raw = raw.replace("\f", "")
        stripped = raw.strip(WHITESPACE)
        indent = raw[: len(raw) - len(raw.lstrip(WHITESPACE))] if stripped else raw
        trailing = raw[len(raw.rstrip(WHITESPACE)):] if stripped else ""
        lines.append(Line(number, _RUN.sub(_collapse, stripped), trailing, indent, form_feed))
    return lines
