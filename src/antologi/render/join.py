"""The pieces of a PDF laid out apart, joined into one book (render/parallel.py).

Pieces are joined at the PDF level with pikepdf (qpdf), not with WeasyPrint's
Document.copy() across documents, which its maintainers call "logically broken" (fonts,
metadata: Kozea/WeasyPrint#1662, #1180); pypdf parses every object in Python and took 8.5 s
for what qpdf does in 0.6 s. The join writes what WeasyPrint writes for one document: the
pages, each group's folios renumbered in its content streams, one structure tree (PDF/UA:
the pieces' trees under one Document element, their parent-tree keys moved past each
other), the named destinations, the bookmarks, the page labels, the catalogue and metadata
of the first piece, and each face of the book font embedded once.

The join runs in a process of its own (``python -m antologi.render.join``), started without
WeasyPrint or the book: the memory it needs (about 0.2 MB a page: qpdf's objects of the
pieces and of the book) is its own, and the build's main process does not grow by it. It
starts with the layout and is fed piece by piece, each group as soon as it and the groups
before it are laid out, so that most of its work is done while the last pieces are laid
out; the order pieces are fed in never depends on timing or on what the build took from
its cache (the groups, the back matter, then the front matter), so neither do the bytes.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import re
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pikepdf import Object, OutlineItem, Page, Pdf


class NotJoinable(Exception):
    """The book cannot be laid out in pieces (the caller lays it out in one document)."""


@dataclass(frozen=True)
class Piece:
    data: bytes
    kept: int  # its first pages that go into the book
    group: bool = False  # folios counted from 1: renumbered from its first page in the book
    folios: list[bool] = field(default_factory=list)  # a group's pages that print a folio
    catalogue: bool = False  # the book's first piece: its catalogue entries and metadata


_TEXT = re.compile(rb"BT\n1 0 0 -1 (-?[\d.]+) (-?[\d.]+) Tm\n/(\S+) ([\d.]+) Tf\n"
                   rb"\[([^\]]*)\] TJ\nET")
_TJ = re.compile(rb"<([0-9a-fA-F]*)>|(-?[\d.]+)")
_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


class Joining:
    """The join, in a process of its own (see the module's docstring), fed piece by piece
    as the pieces are laid out: add() each piece with its place in the book, in an order
    that does not depend on timing; result() then waits for the PDF."""

    def __init__(self) -> None:
        package = str(Path(__file__).resolve().parents[2])  # the folder that holds antologi
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [package, *filter(None, [os.environ.get("PYTHONPATH")])])}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "antologi.render.join"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)

    @classmethod
    def of(cls, pieces: list[Piece], front_pages: int) -> bytes:
        """The pieces, in book order, joined at positions 0, 1, …: a group (whose folios
        are renumbered) is never the first, which is the front matter's place."""
        joining = cls()
        for position, piece in enumerate(pieces):
            joining.add(piece, position)
        return joining.result(front_pages)

    def add(self, piece: Piece, position: int) -> None:
        self._send(("piece", piece, position))

    def result(self, front_pages: int) -> bytes:
        """The joined PDF; NotJoinable when the pieces cannot be joined."""
        self._send(("end", front_pages))
        stdin = self._process.stdin
        if stdin is not None:
            stdin.close()
            self._process.stdin = None  # communicate() only reads
        out, err = self._process.communicate()
        if self._process.returncode == _NOT_JOINABLE:
            raise NotJoinable(err.decode("utf-8", "replace").strip())
        if self._process.returncode != 0:
            raise RuntimeError("joining the PDF's pieces failed:\n"
                               + err.decode("utf-8", "replace")[-3000:])
        return out

    def cancel(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):
                self._process.stdin.close()
            self._process.stdin = None
        self._process.communicate()

    def _send(self, message: tuple) -> None:
        stdin = self._process.stdin
        if stdin is None:
            return
        try:
            pickle.dump(message, stdin)
            stdin.flush()
        except BrokenPipeError:  # it ended: result() tells why
            with contextlib.suppress(OSError):
                stdin.close()
            self._process.stdin = None


_NOT_JOINABLE = 3


@dataclass
class _Placed:
    """A piece in the book (_Book.placed, by position): its pages there, its parent-tree
    entries."""

    piece: Piece
    pages: list[Page]
    keys: int = 0  # the parent-tree keys it uses (0 up to its highest)
    nums: list[tuple[int, Object]] = field(default_factory=list)  # (its own key, value)
    renumbered: bool = False


class _Book:
    """The book being joined. Each piece goes to its place, whatever the order it comes in
    (the front matter comes last): its pages, its structure elements and its bookmarks at
    its position in the book. The body's pieces are at positions 1, 2, …, the front matter
    at 0: a group's folios are renumbered as soon as all pieces before it are in (its first
    folio is the pages before it, plus one), and the parent-tree keys are given in book
    order at the end. The bytes still depend on the order pieces come in (qpdf fills its
    object streams in the order objects were copied in): the build keeps it fixed."""

    def __init__(self) -> None:
        import pikepdf

        self.pdf = pikepdf.new()
        self.placed: dict[int, _Placed] = {}
        self.kids: dict[int, list[Object]] = {}
        self.names: dict[int, dict[str, Object]] = {}
        self.outline: dict[int, list[OutlineItem]] = {}
        self.faces: dict[tuple[int, int], _Face | None] = {}
        self.largest: dict[str, _Program] = {}  # by face: the subset the others merge into
        self.version = "1.0"

    def add(self, piece: Piece, position: int) -> None:
        import pikepdf
        from pikepdf import Array

        book = self.pdf
        source = pikepdf.open(io.BytesIO(piece.data))
        if len(source.pages) != piece.kept + 1:  # its pages and the join page
            raise NotJoinable("a piece has not the pages it was recorded with")
        if position in self.placed:
            raise NotJoinable(f"two pieces at position {position}")
        self.version = max(self.version, str(source.pdf_version))
        offset = sum(p.piece.kept for where, p in self.placed.items() if where < position)
        kept: set[tuple[int, int]] = {tuple(source.pages[i].objgen)  # type: ignore[misc]
                                      for i in range(piece.kept)}
        tree = source.Root.get("/StructTreeRoot")
        top = _detach_structure(tree, kept) if tree is not None else []
        for index in range(piece.kept):
            book.pages.insert(offset + index, source.pages[index])
        placed = _Placed(piece, [book.pages[offset + i] for i in range(piece.kept)])
        self.placed[position] = placed
        if tree is not None:
            if top:  # copied in one call, as in _parent_tree
                self.kids[position] = list(book.copy_foreign(source.make_indirect(Array(top))))
            _parent_tree(book, source, tree, placed)
        self.names[position] = _names(book, source, kept)
        self.outline[position] = _outline_items(source, piece.kept, placed.pages)
        if piece.catalogue:
            for key in map(str, source.Root.keys()):  # /Lang, /MarkInfo, /Metadata …
                if key not in ("/Type", "/Pages", "/Outlines", "/Names", "/StructTreeRoot",
                               "/PageLabels"):
                    book.Root[key] = _copy(book, source.Root[key])
            if "/Info" in source.trailer:
                book.trailer.Info = _copy(book, source.trailer.Info)
        _read_faces(placed.pages, self.faces, self.largest)
        self._renumber_ready()

    def _renumber_ready(self) -> None:
        """The groups whose pieces before them are all in, renumbered."""
        first = 1
        for position in range(1, max(self.placed, default=0) + 1):
            placed = self.placed.get(position)
            if placed is None:
                return
            if placed.piece.group and not placed.renumbered:
                _renumber(placed.pages, first, placed.piece.folios)
                placed.renumbered = True
            first += placed.piece.kept

    def finish(self, front_pages: int) -> bytes:
        import pikepdf
        from pikepdf import Array, Dictionary, Name

        book = self.pdf
        if any(p.piece.group and not p.renumbered for p in self.placed.values()):
            raise NotJoinable("a piece of the body is missing")
        nums = Array()
        base = 0
        for position in sorted(self.placed):  # the parent-tree keys, in book order
            placed = self.placed[position]
            for page in placed.pages:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = base + int(page.obj.StructParents)
                for annotation in page.obj.get("/Annots", []):
                    if "/StructParent" in annotation:
                        annotation.StructParent = base + int(annotation.StructParent)
            for key, value in placed.nums:
                nums.append(base + key)
                nums.append(value)
            base += placed.keys
        kids = Array([kid for position in sorted(self.kids) for kid in self.kids[position]])
        if len(kids):
            root = book.make_indirect(Dictionary(Type=Name.StructTreeRoot))
            document = book.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document,
                                                     K=kids, P=root))
            _set_parents(kids, document)
            root.K = Array([document])
            root.ParentTree = book.make_indirect(Dictionary(Nums=nums))
            root.ParentTreeNextKey = base
            book.Root.StructTreeRoot = root
        names: dict[str, Object] = {}
        for position in sorted(self.names):  # a name on two pieces' pages: the first one
            for name, dest in self.names[position].items():
                names.setdefault(name, dest)
        if names:
            flat = Array()
            for name in sorted(names):
                flat.extend([pikepdf.String(name), names[name]])
            book.Root.Names = Dictionary(Dests=book.make_indirect(Dictionary(Names=flat)))
        labels: list[Any] = [0, Dictionary(S=Name.r)] if front_pages else []
        labels += [front_pages, Dictionary(S=Name.D)]
        book.Root.PageLabels = Dictionary(Nums=Array(labels))
        with book.open_outline() as target:
            for position in sorted(self.outline):
                target.root.extend(self.outline[position])
        _share_fonts(book, self.faces)
        out = io.BytesIO()
        book.save(out, min_version=self.version,
                  object_stream_mode=pikepdf.ObjectStreamMode.generate,
                  deterministic_id=True, fix_metadata_version=False)
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
    """The piece's top structure elements on kept pages, their /P removed (set again under
    the book's Document element once copied: copied along, it would bring the piece's whole
    tree, the join page's elements with it). Deeper elements point at their own parents,
    which are copied with them."""
    from pikepdf import Array, Dictionary

    document = tree.K[0] if isinstance(tree.K, Array) else tree.K
    top = [kid for kid in document.K if "/Pg" not in kid or kid.Pg.objgen in kept]
    for kid in document.K:
        if isinstance(kid, Dictionary) and "/P" in kid:
            del kid["/P"]
    return top


