"""The join of a PDF's pieces runs in a process of its own (render/join.py): what it
cannot join comes back as NotJoinable with its reason, never as a broken PDF."""

from __future__ import annotations

import io

import pikepdf
import pytest

from antologi.render.join import Joining, NotJoinable, Piece


def _pdf(pages: int) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(368, 567))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_piece_with_other_pages_than_recorded_is_refused() -> None:
    # a piece is its kept pages and the join page: three pages recorded as five kept
    with pytest.raises(NotJoinable, match="not the pages it was recorded with"):
        Joining([Piece(_pdf(3), kept=5)], front_pages=0).result()


def test_pieces_joined_in_order_with_page_labels() -> None:
    data = Joining([Piece(_pdf(3), kept=2), Piece(_pdf(5), kept=4)], front_pages=2).result()
    with pikepdf.open(io.BytesIO(data)) as book:
        assert len(book.pages) == 6  # the join pages left out
        labels = book.Root.PageLabels.Nums
        assert [int(labels[0]), str(labels[1].S), int(labels[2]), str(labels[3].S)] == [
            0, "/r", 2, "/D"]


def test_a_failure_in_the_join_process_is_not_taken_for_a_refusal() -> None:
    with pytest.raises(RuntimeError, match="joining the PDF's pieces failed"):
        Joining([Piece(b"not a PDF", kept=1)], front_pages=0).result()
