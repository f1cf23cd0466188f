"""libyaml reads a document only where it gives what PyYAML's Python parser gives: the same
values, the same line and column for every value, the same diagnostics."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from antologi import yamlpos
from antologi.diagnostics import Report

REPO = Path(__file__).resolve().parent.parent.parent
needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")


def _parse(text: str, monkeypatch: pytest.MonkeyPatch, *, libyaml: bool) -> tuple[str, list[str]]:
    with monkeypatch.context() as patch:
        if not libyaml:
            patch.setattr(yamlpos, "_LIBYAML", None)
        report = Report()
        node = yamlpos.parse(text, yamlpos.Origin("x.yaml", 3, report), "M001", "M002")
    return repr(node), [d.format() for d in report.items]


def _documents() -> dict[str, str]:
    """Every YAML document of the repository's books: manifests, reading lists, front
    matter."""
    found: dict[str, str] = {}
    for path in [*REPO.glob("book/*.yaml"), *(REPO / "tests" / "data").rglob("*.yaml")]:
        found[path.name] = path.read_text("utf-8-sig").replace("\r\n", "\n")
    for path in [*REPO.glob("book/*.md"), *REPO.glob("chapters/*.md"),
                 *(REPO / "tests" / "data").rglob("*.md")]:
        front = re.match(r"---\n(.*?\n)---\n", path.read_text("utf-8"), re.DOTALL)
        if front:
            found[path.name] = front.group(1)
    return found


@needs_libyaml
@pytest.mark.parametrize("name", sorted(_documents()))
def test_the_books_documents_read_the_same(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _documents()[name]
    assert _parse(text, monkeypatch, libyaml=True) == _parse(text, monkeypatch, libyaml=False)


@needs_libyaml
def test_the_reading_list_is_read_by_libyaml() -> None:
    text = (REPO / "book" / "reading-list.yaml").read_text("utf-8")
    assert yamlpos._compose_libyaml(text)[0]


# Where libyaml and PyYAML disagree (positions, values, or one of them fails): these go to
# the Python parser, so the result is PyYAML's.
DISAGREEING = [
    "a:\tb\n",  # PyYAML refuses the tab, libyaml reads 'b'
    "a: |#\n  x\n",  # PyYAML refuses a comment right after '|'
    "a: >#\n  x\n",
    "a\ufeffb: c\n",  # a byte order mark inside the text moves libyaml's columns
    "a: {b: }\n",  # the empty value: one column apart
    "a: b\nc:",  # an empty value at the very end: a line apart
    "a: [x?y]\n",  # PyYAML ends the plain value at '?' inside brackets
    "a: !x b\n",
    "a: &x b\nc: *x\n",
    "a: b\r\nc: d\n",
    "a: b\x85c: d\n",
    "a: b\u2028c: d\n",
    'a: "\\ud800"\n',
    "%YAML 1.1\n---\na: b\n",
    "a: b\n---\nc: d\n",
    "a: " + "[" * 40 + "]" * 40 + "\n",
]


@needs_libyaml
@pytest.mark.parametrize("text", DISAGREEING)
def test_where_they_disagree_python_reads(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert yamlpos._compose_libyaml(text) == (False, None)
    assert _parse(text, monkeypatch, libyaml=True) == _parse(text, monkeypatch, libyaml=False)


@needs_libyaml
@pytest.mark.parametrize("text", [
    "title: Förord – ö, å, €, 😀 och 𝔘\nlang: sv\nauthors: [Åsa Öberg, \"Ж. Б.\"]\n",
    "a:\n  - {name: 中文 名字, role: ed}\n  - 'x: y'\n",
    "title: Vad bör göras?\nurl: https://example.org/watch?v=1\nb: ['c?', \"d?\"]\n",
    "# comment only\n",
    "",
])
def test_where_they_agree_libyaml_reads(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert yamlpos._compose_libyaml(text)[0]
    assert _parse(text, monkeypatch, libyaml=True) == _parse(text, monkeypatch, libyaml=False)
