"""The print PDF read back page by page: notes, folios, heads, fonts, bookmarks, trim."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from conftest import Built, copy_book, pdf_labels, pdf_pages, run_cli

BODY = 10.5  # pt, the book's text size (book.yaml)
MM = 72 / 25.4


def _calls_and_markers(path: Path) -> list[tuple[list[int], list[int]]]:
    """Per page: the footnote calls (superscript digits in the text) and the note markers
    ('12.' at the start of a line in the note size)."""
    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            calls: list[int] = []
            run = ""
            for char in page.chars:
                small_digit = char["text"].isdigit() and char["size"] < BODY * 0.75
                if small_digit:
                    run += char["text"]
                elif run:
                    calls.append(int(run))
                    run = ""
            if run:
                calls.append(int(run))
            # the note area begins at the rule WeasyPrint draws (the @footnote border)
            rules = [edge["top"] for edge in page.edges if edge["width"] > 20]
            area_top = min(rules) if rules else page.height
            lines: dict[float, list[dict]] = defaultdict(list)
            for char in page.chars:
                if 7.5 < char["size"] < 9 and char["top"] > area_top:
                    lines[round(char["top"])].append(char)
            markers = []
            for _top, chars in sorted(lines.items()):
                text = "".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"]))
                match = re.match(r"(\d+)\.\s", text + " ")
                if match and chars[0]["x0"] < page.width / 2:
                    markers.append(int(match.group(1)))
            out.append((calls, markers))
    return out


def test_every_footnote_on_the_page_of_its_call(anthology: Built) -> None:
    pages = _calls_and_markers(anthology.pdf)
    # a line of a note may begin with a number that is no note's ("… den 24 juni / 2025.")
    numbers = {n for calls, _ in pages for n in calls}
    pages = [(calls, [n for n in markers if n in numbers]) for calls, markers in pages]
    placed = sum(len(calls) for calls, markers in pages if sorted(calls) == sorted(markers))
    total = sum(len(calls) for calls, _ in pages)
    assert total == 32  # 3 in the article, 29 in the interview
    wrong = [(i, c, m) for i, (c, m) in enumerate(pages) if sorted(c) != sorted(m)]
    assert not wrong, wrong
    assert placed == 32
    assert "warning[P004]" not in anthology.run.stderr


def test_page_labels_roman_then_arabic(anthology: Built) -> None:
    labels = pdf_labels(anthology.pdf)
    front = [label for label in labels if not label.isdigit()]
    assert front == ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"][:len(front)]
    assert len(front) % 2 == 0  # the body's page 1 is a recto
    assert labels[len(front):] == [str(n) for n in range(1, len(labels) - len(front) + 1)]
    pages = pdf_pages(anthology.pdf)
    for label, text in zip(labels, pages, strict=True):
        folio = text.strip().splitlines()[-1].strip() if text.strip() else ""
        if label.isdigit() and folio.isdigit():
            assert folio == label


def test_no_running_head_on_openings_and_heads_elsewhere(anthology: Built) -> None:
    with pdfplumber.open(anthology.pdf) as pdf:
        heads = []
        for page in pdf.pages:
            top = [c for c in page.chars if c["top"] < 17 * MM and abs(c["size"] - 8.5) < 0.3]
            heads.append("".join(c["text"] for c in top))
    reader = pypdf.PdfReader(anthology.pdf)
    openings = [reader.get_destination_page_number(item) for item in reader.outline
                if not isinstance(item, list)][3:6]  # after title page, contents, preface
    assert len(openings) == 3
    for index in openings:
        assert heads[index] == "", (index, heads[index])
        assert index % 2 == 0  # a recto: physical pages 1, 3, 5 … are right-hand pages
    verso, recto = heads[openings[0] + 1], heads[openings[0] + 2]
    assert verso.lower() == "julie wilhelmsen"  # small caps come out as lower case glyphs
    assert recto.startswith("Krigen mot terror")


def test_fonts_are_embedded_and_only_the_book_face(anthology: Built) -> None:
    reader = pypdf.PdfReader(anthology.pdf)
    fonts = {}
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts
    for name, font in fonts.items():
        assert font["/Subtype"] != "/Type3", name
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font \
            else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
        assert "EB-Garamond" in name, name
    assert "\ufffd" not in "".join(pdf_pages(anthology.pdf))


def test_bookmarks_for_front_matter_and_every_text(anthology: Built) -> None:
    reader = pypdf.PdfReader(anthology.pdf)
    labels = pdf_labels(anthology.pdf)
    top = {item.title: labels[reader.get_destination_page_number(item)]
           for item in reader.outline if not isinstance(item, list)}
    assert list(top) == ["Bakom galler, mellan stormakter", "Innehåll", "Förord",
                         "Krigen mot terror – et vanskelig bindemiddel mellom Russland og USA",
                         "Om axeln mellan Moskva och Washington",
                         "Intervju med Boris Kagarlitskij bakom galler", "Lästips"]
    assert top["Krigen mot terror – et vanskelig bindemiddel mellom Russland og USA"] == "1"


def test_pdf_metadata_and_tagging(anthology: Built) -> None:
    reader = pypdf.PdfReader(anthology.pdf)
    assert reader.metadata.title == "Bakom galler, mellan stormakter"
    assert "Boris Kagarlitskij" in (reader.metadata.author or "")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root


@pytest.mark.parametrize(("trim", "size_mm"), [("a5", (148, 210)), ("6x9in", (152.4, 228.6))])
def test_trim_bleed_and_crop_marks(tmp_path: Path, trim: str, size_mm: tuple) -> None:
    root = copy_book("mini", tmp_path)
    manifest = root / "book" / "book.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace(
        "trim: 130x200mm", f"trim: {trim}\n  bleed: 3mm\n  marks: crop"), "utf-8")
    result = run_cli("build", root, "--format", "pdf")
    assert result.code == 0, result.stderr
    path = root / "build" / "liten-antologi.pdf"
    reader = pypdf.PdfReader(path)
    page = reader.pages[0]
    trim_box, bleed_box, media_box = page.trimbox, page.bleedbox, page.mediabox
    assert float(trim_box.width) == pytest.approx(size_mm[0] * MM, abs=0.5)
    assert float(trim_box.height) == pytest.approx(size_mm[1] * MM, abs=0.5)
    assert float(bleed_box.width) == pytest.approx((size_mm[0] + 6) * MM, abs=0.5)
    assert float(bleed_box.height) == pytest.approx((size_mm[1] + 6) * MM, abs=0.5)
    assert float(media_box.width) >= float(bleed_box.width)
    with pdfplumber.open(path) as pdf:
        first = pdf.pages[0]
        left = float(trim_box.left)
        outside = [line for line in first.lines + first.edges
                   if line["x1"] < left or line["x0"] > float(trim_box.right)]
        assert outside, "crop marks are drawn outside the trim box"


def test_without_bleed_the_page_is_the_trim(mini: Built) -> None:
    page = pypdf.PdfReader(mini.pdf).pages[0]
    assert float(page.mediabox.width) == pytest.approx(130 * MM, abs=0.5)
    assert float(page.mediabox.height) == pytest.approx(200 * MM, abs=0.5)


def test_glyph_widths_are_the_embedded_fonts_own(anthology: Built) -> None:
    """Each width the PDF gives a glyph (the font's /W, what text is laid out with) is the
    advance of that glyph in the embedded font program (what is drawn). Laid out with the
    variable font, WeasyPrint gave bold and medium text the regular face's widths but drew
    bold glyphs: cramped text, and a PDF whose widths disagree with its fonts."""
    import io

    from fontTools.ttLib import TTFont

    reader = pypdf.PdfReader(anthology.pdf)
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            fonts[ref.idnum] = ref.get_object()
    wrong: dict[str, int] = {}
    checked = 0
    for font in fonts.values():
        child = font["/DescendantFonts"][0].get_object()
        program = TTFont(io.BytesIO(child["/FontDescriptor"]["/FontFile2"].get_data()))
        scale = 1000 / program["head"].unitsPerEm
        order = program.getGlyphOrder()
        items, index = list(child["/W"]), 0
        while index < len(items):
            first, rest = int(items[index]), items[index + 1]
            widths = [(first + n, float(w)) for n, w in enumerate(rest)]
            index += 2
            for gid, width in widths:
                advance = program["hmtx"][order[gid]][0] * scale
                checked += 1
                if abs(advance - width) > 1:
                    wrong[str(font["/BaseFont"])] = wrong.get(str(font["/BaseFont"]), 0) + 1
    assert checked > 300
    assert wrong == {}


def test_words_with_ligatures_are_searchable(anthology: Built) -> None:
    """Every word with ff, fi or fl in the texts can be found in the PDF's text: no soft
    hyphen inside a ligature, which would leave the cluster without its letters."""
    sources = "\n".join(p.read_text("utf-8") for p in (anthology.root / "chapters").glob("*.md"))
    words = set(re.findall(r"\w*f[fil]\w*", sources))
    text = "\n".join(pdf_pages(anthology.pdf)).replace("\u2010\n", "")
    text = re.sub(r"\s+", " ", text)
    missing = sorted(w for w in words if w not in text)
    assert len(words) > 50
    assert missing == []


def _long_note_book(tmp_path: Path, policy: str) -> tuple[Path, int]:
    root = copy_book("mini", tmp_path)
    manifest = root / "book" / "book.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace(
        "trim: 130x200mm", f"trim: 130x200mm\n  long_notes: {policy}"), "utf-8")
    chapter = root / "chapters" / "01-forsta.md"
    long_note = " ".join(["En mycket lång not som inte ryms på en sida."] * 90)
    text = chapter.read_text("utf-8").replace(
        "[^2]: En andra not med", f"[^lang]: {long_note}\n[^2]: En andra not med")
    text = text.replace("Ett andra stycke med en not till.[^2]",
                        "Ett andra stycke[^lang] med en not till.[^2]")
    chapter.write_text(text, "utf-8")
    line = text.splitlines().index(f"[^lang]: {long_note}") + 1
    return root, line


def test_a_note_taller_than_the_page_is_reported(tmp_path: Path) -> None:
    root, line = _long_note_book(tmp_path, "warn")
    result = run_cli("build", root, "--format", "pdf")
    assert result.code == 0
    assert f"chapters/01-forsta.md:{line}:1: warning[P004]: a footnote stands on page" \
        in result.stderr, result.stderr


def test_long_notes_can_go_to_the_end_of_the_text(tmp_path: Path) -> None:
    root, _line = _long_note_book(tmp_path, "endnotes")
    result = run_cli("build", root, "--format", "pdf")
    assert result.code == 0, result.stderr
    assert "P004" not in result.stderr
    pages = pdf_pages(root / "build" / "liten-antologi.pdf")
    start = next(i for i, p in enumerate(pages) if "Ett andra stycke" in p)
    # the note numbers stay as in the EPUB: 1 and 3 at the foot, 2 at the text's end
    markers = _calls_and_markers(root / "build" / "liten-antologi.pdf")[start][1]
    assert markers == [1, 3]
    rest = "\n".join(pages[start:start + 4])
    assert re.search(r"^Noter$", rest, re.M)
    assert re.search(r"^2\. En mycket lång not", rest, re.M)
