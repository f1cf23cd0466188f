"""Chapter files -> model.Chapter: CommonMark, footnotes, front matter and language spans.

markdown-it-py does the parsing (raw HTML off: it is escaped, never passed through); this
module turns its token stream into the typed tree of model.py and reports what is wrong
with file:line:col.

Hostile input gets an error, never a crash and never silent loss (issue 7):
- nesting: markdown-it's commonmark preset stops parsing at 20 levels (maxNesting) and
  silently drops what is deeper. We raise that ceiling to PARSER_NESTING and report
  anything deeper than the stated limits (MAX_BLOCK_DEPTH, MAX_INLINE_DEPTH) as C011, so
  content is never dropped unseen. Emphasis is not bounded by maxNesting at all
  (``*`` × 25 000 around a word nests 12 500 levels): deeper inlines are flattened after
  the error, so no later stage recurses that deep.
- links: markdown-it's validateLink silently turns ``[x](javascript:…)`` into plain text;
  we accept every link in the parser and report the schemes we do not allow (C009) and
  links to files or places, which would dangle in the EPUB (C010).
- images: checked against the project folder by assets.check_image (I001–I006).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from . import lang as langmod
from . import model as m
from .assets import check_image
from .diagnostics import Diagnostic, Report, Severity, Span, byte_position
from .manifest import ID_PATTERN, ROLES, Creator, Reader, check_language
from .yamlpos import Origin, YMap, YScalar, parse

FRONT_MATTER_KEYS = ("title", "subtitle", "authors", "translators", "contributors", "lang",
                     "source", "id")

# XML 1.0 forbids these; they make XHTML ill-formed (U+FFFE/U+FFFF are noncharacters).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_RAW_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
# Neither pattern may cross an opening bracket: on '[^[^[^…' or ']{]{]{…' without a closing
# one, every start would scan to the end of the text (quadratic time on 50 000 of them).
_STRAY_ATTRS = re.compile(r"\](\{[^{}\n]*\})")
_UNDEFINED_REF = re.compile(r"\[\^([^\]\[\s]+)\]")
_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
_CONTAINER_ATTRS = re.compile(r"^\{\s*lang\s*=\s*(\"?)([^\s\"}]+)\1\s*\}$")

MAX_BLOCK_DEPTH = 16
"""Block quotes, list items and language passages may nest this deep."""
MAX_INLINE_DEPTH = 16
"""Emphasis, strong emphasis, links and language spans may nest this deep."""
PARSER_NESTING = 64
"""markdown-it's maxNesting for blocks: above what the limits allow (a list level costs it
two), so whatever it would drop is always deeper than a limit, and so reported."""
INLINE_PARSER_NESTING = 20
"""markdown-it's maxNesting while it parses inlines (its own default). Past it, markup is
kept as literal text, not dropped, and it is past MAX_INLINE_DEPTH anyway; a higher value
only makes bracket soup slower (link labels are re-scanned per level: 50 000 '[^' took
10 s at 64, 2 s at 20)."""

MAX_SAME = 20
"""At most this many diagnostics of one code per text, then one line saying there are more:
a pasted-in mess gives a report one can read, and the place of a problem is not looked up
50 000 times (which made such a text take minutes)."""

LINK_SCHEMES = ("http", "https", "mailto")
"""The only schemes a link may have: javascript:, vbscript:, data: and file: links run code
or reach into the reader's machine; other schemes mean nothing in a book."""

_BLOCK_NESTING = {"blockquote_open": 1, "blockquote_close": -1, "list_item_open": 1,
                  "list_item_close": -1, "container_lang_open": 1, "container_lang_close": -1}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "maxNesting": PARSER_NESTING})
    # Every link reaches the tree, where it is checked and reported (C009), instead of
    # being left as text without a word (markdown-it's default validateLink).
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    # One option serves both of markdown-it's parsers: set it per stage.
    md.core.ruler.before("block", "antologi_block_nesting",
                         lambda state: _set_nesting(state, PARSER_NESTING))
    md.core.ruler.before("inline", "antologi_inline_nesting",
                         lambda state: _set_nesting(state, INLINE_PARSER_NESTING))
    md.use(front_matter_plugin).use(footnote_plugin)
    md.use(attrs_plugin, spans=True, allowed=["lang"])
    md.use(container_plugin, name="lang",
           validate=lambda params, *_: params.strip().startswith("{"))
    return md


def _set_nesting(state: object, value: int) -> None:
    state.md.options["maxNesting"] = value  # type: ignore[attr-defined]