def _parent_tree(book: Pdf, source: Pdf, tree: Object, placed: _Placed) -> None:
    """The piece's parent-tree entries on kept pages (one per page, then one per link),
    copied with the piece's own keys; the keys of its pages and links are made explicit
    (the book's are given at the end, by position)."""
    from pikepdf import Array, Dictionary

    entries = tree.ParentTree.Nums
    total, kept_count = len(source.pages), placed.piece.kept
    kept = {page.objgen for page in source.pages[:kept_count]}
    highest = -1
    keys: list[int] = []
    values = Array()
    for index in range(0, len(entries), 2):
        key, value = int(entries[index]), entries[index + 1]
        highest = max(highest, key)
        first = value[0] if isinstance(value, Array) and len(value) else value
        where = first.get("/Pg") if isinstance(first, Dictionary) else None
        if kept_count <= key < total or (where is not None and where.objgen not in kept):
            continue
        keys.append(key)
        values.append(value)
    # Copied in one call (qpdf copies an indirect object with all it refers to): the
    # holder itself is referred to by nothing in the book and is not written.
    copied = book.copy_foreign(source.make_indirect(values))
    placed.nums = list(zip(keys, copied, strict=True))
    placed.keys = highest + 1
    for index, page in enumerate(placed.pages):
        page.obj.StructParents = int(page.obj.get("/StructParents", index))


