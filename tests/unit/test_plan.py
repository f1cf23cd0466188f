"""Which texts a book's PDF lays out together (render/parallel.py): groups of whole texts,
decided by the book alone, and pieces only for a book long enough to gain from them."""

from __future__ import annotations

from antologi import transforms
from antologi.book import load_book
from antologi.diagnostics import Report
from antologi.manifest import load_manifest
from antologi.render import parallel
from antologi.render import pdf as single

from conftest import DATA, REPO


def _prepared(sizes: list[int]) -> single._Html:
    return single._Html(book=None, timestamp="",  # type: ignore[arg-type]
                        body=[single._Part("chapter", body="x" * size) for size in sizes])


def _sizes(groups: list[list[single._Part]]) -> list[list[int]]:
    return [[len(part.body) for part in group] for group in groups]


def test_short_texts_go_together_a_long_one_alone() -> None:
    limit = parallel.GROUP_CHARS
    groups, rest = parallel.plan(_prepared([limit * 4, limit // 3, limit // 3, limit // 3,
                                            limit // 2, limit * 2, 1]))
    assert rest == []
    # a long text alone, three short ones within the limit together, the next one past it
    assert _sizes(groups) == [[limit * 4], [limit // 3] * 3, [limit // 2], [limit * 2], [1]]


def test_a_text_with_page_references_and_all_after_it_come_last() -> None:
    prepared = _prepared([30_000, 30_000])
    prepared.body.append(single._Part("back", body='<a class="pageref" href="#elsewhere"></a>'))
    prepared.body.append(single._Part("back", body="x"))
    groups, rest = parallel.plan(prepared)
    assert _sizes(groups) == [[30_000], [30_000]]
    assert [part.kind for part in rest] == ["back", "back"]


def _planned(root: object) -> tuple[list[list[single._Part]], list[single._Part]]:
    report = Report()
    manifest = load_manifest(root, report)  # type: ignore[arg-type]
    book = transforms.run(load_book(manifest, report), "pdf", report)
    return parallel.plan(single._prepare(book, "2025-11-21T00:00:00Z"))


def test_the_anthology_is_laid_out_in_pieces_a_small_book_in_one_document() -> None:
    groups, rest = _planned(REPO)
    assert [len(group) for group in groups] == [1, 1, 1]  # each text apart
    assert [part.kind for part in rest] == ["reading-list"]
    assert parallel.in_pieces(groups)

    groups, _rest = _planned(DATA / "mini")
    assert sum(len(group) for group in groups) == 2
    assert not parallel.in_pieces(groups)