class _Gate:
    """Counts the diagnostics of one text per code, for MAX_SAME."""

    def __init__(self, report: Report, name: str) -> None:
        self.report = report
        self.name = name
        self.counts: dict[str, int] = {}

    def allow(self, code: str, severity: Severity = Severity.ERROR) -> bool:
        count = self.counts.get(code, 0) + 1
        self.counts[code] = count
        if count == MAX_SAME + 1:
            self.report.add(Diagnostic(code, severity, f"more problems like these ({code}) in "
                                       "this text are not shown", Span(self.name)))
        return count <= MAX_SAME


@dataclass
class Source:
    """A decoded Markdown file: its text and where it is."""

    path: Path  # project-relative
    text: str

    @cached_property
    def lines(self) -> list[str]:  # cached: every diagnostic's position looks lines up
        return self.text.split("\n")

    def find_after(self, needle: str, start: Span) -> Span:
        """The first place of needle after start (on its line or a later one)."""
        for number in range(max(start.line, 1), len(self.lines) + 1):
            offset = start.col if number == start.line else 0
            col = self.lines[number - 1].find(needle, offset)
            if col >= 0:
                return Span(self.path.as_posix(), number, col + 1)
        return start

    def find(self, needle: str, first_line: int, last_line: int) -> Span:
        """The first place of needle within lines [first_line, last_line] (1-based)."""
        lines = self.lines
        for number in range(max(first_line, 1), min(last_line, len(lines)) + 1):
            col = lines[number - 1].find(needle)
            if col >= 0:
                return Span(self.path.as_posix(), number, col + 1)
        return Span(self.path.as_posix(), first_line, 0)


