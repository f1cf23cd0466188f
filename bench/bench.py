"""Build-time benchmark: antologi against pandoc (EPUB) and plain WeasyPrint (PDF).

Generates books of about 50, 200 and 800 pages from the repository's own chapters repeated
(footnotes, the reading list and all three languages kept; each copy a file of its own with
an id of its own), builds each of them several times in fresh subprocesses and prints a
table: the median wall time of N runs, pages per second, the peak RSS of any one process
(GNU time's, else ``os.wait4``'s: the largest of the child and its descendants), and the
ratios the performance issue sets as goals. The numbers come from this script, never from
timed tests.

    .venv/bin/python bench/bench.py                  # 50, 200, 800 pages, 3 runs each
    .venv/bin/python bench/bench.py --sizes 50 --runs 5 --only antologi

pandoc and WeasyPrint's own command line are used when present; antologi does not depend
on pandoc. "plain WeasyPrint" is WeasyPrint's command line on the same HTML antologi lays
out (front and back matter in one document, the same PDF variant and tagging), without
antologi's footnote corrections, page labels or second document.

The machine is shared: the load average is printed before and after, and a single run can
be 15-20 % off. Compare medians taken on the same machine in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pypdf
import yaml

REPO = Path(__file__).resolve().parent.parent
EPOCH = "1763683200"  # fixed SOURCE_DATE_EPOCH: every build of one input is the same bytes
# The interview first: with it alone the smallest book is close to 50 pages.
ORDER = ("03-kagarlitskij-intervju.md", "02-kagarlitskij-axeln.md", "01-wilhelmsen.md")


@dataclass
class Sample:
    seconds: float
    rss_mib: float


@dataclass
class Row:
    """One command measured on one book: every run, summarised as medians."""

    name: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def rss(self) -> float:
        return max(s.rss_mib for s in self.samples)


@dataclass
class Book:
    root: Path
    chapters: list[Path]  # the chapter files, in book order
    slug: str
    pages: int = 0  # physical pages of antologi's PDF, once built


def run_measured(command: Sequence[str | Path], cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> Sample:
    """Wall time and peak RSS of one command (and its children), which must succeed."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    # Linux counts a process's resident memory before exec in its peak (ru_maxrss), and a
    # child forked from this script starts as big as the script: GNU time, small itself,
    # starts the command and reports the peak of it and its descendants.
    timer = ["/usr/bin/time", "-f", "%M", "-o"] if Path("/usr/bin/time").exists() else []
    # Output to a file, not a pipe: wait4 must reap the child itself (for its rusage), and a
    # full pipe would block a chatty child before it exits.
    with tempfile.TemporaryFile() as log, tempfile.NamedTemporaryFile("r") as peak:
        start = time.perf_counter()
        proc = subprocess.Popen([*timer, *([peak.name] if timer else []),
                                 *(str(c) for c in command)], cwd=cwd, env=full_env,
                                stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            log.seek(0)
            raise RuntimeError(f"{' '.join(map(str, command))} failed ({proc.returncode}):\n"
                               f"{log.read().decode('utf-8', 'replace')[-2000:]}")
        kib = int(peak.read().split()[-1]) if timer else usage.ru_maxrss  # KiB on Linux
    return Sample(seconds, kib / 1024)


# --- the books -----------------------------------------------------------------------------


def make_book(folder: Path, sequence: Sequence[str]) -> Book:
    """A project with the repository's book/ (manifest, preface, reading list, hyphenation
    exceptions) and the chapters in the given order, each a file with an id of its own."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(REPO / "book", folder / "book")
    (folder / "chapters").mkdir()
    if (REPO / "styles").is_dir():
        shutil.copytree(REPO / "styles", folder / "styles")
    manifest_path = folder / "book" / "book.yaml"
    manifest = yaml.safe_load(manifest_path.read_text("utf-8"))
    ids = {ref["file"].split("/")[-1]: ref["id"] for ref in manifest["chapters"]}
    entries, files = [], []
    for number, name in enumerate(sequence, 1):
        target = folder / "chapters" / f"{number:03d}-{name}"
        shutil.copyfile(REPO / "chapters" / name, target)
        entries.append({"file": f"chapters/{target.name}", "id": f"{ids[name]}-{number:03d}"})
        files.append(target)
    manifest["chapters"] = entries
    manifest_path.write_text(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True,
                                            width=1000), "utf-8")
    slug = _slug(folder)
    return Book(folder, files, slug)


def _slug(root: Path) -> str:
    from antologi.diagnostics import Report
    from antologi.manifest import load_manifest

    return load_manifest(root, Report()).slug


def chapter_pages(pdf: Path) -> tuple[int, dict[str, int], int]:
    """(front matter pages, pages per chapter title, back matter pages) from the outline."""
    reader = pypdf.PdfReader(pdf)
    labels = list(reader.page_labels)
    front = sum(1 for label in labels if not label.isdigit())
    tops = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline
            if not isinstance(item, list)]
    body = [(title, page) for title, page in tops if page >= front]
    per: dict[str, int] = {}
    for (title, page), (_, after) in zip(body, [*body[1:], ("", len(labels))], strict=True):
        per[title] = after - page
    back = per.pop(body[-1][0])  # the reading list closes the book
    return front, per, back


def plan(sizes: Sequence[int], work: Path) -> dict[int, list[str]]:
    """Chapter sequences for the wanted page counts: one calibration build of one copy of
    each text gives the pages per text (a text opens on a recto, so its page count does
    not depend on where it starts)."""
    calibration = make_book(work / "calibration", ORDER)
    run_measured([sys.executable, "-m", "antologi", "build", calibration.root, "--format",
                  "pdf"])
    front, per, back = chapter_pages(calibration.root / "build" / f"{calibration.slug}.pdf")
    counts = list(per.values())  # in ORDER
    sequences = {}
    for size in sizes:
        sequence: list[str] = []
        total = front + back
        best = (abs(total - size), 0)
        while total < size * 1.1:
            index = len(sequence) % len(ORDER)
            sequence.append(ORDER[index])
            total += counts[index]
            best = min(best, (abs(total - size), len(sequence)))
        sequences[size] = sequence[:max(best[1], 1)]
    return sequences


def edit(path: Path, number: int) -> None:
    """A small change in one paragraph, different each time (a corrected word)."""
    text = path.read_text("utf-8")
    head, sep, body = text.partition("\n---\n")
    body, count = re.subn(r"(\w{6,})([.,])", rf"\1 ändring{number}\2", body, count=1)
    assert count == 1
    path.write_text(head + sep + body, "utf-8")


def single_html(book: Book) -> Path:
    """The HTML antologi lays out, front and back matter in one document."""
    from antologi import transforms
    from antologi.book import load_book
    from antologi.build import build_timestamp
    from antologi.diagnostics import Report
    from antologi.manifest import load_manifest
    from antologi.render import pdf

    report = Report()
    manifest = load_manifest(book.root, report)
    loaded = transforms.run(load_book(manifest, report), "pdf", report)
    timestamp = build_timestamp(manifest, report).strftime("%Y-%m-%dT%H:%M:%SZ")
    prepared = pdf._prepare(loaded, timestamp)
    prepared.body = prepared.front + prepared.body
    target = book.root / "single.html"
    target.write_text(pdf._html(prepared, "body"), "utf-8")
    return target


# --- the measurements ----------------------------------------------------------------------


def antologi(book: Book, *extra: str) -> list[str | Path]:
    return [sys.executable, "-m", "antologi", "build", book.root, *extra]


def snapshot(work: Path) -> Path:
    """antologi's source as it is now, run from a copy: the build cache's key includes
    antologi's own files, and other work in the checkout must not change them mid-run."""
    target = work / "src"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(REPO / "src" / "antologi", target / "antologi",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return target


def measure(name: str, runs: int, command: Callable[[int], Sample],
            before: Callable[[int], None] | None = None, note: str = "") -> Row:
    row = Row(name, note=note)
    for number in range(runs):
        if before is not None:
            before(number)
        row.samples.append(command(number))
        print(f"  {name}: {row.samples[-1].seconds:.2f} s, {row.samples[-1].rss_mib:.0f} MiB",
              file=sys.stderr, flush=True)
    return row


def bench_book(book: Book, runs: int, tools: set[str], extra: Sequence[str], src: Path,
               jobs: Sequence[int]) -> list[Row]:
    """antologi as a user runs it (the PDF of a long book in pieces, one process per core),
    then with ANTOLOGI_JOBS=N for each N of ``jobs``; pandoc; plain WeasyPrint."""
    rows: list[Row] = []
    build = book.root / "build"
    env = {"PYTHONPATH": str(src)}

    def clean(_: int) -> None:
        shutil.rmtree(build, ignore_errors=True)
        shutil.rmtree(book.root / ".antologi-cache", ignore_errors=True)  # the build cache

    if "antologi" in tools:
        rows.append(measure("antologi EPUB only, clean", runs, lambda _: run_measured(
            antologi(book, "--format", "epub"), env=env), clean))
        middle = book.chapters[len(book.chapters) // 2]
        for processes in [0, *jobs]:
            run_env = {**env, "ANTOLOGI_JOBS": str(processes)} if processes else env
            how = "" if not processes else \
                f", {processes} process{'es' if processes > 1 else ''}"

            def run(_: int, run_env: dict[str, str] = run_env) -> Sample:
                return run_measured(antologi(book, *extra), env=run_env)

            if not processes:
                rows.append(measure("antologi PDF only, clean", runs, lambda _: run_measured(
                    antologi(book, "--format", "pdf", *extra), env=env), clean))
            rows.append(measure(f"antologi EPUB + PDF, clean{how}", runs, run, clean))
            book.pages = len(pypdf.PdfReader(build / f"{book.slug}.pdf").pages)
            if not processes:
                rows.append(measure("antologi EPUB + PDF, no-op rebuild", runs, run))
            rows.append(measure(f"antologi EPUB + PDF, one chapter edited{how}", runs, run,
                                lambda n, p=processes: edit(middle, 100 * p + n)))
    if "pandoc" in tools and shutil.which("pandoc"):
        out = book.root / "pandoc.epub"
        names = [p.relative_to(book.root) for p in book.chapters]
        rows.append(measure("pandoc -> EPUB 3", runs, lambda _: run_measured(
            ["pandoc", "--file-scope", "-f", "markdown", "-t", "epub3", "--toc",
             "--metadata", "title=Bench", "--metadata", "lang=sv", "-o", out, *names],
            cwd=book.root)))
    if "weasyprint" in tools:
        html = single_html(book)
        out = book.root / "plain.pdf"
        rows.append(measure("plain WeasyPrint, one document", runs, lambda _: run_measured(
            [sys.executable, "-m", "weasyprint", "--pdf-variant", "pdf/ua-1", "--pdf-tags",
             "-u", book.root.as_uri() + "/", html, out])))
    return rows


# --- the report ----------------------------------------------------------------------------


def table(results: dict[int, tuple[Book, list[Row]]]) -> str:
    sizes = sorted(results)
    head = "| command | " + " | ".join(f"{results[s][0].pages or s} pages" for s in sizes) + " |"
    lines = [head, "|---|" + "---|" * len(sizes)]
    names = list(dict.fromkeys(row.name for _, rows in results.values() for row in rows))
    for name in names:
        cells = []
        for size in sizes:
            book, rows = results[size]
            row = next((r for r in rows if r.name == name), None)
            if row is None:
                cells.append("–")
                continue
            rate = f", {book.pages / row.median:.1f} p/s" if book.pages else ""
            cells.append(f"{row.median:.2f} s{rate}, {row.rss:.0f} MiB")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratios(results: dict[int, tuple[Book, list[Row]]]) -> str:
    def time_of(size: int, name: str) -> float | None:
        rows = results[size][1]
        row = next((r for r in rows if r.name == name), None)
        return row.median if row else None

    lines = []
    for size in sorted(results):
        pages = results[size][0].pages or size
        checks = [
            ("EPUB only / pandoc (goal <= 0.3)", "antologi EPUB only, clean",
             "pandoc -> EPUB 3"),
            ("clean EPUB + PDF / plain WeasyPrint (goal <= 0.7)",
             "antologi EPUB + PDF, clean", "plain WeasyPrint, one document"),
            ("one chapter edited / clean (goal <= 0.2)",
             "antologi EPUB + PDF, one chapter edited", "antologi EPUB + PDF, clean"),
        ]
        for processes in sorted({r.name.rsplit(", ", 1)[1] for _, rs in results.values()
                                 for r in rs if re.search(r", \d+ process(es)?$", r.name)}):
            checks += [
                (f"clean EPUB + PDF, {processes} / plain WeasyPrint",
                 f"antologi EPUB + PDF, clean, {processes}", "plain WeasyPrint, one document"),
                (f"one chapter edited / clean, {processes}",
                 f"antologi EPUB + PDF, one chapter edited, {processes}",
                 f"antologi EPUB + PDF, clean, {processes}"),
            ]
        for label, top, bottom in checks:
            a, b = time_of(size, top), time_of(size, bottom)
            if a is not None and b is not None:
                lines.append(f"- {pages} pages: {label}: {a / b:.2f}")
        noop = time_of(size, "antologi EPUB + PDF, no-op rebuild")
        if noop is not None:
            lines.append(f"- {pages} pages: no-op rebuild (goal <= 1 s): {noop:.2f} s")
    sizes = sorted(results)
    if len(sizes) >= 2:
        small, large = sizes[-2], sizes[-1]
        name = "antologi EPUB + PDF, clean"
        a, b = time_of(small, name), time_of(large, name)
        pa, pb = results[small][0].pages or small, results[large][0].pages or large
        if a and b:
            lines.append(f"- growth {pa} -> {pb} pages ({pb / pa:.2f}x the pages): "
                         f"{b / a:.2f}x the time (goal <= 4.4x)")
    return "\n".join(lines)


def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load} (1, 5, 15 min)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50,200,800", help="page counts (about)")
    parser.add_argument("--runs", type=int, default=3, help="runs per command (median)")
    parser.add_argument("--only", default="antologi,pandoc,weasyprint",
                        help="tools to measure, comma-separated")
    parser.add_argument("--work", type=Path, help="where the books go (default: a temp folder)")
    parser.add_argument("--jobs", default="",
                        help="extra rows with ANTOLOGI_JOBS=N, comma-separated (e.g. 1); "
                        "the main rows run as a user would: one process per core")
    parser.add_argument("--build-arg", action="append", default=[],
                        help="extra argument for antologi build's PDF runs (repeatable)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    tools = set(args.only.split(","))
    work = args.work or Path(tempfile.mkdtemp(prefix="antologi-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    before = machine()
    print(f"machine before: {before}", file=sys.stderr)
    src = snapshot(work)
    os.environ["PYTHONPATH"] = str(src)  # the calibration build and single_html too
    os.environ.pop("ANTOLOGI_JOBS", None)  # the main rows: antologi's own choice
    sys.path.insert(0, str(src))
    sequences = plan(sizes, work)
    results: dict[int, tuple[Book, list[Row]]] = {}
    for size in sizes:
        book = make_book(work / f"book-{size}", sequences[size])
        print(f"book of ~{size} pages: {len(sequences[size])} texts", file=sys.stderr)
        results[size] = (book, bench_book(book, args.runs, tools, args.build_arg, src,
                                          [int(n) for n in args.jobs.split(",") if n]))
    pandoc = shutil.which("pandoc")
    version = (subprocess.run(["pandoc", "--version"], capture_output=True, text=True)
               .stdout.splitlines()[0] if pandoc else "pandoc: not installed")
    print(f"\nantologi bench, {started}; medians of {args.runs} runs; wall time, pages/s, "
          f"peak RSS of any one process")
    print(f"machine before: {before}; {version}\n")
    print(table(results))
    print()
    print(ratios(results))
    print(f"\nmachine after: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
