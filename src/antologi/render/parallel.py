"""The PDF laid out in parallel: groups of texts in worker processes, joined as PDFs.

WeasyPrint lays out one document on one core (about 14 pages a second here), so a long
book is laid out in pieces. Pieces are joined at the PDF level, not with Document.copy()
across documents, which WeasyPrint's maintainers call "logically broken" (fonts, metadata:
Kozea/WeasyPrint#1662, #1180). Texts open on a recto, so a piece's pages do not depend on
where it starts; what does (the folios, the contents, page references) is settled without
laying any text out twice:

1. The body's texts are cut into groups of about ``GROUP_CHARS`` characters of markup,
   decided by the book alone (the same groups, and bytes, on any machine and with any
   number of processes). Each group is laid out in a worker with its folios counted from
   1. A last page, dropped in the join, carries what the group needs from the rest of the
   book: the recto padding (the blank verso WeasyPrint inserts before the next text), an
   empty element for each id the group links to elsewhere (WeasyPrint drops a link to an id
   it does not know) and the ten digits in the book face (so that every folio can be
   renumbered with glyphs of the group's own font subset).
2. The texts from the first one with a page reference into another text on (the reading
   list) are laid out next as one piece, with their real first folio (a page counter-reset
   in an @page rule, see upstream-notes.md) and the references as literal numbers; the
   front matter at the same time, with the contents' numbers.
3. The join (pypdf): the pages, each group's folios renumbered in its content streams, one
   structure tree (PDF/UA: the groups' trees under one Document element, their parent-tree
   keys renumbered), the named destinations, the bookmarks, the page labels, the catalogue
   and metadata of the front matter's document, and the book face's subsets merged so that
   each face is embedded once.

A group laid out once is kept in the build cache (cache.py) under the hash of its markup
and the files it read: editing one text lays out its group, the reading list and the front
matter again; the other groups come from the cache and are renumbered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import multiprocessing
import re
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import cache
from .. import model as m
from ..diagnostics import Diagnostic, Report
from ..resources import PACKAGE_DIR, Sandbox, font_dir
from . import pdf as single
from . import weasyfix
from .fetcher import ProjectFetcher
from .footnote_check import misplaced_notes
from .glyphs import check_glyphs
from .linebreaks import Break, hyphenated_breaks
from .pagemap import PrintPages

if TYPE_CHECKING:
    from pikepdf import Object, Page, Pdf

GROUP_CHARS = 90_000
"""Characters of a group's markup: about 40 pages of this book's measure, enough to make a
worker's fixed cost (fonts, stylesheets, PDF writing: ~0.7 s) small beside its layout."""

DIGITS = "0123456789"
JOIN_ID = "antologi-join-page"
_HREF = re.compile(r'href="#([^"]+)"')
_ID = re.compile(r'\bid="([^"]+)"')
_PAGEREF = re.compile(r'<a class="pageref" href="#([^"]+)"')


class NotJoinable(Exception):
    """The book cannot be laid out in pieces (the caller lays it out in one document)."""


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

    weasyfix.apply()
    report = Report()
    logger = logging.getLogger("weasyprint")
    handler = single._CollectCssProblems(report)
    logger.addHandler(handler)
    root = settings.root
    sandbox = Sandbox(roots=(root, PACKAGE_DIR, font_dir()), excluded=(root / "build",))
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


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def plan(prepared: single._Html) -> tuple[list[list[single._Part]], list[single._Part]]:
    """(groups laid out first, the rest): the rest begins with the first text that refers
    to pages of another text; the groups are cut at texts, GROUP_CHARS apiece."""
    body = prepared.body
    cut = len(body)
    for index, part in enumerate(body):
        refs = set(_PAGEREF.findall(str(part.body)))
        if refs - _ids(str(part.body)):
            cut = index
            break
    groups: list[list[single._Part]] = []
    size = GROUP_CHARS
    for part in body[:cut]:
        if size >= GROUP_CHARS:
            groups.append([])
            size = 0
        groups[-1].append(part)
        size += len(part.body)
    return groups, body[cut:]


