"""Reading the source: encoding, control characters, language, whitespace signals."""

from __future__ import annotations

from antologi.diagnostics import CATALOGUE, Report
from antologi.importer import import_text
from antologi.importer.layout import measure
from antologi.importer.source import decode


def _codes(data: bytes, lang: str = "sv") -> tuple[list[str], object]:
    report = Report()
    result = import_text(data, "t.txt", lang, report)
    return [d.code for d in report.items], result


def test_every_importer_code_is_in_the_catalogue() -> None:
    assert {f"I10{n}" for n in range(1, 9)} <= set(CATALOGUE)


def test_not_utf8_is_an_error_with_its_place() -> None:
    report = Report()
    assert import_text("Rad ett\nRäd två\n".encode("latin-1"), "t.txt", "sv", report) is None
    assert [d.format().splitlines()[0] for d in report.items] == [
        "t.txt:2: error[I101]: not valid UTF-8: byte 0xe4 at offset 9"]


def test_empty_source_and_bad_language_are_errors() -> None:
    assert _codes(b" \n\n\f\n") == (["I102"], None)
    assert _codes(b"Text.", lang="sv_SE!")[0] == ["I107"]


def test_no_and_unknown_languages_are_warnings() -> None:
    codes, result = _codes(b"Titel pa norsk\n\nEn tekst.\n", lang="no")
    assert codes == ["T002"] and result is not None
    assert "lang: nb" in result.markdown  # type: ignore[attr-defined]
    codes, result = _codes(b"Kichwa cha habari\n\nMaandishi.\n", lang="sw")
    assert codes == ["I108"] and result is not None


def test_control_characters_are_removed_and_reported() -> None:
    codes, result = _codes("Titeln här\n\nEn\x07 text\ue001.\n".encode())
    assert codes == ["I106"]
    assert "En text." in result.markdown  # type: ignore[attr-defined]


def test_whitespace_is_tidied_but_its_signals_are_kept() -> None:
    lines = decode("\ufeff x\u2009 y\u00a0z  \r\nnästa\r\n".encode(), "t.txt", Report())
    assert lines is not None
    first = lines[0]
    assert (first.text, first.indent, first.trailing) == ("x y\u00a0z", " ", "  ")
    assert lines[1].text == "nästa" and lines[1].trailing == ""


def test_layout_is_measured_not_assumed() -> None:
    spaced = decode(b"".join(b"line %d goes on \n\n" % k for k in range(10)), "t", Report())
    assert spaced is not None
    layout = measure(spaced)
    assert layout.double_spaced and layout.trailing_signal and not layout.markdown
    markdown = decode(b"# Title\n\nText with a [link](#).\n", "t", Report())
    assert markdown is not None and measure(markdown).markdown
