"""Incremental builds (cache.py): a rebuild's outputs are the bytes of a clean build of the
same inputs; an unchanged book is not laid out again; a damaged or stale cache is never
trusted."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from antologi import cache
from antologi.build import build

from conftest import REPO, copy_book, run_cli

EPOCH = "1763683200"
OUTPUTS = ("liten-antologi.epub", "liten-antologi.pdf", "liten-antologi-hyphenation.txt")


def _hashes(out: Path, names: tuple[str, ...] = OUTPUTS) -> dict[str, str]:
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in names
            if (out / name).exists()}


def _stamps(out: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of each output: both change when a file is replaced."""
    return {name: ((out / name).stat().st_ino, (out / name).stat().st_mtime_ns)
            for name in OUTPUTS}


def _diagnostics(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if re.search(r"(error|warning)\[", line)]


def _edit(root: Path) -> None:
    chapter = root / "chapters" / "02-andra.md"
    chapter.write_text(chapter.read_text("utf-8") + "\nEtt nytt stycke i slutet.\n", "utf-8")


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def test_rebuilds_are_the_bytes_of_a_clean_build(tmp_path: Path) -> None:
    """The real CLI: clean build, no-op rebuild, rebuild after an edit; each compared with
    a clean build of the same inputs in another folder."""
    root = copy_book("mini", tmp_path / "a")
    (root / "chapters" / "99-utkast.md").write_text("# Utkast\n", "utf-8")  # M011
    out = root / "build"
    first = run_cli("build", root)
    assert first.code == 0, first.stderr
    clean = _hashes(out)
    assert len(clean) == 3
    stamps = _stamps(out)

    again = run_cli("build", root)
    assert again.code == 0, again.stderr
    assert _hashes(out) == clean
    assert _stamps(out) == stamps  # nothing was written: no file replaced
    assert _diagnostics(again.stderr) == _diagnostics(first.stderr)

    _edit(root)
    edited = run_cli("build", root)
    assert edited.code == 0, edited.stderr
    rebuilt = _hashes(out)
    assert rebuilt != clean and rebuilt["liten-antologi.epub"] != clean["liten-antologi.epub"]

    fresh = copy_book(root, tmp_path / "b")
    assert run_cli("build", fresh).code == 0
    assert _hashes(fresh / "build") == rebuilt

    stamps = _stamps(out)
    assert run_cli("build", root).code == 0
    assert _stamps(out) == stamps and _hashes(out) == rebuilt


