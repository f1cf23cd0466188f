"""Make the static instances of EB Garamond that antologi lays out PDFs with.

The pinned font package (fontpkg-eb-garamond) ships EB Garamond as variable fonts.
WeasyPrint instantiates a variable font for every document it writes, on each subset, and
that is a fixed cost of about half a second per document, paid again by every piece of a
PDF laid out in parallel. Laid out with static instances, made once here, it is not paid
at all. The files are regenerated from the pinned package with:

    .venv/bin/python scripts/static_fonts.py

Same package and fontTools version, same bytes (no timestamps are recalculated).
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont

from antologi.resources import font_dir

TARGET = Path(__file__).resolve().parent.parent / "src" / "antologi" / "fonts"
FACES = {  # file name: (variable font, weight)
    "EBGaramond-Regular.ttf": ("EBGaramond[wght].ttf", 400),
    "EBGaramond-Medium.ttf": ("EBGaramond[wght].ttf", 500),
    "EBGaramond-Bold.ttf": ("EBGaramond[wght].ttf", 700),
    "EBGaramond-Italic.ttf": ("EBGaramond-Italic[wght].ttf", 400),
    "EBGaramond-MediumItalic.ttf": ("EBGaramond-Italic[wght].ttf", 500),
    "EBGaramond-BoldItalic.ttf": ("EBGaramond-Italic[wght].ttf", 700),
}


def main() -> int:
    TARGET.mkdir(exist_ok=True)
    for name, (source, weight) in FACES.items():
        font = TTFont(font_dir() / source, recalcTimestamp=False)
        instance = instantiateVariableFont(font, {"wght": weight}, static=True,
                                           updateFontNames=True)
        instance.recalcTimestamp = False
        instance.save(TARGET / name)
        digest = hashlib.sha256((TARGET / name).read_bytes()).hexdigest()
        print(f"{name}: {(TARGET / name).stat().st_size:,} bytes, sha256 {digest}")
    shutil.copyfile(font_dir().parent / "LICENSE", TARGET / "OFL.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
