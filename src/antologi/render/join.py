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
out; the order pieces are fed in never depends on timing (the groups, the back matter,
then the front matter), so neither do the bytes.
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
    first_folio: int = 0  # a group's first body page: its folios are renumbered from it
    folios: list[bool] = field(default_factory=list)
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
        """The pieces, in book order, joined."""
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


class _Book:
    """The book being joined. Pieces come in any order that does not depend on timing
    (the groups, the back matter, then the front matter, which waits for all of them);
    each goes to its place: its pages, its structure elements and its bookmarks at its
    position in the book. Parent-tree keys are given in the order the pieces come."""

    def __init__(self) -> None:
        import pikepdf
        from pikepdf import Array

        self.pdf = pikepdf.new()
        self.kept: list[tuple[int, int]] = []  # (position, pages) of the pieces added
        self.kids: dict[int, list[Object]] = {}
        self.nums = Array()
        self.names: dict[str, Object] = {}
        self.outline: dict[int, list[OutlineItem]] = {}
        self.key_base = 0
        self.version = "1.0"

    def add(self, piece: Piece, position: int) -> None:
        import pikepdf
        from pikepdf import Array

        book = self.pdf
        source = pikepdf.open(io.BytesIO(piece.data))
        if len(source.pages) != piece.kept + 1:  # its pages and the join page
            raise NotJoinable("a piece has not the pages it was recorded with")
        self.version = max(self.version, str(source.pdf_version))
        offset = sum(pages for where, pages in self.kept if where < position)
        self.kept.append((position, piece.kept))
        kept: set[tuple[int, int]] = {tuple(source.pages[i].objgen)  # type: ignore[misc]
                                      for i in range(piece.kept)}
        tree = source.Root.get("/StructTreeRoot")
        top = _detach_structure(tree, kept) if tree is not None else []
        for index in range(piece.kept):
            book.pages.insert(offset + index, source.pages[index])
        pages = [book.pages[offset + i] for i in range(piece.kept)]
        if piece.first_folio:
            _renumber(pages, piece.first_folio, piece.folios)
        if tree is not None:
            if top:  # copied in one call, as in _parent_tree
                self.kids[position] = list(book.copy_foreign(source.make_indirect(Array(top))))
            self.key_base = _parent_tree(book, source, tree, len(source.pages), piece.kept,
                                         kept, pages, self.key_base, self.nums)
        _names(book, source, kept, self.names)
        self.outline[position] = _outline_items(source, piece.kept, pages)
        if piece.catalogue:
            for key in map(str, source.Root.keys()):  # /Lang, /MarkInfo, /Metadata …
                if key not in ("/Type", "/Pages", "/Outlines", "/Names", "/StructTreeRoot",
                               "/PageLabels"):
                    book.Root[key] = _copy(book, source.Root[key])
            if "/Info" in source.trailer:
                book.trailer.Info = _copy(book, source.trailer.Info)

    def finish(self, front_pages: int) -> bytes:
        import pikepdf
        from pikepdf import Array, Dictionary, Name

        book = self.pdf
        kids = Array([kid for position in sorted(self.kids) for kid in self.kids[position]])
        if len(kids):
            root = book.make_indirect(Dictionary(Type=Name.StructTreeRoot))
            document = book.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document,
                                                     K=kids, P=root))
            _set_parents(kids, document)
            root.K = Array([document])
            root.ParentTree = book.make_indirect(Dictionary(Nums=self.nums))
            root.ParentTreeNextKey = self.key_base
            book.Root.StructTreeRoot = root
        if self.names:
            flat = Array()
            for name in sorted(self.names):
                flat.extend([pikepdf.String(name), self.names[name]])
            book.Root.Names = Dictionary(Dests=book.make_indirect(Dictionary(Names=flat)))
        labels: list[Any] = [0, Dictionary(S=Name.r)] if front_pages else []
        labels += [front_pages, Dictionary(S=Name.D)]
        book.Root.PageLabels = Dictionary(Nums=Array(labels))
        with book.open_outline() as target:
            for position in sorted(self.outline):
                target.root.extend(self.outline[position])
        _share_fonts(book)
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


def _parent_tree(book: Pdf, source: Pdf, tree: Object, total: int, kept_count: int,
                 kept: set[tuple[int, int]], pages: list[Page], key_base: int,
                 nums: Object) -> int:
    """The piece's parent-tree entries (one per page, then one per link) and the pages' and
    links' keys, moved past the pieces before it; returns the next free key."""
    from pikepdf import Array, Dictionary

    entries = tree.ParentTree.Nums
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
        keys.append(key_base + key)
        values.append(value)
    # Copied in one call (qpdf copies an indirect object with all it refers to): the
    # holder itself is referred to by nothing in the book and is not written.
    copied = book.copy_foreign(source.make_indirect(values))
    for key, value in zip(keys, copied, strict=True):
        nums.append(key)
        nums.append(value)
    for index, page in enumerate(pages):
        page.obj.StructParents = key_base + int(page.obj.get("/StructParents", index))
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = key_base + int(annotation.StructParent)
    return key_base + highest + 1


