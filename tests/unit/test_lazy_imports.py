"""An EPUB-only build, and a build that finds the book up to date, never import WeasyPrint:
starting it costs about half a second that only the PDF needs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import copy_book

_SCRIPT = textwrap.dedent("""
    import sys
    from antologi import cli

    code = cli.main(["build", "--format", "epub", "-q", sys.argv[1]])
    assert code == 0, code
    print("after build:", "weasyprint" in sys.modules)
    code = cli.main(["build", "--format", "epub", "-q", sys.argv[1]])  # up to date now
    assert code == 0, code
    print("after no-op:", "weasyprint" in sys.modules)
""")


def test_epub_build_does_not_import_weasyprint(tmp_path: Path) -> None:
    book = copy_book("mini", tmp_path)
    proc = subprocess.run([sys.executable, "-c", _SCRIPT, str(book)], capture_output=True,
                          text=True, timeout=300,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1763683200"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["after build: False", "after no-op: False"]
    assert [p.suffix for p in (book / "build").iterdir() if not p.name.startswith(".")] \
        == [".epub"]
