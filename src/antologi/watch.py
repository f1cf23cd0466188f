"""`antologi watch`: build, then build again whenever an input changes.

Inputs are polled (modification time and size of every file under the watched folders,
standard library only): polling works the same on every system and file system, and a
book's few hundred files cost nothing to look at twice a second.

A rebuild renders only what the change can affect: a change in styles/epub.css remakes
the EPUB alone, one in styles/print.css the PDF alone, anything else both. The EPUB's
page-list comes from the PDF's layout (render.pagemap), so the watcher keeps the last
PDF's page map: an EPUB-only rebuild reuses it, and a PDF-only rebuild whose pages moved
remakes the EPUB as well, so the two outputs never disagree.

Nothing here prints: the loop yields events, and the CLI shows them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import transforms
from .book import load_book
from .build import (
    FORMATS,
    BuildResult,
    EnvironmentProblem,
    build_timestamp,
    hyphenation_report,
    write_outputs,
)
from .diagnostics import BookError, Report
from .manifest import load_manifest
from .render.pagemap import PrintPages

WATCHED = ("book", "chapters", "styles")
"""The project's input folders (images and fonts belong in one of them)."""
ONLY = {"styles/epub.css": "epub", "styles/print.css": "pdf"}
"""Inputs that only one output depends on; every other input feeds both."""

Snapshot = dict[str, tuple[int, int]]  # project-relative path -> (mtime in ns, size)


def _ignored(name: str) -> bool:
    """Editors' swap, backup and lock files change while a file is being edited, not
    when it is saved."""
    return (name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".swx", ".tmp"))
            or name == "4913")  # vim's probe file


def snapshot(root: Path, folders: tuple[str, ...] = WATCHED,
             outputs: Path | None = None) -> Snapshot:
    """Every input file's state; outputs (an --out folder inside a watched one) is left
    out, or each build would set off the next."""
    found: Snapshot = {}
    for folder in folders:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(root)
            if any(_ignored(part) for part in relative.parts):
                continue
            if outputs is not None and path.is_relative_to(outputs):
                continue
            try:
                stat = path.stat()
            except OSError:  # removed between the listing and the look
                continue
            if path.is_file():
                found[relative.as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


@dataclass(frozen=True)
class Changes:
    added: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.modified or self.removed)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(sorted((*self.added, *self.modified, *self.removed)))

    def describe(self) -> str:
        parts = [*(f"{p} changed" for p in self.modified), *(f"{p} added" for p in self.added),
                 *(f"{p} removed" for p in self.removed)]
        return ", ".join(parts)


def compare(old: Snapshot, new: Snapshot) -> Changes:
    return Changes(
        added=tuple(sorted(set(new) - set(old))),
        modified=tuple(sorted(p for p in set(old) & set(new) if old[p] != new[p])),
        removed=tuple(sorted(set(old) - set(new))),
    )


def affected(changes: Changes, formats: tuple[str, ...] = FORMATS) -> tuple[str, ...]:
    """The outputs that depend on what changed, in build order."""
    need: set[str] = set()
    for path in changes.paths:
        need |= {ONLY[path]} if path in ONLY else set(FORMATS)
    return tuple(f for f in FORMATS if f in need and f in formats)


@dataclass
class Outcome:
    """One build of the watch: what was rendered, written and found."""

    rendered: tuple[str, ...]  # the formats made this time ('pdf', 'epub')
    report: Report
    outputs: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    failed: bool = False
    problem: str | None = None  # an environment problem (exit code 3 for a one-off build)
    pages_moved: bool = False  # a PDF-only change moved the pages: the EPUB followed
    title: str | None = None  # the book's, for the preview page


