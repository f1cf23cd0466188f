"""Chapter parsing: the typed tree, footnotes, language spans and blocks, diagnostics."""

from __future__ import annotations

from pathlib import Path

from antologi import model as m
from antologi.diagnostics import Report
from antologi.markdown import parse_chapter


def _parse(tmp_path: Path, text: str | bytes) -> tuple[m.Chapter | None, list[str]]:
    path = tmp_path / "chapters" / "01-text.md"
    path.parent.mkdir(exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    report = Report()
    chapter = parse_chapter(tmp_path, Path("chapters/01-text.md"), "sv", report)
    return chapter, [d.format().splitlines()[0] for d in report.items]


def test_front_matter_and_tree(tmp_path: Path) -> None:
    chapter, problems = _parse(tmp_path, (
        "---\ntitle: Titel\nauthors: [A B]\ntranslators: C D\nlang: nb\n---\n\n"
        "Ett *stycke*[^1] med [engelska]{lang=en}.\n\n::: {lang=en}\nAn abstract.\n:::\n\n"
        "[^1]: Noten.\n"))
    assert problems == []
    assert chapter is not None
    assert (chapter.id, chapter.title, chapter.lang) == ("text", "Titel", "nb")
    assert chapter.authors == ["A B"] and chapter.translators == ["C D"]
    paragraph, div = chapter.blocks
    assert isinstance(paragraph, m.Paragraph) and paragraph.line == 8
    kinds = [type(n).__name__ for n in paragraph.children]
    assert kinds == ["Text", "Emph", "FootnoteRef", "Text", "Span", "Text"]
    assert paragraph.children[4].lang == "en"
    assert isinstance(div, m.Div) and div.lang == "en" and div.line == 10
    assert [n.label for n in chapter.footnotes] == ["1"]
    assert chapter.footnotes[0].line == 14


def test_title_from_first_heading(tmp_path: Path) -> None:
    chapter, problems = _parse(tmp_path, "# Rubrik\n\nText.\n")
    assert problems == [] and chapter is not None
    assert chapter.title == "Rubrik" and len(chapter.blocks) == 1


def test_footnote_problems(tmp_path: Path) -> None:
    _, problems = _parse(tmp_path, (
        "# T\n\nEtt[^1] två[^saknas] tre.\n\n[^1]: A.\n[^1]: B.\n[^extra]: C.\n"))
    assert problems == [
        "chapters/01-text.md:3:12: error[F001]: footnote [^saknas] is referenced but never "
        "defined",
        "chapters/01-text.md:6:1: error[F003]: footnote [^1] is defined twice (also at line 5)",
        "chapters/01-text.md:7:1: warning[F002]: footnote [^extra] is defined but never "
        "referenced",
    ]


def test_raw_html_is_text_with_a_warning(tmp_path: Path) -> None:
    chapter, problems = _parse(tmp_path, "# T\n\nA <script>x</script> b.\n")
    assert problems[0] == ("chapters/01-text.md:3:3: warning[C003]: raw HTML '<script>' is "
                           "shown as text")
    assert chapter is not None
    assert m.plain_text(chapter.blocks[0].children) == "A <script>x</script> b."


def test_bad_language_tag_in_span(tmp_path: Path) -> None:
    _, problems = _parse(tmp_path, "# T\n\nOrd [x]{lang=e-n}.\n")
    assert problems == [
        "chapters/01-text.md:3:7: error[T001]: 'e-n' is not a valid BCP 47 language tag"]


def test_attribute_block_not_understood(tmp_path: Path) -> None:
    _, problems = _parse(tmp_path, "# T\n\nOrd [x]{lang=e_n!}.\n")
    assert problems == [
        "chapters/01-text.md:3:7: error[C005]: attributes '{lang=e_n!}' are not understood"]


def test_not_utf8_names_line_and_column(tmp_path: Path) -> None:
    _, problems = _parse(tmp_path, "# T\n\nåäö \xe5 x\n".encode("latin-1"))
    assert problems == ["chapters/01-text.md:3:1: error[C001]: not valid UTF-8: byte 0xe5 "
                        "at offset 5"]


def test_bom_crlf_and_control_characters(tmp_path: Path) -> None:
    chapter, problems = _parse(tmp_path, b"\xef\xbb\xbf# T\r\n\r\nA\x07b.\r\n")
    assert problems == ["chapters/01-text.md:3:2: warning[C007]: 1 control character(s) "
                        "removed (first: U+0007)"]
    assert chapter is not None and m.plain_text(chapter.blocks[0].children) == "Ab."


def test_empty_text(tmp_path: Path) -> None:
    _, problems = _parse(tmp_path, "---\ntitle: T\n---\n")
    assert problems == ["chapters/01-text.md:1:1: error[C006]: the text is empty"]


def test_unknown_front_matter_key(tmp_path: Path) -> None:
    _, problems = _parse(tmp_path, "---\ntitle: T\nauthor: X\n---\n\nA.\n")
    assert problems == ["chapters/01-text.md:3:1: error[M003]: unknown key 'author' in the "
                        "front matter"]