def _html(prepared: single._Html, parts: list[single._Part], which: str = "body",
          pad: bool = False) -> str:
    piece = replace(prepared, body=parts) if which == "body" else prepared
    return single._html(piece, which, pad)


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


def render_parallel(book: m.Book, timestamp: dt.datetime, report: Report,
                    jobs: int) -> single.PdfResult:
    """The same PDF properties as render_pdf, laid out by ``jobs`` processes."""
    for problem in weasyfix.apply():
        report.warning("P005", f"WeasyPrint's footnote layout is not corrected: {problem}",
                       None, "footnotes may stand a page after their calls; use the "
                       "WeasyPrint version antologi pins")
    check_glyphs(book, tuple(font_dir() / name for name in single.FONT_FILES),
                 single.FONT_NAME, report)
    options = book.manifest.pdf
    variant = None if options.variant == "none" else options.variant
    settings = Settings(book.manifest.root, variant, single._tagged(options.variant),
                        int(timestamp.timestamp()))
    stamp = timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    context = multiprocessing.get_context("fork")  # workers inherit the corrected WeasyPrint
    store = cache.LayoutStore(book.manifest.root, _layout_key(settings))
    try:
        return _render(book, report, settings, stamp, context, store, jobs)
    except BrokenProcessPool as exc:  # a worker killed (out of memory, say)
        raise NotJoinable(f"a layout process ended: {exc}") from exc


def _render(book: m.Book, report: Report, settings: Settings, stamp: str,
            context: multiprocessing.context.BaseContext, store: cache.LayoutStore,
            jobs: int) -> single.PdfResult:
    options = book.manifest.pdf
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as executor:
        pool = _Pool(executor, settings, store)
        prepared = single._prepare(book, stamp)
        groups, rest = plan(prepared)
        laid = _lay_out_groups(book, prepared, pool, groups, options.long_notes, stamp,
                               bool(rest))
        prepared = single._prepare(book, stamp) if any(x.endnotes for x in laid) else prepared
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
            refs = sorted(set().union(*(_PAGEREF.findall(str(p.body)) for p in rest)))
            css = "\n".join(
                [f"@page :first {{ counter-reset: page {starts[-1]}; }}"]
                + [f'a.pageref[href="#{ref}"]::after {{ content: {_css_string(str(where[ref]))}; }}'
                   for ref in refs if ref in where])
            tail_future = pool.submit(_task("back", _html(prepared, rest), css))
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
        if prepared.front:
            front = pool.submit(_task("front", _html(prepared, [], "front"))).result()
            if front.kept % 2:  # keep the body's page 1 a recto
                front = pool.submit(_task("front", _html(prepared, [], "front", pad=True))
                                    ).result()
        if tail_future is not None and tail is None:
            tail = tail_future.result()
    store.keep_only_used()
    return _result(book, report, front, laid, tail, starts)


def _lay_out_groups(book: m.Book, prepared: single._Html, pool: _Pool,
                    groups: list[list[single._Part]], long_notes: str, stamp: str,
                    followed: bool) -> list[Laid]:
    """The groups, each padded to end on a verso as the next text opens on a recto; the
    last one only if something follows it (a book ends on its last printed page)."""
    def pad(index: int) -> bool:
        return followed or index < len(groups) - 1

    tasks = [_task(f"group {n + 1}", _html(prepared, parts), pad=pad(n))
             for n, parts in enumerate(groups)]
    futures = [pool.submit(task) for task in tasks]
    laid = [future.result() for future in futures]
    if any(piece.kept % 2 for n, piece in enumerate(laid) if pad(n)):
        raise NotJoinable("a group does not end on a verso")
    if long_notes != "endnotes":
        return laid
    for index, parts in enumerate(groups):
        moved: list[str] = []
        for _round in range(single._ENDNOTE_ROUNDS):
            if not laid[index].misplaced:
                break
            first = min(laid[index].misplaced, key=lambda item: item[1])[0]
            _mark_endnote(book, first)
            moved.append(first)
            again = single._prepare(book, stamp)
            ids = {p.head.id for p in parts if p.head is not None}
            part_now = [p for p in again.body if p.head is not None and p.head.id in ids]
            laid[index] = pool.submit(_task(f"group {index + 1}", _html(again, part_now),
                                            pad=pad(index))).result()
        laid[index].endnotes = moved
    return laid