def _set_parents(kids: Object, parent: Object) -> None:
    """The top structure elements point to the book's Document element."""
    from pikepdf import Dictionary

    for kid in kids:
        if isinstance(kid, Dictionary) and "/S" in kid:
            kid.P = parent


def _names(book: Pdf, source: Pdf, kept: set[tuple[int, int]]) -> dict[str, Object]:
    """The piece's named destinations on kept pages: those of the stand-ins on its join
    page are left out, so links across pieces find the real ones."""
    if "/Names" not in source.Root or "/Dests" not in source.Root.Names:
        return {}
    dests = source.Root.Names.Dests
    if "/Kids" in dests:
        raise NotJoinable("a name tree with kids")
    from pikepdf import Array

    flat: Any = dests.get("/Names", [])
    wanted: dict[str, Object] = {}
    for index in range(0, len(flat), 2):
        name, dest = str(flat[index]), flat[index + 1]
        if dest[0].objgen in kept:
            wanted.setdefault(name, dest)
    if not wanted:
        return {}
    # copied in one call, as in _parent_tree
    copied = book.copy_foreign(source.make_indirect(Array(list(wanted.values()))))
    return dict(zip(wanted, copied, strict=True))


def _outline_items(source: Pdf, kept: int, pages: list[Page]) -> list[OutlineItem]:
    """The piece's bookmarks on kept pages, pointing at the book's pages."""
    from pikepdf import Array, Name, OutlineItem

    def copy(items: list, into: list) -> None:
        for item in items:
            dest = item.destination
            if dest is None or not hasattr(dest, "__len__"):
                continue
            index = _page_index(source, dest[0])
            if index is None or index >= kept:
                continue
            new = OutlineItem(item.title, Array([pages[index].obj, Name.XYZ, float(dest[2]),
                                                 float(dest[3]), float(dest[4])]))
            new.is_closed = item.is_closed
            copy(item.children, new.children)
            into.append(new)

    found: list[OutlineItem] = []
    with source.open_outline() as outline:
        copy(outline.root, found)
    return found


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
    from concurrent.futures import ThreadPoolExecutor

    from pikepdf import Name

    maps: dict[tuple[int, int], tuple[dict[str, int], dict[int, float]]] = {}
    renumbered: list[tuple[Page, bytes]] = []
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
        renumbered.append((page, data[:match.start()] + replacement + data[match.end():]))
    # Compressed by two threads, half the pages each (zlib lets the other run meanwhile),
    # written in page order.
    datas = [data for _, data in renumbered]
    half = (len(datas) + 1) // 2
    with ThreadPoolExecutor(max_workers=2) as threads:
        packed = [packed for chunk in threads.map(_compress, (datas[:half], datas[half:]))
                  for packed in chunk]
    for (page, _), data in zip(renumbered, packed, strict=True):
        page.obj.Contents.write(data, filter=Name.FlateDecode)


