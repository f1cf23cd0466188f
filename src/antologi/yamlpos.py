"""YAML with a position for every value, and no implicit typing.

PyYAML's composer gives a node tree with marks; we convert it ourselves so that the schema,
not YAML 1.1's resolver, decides types: ``lang: no`` stays the string "no", ``1:20`` is not
a sexagesimal number and an unquoted date stays text. Duplicate keys are reported (PyYAML
silently keeps the last one).

Hostile input is refused before the tree is built (issue 7): aliases (a "billion laughs"
document expands exponentially, a recursive one never ends), nesting deeper than
``MAX_DEPTH`` (PyYAML's composer recurses and would overflow the stack), and values with
characters XML 1.0 forbids are cleaned with a warning (a double-quoted "\\a" or "\\ud800"
would otherwise make every XHTML document ill-formed).

libyaml (PyYAML's C parser) reads a document about fifteen times faster than PyYAML's own
Python parser. The two agree on values and positions for the documents a book has, but not
everywhere (tabs, byte order marks, other line breaks, escapes, tags, empty values, block
scalars, '?' inside brackets). So libyaml reads a document only when it has none of those,
and nothing libyaml says is reported: on any doubt, and for every document with an error,
the Python parser reads it again and its messages, lines and columns are the ones shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from .diagnostics import Report, Span

MAX_DEPTH = 32
"""Deepest nesting of lists and mappings accepted: a manifest needs three or four."""

_LIBYAML = yaml.CSafeLoader if yaml.__with_libyaml__ else None
# What libyaml and PyYAML read differently, or where one of them fails and the other does
# not: tabs, CR, NEL, LS, PS, byte order marks, escapes, characters PyYAML refuses.
_NOT_FOR_LIBYAML = re.compile(
    r"[\t\r\x85\u2028\u2029\ufeff\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")

# Characters XML 1.0 does not allow (C0 controls but tab and newline, lone surrogates,
# U+FFFE/U+FFFF) and DEL, which is invisible and never meant.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass
class YScalar:
    value: str
    span: Span
    plain: bool  # unquoted in the source: only plain scalars may be read as bool/int/null


@dataclass
class YSeq:
    items: list[YNode]
    span: Span


@dataclass
class YMap:
    entries: dict[str, tuple[YScalar, YNode]]  # key -> (key node, value node), source order
    span: Span


YNode = YScalar | YSeq | YMap


@dataclass
class Origin:
    """How positions in a YAML string map back to the file (front matter starts mid-file)."""

    path: str
    line_offset: int = 0
    report: Report = field(default_factory=Report)


def _span(mark: yaml.Mark | None, origin: Origin) -> Span:
    if mark is None:
        return Span(origin.path)
    return Span(origin.path, mark.line + 1 + origin.line_offset, mark.column + 1)


def parse(text: str, origin: Origin, code_syntax: str, code_dup: str) -> YNode | None:
    """Parse one YAML document; syntax errors and duplicate keys go to origin.report."""
    read, node = _compose_libyaml(text)
    if read:
        return None if node is None else _convert(node, origin, code_dup)
    try:
        if not _screen(text, origin, code_syntax):
            return None
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        context = ""
        if exc.context:
            context = f" ({exc.context}"
            if exc.context_mark is not None and exc.context_mark is not mark:
                start = _span(exc.context_mark, origin)
                context += f" that starts at line {start.line}, column {start.col}"
            context += ")"
        origin.report.error(
            code_syntax,
            f"invalid YAML: {problem}{context}",
            _span(mark, origin),
            "check indentation, and quote values that contain ': ' or start with "
            "'[', '{', '*', '&', '!', '%' or '@'",
        )
        return None
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow in a stream (C1 controls and the like): name it
        # and say where it is, as for any other syntax error.
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        origin.report.error(code_syntax, f"invalid YAML: character U+{exc.character:04X} is "
                            "not allowed", Span(origin.path, line + origin.line_offset, col),
                            "delete the invisible character (retype the line)")
        return None
    except yaml.YAMLError as exc:
        origin.report.error(code_syntax, f"invalid YAML: {exc}", Span(origin.path))
        return None
    if node is None:
        return None
    return _convert(node, origin, code_dup)


def _compose_libyaml(text: str) -> tuple[bool, yaml.Node | None]:
    """(True, the node tree libyaml reads, None for a document without content), or
    (False, None) when the Python parser must read the document: libyaml is not there, the
    text has what the two read differently, or it has an error, an alias, a tag, an anchor,
    an empty value, a block scalar, nesting deeper than MAX_DEPTH or more than one document
    (PyYAML's messages are the ones shown).

    Its event stream is checked first, iteratively: composing recurses."""
    if _LIBYAML is None or _NOT_FOR_LIBYAML.search(text):
        return False, None
    try:
        documents = 0
        flow: list[bool] = []  # per open collection: written in brackets?
        for event in yaml.parse(text, Loader=_LIBYAML):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None \
                    or getattr(event, "tag", None) is not None:
                return False, None
            if isinstance(event, yaml.ScalarEvent):
                plain = event.style in (None, "")
                if plain and not event.value:
                    return False, None  # an empty value: the two place it differently
                if event.style in ("|", ">"):
                    return False, None  # block scalars: libyaml accepts "|#", PyYAML not
                if plain and "?" in event.value and flow and flow[-1]:
                    return False, None  # PyYAML ends a plain value at '?' in brackets
            elif isinstance(event, yaml.CollectionStartEvent):
                flow.append(bool(event.flow_style))
                if len(flow) > MAX_DEPTH:
                    return False, None
            elif isinstance(event, yaml.CollectionEndEvent):
                flow.pop()
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1 or event.version is not None or event.tags:
                    return False, None
        return True, yaml.compose(text, Loader=_LIBYAML)
    except Exception:  # any problem at all: the Python parser reads it and reports it
        return False, None


def _screen(text: str, origin: Origin, code_syntax: str) -> bool:
    """Walk the event stream (iteratively, so it cannot overflow) before composing:
    refuse aliases and too deep nesting. False when the document must not be composed."""
    depth = 0
    aliases: list[yaml.AliasEvent] = []
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            aliases.append(event)
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                origin.report.error(
                    code_syntax, f"YAML nested more than {MAX_DEPTH} levels deep",
                    _span(event.start_mark, origin),
                    "a manifest or front matter needs only a few levels; check the brackets")
                return False
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    if aliases:
        more = f" (and {len(aliases) - 1} more)" if len(aliases) > 1 else ""
        origin.report.error(
            "M012", f"the alias '*{aliases[0].anchor}' is not allowed{more}",
            _span(aliases[0].start_mark, origin),
            "write the value out in full; aliases can make a small file expand without limit")
        return False
    return True


def _convert(node: yaml.Node, origin: Origin, code_dup: str) -> YNode:
    span = _span(node.start_mark, origin)
    if isinstance(node, yaml.ScalarNode):
        value = str(node.value)
        bad = XML_ILLEGAL.search(value)
        if bad:
            count = len(XML_ILLEGAL.findall(value))
            origin.report.warning(
                "M013", f"{count} control character(s) removed from a value (first: "
                f"U+{ord(bad.group()):04X})", span,
                "an escape like \\a, \\0 or \\ud800 in a double-quoted value makes a "
                "character that is not allowed in XHTML")
            value = XML_ILLEGAL.sub("", value)
        return YScalar(value, span, plain=node.style in (None, ""))
    if isinstance(node, yaml.SequenceNode):
        return YSeq([_convert(n, origin, code_dup) for n in node.value], span)
    assert isinstance(node, yaml.MappingNode)
    entries: dict[str, tuple[YScalar, YNode]] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, origin, code_dup)
        if not isinstance(key, YScalar):
            origin.report.error(code_dup, "a mapping key must be a plain name", key.span)
            continue
        if key.value in entries:
            first = entries[key.value][0].span
            origin.report.error(
                code_dup,
                f"duplicate key '{key.value}' (first defined at line {first.line})",
                key.span,
                "remove one of the two; YAML would silently keep only the last",
            )
            continue
        entries[key.value] = (key, _convert(value_node, origin, code_dup))
    return YMap(entries, span)