def _mark_endnote(book: m.Book, note_id: str) -> None:
    for chapter in book.documents:
        for note in chapter.footnotes:
            if note.id == note_id:
                note.endnote = True


def _layout_key(settings: Settings) -> str:
    return hashlib.sha256(json.dumps([
        cache.tool_key(), str(settings.root), settings.variant, settings.tagged,
        settings.epoch]).encode("utf-8")).hexdigest()


def _result(book: m.Book, report: Report, front: Laid | None, groups: list[Laid],
            tail: Laid | None, starts: list[int]) -> single.PdfResult:
    """Join the pieces and tell the build what a single layout would have told it."""
    pieces = [*(p for p in (front,) if p), *groups, *(p for p in (tail,) if p)]
    front_pages = front.kept if front else 0
    body_pages = sum(p.kept for p in groups) + (tail.kept if tail else 0)
    labels = ([single._roman(n) for n in range(1, front_pages + 1)]
              + [str(n) for n in range(1, body_pages + 1)])
    seen_diagnostics: set[Diagnostic] = set()
    for piece in pieces:
        for diagnostic in piece.diagnostics:
            if diagnostic not in seen_diagnostics:
                seen_diagnostics.add(diagnostic)
                report.add(diagnostic)
    cache.note_read(Path(p) for piece in pieces for p in piece.opened)
    joined = [_Piece(front.data, front.kept)] if front else []
    joined += [_Piece(p.data, p.kept, first, p.folios)
               for p, first in zip(groups, starts, strict=False)]
    if tail:
        joined.append(_Piece(tail.data, tail.kept))
    data = join(joined, front_pages)
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
    spans = single._note_spans(book)
    for note_id, call_page, note_page in misplaced:
        report.warning("P004", f"a footnote stands on page {labels[note_page - 1]}, its call "
                       f"on page {labels[call_page - 1]}", spans.get(note_id),
                       "shorten the note or the paragraph before it; with pdf.long_notes: "
                       "endnotes such notes go to the end of the chapter")
    return single.PdfResult(data, breaks, PrintPages(labels, starts_out, blank), front_pages,
                            (total - len(misplaced), total))


# --- the join ------------------------------------------------------------------------------
# pikepdf (qpdf) and not pypdf: pypdf parses every object of every piece in Python and took
# 8.5 s to join 260 pages; qpdf joins them in 0.6 s.


@dataclass(frozen=True)
class _Piece:
    data: bytes
    kept: int  # its first pages that go into the book
    first_folio: int = 0  # a group's first body page: its folios are renumbered from it
    folios: list[bool] = field(default_factory=list)


_TEXT = re.compile(rb"BT\n1 0 0 -1 (-?[\d.]+) (-?[\d.]+) Tm\n/(\S+) ([\d.]+) Tf\n"
                   rb"\[([^\]]*)\] TJ\nET")
