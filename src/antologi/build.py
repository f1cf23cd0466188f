"""The pipeline as a script: manifest, book, transforms, renderers, atomic writes."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import transforms
from .book import load_book
from .diagnostics import BookError, Report
from .manifest import Manifest, load_manifest
from .resources import replace_all

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

    ANTOLOGI_JOBS=N (or 'auto': one per core) lays the PDF out in N processes
    (render/parallel.py, docs/performance.md); unset, the PDF is one WeasyPrint document."""
    step = progress or (lambda _message: None)
    from . import cache

    jobs_setting = os.environ.get("ANTOLOGI_JOBS", "1").strip()
    jobs = (os.cpu_count() or 1) if jobs_setting == "auto" else \
        int(jobs_setting) if jobs_setting.isdigit() and int(jobs_setting) > 0 else 1
    out = out_dir or root / "build"
    key = cache.environment_key(root, out, formats, strict,
                                "parallel" if jobs > 1 else "single")
    hit = cache.lookup(root, out, formats, strict, key)
    if hit is not None:
        step("up to date: nothing changed since the last build")
        return BuildResult(load_manifest(root, Report()), hit.outputs,
                           Report(hit.diagnostics), up_to_date=True)
    with cache.recording() as opened:  # every file the build reads, for the next build
        report = Report()
        step("reading the manifest")
        manifest = load_manifest(root, report)
        result = BuildResult(manifest, report=report)
        texts = len(manifest.chapters) + sum(p.kind == "markdown" for p in
                                             (*manifest.front_matter, *manifest.back_matter))
        step(f"parsing {texts} text{'s' if texts != 1 else ''}")
        book = load_book(manifest, report)
        timestamp = build_timestamp(manifest, report)
        step("preparing the text: ids, notes, typography, hyphenation")
        prepared = {target: transforms.run(book, target, report) for target in formats}
        if report.has_errors(strict):
            raise BookError(report)
        rendered: dict[Path, bytes] = {}
        print_pages = None
        # The PDF first: the EPUB's page-list points at where the printed pages begin.
        if "pdf" in prepared:
            from .render.pdf import render_pdf

            step("laying out the PDF")
            pdf = render_pdf(prepared["pdf"], timestamp, report, jobs)
            rendered[out / f"{manifest.slug}.pdf"] = pdf.data
            rendered[out / f"{manifest.slug}-hyphenation.txt"] = hyphenation_report(
                pdf.breaks, pdf.pages.labels)
            print_pages = pdf.pages
        if "epub" in prepared:
            from .render.epub import render_epub

            step("making the EPUB")
            rendered[out / f"{manifest.slug}.epub"] = render_epub(prepared["epub"], timestamp,
                                                                  print_pages, report)
        if report.has_errors(strict):
            raise BookError(report)
    from .lock import output_lock

    step(f"writing {len(rendered)} file{'s' if len(rendered) != 1 else ''}")
    with output_lock(out):  # one writer at a time; a killed run's temp files go first
        write_outputs(rendered, result)
        cache.save(root, out, formats, strict, key, opened, rendered, report)
    return result


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
