"""Helpers of the robustness tests: a previous good build, small file systems."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import copy_book, run_cli


def digests(folder: Path) -> dict[str, str]:
    """Every file of a folder (hidden ones included) with its SHA-256."""
    if not folder.is_dir():
        return {}
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="session")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini book's build folder after one good run (EPUB, PDF, hyphenation report)."""
    root = copy_book("mini", tmp_path_factory.mktemp("good"))
    result = run_cli("build", root)
    assert result.code == 0, result.stderr
    return root / "build"


@pytest.fixture
def book_with_outputs(tmp_path: Path, good_build: Path) -> Path:
    """A fresh copy of the mini book whose build folder holds the last good outputs."""
    root = copy_book("mini", tmp_path)
    shutil.copytree(good_build, root / "build")
    return root


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[tuple[Path, object]]:
    """A real, small file system: (mount point, remount(options)). Skipped where mounting
    is not permitted (an unprivileged CI runner)."""
    point = tmp_path / "mnt"
    point.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=512k,mode=0755", "tmpfs", str(point)):
        pytest.skip("cannot mount a tmpfs here (needs root)")

    def remount(options: str) -> None:
        assert _mount("-o", f"remount,{options}", str(point)), options

    try:
        yield point, remount
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)