@dataclass
class _Face:
    """A piece's subset of one face, read as the piece comes in (not in the join's tail)."""

    widths: dict[int, float]
    texts: dict[int, str]
    program: _Program


class _Program:
    """A TrueType subset read straight from its tables' bytes: the glyphs its piece uses
    (with a composite's components) as bytes with their metrics, the header values the
    merged font takes the extremes of, and, while it is the largest subset of its face met
    so far, its data. (fontTools would decode the metrics of all glyph ids, which a subset
    with its ids kept has thousands of, once for each piece.)"""

    def __init__(self, data: bytes, used: list[int]) -> None:
        """ValueError when the data is not a TrueType program with the tables read here."""
        self.data: bytes | None = data
        try:
            tables = _tables(data)
            head, hhea, maxp = tables["head"], tables["hhea"], tables["maxp"]
            self.glyphs = struct.unpack(">H", maxp[4:6])[0]
            self.box = struct.unpack(">4h", head[36:44])  # xMin, yMin, xMax, yMax
            self.hhea = struct.unpack(">Hhhh", hhea[10:18])  # advanceWidthMax … xMaxExtent
            fields = len(_MAXP_FIELDS)
            self.maxp = (struct.unpack(f">{fields}H", maxp[6:6 + 2 * fields])
                         if len(maxp) >= 6 + 2 * fields else ())
            self.copies = _copies(tables, self.glyphs, used)
        except (struct.error, KeyError, IndexError) as exc:
            raise ValueError(f"not a TrueType program: {exc}") from exc

    def release(self) -> None:
        """Keep only the glyphs it copies into the merged font: a larger subset of its face
        (or an earlier one as large) is the one they are copied into."""
        self.data = None


def _tables(data: bytes) -> dict[str, memoryview]:
    """An sfnt's tables by tag, as views of its data (not copies)."""
    view = memoryview(data)
    tables = {}
    for index in range(struct.unpack(">H", data[4:6])[0]):
        tag, _checksum, offset, length = struct.unpack(
            ">4sIII", data[12 + 16 * index:28 + 16 * index])
        tables[tag.decode("latin-1")] = view[offset:offset + length]
    return tables


def _copies(tables: dict[str, memoryview], glyphs: int,
            used: list[int]) -> dict[int, tuple[bytes, tuple[int, int]]]:
    """glyph id -> (its outline's bytes, empty for a space; (advance width, left side
    bearing) as fontTools' hmtx gives them), for the glyphs used and their components."""
    head, hhea, glyf, hmtx = tables["head"], tables["hhea"], tables["glyf"], tables["hmtx"]
    loca = tables["loca"]
    if struct.unpack(">h", head[50:52])[0] == 1:  # indexToLocFormat: long offsets
        offsets: tuple[int, ...] = struct.unpack(f">{len(loca) // 4}I", loca)
    else:
        offsets = tuple(2 * n for n in struct.unpack(f">{len(loca) // 2}H", loca))
    long_metrics = struct.unpack(">H", hhea[34:36])[0]  # numberOfHMetrics
    last = long_metrics - 1

    def metrics(gid: int) -> tuple[int, int]:
        if gid <= last:
            return struct.unpack(">Hh", hmtx[4 * gid:4 * gid + 4])
        advance = struct.unpack(">H", hmtx[4 * last:4 * last + 2])[0]
        at = 4 * long_metrics + 2 * (gid - long_metrics)
        return advance, struct.unpack(">h", hmtx[at:at + 2])[0]

    copies: dict[int, tuple[bytes, tuple[int, int]]] = {}
    todo = list(used)
    while todo:
        gid = todo.pop()
        if gid in copies or gid >= glyphs:
            continue
        raw = bytes(glyf[offsets[gid]:offsets[gid + 1]]) if gid + 1 < len(offsets) else b""
        copies[gid] = (raw, metrics(gid))
        if raw and struct.unpack(">h", raw[:2])[0] < 0:  # a composite: its components
            todo += _components(raw)
    return copies