def test_an_unchanged_book_is_not_laid_out(tmp_path: Path, in_process: None,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_book("mini", tmp_path)
    (root / "chapters" / "99-utkast.md").write_text("# Utkast\n\nInte med.\n", "utf-8")
    first = build(root)
    assert not first.up_to_date
    assert [d.code for d in first.report.warnings] == ["M011"]  # the unlisted draft

    def no_layout(*_args: object) -> None:
        raise AssertionError("laid out again")

    monkeypatch.setattr("antologi.render.pdf.render_pdf", no_layout)
    monkeypatch.setattr("antologi.render.epub.render_epub", no_layout)
    second = build(root)
    assert second.up_to_date
    assert second.report.items == first.report.items  # the warnings are told again
    assert sorted(second.outputs) == sorted(OUTPUTS)
    assert _hashes(root / "build") == {n: hashlib.sha256(p.read_bytes()).hexdigest()
                                      for n, p in first.outputs.items()}


def _entry(root: Path, formats: tuple[str, ...]) -> Path:
    return cache.entry_path(root, root / "build", formats, False)


def _rewrite(change: Callable[[dict], None]) -> Callable[[Path, tuple[str, ...]], None]:
    def corrupt(root: Path, formats: tuple[str, ...]) -> None:
        path = _entry(root, formats)
        data = json.loads(path.read_text("utf-8"))
        change(data)
        path.write_text(json.dumps(data), "utf-8")

    return corrupt


def _truncate(root: Path, formats: tuple[str, ...]) -> None:
    path = _entry(root, formats)
    path.write_bytes(path.read_bytes()[:40])


def _garbage_output(root: Path, formats: tuple[str, ...]) -> None:
    (root / "build" / "liten-antologi.epub").write_bytes(b"PK not a book")


def _missing_output(root: Path, formats: tuple[str, ...]) -> None:
    (root / "build" / f"liten-antologi.{formats[-1]}").unlink()


def _another_key(root: Path, formats: tuple[str, ...]) -> None:
    """As after an upgrade of antologi or WeasyPrint: the entry's key is not this one."""
    _rewrite(lambda d: d.update(key="0" * 64))(root, formats)


CORRUPTIONS = {
    "truncated JSON": _truncate,
    "not an object": _rewrite(lambda d: d.clear()),
    "inputs not a mapping": _rewrite(lambda d: d.update(inputs=[1, 2])),
    "bad diagnostic": _rewrite(lambda d: d.update(diagnostics=[{"code": "X999"}])),
    "another format version": _rewrite(lambda d: d.update(format=0)),
    "an input's hash does not match": _rewrite(
        lambda d: d["inputs"].update({"chapters/01-forsta.md": "f" * 64})),
    "an output's hash does not match": _rewrite(
        lambda d: d["outputs"].update({"liten-antologi.epub": "0" * 64})),
    "an output outside the folder": _rewrite(
        lambda d: d["outputs"].update({"../book/book.yaml": "0" * 64})),
    "an output replaced by garbage": _garbage_output,
    "an output deleted": _missing_output,
    "another key": _another_key,
}


@pytest.mark.parametrize("formats", [("epub",), ("epub", "pdf")], ids=["epub", "all"])
def test_a_damaged_cache_means_a_full_correct_build(tmp_path: Path, in_process: None,
                                                    formats: tuple[str, ...]) -> None:
    """Each damage in turn: the next build is a full one and its outputs are those of a
    clean build of the same inputs; the one after it is up to date again."""
    names = tuple(n for n in OUTPUTS if n.endswith(".epub") or "pdf" in formats)
    root = copy_book("mini", tmp_path / "book")
    out = root / "build"
    assert not build(root, formats).up_to_date
    cases = CORRUPTIONS if formats == ("epub",) else {
        k: CORRUPTIONS[k] for k in ("truncated JSON", "an output deleted", "another key")}
    for name, corrupt in cases.items():
        corrupt(root, formats)
        result = build(root, formats)
        assert not result.up_to_date, name
        fresh = copy_book(root, tmp_path / name.replace(" ", "-"))
        assert not build(fresh, formats).up_to_date
        assert _hashes(out, names) == _hashes(fresh / "build", names), name
        assert build(root, formats).up_to_date, name


def _png(color: str) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(data, "PNG")
    return data.getvalue()


@pytest.mark.parametrize("change", ["image", "new stylesheet", "epoch", "package"])
def test_what_counts_as_a_change(tmp_path: Path, in_process: None, change: str,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs found along the way (an image outside book/ and chapters/), a stylesheet that
    did not exist, the build's timestamp and antologi's own files all make a full build."""
    root = copy_book("mini", tmp_path)
    (root / "images").mkdir()
    (root / "images" / "karta.png").write_bytes(_png("red"))
    chapter = root / "chapters" / "01-forsta.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n![En röd karta](images/karta.png)\n",
                       "utf-8")
    formats = ("pdf",) if change == "image" else ("epub",)
    output = f"liten-antologi.{formats[0]}"
    assert not build(root, formats).up_to_date
    assert build(root, formats).up_to_date
    entry = json.loads(_entry(root, formats).read_text("utf-8"))
    assert "images/karta.png" in entry["inputs"]  # found by the audit hook
    assert "chapters/01-forsta.md" in entry["inputs"]
    if change == "image":
        (root / "images" / "karta.png").write_bytes(_png("blue"))
    elif change == "new stylesheet":
        (root / "styles").mkdir()
        (root / "styles" / "epub.css").write_text("p { text-indent: 2em; }\n", "utf-8")
    elif change == "epoch":
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400))
    else:  # a template of antologi's own changed (in a copy: the key only reads it)
        package = tmp_path / "package"
        shutil.copytree(cache.PACKAGE_DIR, package,
                        ignore=shutil.ignore_patterns("__pycache__"))
        monkeypatch.setattr(cache, "PACKAGE_DIR", package)
        assert build(root, formats).up_to_date  # the same files: the same key
        template = package / "templates" / "epub_page.xhtml.j2"
        template.write_text(template.read_text("utf-8") + "\n", "utf-8")
    before = _hashes(root / "build", (output,))
    assert not build(root, formats).up_to_date
    after = _hashes(root / "build", (output,))
    assert (after == before) == (change == "package")  # same code, same book


def test_each_format_set_has_its_own_entry(tmp_path: Path, in_process: None) -> None:
    """An EPUB-only build writes an EPUB without the print page-list over the full build's:
    the full build's entry then no longer matches its outputs, and it builds again."""
    root = copy_book("mini", tmp_path)
    assert not build(root).up_to_date
    full = _hashes(root / "build")
    assert not build(root, ("epub",)).up_to_date
    assert build(root, ("epub",)).up_to_date
    again = build(root)
    assert not again.up_to_date
    assert _hashes(root / "build") == full


# --- parallel layout (ANTOLOGI_JOBS, render/parallel.py) ------------------------------------


def _outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def _structure(reader: pypdf.PdfReader) -> list[tuple[str, int | None, int]]:
    """The tag tree in reading order: (type, page index, depth) of every element, and
    every marked-content id (-1, page index, id)."""
    pages = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    out: list[tuple[str, int | None, int]] = []
    stack = [(root["/K"][0] if isinstance(root["/K"], list) else root["/K"], 0, None)]
    while stack:
        node, depth, page = stack.pop()
        element = node.get_object()
        if isinstance(element, int):
            out.append(("mcid", page, element))
            continue
        if "/S" not in element:
            continue
        ref = element.raw_get("/Pg") if "/Pg" in element else None
        page = pages.get(ref.idnum) if ref is not None else page
        out.append((str(element["/S"]), page, depth))
        kids = element.get("/K")
        if kids is not None:
            items = kids if isinstance(kids, list) else [kids]
            stack += [(kid, depth + 1, page) for kid in reversed(items)]
    return out


def _fonts(reader: pypdf.PdfReader) -> dict[str, set[int]]:
    """BaseFont -> the font dictionaries that carry it."""
    fonts: dict[str, set[int]] = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            fonts.setdefault(str(ref.get_object()["/BaseFont"]), set()).add(ref.idnum)
    return fonts


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two processes, and groups of one text, so that the anthology's three texts are
    laid out apart and joined."""
    from antologi.render import parallel as module

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("ANTOLOGI_JOBS", "2")
    monkeypatch.setattr(module, "GROUP_CHARS", 5_000)
    monkeypatch.setattr(module, "PIECES_CHARS", 0)


def _same_print(one: Path, pieces: Path, slug: str) -> None:
    """Two builds of one book, in one document and in pieces: the same pages with the same
    text (folios, notes, running heads, contents numbers), labels, bookmarks, links, tag
    tree, catalogue, hyphenation report and EPUB (its page-list comes from the PDF's
    pages); each face of the book font embedded once."""
    import pdfplumber

    a, b = (root / "build" / f"{slug}.pdf" for root in (one, pieces))
    ra, rb = pypdf.PdfReader(a), pypdf.PdfReader(b)
    assert list(ra.page_labels) == list(rb.page_labels)
    assert _outline(ra) == _outline(rb)
    with pdfplumber.open(a) as pa, pdfplumber.open(b) as pb:
        assert [p.extract_text() for p in pa.pages] == [p.extract_text() for p in pb.pages]
    assert _structure(ra) == _structure(rb)
    assert sum(len(p.get("/Annots") or []) for p in ra.pages) == sum(
        len(p.get("/Annots") or []) for p in rb.pages)
    assert sorted(ra.trailer["/Root"]) == sorted(rb.trailer["/Root"])
    assert rb.trailer["/Root"]["/Lang"] == ra.trailer["/Root"]["/Lang"]
    assert rb.metadata.title == ra.metadata.title
    assert rb.xmp_metadata is not None
    assert {name: len(ids) for name, ids in _fonts(rb).items()} == {
        name: 1 for name in _fonts(ra)}
    for name in (f"{slug}.epub", f"{slug}-hyphenation.txt"):
        assert (one / "build" / name).read_bytes() == (pieces / "build" / name).read_bytes()


def test_parallel_layout_keeps_what_one_document_gives(tmp_path: Path, in_process: None,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    """The anthology: three texts laid out apart, the reading list (page references into
    them) and the front matter (the contents) after them."""
    from antologi.render import parallel as module

    one = copy_book(REPO, tmp_path / "one")
    assert not build(one).up_to_date
    monkeypatch.setenv("ANTOLOGI_JOBS", "2")
    monkeypatch.setattr(module, "GROUP_CHARS", 5_000)
    monkeypatch.setattr(module, "PIECES_CHARS", 0)
    pieces = copy_book(REPO, tmp_path / "pieces")
    result = build(pieces)
    # three texts apart, the reading list after them, the front matter once (its nine
    # pages and a blank verso, so that the body's page 1 is a recto)
    assert len(list((pieces / cache.CACHE_FOLDER / "layout").glob("*.json"))) == 5
    assert [d.code for d in result.report.items] == []
    _same_print(one, pieces, "bakom-galler-mellan-stormakter")


def test_parallel_layout_of_a_book_that_ends_with_a_text(tmp_path: Path, in_process: None,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """The mini book in PDF/A-3b: no reading list, so the last group is the end of the book
    (no blank verso after it), and the output intent comes along."""
    from antologi.render import parallel as module

    roots = []
    for name in ("one", "pieces"):
        root = copy_book("mini", tmp_path / name)
        manifest = root / "book" / "book.yaml"
        manifest.write_text(manifest.read_text("utf-8").replace(
            "trim: 130x200mm", "trim: 130x200mm\n  variant: pdf/a-3b"), "utf-8")
        roots.append(root)
    assert not build(roots[0]).up_to_date
    monkeypatch.setenv("ANTOLOGI_JOBS", "2")
    monkeypatch.setattr(module, "GROUP_CHARS", 500)
    monkeypatch.setattr(module, "PIECES_CHARS", 0)
    assert not build(roots[1]).up_to_date
    # two texts apart, the front matter once (seven pages and a blank verso)
    assert len(list((roots[1] / cache.CACHE_FOLDER / "layout").glob("*.json"))) == 3
    assert "/OutputIntents" in pypdf.PdfReader(
        roots[1] / "build" / "liten-antologi.pdf").trailer["/Root"]
    _same_print(roots[0], roots[1], "liten-antologi")


def test_parallel_rebuild_lays_out_only_what_changed(tmp_path: Path, parallel: None) -> None:
    """An edited text: its group is laid out again, with the pieces whose page numbers
    moved (the reading list, the front matter); the others come from the layout cache and
    are renumbered. The result is the bytes of a clean build of the edited book."""
    root = copy_book(REPO, tmp_path / "book")
    assert not build(root).up_to_date
    layout = root / cache.CACHE_FOLDER / "layout"
    before = {p.name for p in layout.glob("*.json")}
    assert len(before) == 5  # three groups, the reading list, the front matter
    chapter = root / "chapters" / "02-kagarlitskij-axeln.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n" + " ".join(["Ett tillägg."] * 400)
                       + "\n", "utf-8")
    assert not build(root).up_to_date
    after = {p.name for p in layout.glob("*.json")}
    assert len(after) == 5 and len(after & before) == 2  # the other texts' groups
    fresh = copy_book(root, tmp_path / "fresh")
    assert not build(fresh).up_to_date
    names = ("bakom-galler-mellan-stormakter.pdf", "bakom-galler-mellan-stormakter.epub")
    assert _hashes(root / "build", names) == _hashes(fresh / "build", names)
    assert build(root).up_to_date


def test_pieces_are_the_books_choice_not_the_machines(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A book of two groups or more is laid out in pieces by default, whatever the number
    of processes; the bytes do not depend on it (one process or three)."""
    from antologi.render import parallel as module

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(module, "GROUP_CHARS", 5_000)
    monkeypatch.setattr(module, "PIECES_CHARS", 0)
    names = ("bakom-galler-mellan-stormakter.pdf", "bakom-galler-mellan-stormakter.epub",
             "bakom-galler-mellan-stormakter-hyphenation.txt")
    built = []
    for jobs in ("1", "3"):
        monkeypatch.setenv("ANTOLOGI_JOBS", jobs)
        root = copy_book(REPO, tmp_path / f"jobs-{jobs}")
        assert not build(root).up_to_date
        # three groups, the reading list and the front matter, each laid out apart
        assert len(list((root / cache.CACHE_FOLDER / "layout").glob("*.json"))) == 5
        built.append(_hashes(root / "build", names))
    assert len(built[0]) == 3 and built[0] == built[1]


def test_long_notes_in_a_book_of_pieces_go_to_the_end_as_in_one_document(
        tmp_path: Path, in_process: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """pdf.long_notes: endnotes in a book long enough for pieces. A note taller than the
    page spills onto the group's join page, which the join refuses: the book is laid out
    in one document instead, with the note at the end of its text, the bytes of the
    one-document build."""
    from antologi.render import parallel as module

    long_note = " ".join(["En mycket lång not som inte ryms på en sida."] * 90)
    roots = []
    for name in ("one", "pieces"):
        root = copy_book("mini", tmp_path / name)
        manifest = root / "book" / "book.yaml"
        manifest.write_text(manifest.read_text("utf-8").replace(
            "trim: 130x200mm", "trim: 130x200mm\n  long_notes: endnotes"), "utf-8")
        chapter = root / "chapters" / "01-forsta.md"
        chapter.write_text(chapter.read_text("utf-8").replace(
            "[^2]: En andra not med", f"[^lang]: {long_note}\n[^2]: En andra not med").replace(
            "Ett andra stycke med en not till.[^2]",
            "Ett andra stycke[^lang] med en not till.[^2]"), "utf-8")
        roots.append(root)
    one = build(roots[0])
    monkeypatch.setenv("ANTOLOGI_JOBS", "2")
    monkeypatch.setattr(module, "GROUP_CHARS", 500)
    monkeypatch.setattr(module, "PIECES_CHARS", 0)
    pieces = build(roots[1])
    assert [d.code for d in one.report.items] == [d.code for d in pieces.report.items]
    assert "P004" not in [d.code for d in pieces.report.items]
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(
        roots[1] / "build" / "liten-antologi.pdf").pages)
    assert re.search(r"^2\. En mycket lång not", text, re.M)
    names = ("liten-antologi.pdf", "liten-antologi.epub", "liten-antologi-hyphenation.txt")
    assert _hashes(roots[0] / "build", names) == _hashes(roots[1] / "build", names)
