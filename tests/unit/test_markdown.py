"""Chapter parsing: the typed tree, footnotes, language spans and blocks, diagnostics."""

from __future__ import annotations

from pathlib import Path

import pytest

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


# --- hostile Markdown (issue 7) ----------------------------------------------------------

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"


def test_truncated_image_is_broken_even_after_weasyprint_is_imported(tmp_path: Path) -> None:
    import shutil

    import weasyprint  # noqa: F401  (sets PIL.ImageFile.LOAD_TRUNCATED_IMAGES = True)

    (tmp_path / "images").mkdir()
    shutil.copy(BAD / "truncated.png", tmp_path / "images" / "t.png")
    _, problems = _parse(tmp_path, "# T\n\n![Bild](images/t.png)\n")
    assert [p.split("]")[0] for p in problems] == ["chapters/01-text.md:3:1: error[I004"]


def test_block_nesting_at_the_limit_is_kept_whole(tmp_path: Path) -> None:
    from antologi.markdown import MAX_BLOCK_DEPTH

    chapter, problems = _parse(tmp_path, "# T\n\n" + "> " * MAX_BLOCK_DEPTH + "djupt\n")
    assert problems == [] and chapter is not None
    assert m.plain_text(list(m.walk(chapter.blocks))[-1:]) == "djupt"


def test_block_nesting_past_the_limit_is_an_error_not_dropped_text(tmp_path: Path) -> None:
    # markdown-it's commonmark preset would silently drop 'djupt' past 20 levels.
    _, problems = _parse(tmp_path, "# T\n\n" + "> " * 17 + "djupt\n")
    assert problems == ["chapters/01-text.md:3:1: error[C011]: blocks nested more than 16 "
                        "deep (block quotes, list items, language passages)"]
    _, problems = _parse(tmp_path, "# T\n\n" + "> " * 5000 + "djupt\n")
    assert [p.split("]")[0] for p in problems] == ["chapters/01-text.md:3:1: error[C011"]


def test_nested_lists_past_the_limit(tmp_path: Path) -> None:
    text = "# T\n\n" + "".join("  " * i + "- punkt\n" for i in range(40))
    _, problems = _parse(tmp_path, text)
    assert problems == ["chapters/01-text.md:19:33: error[C011]: blocks nested more than 16 "
                        "deep (block quotes, list items, language passages)"]


def test_runaway_emphasis_is_an_error_and_the_tree_stays_shallow(tmp_path: Path) -> None:
    chapter, problems = _parse(tmp_path, "# T\n\n" + "*" * 25_000 + "a" + "*" * 25_000 + "\n")
    assert problems == ["chapters/01-text.md:3:1: error[C011]: inline markup nested more "
                        "than 16 deep (emphasis, links, language spans)"]
    assert chapter is not None

    def depth(nodes: list) -> int:
        return 1 + max((depth(m.children_of(n)) for n in nodes), default=0)

    assert depth(chapter.blocks) <= 16 + 3  # the list of blocks, a paragraph, a text


@pytest.mark.parametrize(("link", "shown"), [
    ("[x](javascript:alert(1))", "javascript:alert(1)"),
    ("[x](JavaScript:alert(1))", "JavaScript:alert(1)"),
    ("[x](&#106;avascript:alert(1))", "javascript:alert(1)"),
    ("<javascript:alert(1)>", "javascript:alert(1)"),
    ("[x](vbscript:msgbox)", "vbscript:msgbox"),
    ("[x](file:///etc/passwd)", "file:///etc/passwd"),
    ("<file:///etc/passwd>", "file:///etc/passwd"),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:text/html;base64,PHNjcmlwdD4="),
])
def test_links_with_schemes_that_are_not_allowed(tmp_path: Path, link: str,
                                                  shown: str) -> None:
    chapter, problems = _parse(tmp_path, f"# T\n\nSe {link} här.\n")
    assert len(problems) == 1
    assert problems[0].startswith("chapters/01-text.md:3:")
    assert f"error[C009]: the link '{shown}' is not allowed" in problems[0]
    assert chapter is not None
    assert not [n for n in m.walk(chapter.blocks) if isinstance(n, m.Link)]


@pytest.mark.parametrize("href", ["andra.md", "#not", "../x.html", "//example.org/x"])
def test_links_to_files_and_places(tmp_path: Path, href: str) -> None:
    _, problems = _parse(tmp_path, f"# T\n\nSe [där]({href}).\n")
    assert problems == [f"chapters/01-text.md:3:10: error[C010]: the link '{href}' points to "
                        "a file or a place, not a web address"]


