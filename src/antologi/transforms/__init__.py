"""Transforms: Book -> Book, each stating the targets it applies to.

The book is copied per target (as mdBook clones per renderer), so a transform may change
the tree it is given.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

from ..diagnostics import Report
from ..model import Book
from . import footnotes, hyphenation, ids, readinglist, typography


@dataclass(frozen=True)
class Transform:
    name: str
    targets: frozenset[str]
    apply: Callable[[Book, Report], Book]


PIPELINE: tuple[Transform, ...] = (
    Transform("ids", frozenset({"epub", "pdf"}), ids.apply),
    Transform("footnotes", frozenset({"epub", "pdf"}), footnotes.apply),
    Transform("reading list", frozenset({"epub", "pdf"}), readinglist.apply),
    Transform("typography", frozenset({"epub", "pdf"}), typography.apply),
    Transform("hyphenation", frozenset({"epub", "pdf"}), hyphenation.apply),
)


def run(book: Book, target: str, report: Report) -> Book:
    """The book as the given target needs it."""
    out = copy.deepcopy(book)
    out.target = target
    for transform in PIPELINE:
        if target in transform.targets:
            out = transform.apply(out, report)
    return out