def _read_faces(pages: list[Page], faces: dict[tuple[int, int], _Face | None],
                largest: dict[str, _Program]) -> None:
    """The font subsets these pages use, read for _share_fonts (None: not a TrueType
    program, such as a CFF fallback font: it cannot be merged). Only the largest subset
    of each face met so far (the first of equal ones) keeps its data."""
    for page in pages:
        fonts: Any = page.obj.Resources.get("/Font", {})
        for key in fonts:
            font = fonts[key]
            if font.get("/Subtype") != "/Type0" or not font.is_indirect \
                    or font.objgen in faces:
                continue
            face = faces[font.objgen] = _face(font)
            if face is None:
                continue
            name, program = str(font.BaseFont), face.program
            before = largest.get(name)
            if before is None or program.glyphs > before.glyphs:
                largest[name] = program
                if before is not None:
                    before.release()
            else:
                program.release()


def _face(font: Object) -> _Face | None:
    descriptor = font.DescendantFonts[0].get("/FontDescriptor")
    if descriptor is None or "/FontFile2" not in descriptor:
        return None
    widths = _widths(font)
    try:
        program = _Program(descriptor.FontFile2.read_bytes(), sorted(widths))
    except ValueError:
        return None
    return _Face(widths, _texts(font), program)


def _compress(datas: list[bytes]) -> list[bytes]:
    return [zlib.compress(data) for data in datas]


def _share_fonts(book: Pdf, faces: dict[tuple[int, int], _Face | None]) -> None:
    """Each face once: WeasyPrint embeds a subset of the book face per document, with the
    glyph ids of the whole font (HB_SUBSET_FLAGS_RETAIN_GIDS), so the pieces' subsets of a
    face merge into one font program and one font dictionary that every page then uses;
    the pieces' own are no longer referenced, and qpdf writes only what is."""
    by_name: dict[str, dict[tuple[int, int], Object]] = {}
    for page in book.pages:
        fonts: Any = page.obj.Resources.get("/Font", {})
        for key in fonts:
            font = fonts[key]
            if font.get("/Subtype") == "/Type0" and font.is_indirect:
                by_name.setdefault(str(font.BaseFont), {})[font.objgen] = font
    shared = {}
    for name, fonts in by_name.items():
        if len(fonts) > 1:
            read = [(font, faces.get(objgen)) for objgen, font in fonts.items()]
            ready = [(font, face) for font, face in read if face is not None]
            if len(ready) < len(read):
                raise NotJoinable(f"the pieces' subsets of {name} cannot be merged")
            merged = _merge_face(book, ready)
            shared.update(dict.fromkeys(fonts, merged))
    for page in book.pages:
        fonts = page.obj.Resources.get("/Font", {})
        for key in list(fonts.keys()):
            if fonts[key].is_indirect and fonts[key].objgen in shared:
                fonts[key] = shared[fonts[key].objgen]


def _merge_face(book: Pdf, fonts: list[tuple[Object, _Face]]) -> Object:
    """One Type 0 font for the pieces' subsets of one face (in page order): the union of
    their glyphs, widths and text mappings."""
    import pikepdf
    from pikepdf import Array, Dictionary

    widths: dict[int, float] = {}
    texts: dict[int, str] = {}
    for _font, face in fonts:
        widths = {**face.widths, **widths}
        texts = {**face.texts, **texts}
    data = _merge_programs([face.program for _font, face in fonts])
    program = pikepdf.Stream(book, data)
    program.Length1 = len(data)
    first = fonts[0][0]
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


_MAXP_FIELDS = ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours",
                "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                "maxComponentElements", "maxComponentDepth")


