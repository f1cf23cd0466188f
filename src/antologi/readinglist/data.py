"""book/reading-list.yaml -> ReadingList: entries grouped in sections, every value checked.

The file is read with yamlpos, so every value keeps its line and column and nothing is typed
by YAML's resolver (``year: 2021`` stays the text "2021" until this module checks it). All
problems go to the report in source order; the loader never raises for the content of the
file, so a build can collect the reading list's problems together with the chapters'.
"""

from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from .. import model as m
from ..diagnostics import Report, Span, byte_position
from ..manifest import check_language
from ..yamlpos import Origin, YMap, YNode, YScalar, YSeq, parse

READING_LIST_PATH = Path("book/reading-list.yaml")

ENTRY_TYPES: tuple[str, ...] = (
    "book", "chapter", "article", "newspaper", "report", "web", "video", "speech", "other",
)
"""What a work is; formatting.py has one APA 7 pattern per type."""

STATUSES: tuple[str, ...] = ("verified", "as-cited", "probable", "unverified")
"""How sure the editors are of an entry. ``as-cited`` is a work whose details come from the
citing text itself and were not checked independently; only ``unverified`` entries are left
out of the book unless asked for."""

ORDERINGS: tuple[str, ...] = ("author", "date", "as-is")

SECTION_KEYS = ("title", "lang", "ordering", "entries")
TOP_KEYS = ("title", "sections")
ENTRY_KEYS = (
    "key", "type", "authors", "editors", "translators", "title", "title_lang",
    "translated_title", "description", "container", "container_lang", "edition", "number",
    "volume", "issue", "pages", "publisher", "place", "year", "date", "original_year", "url",
    "doi", "accessed", "annotation", "status",
)
NAME_KEYS = ("family", "given", "particle")

# Types whose container (journal, newspaper, the book of a chapter) is part of the reference.
NEEDS_CONTAINER = ("chapter", "article", "newspaper")

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_YEAR = re.compile(r"^(\d{4})([a-z]?)$")
_NO_DATE = ("n.d.", "u.å.", "u.å")
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")


@dataclass(frozen=True)
class Name:
    """A person (family name, given names, particle) or, when literal, an organisation.

    The particle ("van", "von", "de") is printed before the family name, in the reference
    and in citations alike, but the name is filed under the family name itself.
    """

    family: str
    given: str = ""
    particle: str = ""
    literal: bool = False
    span: Span | None = field(default=None, compare=False)

    @property
    def cited(self) -> str:
        """The name as an author–year citation shows it: "van Dijk", "Wilhelmsen"."""
        return f"{self.particle} {self.family}" if self.particle else self.family


@dataclass(frozen=True)
class Entry:
    """One work of the reading list; the fields follow docs/reading-list.md."""

    key: str
    type: str
    span: Span
    title: str | None = None
    description: str | None = None
    """Stands in square brackets where an untitled (or not yet identified) work's title goes."""
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    translators: tuple[Name, ...] = ()
    title_lang: str | None = None
    translated_title: str | None = None
    container: str | None = None
    container_lang: str | None = None
    edition: str | None = None
    number: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    publisher: str | None = None
    place: str | None = None
    year: int | None = None  # None: no date ("u.å.")
    year_suffix: str = ""  # "a", "b" … given in the file or assigned by the loader
    month: int | None = None
    day: int | None = None
    original_year: int | None = None
    url: str | None = None
    doi: str | None = None
    accessed: datetime.date | None = None
    annotation: str | None = None
    status: str = "verified"
    section: str = ""  # the title of the section it is listed in
    spans: dict[str, Span] = field(default_factory=dict, compare=False, repr=False)

    @property
    def anchor(self) -> str:
        """A stable XML id for the entry, the same in EPUB and PDF."""
        return f"ref-{self.key}"

    @property
    def cite_names(self) -> tuple[Name, ...]:
        """Who a citation names: the authors, or the editors of an edited work (a chapter's
        editors are the book's, never the chapter's authors)."""
        return self.authors or (self.editors if self.type != "chapter" else ())

    @property
    def sort_date(self) -> tuple[int, int, int]:
        """Year, month, day; an undated work sorts after every dated one."""
        return (self.year if self.year is not None else 9999, self.month or 0, self.day or 0)


@dataclass(frozen=True)
class Section:
    title: str
    span: Span
    entries: tuple[Entry, ...] = ()
    ordering: str = "author"
    lang: str | None = None  # the language of the title and annotations, if not the book's


