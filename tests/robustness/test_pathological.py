"""Pathological inline syntax is parsed in bounded time, and never crashes.

Each text below is 50 000 repetitions of something a parser has to backtrack over. Measured
on a 2-core machine, each whole EPUB build of the mini book with such a chapter took 0.3 to
3.8 s (before the fixes: up to 47 s for '[^' × 50 000, from a quadratic footnote pattern and
markdown-it re-scanning link labels 64 levels deep). The bound is generous so that a slow CI
machine passes, and still catches anything quadratic (which would take minutes).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from antologi.build import build
from antologi.diagnostics import BookError

from conftest import copy_book

N = 50_000
BOUND_SECONDS = 30.0

TEXTS = {
    "nested-brackets": "[" * N + "a" + "]" * N,
    "open-brackets": "[" * N,
    "nested-emphasis": "*" * N + "a" + "*" * N,
    "nested-underscores": "_" * N + "a" + "_" * N,
    "alternating-emphasis": "*_" * (N // 2) + "a" + "_*" * (N // 2),
    "emphasis-runs": "*a " * N,
    "link-openers": "[a](" * N,
    "nested-links": "[a" * (N // 2) + "](b)" * (N // 2),
    "footnote-openers": "[^" * N,
    "attribute-openers": "[a]{" * N,
    "nested-spans": "[" * N + "a" + "]{lang=en}" * N,
    "image-openers": "![" * N,
    "angle-brackets": "<" * N,
    "autolink-openers": "<a:" * N,
    "html-openers": "<a " * N,
    "entity-openers": "&#" * N,
    "backtick-runs": "`a``" * (N // 2),
    "backslashes": "\\" * N,
    "quotes": "\"'" * N,
    "hard-breaks": "a  \n" * N,
    "block-quotes": "> " * N + "a",
    "quote-lines": ">\n" * N,
    "nested-lists": "".join("  " * i + "- a\n" for i in range(3000)),
    "containers": "::: {lang=en}\n" * 5000,
    "long-word": "a" * (10 * N),
}


@pytest.mark.parametrize("name", list(TEXTS))
def test_pathological_text_in_bounded_time(tmp_path: Path, name: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_book("mini", tmp_path)
    (root / "chapters" / "01-forsta.md").write_text(
        "---\ntitle: Patologisk\n---\n\n" + TEXTS[name] + "\n", "utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    started = time.monotonic()
    try:
        build(root, ("epub",))
    except BookError as exc:
        assert exc.report.errors  # diagnostics, not a crash
        assert len(exc.report.items) < 200  # a readable report, not 50 000 lines
    elapsed = time.monotonic() - started
    assert elapsed < BOUND_SECONDS, f"{name}: {elapsed:.1f} s"


def test_nothing_is_silently_dropped_past_markdown_its_default_nesting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """25 levels of block quotes: markdown-it's commonmark preset (maxNesting 20) would
    drop the text without a word; antologi reports C011 instead of building without it."""
    root = copy_book("mini", tmp_path)
    (root / "chapters" / "01-forsta.md").write_text(
        "---\ntitle: Djup\n---\n\nFöre.\n\n" + "> " * 25 + "Texten som inte får försvinna.\n",
        "utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    with pytest.raises(BookError) as caught:
        build(root, ("epub",))
    assert [d.code for d in caught.value.report.errors] == ["C011"]
    assert not (root / "build").exists()
