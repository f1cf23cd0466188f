"""The corrections to WeasyPrint (render/weasyfix.py): applied to the pinned version, and the
speed correction of its font subsetting writes the same font without decoding the layout
tables it drops."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import G_P_O_S_, G_S_U_B_

from antologi.render import weasyfix
from antologi.render.pdf import FONT_DIR, FONT_FILES


def test_every_correction_applies_to_the_pinned_weasyprint() -> None:
    assert weasyfix.apply() == []
    for patch in weasyfix.PATCHES:
        _module, _owner, function = weasyfix._target(patch)
        assert getattr(function, "__antologi_patched__", False), patch.name


def _subset(function: object, data: bytes, gids: dict[int, str]) -> tuple[bytes, list[str]]:
    font = SimpleNamespace(file_content=data, index=0, missing=False, family="EB Garamond")
    function(font, gids, False)  # type: ignore[operator]
    return font.file_content, sorted(TTFont(io.BytesIO(font.file_content)).keys())


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The layout tables fontTools decodes while the test runs."""
    seen: list[str] = []
    for tag, table in (("GPOS", G_P_O_S_.table_G_P_O_S_), ("GSUB", G_S_U_B_.table_G_S_U_B_)):
        original = table.decompile

        def decompile(self: object, data: bytes, font: object, _original=original,
                      _tag=tag) -> None:
            seen.append(_tag)
            _original(self, data, font)

        monkeypatch.setattr(table, "decompile", decompile)
    return seen


def test_subsetting_writes_the_same_font_without_decoding_gsub_and_gpos(
        decoded: list[str]) -> None:
    from weasyprint.pdf.fonts import Font

    weasyfix.apply()
    patched = Font._fonttools_subset
    original = patched.__wrapped__
    data = (FONT_DIR / FONT_FILES[0]).read_bytes()
    assert {"GPOS", "GSUB"} <= set(TTFont(FONT_DIR / FONT_FILES[0]).keys())
    gids = {gid: chr(0x61 + gid % 26) for gid in (3, 17, 68, 69, 70, 300, 1200)}

    before, tables_before = _subset(original, data, gids)
    assert sorted(set(decoded)) == ["GPOS", "GSUB"]  # what the correction saves
    decoded.clear()
    after, tables_after = _subset(patched, data, gids)
    assert decoded == []
    assert after == before
    assert "GPOS" not in tables_after and tables_after == tables_before
