"""The manifest's output options: `epub:` and `pdf:` blocks, with their checks.

Kept apart from manifest.py because they grow with the renderers: every option is declared
once here, with its default and what it is for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .manifest import Reader
    from .yamlpos import YNode

_LENGTH = re.compile(r"^(\d+(?:\.\d+)?)(mm|cm|in|pt)$")
_TO_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}

# Trim sizes by name: a Nordic trade format by default, the usual alternatives.
TRIM_PRESETS: dict[str, tuple[str, str]] = {
    "130x200mm": ("130mm", "200mm"),
    "a5": ("148mm", "210mm"),
    "6x9in": ("6in", "9in"),
    "125x190mm": ("125mm", "190mm"),
    "140x220mm": ("140mm", "220mm"),
}
MARKS = ("none", "crop", "cross", "crop cross")
VARIANTS = ("pdf/ua-1", "pdf/a-3b", "pdf/a-2b", "pdf/x-4", "none")
LONG_NOTES = ("warn", "endnotes")


def to_mm(length: str) -> float:
    match = _LENGTH.match(length)
    assert match, length
    return float(match.group(1)) * _TO_MM[match.group(2)]


@dataclass(frozen=True)
class Margins:
    """Mirrored margins: inner is the gutter side (left on a recto page)."""

    top: str = "17mm"
    bottom: str = "21mm"
    inner: str = "19mm"
    outer: str = "15mm"


@dataclass(frozen=True)
class EpubOptions:
    soft_hyphens: bool = False
    """Write soft hyphens into the EPUB. Off by default: they break dictionary look-up on
    some readers, and `hyphens: auto` with a correct lang serves most of them."""
    cover: str | None = None
    """A PNG or JPEG inside the project; unset: a typographic cover is made from the
    manifest; 'none': no cover."""


@dataclass(frozen=True)
class PdfOptions:
    trim: tuple[str, str] = ("130mm", "200mm")
    """Trim size (width, height): a common Nordic trade format by default."""
    margins: Margins = field(default_factory=Margins)
    font_size: str = "10.5pt"
    line_height: str = "1.35"
    bleed: str = "0mm"
    """Bleed beyond the trim on every side; printers usually ask for 3mm."""
    marks: str = "none"
    """Printer's marks outside the trim: crop, cross or both."""
    variant: str = "pdf/ua-1"
    """Tagged, accessible PDF by default; PDF/A or PDF/X where the printer wants it."""
    long_notes: str = "warn"
    """A footnote too tall for the page of its call: warn, or send it to the chapter's end."""


@dataclass(frozen=True)
class ReadingListOptions:
    file: str = "book/reading-list.yaml"
    """The reading list's data (see docs/reading-list.md)."""
    include_unverified: bool = False
    """Print entries whose status is 'unverified' too (left out by default)."""


_READING_LIST_KEYS = ("file", "include_unverified")
_EPUB_KEYS = ("soft_hyphens", "cover")
_PDF_KEYS = ("trim", "margins", "font_size", "line_height", "bleed", "marks", "variant",
             "long_notes")
_MARGIN_KEYS = ("top", "bottom", "inner", "outer")


def parse_epub(r: Reader, node: YNode) -> EpubOptions:
    fields = r.mapping(node, "'epub'", _EPUB_KEYS, node.span)
    soft = fields.get("soft_hyphens")
    value = r.boolean(soft[1], "'epub.soft_hyphens'") if soft else None
    cover = r.string(fields["cover"][1], "'epub.cover'") if "cover" in fields else None
    return EpubOptions(soft_hyphens=bool(value), cover=cover)


def _length(r: Reader, node: YNode, what: str) -> str | None:
    value = r.string(node, what)
    if value is None:
        return None
    if not _LENGTH.match(value):
        r.report.error("M007", f"{what} '{value}' is not a length", node.span,
                       "write a number with a unit: 130mm, 6in, 10.5pt")
        return None
    return value


def _choice(r: Reader, node: YNode, what: str, allowed: tuple[str, ...]) -> str | None:
    value = r.string(node, what)
    if value is not None and value not in allowed:
        r.report.error("M007", f"{what} '{value}' is not one of: {', '.join(allowed)}",
                       node.span)
        return None
    return value


def _trim(r: Reader, node: YNode) -> tuple[str, str] | None:
    value = r.string(node, "'pdf.trim'")
    if value is None:
        return None
    key = value.lower().replace(" ", "").replace("×", "x")
    if key in TRIM_PRESETS:
        return TRIM_PRESETS[key]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)(mm|cm|in)", key)
    if match:
        return f"{match.group(1)}{match.group(3)}", f"{match.group(2)}{match.group(3)}"
    r.report.error("M007", f"pdf.trim '{value}' is not a trim size", node.span,
                   f"write WIDTHxHEIGHT with a unit (130x200mm, 6x9in) or one of: "
                   f"{', '.join(TRIM_PRESETS)}")
    return None


def parse_pdf(r: Reader, node: YNode) -> PdfOptions:
    fields = r.mapping(node, "'pdf'", _PDF_KEYS, node.span)
    values: dict[str, object] = {}
    for key, (_, value_node) in fields.items():
        what = f"'pdf.{key}'"
        value: object = None
        if key == "trim":
            value = _trim(r, value_node)
        elif key == "margins":
            sub = r.mapping(value_node, what, _MARGIN_KEYS, value_node.span)
            margins = {k: _length(r, v, f"'pdf.margins.{k}'") for k, (_, v) in sub.items()}
            value = Margins(**{k: v for k, v in margins.items() if v})
        elif key in ("font_size", "bleed"):
            value = _length(r, value_node, what)
        elif key == "line_height":
            text = r.string(value_node, what)
            if text is not None and not re.fullmatch(r"\d+(?:\.\d+)?", text):
                r.report.error("M007", f"pdf.line_height '{text}' must be a number like 1.35",
                               value_node.span)
            else:
                value = text
        elif key == "marks":
            value = _choice(r, value_node, what, MARKS)
        elif key == "variant":
            value = _choice(r, value_node, what, VARIANTS)
        elif key == "long_notes":
            value = _choice(r, value_node, what, LONG_NOTES)
        if value is not None:
            values[key] = value
    return PdfOptions(**values)  # type: ignore[arg-type]


def parse_reading_list(r: Reader, node: YNode) -> ReadingListOptions:
    fields = r.mapping(node, "'reading_list'", _READING_LIST_KEYS, node.span)
    values: dict[str, object] = {}
    if "file" in fields:
        value = r.string(fields["file"][1], "'reading_list.file'")
        if value is not None:
            values["file"] = value
    if "include_unverified" in fields:
        flag = r.boolean(fields["include_unverified"][1], "'reading_list.include_unverified'")
        if flag is not None:
            values["include_unverified"] = flag
    return ReadingListOptions(**values)  # type: ignore[arg-type]
