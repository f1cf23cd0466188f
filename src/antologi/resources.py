"""Where the build may read from: the project folder and antologi's own data, nothing else.

Paths are resolved (symbolic links followed) before they are checked, so a link inside the
project that points outside is refused too. Nothing is fetched from the network
(render/fetcher.py holds the PDF's URL fetcher, which applies the Sandbox).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

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


TEMP_SUFFIX = ".tmp"
# mkstemp's names: '.' + the target's name + '.' + 8 random characters + TEMP_SUFFIX.
_TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")
ARTIFACT_MODE = 0o644
"""Outputs are for everyone to read, as any file the user saves (mkstemp gives 0600)."""


def _write_all(fd: int, data: bytes) -> None:
    """os.write until everything is written: a short write is not an error, ENOSPC is."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def stage(target: Path, data: bytes, durable: bool = True) -> Path:
    """Write data to a new temporary file next to target, flushed to disk (unless not
    durable), mode 0644. Nothing is left behind when this fails (e.g. disk full)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX,
                                dir=target.parent)
    tmp = Path(name)
    try:
        try:
            _write_all(fd, data)
            os.fchmod(fd, ARTIFACT_MODE)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _fsync_dir(folder: Path) -> None:
    """Make the renames durable: without it a power cut can bring back the old names."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a directory; the rename itself is atomic
    finally:
        os.close(fd)


def atomic_write(target: Path, data: bytes, durable: bool = True) -> None:
    """Write next to the target, then rename: the old file stays until the new one is whole.
    Not durable: without waiting for the disk (a cache file whose content checks itself)."""
    replace_all({target: data}, durable)


def replace_all(files: dict[Path, bytes], durable: bool = True) -> None:
    """Stage every file, then rename them over the old ones: one run's outputs (EPUB, PDF,
    reports) replace the previous ones only when all of them were written whole. A failure
    while staging (disk full, read-only folder) leaves every old file untouched and no
    temporary file behind. Raises OSError naming the output that could not be written.

    ebooklib 0.20's write_epub swallows 'disk full' and leaves a corrupt book in place of
    the last good one (upstream-notes.md); here nothing is written in place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            try:
                staged.append((stage(target, data, durable), target))
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(target)) from exc
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)  # renamed ones are gone already
    for folder in sorted({target.parent for target in files}) if durable else ():
        _fsync_dir(folder)


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Delete what a killed run left in the output folder (its temporary files). Call it
    only while holding the folder's lock: then no other run can be writing them."""
    removed = []
    try:
        candidates = sorted(folder.iterdir())
    except OSError:
        return removed
    for path in candidates:
        if _TEMP_NAME.match(path.name) and path.is_file() and not path.is_symlink():
            try:
                path.unlink()
            except OSError:
                continue  # a read-only folder: the write that follows reports it
            removed.append(path)
    return removed
