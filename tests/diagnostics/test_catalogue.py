"""The catalogue, its documentation and its tests stay together: every code of CATALOGUE
has a line in docs/diagnostics.md and a test that produces it.

"Has a test" is checked by the code appearing as a word in a test file (the tests assert
the printed message, which contains it). Codes still without one are listed below with
the reason, so the debt is visible instead of silent; adding a code without a test or a
doc line fails this file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from antologi.diagnostics import (
    CATALOGUE,
    DOC_END,
    DOC_START,
    catalogue_markdown,
)

from conftest import REPO

DOC = REPO / "docs" / "diagnostics.md"
TESTS = REPO / "tests"

WITHOUT_TEST: dict[str, str] = {
    "E001": "reserved: EPUB write failures are reported as B001 (exit 3)",
    "P001": "reserved: PDF write failures are reported as B001 (exit 3)",
    "P005": "only when the pinned WeasyPrint changes under the footnote corrections",
    "E004": "needs DAISY Ace, which the test machines do not have",
    "R015": "the reading list's author-year matching is still being built",
}


def _test_texts() -> dict[Path, str]:
    return {path: path.read_text("utf-8") for path in sorted(TESTS.rglob("*.py"))
            if path.resolve() != Path(__file__).resolve()}


def test_the_doc_table_is_generated_from_the_catalogue() -> None:
    text = DOC.read_text("utf-8")
    assert DOC_START in text and DOC_END in text
    generated = text.split(DOC_START, 1)[1].split(DOC_END, 1)[0].strip()
    assert generated == catalogue_markdown().strip(), (
        "docs/diagnostics.md is out of date: run python -m antologi.diagnostics "
        "docs/diagnostics.md")


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_has_a_doc_line(code: str) -> None:
    assert f"| {code} | " in DOC.read_text("utf-8")


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_has_a_test(code: str) -> None:
    if code in WITHOUT_TEST:
        pytest.skip(f"{code} has no test yet: {WITHOUT_TEST[code]}")
    pattern = re.compile(rf"\b{code}\b")
    users = [path.relative_to(REPO).as_posix() for path, text in _test_texts().items()
             if pattern.search(text)]
    assert users, f"{code} ({CATALOGUE[code]}) has no test: add one, or explain why in " \
                  "WITHOUT_TEST"


def test_codes_are_well_formed_and_the_exemptions_exist() -> None:
    assert all(re.fullmatch(r"[A-Z][0-9]{3}", code) for code in CATALOGUE)
    assert set(WITHOUT_TEST) <= set(CATALOGUE)
