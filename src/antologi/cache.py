"""Incremental builds: a build whose inputs and outputs are unchanged does nothing at all.

After each successful build, ``.antologi-cache/<formats>-<output folder>.json`` in the
project records

- the *environment key*: antologi's own files (code, templates, default styles), the
  installed distributions (each ``name-version.dist-info``: WeasyPrint, pyphen, ebooklib,
  the font package …), Python's version, ``SOURCE_DATE_EPOCH``, the formats, ``--strict``,
  and the project and output folders (the number of processes, ``ANTOLOGI_JOBS``, does not
  change a byte of the outputs and is not part of it);
- every *input file* with its SHA-256: each file the build opened for reading inside the
  project, and every file under ``book/``, ``chapters/`` and ``styles/``;
- every *output file* with its SHA-256;
- the build's diagnostics, so that an unchanged book reports the same warnings again.

The next build with the same key re-hashes every recorded input and output; when all of
them still match and no new file appeared in those folders, the outputs in place are the
ones a clean build would write, and nothing is parsed, laid out or written.

Inputs are recorded with an audit hook (PEP 578) on ``open``: an image found through a
chapter, a url() in the book's stylesheet, a front-matter text outside ``book/`` all count
without every reader having to report what it read. Files that are only looked for (a book
stylesheet that does not exist, say) are never opened, which is why the three folders are
listed as well: a stylesheet that appears there makes the next build a full one.

The cache is not kept in the output folder: that folder holds the outputs and nothing
else (the output-safety and reproducibility tests list it and read every entry), so it
lives beside ``book/`` in a hidden folder that carries its own ``.gitignore``, as pytest's
and ruff's caches do, and goes away with the project.

A PDF laid out in pieces (render/parallel.py) keeps its pieces in ``LayoutStore``, so that
an edited text is the only one laid out again; hyphenation keeps the words it has broken
in ``BreakStore``, so that pyphen is asked only about new ones.

The cache is never trusted blindly: an entry that is not valid JSON, has the wrong shape,
another format version, another key, names an input or output that is missing or hashes
differently is ignored, and the build runs in full. Writing the cache can fail (disk full,
read-only folder) without failing the build; the entry is replaced atomically after the
outputs, so an interrupted build leaves an entry whose output hashes no longer match.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .diagnostics import CATALOGUE, Diagnostic, Report, Severity, Span

FORMAT = 1  # of the entry files; another value is a stale entry
CACHE_FOLDER = ".antologi-cache"  # in the project folder
TREES = ("book", "chapters", "styles")  # where a book's own files live (design.md)
PACKAGE_DIR = Path(__file__).resolve().parent

_recording: contextvars.ContextVar[set[Path] | None] = contextvars.ContextVar(
    "antologi_cache_recording", default=None)


def _audit(event: str, args: tuple[object, ...]) -> None:
    """Called by Python for every audited event of the process: keep it cheap."""
    if event != "open":
        return
    opened = _recording.get()
    if opened is None:
        return
    path, mode, flags = args
    if isinstance(mode, str):
        if any(c in mode for c in "wax+"):
            return
    elif not isinstance(flags, int) or flags & os.O_ACCMODE != os.O_RDONLY:
        return
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if isinstance(path, (str, os.PathLike)):  # not a descriptor (recorded when opened)
        opened.add(Path(os.path.abspath(path)))


@functools.cache
def _install_hook() -> None:
    """Once per process: an audit hook cannot be removed, so it stays and does nothing
    while no build records."""
    sys.addaudithook(_audit)


@contextmanager
def recording() -> Iterator[set[Path]]:
    """Record every file opened for reading while the block runs (in this thread); the
    set it yields fills as the build goes, and ``inputs`` keeps the project's files."""
    _install_hook()
    opened: set[Path] = set()
    token = _recording.set(opened)
    try:
        yield opened
    finally:
        _recording.reset(token)


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _tree_files(root: Path) -> set[str]:
    """Every file under book/, chapters/ and styles/, relative to the project: hidden
    files and editor backups left out (they count only when the build opens them)."""
    found: set[str] = set()
    for name in TREES:
        folder = root / name
        if not folder.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for file in filenames:
                if not file.startswith(".") and not file.endswith("~"):
                    found.add((Path(dirpath) / file).relative_to(root).as_posix())
    return found


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def _project_files(root: Path, opened: Iterable[Path], skip: Iterable[Path]) -> set[str]:
    """The opened files that are the project's own, relative to it."""
    skip = [*skip, root / CACHE_FOLDER, PACKAGE_DIR, Path(sys.prefix).resolve(),
            Path(sys.base_prefix).resolve()]
    names = set()
    for path in opened:
        try:
            resolved = path.resolve()
        except OSError:
            continue
        if not _inside(resolved, root) or any(_inside(resolved, s) for s in skip) \
                or "__pycache__" in resolved.parts or not resolved.is_file():
            continue
        names.add(resolved.relative_to(root).as_posix())
    return names


