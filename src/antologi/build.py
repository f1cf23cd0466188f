"""The pipeline as a script: manifest, book, transforms, renderers, atomic writes."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import transforms
from .book import load_book
from .diagnostics import BookError, Report
from .manifest import Manifest, load_manifest
from .model import Book
from .resources import replace_all

if TYPE_CHECKING:
    from .render.parallel import Workers
    from .render.pdf import PdfJob

FORMATS = ("epub", "pdf")


class EnvironmentProblem(Exception):
    """Something outside the book is wrong (I/O, a missing program): exit code 3."""


@dataclass
class BuildResult:
    manifest: Manifest
    outputs: dict[str, Path] = field(default_factory=dict)
    report: Report = field(default_factory=Report)
    up_to_date: bool = False  # nothing changed since the last build: nothing was done


_LAST_EPOCH = 253402300800  # 10000-01-01T00:00:00Z


def build_timestamp(manifest: Manifest | None, report: Report) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the book's date, else 1980:
    a build without it is still reproducible."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is not None:
        # Zip entries cannot date before 1980; dates past 9999 do not exist for datetime.
        if value.strip().isdigit() and int(value) < _LAST_EPOCH:
            return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
        report.error("B002", f"SOURCE_DATE_EPOCH='{value}' is not a Unix time in seconds "
                     "before the year 10000", None,
                     "set it to a Unix time, e.g. $(git log -1 --format=%ct)")
        raise BookError(report)
    if manifest is not None and manifest.date:
        parts = [int(p) for p in manifest.date.split("-")] + [1, 1]
        return dt.datetime(parts[0], parts[1], parts[2], tzinfo=dt.UTC)
    return dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


def hyphenation_report(breaks: list, labels: list[str]) -> bytes:
    """Every word the PDF broke at a line end, for proofreading: the page as printed on it,
    the language and the word, broken at '|'."""
    breaks = sorted(breaks, key=lambda b: b.page)
    lines = ["# page\tlang\tword (broken at |)",
             *(f"{labels[b.page - 1]}\t{b.lang}\t{b.before}|{b.after}" for b in breaks)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def build(root: Path, formats: tuple[str, ...] = FORMATS, out_dir: Path | None = None,
          strict: bool = False, progress: Callable[[str], None] | None = None) -> BuildResult:
    """Build the book in root; raise BookError when the book has errors.

    progress, when given, is told at each stage boundary what begins now (a short phrase);
    stages never print, so the caller decides how (or whether) to show it.

    A book whose inputs, outputs and tools are unchanged since its last build is not built
    again (cache.py): the result names the outputs in place, repeats that build's
    diagnostics and has up_to_date set.

    A long book's PDF is laid out in pieces by one process per core (render/parallel.py,
    docs/performance.md); ANTOLOGI_JOBS=N sets the number of processes. Which pieces, and
    so the bytes, depend on the book alone, never on the number of processes."""
    step = progress or (lambda _message: None)
    from . import cache

    out = out_dir or root / "build"
    key = cache.environment_key(root, out, formats, strict)
    hit = cache.lookup(root, out, formats, strict, key)
    if hit is not None:
        step("up to date: nothing changed since the last build")
        return BuildResult(load_manifest(root, Report()), hit.outputs,
                           Report(hit.diagnostics), up_to_date=True)
    workers: Workers | None = None
    try:
        with cache.recording() as opened:  # every file the build reads, for the next build
            report = Report()
            step("reading the manifest")
            manifest = load_manifest(root, report)
            workers = _early_workers(manifest, formats)
            result = BuildResult(manifest, report=report)
            texts = len(manifest.chapters) + sum(
                p.kind == "markdown" for p in (*manifest.front_matter, *manifest.back_matter))
            step(f"parsing {texts} text{'s' if texts != 1 else ''}")
            book = load_book(manifest, report)
            if set(formats) == {"epub"}:
                # The generated cover is painted in a thread while the text is prepared.
                # Not when a PDF is made: its layout processes are forked, never beside a
                # thread.
                from .render.epub import start_cover

                start_cover(book)
            timestamp = build_timestamp(manifest, report)
            step("preparing the text: ids, notes, typography, hyphenation")
            rendered = _render(book, formats, timestamp, strict, report, step, out, workers)
    finally:
        if workers is not None:
            workers.shutdown()
    from .lock import output_lock

    step(f"writing {len(rendered)} file{'s' if len(rendered) != 1 else ''}")
    with output_lock(out):  # one writer at a time; a killed run's temp files go first
        write_outputs(rendered, result)
        cache.save(root, out, formats, strict, key, opened, rendered, report)
    return result


def _early_workers(manifest: Manifest, formats: tuple[str, ...]) -> Workers | None:
    """The PDF's layout processes, started before the texts are read when the book looks
    long enough to be laid out in pieces: they get WeasyPrint ready meanwhile."""
    if "pdf" not in formats:
        return None
    from .render.parallel import Workers, likely_in_pieces

    return Workers() if likely_in_pieces(manifest) else None


def _render(book: Book, formats: tuple[str, ...], timestamp: dt.datetime, strict: bool,
            report: Report, step: Callable[[str], None], out: Path,
            workers: Workers | None = None) -> dict[Path, bytes]:
    """The outputs' bytes. A long book's PDF is laid out and joined in other processes
    (render/parallel.py): the EPUB, whose page-list needs the PDF's pages, is made while
    the pieces are joined. Diagnostics come in the same order whatever finishes first:
    the texts', the PDF's, the EPUB's."""
    slug = book.manifest.slug
    prepared = transforms.run_all(book, formats, report)
    if report.has_errors(strict):
        raise BookError(report)
    job: PdfJob | None = None
    try:
        if "pdf" in prepared:
            from .render.pdf import PdfJob  # WeasyPrint: only when there is a PDF

            step("laying out the PDF")
            job = PdfJob(prepared["pdf"], timestamp, workers=workers)
        laid = job.pages() if job is not None else None  # the pages; the join goes on
        epub_told = Report()
        epub: bytes | None = None
        if "epub" in prepared:
            from .render.epub import render_epub

            step("making the EPUB")
            epub = render_epub(prepared["epub"], timestamp, laid.pages if laid else None,
                               epub_told)
        rendered: dict[Path, bytes] = {}
        if job is not None and laid is not None:
            pdf = job.result()
            if epub is not None and pdf.pages != laid.pages:
                epub_told = Report()  # laid out again in one document: its own page-list
                epub = render_epub(prepared["epub"], timestamp, pdf.pages, epub_told)
            report.extend(job.report.items)
            rendered[out / f"{slug}.pdf"] = pdf.data
            rendered[out / f"{slug}-hyphenation.txt"] = hyphenation_report(
                pdf.breaks, pdf.pages.labels)
        report.extend(epub_told.items)
        if epub is not None:
            rendered[out / f"{slug}.epub"] = epub
    except BaseException:
        if job is not None:
            job.cancel()
        raise
    if report.has_errors(strict):
        raise BookError(report)
    return rendered


def write_outputs(rendered: dict[Path, bytes], result: BuildResult) -> None:
    """Written only when everything rendered: a failed build leaves the last good book.
    All files of the run are staged first (temporary file in the output folder, fsync,
    mode 0644), then renamed over the old ones, so the EPUB and PDF of one run go in
    together or not at all. The caller holds the folder's lock (lock.output_lock)."""
    from .diagnostics import rel

    try:
        replace_all(rendered)
    except OSError as exc:
        shown = rel(Path(exc.filename), Path.cwd()) if exc.filename else "the outputs"
        raise EnvironmentProblem(f"could not write {shown}: {exc.strerror} (B001); the "
                                 "previous outputs are unchanged") from exc
    for path in rendered:
        result.outputs[path.name] = path