def _set_parents(kids: Object, parent: Object) -> None:
    """The top structure elements point to the book's Document element."""
    from pikepdf import Dictionary

    for kid in kids:
        if isinstance(kid, Dictionary) and "/S" in kid:
            kid.P = parent


def _names(book: Pdf, source: Pdf, kept: set[tuple[int, int]],
           names: dict[str, Object]) -> None:
    """The piece's named destinations on kept pages: those of the stand-ins on its join
    page are left out, so links across pieces find the real ones."""
    if "/Names" not in source.Root or "/Dests" not in source.Root.Names:
        return
    dests = source.Root.Names.Dests
    if "/Kids" in dests:
        raise NotJoinable("a name tree with kids")
    from pikepdf import Array

    flat: Any = dests.get("/Names", [])
    wanted: dict[str, Object] = {}
    for index in range(0, len(flat), 2):
        name, dest = str(flat[index]), flat[index + 1]
        if dest[0].objgen in kept and name not in names:
            wanted.setdefault(name, dest)
    if wanted:  # copied in one call, as in _parent_tree
        copied = book.copy_foreign(source.make_indirect(Array(list(wanted.values()))))
        names.update(zip(wanted, copied, strict=True))


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
    # Compressed by two threads (zlib lets others run meanwhile), written in page order.
    with ThreadPoolExecutor(max_workers=2) as threads:
        packed = list(threads.map(zlib.compress, [data for _, data in renumbered]))
    for (page, _), data in zip(renumbered, packed, strict=True):
        page.obj.Contents.write(data, filter=Name.FlateDecode)


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


def _merge_programs(programs: list[tuple[bytes, list[int]]]) -> bytes:
    """The glyphs each subset uses, copied into the largest of them (same glyph order:
    all are subsets of one instance with their glyph ids kept).

    Glyphs are copied as their bytes, never decoded (but for a composite's component
    names), and the font is written without recomputing bounding boxes and maxima, which
    would decode every glyph: the merged font's are the extremes of the subsets'."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    fonts = []
    for data, used in programs:
        font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
        # Names by glyph id, set before any table is read: fontTools otherwise names the
        # glyphs of a 'post' format 3 font after its cmap, which differs from subset to
        # subset.
        font.setGlyphOrder([f"glyph{gid:05d}" for gid in range(font["maxp"].numGlyphs)])
        fonts.append((font, used))
    base = max(fonts, key=lambda item: len(item[0].getGlyphOrder()))[0]
    glyphs, hmtx = base["glyf"].glyphs, base["hmtx"]
    for font, used in fonts:
        if font is base:
            continue
        # The other subsets' glyphs read straight from their 'glyf' bytes by 'loca'.
        loca, table = font["loca"], font.reader["glyf"]
        other_hmtx = font["hmtx"]
        todo = [gid for gid in used if gid < len(loca) - 1]
        while todo:
            gid = todo.pop()
            raw = table[loca[gid]:loca[gid + 1]]
            name = f"glyph{gid:05d}"
            if not raw or getattr(glyphs[name], "data", b""):
                continue  # empty in this subset, or there already
            glyphs[name] = Glyph(raw)
            hmtx[name] = other_hmtx[name]
            if struct.unpack(">h", raw[:2])[0] < 0:  # a composite: its components too
                todo += _components(raw)
    head, maxp, hhea = base["head"], base["maxp"], base["hhea"]
    for font, _used in fonts:
        for name in ("xMin", "yMin"):
            setattr(head, name, min(getattr(head, name), getattr(font["head"], name)))
        for name in ("xMax", "yMax"):
            setattr(head, name, max(getattr(head, name), getattr(font["head"], name)))
        for name in _MAXP_FIELDS:
            if hasattr(maxp, name):
                setattr(maxp, name, max(getattr(maxp, name), getattr(font["maxp"], name)))
        for name in ("advanceWidthMax", "xMaxExtent"):
            setattr(hhea, name, max(getattr(hhea, name), getattr(font["hhea"], name)))
        for name in ("minLeftSideBearing", "minRightSideBearing"):
            setattr(hhea, name, min(getattr(hhea, name), getattr(font["hhea"], name)))
    out = io.BytesIO()
    base.save(out)
    return out.getvalue()


def main() -> int:
    """``python -m antologi.render.join``: pickled messages on stdin, ("piece", Piece,
    position) for each piece and ("end", front pages) last; the book's PDF on stdout; exit
    3 when the pieces cannot be joined (the reason on stderr)."""
    book = _Book()  # pikepdf imported while the first piece is laid out
    try:
        while True:
            message = pickle.load(sys.stdin.buffer)
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
    sys.exit(main())