_TJ = re.compile(rb"<([0-9a-fA-F]*)>|(-?[\d.]+)")
_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def join(pieces: list[_Piece], front_pages: int) -> bytes:
    """One PDF of the pieces' kept pages, with what WeasyPrint writes for one document."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    book = pikepdf.new()
    kids = Array()
    nums = Array()
    names: dict[str, Object] = {}
    outline: list[tuple[Pdf, int, int]] = []  # (source, its pages kept, book offset)
    key_base = 0
    sources = [pikepdf.open(io.BytesIO(piece.data)) for piece in pieces]
    for source, piece in zip(sources, pieces, strict=True):
        if len(source.pages) != piece.kept + 1:  # its pages and the join page
            raise NotJoinable("a piece has not the pages it was recorded with")
        offset = len(book.pages)
        kept: set[tuple[int, int]] = {tuple(source.pages[i].objgen)  # type: ignore[misc]
                                      for i in range(piece.kept)}
        tree = source.Root.get("/StructTreeRoot")
        top = _detach_structure(tree, kept) if tree is not None else []
        for index in range(piece.kept):
            book.pages.append(source.pages[index])
        pages = [book.pages[offset + i] for i in range(piece.kept)]
        if piece.first_folio:
            _renumber(pages, piece.first_folio, piece.folios)
        if tree is not None:
            kids.extend(_copy(book, kid) for kid in top)
            key_base = _parent_tree(book, tree, len(source.pages), piece.kept, kept, pages,
                                    key_base, nums)
        _names(book, source, kept, names)
        outline.append((source, piece.kept, offset))
    first = sources[0].Root
    for key in map(str, first.keys()):  # /Lang, /MarkInfo, /Metadata, /OutputIntents …
        if key not in ("/Type", "/Pages", "/Outlines", "/Names", "/StructTreeRoot",
                       "/PageLabels"):
            book.Root[key] = _copy(book, first[key])
    if "/Info" in sources[0].trailer:
        book.trailer.Info = _copy(book, sources[0].trailer.Info)
    if len(kids):
        root = book.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        document = book.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document,
                                                 K=kids, P=root))
        _set_parents(kids, document)
        root.K = Array([document])
        root.ParentTree = book.make_indirect(Dictionary(Nums=nums))
        root.ParentTreeNextKey = key_base
        book.Root.StructTreeRoot = root
    if names:
        flat = Array()
        for name in sorted(names):
            flat.extend([pikepdf.String(name), names[name]])
        book.Root.Names = Dictionary(Dests=book.make_indirect(Dictionary(Names=flat)))
    labels: list[Any] = [0, Dictionary(S=Name.r)] if front_pages else []
    labels += [front_pages, Dictionary(S=Name.D)]
    book.Root.PageLabels = Dictionary(Nums=Array(labels))
    _outline(book, outline)
    _share_fonts(book)
    out = io.BytesIO()
    book.save(out, min_version=max(str(s.pdf_version) for s in sources),
              object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True,
              fix_metadata_version=False)
    return out.getvalue()


def _copy(book: Pdf, value: Object) -> Object:
    """A piece's object in the book: indirect ones through qpdf's foreign-object copy
    (which maps each object of a piece to one copy: the pages copied before are the pages
    the copies point to), direct arrays and dictionaries item by item."""
    from pikepdf import Array, Dictionary

    if isinstance(value, (Array, Dictionary)) and not value.is_indirect:
        if isinstance(value, Array):
            return Array([_copy(book, item) for item in value])
        return Dictionary({key: _copy(book, item) for key, item in value.items()})
    if getattr(value, "is_indirect", False):
        return book.copy_foreign(value)
    return value


def _detach_structure(tree: Object, kept: set[tuple[int, int]]) -> list[Object]:
    """The piece's top structure elements on kept pages, each element's /P removed (set
    again under the book's Document element once copied: copied along, it would bring the
    piece's whole tree, the join page's elements with it)."""
    from pikepdf import Array, Dictionary

    document = tree.K[0] if isinstance(tree.K, Array) else tree.K
    top = [kid for kid in document.K if "/Pg" not in kid or kid.Pg.objgen in kept]
    stack = list(document.K)
    while stack:
        element = stack.pop()
        if not isinstance(element, Dictionary) or "/S" not in element:
            continue
        if "/P" in element:
            del element["/P"]
        children = element.get("/K")
        if children is not None:
            stack.extend(children if isinstance(children, Array) else [children])
    return top


def _parent_tree(book: Pdf, tree: Object, total: int, kept_count: int,
                 kept: set[tuple[int, int]], pages: list[Page], key_base: int,
                 nums: Object) -> int:
    """The piece's parent-tree entries (one per page, then one per link) and the pages' and
    links' keys, moved past the pieces before it; returns the next free key."""
    from pikepdf import Array, Dictionary

    entries = tree.ParentTree.Nums
    highest = -1
    for index in range(0, len(entries), 2):
        key, value = int(entries[index]), entries[index + 1]
        highest = max(highest, key)
        first = value[0] if isinstance(value, Array) and len(value) else value
        where = first.get("/Pg") if isinstance(first, Dictionary) else None
        if kept_count <= key < total or (where is not None and where.objgen not in kept):
            continue
        nums.append(key_base + key)
        nums.append(_copy(book, value))
    for index, page in enumerate(pages):
        page.obj.StructParents = key_base + int(page.obj.get("/StructParents", index))
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = key_base + int(annotation.StructParent)
    return key_base + highest + 1