def _components(raw: bytes) -> list[int]:
    """The glyph ids a composite glyph is made of (OpenType 'glyf', composite glyphs)."""
    found, pos = [], 10  # after the glyph header
    while True:
        flags, gid = struct.unpack(">HH", raw[pos:pos + 4])
        found.append(gid)
        pos += 4 + (4 if flags & 0x0001 else 2)  # ARG_1_AND_2_ARE_WORDS
        pos += 2 if flags & 0x0008 else 4 if flags & 0x0040 else 8 if flags & 0x0080 else 0
        if not flags & 0x0020:  # MORE_COMPONENTS
            return found


def _merge_programs(programs: list[_Program]) -> bytes:
    """The glyphs each subset uses, copied into the largest of them, the first of equal
    ones (same glyph order: all are subsets of one instance with their glyph ids kept).

    Glyphs are copied as their bytes, never decoded (but for a composite's component
    ids), and the font is written without recomputing bounding boxes and maxima, which
    would decode every glyph: the merged font's are the extremes of the subsets'."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    largest = max((program for program in programs if program.data is not None),
                  key=lambda program: program.glyphs)
    assert largest.data is not None
    base = TTFont(io.BytesIO(largest.data), recalcTimestamp=False, recalcBBoxes=False)
    # Names by glyph id, set before any table is read: fontTools otherwise names the glyphs
    # of a 'post' format 3 font after its cmap, which differs from subset to subset.
    base.setGlyphOrder([f"glyph{gid:05d}" for gid in range(largest.glyphs)])
    glyphs, hmtx = base["glyf"].glyphs, base["hmtx"]
    for program in programs:
        if program is largest:
            continue
        for gid, (raw, metrics) in sorted(program.copies.items()):
            name = f"glyph{gid:05d}"
            if not raw:  # no outline (a space): its advance all the same
                hmtx[name] = metrics
                continue
            if getattr(glyphs[name], "data", b""):
                continue  # there already
            glyphs[name] = Glyph(raw)
            hmtx[name] = metrics
    head, maxp, hhea = base["head"], base["maxp"], base["hhea"]
    for program in programs:
        x_min, y_min, x_max, y_max = program.box
        head.xMin, head.yMin = min(head.xMin, x_min), min(head.yMin, y_min)
        head.xMax, head.yMax = max(head.xMax, x_max), max(head.yMax, y_max)
        for name, value in zip(_MAXP_FIELDS, program.maxp, strict=False):
            if hasattr(maxp, name):
                setattr(maxp, name, max(getattr(maxp, name), value))
        advance_max, min_left, min_right, extent = program.hhea
        hhea.advanceWidthMax = max(hhea.advanceWidthMax, advance_max)
        hhea.xMaxExtent = max(hhea.xMaxExtent, extent)
        hhea.minLeftSideBearing = min(hhea.minLeftSideBearing, min_left)
        hhea.minRightSideBearing = min(hhea.minRightSideBearing, min_right)
    out = io.BytesIO()
    base.save(out)
    return out.getvalue()


def main() -> int:
    """``python -m antologi.render.join``: pickled messages on stdin, ("piece", Piece,
    position) for each piece and ("end", front pages) last; the book's PDF on stdout; exit
    3 when the pieces cannot be joined (the reason on stderr). A thread reads the messages
    as they come, while the pieces before are joined, so that the build seldom waits for
    the join to take one (qpdf's calls keep Python's lock while they run)."""
    import queue
    import threading

    messages: queue.SimpleQueue[tuple] = queue.SimpleQueue()

    def read() -> None:
        try:
            while True:
                message = pickle.load(sys.stdin.buffer)
                messages.put(message)
                if message[0] == "end":
                    return
        except BaseException as exc:  # the build ended: the join ends with it
            messages.put(("failed", exc))

    threading.Thread(target=read, daemon=True).start()
    book = _Book()  # pikepdf imported while the first piece is laid out
    try:
        while True:
            message = messages.get()
            if message[0] == "failed":
                raise message[1]
            if message[0] == "end":
                data = book.finish(message[1])
                break
            book.add(message[1], message[2])
    except NotJoinable as exc:
        print(exc, file=sys.stderr)
        return _NOT_JOINABLE
    sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    # Ended with os._exit: the reading thread may be waiting on stdin (a join refused before
    # the build has sent everything), and an ordinary exit would then abort while closing
    # stdin under it instead of ending with the refusal's code.
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