@dataclass(frozen=True)
class ReadingList:
    path: Path  # project-relative
    sections: tuple[Section, ...] = ()
    title: str | None = None  # overrides the language table's "reading_list" label

    @property
    def entries(self) -> list[Entry]:
        return [e for s in self.sections for e in s.entries]

    @cached_property
    def _by_key(self) -> dict[str, Entry]:
        return {e.key: e for e in self.entries}

    def get(self, key: str) -> Entry | None:
        return self._by_key.get(key)

    @property
    def keys(self) -> list[str]:
        return [e.key for e in self.entries]

    def visible(self, include_unverified: bool = False) -> ReadingList:
        """The list as the book prints it: unverified entries left out unless asked for."""
        if include_unverified:
            return self
        sections = tuple(replace(s, entries=tuple(e for e in s.entries
                                                  if e.status != "unverified"))
                         for s in self.sections)
        return replace(self, sections=sections)


# --- loading --------------------------------------------------------------------------


def load_reading_list(root: Path, rel_path: Path, report: Report) -> ReadingList:
    """Read and check the reading list at root/rel_path.

    Every problem becomes a diagnostic (R-codes, T-codes for language tags) with
    file:line:col; what could be read is returned, so the caller decides whether to stop
    (``report.has_errors()``). A missing file is an error and gives an empty list.
    """
    shown = rel_path.as_posix()
    path = root / rel_path
    if not path.is_file():
        report.error("R004", f"the reading list '{shown}' does not exist", Span(shown),
                     "create it, or remove the reading list from the manifest")
        return ReadingList(rel_path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = byte_position(data, exc.start)
        report.error("R001", f"the reading list is not UTF-8 (byte {exc.start})",
                     Span(shown, line, col), "save the file as UTF-8")
        return ReadingList(rel_path)
    # Checks run field by field; a local report lets the problems be handed on in the
    # order of the file, which is the order an editor fixes them in.
    local = Report()
    node = parse(text.replace("\r\n", "\n"), Origin(shown, report=local), "R001", "R002")
    reading_list = assign_year_suffixes(_Loader(local, shown).build(node, rel_path), local)
    report.extend(sorted(local.items, key=lambda d: (d.span.line, d.span.col) if d.span
                         else (0, 0)))
    return reading_list


class _Reader:
    """Typed access to YAML nodes; a wrong type or value becomes an R-diagnostic."""

    def __init__(self, report: Report) -> None:
        self.report = report

    def mapping(self, node: YNode, what: str,
                allowed: tuple[str, ...]) -> dict[str, tuple[YScalar, YNode]] | None:
        if not isinstance(node, YMap):
            self.report.error("R006", f"{what} must be a mapping of keys to values", node.span)
            return None
        for key, (key_node, _) in node.entries.items():
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = (f"did you mean '{close[0]}'?" if close
                        else f"expected one of: {', '.join(allowed)}")
                self.report.error("R003", f"unknown key '{key}' in {what}", key_node.span,
                                  hint)
        return {k: v for k, v in node.entries.items() if k in allowed}

    def string(self, node: YNode, what: str) -> str | None:
        if isinstance(node, YScalar):
            value = node.value.strip()
            if not value or (node.plain and value in ("~", "null", "Null", "NULL")):
                self.report.error("R006", f"{what} is empty", node.span)
                return None
            return value
        kind = "list" if isinstance(node, YSeq) else "mapping"
        self.report.error("R006", f"{what} must be text, not a {kind}", node.span,
                          "quote the value if it contains ': ' or starts with '[' or '{'")
        return None

    def sequence(self, node: YNode, what: str) -> list[YNode]:
        if isinstance(node, YSeq):
            return node.items
        self.report.error("R006", f"{what} must be a list", node.span,
                          "write one item a line, each starting with '- '")
        return []

    def choice(self, node: YNode, what: str, allowed: tuple[str, ...]) -> str | None:
        value = self.string(node, what)
        if value is None:
            return None
        if value not in allowed:
            close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.5)
            self.report.error("R007", f"unknown {what} '{value}'", node.span,
                              f"did you mean '{close[0]}'?" if close
                              else f"expected one of: {', '.join(allowed)}")
            return None
        return value