def _set_parents(kids: Object, parent: Object) -> None:
    """Each structure element points to its parent again."""
    from pikepdf import Array, Dictionary

    stack = [(kid, parent) for kid in kids]
    while stack:
        element, above = stack.pop()
        if not isinstance(element, Dictionary) or "/S" not in element:
            continue  # a marked-content id, a marked-content or object reference
        element.P = above
        children = element.get("/K")
        if children is not None:
            items = children if isinstance(children, Array) else [children]
            stack.extend((child, element) for child in items)


def _names(book: Pdf, source: Pdf, kept: set[tuple[int, int]],
           names: dict[str, Object]) -> None:
    """The piece's named destinations on kept pages: those of the stand-ins on its join
    page are left out, so links across pieces find the real ones."""
    if "/Names" not in source.Root or "/Dests" not in source.Root.Names:
        return
    dests = source.Root.Names.Dests
    if "/Kids" in dests:
        raise NotJoinable("a name tree with kids")
    flat: Any = dests.get("/Names", [])
    for index in range(0, len(flat), 2):
        name, dest = str(flat[index]), flat[index + 1]
        if dest[0].objgen in kept and name not in names:
            names[name] = _copy(book, dest)


def _outline(book: Pdf, sources: list[tuple[Pdf, int, int]]) -> None:
    from pikepdf import OutlineItem

    def copy(items: list, into: list, source: Pdf, kept: int, offset: int) -> None:
        for item in items:
            dest = item.destination
            if dest is None or not hasattr(dest, "__len__"):
                continue
            index = _page_index(source, dest[0])
            if index is None or index >= kept:
                continue
            new = OutlineItem(item.title, offset + index, "XYZ", left=float(dest[2]),
                              top=float(dest[3]), zoom=float(dest[4]))
            new.is_closed = item.is_closed
            copy(item.children, new.children, source, kept, offset)
            into.append(new)

    with book.open_outline() as target:
        for source, kept, offset in sources:
            with source.open_outline() as outline:
                copy(outline.root, target.root, source, kept, offset)


def _page_index(source: Pdf, page: Object) -> int | None:
    for index, candidate in enumerate(source.pages):
        if candidate.objgen == page.objgen:
            return index
    return None


def _texts(font: Object) -> dict[int, str]:
    """glyph id -> the text it stands for, from a WeasyPrint Type 0 font's ToUnicode."""
    return {int(gid, 16): bytes.fromhex(text.decode()).decode("utf-16-be")
            for gid, text in _BFCHAR.findall(font.ToUnicode.read_bytes())}


