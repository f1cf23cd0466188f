"""Where the build may read from: the project folder and antologi's own data, nothing else.

Paths are resolved (symbolic links followed) before they are checked, so a link inside the
project that points outside is refused too. Nothing is fetched from the network.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

PACKAGE_DIR = Path(__file__).resolve().parent


def font_dir() -> Path:
    """EB Garamond from the pinned PyPI package: same font files on every machine."""
    import fontpkg_eb_garamond

    return Path(fontpkg_eb_garamond.__file__).resolve().parent / "files"


@dataclass(frozen=True)
class Sandbox:
    roots: tuple[Path, ...]
    excluded: tuple[Path, ...] = ()  # e.g. the build folder: never read stale outputs

    def allows(self, path: Path) -> bool:
        resolved = path.resolve()
        if any(resolved.is_relative_to(x.resolve()) for x in self.excluded):
            return False
        return any(resolved.is_relative_to(r.resolve()) for r in self.roots)


class ProjectFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only files inside the sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__()
        self.sandbox = sandbox

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise URLFetchingError(f"not fetched (the build is offline): {url}")
        path = Path(unquote(parts.path))
        if not self.sandbox.allows(path) or not path.is_file():
            raise URLFetchingError(f"not inside the project: {path}")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})


def atomic_write(target: Path, data: bytes) -> None:
    """Write next to the target, then rename: the old file stays until the new one is whole."""
    import os
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