def read_source(root: Path, rel_path: Path, report: Report) -> Source | None:
    """Decode a Markdown file: UTF-8 (BOM stripped), LF line ends, no control characters."""
    name = rel_path.as_posix()
    data = (root / rel_path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = byte_position(data, exc.start)
        report.error("C001", f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset "
                     f"{exc.start}", Span(name, line, col),
                     "save the file as UTF-8 (in most editors: 'Save with encoding')")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        count = len(_CONTROL.findall(text))
        report.warning("C007", f"{count} control character(s) removed (first: "
                       f"U+{ord(bad.group()):04X})", Span(name, line, col),
                       "they are invisible in most editors and not allowed in XHTML")
        text = _CONTROL.sub("", text)
    return Source(rel_path, unicodedata.normalize("NFC", text))


def parse_chapter(root: Path, rel_path: Path, book_lang: str, report: Report,
                  kind: str = "chapter", chapter_id: str | None = None,
                  title: str | None = None,
                  spans: dict[str, Span] | None = None) -> m.Chapter | None:
    """Parse one Markdown text. `spans`, when given, receives the places of front-matter
    values that later checks compare across texts ('id')."""
    source = read_source(root, rel_path, report)
    if source is None:
        return None
    tokens = _parser().parse(source.text, {})
    meta: dict[str, object] = {}
    if tokens and tokens[0].type == "front_matter":
        meta = _front_matter(source, tokens[0], report, spans if spans is not None else {})
        tokens = tokens[1:]
    _check_block_depth(source, tokens, report)
    lang = meta.get("lang") or book_lang
    assert isinstance(lang, str)
    builder = _Builder(source, report, root)
    blocks, footnotes = builder.build(tokens)
    _check_footnotes(source, footnotes, builder.labels, report)
    name = rel_path.as_posix()
    chapter_title = title or meta.get("title")
    if isinstance(chapter_title, str) and not chapter_title.strip():
        chapter_title = None
    if not chapter_title:
        first = next((b for b in blocks if isinstance(b, m.Heading) and b.level == 1), None)
        if first is not None:
            blocks.remove(first)
            chapter_title = m.plain_text(first.children).strip()
            for ref in (n for n in m.walk(first.children) if isinstance(n, m.FootnoteRef)):
                # The title is set as text (heading, contents, metadata): a call in it would
                # vanish, and its note with it.
                report.error("F004", f"footnote [^{ref.label}] is called in the title",
                             source.find(f"[^{ref.label}]", first.line, first.line),
                             "call the note in the first paragraph, or give the text's source "
                             "as 'source:' in its front matter")
    if not chapter_title:
        report.error("C004", "the text has no title", Span(name, 1, 1),
                     "add front matter with 'title: ...' or start with a '# Title' line")
        chapter_title = rel_path.stem
    if not blocks:
        report.error("C006", "the text is empty", Span(name, 1, 1),
                     "write the text, or remove the file from book/book.yaml")
    return m.Chapter(
        path=rel_path,
        id=chapter_id or str(meta.get("id") or _id_from_path(rel_path)),
        title=str(chapter_title),
        lang=lang,
        blocks=blocks,
        footnotes=footnotes,
        subtitle=meta.get("subtitle"),  # type: ignore[arg-type]
        authors=meta.get("authors", []),  # type: ignore[arg-type]
        translators=meta.get("translators", []),  # type: ignore[arg-type]
        contributors=meta.get("contributors", []),  # type: ignore[arg-type]
        source=meta.get("source"),  # type: ignore[arg-type]
        kind=kind,
    )


def _id_from_path(path: Path) -> str:
    """'01-forsta.md' -> 'forsta': the ordering prefix is not part of a text's name."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", path.stem).strip("-")
    name = re.sub(r"^[0-9_-]+", "", stem)
    return name if name else f"text-{stem or 'x'}"


def _check_block_depth(source: Source, tokens: list[Token], report: Report) -> None:
    """C011 for the first block nested deeper than MAX_BLOCK_DEPTH (and so for anything
    markdown-it would have dropped past PARSER_NESTING)."""
    depth = 0
    for token in tokens:
        depth += _BLOCK_NESTING.get(token.type, 0)
        if depth > MAX_BLOCK_DEPTH:
            line = token.map[0] + 1 if token.map else 1
            text = source.lines[line - 1] if line <= len(source.lines) else ""
            col = len(text) - len(text.lstrip()) + 1
            report.error("C011", f"blocks nested more than {MAX_BLOCK_DEPTH} deep (block "
                         "quotes, list items, language passages)",
                         Span(source.path.as_posix(), line, col),
                         "flatten the structure; deeper nesting would be dropped, not shown")
            return


def _front_matter(source: Source, token: Token, report: Report,
                  spans: dict[str, Span]) -> dict[str, object]:
    name = source.path.as_posix()
    origin = Origin(name, line_offset=1, report=report)
    node = parse(token.content, origin, "C002", "M002")
    if node is None:
        return {}
    r = Reader(report)
    fields = r.mapping(node, "the front matter", FRONT_MATTER_KEYS, node.span)
    if not isinstance(node, YMap):
        return {}
    meta: dict[str, object] = {}
    for key in ("title", "subtitle", "source", "id"):
        if key in fields:
            meta[key] = r.string(fields[key][1], f"'{key}'")
    if meta.get("id") is not None:
        id_node = fields["id"][1]
        if not ID_PATTERN.fullmatch(str(meta["id"])):
            report.error("M007", f"id '{meta['id']}' is not a valid id", id_node.span,
                         "start with a letter; use letters, digits, '-' and '_'")
            meta["id"] = None
        else:
            spans["id"] = id_node.span
    if "lang" in fields:
        value = r.string(fields["lang"][1], "'lang'")
        if value is not None:
            meta["lang"] = check_language(value, fields["lang"][1].span, report)
    for key in ("authors", "translators"):
        if key in fields:
            value_node = fields[key][1]
            items = [value_node] if isinstance(value_node, YScalar) else r.sequence(
                value_node, f"'{key}'")
            meta[key] = [s for s in (r.string(i, f"a name in '{key}'") for i in items) if s]
    if "contributors" in fields:
        people = []
        for item in r.sequence(fields["contributors"][1], "'contributors'"):
            sub = r.mapping(item, "a contributor", ("name", "role"), item.span)
            person = r.string(sub["name"][1], "a name") if "name" in sub else None
            role = r.string(sub["role"][1], "a role") if "role" in sub else "contributor"
            if role not in ROLES:
                report.error("M007", f"unknown role '{role}'", item.span,
                             f"expected one of: {', '.join(ROLES)}")
            elif person:
                people.append(Creator(person, role, item.span))
        meta["contributors"] = people
    return meta


class _Builder:
    """markdown-it tokens -> model nodes."""

    def __init__(self, source: Source, report: Report, root: Path) -> None:
        self.source = source
        self.report = report
        self.root = root
        self.name = source.path.as_posix()
        self.too_deep = False  # C011 for inlines is reported once per text
        self.gate = _Gate(report, self.name)
        self.in_note = False  # inside a footnote definition
        self.note_span: Span | None = None  # where the note being built is called, if inline
        self.inline_calls: dict[str, Span] = {}  # '^ id' -> where ^[ stands

    @cached_property
    def labels(self) -> dict[str, list[int]]:
        return self.defined_labels()

    def defined_labels(self) -> dict[str, list[int]]:
        """Every footnote definition in the source: label -> lines (for F002/F003)."""
        found: dict[str, list[int]] = {}
        in_fence = False
        for number, line in enumerate(self.source.lines, 1):
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
            match = None if in_fence else _FOOTNOTE_DEF.match(line)
            if match:
                found.setdefault(match.group(1), []).append(number)
        return found

    def build(self, tokens: list[Token]) -> tuple[list[m.Block], list[m.Footnote]]:
        self.tokens = tokens
        self.pos = 0
        blocks: list[m.Block] = []
        footnotes: list[m.Footnote] = []
        while self.pos < len(tokens):
            token = tokens[self.pos]
            if token.type == "footnote_block_open":
                self.pos += 1
                footnotes.extend(self._footnotes())
                continue
            block = self._block()
            if block is not None:
                blocks.append(block)
        return blocks, footnotes

    def _line(self, token: Token) -> int:
        return token.map[0] + 1 if token.map else 0

    def _until(self, close: str) -> list[m.Block]:
        out: list[m.Block] = []
        while self.pos < len(self.tokens) and self.tokens[self.pos].type != close:
            block = self._block()
            if block is not None:
                out.append(block)
        self.pos += 1  # the close token
        return out

    def _block(self) -> m.Block | None:
        token = self.tokens[self.pos]
        self.pos += 1
        line = self._line(token)
        kind = token.type
        if kind == "paragraph_open":
            inline = self.tokens[self.pos]
            self.pos += 2  # inline, paragraph_close
            return m.Paragraph(self._inlines(inline, line), line)
        if kind == "heading_open":
            inline = self.tokens[self.pos]
            self.pos += 2
            return m.Heading(int(token.tag[1]), self._inlines(inline, line), line)
        if kind == "blockquote_open":
            return m.BlockQuote(self._until("blockquote_close"), line)
        if kind in ("bullet_list_open", "ordered_list_open"):
            items: list[m.ListItem] = []
            close = kind.replace("_open", "_close")
            first = self.pos
            while self.tokens[self.pos].type != close:
                item_token = self.tokens[self.pos]
                self.pos += 1
                children = self._until("list_item_close")
                items.append(m.ListItem(children, self._line(item_token)))
            self.pos += 1
            # markdown-it hides the paragraphs of a tight list's items
            tight = all(t.hidden for t in self.tokens[first:self.pos]
                        if t.type == "paragraph_open" and t.level == token.level + 2)
            start = int(str(token.attrs.get("start", 1)))
            return m.ListBlock(kind.startswith("ordered"), items, line, start, tight)
        if kind in ("fence", "code_block"):
            return m.CodeBlock(token.content, line, token.info.strip())
        if kind == "hr":
            return m.ThematicBreak(line)
        if kind == "container_lang_open":
            lang = self._container_lang(token, line)
            children = self._until("container_lang_close")
            if lang is None:
                return m.Div(children, "", line)
            return m.Div(children, lang, line)
        return None  # closing tokens of unknown kinds are skipped

    def _container_lang(self, token: Token, line: int) -> str | None:
        params = token.info.strip()
        match = _CONTAINER_ATTRS.match(params)
        span = Span(self.name, line, (self.source.lines[line - 1].find("{") + 1) or 0)
        if not match:
            self.report.error("C005", f"block attributes '{params}' are not understood", span,
                              "write ::: {lang=en} (only a language can be set on a block)")
            return None
        return check_language(match.group(2), span, self.report)

    def _footnotes(self) -> list[m.Footnote]:
        notes = []
        while self.tokens[self.pos].type != "footnote_block_close":
            token = self.tokens[self.pos]
            self.pos += 1
            if token.type != "footnote_open":
                continue
            label = _note_label(token)
            first = self.tokens[self.pos]
            self.in_note = True
            self.note_span = self.inline_calls.get(label)
            children = self._until("footnote_close")
            self.in_note = False
            lines = self.labels.get(label, [self._line(first)])
            notes.append(m.Footnote(label, children, lines[0]))
        self.pos += 1
        return notes

    # --- inlines -----------------------------------------------------------------------

    def _inlines(self, inline: Token, line: int) -> list[m.Inline]:
        children = inline.children or []
        end_line = inline.map[1] if inline.map else line
        stack: list[tuple[str, list[m.Inline], dict]] = [("root", [], {})]
        flattened = 0  # open tokens past MAX_INLINE_DEPTH whose wrappers are left out
        images = 0
        inline_notes = 0
        for tok in children:
            out = stack[-1][1]
            kind = tok.type
            if kind == "text":
                self._check_text(tok.content, line, end_line)
                out.append(m.Text(tok.content))
            elif kind == "softbreak":
                out.append(m.SoftBreak())
            elif kind == "hardbreak":
                out.append(m.HardBreak())
            elif kind == "code_inline":
                out.append(m.Code(tok.content))
            elif kind == "footnote_ref":
                label = _note_label(tok)
                if label.startswith("^ ") and not self.in_note:
                    inline_notes += 1
                    self.inline_calls[label] = self._nth("^[", inline_notes, line, end_line)
                if self.in_note and self.gate.allow("F004"):
                    # An aside inside an aside, a note floated inside a note: neither
                    # renderer can place it, and a note called only from notes would
                    # point back at nothing.
                    written = "^[" if label.startswith("^ ") else f"[^{label}]"
                    shown = "an inline note ^[…]" if label.startswith("^ ") else \
                        f"footnote {written}"
                    if line or self.note_span is None:
                        span = self.source.find(written, line, end_line)
                    else:  # an inline note's text has no lines of its own: after its ^[
                        span = self.source.find_after(written, self.note_span)
                    self.report.error("F004", f"{shown} is called inside a note", span,
                                      "merge the two notes, or call it from the text")
                out.append(m.FootnoteRef(label))
            elif kind == "image":
                alt = "".join(c.content for c in (tok.children or []))
                for ref in (c for c in tok.children or [] if c.type == "footnote_ref"):
                    if self.gate.allow("F004"):
                        label = str(ref.meta["label"])
                        self.report.error("F004", f"footnote [^{label}] is called in an "
                                          "image's alt text", self.source.find(
                                              f"[^{label}]", line, end_line),
                                          "call the note after the image")
                src = str(tok.attrs.get("src", ""))
                images += 1
                found = Report()  # placed only if reported: a lookup per image is O(text)
                check_image(self.root, src, alt, Span(self.name, line), found)
                if found.items:
                    span = self._nth("![", images, line, end_line)
                    for d in found.items:
                        if self.gate.allow(d.code, d.severity):
                            self.report.add(Diagnostic(d.code, d.severity, d.message, span,
                                                       d.hint))
                out.append(m.Image(src, alt, _opt(tok.attrs.get("title"))))
            elif kind.endswith("_open"):
                if len(stack) > MAX_INLINE_DEPTH:
                    flattened += 1
                    self._too_deep_inline(tok, line, end_line)
                    continue
                stack.append((kind[:-5], [], dict(tok.attrs)))
            elif kind.endswith("_close") and flattened:
                flattened -= 1
            elif kind.endswith("_close") and len(stack) > 1:
                name, kids, attrs = stack.pop()
                stack[-1][1].append(self._wrap(name, kids, attrs, line, end_line))
        while len(stack) > 1:  # an open token without its close: keep what it held
            name, kids, attrs = stack.pop()
            stack[-1][1].append(self._wrap(name, kids, attrs, line, end_line))
        return stack[0][1]

    def _nth(self, needle: str, n: int, line: int, end_line: int) -> Span:
        """Where the n-th needle of a paragraph is (images: '![')."""
        lines = self.source.lines
        seen = 0
        for number in range(max(line, 1), min(max(end_line, line), len(lines)) + 1):
            start = lines[number - 1].find(needle)
            while start >= 0:
                seen += 1
                if seen == n:
                    return Span(self.name, number, start + 1)
                start = lines[number - 1].find(needle, start + 1)
        return Span(self.name, line, 0)

    def _too_deep_inline(self, tok: Token, line: int, end_line: int) -> None:
        if self.too_deep:
            return
        self.too_deep = True
        span = self.source.find(tok.markup, line, end_line) if tok.markup else Span(
            self.name, line, 0)
        self.report.error("C011", f"inline markup nested more than {MAX_INLINE_DEPTH} deep "
                          "(emphasis, links, language spans)", span,
                          "check for runs of '*' or '_' that open more emphasis than meant")

    def _check_link(self, href: str, line: int, end_line: int) -> bool:
        """C009/C010 for a link that must not reach the book; True when it may."""
        try:
            parts = urlsplit(href)
            scheme = parts.scheme.lower()
        except ValueError:
            parts, scheme = None, ""
        if parts is not None and scheme in LINK_SCHEMES:
            return True
        if not self.gate.allow("C009" if parts is None or scheme else "C010"):
            return False
        shown = href if len(href) <= 60 else href[:57] + "…"
        span = self._find_any((unquote(href), href, "](", "<"), line, end_line)
        if parts is None or scheme:
            self.report.error("C009", f"the link '{shown}' is not allowed", span,
                              f"links may only be {', '.join(s + ':' for s in LINK_SCHEMES)}"
                              " addresses; javascript:, file: and data: links are refused")
        else:
            self.report.error("C010", f"the link '{shown}' points to a file or a place, not "
                              "a web address", span,
                              "write a full address (https://…); links to files and places "
                              "inside the book are not supported")
        return False

    def _find_any(self, needles: tuple[str, ...], line: int, end_line: int) -> Span:
        for needle in needles:
            if needle:
                span = self.source.find(needle, line, end_line)
                if span.col:
                    return span
        return Span(self.name, line, 0)

    def _wrap(self, name: str, kids: list[m.Inline], attrs: dict, line: int,
              end_line: int) -> m.Inline:
        if name == "em":
            return m.Emph(kids)
        if name == "strong":
            return m.Strong(kids)
        if name == "link":
            href = str(attrs.get("href", ""))
            if not self._check_link(href, line, end_line):
                return m.Span(kids, "")
            if any(isinstance(n, m.Link) for n in m.walk(kids)):
                # markdown-it lets an autolink stand in a link's text; XHTML does not allow
                # <a> in <a>. As CommonMark says of nested links, the inner one wins.
                return m.Span(kids, "")
            return m.Link(href, kids, _opt(attrs.get("title")))
        if name == "span":
            value = attrs.get("lang")
            if value is None:
                if self.gate.allow("C005"):
                    self.report.error("C005", "a span without a language",
                                      self.source.find("]{", line, end_line),
                                      "write [text]{lang=en}")
                return m.Span(kids, "")
            text = str(value)
            if langmod.is_valid_tag(text):
                tag, was_no = langmod.normalize_tag(text)
                if not was_no:
                    return m.Span(kids, tag)  # nothing to report: no place to look up
            if not self.gate.allow("T001"):
                return m.Span(kids, "")
            tag = check_language(text, self.source.find("]{", line, end_line), self.report)
            return m.Span(kids, tag or "")
        return m.Span(kids, "")

    def _check_text(self, text: str, line: int, end_line: int) -> None:
        allow = self.gate.allow
        for match in _UNDEFINED_REF.finditer(text):
            if not allow("F001"):
                break
            self.report.error("F001", f"footnote [^{match.group(1)}] is referenced but never "
                              "defined", self.source.find(match.group(), line, end_line),
                              f"add a line '[^{match.group(1)}]: the note' at the end of the "
                              "text")
        for match in _STRAY_ATTRS.finditer(text):
            if not allow("C005"):
                break
            self.report.error("C005", f"attributes '{match.group(1)}' are not understood",
                              self.source.find(match.group(), line, end_line),
                              "write [text]{lang=en}: a language tag, no spaces")
        for match in _RAW_HTML.finditer(text):
            if not allow("C003", Severity.WARNING):
                break
            self.report.warning("C003", f"raw HTML '{match.group()}' is shown as text",
                                self.source.find(match.group(), line, end_line),
                                "use Markdown instead (*italic*, **bold**, [text]{lang=en})")


def _note_label(token: Token) -> str:
    """The label of a footnote call or note. An inline note (``^[text]``) has none: it gets
    one with a space, which no written label can have."""
    label = token.meta.get("label")
    return str(label) if label is not None else f"^ {token.meta.get('id', 0)}"


def _opt(value: object) -> str | None:
    return str(value) if value else None


def _check_footnotes(source: Source, notes: list[m.Footnote],
                     defined: dict[str, list[int]], report: Report) -> None:
    referenced = {n.label for n in notes}
    gate = _Gate(report, source.path.as_posix())
    for label, lines in defined.items():
        if len(lines) > 1 and gate.allow("F003"):
            report.error("F003", f"footnote [^{label}] is defined twice (also at line "
                         f"{lines[0]})", source.find(f"[^{label}]:", lines[1], lines[1]),
                         "give each note its own label")
        if label not in referenced and gate.allow("F002", Severity.WARNING):
            report.warning("F002", f"footnote [^{label}] is defined but never referenced",
                           source.find(f"[^{label}]:", lines[0], lines[0]),
                           f"add [^{label}] where the note belongs, or delete the note")
