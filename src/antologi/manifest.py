"""book/book.yaml -> Manifest: what the book is made of, every value with its place.

All problems are collected into one report before the build stops, in source order.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import lang as langmod
from .diagnostics import BookError, Report, Span, byte_position
from .options import (
    EpubOptions,
    PdfOptions,
    ReadingListOptions,
    parse_epub,
    parse_pdf,
    parse_reading_list,
)
from .yamlpos import XML_ILLEGAL, Origin, YMap, YNode, YScalar, YSeq, parse

MANIFEST_PATH = "book/book.yaml"

# Contributor roles and their MARC relator codes (id.loc.gov/vocabulary/relators).
ROLES: dict[str, str] = {
    "author": "aut",
    "editor": "edt",
    "translator": "trl",
    "interviewer": "ivr",
    "interviewee": "ive",
    "contributor": "ctb",
    "illustrator": "ill",
    "photographer": "pht",
    "author-of-introduction": "aui",
    "designer": "bkd",
}

GENERATED_FRONT = ("half-title", "title-page", "colophon", "contents")

# A text's id names its EPUB document (id.xhtml) and is the prefix of its element ids.
ID_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
GENERATED_BACK = ("notes", "reading-list")


@dataclass(frozen=True)
class Creator:
    name: str
    role: str  # a key of ROLES
    span: Span

    @property
    def marc(self) -> str:
        return ROLES[self.role]


@dataclass(frozen=True)
class Part:
    """One item of front or back matter: a generated page or a Markdown file."""

    kind: str  # 'half-title', 'title-page', 'colophon', 'contents', or 'markdown'
    span: Span
    file: Path | None = None  # project-relative, for 'markdown'
    title: str | None = None  # overrides the file's own title


@dataclass(frozen=True)
class ChapterRef:
    file: Path  # project-relative
    span: Span
    id: str | None = None
    id_span: Span | None = None  # where the id is written, for C008


@dataclass(frozen=True)
class TypographyOptions:
    nb_inner_quotes: str = "‘’"
    """Inner quotation marks for Norwegian; '“”' is the accepted alternative."""
    hyphenate_min_word: int = 6
    hyphenate_left: int = 2
    hyphenate_right: int = 3


@dataclass(frozen=True)
class Manifest:
    root: Path
    path: Path
    title: str
    language: str
    identifier: str
    subtitle: str | None = None
    creators: tuple[Creator, ...] = ()
    publisher: str | None = None
    date: str | None = None
    rights: str | None = None
    edition: str | None = None
    front_matter: tuple[Part, ...] = ()
    chapters: tuple[ChapterRef, ...] = ()
    back_matter: tuple[Part, ...] = ()
    hyphenation: Path | None = None
    epub: EpubOptions = field(default_factory=EpubOptions)
    pdf: PdfOptions = field(default_factory=PdfOptions)
    typography: TypographyOptions = field(default_factory=TypographyOptions)
    reading_list: ReadingListOptions = field(default_factory=ReadingListOptions)
    spans: dict[str, Span] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return slugify(self.title)


def slugify(text: str) -> str:
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "æ": "ae", "ø": "o", "é": "e",
                           "ü": "u", "š": "s", "ž": "z"})
    text = text.lower().translate(table)
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:60].strip("-") or "book"


_TOP_KEYS = ("title", "subtitle", "language", "creators", "publisher", "date", "identifier",
             "rights", "edition", "front_matter", "chapters", "back_matter", "hyphenation",
             "epub", "pdf", "typography", "reading_list")
_TYPO_KEYS = ("nb_inner_quotes", "hyphenate_min_word", "hyphenate_left", "hyphenate_right")
_ISBN = re.compile(r"^(?:ISBN[ :]?)?([0-9][0-9 -]{11,16}[0-9Xx])$")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


class Reader:
    """Typed access to YAML nodes; every wrong type or value becomes a diagnostic."""

    def __init__(self, report: Report) -> None:
        self.report = report

    def mapping(self, node: YNode | None, what: str, allowed: tuple[str, ...],
                span: Span) -> dict[str, tuple[YScalar, YNode]]:
        if node is None:
            return {}
        if not isinstance(node, YMap):
            self.report.error("M006", f"{what} must be a mapping of keys to values", node.span)
            return {}
        for key, (key_node, _) in node.entries.items():
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = (f"did you mean '{close[0]}'?" if close
                        else f"expected one of: {', '.join(allowed)}")
                self.report.error("M003", f"unknown key '{key}' in {what}", key_node.span, hint)
        return {k: v for k, v in node.entries.items() if k in allowed}

    def string(self, node: YNode, what: str) -> str | None:
        if isinstance(node, YScalar):
            if (node.plain and node.value in ("~", "null", "Null", "NULL")) \
                    or not node.value.strip():
                # A blank title or name would give an empty dc:title or heading, which
                # EPUBCheck rejects.
                self.report.error("M006", f"{what} is empty", node.span)
                return None
            return node.value
        self.report.error("M006", f"{what} must be text, not a "
                          f"{'list' if isinstance(node, YSeq) else 'mapping'}", node.span,
                          "quote the value if it contains ': ' or starts with '[' or '{'")
        return None

    def boolean(self, node: YNode, what: str) -> bool | None:
        if isinstance(node, YScalar) and node.plain and node.value in ("true", "false"):
            return node.value == "true"
        self.report.error("M006", f"{what} must be true or false", node.span,
                          "write true or false (yes/no/on/off are not booleans here)")
        return None

    def integer(self, node: YNode, what: str, low: int, high: int) -> int | None:
        if isinstance(node, YScalar) and node.plain and re.fullmatch(r"\d+", node.value):
            value = int(node.value)
            if low <= value <= high:
                return value
        self.report.error("M006", f"{what} must be a whole number from {low} to {high}",
                          node.span)
        return None

    def sequence(self, node: YNode, what: str) -> list[YNode]:
        if isinstance(node, YSeq):
            return node.items
        self.report.error("M006", f"{what} must be a list", node.span,
                          "write one item a line, each starting with '- '")
        return []


def load_manifest(root: Path, report: Report) -> Manifest:
    """Read and check book/book.yaml under root; raise BookError with every problem found.
    Warnings stay in the report for the caller."""
    path = root / MANIFEST_PATH
    if not path.is_file():
        report.error("M010", f"no manifest: {MANIFEST_PATH} does not exist in {root}",
                     Span(MANIFEST_PATH),
                     "run the command in the book's folder, or pass that folder")
        raise BookError(report)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = byte_position(path.read_bytes(), exc.start)
        report.error("M001", f"the manifest is not UTF-8 (byte {exc.start})",
                     Span(MANIFEST_PATH, line, col), "save the file as UTF-8")
        raise BookError(report) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _without_control_characters(text, report)
    origin = Origin(MANIFEST_PATH, report=report)
    node = parse(text, origin, "M001", "M002")
    if report.errors and node is None:
        raise BookError(report)
    manifest = _build(root, path, node, report)
    if report.errors or manifest is None:
        raise BookError(report)
    return manifest


def _without_control_characters(text: str, report: Report) -> str:
    """Remove what XML forbids, with a warning, as for chapters (C007): PyYAML would stop
    at the first one, and a value that kept one would make the XHTML ill-formed."""
    bad = XML_ILLEGAL.search(text)
    if bad is None:
        return text
    line = text.count("\n", 0, bad.start()) + 1
    col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
    count = len(XML_ILLEGAL.findall(text))
    report.warning("M013", f"{count} control character(s) removed (first: "
                   f"U+{ord(bad.group()):04X})", Span(MANIFEST_PATH, line, col),
                   "they are invisible in most editors and not allowed in XHTML")
    return XML_ILLEGAL.sub("", text)


def _build(root: Path, path: Path, node: YNode | None, report: Report) -> Manifest | None:
    r = Reader(report)
    top_span = Span(MANIFEST_PATH, 1, 1)
    if node is not None and not isinstance(node, YMap):
        report.error("M006", "the manifest must be a mapping of keys (title, language, ...)",
                     node.span)
        return None
    entries = r.mapping(node, "the manifest", _TOP_KEYS, top_span)
    spans = {k: v[1].span for k, v in entries.items()}
    values: dict[str, object] = {}

    for key in ("title", "subtitle", "publisher", "rights", "edition"):
        if key in entries:
            values[key] = r.string(entries[key][1], f"'{key}'")

    for key in ("title", "language", "identifier"):
        if key not in entries:
            report.error("M005", f"the manifest has no '{key}'", top_span,
                         _REQUIRED_HINTS[key])

    if "language" in entries:
        values["language"] = _language(r, entries["language"][1])
    if "identifier" in entries:
        values["identifier"] = _identifier(r, entries["identifier"][1])
    if "date" in entries:
        date = r.string(entries["date"][1], "'date'")
        if date is not None and not _DATE.match(date):
            report.error("M007", f"date '{date}' is not YYYY, YYYY-MM or YYYY-MM-DD",
                         entries["date"][1].span)
        values["date"] = date
    if "creators" in entries:
        values["creators"] = tuple(_creators(r, entries["creators"][1]))

    files_seen: dict[Path, Span] = {}
    if "front_matter" in entries:
        values["front_matter"] = tuple(_parts(r, root, entries["front_matter"][1],
                                              "front_matter", GENERATED_FRONT, files_seen))
    if "chapters" in entries:
        values["chapters"] = tuple(_chapters(r, root, entries["chapters"][1], files_seen))
    else:
        report.error("M005", "the manifest has no 'chapters'", top_span,
                     "list the chapter files in reading order under 'chapters:'")
    if "back_matter" in entries:
        values["back_matter"] = tuple(_parts(r, root, entries["back_matter"][1],
                                             "back_matter", GENERATED_BACK, files_seen))
    if "hyphenation" in entries:
        hnode = entries["hyphenation"][1]
        rel_path = _project_file(r, root, hnode, "'hyphenation'")
        values["hyphenation"] = rel_path
    elif (root / "book" / "hyphenation.txt").is_file():
        values["hyphenation"] = Path("book/hyphenation.txt")

    if "epub" in entries:
        values["epub"] = parse_epub(r, entries["epub"][1])
        _check_cover(root, values["epub"], entries["epub"][1], report)
    if "pdf" in entries:
        values["pdf"] = parse_pdf(r, entries["pdf"][1])
    if "typography" in entries:
        values["typography"] = _typography(r, entries["typography"][1])
    if "reading_list" in entries:
        values["reading_list"] = parse_reading_list(r, entries["reading_list"][1])

    if report.errors:
        return None
    return Manifest(root=root, path=path, spans=spans,
                    **{k: v for k, v in values.items() if v is not None})  # type: ignore[arg-type]


def _check_cover(root: Path, options: object, node: YNode, report: Report) -> None:
    """The cover is an image of the book like the others: inside the project after
    symbolic links are resolved, a real image, within the limits (assets.check_image).
    Without this a link named cover.png could carry any file of the machine into the EPUB."""
    cover = getattr(options, "cover", None)
    if not cover or cover == "none" or not isinstance(node, YMap) or "cover" not in node.entries:
        return
    from .assets import check_image  # not at the top: assets -> model -> manifest

    check_image(root, cover, "cover", node.entries["cover"][1].span, report)


_REQUIRED_HINTS = {
    "title": "add a line like: title: Bakom galler",
    "language": "add the book's main language as a BCP 47 tag, e.g. language: sv",
    "identifier": "add an ISBN (identifier: 978-91-...) or a URN (identifier: urn:uuid:...)",
}


def _language(r: Reader, node: YNode) -> str | None:
    value = r.string(node, "'language'")
    if value is None:
        return None
    return check_language(value, node.span, r.report)


def check_language(value: str, span: Span, report: Report) -> str | None:
    """Validate and normalise a language tag; shared by the manifest and chapters."""
    if not langmod.is_valid_tag(value):
        report.error("T001", f"'{value}' is not a valid BCP 47 language tag", span,
                     "use a tag like sv, nb, nn, en or ru")
        return None
    tag, was_no = langmod.normalize_tag(value)
    if was_no:
        report.warning("T002", f"language 'no' is read as '{tag}' (Norwegian Bokmål)", span,
                       "write nb (Bokmål) or nn (Nynorsk): there is no hyphenation "
                       "dictionary for 'no'")
    return tag


def _identifier(r: Reader, node: YNode) -> str | None:
    value = r.string(node, "'identifier'")
    if value is None:
        return None
    if value.lower().startswith("urn:"):
        return value
    m = _ISBN.match(value.strip())
    if m:
        digits = m.group(1).replace("-", "").replace(" ", "").upper()
        if len(digits) == 13 and digits.isdigit():
            total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
            if total % 10 == 0:
                return f"urn:isbn:{digits}"
            r.report.error("M007", f"ISBN '{value}' has a wrong check digit", node.span,
                           "copy the ISBN again from the publisher's list")
            return None
    r.report.error("M007", f"identifier '{value}' is neither an ISBN-13 nor a URN", node.span,
                   "write an ISBN-13 (978-...) or a URN such as urn:uuid:...")
    return None


def _creators(r: Reader, node: YNode) -> list[Creator]:
    out = []
    for item in r.sequence(node, "'creators'"):
        fields = r.mapping(item, "a creator", ("name", "role"), item.span)
        if not isinstance(item, YMap):
            continue
        name = r.string(fields["name"][1], "a creator's name") if "name" in fields else None
        role = "author"
        if "name" not in fields:
            r.report.error("M005", "a creator has no 'name'", item.span)
        if "role" in fields:
            value = r.string(fields["role"][1], "a creator's role")
            if value is not None and value not in ROLES:
                close = difflib.get_close_matches(value, list(ROLES), n=1)
                r.report.error("M007", f"unknown role '{value}'", fields["role"][1].span,
                               f"did you mean '{close[0]}'?" if close
                               else f"expected one of: {', '.join(ROLES)}")
            elif value is not None:
                role = value
        if name:
            out.append(Creator(name, role, item.span))
    return out


def _project_file(r: Reader, root: Path, node: YNode, what: str) -> Path | None:
    """A path inside the project that must exist; returns it relative to root."""
    value = r.string(node, what)
    if value is None:
        return None
    candidate = Path(value)
    if candidate.is_absolute() or value.startswith("~") or ".." in candidate.parts:
        r.report.error("M009", f"{what} path '{value}' leaves the project folder", node.span,
                       "give a path relative to the project folder, e.g. chapters/01.md")
        return None
    full = root / candidate
    try:
        resolved = full.resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links (RuntimeError in 3.11)
        r.report.error("M009", f"{what} path '{value}' cannot be resolved (a loop of "
                       "symbolic links?)", node.span, "replace the link by the file")
        return None
    if not resolved.is_relative_to(root.resolve()):
        r.report.error("M009", f"{what} path '{value}' points outside the project folder "
                       "(through a symbolic link)", node.span,
                       "copy the file into the project instead of linking to it")
        return None
    if resolved.is_relative_to((root / "build").resolve()):
        # The build folder holds outputs (and a killed run's leftovers), never sources.
        r.report.error("M009", f"{what} path '{value}' points into the build folder",
                       node.span, "keep sources in book/ and chapters/; build/ is for "
                       "outputs only")
        return None
    if not full.is_file():
        r.report.error("M004", f"{what} file '{value}' does not exist", node.span,
                       _did_you_mean_file(root, candidate))
        return None
    return candidate


def _did_you_mean_file(root: Path, candidate: Path) -> str:
    folder = root / candidate.parent
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    close = difflib.get_close_matches(candidate.name, names, n=1, cutoff=0.5)
    if close:
        return f"did you mean '{(candidate.parent / close[0]).as_posix()}'?"
    return "check the spelling; paths are relative to the project folder"


def _note_file(r: Reader, path: Path | None, span: Span,
               seen: dict[Path, Span]) -> Path | None:
    if path is None:
        return None
    if path in seen:
        r.report.error("M008", f"'{path.as_posix()}' is listed twice (first at line "
                       f"{seen[path].line})", span, "each file may appear once in the book")
        return None
    seen[path] = span
    return path


def _chapters(r: Reader, root: Path, node: YNode,
              seen: dict[Path, Span]) -> list[ChapterRef]:
    out = []
    for item in r.sequence(node, "'chapters'"):
        chapter_id = None
        id_span = None
        file_node: YNode | None = item
        if isinstance(item, YMap):
            fields = r.mapping(item, "a chapter", ("file", "id"), item.span)
            file_node = fields.get("file", (None, None))[1]
            if file_node is None:
                r.report.error("M005", "a chapter entry has no 'file'", item.span)
                continue
            if "id" in fields:
                chapter_id = r.string(fields["id"][1], "a chapter's id")
                id_span = fields["id"][1].span
                if chapter_id and not ID_PATTERN.fullmatch(chapter_id):
                    r.report.error("M007", f"chapter id '{chapter_id}' is not a valid id",
                                   fields["id"][1].span,
                                   "start with a letter; use letters, digits, '-' and '_'")
                    chapter_id = None
        assert file_node is not None
        rel_path = _note_file(r, _project_file(r, root, file_node, "chapter"),
                              file_node.span, seen)
        if rel_path is not None:
            out.append(ChapterRef(rel_path, file_node.span, chapter_id,
                                  id_span if chapter_id else None))
    return out


def _parts(r: Reader, root: Path, node: YNode, what: str, generated: tuple[str, ...],
           seen: dict[Path, Span]) -> list[Part]:
    out = []
    for item in r.sequence(node, f"'{what}'"):
        if isinstance(item, YScalar):
            if item.value in generated:
                out.append(Part(item.value, item.span))
                continue
            if item.value.endswith(".md"):
                rel_path = _note_file(r, _project_file(r, root, item, f"{what}"), item.span,
                                      seen)
                if rel_path:
                    out.append(Part("markdown", item.span, rel_path))
                continue
            close = difflib.get_close_matches(item.value, generated, n=1)
            r.report.error("M007", f"'{item.value}' is not a part of {what}", item.span,
                           f"did you mean '{close[0]}'?" if close else
                           f"use one of {', '.join(generated)} or a Markdown file (*.md)")
            continue
        fields = r.mapping(item, f"an item of {what}", ("file", "title"), item.span)
        if not isinstance(item, YMap):
            continue
        if "file" not in fields:
            r.report.error("M005", f"an item of {what} has no 'file'", item.span)
            continue
        file_node = fields["file"][1]
        rel_path = _note_file(r, _project_file(r, root, file_node, what), file_node.span,
                              seen)
        title = r.string(fields["title"][1], "a title") if "title" in fields else None
        if rel_path:
            out.append(Part("markdown", file_node.span, rel_path, title))
    return out


def _typography(r: Reader, node: YNode) -> TypographyOptions:
    fields = r.mapping(node, "'typography'", _TYPO_KEYS, node.span)
    values: dict[str, object] = {}
    if "nb_inner_quotes" in fields:
        value_node = fields["nb_inner_quotes"][1]
        value = r.string(value_node, "'typography.nb_inner_quotes'")
        if value not in ("‘’", "“”"):
            r.report.error("M007", f"nb_inner_quotes '{value}' is not supported",
                           value_node.span, "use ‘’ (default) or “”")
        else:
            values["nb_inner_quotes"] = value
    limits = {"hyphenate_min_word": (2, 30), "hyphenate_left": (1, 10),
              "hyphenate_right": (1, 10)}
    for key, (low, high) in limits.items():
        if key in fields:
            num = r.integer(fields[key][1], f"'typography.{key}'", low, high)
            if num is not None:
                values[key] = num
    return TypographyOptions(**values)  # type: ignore[arg-type]