def test_web_and_mail_links_are_fine(tmp_path: Path) -> None:
    chapter, problems = _parse(tmp_path, "# T\n\n[a](https://example.org/a?b=c) "
                               "<http://example.org> [b](mailto:a@example.org)\n")
    assert problems == [] and chapter is not None
    assert [n.href for n in m.walk(chapter.blocks) if isinstance(n, m.Link)] == [
        "https://example.org/a?b=c", "http://example.org", "mailto:a@example.org"]


def _image_problems(tmp_path: Path, src: str, alt: str = "Bild") -> list[str]:
    _, problems = _parse(tmp_path, f"# T\n\nText ![{alt}]({src}) text.\n")
    return problems


def test_a_good_image(tmp_path: Path) -> None:
    from PIL import Image

    (tmp_path / "images").mkdir()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(tmp_path / "images" / "karta.png")
    assert _image_problems(tmp_path, "images/karta.png") == []


@pytest.mark.parametrize(("src", "expected"), [
    ("http://127.0.0.1:9/x.png", "error[I001]: the image 'http://127.0.0.1:9/x.png' is not "
                                 "a file of the project; nothing is fetched"),
    ("https://example.org/x.png", "error[I001]: the image 'https://example.org/x.png' is not "
                                  "a file of the project"),
    ("//example.org/x.png", "error[I001]: the image '//example.org/x.png' is not a file"),
    ("data:image/png;base64,iVBORw0KGgo=", "error[I001]: the image 'data:image/png;base64,"
                                           "iVBORw0KGgo=' is an embedded data: URI"),
    ("/etc/hostname", "error[I003]: the image '/etc/hostname' leaves the project folder"),
    ("../../etc/hostname", "error[I003]: the image '../../etc/hostname' leaves the project"),
    ("images/../../x.png", "error[I003]: the image 'images/../../x.png' leaves the project"),
    ("file:///etc/hostname", "error[I003]: the image 'file:///etc/hostname' leaves the "
                             "project folder"),
    ("~/x.png", "error[I003]: the image '~/x.png' leaves the project folder"),
    ("images/saknas.png", "error[I002]: the image file 'images/saknas.png' does not exist"),
    ("", "error[I002]: an image has no file name"),
])
def test_images_that_are_refused(tmp_path: Path, src: str, expected: str) -> None:
    problems = _image_problems(tmp_path, src)
    assert len(problems) == 1, problems
    assert problems[0].startswith("chapters/01-text.md:3:6: ")
    assert expected in problems[0]


def test_image_through_a_symlink_out_of_the_project(tmp_path: Path) -> None:
    root = tmp_path / "p"
    outside = tmp_path / "secret.png"
    from PIL import Image

    Image.new("RGB", (4, 4)).save(outside)
    (root / "images").mkdir(parents=True)
    (root / "images" / "x.png").symlink_to(outside)
    assert _image_problems(root, "images/x.png") == [
        "chapters/01-text.md:3:6: error[I003]: the image 'images/x.png' points outside the "
        "project folder (through a symbolic link)"]


def test_image_in_the_build_folder(tmp_path: Path) -> None:
    from PIL import Image

    (tmp_path / "build").mkdir()
    Image.new("RGB", (4, 4)).save(tmp_path / "build" / "old.png")
    assert _image_problems(tmp_path, "build/old.png") == [
        "chapters/01-text.md:3:6: error[I003]: the image 'build/old.png' points into the "
        "build folder"]


@pytest.mark.parametrize(("name", "expected"), [
    ("truncated.png", "error[I004]: the image 'images/truncated.png' cannot be decoded "
                      "(image file is truncated)"),
    ("not-an-image.png", "error[I004]: the image 'images/not-an-image.png' is not an image "
                         "Pillow can read"),
    ("picture.bmp", "error[I004]: the image 'images/picture.bmp' is a BMP file, which is not "
                    "an EPUB image format"),
    ("bomb-50mp.png", "error[I005]: the image 'images/bomb-50mp.png' is 10000 × 5000 pixels "
                      "(the limit is 40,000,000 pixels)"),
    ("bomb-10gp.png", "error[I005]: the image 'images/bomb-10gp.png' claims more than "
                      "40,000,000 pixels"),
])
def test_bad_image_files(tmp_path: Path, name: str, expected: str) -> None:
    import shutil

    (tmp_path / "images").mkdir()
    shutil.copy(BAD / name, tmp_path / "images" / name)
    assert _image_problems(tmp_path, f"images/{name}") == [
        f"chapters/01-text.md:3:6: {expected}"]


