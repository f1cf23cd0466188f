"""Makes the bad image fixtures of this folder (run once; the files are committed).

python tests/data/bad/make_images.py
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a canvas of width × height but holds a few bytes of pixels: a
    decompression bomb as far as anything that trusts the header is concerned."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    idat = zlib.compress(b"\0" * 1024)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat)
            + _chunk(b"IEND", b""))


def main() -> None:
    from PIL import Image

    # 50 megapixels: over antologi's limit (40), under Pillow's own warning (89).
    (HERE / "bomb-50mp.png").write_bytes(png_header_only(10_000, 5_000))
    # 10 gigapixels: Pillow itself refuses it when opening.
    (HERE / "bomb-10gp.png").write_bytes(png_header_only(100_000, 100_000))
    # A real PNG cut in half: the header is fine, decoding fails.
    Image.new("RGB", (64, 64), (200, 30, 30)).save(HERE / "whole.png")
    whole = (HERE / "whole.png").read_bytes()
    (HERE / "whole.png").unlink()
    (HERE / "truncated.png").write_bytes(whole[: len(whole) // 2])
    # Text with an image's name.
    (HERE / "not-an-image.png").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>\n")
    # A format EPUB readers need not support.
    Image.new("RGB", (4, 4), (0, 0, 0)).save(HERE / "picture.bmp")


if __name__ == "__main__":
    main()
