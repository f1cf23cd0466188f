"""Problems found in a book, with where they are and what to do about them.

Stages never print: they return or raise diagnostics, and the CLI prints them. Every code
is listed in ``CATALOGUE`` and documented in docs/diagnostics.md; a retired code is never
reused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Span:
    """A place in a source file; line and col are 1-based, col 0 means 'whole line'."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        if self.col <= 0:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.col}"


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of a byte offset, the column counted in characters: where
    a file stops being valid UTF-8, told as an editor shows it."""
    before = data[:offset]
    return (before.count(b"\n") + 1,
            len(before.split(b"\n")[-1].decode("utf-8", "replace")) + 1)


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    span: Span | None = None
    hint: str | None = None

    def format(self) -> str:
        where = f"{self.span}: " if self.span else ""
        text = f"{where}{self.severity.value}[{self.code}]: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


# code -> one line on what it means. Grouped by stage: M manifest, C chapter, F footnotes,
# T typography/language, I images, E EPUB, P PDF, B build environment.
CATALOGUE: dict[str, str] = {
    "M001": "the manifest is not valid YAML",
    "M002": "a key appears twice in one mapping",
    "M003": "an unknown key",
    "M004": "a chapter or other listed file does not exist",
    "M005": "a required key is missing",
    "M006": "a value has the wrong type",
    "M007": "a value is not one of the allowed ones",
    "M008": "a file is listed twice",
    "M009": "a path escapes the project folder",
    "M010": "the manifest file does not exist",
    "M011": "a Markdown file in chapters/ is not listed in the manifest",
    "M012": "a YAML alias (*name) is not allowed",
    "M013": "control characters removed from a YAML value",
    "C001": "a chapter file is not valid UTF-8",
    "C002": "a chapter's front matter is not valid YAML",
    "C003": "raw HTML in a chapter is escaped, not passed through",
    "C004": "a chapter has no title",
    "C005": "an attribute block is not understood",
    "C006": "a chapter is empty",
    "C007": "control characters removed from a chapter",
    "C008": "two texts have the same id, or an id the book uses itself",
    "C009": "a link with a scheme that is not allowed (javascript:, file:, data: …)",
    "C010": "a link to a file or place instead of a web address",
    "C011": "blocks or inlines nested deeper than the stated limit",
    "F001": "a footnote is referenced but never defined",
    "F002": "a footnote is defined but never referenced",
    "F003": "a footnote label is defined twice",
    "F004": "a footnote is called where a call cannot stand (in a note, a title, alt text)",
    "I001": "an image that is not a file of the project (remote or embedded)",
    "I002": "an image file does not exist",
    "I003": "an image path leaves the project folder or points into the build folder",
    "I004": "an image is not a readable PNG, JPEG, GIF or WebP file",
    "I005": "an image is too large (a decompression-bomb guard)",
    "I006": "an image has no alt text",
    # I1xx: antologi import (text extracted from a PDF -> a chapter)
    "I101": "an imported text is not valid UTF-8",
    "I102": "an imported text is empty",
    "I103": "a footnote's call was not found on its page",
    "I104": "a page-bottom URL's anchor could not be recovered",
    "I105": "no title found in an imported text",
    "I106": "control characters removed from an imported text",
    "I107": "the import language is not a valid BCP 47 tag",
    "I108": "no hyphenation dictionary for the import language",
    "T001": "a language tag is not valid BCP 47",
    "T002": "'no' normalised to 'nb'",
    "T003": "no hyphenation dictionary for a language",
    "T004": "a hyphenation exception line is not understood",
    "E001": "the EPUB could not be written",
    "E002": "the cover image is missing or not PNG/JPEG",
    "E003": "EPUBCheck reports a problem in the EPUB",
    "E004": "DAISY Ace reports an accessibility violation",
    "P001": "the PDF could not be written",
    "P002": "a CSS problem in a stylesheet",
    "P003": "a resource of the PDF could not be loaded",
    "P004": "a footnote does not stand on the page of its call",
    "P005": "WeasyPrint's footnote layout could not be corrected",
    "P006": "a character has no glyph in the book face",
    "P007": "the PDF fails the print preflight",
    "B001": "an output could not be written",
    "B002": "SOURCE_DATE_EPOCH is not a whole number",
    "B003": "a checker or an output to check is not available",
    "R001": "the reading list is not valid YAML or not UTF-8",
    "R002": "a key appears twice in one mapping of the reading list",
    "R003": "an unknown key in the reading list",
    "R004": "the reading list file does not exist",
    "R005": "a reading-list entry or section lacks a required key",
    "R006": "a reading-list value has the wrong type",
    "R007": "a reading-list value is not one of the allowed ones",
    "R008": "two reading-list entries have the same key",
    "R009": "a year or date in the reading list is not valid",
    "R010": "a URL or DOI in the reading list is not valid",
    "R011": "a citation names a key that is not in the reading list",
    "R012": "a citation names an entry that the reading list leaves out (unverified)",
    "R013": "works of the same authors and year are not told apart by a letter",
    "R014": "a citation's locator is empty",
    "R015": "an author–year citation in a text matches no reading-list entry",
}


@dataclass
class Report:
    """Collects the diagnostics of a build, in the order they were found."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        assert diagnostic.code in CATALOGUE, diagnostic.code
        self.items.append(diagnostic)

    def error(self, code: str, message: str, span: Span | None = None,
              hint: str | None = None) -> None:
        self.add(Diagnostic(code, Severity.ERROR, message, span, hint))

    def warning(self, code: str, message: str, span: Span | None = None,
                hint: str | None = None) -> None:
        self.add(Diagnostic(code, Severity.WARNING, message, span, hint))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for d in diagnostics:
            self.add(d)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def has_errors(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))