def test_image_without_alt_text(tmp_path: Path) -> None:
    from PIL import Image

    (tmp_path / "images").mkdir()
    Image.new("RGB", (4, 4)).save(tmp_path / "images" / "x.png")
    assert _image_problems(tmp_path, "images/x.png", alt="") == [
        "chapters/01-text.md:3:6: error[I006]: the image 'images/x.png' has no alt text"]


def test_second_image_of_a_paragraph_is_located(tmp_path: Path) -> None:
    _, problems = _parse(tmp_path, "# T\n\n![a](https://x/a.png) och\n![b](/etc/b.png)\n")
    assert [p.split(" error")[0] for p in problems] == [
        "chapters/01-text.md:3:1:", "chapters/01-text.md:4:1:"]


def test_front_matter_id_must_be_an_id(tmp_path: Path) -> None:
    _, problems = _parse(tmp_path, '---\ntitle: T\nid: "a b<"\n---\n\nText.\n')
    assert problems == ["chapters/01-text.md:3:5: error[M007]: id 'a b<' is not a valid id"]


def test_blank_title_from_heading_is_no_title(tmp_path: Path) -> None:
    _, problems = _parse(tmp_path, "#    \n\nText.\n")
    assert problems == ["chapters/01-text.md:1:1: error[C004]: the text has no title"]


def test_script_is_text_never_an_element(tmp_path: Path) -> None:
    chapter, _ = _parse(tmp_path, "# T\n\n<script>alert(1)</script>\n\nA <script>b</script>\n")
    assert chapter is not None
    texts = [n.text for n in m.walk(chapter.blocks) if isinstance(n, m.Text)]
    assert "<script>alert(1)</script>" in "".join(texts)


def test_a_flood_of_one_problem_is_cut_short(tmp_path: Path) -> None:
    from antologi.markdown import MAX_SAME

    _, problems = _parse(tmp_path, "# T\n\n" + " ".join(f"a[^n{i}]" for i in range(50)) + "\n")
    assert len(problems) == MAX_SAME + 1
    assert problems[-1] == ("chapters/01-text.md: error[F001]: more problems like these (F001) "
                            "in this text are not shown")


def test_an_autolink_inside_a_link_wins(tmp_path: Path) -> None:
    """markdown-it nests them; XHTML forbids <a> in <a> (EPUBCheck RSC-005)."""
    chapter, problems = _parse(tmp_path, "# T\n\n[**<https://example.org/x>**](https://a.se)\n")
    assert problems == [] and chapter is not None
    links = [n for n in m.walk(chapter.blocks) if isinstance(n, m.Link)]
    assert [link.href for link in links] == ["https://example.org/x"]


def test_calls_where_they_cannot_stand(tmp_path: Path) -> None:
    _, problems = _parse(tmp_path, "# Titel[^k]\n\nText[^a] ![Bild[^b]](x.png)\n\n"
                         "[^a]: A, se not[^b].\n\n[^b]: B.\n\n[^k]: Källa.\n")
    assert sorted(p for p in problems if "F004" in p) == [
        "chapters/01-text.md:1:8: error[F004]: footnote [^k] is called in the title",
        "chapters/01-text.md:3:16: error[F004]: footnote [^b] is called in an image's alt text",
        "chapters/01-text.md:5:16: error[F004]: footnote [^b] is called inside a note",
    ]


def test_inline_notes(tmp_path: Path) -> None:
    """^[…] notes (the footnote plugin's inline form) are notes like the others."""
    chapter, problems = _parse(tmp_path, "# T\n\nEtt^[En *inline* not.] och två[^x].\n\n"
                               "[^x]: X.\n\nBara ^[] och ^[a ^[b]].\n")
    assert chapter is not None
    refs = [n.label for n in m.walk(chapter.blocks) if isinstance(n, m.FootnoteRef)]
    assert refs[:2] == ["^ 0", "x"]
    assert [n.label for n in chapter.footnotes][:2] == ["^ 0", "x"]
    assert problems == [
        "chapters/01-text.md:7:18: error[F004]: an inline note ^[…] is called inside a note"]
