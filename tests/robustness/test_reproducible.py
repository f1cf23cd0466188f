"""Same input, same bytes: across time zones, working directories and project locations,
with SOURCE_DATE_EPOCH and without it (the manifest's date stands in)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import digests
from conftest import copy_book, run_cli


@pytest.mark.parametrize("epoch", ["1763683200", None], ids=["SOURCE_DATE_EPOCH", "book-date"])
def test_same_bytes_across_time_zones_and_folders(tmp_path: Path, epoch: str | None) -> None:
    first = copy_book("mini", tmp_path / "a")
    second = copy_book("mini", tmp_path / "somewhere" / "else" / "b")
    # one run from inside the project, in UTC; the other from an unrelated folder, with
    # the project given by path, eight hours west
    run_a = run_cli("build", cwd=first, env={"TZ": "UTC", "LC_ALL": "C.UTF-8"}, epoch=epoch)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    run_b = run_cli("build", second, cwd=elsewhere,
                    env={"TZ": "America/Los_Angeles", "LC_ALL": "C.UTF-8"}, epoch=epoch)
    assert run_a.code == 0, run_a.stderr
    assert run_b.code == 0, run_b.stderr
    a, b = digests(first / "build"), digests(second / "build")
    assert sorted(a) == ["liten-antologi-hyphenation.txt", "liten-antologi.epub",
                         "liten-antologi.pdf"]
    assert a == b


def test_outputs_do_not_name_the_machine(tmp_path: Path) -> None:
    """No absolute path of the project (or of the machine) is written into the outputs."""
    import zipfile

    root = copy_book("mini", tmp_path / "plats-som-inte-får-synas")
    assert run_cli("build", root, "--format", "epub").code == 0
    with zipfile.ZipFile(root / "build" / "liten-antologi.epub") as epub:
        for name in epub.namelist():
            data = epub.read(name)
            assert b"plats-som-inte" not in data and str(tmp_path).encode() not in data, name
