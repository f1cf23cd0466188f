"""Ids the same in both outputs and never shared: headings, paragraphs, notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from antologi import model as m
from antologi.build import build_timestamp
from antologi.diagnostics import BookError, Report
from antologi.markdown import parse_chapter
from antologi.transforms import footnotes, ids


def _chapter(tmp_path: Path, text: str) -> m.Chapter:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "01-text.md").write_text(text, "utf-8")
    chapter = parse_chapter(tmp_path, Path("chapters/01-text.md"), "sv", Report())
    assert chapter is not None
    return chapter


def test_headings_never_take_a_paragraph_or_note_id(tmp_path: Path) -> None:
    chapter = _chapter(tmp_path, "# T\n\n## fn1\n\n## p1\n\n## Källa\n\n## Källa\n\nText.[^a]\n\n"
                       "[^a]: Not.\n")
    book = m.Book(None, [chapter])  # type: ignore[arg-type]
    footnotes.apply(ids.apply(book, Report()), Report())
    every = [n.id for n in m.walk(chapter.blocks) if getattr(n, "id", "")]
    every += [n.id for n in chapter.footnotes]
    assert len(every) == len(set(every))
    headings = [n.id for n in m.walk(chapter.blocks) if isinstance(n, m.Heading)]
    assert headings == ["text-fn1-h", "text-p1-h", "text-kalla", "text-kalla-2"]


@pytest.mark.parametrize("value", ["99999999999999999", "253402300800", "-1", "1e9", " "])
def test_source_date_epoch_out_of_range_is_b002(monkeypatch: pytest.MonkeyPatch,
                                                 value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    report = Report()
    with pytest.raises(BookError):
        build_timestamp(None, report)
    assert [d.code for d in report.items] == ["B002"]


def test_source_date_epoch_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    assert build_timestamp(None, Report()).isoformat() == "2025-11-21T00:00:00+00:00"