class BookError(Exception):
    """Raised by a stage when the book cannot go on to the next stage."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"{len(report.errors)} error(s)")
        self.report = report


def rel(path: Path, root: Path) -> str:
    """The path as a user would type it from the project folder."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# --- the table in docs/diagnostics.md ------------------------------------------------------

GROUPS: dict[str, str] = {
    "M": "Manifest (book/book.yaml; M002, M003, M006, M007, M012, M013 also in front matter)",
    "C": "Chapters (Markdown)",
    "F": "Footnotes",
    "I": "Images (I0xx) and the importer (I1xx)",
    "T": "Typography and language",
    "R": "Reading list",
    "E": "EPUB",
    "P": "PDF",
    "B": "Build environment",
}
DOC_START = "<!-- catalogue: generated from CATALOGUE by python -m antologi.diagnostics -->"
DOC_END = "<!-- end of catalogue -->"


def catalogue_markdown() -> str:
    """Every code of CATALOGUE as Markdown tables, one per stage, codes in order."""
    out: list[str] = []
    letters = list(GROUPS) + sorted({c[0] for c in CATALOGUE} - set(GROUPS))
    for letter in letters:
        codes = sorted(c for c in CATALOGUE if c.startswith(letter))
        if not codes:
            continue
        out += [f"### {GROUPS.get(letter, letter)}", "", "| code | meaning |", "|---|---|"]
        out += [f"| {code} | {_cell(CATALOGUE[code])} |" for code in codes]
        out.append("")
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def update_doc(path: Path) -> bool:
    """Rewrite the generated part of docs/diagnostics.md; True when it changed."""
    text = path.read_text("utf-8")
    head, start, rest = text.partition(DOC_START)
    _, end, tail = rest.partition(DOC_END)
    if not start or not end:
        raise ValueError(f"{path} lacks the markers {DOC_START!r} … {DOC_END!r}")
    new = f"{head}{DOC_START}\n\n{catalogue_markdown()}\n{DOC_END}{tail}"
    if new != text:
        path.write_text(new, "utf-8")
    return new != text


if __name__ == "__main__":  # python -m antologi.diagnostics [docs/diagnostics.md]
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/diagnostics.md")
    print(f"{target}: {'updated' if update_doc(target) else 'up to date'}")
