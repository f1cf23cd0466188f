"""One writer at a time in an output folder.

Two builds of the same book (an editor's save hook and a manual run, or two CI jobs on one
checkout) must never interleave their outputs: the EPUB of one run next to the PDF of the
other. ``output_lock`` holds an exclusive ``flock`` on ``<folder>/.lock`` while the outputs
are replaced; the kernel releases it when the process ends, however it ends (kill -9
included), so a lock is never left stale (an empty .lock file left by a killed run is
locked and removed by the next one). While holding it, the temporary files of a run
that was killed mid-write are removed: no other run can be writing them.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .resources import remove_stale_temp_files

LOCK_NAME = ".lock"
WAIT_SECONDS = 600.0
"""How long a build waits for another one to finish writing before giving up."""


class LockError(OSError):
    """The output folder cannot be locked (read-only, missing permissions, busy).
    An OSError: the command line reports it as an environment problem (exit code 3)."""

    def __init__(self, message: str, errno: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errno = errno

    def __str__(self) -> str:
        return self.message


@contextmanager
def output_lock(folder: Path, wait: float = WAIT_SECONDS) -> Iterator[Path]:
    """Hold the folder's lock for the duration of the block; yields the lock file.

    The lock file is removed on release, so the folder holds only outputs. That is safe
    with the usual check: a run that was waiting on a file which has since been removed
    (or replaced) finds that its file is no longer the one at the path, and tries again."""
    path = folder / LOCK_NAME
    deadline = time.monotonic() + wait
    while True:
        fd = _open(folder, path)
        try:
            _flock(fd, folder, path, deadline)
            held = os.fstat(fd)
            try:
                current = os.stat(path)
            except FileNotFoundError:
                current = None
        except BaseException:
            os.close(fd)
            raise
        if current is not None and (current.st_dev, current.st_ino) == (held.st_dev,
                                                                         held.st_ino):
            break
        os.close(fd)  # the holder before us removed this file: lock the new one
    try:
        remove_stale_temp_files(folder)
        yield path
    finally:
        with suppress(OSError):
            path.unlink()
        os.close(fd)  # releases the lock


def _open(folder: Path, path: Path) -> int:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise LockError(f"cannot write to the output folder {folder}: {exc.strerror} "
                        "(B001); the previous outputs are unchanged", exc.errno) from exc


def _flock(fd: int, folder: Path, path: Path, deadline: float) -> None:
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockError(f"another build is still writing to {folder} (it holds "
                                f"{path.name}); the previous outputs are unchanged") from None
            time.sleep(0.05)
