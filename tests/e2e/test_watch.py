"""`antologi watch`: the real command started, an input changed, one rebuild seen, the
command stopped by --exit-after (and killed in any case: no process outlives its test).

A change in styles/epub.css remakes only the EPUB, one in styles/print.css only the PDF,
and the outputs are then byte-identical to a clean build of the same inputs."""

from __future__ import annotations

import hashlib
import os
import queue
import re
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from antologi.watch import Builder, Changes, affected, compare, snapshot

from conftest import copy_book, run_cli

EPOCH = "1763683200"


class Watcher:
    """`python -m antologi ARGS` with its stdout read line by line in a thread."""

    def __init__(self, *args: str | Path) -> None:
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
        self.proc = subprocess.Popen([sys.executable, "-m", "antologi", *map(str, args)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 120) -> str:
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r} after {self.seen}") \
                    from None
            self.seen.append(line)
            if re.search(pattern, line):
                return line

    def finish(self, timeout: float = 120) -> tuple[int, str]:
        code = self.proc.wait(timeout=timeout)
        assert self.proc.stderr is not None
        return code, self.proc.stderr.read()


@contextmanager
def watching(*args: str | Path) -> Iterator[Watcher]:
    watcher = Watcher(*args)
    try:
        yield watcher
    finally:
        if watcher.proc.poll() is None:
            watcher.proc.kill()
        watcher.proc.wait(timeout=30)
        for stream in (watcher.proc.stdout, watcher.proc.stderr):
            if stream is not None:
                stream.close()


