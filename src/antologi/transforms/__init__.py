"""Transforms: Book -> Book, each stating the targets it applies to.

Most transforms do the same for every target; they run once, on the book all targets share
(``run_all``), and the book is copied per target (as mdBook clones per renderer) only for
those that depend on it. A transform may change the tree it is given.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..diagnostics import Diagnostic, Report
from ..model import Book
from . import footnotes, hyphenation, ids, readinglist, typography

_BOTH = frozenset({"epub", "pdf"})


@dataclass(frozen=True)
class Transform:
    name: str
    targets: frozenset[str]
    apply: Callable[[Book, Report], Book]
    per_target: bool = False
    """True when what it does depends on the target (book.target, the EPUB or PDF options):
    it runs on each target's own copy of the book."""


PIPELINE: tuple[Transform, ...] = (
    Transform("ids", _BOTH, ids.apply),
    Transform("footnotes", _BOTH, footnotes.apply),
    Transform("reading list", _BOTH, readinglist.apply),
    Transform("typography", _BOTH, typography.apply),
    Transform("reading list links", frozenset({"epub"}), readinglist.link_documents,
              per_target=True),
    Transform("hyphenation", _BOTH, hyphenation.apply, per_target=True),  # epub.soft_hyphens
)


def run(book: Book, target: str, report: Report) -> Book:
    """The book as the given target needs it; the book given is left as it is."""
    return run_all(copy.deepcopy(book), (target,), report)[target]


def run_all(book: Book, targets: Iterable[str], report: Report) -> dict[str, Book]:
    """The book as each target needs it, the same as ``run`` gives for each, with every
    diagnostic reported once: the transforms that do the same for all targets run once, and
    what the others find for a second target again is not repeated.

    The book given is used up: it becomes the last target's book (one copy saved)."""
    wanted = list(dict.fromkeys(targets))
    shared = 0
    while (shared < len(PIPELINE) and not PIPELINE[shared].per_target
           and all(t in PIPELINE[shared].targets for t in wanted)):
        book = PIPELINE[shared].apply(book, report)
        shared += 1
    out: dict[str, Book] = {}
    seen: set[Diagnostic] = set()  # what an earlier target's own transforms reported
    for number, target in enumerate(wanted, 1):
        own = book if number == len(wanted) else copy.deepcopy(book)
        own.target = target
        found = Report()
        for transform in PIPELINE[shared:]:
            if target in transform.targets:
                own = transform.apply(own, found)
        # e.g. T003 (no dictionary) from the hyphenation of both the EPUB and the PDF
        report.extend(d for d in found.items if d not in seen)
        seen.update(found.items)
        out[target] = own
    return out
