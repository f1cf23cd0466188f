"""The images of a book: each one resolved, checked and listed before anything is rendered.

An image path in a chapter is relative to the project folder (the PDF's base URL), e.g.
``![Karta över Östersjön](images/karta.png)``. Every image must be a file inside the
project after symbolic links are resolved, outside the build folder, no larger than the
stated limits, a PNG, JPEG, GIF or WebP that really decodes, and it must have alt text.
Anything else is an error before rendering starts, so neither renderer ever reads a bad
image: the PDF's URL fetcher (resources.ProjectFetcher) would refuse it anyway, and the
EPUB packer only packs what ``collect_images`` returns.

Nothing is fetched: a remote image is an error, not a download (issue 7: pandoc silently
embeds ``/etc/hostname`` from ``![x](../../../../etc/hostname)``).
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from . import model as m
from .diagnostics import Report, Span

MAX_PIXELS = 40_000_000
"""Width × height of the largest image accepted: 8000 × 5000, far above what a printed page
at 600 dpi needs. Checked from the header before any pixel is decoded, so a decompression
bomb (a small file that claims a huge canvas) costs nothing."""

MAX_BYTES = 32 * 1024 * 1024
"""The largest image file accepted."""

# Pillow's format name -> (media type, file extension): the EPUB 3 core media types that
# Pillow can decode. SVG is left out: it can carry scripts and references of its own.
FORMATS: dict[str, tuple[str, str]] = {
    "PNG": ("image/png", ".png"),
    "JPEG": ("image/jpeg", ".jpg"),
    "GIF": ("image/gif", ".gif"),
    "WEBP": ("image/webp", ".webp"),
}

BUILD_FOLDER = "build"


@dataclass(frozen=True)
class ImageAsset:
    """One image file of the book, ready to be packed."""

    path: Path  # the file, symbolic links resolved
    rel: str  # relative to the project folder, as a user would write it
    href: str  # its name in the EPUB, relative to the content documents: img/…
    media_type: str  # from the decoded content, not from the file name
    width: int
    height: int
    srcs: tuple[str, ...]  # every src written in the chapters that means this file


@dataclass(frozen=True)
class _Probe:
    """What decoding a file found: a format and size, or a problem (code, message)."""

    format: str = ""
    width: int = 0
    height: int = 0
    code: str = ""
    problem: str = ""


def check_image(root: Path, src: str, alt: str, span: Span, report: Report
                ) -> tuple[Path, _Probe] | None:
    """Check one image reference; report every problem at span. Returns the resolved file
    and what it holds, or None when the image cannot be used."""
    if not alt.strip():
        report.error("I006", f"the image '{src}' has no alt text", span,
                     "describe it for readers who cannot see it: ![A map of the Baltic]"
                     f"({src})")
    path = _resolve(root, src, span, report)
    if path is None:
        return None
    probe = _probe(str(path), *_stamp(path))
    if probe.code:
        report.error(probe.code, f"the image '{src}' {probe.problem}", span,
                     _HINTS[probe.code])
        return None
    return path, probe


_HINTS = {
    "I004": "save it as PNG, JPEG, GIF or WebP (SVG is not accepted)",
    "I005": f"scale it down to at most {MAX_PIXELS // 1_000_000} megapixels and "
            f"{MAX_BYTES // (1024 * 1024)} MB; 300 dpi at the printed size is enough",
}


def _resolve(root: Path, src: str, span: Span, report: Report) -> Path | None:
    """The project file an image src names, or None with the reason reported."""
    try:
        parts = urlsplit(src)
    except ValueError:
        parts = None
    if parts is None or (parts.scheme and parts.scheme.lower() != "file") or parts.netloc:
        kind = "an embedded data: URI" if src.lower().startswith("data:") else "not a file"
        report.error("I001", f"the image '{_short(src)}' is {kind} of the project; nothing "
                     "is fetched (the build is offline)", span,
                     "download the image into the project, e.g. images/, and write that path")
        return None
    value = unquote(parts.path)
    if not value:
        report.error("I002", "an image has no file name", span,
                     "write the path of the image: ![Description](images/picture.png)")
        return None
    posix = PurePosixPath(value)
    if parts.scheme or posix.is_absolute() or value.startswith("~") or ".." in posix.parts:
        report.error("I003", f"the image '{src}' leaves the project folder", span,
                     "give a path relative to the project folder, e.g. images/picture.png")
        return None
    full = root / posix
    try:
        resolved = full.resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links (RuntimeError in 3.11)
        report.error("I003", f"the image '{src}' cannot be resolved (a loop of symbolic "
                     "links?)", span, "replace the link by the file")
        return None
    base = root.resolve()
    if not resolved.is_relative_to(base):
        report.error("I003", f"the image '{src}' points outside the project folder (through "
                     "a symbolic link)", span,
                     "copy the image into the project instead of linking to it")
        return None
    if resolved.is_relative_to(base / BUILD_FOLDER):
        report.error("I003", f"the image '{src}' points into the build folder", span,
                     "keep images with the sources (e.g. images/); build/ holds outputs only")
        return None
    if not resolved.is_file():
        report.error("I002", f"the image file '{value}' does not exist", span,
                     _did_you_mean(root, posix))
        return None
    return resolved


def _short(src: str) -> str:
    return src if len(src) <= 60 else src[:57] + "…"


def _did_you_mean(root: Path, path: PurePosixPath) -> str:
    import difflib

    folder = root / path.parent
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.5)
    if close:
        return f"did you mean '{(path.parent / close[0]).as_posix()}'?"
    return "paths of images are relative to the project folder, e.g. images/picture.png"


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


@lru_cache(maxsize=256)
def _probe(path: str, size: int, mtime_ns: int) -> _Probe:
    """Decode an image once per version of the file (the parser and the EPUB packer both
    ask). The pixel count is checked from the header before anything is decoded."""
    if size > MAX_BYTES:
        return _Probe(code="I005", problem=f"is {size:,} bytes (the limit is {MAX_BYTES:,})")
    from PIL import Image, ImageFile, UnidentifiedImageError

    # WeasyPrint 70 sets ImageFile.LOAD_TRUNCATED_IMAGES = True when it is imported
    # (weasyprint/images.py), which makes Pillow pad a cut-off file with grey instead of
    # failing: for the check, truncated must mean broken.
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            # Pillow warns past 89 megapixels and refuses past twice that; ours is lower.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if image.format not in FORMATS:
                    return _Probe(code="I004", problem=f"is a {image.format} file, which is "
                                  "not an EPUB image format")
                if width * height > MAX_PIXELS:
                    return _Probe(code="I005", problem=f"is {width} × {height} pixels (the "
                                  f"limit is {MAX_PIXELS:,} pixels)")
                image.load()  # decodes: a truncated or corrupt file fails here
                return _Probe(str(image.format), width, height)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return _Probe(code="I005", problem=f"claims more than {MAX_PIXELS:,} pixels")
    except UnidentifiedImageError:
        return _Probe(code="I004", problem="is not an image Pillow can read")
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        # Pillow's plugins raise all of these on broken files.
        return _Probe(code="I004", problem=f"cannot be decoded ({_short(str(exc))})")
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def collect_images(book: m.Book, report: Report) -> list[ImageAsset]:
    """Every image of the book in reading order, one asset per file, each with the name it
    gets in the EPUB. Problems go to report (the parser has already reported them with
    exact columns; here the place is the block the image is in)."""
    root = book.manifest.root
    found: dict[Path, tuple[str, _Probe, list[str]]] = {}
    for chapter in book.documents:
        name = chapter.path.as_posix()
        placed = [(block.line, block) for block in chapter.blocks]
        placed += [(note.line, note) for note in chapter.footnotes]
        for line, block in placed:
            for node in m.walk([block]):
                if not isinstance(node, m.Image):
                    continue
                checked = check_image(root, node.src, node.alt, Span(name, line), report)
                if checked is None:
                    continue
                path, probe = checked
                rel = path.relative_to(root.resolve()).as_posix()
                srcs = found.setdefault(path, (rel, probe, []))[2]
                if node.src not in srcs:
                    srcs.append(node.src)
    assets: list[ImageAsset] = []
    used: set[str] = set()
    for path, (rel, probe, srcs) in found.items():
        media_type, ext = FORMATS[probe.format]
        # img/, not images/: the EPUB renderer keeps its own files (the cover) there.
        href = _unique(f"img/{_safe_stem(rel)}{ext}", used)
        assets.append(ImageAsset(path, rel, href, media_type, probe.width, probe.height,
                                 tuple(srcs)))
    return assets


def image_hrefs(assets: list[ImageAsset]) -> dict[str, str]:
    """src as written in the chapters -> href in the EPUB, for rewriting <img src>."""
    return {src: asset.href for asset in assets for src in asset.srcs}


def _safe_stem(rel: str) -> str:
    """An EPUB-safe name: ASCII letters, digits, '-', '_' and '/' only (EPUBCheck warns on
    spaces and non-ASCII file names); the extension comes from the decoded format."""
    stem = PurePosixPath(rel).with_suffix("").as_posix()
    ascii_ = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    safe = re.sub(r"[^A-Za-z0-9/_-]+", "-", ascii_)
    safe = "/".join(part.strip("-") or "x" for part in safe.split("/"))
    return safe or "image"


def _unique(href: str, used: set[str]) -> str:
    candidate, n = href, 2
    while candidate.lower() in used:  # readers on case-insensitive file systems
        stem, dot, ext = href.rpartition(".")
        candidate, n = f"{stem}-{n}{dot}{ext}", n + 1
    used.add(candidate.lower())
    return candidate
