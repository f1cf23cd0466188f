"""A typographic cover made from the manifest when the book has no cover image.

Title, subtitle and authors set in the book face on a plain ground: readers and shops show
a cover in every list, and a generated one is better than none. The PNG carries no
timestamp, so the same book gives the same bytes.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from ..resources import font_dir

WIDTH, HEIGHT = 1600, 2400
MARGIN = 150
GROUND = (38, 52, 64)
INK = (241, 236, 224)
ACCENT = (196, 164, 106)


def _font(size: int, italic: bool = False) -> ImageFont.FreeTypeFont:
    name = "EBGaramond-Italic[wght].ttf" if italic else "EBGaramond[wght].ttf"
    return ImageFont.truetype(str(font_dir() / name), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont,
          width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(trial, font=font) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def _block(draw: ImageDraw.ImageDraw, y: int, text: str, font: ImageFont.FreeTypeFont,
           fill: tuple[int, int, int], leading: float) -> int:
    size = font.size
    for line in _wrap(draw, text, font, WIDTH - 2 * MARGIN):
        draw.text((MARGIN, y), line, font=font, fill=fill)
        y += int(size * leading)
    return y


def prepare() -> None:
    """Import now what make_cover imports on its first use (Pillow's image plugins), for a
    cover made in a thread: there, imports wait for the interpreter lock at every step."""
    Image.preinit()


def make_cover(title: str, subtitle: str | None, authors: list[str]) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), GROUND)
    draw = ImageDraw.Draw(image)
    y = 300
    if authors:
        y = _block(draw, y, " · ".join(authors), _font(64), ACCENT, 1.3) + 120
    draw.line((MARGIN, y, MARGIN + 240, y), fill=ACCENT, width=6)
    y += 100
    y = _block(draw, y, title, _font(150), INK, 1.12) + 70
    if subtitle:
        _block(draw, y, subtitle, _font(66, italic=True), INK, 1.3)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
