"""Outputs are replaced atomically and under a lock: a failed, full, read-only or killed
build never destroys the last good book, and leaves no temporary files behind."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from antologi import resources
from antologi.build import EnvironmentProblem, build
from antologi.lock import LockError, output_lock

from .conftest import digests
from conftest import REPO, copy_book, run_cli

SRC = str(REPO / "src")


def _temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _edit(root: Path) -> None:
    """Change the book so a new build would write different bytes."""
    chapter = root / "chapters" / "02-andra.md"
    chapter.write_text(chapter.read_text("utf-8") + "\nEtt nytt stycke.\n", "utf-8")


# --- replace_all: in-process ---------------------------------------------------------------


def test_outputs_are_0644_and_replace_the_old_ones(tmp_path: Path) -> None:
    old = tmp_path / "a.epub"
    old.write_bytes(b"old")
    os.chmod(old, 0o600)
    resources.replace_all({old: b"new", tmp_path / "b.pdf": b"pdf"})
    assert old.read_bytes() == b"new"
    assert stat.S_IMODE(old.stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "b.pdf").stat().st_mode) == 0o644
    assert _temp_files(tmp_path) == []


def test_disk_full_while_staging_changes_nothing(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The second output hits ENOSPC half-way: the first, already staged, must not replace
    its old version either, and neither temporary file may stay."""
    first, second = tmp_path / "a.epub", tmp_path / "a.pdf"
    first.write_bytes(b"old epub")
    second.write_bytes(b"old pdf")
    real_write = os.write
    calls = {"n": 0}

    def write(fd: int, data: object) -> int:
        calls["n"] += 1
        if calls["n"] >= 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)  # type: ignore[arg-type]

    monkeypatch.setattr(resources.os, "write", write)
    with pytest.raises(OSError) as caught:
        resources.replace_all({first: b"new epub", second: b"new pdf" * 1000})
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.filename == str(second)
    assert (first.read_bytes(), second.read_bytes()) == (b"old epub", b"old pdf")
    assert _temp_files(tmp_path) == []


def test_short_writes_are_completed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    monkeypatch.setattr(resources.os, "write",
                        lambda fd, data: real_write(fd, bytes(data)[:3]))
    resources.replace_all({tmp_path / "x": b"0123456789"})
    assert (tmp_path / "x").read_bytes() == b"0123456789"