def _widths(font: Object) -> dict[int, float]:
    """glyph id -> width, from the descendant font's /W."""
    from pikepdf import Array

    widths: dict[int, float] = {}
    items = list(font.DescendantFonts[0].get("/W", []))
    index = 0
    while index < len(items):
        first, rest = int(items[index]), items[index + 1]
        if isinstance(rest, Array):
            for n, width in enumerate(rest):
                widths[first + n] = float(width)
            index += 2
        else:
            for gid in range(first, int(rest) + 1):
                widths[gid] = float(items[index + 2])
            index += 3
    return widths


def _renumber(pages: list[Page], first: int, folios: list[bool]) -> None:
    """A group's folios were counted from 1: print first, first + 1, … in their place.
    The folio is the lowest line of text on its page (the bottom-centre margin box); its
    glyphs are checked against the number expected before anything is replaced."""
    maps: dict[tuple[int, int], tuple[dict[str, int], dict[int, float]]] = {}
    for index, (page, has_folio) in enumerate(zip(pages, folios, strict=True)):
        if not has_folio:
            continue
        data = page.obj.Contents.read_bytes()
        found = list(_TEXT.finditer(data))
        if not found:
            raise NotJoinable(f"no folio on page {index + 1} of a group")
        match = max(found, key=lambda m: float(m.group(2)))
        size = float(match.group(4))
        font = page.obj.Resources.Font[f"/{match.group(3).decode()}"]
        if font.objgen not in maps:
            chars: dict[str, int] = {}
            for gid, text in sorted(_texts(font).items()):
                chars.setdefault(text, gid)
            maps[font.objgen] = (chars, _widths(font))
        chars, widths = maps[font.objgen]
        glyphs, shifts = [], []
        for hexa, number in _TJ.findall(match.group(5)):
            if number:
                shifts.append(float(number))
            elif hexa:
                glyphs += [int(hexa[i:i + 4], 16) for i in range(0, len(hexa), 4)]
        if glyphs != [chars.get(c) for c in str(index + 1)]:
            raise NotJoinable(f"the folio of page {index + 1} of a group is not where "
                              "it was looked for")
        wanted = [chars[c] for c in str(first + index) if c in chars]
        if len(wanted) != len(str(first + index)) or any(g not in widths for g in wanted):
            raise NotJoinable("a digit is missing from a group's font")
        old = (sum(widths[g] for g in glyphs) - sum(shifts)) / 1000 * size
        new = sum(widths[g] for g in wanted) / 1000 * size
        x = float(match.group(1)) + (old - new) / 2
        shown = b"".join(f"<{g:04x}>0".encode() for g in wanted)
        replacement = (f"BT\n1 0 0 -1 {x:.6f} ".encode() + match.group(2) + b" Tm\n/"
                       + match.group(3) + b" " + match.group(4) + b" Tf\n[" + shown
                       + b"] TJ\nET")
        page.obj.Contents.write(data[:match.start()] + replacement + data[match.end():])


def _share_fonts(book: Pdf) -> None:
    """Each face once: WeasyPrint embeds a subset of the book face per document, with the
    glyph ids of the whole font (HB_SUBSET_FLAGS_RETAIN_GIDS), so the pieces' subsets of a
    face merge into one font program and one font dictionary that every page then uses;
    the pieces' own are no longer referenced, and qpdf writes only what is."""
    faces: dict[str, dict[tuple[int, int], Object]] = {}
    for page in book.pages:
        fonts: Any = page.obj.Resources.get("/Font", {})
        for key in fonts:
            font = fonts[key]
            if font.get("/Subtype") == "/Type0" and font.is_indirect:
                faces.setdefault(str(font.BaseFont), {})[font.objgen] = font
    shared = {}
    for fonts in faces.values():
        if len(fonts) > 1:
            merged = _merge_face(book, list(fonts.values()))
            shared.update(dict.fromkeys(fonts, merged))
    for page in book.pages:
        fonts = page.obj.Resources.get("/Font", {})
        for key in list(fonts.keys()):
            if fonts[key].is_indirect and fonts[key].objgen in shared:
                fonts[key] = shared[fonts[key].objgen]


