"""YAML with a position for every value, and no implicit typing.

PyYAML's composer gives a node tree with marks; we convert it ourselves so that the schema,
not YAML 1.1's resolver, decides types: ``lang: no`` stays the string "no", ``1:20`` is not
a sexagesimal number and an unquoted date stays text. Duplicate keys are reported (PyYAML
silently keeps the last one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from .diagnostics import Report, Span


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
    try:
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
    except yaml.YAMLError as exc:
        origin.report.error(code_syntax, f"invalid YAML: {exc}", Span(origin.path))
        return None
    if node is None:
        return None
    return _convert(node, origin, code_dup)


def _convert(node: yaml.Node, origin: Origin, code_dup: str) -> YNode:
    span = _span(node.start_mark, origin)
    if isinstance(node, yaml.ScalarNode):
        return YScalar(str(node.value), span, plain=node.style in (None, ""))
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