def _hashed(root: Path, names: Iterable[str]) -> dict[str, str]:
    hashes = {name: _sha256(root / name) for name in sorted(names)}
    return {name: digest for name, digest in hashes.items() if digest is not None}


def inputs(root: Path, out: Path, opened: set[Path]) -> dict[str, str]:
    """The build's inputs: the project files it opened and the files of the book's
    folders, relative to the project, with their SHA-256. Outside the project (antologi
    itself, the installed packages, Python) is the environment key's business."""
    root = root.resolve()
    return _hashed(root, _tree_files(root) | _project_files(root, opened, [out.resolve()]))


def note_read(paths: Iterable[Path]) -> None:
    """Files read on the build's behalf elsewhere (a worker process) count as read here."""
    opened = _recording.get()
    if opened is not None:
        opened.update(paths)


def _package_files() -> list[Path]:
    files = []
    for dirpath, dirnames, filenames in os.walk(PACKAGE_DIR):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        files += [Path(dirpath) / f for f in sorted(filenames) if not f.endswith(".pyc")]
    return files


def _distributions() -> list[str]:
    """Every installed distribution as its metadata folder's name, which carries the
    version (``weasyprint-70.0.dist-info``): one directory listing per sys.path entry
    instead of a metadata lookup per package."""
    names: set[str] = set()
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        names.update(n for n in listing if n.endswith((".dist-info", ".egg-info")))
    return sorted(names)