class Builder:
    """Builds the book again and again, keeping what the next build can reuse."""

    def __init__(self, root: Path, formats: tuple[str, ...] = FORMATS,
                 out_dir: Path | None = None, strict: bool = False) -> None:
        self.root = root
        self.formats = formats
        self.out = out_dir or root / "build"
        self.strict = strict
        self.print_pages: PrintPages | None = None  # the last PDF's page map, for the EPUB
        # Outputs owed a rebuild: a failed build leaves its changes pending, so that a
        # later change elsewhere does not forget them.
        self.stale: set[str] = set(formats)

    def run(self, wanted: tuple[str, ...],
            progress: Callable[[str], None] | None = None) -> Outcome:
        step = progress or (lambda _message: None)
        started = time.monotonic()
        render = (set(wanted) | self.stale) & set(self.formats)
        # Without a page map the EPUB would lack the print edition's page-list.
        if "epub" in render and "pdf" in self.formats and self.print_pages is None:
            render.add("pdf")
        outcome = Outcome(tuple(f for f in FORMATS if f in render), Report())
        try:
            self._render(render, outcome, step)
        except BookError as exc:
            outcome.report, outcome.failed = exc.report, True
        except (EnvironmentProblem, OSError) as exc:
            outcome.failed, outcome.problem = True, str(exc)
        self.stale = render if outcome.failed else set()
        outcome.seconds = time.monotonic() - started
        return outcome

    def _render(self, render: set[str], outcome: Outcome,
                step: Callable[[str], None]) -> None:
        report = outcome.report
        step("reading the manifest")
        manifest = load_manifest(self.root, report)
        outcome.title = manifest.title
        step("parsing the texts")
        book = load_book(manifest, report)
        timestamp = build_timestamp(manifest, report)
        step("preparing the text")
        prepared = {t: transforms.run(book, t, report) for t in FORMATS if t in render}
        if report.has_errors(self.strict):
            raise BookError(report)
        rendered: dict[Path, bytes] = {}
        pages = self.print_pages
        if "pdf" in prepared:
            from .render.pdf import render_pdf

            step("laying out the PDF")
            pdf = render_pdf(prepared["pdf"], timestamp, report)
            rendered[self.out / f"{manifest.slug}.pdf"] = pdf.data
            rendered[self.out / f"{manifest.slug}-hyphenation.txt"] = hyphenation_report(
                pdf.breaks, pdf.pages.labels)
            if "epub" in self.formats and "epub" not in prepared and pdf.pages != pages:
                outcome.pages_moved = True
                prepared["epub"] = transforms.run(book, "epub", report)
                outcome.rendered = tuple(FORMATS)
            pages = pdf.pages
        if "epub" in prepared:
            from .render.epub import render_epub

            step("making the EPUB")
            rendered[self.out / f"{manifest.slug}.epub"] = render_epub(
                prepared["epub"], timestamp, pages if "pdf" in self.formats else None, report)
        if report.has_errors(self.strict):
            raise BookError(report)
        from .lock import output_lock

        step(f"writing {len(rendered)} file{'s' if len(rendered) != 1 else ''}")
        result = BuildResult(manifest, report=report)
        with output_lock(self.out):
            write_outputs(rendered, result)
        outcome.outputs = result.outputs
        self.print_pages = pages


# --- the loop ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """A build finished (changes is None for the first one)."""

    outcome: Outcome
    changes: Changes | None = None


@dataclass(frozen=True)
class Rebuilding:
    """Inputs changed; the outputs named in formats are about to be made again."""

    changes: Changes
    formats: tuple[str, ...]


@dataclass(frozen=True)
class Watching:
    folders: tuple[str, ...]


@dataclass(frozen=True)
class Stopped:
    reason: str


Event = Built | Rebuilding | Watching | Stopped


def watch(builder: Builder, interval: float = 0.5, exit_after: int | None = None,
          timeout: float | None = None, progress: Callable[[str], None] | None = None,
          sleep: Callable[[float], None] = time.sleep,
          clock: Callable[[], float] = time.monotonic) -> Iterator[Event]:
    """Build once, then poll and rebuild until exit_after rebuilds were made or timeout
    seconds have passed (both unbounded by default: the user stops it with Ctrl-C)."""
    root = builder.root
    previous = snapshot(root, outputs=builder.out)
    yield Built(builder.run(builder.formats, progress))
    folders = tuple(f for f in WATCHED if (root / f).is_dir())
    yield Watching(folders)
    started = clock()
    rebuilds = 0
    while True:
        if exit_after is not None and rebuilds >= exit_after:
            yield Stopped(f"{rebuilds} rebuild{'s' if rebuilds != 1 else ''} made")
            return
        if timeout is not None and clock() - started >= timeout:
            yield Stopped(f"{timeout:g} s passed")
            return
        sleep(interval)
        current = snapshot(root, outputs=builder.out)
        if current == previous:
            continue
        # An editor may save in steps (write a temporary file, rename, touch): wait until
        # the folder holds still for one interval before building.
        while True:
            sleep(interval)
            settled = snapshot(root, outputs=builder.out)
            if settled == current:
                break
            current = settled
        changes = compare(previous, current)
        previous = current
        formats = affected(changes, builder.formats)
        if not changes or not formats:
            continue
        yield Rebuilding(changes, formats)
        yield Built(builder.run(formats, progress), changes)
        rebuilds += 1


# --- the preview page -------------------------------------------------------------------

_TYPES = {".pdf": "application/pdf", ".epub": "application/epub+zip",
          ".txt": "text/plain; charset=utf-8", ".xhtml": "application/xhtml+xml",
          ".css": "text/css", ".png": "image/png", ".jpg": "image/jpeg",
          ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
          ".svg": "image/svg+xml", ".ncx": "application/xml", ".opf": "application/xml"}


