"""The join of a PDF's pieces runs in a process of its own (render/join.py): what it
cannot join comes back as NotJoinable with its reason, never as a broken PDF."""

from __future__ import annotations

import io

import pikepdf
import pytest

from antologi.render.join import Joining, NotJoinable, Piece


def _pdf(pages: int, width: int = 368) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(width, 567))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_piece_with_other_pages_than_recorded_is_refused() -> None:
    # a piece is its kept pages and the join page: three pages recorded as five kept
    with pytest.raises(NotJoinable, match="not the pages it was recorded with"):
        Joining.of([Piece(_pdf(3), kept=5)], front_pages=0)


def test_pieces_joined_in_order_with_page_labels() -> None:
    data = Joining.of([Piece(_pdf(3), kept=2), Piece(_pdf(5), kept=4)], front_pages=2)
    with pikepdf.open(io.BytesIO(data)) as book:
        assert len(book.pages) == 6  # the join pages left out
        labels = book.Root.PageLabels.Nums
        assert [int(labels[0]), str(labels[1].S), int(labels[2]), str(labels[3].S)] == [
            0, "/r", 2, "/D"]


def test_a_failure_in_the_join_process_is_not_taken_for_a_refusal() -> None:
    with pytest.raises(RuntimeError, match="joining the PDF's pieces failed"):
        Joining.of([Piece(b"not a PDF", kept=1)], front_pages=0)


def test_pieces_go_to_their_place_whatever_order_they_come_in() -> None:
    """The front matter comes last (it waits for the others' page numbers) and goes
    first."""
    front, body, back = (Piece(_pdf(3, 300), kept=2), Piece(_pdf(4, 400), kept=3),
                         Piece(_pdf(2, 500), kept=1))
    joining = Joining()
    joining.add(body, 1)
    joining.add(back, 2)
    joining.add(front, 0)
    data = joining.result(front_pages=2)
    with pikepdf.open(io.BytesIO(data)) as book:
        assert [int(page.mediabox[2]) for page in book.pages] == [300, 300, 400, 400, 400,
                                                                  500]


def test_a_refusal_while_the_build_still_sends_is_a_refusal() -> None:
    """The join refuses a piece before the build has sent the rest: its reading thread is
    still waiting on stdin, and the refusal must come back as NotJoinable (the build then
    lays the book out in one document), not as the join process aborting."""
    joining = Joining()
    joining.add(Piece(_pdf(3), kept=5), 1)
    joining._process.wait(timeout=60)  # it has refused; nothing more was sent
    with pytest.raises(NotJoinable, match="not the pages it was recorded with"):
        joining.result(front_pages=0)


def _with_font(font_file: bool) -> bytes:
    """Two pages (one kept, the join page) whose first uses a Type 0 font with or without
    a TrueType program (a CFF font has FontFile3 instead)."""
    from pikepdf import Dictionary, Name

    pdf = pikepdf.new()
    for _ in range(2):
        pdf.add_blank_page(page_size=(368, 567))
    descriptor = Dictionary(Type=Name.FontDescriptor, FontName=Name("/ABCDEF+Face"))
    if font_file:
        descriptor.FontFile2 = pikepdf.Stream(pdf, b"not a font program")
    child = Dictionary(Type=Name.Font, Subtype=Name.CIDFontType2,
                       BaseFont=Name("/ABCDEF+Face"), FontDescriptor=descriptor)
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type0,
                                        BaseFont=Name("/ABCDEF+Face"),
                                        DescendantFonts=[child]))
    pdf.pages[0].obj.Resources = Dictionary(Font=Dictionary(F1=font))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.mark.parametrize("font_file", [False, True], ids=["no TrueType", "unreadable"])
def test_a_face_that_cannot_be_merged_is_a_refusal(font_file: bool) -> None:
    with pytest.raises(NotJoinable, match="cannot be merged"):
        Joining.of([Piece(_with_font(font_file), kept=1), Piece(_with_font(font_file),
                                                                kept=1)], front_pages=0)