def _state(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = copy_book("mini", tmp_path)
    (root / "styles").mkdir()
    (root / "styles" / "epub.css").write_text("/* the book's EPUB styles */\n", "utf-8")
    (root / "styles" / "print.css").write_text("/* the book's print styles */\n", "utf-8")
    return root


def test_a_style_change_rebuilds_only_its_output(book: Path, tmp_path: Path) -> None:
    epub, pdf = book / "build" / "liten-antologi.epub", book / "build" / "liten-antologi.pdf"
    with watching("watch", book, "--exit-after", "2", "--timeout", "300",
                  "--interval", "0.2") as watcher:
        watcher.wait_for(r"^watching book/, chapters/, styles/ in ")
        first = {"epub": _state(epub), "pdf": _state(pdf)}

        with (book / "styles" / "epub.css").open("a", encoding="utf-8") as css:
            css.write("h2 { letter-spacing: 0.02em; }\n")
        assert watcher.wait_for(r"rebuilding") == \
            "styles/epub.css changed: rebuilding EPUB"
        assert "the PDF did not need rebuilding" in watcher.wait_for(r"^built: ")
        second = {"epub": _state(epub), "pdf": _state(pdf)}
        assert second["epub"][0] != first["epub"][0]
        assert second["pdf"] == first["pdf"]  # not even rewritten

        with (book / "styles" / "print.css").open("a", encoding="utf-8") as css:
            css.write("h2 { color: #222; }\n")
        assert watcher.wait_for(r"rebuilding") == \
            "styles/print.css changed: rebuilding PDF"
        assert "the EPUB did not need rebuilding" in watcher.wait_for(r"^built: ")
        assert watcher.wait_for(r"^stopped watching") == "stopped watching: 2 rebuilds made"
        code, stderr = watcher.finish()
    assert code == 0, stderr
    third = {"epub": _state(epub), "pdf": _state(pdf)}
    assert third["epub"] == second["epub"]
    assert third["pdf"][0] != second["pdf"][0]

    # What the watcher wrote piece by piece is what a clean build of the same inputs writes.
    clean = copy_book(book, tmp_path / "clean")
    assert run_cli("build", clean, epoch=EPOCH).code == 0
    for name in ("liten-antologi.epub", "liten-antologi.pdf"):
        assert _state(clean / "build" / name)[0] == _state(book / "build" / name)[0], name


def test_problems_are_shown_and_the_last_good_outputs_stay(book: Path) -> None:
    chapter = book / "chapters" / "02-andra.md"
    good = chapter.read_text("utf-8")
    pdf = book / "build" / "liten-antologi.pdf"
    with watching("build", book, "--watch", "--exit-after", "2", "--interval", "0.2",
                  "--timeout", "300") as watcher:
        watcher.wait_for(r"^watching ")
        before = _state(pdf)
        chapter.write_text(good.replace("[^1]: En norsk fotnote.", ""), "utf-8")
        assert watcher.wait_for(r"rebuilding") == \
            "chapters/02-andra.md changed: rebuilding PDF and EPUB"
        assert watcher.wait_for(r"^(not )?built: ") == \
            "not built: 1 error, 0 warnings; the last good outputs stay in place"
        assert _state(pdf) == before
        chapter.write_text(good, "utf-8")
        watcher.wait_for(r"^built: ")
        code, stderr = watcher.finish()
    assert code == 0
    line = next(i for i, t in enumerate(good.splitlines(), 1) if t.endswith("[^1]"))
    assert f"chapters/02-andra.md:{line}:" in stderr and "error[F001]" in stderr
    assert _state(pdf)[1] != before[1]  # the fixed book was built again


def test_preview_serves_the_outputs_and_a_version(book: Path) -> None:
    with watching("watch", book, "--serve", "0", "--exit-after", "2", "--interval", "0.2",
                  "--timeout", "300") as watcher:
        url = watcher.wait_for(r"^preview: ").split(" ", 1)[1]
        assert url.startswith("http://127.0.0.1:")

        def get(path: str) -> tuple[str, bytes]:
            with urllib.request.urlopen(url + path, timeout=30) as answer:
                return answer.headers["Content-Type"], answer.read()

        kind, page = get("")
        assert kind.startswith("text/html")
        text = page.decode("utf-8")
        assert "Liten antologi" in text and 'href="/out/liten-antologi.pdf"' in text
        assert 'href="/epub/EPUB/forsta.xhtml"' in text and "Första texten" in text
        assert get("version") == ("text/plain", b"1")
        kind, data = get("out/liten-antologi.pdf")
        assert kind == "application/pdf" and data.startswith(b"%PDF")
        kind, data = get("epub/EPUB/forsta.xhtml")
        assert kind == "application/xhtml+xml" and b"Det h\xc3\xa4r \xc3\xa4r den" in data
        with pytest.raises(urllib.error.HTTPError):
            get("epub/../../etc/passwd")
        with pytest.raises(urllib.error.HTTPError):
            get("out/book.yaml")

        (book / "styles" / "epub.css").write_text("p { margin: 0; }\n", "utf-8")
        watcher.wait_for(r"^built: ")
        assert get("version") == ("text/plain", b"2")
        # The second rebuild ends the command (and its server).
        (book / "styles" / "epub.css").write_text("p { margin: 0.1em; }\n", "utf-8")
        code, _ = watcher.finish()
    assert code == 0


# --- the parts, in process ---------------------------------------------------------------


@pytest.mark.parametrize(("paths", "formats"), [
    (("styles/epub.css",), ("epub",)),
    (("styles/print.css",), ("pdf",)),
    (("styles/epub.css", "styles/print.css"), ("epub", "pdf")),
    (("chapters/01-forsta.md",), ("epub", "pdf")),
    (("book/book.yaml",), ("epub", "pdf")),
    (("styles/fonts/Face.ttf",), ("epub", "pdf")),
])
def test_what_a_change_affects(paths: tuple[str, ...], formats: tuple[str, ...]) -> None:
    assert affected(Changes(modified=paths)) == formats
    assert affected(Changes(modified=paths), ("pdf",)) == tuple(
        f for f in formats if f == "pdf")


def test_snapshot_sees_changes_but_not_editor_files(book: Path) -> None:
    before = snapshot(book)
    assert "chapters/01-forsta.md" in before and "styles/epub.css" in before
    (book / "chapters" / ".01-forsta.md.swp").write_bytes(b"x")
    (book / "chapters" / "01-forsta.md~").write_bytes(b"x")
    (book / "build").mkdir(exist_ok=True)
    (book / "build" / "x.pdf").write_bytes(b"x")
    assert compare(before, snapshot(book)) == Changes()
    (book / "chapters" / "03-tredje.md").write_text("# Tredje\n", "utf-8")
    (book / "book" / "preface.md").unlink()
    with (book / "styles" / "print.css").open("a", encoding="utf-8") as css:
        css.write("p { }\n")
    changes = compare(before, snapshot(book))
    assert changes == Changes(added=("chapters/03-tredje.md",),
                              modified=("styles/print.css",), removed=("book/preface.md",))
    assert changes.describe() == ("styles/print.css changed, chapters/03-tredje.md added, "
                                  "book/preface.md removed")
    # An output folder inside a watched one is not an input.
    (book / "book" / "out").mkdir()
    (book / "book" / "out" / "x.epub").write_bytes(b"x")
    assert "book/out/x.epub" not in snapshot(book, outputs=book / "book" / "out")


def test_a_pdf_change_that_moves_the_pages_remakes_the_epub_too(
        book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The EPUB's page-list comes from the PDF's layout: when a print style moves the
    pages, the EPUB follows, and a failed build's outputs stay owed to the next one."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    builder = Builder(book)
    first = builder.run(("epub", "pdf"))
    assert not first.failed and first.rendered == ("epub", "pdf")
    same = builder.run(("pdf",))
    assert same.rendered == ("pdf",) and not same.pages_moved
    (book / "styles" / "print.css").write_text("h2 { break-before: page; }\n", "utf-8")
    moved = builder.run(("pdf",))
    assert moved.pages_moved and moved.rendered == ("epub", "pdf")
    assert "liten-antologi.epub" in moved.outputs

    chapter = book / "chapters" / "01-forsta.md"
    good = chapter.read_text("utf-8")
    chapter.write_text(good + "\nEn not till.[^9]\n", "utf-8")
    broken = builder.run(("epub", "pdf"))
    assert broken.failed and [d.code for d in broken.report.errors] == ["F001"]
    chapter.write_text(good.replace("Ett andra stycke", "Ett annat stycke"), "utf-8")
    (book / "styles" / "epub.css").write_text("p { margin: 0; }\n", "utf-8")
    fixed = builder.run(("epub",))  # the chapter's change is still owed to the PDF
    assert not fixed.failed and fixed.rendered == ("epub", "pdf")
