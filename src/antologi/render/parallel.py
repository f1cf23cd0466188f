"""The PDF laid out in parallel: groups of texts in worker processes, joined as PDFs.

WeasyPrint lays out one document on one core (about 14 pages a second here), so a long
book is laid out in pieces. Pieces are joined at the PDF level, not with Document.copy()
across documents, which WeasyPrint's maintainers call "logically broken" (fonts, metadata:
Kozea/WeasyPrint#1662, #1180). Texts open on a recto, so a piece's pages do not depend on
where it starts; what does (the folios, the contents, page references) is settled without
laying any text out twice:

1. The body's texts are cut into groups of whole texts: short ones together up to
   ``GROUP_CHARS`` characters of markup, a longer one alone; decided by the book alone (the
   same groups, and bytes, on any machine and with any number of processes), and only for
   a book with ``PIECES_CHARS`` of them (a shorter one is laid out in one document). Each
   group is laid out in a worker with its folios counted from 1. A last page, dropped in
   the join, carries what the group needs from the rest of the book: the recto padding
   (the blank verso WeasyPrint inserts before the next text), an empty element for each id
   the group links to elsewhere (WeasyPrint drops a link to an id it does not know) and the
   ten digits in the book face (so that every folio can be renumbered with glyphs of the
   group's own font subset).
2. The texts from the first one with a page reference into another text on (the reading
   list) are laid out next as one piece, with their real first folio (a page counter-reset
   in an @page rule, see upstream-notes.md) and the references as literal numbers (an
   attribute on each link, shown by one rule); the front matter at the same time, with
   the contents' numbers and, like a group, a join page after a right-hand break: a blank
   verso pads it to an even page count.
3. The pieces are joined as PDFs in a process of their own (render/join.py).

A group laid out once is kept in the build cache (cache.py) under the hash of its markup
and the files it read: editing one text lays out its group again (and the reading list and
front matter if the page numbers they print moved); the others come from the cache and
are renumbered in the join.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import multiprocessing
import os
import re
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .. import cache
from .. import model as m
from ..diagnostics import Diagnostic, Report
from ..manifest import Manifest
from ..resources import PACKAGE_DIR, Sandbox
from . import pdf as single
from . import weasyfix
from .footnote_check import misplaced_notes
from .glyphs import check_glyphs
from .join import Joining, NotJoinable, Piece
from .linebreaks import Break, hyphenated_breaks
from .pagemap import PrintPages

if TYPE_CHECKING:
    pass

GROUP_CHARS = 20_000
"""Characters of markup (about 8 pages of this book's measure) up to which short texts are
laid out together; a longer text is a group of its own. Small groups make an edited text
cheap to lay out again; a worker's fixed cost per group (stylesheets, fonts, PDF writing:
about 0.1 s) stays small beside the layout of 8 pages (about 0.6 s)."""

PIECES_CHARS = 90_000
"""Characters of markup of the texts laid out in groups from which the book is laid out in
pieces (about 40 pages): a shorter book is faster in one document."""

DIGITS = "0123456789"
JOIN_ID = "antologi-join-page"
_HREF = re.compile(r'href="#([^"]+)"')
_ID = re.compile(r'\bid="([^"]+)"')
_PAGEREF = re.compile(r'<a class="pageref" href="#([^"]+)"')
PAGE_ATTRIBUTE = "data-antologi-page"


@dataclass(frozen=True)
class Settings:
    """What every worker needs besides its markup."""

    root: Path
    variant: str | None
    tagged: bool
    epoch: int


@dataclass(frozen=True)
class Task:
    name: str  # for messages: "front", "group 3", "back"
    html: str  # ends with the join page, which the join drops
    placeholders: frozenset[str]  # ids that stand in for targets in other pieces


@dataclass
class Laid:
    """A piece laid out: its PDF and what the join and the EPUB need to know of it."""

    data: bytes
    kept: int  # pages kept (the join page dropped)
    anchors: list[list[str]]  # per page: the ids on it, topmost first, stand-ins left out
    folios: list[bool]  # per page: a folio is printed (not a blank verso)
    breaks: list[Break]  # pages 1-based within the piece
    misplaced: list[tuple[str, int, int]]  # (note id, call page, note page)
    notes: int
    diagnostics: list[Diagnostic]
    opened: list[str]  # files read (absolute), for the build cache
    endnotes: list[str] = field(default_factory=list)  # notes moved to the end (long_notes)


def _to_json(laid: Laid) -> dict:
    return {"kept": laid.kept, "anchors": laid.anchors, "folios": laid.folios,
            "breaks": [[b.page, b.lang, b.before, b.after] for b in laid.breaks],
            "misplaced": [list(item) for item in laid.misplaced], "notes": laid.notes,
            "diagnostics": [cache.diagnostic_json(d) for d in laid.diagnostics]}


def _from_json(data: dict, pdf: bytes, opened: list[str]) -> Laid:
    """A piece from the layout cache; anything of the wrong shape raises (a miss)."""
    kept = data["kept"]
    anchors = [[str(name) for name in names] for names in data["anchors"]]
    folios = [bool(flag) for flag in data["folios"]]
    if not isinstance(kept, int) or len(anchors) != kept or len(folios) != kept:
        raise ValueError("layout entry")
    return Laid(pdf, kept, anchors, folios,
                [Break(int(p), str(lang), str(a), str(b)) for p, lang, a, b in data["breaks"]],
                [(str(k), int(c), int(n)) for k, c, n in data["misplaced"]],
                int(data["notes"]), [cache.diagnostic(d) for d in data["diagnostics"]],
                opened)


# --- the workers ---------------------------------------------------------------------------


def lay_out(task: Task, settings: Settings) -> Laid:
    """One piece laid out by WeasyPrint: runs in a worker process."""
    import weasyprint

    from .fetcher import ProjectFetcher

    weasyfix.apply()
    report = Report()
    logger = logging.getLogger("weasyprint")
    handler = single._CollectCssProblems(report)
    logger.addHandler(handler)
    root = settings.root
    sandbox = Sandbox(roots=(root, PACKAGE_DIR), excluded=(root / "build",))
    try:
        with single._font_timestamp(settings.epoch), cache.recording() as opened:
            document = weasyprint.HTML(
                string=task.html, base_url=root.as_uri() + "/",
                url_fetcher=ProjectFetcher(sandbox)).render(pdf_tags=settings.tagged)
            data = document.write_pdf(pdf_variant=settings.variant, pdf_tags=settings.tagged)
    finally:
        logger.removeHandler(handler)
    assert isinstance(data, bytes)
    pages = document.pages[:-1]
    if (JOIN_ID not in document.pages[-1].anchors
            or set(document.pages[-1].anchors) - task.placeholders
            or any(JOIN_ID in page.anchors for page in pages)):
        raise NotJoinable(f"{task.name}: the join page is not a page of its own")
    anchors = [[name for name, _ in sorted(page.anchors.items(),
                                           key=lambda item: (item[1][1], item[1][0]))
                if name not in task.placeholders] for page in pages]
    misplaced, notes = misplaced_notes(document)
    return Laid(
        data, len(pages), anchors,
        [not page._page_box.page_type.blank for page in pages],
        [b for b in hyphenated_breaks(document) if b.page <= len(pages)],
        misplaced, notes, list(report.items), sorted(str(p) for p in opened))


# --- the pieces ----------------------------------------------------------------------------


def _ids(html: str) -> set[str]:
    return set(_ID.findall(html))


def _inject(html: str, css: str, end: str) -> str:
    """Extra rules in the head, markup before </body>."""
    if css:
        html = html.replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)
    head, _, tail = html.rpartition("</body>")
    return f"{head}{end}\n</body>{tail}"


def _stand_ins(names: Iterable[str]) -> str:
    return "".join(f'<div id="{name}"></div>' for name in sorted(names))


def _task(name: str, html: str, css: str = "", pad: bool = False) -> Task:
    """A piece with its join page: after the piece's last page (pad: on the next recto,
    as the next text would begin), dropped in the join. It holds an empty element for each
    id the piece links to in other pieces, and the ten digits in the book face."""
    outside = set(_HREF.findall(html)) - _ids(html)
    join = (f'<div id="{JOIN_ID}" style="break-before: {"right" if pad else "page"}; '
            'page: auto">'
            f'<p lang="en" style="font-weight: 400; font-style: normal">{DIGITS}</p>'
            f"{_stand_ins(outside)}</div>")
    return Task(name, _inject(html, css=css, end=join), frozenset({*outside, JOIN_ID}))


def _numbered(html: str, where: dict[str, int]) -> str:
    """Each page reference to a known id with its page number as an attribute."""

    def number(match: re.Match[str]) -> str:
        page = where.get(match.group(1))
        return match.group() if page is None else f'{match.group()} {PAGE_ATTRIBUTE}="{page}"'

    return _PAGEREF.sub(number, html)


def plan(prepared: single._Html) -> tuple[list[list[single._Part]], list[single._Part]]:
    """(groups laid out first, the rest): the rest begins with the first text that refers
    to pages of another text; the groups are of whole texts, in order: a text goes with
    the ones before it while they stay within GROUP_CHARS together, else opens a group."""
    body = prepared.body
    cut = len(body)
    for index, part in enumerate(body):
        refs = set(_PAGEREF.findall(str(part.body)))
        if refs - _ids(str(part.body)):
            cut = index
            break
    groups: list[list[single._Part]] = []
    size = 0
    for part in body[:cut]:
        length = len(part.body)
        if not groups or size + length > GROUP_CHARS:
            groups.append([])
            size = 0
        groups[-1].append(part)
        size += length
    return groups, body[cut:]


def _html(prepared: single._Html, parts: list[single._Part], which: str = "body") -> str:
    piece = replace(prepared, body=parts) if which == "body" else prepared
    return single._html(piece, which)


# --- the build -----------------------------------------------------------------------------


@dataclass
class _Pool:
    """Workers and the layout cache: a piece laid out before comes from the cache."""

    executor: ProcessPoolExecutor
    settings: Settings
    store: cache.LayoutStore

    def submit(self, task: Task) -> Future[Laid]:
        found = self.store.get(task.html)
        if found is not None:
            try:
                laid = _from_json(*found)
            except (KeyError, TypeError, ValueError):
                pass  # not what this version writes: lay the piece out again
            else:
                done: Future[Laid] = Future()
                done.set_result(laid)
                return done
        future = self.executor.submit(lay_out, task, self.settings)
        future.add_done_callback(lambda f: self._keep(task, f))
        return future

    def _keep(self, task: Task, future: Future[Laid]) -> None:
        if not future.cancelled() and future.exception() is None:
            laid = future.result()
            self.store.put(task.html, _to_json(laid), laid.data, laid.opened)


def in_pieces(groups: list[list[single._Part]]) -> bool:
    """Whether the book is laid out in pieces: when its texts make two groups or more
    (plan) with PIECES_CHARS of markup in all. A shorter book is faster in one document (the
    pieces' fixed costs and the join are not paid back) and the choice depends on the book
    alone, so its bytes do on every machine."""
    return len(groups) >= 2 and sum(len(p.body) for g in groups for p in g) >= PIECES_CHARS


def layout_processes(jobs: int | None = None) -> int:
    """How many processes lay the pieces out: ``jobs`` when given, else ANTOLOGI_JOBS when
    it is a number, else the cores this process may run on."""
    if jobs is not None and jobs > 0:
        return jobs
    setting = os.environ.get("ANTOLOGI_JOBS", "").strip()
    if setting.isdigit() and int(setting) > 0:
        return int(setting)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _warm_up() -> list[str]:
    """In a layout process, before its first piece: WeasyPrint imported and corrected."""
    import weasyprint  # noqa: F401

    return weasyfix.apply()


def likely_in_pieces(manifest: Manifest) -> bool:
    """Whether the book will most likely be laid out in pieces, guessed from the size of its
    texts before they are read (markup is longer than Markdown): only for starting the
    layout processes early, never for what is laid out how (that is in_pieces)."""
    size = 0
    for chapter in manifest.chapters:
        with contextlib.suppress(OSError):
            size += (manifest.root / chapter.file).stat().st_size
    return size >= PIECES_CHARS


class Workers:
    """The layout processes. Forked as soon as the build knows it makes the PDF of a long
    book, they import and correct WeasyPrint while the book is read and prepared; the
    build's main process then never imports WeasyPrint for a book laid out in pieces."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = layout_processes(jobs)
        # Forked: quick to start, and a test forks with the terminal's ticker running
        # (progress.py takes its lock around a fork).
        self.executor = ProcessPoolExecutor(max_workers=self.jobs,
                                            mp_context=multiprocessing.get_context("fork"))
        self._warm = [self.executor.submit(_warm_up) for _ in range(self.jobs)]

    def problems(self) -> list[str]:
        """What the correction of WeasyPrint's footnote layout found (see weasyfix)."""
        return sorted({problem for done in self._warm for problem in done.result()})

    def shutdown(self, wait: bool = True) -> None:
        self.executor.shutdown(wait=wait, cancel_futures=True)


class Pieces:
    """The PDF laid out in pieces (module docstring), in steps: constructing it starts the
    groups' layout, pages() lays out the back and front matter and starts the join,
    result() waits for the join. NotJoinable from any step: lay the book out in one
    document instead."""

    def __init__(self, book: m.Book, timestamp: dt.datetime, workers: Workers,
                 prepared: single._Html,
                 planned: tuple[list[list[single._Part]], list[single._Part]]) -> None:
        self.report = Report()
        self._workers = workers
        check_glyphs(book, tuple(single.FONT_DIR / name for name in single.FONT_FILES),
                     single.FONT_NAME, self.report)
        options = book.manifest.pdf
        variant = None if options.variant == "none" else options.variant
        self._settings = Settings(book.manifest.root, variant,
                                  single._tagged(options.variant), int(timestamp.timestamp()))
        self._book = book
        self._stamp = timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        self._prepared = prepared
        self._groups, self._rest = planned
        self._store = cache.LayoutStore(book.manifest.root, _layout_key(self._settings))
        self._executor = workers.executor  # the groups, then the back and the front matter
        self._pool = _Pool(self._executor, self._settings, self._store)
        self._tasks = [_task(f"group {n + 1}", _html(prepared, parts), pad=self._pad(n))
                       for n, parts in enumerate(self._groups)]
        self._futures = [self._pool.submit(task) for task in self._tasks]
        self._laid: single.PdfResult | None = None
        # The join takes the groups in book order, each as soon as it and those before it
        # are laid out (or taken from the cache): the first ones now, while the others
        # are laid out. In this order the bytes are the same whatever came from the cache
        # (qpdf numbers the objects, and so fills its object streams, in the order they
        # were copied in).
        self._joining: Joining | None = Joining()
        self._fed = 0  # groups given to the join, in order
        self._streaming = book.manifest.pdf.long_notes != "endnotes"
        self._front_pages = 0
        if self._streaming:
            try:
                for index, future in enumerate(self._futures):
                    if not future.done() or future.exception() is not None:
                        break
                    self._feed(index, future.result())
            except BaseException:
                self.cancel()
                raise

    def _pad(self, index: int) -> bool:
        """Each group ends on a verso, as the next text opens on a recto; the last one only
        if something follows it (a book ends on its last printed page)."""
        return bool(self._rest) or index < len(self._groups) - 1

    def pages(self) -> single.PdfResult:
        """The book's pages as one document would have them; ``data`` stays empty until
        result()."""
        if self._laid is None:
            try:
                self._laid = self._lay_out()
            except BrokenProcessPool as exc:  # a worker killed (out of memory, say)
                self.cancel()
                raise NotJoinable(f"a layout process ended: {exc}") from exc
            except BaseException:
                self.cancel()
                raise
        return self._laid

    def result(self) -> single.PdfResult:
        laid = self.pages()
        assert self._joining is not None
        try:
            return replace(laid, data=self._joining.result(self._front_pages))
        finally:
            self._joining = None

    def cancel(self) -> None:
        for future in self._futures:
            future.cancel()
        self._executor.shutdown(wait=True, cancel_futures=True)
        if self._joining is not None:
            self._joining.cancel()
            self._joining = None

    def _lay_out(self) -> single.PdfResult:
        book, pool, rest = self._book, self._pool, self._rest
        single.report_uncorrected(self.report, self._workers.problems())
        laid = self._wait_for_groups()
        prepared = single._prepare(book, self._stamp) if any(x.endnotes for x in laid) \
            else self._prepared
        starts = [1]
        for piece in laid:
            starts.append(starts[-1] + piece.kept)
        where: dict[str, int] = {}  # id -> body page
        for piece, first in zip(laid, starts, strict=False):
            for index, names in enumerate(piece.anchors):
                for name in names:
                    where.setdefault(name, first + index)
        tail: Laid | None = None
        tail_future = None
        if rest:
            # The page references as literal numbers: an attribute on each link and one
            # rule (a rule per reference, 555 in the 801-page book's reading list, were
            # each tried on every element: its 7 pages took 1.63 s instead of 1.48 s).
            css = (f"@page :first {{ counter-reset: page {starts[-1]}; }}\n"
                   f"a.pageref[{PAGE_ATTRIBUTE}]::after {{ content: attr({PAGE_ATTRIBUTE}); }}")
            tail_future = pool.submit(_task("back", _numbered(_html(prepared, rest), where),
                                            css))
            for part in rest[:1]:
                if part.head is not None:
                    where.setdefault(part.head.id, starts[-1])
        if len(rest) > 1 and tail_future is not None:
            tail = tail_future.result()  # the contents need the pages of all of them
            for index, names in enumerate(tail.anchors):
                for name in names:
                    where.setdefault(name, starts[-1] + index)
        for entry in prepared.toc:
            if entry.kind != "front" and entry.id in where:
                entry.page = str(where[entry.id])
        front: Laid | None = None
        if prepared.front:  # padded to an even page count: the body's page 1 is a recto
            front = pool.submit(_task("front", _html(prepared, [], "front"), pad=True)
                                ).result()
        if tail_future is not None and tail is None:
            tail = tail_future.result()
        assert self._joining is not None  # the back matter, then the front matter
        if tail is not None:
            self._joining.add(Piece(tail.data, tail.kept), len(laid) + 1)
        if front is not None:
            self._joining.add(Piece(front.data, front.kept, catalogue=True), 0)
        self._executor.shutdown(wait=True)
        self._store.keep_only_used()
        return self._result(front, laid, tail, starts)

    def _feed(self, index: int, piece: Laid) -> None:
        """A group to the join, at its place in the book (the front matter is at 0)."""
        if index < self._fed:
            return
        if self._pad(index) and piece.kept % 2:
            raise NotJoinable("a group does not end on a verso")
        assert self._joining is not None and index == self._fed
        self._fed += 1
        self._joining.add(Piece(piece.data, piece.kept, True, piece.folios,
                                catalogue=index == 0 and not self._prepared.front), index + 1)

    def _wait_for_groups(self) -> list[Laid]:
        laid: list[Laid] = []
        for index, future in enumerate(self._futures):
            laid.append(future.result())
            if self._streaming:  # joined while the next ones are laid out
                self._feed(index, laid[-1])
        if self._streaming:
            return laid
        for index, parts in enumerate(self._groups):
            moved: list[str] = []
            for _round in range(single._ENDNOTE_ROUNDS):
                first = single.move_to_end(self._book, laid[index].misplaced)
                if first is None:
                    break
                moved.append(first)
                again = single._prepare(self._book, self._stamp)
                ids = {p.head.id for p in parts if p.head is not None}
                part_now = [p for p in again.body if p.head is not None and p.head.id in ids]
                laid[index] = self._pool.submit(_task(
                    f"group {index + 1}", _html(again, part_now), pad=self._pad(index))
                ).result()
            laid[index].endnotes = moved
        for index, piece in enumerate(laid):  # the groups as their notes left them
            self._feed(index, piece)
        return laid

    def _result(self, front: Laid | None, groups: list[Laid], tail: Laid | None,
                starts: list[int]) -> single.PdfResult:
        """What a single layout would have told the build (the join goes on)."""
        report = self.report
        pieces = [*(p for p in (front,) if p), *groups, *(p for p in (tail,) if p)]
        front_pages = front.kept if front else 0
        body_pages = sum(p.kept for p in groups) + (tail.kept if tail else 0)
        labels = single.page_labels(front_pages, body_pages)
        seen_diagnostics: set[Diagnostic] = set()
        for piece in pieces:
            for diagnostic in piece.diagnostics:
                if diagnostic not in seen_diagnostics:
                    seen_diagnostics.add(diagnostic)
                    report.add(diagnostic)
        cache.note_read(Path(p) for piece in pieces for p in piece.opened)
        self._front_pages = front_pages
        offset = 0
        breaks: list[Break] = []
        starts_out: list[list[str]] = []
        blank: list[bool] = []
        seen: set[str] = set()
        misplaced: list[tuple[str, int, int]] = []
        total = 0
        for piece in pieces:
            breaks += [Break(b.page + offset, b.lang, b.before, b.after) for b in piece.breaks]
            for names in piece.anchors:
                new = [name for name in names if name not in seen]
                seen.update(new)
                starts_out.append(new)
                blank.append(not names)
            misplaced += [(key, call + offset, note + offset if note else 0)
                          for key, call, note in piece.misplaced]
            total += piece.notes
            offset += piece.kept
        single.report_misplaced(self._book, report, misplaced, labels)
        return single.PdfResult(b"", breaks, PrintPages(labels, starts_out, blank),
                                front_pages, (total - len(misplaced), total))


def _layout_key(settings: Settings) -> str:
    return hashlib.sha256(json.dumps([
        cache.tool_key(), str(settings.root), settings.variant, settings.tagged,
        settings.epoch]).encode("utf-8")).hexdigest()