class Preview:
    """What the preview page shows: the latest outputs and the last build's problems.

    The watch loop publishes every build; the page asks /version once a second and reloads
    itself when the number has changed."""

    def __init__(self, title: str = "antologi") -> None:
        import threading

        self.lock = threading.Lock()
        self.title = title
        self.version = 0
        self.outputs: dict[str, Path] = {}
        self.failed = False
        self.problems: list[str] = []

    def publish(self, outcome: Outcome) -> None:
        with self.lock:
            self.version += 1
            self.failed = outcome.failed
            self.problems = [d.format() for d in outcome.report.items]
            if outcome.problem:
                self.problems.append(outcome.problem)
            if outcome.title:
                self.title = outcome.title
            if not outcome.failed:
                self.outputs.update(outcome.outputs)

    def file(self, name: str) -> Path | None:
        with self.lock:
            path = self.outputs.get(name)
        return path if path is not None and path.is_file() else None

    def epub(self) -> Path | None:
        with self.lock:
            names = [n for n in self.outputs if n.endswith(".epub")]
        return self.file(names[0]) if names else None

    def page(self) -> str:
        from html import escape

        with self.lock:
            version, failed, problems = self.version, self.failed, list(self.problems)
            outputs, title = sorted(self.outputs), self.title
        pdfs = [n for n in outputs if n.endswith(".pdf")]
        epub = self.epub()
        chapters = epub_documents(epub) if epub else []
        status = ("the last build failed: the outputs below are the last good ones"
                  if failed else "built")
        items = "".join(f'<li><a href="/out/{escape(n)}" target="view">{escape(n)}</a></li>'
                        for n in pdfs)
        docs = "".join(f'<li><a href="/epub/{escape(path)}" target="view">{escape(name)}</a>'
                       "</li>" for path, name in chapters)
        first = f"/out/{escape(pdfs[0])}" if pdfs else "about:blank"
        return _PAGE.format(
            title=escape(title), version=version, status=escape(status),
            problems=escape("\n".join(problems)), state="failed" if failed else "ok",
            pdfs=items or "<li>none yet</li>", docs=docs or "<li>none yet</li>",
            first=first, epub=escape(epub.name) if epub else "")


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}: preview</title>
<style>
body {{ margin: 0; display: flex; height: 100vh; font: 15px/1.4 sans-serif; }}
nav {{ width: 20em; padding: 0 1em; overflow: auto; border-right: 1px solid #ccc; }}
iframe {{ flex: 1; border: 0; height: 100%; }}
.failed {{ color: #a00; }} pre {{ white-space: pre-wrap; font-size: 0.8em; }}
</style></head>
<body><nav>
<h1>{title}</h1>
<p class="{state}">Build {version}: {status}.</p>
<pre class="{state}">{problems}</pre>
<h2>PDF</h2><ul>{pdfs}</ul>
<h2>EPUB</h2><ul>{docs}</ul>
<p><a href="/out/{epub}">{epub}</a></p>
</nav>
<iframe name="view" src="{first}"></iframe>
<script>
const version = "{version}";
const view = document.querySelector("iframe");
const shown = sessionStorage.getItem("shown");
if (shown) view.src = shown;
document.querySelectorAll("a[target=view]").forEach(a => a.addEventListener("click",
  () => sessionStorage.setItem("shown", a.getAttribute("href"))));
setInterval(async () => {{
  try {{
    const answer = await fetch("/version", {{cache: "no-store"}});
    if ((await answer.text()) !== version) location.reload();
  }} catch (e) {{ /* the watcher stopped: keep the page as it is */ }}
}}, 1000);
</script>
</body></html>
"""


def epub_documents(path: Path) -> list[tuple[str, str]]:
    """The EPUB's reading order: (path inside the zip, the document's title)."""
    import posixpath
    import zipfile

    from lxml import etree

    try:
        with zipfile.ZipFile(path) as archive:
            container = etree.fromstring(archive.read("META-INF/container.xml"))
            opf_path = container.find(".//{*}rootfile").get("full-path")
            opf = etree.fromstring(archive.read(opf_path))
            base = posixpath.dirname(opf_path)
            hrefs = {item.get("id"): item.get("href") for item in opf.iter("{*}item")}
            out = []
            for ref in opf.iter("{*}itemref"):
                inner = posixpath.join(base, hrefs[ref.get("idref")])
                doc = etree.fromstring(archive.read(inner))
                title = doc.findtext(".//{*}title") or posixpath.basename(inner)
                out.append((inner, title.strip()))
            return out
    except (OSError, KeyError, AttributeError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return []


def serve(preview: Preview, port: int):  # -> ThreadingHTTPServer
    """Serve the preview on 127.0.0.1 (never another interface: the page shows unpublished
    texts) from a daemon thread; the caller stops it with shutdown()."""
    import threading
    import zipfile
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import unquote, urlsplit

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the terminal is for the build's messages."""

        def _send(self, body: bytes, kind: str, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            if path == "/":
                self._send(preview.page().encode("utf-8"), "text/html; charset=utf-8")
            elif path == "/version":
                with preview.lock:
                    version = preview.version
                self._send(str(version).encode(), "text/plain")
            elif path.startswith("/out/") and (file := preview.file(path[5:])):
                self._send(file.read_bytes(), _TYPES.get(file.suffix, "application/octet-stream"))
            elif path.startswith("/epub/") and (epub := preview.epub()):
                inner = path[6:]
                with zipfile.ZipFile(epub) as archive:
                    # Only names the EPUB itself holds: the request never reaches the disk.
                    data = archive.read(inner) if inner in archive.namelist() else None
                if data is None:
                    self._send(b"not in the EPUB", "text/plain", 404)
                else:
                    self._send(data, _TYPES.get(Path(inner).suffix, "application/octet-stream"))
            else:
                self._send(b"not found", "text/plain", 404)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
