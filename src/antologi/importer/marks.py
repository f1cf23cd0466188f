"""Private-use markers the importer puts into the text before it becomes Markdown.

A footnote call and a link anchor are found on the page's lines, before those lines are
joined into paragraphs; the markers carry them through the joining (hyphen decisions see
through them) and become ``[^n]`` and ``[anchor](url)`` when the Markdown is written.
The source's own private-use characters in this range are removed when it is read.
"""

from __future__ import annotations

import re

CALL_OPEN, CALL_CLOSE = "\ue000", "\ue001"
LINK_OPEN, LINK_MID, LINK_CLOSE = "\ue002", "\ue003", "\ue004"

MARK = re.compile(f"{CALL_OPEN}\\d+{CALL_CLOSE}|{LINK_OPEN}\\d+{LINK_MID}|{LINK_CLOSE}")


def call(number: int) -> str:
    return f"{CALL_OPEN}{number}{CALL_CLOSE}"


def plain(text: str) -> str:
    """The text without markers (for word look-ups)."""
    return MARK.sub("", text)
