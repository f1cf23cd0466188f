"""The importer on texts in other layouts than the anthology's: each fixture's Markdown is
what an editor would have written by hand (tests/data/import/NAME.LANG.txt -> NAME.LANG.md).

* winter-formfeed.en: English, pages cut by form feeds, "- 1 -" footer numbers, notes "1."
  under a rule, hyphenation both ways, Markdown-significant characters in the text;
* fjellbygder-running-heads.nb: Norwegian, no form feeds: running heads with page numbers
  on alternate sides mark the pages; superscript notes; a suspended compound at a line end;
* kommunen-page-footers.sv: Swedish, bare page numbers at the page foot, a note that goes
  on over the page under a rule, a decoy "artikel 2." before the real call, a URL list;
* arkivet-double-spaced.sv: every line followed by an empty line (paragraphs inferred),
  a one-space separator line, URLs whose anchor wrapped and was printed twice.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from antologi.diagnostics import Report
from antologi.importer import import_text
from antologi.markdown import parse_chapter

DATA = Path(__file__).resolve().parent.parent / "data" / "import"
FIXTURES = sorted(DATA.glob("*.txt"))
REPORT_LINE = re.compile(r"^[\w.-]+\.txt:\d+: chose .+; alternative .+ \(.+\)$")


def _run(path: Path) -> tuple[str, str, Report, str]:
    lang = path.suffixes[-2].lstrip(".")
    report = Report()
    result = import_text(path.read_bytes(), path.name, lang, report)
    assert result is not None
    return result.markdown, result.report_text(), report, result.summary()


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_gives_the_expected_chapter(path: Path) -> None:
    markdown, _report_text, report, _summary = _run(path)
    assert report.items == []
    assert markdown == path.with_suffix(".md").read_text("utf-8")


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_chapter_reads_back_without_problems(path: Path, tmp_path: Path) -> None:
    markdown, report_text, _report, _summary = _run(path)
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "text.md").write_text(markdown, "utf-8")
    report = Report()
    chapter = parse_chapter(tmp_path, Path("chapters/text.md"), "sv", report)
    # C003 only says that a literal "<word>" of the text is shown as text, as it should be
    assert chapter is not None and [d for d in report.items if d.code != "C003"] == []
    assert len(chapter.footnotes) == markdown.count("\n[^")
    for line in report_text.splitlines():
        assert REPORT_LINE.match(line), line


def test_summary_counts_what_was_done() -> None:
    *_, summary = _run(DATA / "winter-formfeed.en.txt")
    assert summary == ("2 pages, 4 paragraphs, 3 footnotes, 0 links, 3 hyphens removed, "
                       "1 kept")
    *_, summary = _run(DATA / "kommunen-page-footers.sv.txt")
    assert summary == ("2 pages, 3 paragraphs, 3 footnotes, 1 links, 1 hyphens removed, "
                       "2 kept")


def test_running_heads_and_ambiguous_calls_are_reported() -> None:
    _md, text, _r, _s = _run(DATA / "fjellbygder-running-heads.nb.txt")
    assert "chose to remove '12 NORSK TIDSSKRIFT' as a running head" in text
    _md, text, _r, _s = _run(DATA / "kommunen-page-footers.sv.txt")
    assert ":7: chose the call of note 2 on page 1 here (after '.'" in text
    assert "alternative the number at line 6 ('Enligt artikel 2. i a')" in text