class _Loader:
    def __init__(self, report: Report, shown: str) -> None:
        self.r = _Reader(report)
        self.report = report
        self.shown = shown
        self.seen_keys: dict[str, Span] = {}

    def build(self, node: YNode | None, rel_path: Path) -> ReadingList:
        top_span = Span(self.shown, 1, 1)
        if node is None:
            if not self.report.errors:
                self.report.error("R005", "the reading list is empty", top_span,
                                  "add 'sections:' with a list of sections")
            return ReadingList(rel_path)
        fields = self.r.mapping(node, "the reading list", TOP_KEYS)
        if fields is None:
            return ReadingList(rel_path)
        title = self.r.string(fields["title"][1], "the reading list's 'title'") \
            if "title" in fields else None
        if "sections" not in fields:
            self.report.error("R005", "the reading list has no 'sections'", top_span,
                              "add 'sections:' with a list of sections, each with a "
                              "'title' and 'entries'")
            return ReadingList(rel_path, title=title)
        sections = [s for item in self.r.sequence(fields["sections"][1], "'sections'")
                    if (s := self.section(item)) is not None]
        return ReadingList(rel_path, tuple(sections), title)

    def section(self, node: YNode) -> Section | None:
        fields = self.r.mapping(node, "a section", SECTION_KEYS)
        if fields is None:
            return None
        title = self.r.string(fields["title"][1], "a section's title") \
            if "title" in fields else None
        if "title" not in fields:
            self.report.error("R005", "a section has no 'title'", node.span,
                              "add a line like: title: Nätkällor")
        ordering = "author"
        if "ordering" in fields:
            ordering = self.r.choice(fields["ordering"][1], "ordering", ORDERINGS) or "author"
        lang = self._lang(fields.get("lang"), "a section's 'lang'")
        entries: list[Entry] = []
        if "entries" in fields:
            for item in self.r.sequence(fields["entries"][1], "'entries'"):
                entry = self.entry(item, title or "")
                if entry is not None:
                    entries.append(entry)
        else:
            self.report.error("R005", f"the section '{title}' has no 'entries'", node.span)
        return Section(title or "", node.span, tuple(entries), ordering, lang)

    def _lang(self, pair: tuple[YScalar, YNode] | None, what: str) -> str | None:
        if pair is None:
            return None
        value = self.r.string(pair[1], what)
        return check_language(value, pair[1].span, self.report) if value else None

    def entry(self, node: YNode, section: str) -> Entry | None:
        fields = self.r.mapping(node, "an entry", ENTRY_KEYS)
        if fields is None:
            return None
        spans = {k: v.span for k, (_, v) in fields.items()}
        values: dict[str, object] = {}
        text = {k: self.r.string(v, f"'{k}'") for k, (_, v) in fields.items()
                if k in _TEXT_FIELDS}

        key = text.get("key")
        if "key" not in fields:
            self.report.error("R005", "an entry has no 'key'", node.span,
                              "give every entry a short unique key, e.g. key: trenin2006")
        elif key is not None and not _KEY.match(key):
            self.report.error("R007", f"the key '{key}' is not a valid key", spans["key"],
                              "start with a letter; use letters, digits, '-' and '_'")
            key = None
        elif key is not None and key in self.seen_keys:
            first = self.seen_keys[key]
            self.report.error("R008", f"the key '{key}' is used twice (first at line "
                              f"{first.line})", spans["key"],
                              "give one of the two entries another key")
            key = None
        elif key is not None:
            self.seen_keys[key] = spans["key"]
        who = f"the entry '{text['key']}'" if text.get("key") else "an entry"

        entry_type = None
        if "type" in fields:
            entry_type = self.r.choice(fields["type"][1], "type", ENTRY_TYPES)
        else:
            self.report.error("R005", f"{who} has no 'type'", node.span,
                              f"add one of: {', '.join(ENTRY_TYPES)}")

        if "title" not in fields and "description" not in fields:
            self.report.error("R005", f"{who} has no 'title'", node.span,
                              "add the title; for an untitled or unidentified work write a "
                              "'description' instead")
        if entry_type in NEEDS_CONTAINER and "container" not in fields:
            what = {"chapter": "the book the chapter is in", "article": "the journal",
                    "newspaper": "the newspaper or magazine"}[entry_type]
            self.report.error("R005", f"{who} is of type {entry_type} but has no "
                              f"'container'", node.span, f"add 'container:' with {what}")

        for k in _TEXT_FIELDS:
            if k != "key" and text.get(k) is not None:
                values[k] = text[k]
        for k in ("authors", "editors", "translators"):
            if k in fields:
                values[k] = tuple(self._names(fields[k][1], k))
        for k in ("title_lang", "container_lang"):
            if k in fields:
                values[k] = self._lang(fields[k], f"'{k}'")
        if "status" in fields:
            values["status"] = self.r.choice(fields["status"][1], "status", STATUSES) \
                or "unverified"
        self._dates(fields, values, who, node.span)
        self._links(fields, values)
        if "annotation" in fields and text.get("annotation"):
            self._check_annotation(text["annotation"] or "", spans["annotation"])

        if key is None or entry_type is None:
            return None
        return Entry(key=key, type=entry_type, span=node.span, section=section, spans=spans,
                     **values)  # type: ignore[arg-type]

    def _names(self, node: YNode, what: str) -> Iterator[Name]:
        for item in self.r.sequence(node, f"'{what}'"):
            if isinstance(item, YScalar):
                value = self.r.string(item, f"a name in '{what}'")
                if value is None:
                    continue
                if "," in value:
                    family, given = (p.strip() for p in value.split(",", 1))
                    if not family or not given:
                        self.report.error("R006", f"the name '{value}' is not "
                                          "'Family, Given'", item.span,
                                          "write 'Wilhelmsen, Julie' or 'Wilhelmsen, J.'; "
                                          "an organisation has no comma")
                        continue
                    yield Name(family, given, span=item.span)
                else:
                    yield Name(value, literal=True, span=item.span)
                continue
            fields = self.r.mapping(item, f"a name in '{what}'", NAME_KEYS)
            if fields is None:
                continue
            if "family" not in fields:
                self.report.error("R005", f"a name in '{what}' has no 'family'", item.span)
                continue
            parts = {k: self.r.string(v, f"'{k}'") or "" for k, (_, v) in fields.items()}
            yield Name(parts["family"], parts.get("given", ""), parts.get("particle", ""),
                       span=item.span)

    def _dates(self, fields: dict[str, tuple[YScalar, YNode]], values: dict[str, object],
               who: str, span: Span) -> None:
        year_from_date = None
        if "date" in fields:
            node = fields["date"][1]
            value = self.r.string(node, "'date'")
            parsed = _parse_date(value) if value else None
            if value and parsed is None:
                self.report.error("R009", f"date '{value}' is not YYYY-MM-DD or YYYY-MM",
                                  node.span, "write e.g. 2025-10-16, or 2023-04 for a month")
            elif parsed:
                year_from_date, values["month"], values["day"] = parsed
                values["year"] = year_from_date
        if "year" in fields:
            node = fields["year"][1]
            value = self.r.string(node, "'year'")
            if value is None:
                return
            match = _YEAR.match(value)
            if value in _NO_DATE:
                if year_from_date is not None:
                    self.report.error("R009", f"{who} has a date but year '{value}'",
                                      node.span, "remove 'year' or 'date'")
                values["year"] = None
            elif match is None:
                self.report.error("R009", f"year '{value}' is not a year", node.span,
                                  "write four digits (2021), with a letter for several works "
                                  "of the same authors in one year (2004a), or n.d.")
            else:
                year = int(match.group(1))
                if year_from_date is not None and year != year_from_date:
                    self.report.error("R009", f"year {year} and date "
                                      f"{_text(fields['date'][1])} disagree", node.span)
                values["year"] = year
                values["year_suffix"] = match.group(2)
        elif "date" not in fields:
            self.report.error("R005", f"{who} has no 'year'", span,
                              "add year: 2021 (or year: n.d. for an undated work)")
        if "original_year" in fields:
            node = fields["original_year"][1]
            value = self.r.string(node, "'original_year'")
            if value is not None and not re.fullmatch(r"\d{3,4}", value):
                self.report.error("R009", f"original_year '{value}' is not a year", node.span)
            elif value is not None:
                values["original_year"] = int(value)
        if "accessed" in fields:
            node = fields["accessed"][1]
            value = self.r.string(node, "'accessed'")
            parsed = _parse_date(value) if value else None
            if value and (parsed is None or parsed[2] is None):
                self.report.error("R009", f"accessed '{value}' is not YYYY-MM-DD", node.span)
            elif parsed:
                values["accessed"] = datetime.date(parsed[0], parsed[1] or 1, parsed[2] or 1)

    def _links(self, fields: dict[str, tuple[YScalar, YNode]],
               values: dict[str, object]) -> None:
        if "url" in fields:
            node = fields["url"][1]
            url = self.r.string(node, "'url'")
            if url is not None:
                parts = urlsplit(url)
                if (parts.scheme not in ("http", "https") or not parts.netloc
                        or any(c.isspace() for c in url)):
                    self.report.error("R010", f"'{url}' is not a web address", node.span,
                                      "write the whole address, starting with https://")
                else:
                    values["url"] = url
        if "doi" in fields:
            node = fields["doi"][1]
            doi = self.r.string(node, "'doi'")
            if doi is not None:
                bare = doi
                for prefix in _DOI_PREFIXES:
                    if bare.lower().startswith(prefix):
                        bare = bare[len(prefix):]
                if not _DOI.match(bare):
                    self.report.error("R010", f"'{doi}' is not a DOI", node.span,
                                      "a DOI looks like 10.23865/intpol.v79.3393")
                else:
                    values["doi"] = bare

    def _check_annotation(self, text: str, span: Span) -> None:
        for tag in re.findall(r"\]\{lang=([^}]*)\}", text):
            check_language(tag.strip(), span, self.report)