def _digest(*parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(str(part).encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def tool_key() -> str:
    """antologi's own files and the installed distributions: the tools of a build."""
    files = [(path.relative_to(PACKAGE_DIR).as_posix(), _sha256(path))
             for path in _package_files()]
    return _digest("format", FORMAT, "antologi", __version__, "python", sys.version,
                   *files, "distributions", *_distributions())


def environment_key(root: Path, out: Path, formats: tuple[str, ...], strict: bool) -> str:
    """What, besides the input files, decides the outputs' bytes."""
    return _digest(tool_key(), "root", root.resolve(), "out", out.resolve(), "formats",
                   *formats, "strict", strict, "SOURCE_DATE_EPOCH",
                   os.environ.get("SOURCE_DATE_EPOCH", "<unset>"))


def entry_path(root: Path, out: Path, formats: tuple[str, ...], strict: bool) -> Path:
    """One entry per output folder and format set: an EPUB-only build into build/ and a
    full one into build/ write different EPUBs (the full one has the print page-list)."""
    folder = hashlib.sha256(os.fsencode(out.resolve())).hexdigest()[:12]
    name = "+".join(formats) + ("-strict" if strict else "")
    return root / CACHE_FOLDER / f"{name}-{folder}.json"


@dataclass(frozen=True)
class Hit:
    """An up-to-date build: its outputs, as they are in place, and its diagnostics."""

    outputs: dict[str, Path]
    diagnostics: list[Diagnostic]


def diagnostic_json(d: Diagnostic) -> dict[str, object]:
    return {"code": d.code, "severity": d.severity.value, "message": d.message,
            "span": [d.span.path, d.span.line, d.span.col] if d.span else None,
            "hint": d.hint}


def diagnostic(data: object) -> Diagnostic:
    """One recorded diagnostic; anything unexpected raises (and the entry is ignored)."""
    if not isinstance(data, dict):
        raise ValueError("diagnostic")
    code, severity, message = data["code"], Severity(data["severity"]), data["message"]
    hint, span = data.get("hint"), data.get("span")
    if code not in CATALOGUE or not isinstance(message, str) \
            or not (hint is None or isinstance(hint, str)):
        raise ValueError("diagnostic")
    where = None
    if span is not None:
        path, line, col = span
        if not (isinstance(path, str) and isinstance(line, int) and isinstance(col, int)):
            raise ValueError("span")
        where = Span(path, line, col)
    return Diagnostic(code, severity, message, where, hint)


def _hashes(data: object) -> dict[str, str]:
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and len(v) == 64 for k, v in data.items()):
        raise ValueError("hashes")
    return data


def lookup(root: Path, out: Path, formats: tuple[str, ...], strict: bool,
           key: str) -> Hit | None:
    """The recorded build when everything it depended on is unchanged, else None."""
    try:
        data = json.loads(entry_path(root, out, formats, strict).read_bytes())
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
            return None
        recorded = _hashes(data["inputs"])
        outputs = _hashes(data["outputs"])
        diagnostics = [diagnostic(d) for d in data["diagnostics"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no entry, or one that cannot be read: build in full
    root = root.resolve()
    if not _tree_files(root) <= set(recorded):
        return None  # a new file in book/, chapters/ or styles/
    for name, digest in recorded.items():
        if _sha256(root / name) != digest:
            return None
    paths = {}
    for name, digest in outputs.items():
        path = out / name
        if "/" in name or name.startswith(".") or _sha256(path) != digest:
            return None
        paths[name] = path
    return Hit(paths, diagnostics) if paths else None


def save(root: Path, out: Path, formats: tuple[str, ...], strict: bool, key: str,
         opened: set[Path], rendered: dict[Path, bytes], report: Report) -> None:
    """Record a successful build. The caller holds the output folder's lock and has
    written the outputs; a cache that cannot be written (a read-only project, a full disk)
    only costs the next build time."""
    from .resources import atomic_write, remove_stale_temp_files

    entry = {
        "format": FORMAT,
        "key": key,
        "inputs": inputs(root, out, opened),
        "outputs": {path.name: hashlib.sha256(data).hexdigest()
                    for path, data in sorted(rendered.items())},
        "diagnostics": [diagnostic_json(d) for d in report.items],
    }
    target = entry_path(root, out, formats, strict)
    try:
        _make_folder(target.parent)
        remove_stale_temp_files(target.parent)  # a killed run's, as in the output folder
        atomic_write(target, json.dumps(entry, ensure_ascii=False, indent=1).encode("utf-8"))
    except OSError:
        with contextlib.suppress(OSError):  # if it can't be written, it must not be stale
            target.unlink(missing_ok=True)


def _make_folder(folder: Path) -> None:
    """A folder of the cache, made with the cache's .gitignore (whichever store writes
    first: a first build that fails after the layout or hyphenation was kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    top = next(p for p in (folder, *folder.parents) if p.name == CACHE_FOLDER)
    ignore = top / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# antologi's build cache: not part of the book\n*\n", "utf-8")


class LayoutStore:
    """Pieces of a PDF laid out in parallel (render/parallel.py), each under the hash of
    the tools and its markup, with the project files it read (images, the book's
    stylesheet) and their hashes: a piece is taken from here only when all of them are
    unchanged and its PDF hashes to what was recorded. JSON and PDF only: nothing here is
    executed or unpickled."""

    def __init__(self, root: Path, key: str) -> None:
        self.root = root.resolve()
        self.folder = self.root / CACHE_FOLDER / "layout"
        self.key = key
        self.used: set[str] = set()

    def _name(self, html: str) -> str:
        return _digest(self.key, html)

    def get(self, html: str) -> tuple[dict, bytes, list[str]] | None:
        """(what was recorded, the PDF, the files it read) or None."""
        name = self._name(html)
        try:
            entry = json.loads((self.folder / f"{name}.json").read_bytes())
            pdf = (self.folder / f"{name}.pdf").read_bytes()
            if not isinstance(entry, dict) or entry.get("format") != FORMAT \
                    or entry.get("pdf") != hashlib.sha256(pdf).hexdigest() \
                    or not isinstance(entry.get("meta"), dict):
                return None
            read = _hashes(entry["inputs"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if any(_sha256(self.root / rel) != digest for rel, digest in read.items()):
            return None
        self.used.add(name)
        return entry["meta"], pdf, [str(self.root / rel) for rel in read]

    def put(self, html: str, meta: dict, pdf: bytes, opened: Iterable[str]) -> None:
        from .resources import atomic_write

        name = self._name(html)
        self.used.add(name)
        read = _hashed(self.root, _project_files(self.root, map(Path, opened),
                                                 [self.root / "build"]))
        entry = {"format": FORMAT, "pdf": hashlib.sha256(pdf).hexdigest(), "inputs": read,
                 "meta": meta}
        try:
            _make_folder(self.folder)
            atomic_write(self.folder / f"{name}.pdf", pdf)
            atomic_write(self.folder / f"{name}.json",
                         json.dumps(entry, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass  # a piece not kept is laid out again next time

    def keep_only_used(self) -> None:
        """Forget the pieces this build did not use: the cache holds one book's pieces."""
        try:
            files = list(self.folder.iterdir())
        except OSError:
            return
        for path in files:
            if path.name.split(".")[0] not in self.used:
                with contextlib.suppress(OSError):
                    path.unlink()


def building() -> bool:
    """Whether a build is running in this thread (inside ``recording``): only a build reads
    and writes the stores below, never ``antologi check`` or a test of a transform."""
    return _recording.get() is not None


class BreakStore:
    """Words hyphenated by earlier builds (hyphenation.Hyphenator): one JSON file per
    language, dictionary, settings and exceptions, under the tools' key, so that a build
    looks up in pyphen only the words it has not met before. Used only when every entry
    has the right shape (a word and break offsets inside it) and hashes to what was
    recorded with it; a file that cannot be read or written only costs time."""

    LIMIT = 32  # files kept: those of the last few settings and exceptions files

    def __init__(self, root: Path, *parts: object) -> None:
        self.folder = root.resolve() / CACHE_FOLDER / "hyphenation"
        self.path = self.folder / f"{_digest(tool_key(), *parts)}.json"

    def load(self) -> dict[str, tuple[int, ...]]:
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT \
                or not isinstance(data.get("words"), dict) \
                or data.get("sha256") != _words_hash(data["words"]):
            return {}
        words: dict[str, tuple[int, ...]] = {}
        for word, points in data["words"].items():
            if not isinstance(points, list) or not all(
                    type(p) is int and 0 < p < len(word) for p in points):
                return {}
            words[word] = tuple(points)
        return words

    def save(self, words: dict[str, tuple[int, ...]]) -> None:
        """Written beside and renamed into place, without waiting for the disk (fsync): a
        file cut short by a crash does not hash to what it records and is not used. What
        a killed build left (its temporary files, older than an hour) goes."""
        import time

        from .resources import atomic_write

        listed = {w: list(p) for w, p in sorted(words.items())}
        data = {"format": FORMAT, "sha256": _words_hash(listed), "words": listed}
        try:
            _make_folder(self.folder)
            atomic_write(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                         durable=False)
            kept = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
            stale = [p for p in self.folder.glob("*.tmp")
                     if p.stat().st_mtime < time.time() - 3600]
            for old in [*kept[:-self.LIMIT], *stale]:
                old.unlink()
        except OSError:
            pass


def _words_hash(words: object) -> str:
    return hashlib.sha256(json.dumps(words, ensure_ascii=False, sort_keys=True)
                          .encode("utf-8")).hexdigest()