def test_disk_full_in_a_whole_build_is_exit_3_material(book_with_outputs: Path,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    """build() in-process with the write patched to fail: EnvironmentProblem, B001 named,
    the previous EPUB, PDF and report byte-identical, no temporary file left."""
    root = book_with_outputs
    before = digests(root / "build")
    _edit(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    monkeypatch.setattr(resources.os, "write", lambda fd, data: (_ for _ in ()).throw(
        OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
    with pytest.raises(EnvironmentProblem) as caught:
        build(root, ("epub", "pdf"))
    assert "No space left on device (B001); the previous outputs are unchanged" in str(
        caught.value)
    assert digests(root / "build") == before


def test_stale_temporary_files_are_removed_under_the_lock(tmp_path: Path) -> None:
    stale = tmp_path / ".liten-antologi.epub.ab_cd123.tmp"
    stale.write_bytes(b"half a book")
    keep = tmp_path / "notes.tmp"  # not one of ours
    keep.write_bytes(b"x")
    with output_lock(tmp_path):
        assert not stale.exists()
        assert (tmp_path / ".lock").exists()
    assert keep.exists()
    assert not (tmp_path / ".lock").exists()  # the folder holds outputs only


# --- the lock ---------------------------------------------------------------------------

_HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {src!r})
    from antologi.lock import output_lock
    with output_lock(Path({folder!r})):
        print("locked", flush=True)
        time.sleep({seconds})
""")

_COUNT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {src!r})
    from antologi.lock import output_lock
    folder = Path({folder!r})
    for _ in range({rounds}):
        with output_lock(folder):
            counter = folder / "counter"
            value = int(counter.read_text()) if counter.exists() else 0
            time.sleep(0.002)  # widen the window a race would need
            counter.write_text(str(value + 1))
""")


def test_a_second_build_waits_for_the_lock(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD.format(
        src=SRC, folder=str(tmp_path), seconds=1.5)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(LockError, match="another build is still writing"), \
                output_lock(tmp_path, wait=0.3):
            pass
        started = time.monotonic()
        with output_lock(tmp_path, wait=30):
            waited = time.monotonic() - started
        assert 0.5 < waited < 10
    finally:
        holder.wait(timeout=30)


def test_the_lock_excludes_concurrent_writers(tmp_path: Path) -> None:
    """Four processes increment a counter 25 times each, each step under the lock (whose
    file is removed and re-created all the time): no increment may be lost."""
    script = _COUNT.format(src=SRC, folder=str(tmp_path), rounds=25)
    workers = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(4)]
    assert [w.wait(timeout=120) for w in workers] == [0, 0, 0, 0]
    assert (tmp_path / "counter").read_text() == "100"
    assert not (tmp_path / ".lock").exists()


def test_a_lock_held_by_a_killed_process_is_released(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD.format(
        src=SRC, folder=str(tmp_path), seconds=60)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert (tmp_path / ".lock").exists()  # left behind, but not held
    with output_lock(tmp_path, wait=2):
        pass
    assert not (tmp_path / ".lock").exists()


# --- the real command ---------------------------------------------------------------------


def test_failed_build_leaves_the_previous_outputs(book_with_outputs: Path) -> None:
    root = book_with_outputs
    before = digests(root / "build")
    chapter = root / "chapters" / "01-forsta.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n![x](/etc/hostname)\n", "utf-8")
    result = run_cli("build", root)
    assert result.code == 1, result.stderr
    assert "error[I003]: the image '/etc/hostname' leaves the project folder" in result.stderr
    assert digests(root / "build") == before


def test_read_only_build_folder(book_with_outputs: Path, tmpfs: tuple) -> None:
    """A real read-only mount (permissions do not stop root): exit 3, a clear message,
    the outputs untouched."""
    point, remount = tmpfs
    root = book_with_outputs
    out = point / "build"
    out.mkdir()
    for path in (root / "build").iterdir():
        (out / path.name).write_bytes(path.read_bytes())
    before = digests(out)
    remount("ro")
    _edit(root)
    result = run_cli("build", root, "--out", out)
    assert result.code == 3, result.stderr
    assert (f"antologi: error: cannot write to the output folder {out}: Read-only file "
            "system (B001); the previous outputs are unchanged") in result.stderr
    assert "Traceback" not in result.stderr
    assert digests(out) == before


def test_disk_really_full(book_with_outputs: Path, tmpfs: tuple) -> None:
    """A 512 KiB tmpfs: the first build fits, then a filler takes the rest of the space.
    The next build fails with exit 3 and changes nothing."""
    point, _ = tmpfs
    root = book_with_outputs
    out = point / "build"
    assert run_cli("build", root, "--out", out).code == 0
    before = digests(out)
    fd = os.open(point / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    _edit(root)
    result = run_cli("build", root, "--out", out)
    assert result.code == 3, result.stderr
    assert "No space left on device (B001); the previous outputs are unchanged" in result.stderr
    assert digests(out) == before
    assert _temp_files(out) == []
    (point / "filler").unlink()
    assert run_cli("build", root, "--out", out).code == 0
    assert digests(out) != before and _temp_files(out) == []


_SLOW_FSYNC = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {src!r})
    from antologi import resources
    real_fsync = os.fsync
    def fsync(fd):
        real_fsync(fd)
        print("staged", flush=True)  # a temporary file is on disk now
        time.sleep(120)
    resources.os.fsync = fsync
    from antologi.cli import main
    sys.exit(main(["build", {root!r}]))
""")


def test_kill_9_while_writing(book_with_outputs: Path) -> None:
    """kill -9 after the first output was staged and before any rename: the old outputs
    stay byte-identical; the next run removes the temporary file and writes the book."""
    root = book_with_outputs
    before = digests(root / "build")
    _edit(root)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1763683200"}
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_FSYNC.format(src=SRC, root=str(root))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "staged"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    left = _temp_files(root / "build")
    assert len(left) == 1  # the scenario really happened
    assert {k: v for k, v in digests(root / "build").items()
            if not k.endswith(".tmp") and k != ".lock"} == before
    result = run_cli("build", root)
    assert result.code == 0, result.stderr
    assert _temp_files(root / "build") == []
    assert not (root / "build" / ".lock").exists()
    assert digests(root / "build") != before


@pytest.fixture(scope="module")
def build_seconds(tmp_path_factory: pytest.TempPathFactory) -> float:
    """How long a whole build of the mini book takes here."""
    root = copy_book("mini", tmp_path_factory.mktemp("timing"))
    started = time.monotonic()
    assert run_cli("build", root).code == 0
    return time.monotonic() - started


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.75])
def test_kill_9_while_rendering(book_with_outputs: Path, build_seconds: float,
                                fraction: float) -> None:
    """kill -9 at a quarter, half and three quarters of a full build (parsing, PDF layout,
    EPUB): the previous EPUB and PDF stay byte-identical, nothing else appears in build/,
    and the next run succeeds and leaves no temporary file."""
    root = book_with_outputs
    before = digests(root / "build")
    _edit(root)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1763683200"}
    proc = subprocess.Popen([sys.executable, "-m", "antologi", "build", str(root)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    time.sleep(build_seconds * fraction)
    if proc.poll() is not None:
        pytest.skip("the build finished before the kill")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert digests(root / "build") == before
    assert run_cli("build", root).code == 0
    assert _temp_files(root / "build") == []


def test_kill_9_right_away_leaves_no_build_folder(tmp_path: Path) -> None:
    root = copy_book("mini", tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "antologi", "build", str(root)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert not (root / "build").exists() or digests(root / "build") == {}


def test_two_builds_at_once_leave_a_matching_pair(book_with_outputs: Path) -> None:
    """Two full builds of one book started together, stamped with different dates: the
    EPUB and the PDF left in build/ come from the same run (the lock makes each run's
    replacement of both files one step)."""
    import re
    import zipfile

    from pypdf import PdfReader

    root = book_with_outputs
    runs = []
    for epoch in ("1700000000", "1800000000"):
        env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
        runs.append(subprocess.Popen([sys.executable, "-m", "antologi", "build", str(root)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env))
    assert [run.wait(timeout=300) for run in runs] == [0, 0]
    with zipfile.ZipFile(root / "build" / "liten-antologi.epub") as epub:
        opf = epub.read("EPUB/content.opf").decode("utf-8")
    modified = re.search(r'dcterms:modified">(\d{4})-', opf)
    created = PdfReader(root / "build" / "liten-antologi.pdf").metadata["/CreationDate"]
    assert modified is not None
    assert created[2:6] == modified.group(1)  # 2023 with 2023, or 2027 with 2027
    assert _temp_files(root / "build") == [] and not (root / "build" / ".lock").exists()
