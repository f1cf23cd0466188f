"""DAISY Ace on the book's EPUB: no accessibility violations.

Ace runs headless in Debian's Chromium; .ci/run installs both, so in CI the test never
skips. On a machine without them it skips with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, Built


def _ace() -> tuple[str, str] | None:
    ace = REPO / ".tools" / "node_modules" / ".bin" / "ace-cli"
    command = str(ace) if ace.exists() else shutil.which("ace-cli") or shutil.which("ace")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not command or not chromium:
        return None
    return command, chromium


def test_ace_finds_no_violations(anthology: Built, tmp_path: Path) -> None:
    found = _ace()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Ace or Chromium is missing in CI: .ci/run installs them")
        pytest.skip("Ace (npm @daisy/ace-cli) or Chromium not installed")
    command, chromium = found
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium}
    proc = subprocess.run([command, "-s", "-f", "-o", str(tmp_path / "ace"),
                           str(anthology.epub)], capture_output=True, text=True, env=env,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "ace" / "report.json").read_text("utf-8"))
    failures = [(doc["earl:testSubject"]["url"], test["earl:test"]["dct:title"])
                for doc in report["assertions"] for test in doc.get("assertions", [])
                if test["earl:result"]["earl:outcome"] != "pass"]
    assert failures == []
    assert report["earl:result"]["earl:outcome"] == "pass"
