"""Bad manifests: exit code 1 and the exact message with file:line:col, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_book, run_cli


def _with_manifest(tmp_path: Path, text: str) -> Path:
    root = copy_book("mini", tmp_path)
    (root / "book" / "book.yaml").write_text(text, "utf-8")
    return root


GOOD = (Path(__file__).parent.parent / "data" / "mini" / "book" / "book.yaml").read_text("utf-8")

CASES = [
    pytest.param(
        GOOD.replace("chapters/02-andra.md", "chapters/02-andr.md"),
        "book/book.yaml:20:5: error[M004]: chapter file 'chapters/02-andr.md' does not exist\n"
        "  hint: did you mean 'chapters/02-andra.md'?",
        id="missing-chapter"),
    pytest.param(
        GOOD.replace("publisher:", "publsher:"),
        "book/book.yaml:6:1: error[M003]: unknown key 'publsher' in the manifest\n"
        "  hint: did you mean 'publisher'?",
        id="unknown-key"),
    pytest.param(
        GOOD.replace("language: sv", "language: [sv"),
        "book/book.yaml:4:9: error[M001]: invalid YAML: expected ',' or ']', but got "
        "':' (while parsing a flow sequence that starts at line 3, column 11)\n"
        "  hint: check indentation, and quote values that contain ': ' or start with '[', "
        "'{', '*', '&', '!', '%' or '@'",
        id="malformed-yaml"),
    pytest.param(
        GOOD.replace("date:", "title: Andra titeln\ndate:"),
        "book/book.yaml:7:1: error[M002]: duplicate key 'title' (first defined at line 1)\n"
        "  hint: remove one of the two; YAML would silently keep only the last",
        id="duplicate-key"),
]


@pytest.mark.parametrize(("manifest", "expected"), CASES)
def test_manifest_error_is_reported_exactly(tmp_path: Path, manifest: str,
                                            expected: str) -> None:
    root = _with_manifest(tmp_path, manifest)
    result = run_cli("build", root)
    assert result.code == 1
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "build").exists()


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    text = (GOOD.replace("publisher:", "publsher:")
            .replace("chapters/02-andra.md", "chapters/02-andr.md")
            .replace("language: sv", "language: sv_SE!"))
    result = run_cli("build", _with_manifest(tmp_path, text))
    assert result.code == 1
    codes = [line.split("[")[1].split("]")[0] for line in result.stderr.splitlines()
             if "error[" in line]
    assert codes == ["M003", "T001", "M004"]


def test_no_stays_a_language_not_false(tmp_path: Path) -> None:
    result = run_cli("build", _with_manifest(tmp_path, GOOD.replace("language: sv",
                                                                    "language: no")),
                     "--format", "epub")
    assert result.code == 0, result.stderr
    assert ("book/book.yaml:3:11: warning[T002]: language 'no' is read as 'nb' "
            "(Norwegian Bokmål)") in result.stderr


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    root = _with_manifest(tmp_path, GOOD.replace("language: sv", "language: no"))
    result = run_cli("build", root, "--strict")
    assert result.code == 1
    assert "warning[T002]" in result.stderr


def test_usage_error_exit_code(tmp_path: Path) -> None:
    assert run_cli("build", tmp_path / "nowhere").code == 2
    assert run_cli("build", "--format", "docx").code == 2
    assert run_cli("frobnicate").code == 2


def test_missing_manifest(tmp_path: Path) -> None:
    result = run_cli("build", tmp_path)
    assert result.code == 1
    assert "book/book.yaml: error[M010]: no manifest" in result.stderr