def _merge_face(book: Pdf, fonts: list[Object]) -> Object:
    """One Type 0 font for the pieces' subsets of one face: the union of their glyphs,
    widths and text mappings."""
    import pikepdf
    from pikepdf import Array, Dictionary

    widths: dict[int, float] = {}
    texts: dict[int, str] = {}
    programs = []
    for font in fonts:
        own = _widths(font)
        widths = {**own, **widths}
        texts = {**_texts(font), **texts}
        descriptor = font.DescendantFonts[0].FontDescriptor
        programs.append((descriptor.FontFile2.read_bytes(), sorted(own)))
    data = _merge_programs(programs)
    program = pikepdf.Stream(book, data)
    program.Length1 = len(data)
    first = fonts[0]
    child = first.DescendantFonts[0]
    descriptor = Dictionary({k: v for k, v in child.FontDescriptor.items()
                             if k != "/FontFile2"})
    descriptor.FontFile2 = program
    runs: list[Any] = []
    for gid in sorted(widths):
        if gid - 1 not in widths:
            runs += [gid, []]
        width = widths[gid]
        runs[-1].append(int(width) if width.is_integer() else width)
    merged_child = Dictionary({k: v for k, v in child.items()
                               if k not in ("/W", "/FontDescriptor")})
    merged_child.W = Array([Array(item) if isinstance(item, list) else item
                            for item in runs])
    merged_child.FontDescriptor = book.make_indirect(descriptor)
    merged = Dictionary({k: v for k, v in first.items()
                         if k not in ("/ToUnicode", "/DescendantFonts")})
    merged.ToUnicode = pikepdf.Stream(book, _to_unicode(texts))
    merged.DescendantFonts = Array([book.make_indirect(merged_child)])
    return book.make_indirect(merged)


def _to_unicode(texts: dict[int, str]) -> bytes:
    """A ToUnicode CMap as WeasyPrint writes one (weasyprint/pdf/fonts.py)."""
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)",
             b"/Supplement 0", b">> def", b"/CMapName /Adobe-Identity-UCS def",
             b"/CMapType 2 def", b"1 begincodespacerange", b"<0000> <ffff>",
             b"endcodespacerange"]
    items = sorted(texts.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{gid:04x}> <{text.encode('utf-16-be').hex()}>".encode()
                  for gid, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _merge_programs(programs: list[tuple[bytes, list[int]]]) -> bytes:
    """The glyphs each subset uses, copied into the largest of them (same glyph order:
    all are subsets of one instance with their glyph ids kept)."""
    from fontTools.ttLib import TTFont

    fonts = []
    for data, used in programs:
        font = TTFont(io.BytesIO(data), recalcTimestamp=False)
        # Names by glyph id, set before any table is read: fontTools otherwise names the
        # glyphs of a 'post' format 3 font after its cmap, which differs from subset to
        # subset.
        font.setGlyphOrder([f"glyph{gid:05d}" for gid in range(font["maxp"].numGlyphs)])
        fonts.append((font, used))
    base = max(fonts, key=lambda item: len(item[0].getGlyphOrder()))[0]
    glyf, hmtx = base["glyf"], base["hmtx"]
    for font, used in fonts:
        if font is base:
            continue
        names = font.getGlyphOrder()
        other_glyf, other_hmtx = font["glyf"], font["hmtx"]
        todo = [names[gid] for gid in used if gid < len(names)]
        while todo:
            name = todo.pop()
            glyph = other_glyf[name]
            if not glyph.numberOfContours or glyf[name].numberOfContours:
                continue
            glyf[name] = glyph
            hmtx[name] = other_hmtx[name]
            if glyph.isComposite():
                todo += glyph.getComponentNames(other_glyf)
    out = io.BytesIO()
    base.save(out)
    return out.getvalue()