_TEXT_FIELDS = ("key", "title", "description", "translated_title", "container", "edition",
                "number", "volume", "issue", "pages", "publisher", "place", "annotation")


def _text(node: YNode) -> str:
    return node.value if isinstance(node, YScalar) else "?"


def _parse_date(value: str) -> tuple[int, int, int | None] | None:
    match = _DATE.match(value)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    day = int(match.group(3)) if match.group(3) else None
    try:
        datetime.date(year, month, day or 1)
    except ValueError:
        return None
    return year, month, day


# --- telling works of one year apart ----------------------------------------------------


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def author_group(entry: Entry) -> tuple[str, ...]:
    """The authors as APA compares them for "same authors, same year": names and initials."""
    return tuple(_fold(f"{n.particle} {n.family}, {n.given}") for n in entry.cite_names)


def assign_year_suffixes(reading_list: ReadingList, report: Report) -> ReadingList:
    """Give "2023a", "2023b" … to works of the same authors in the same year (APA 7 §9.47).

    Letters written in the file are kept. Where none are written, they are assigned in date
    order (year-only works first), then by title with the root collation, so the letters do
    not depend on the book's language. A group where only some works have letters is
    reported (R013) and left as written.
    """
    from .collation import sort_key  # collation imports this module

    groups: dict[tuple[tuple[str, ...], int | None], list[Entry]] = {}
    for entry in reading_list.entries:
        if entry.cite_names:
            groups.setdefault((author_group(entry), entry.year), []).append(entry)
    suffix: dict[str, str] = {}
    for (_, year), members in groups.items():
        if len(members) < 2:
            continue
        lettered = [e for e in members if e.year_suffix]
        if lettered and len(lettered) < len(members):
            bare = next(e for e in members if not e.year_suffix)
            report.warning("R013", f"'{bare.key}' has the same authors and year as "
                           f"'{lettered[0].key}', which has a letter", bare.spans.get(
                               "year", bare.span),
                           "give every work of these authors in that year a letter "
                           "(2004a, 2004b), or none and let them be assigned")
            continue
        if lettered:
            letters = [e.year_suffix for e in members]
            if len(set(letters)) < len(letters):
                report.warning("R013", f"two works of {year} by the same authors have the "
                               "same letter", members[-1].spans.get("year", members[-1].span))
            continue
        ordered = sorted(members, key=lambda e: (e.month or 0, e.day or 0,
                                                 sort_key(e.title or e.description or "",
                                                          "und")))
        for i, entry in enumerate(ordered):
            suffix[entry.key] = "abcdefghijklmnopqrstuvwxyz"[i % 26]
    if not suffix:
        return reading_list
    def lettered_entries(section: Section) -> tuple[Entry, ...]:
        return tuple(replace(e, year_suffix=suffix[e.key]) if e.key in suffix else e
                     for e in section.entries)

    sections = tuple(replace(s, entries=lettered_entries(s)) for s in reading_list.sections)
    return replace(reading_list, sections=sections)


# --- annotations ------------------------------------------------------------------------


_ANNOTATION = re.compile(r"\[(?P<span>[^\]]*)\]\{lang=(?P<lang>[^}\s]+)\}|\*(?P<emph>[^*]+)\*")


def annotation_inlines(text: str) -> list[m.Inline]:
    """An annotation's small markup: *title* for italics, [text]{lang=en} for a language."""
    out: list[m.Inline] = []
    pos = 0
    for match in _ANNOTATION.finditer(text):
        if match.start() > pos:
            out.append(m.Text(text[pos:match.start()]))
        if match.group("emph") is not None:
            out.append(m.Emph([m.Text(match.group("emph"))]))
        else:
            out.append(m.Span(annotation_inlines(match.group("span")), match.group("lang")))
        pos = match.end()
    if pos < len(text):
        out.append(m.Text(text[pos:]))
    return out
