"""Writing the chapter: front matter, escaped CommonMark, footnote definitions.

The text is the author's, so every character CommonMark would read as syntax is escaped:
``\\ * _ [ ] ` <``, an entity-like ``&``, and at a paragraph's start ``#``, ``>``, list
markers (``-``, ``+``, ``1.``, ``2024)``), ``:::`` fences. Quotes, dashes and spaces stay
exactly as extracted. A Markdown-like source keeps its own emphasis and links; a link whose
target is a placeholder (``#``) keeps only its text.
"""

from __future__ import annotations

import json
import re

from .decisions import Tally, quote
from .marks import CALL_CLOSE, CALL_OPEN, LINK_CLOSE, LINK_MID, LINK_OPEN
from .paragraphs import Block

_INLINE = re.compile(r"([\\`*_\[\]<])|&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(?:#|>|[-+*](?=\s|$)|=+$|-+$|\d{1,9}(?=[.)](?:\s|$))|:::|~~~)")
_MD_KEEP = re.compile(
    r"\[(?P<text>[^\]\n]+)\]\((?P<url>[^)\s]*)\)"
    r"|(?<![\w*])\*(?=\S)(?:[^*\n]*?\S)?\*(?![\w*])"
    r"|(?<![\w_])_(?=\S)(?:[^_\n]*?\S)?_(?![\w_])")
_CALL = re.compile(f"{CALL_OPEN}(\\d+){CALL_CLOSE}")
_LINK = re.compile(f"{LINK_OPEN}(\\d+){LINK_MID}")


def _escape_inline(text: str) -> str:
    return _INLINE.sub(lambda m: "\\" + m.group(), text)


def _escape_start(text: str) -> str:
    match = _BLOCK_START.match(text)
    if not match:
        return text
    if match.group()[:1].isdigit():
        end = match.end()
        return text[:end] + "\\" + text[end:]
    return "\\" + text


def url_target(url: str) -> str:
    """A URL as a link destination: characters that would end it are percent-encoded."""
    return re.sub(r"[\s()<>]", lambda m: f"%{ord(m.group()):02X}", url)


def escape(text: str, keep_markdown: bool, tally: Tally | None = None, line: int = 0) -> str:
    """The text as CommonMark that reads back as exactly this text (markers excepted)."""
    if not keep_markdown:
        return _escape_start(_escape_inline(text))
    out = []
    done = 0
    for match in _MD_KEEP.finditer(text):
        out.append(_escape_inline(text[done:match.start()]))
        if match.group("url") is not None and match.group("url") in ("", "#"):
            if tally is not None:
                tally.decide(line, "link", f"the text {quote(match.group('text'))} without a "
                             "link", f"a link to '{match.group('url')}'",
                             "the target is a placeholder")
            out.append(_escape_inline(match.group("text")))
        else:
            out.append(match.group())
        done = match.end()
    out.append(_escape_inline(text[done:]))
    joined = "".join(out)
    return joined if done else _escape_start(joined)


def render(title: str | None, authors: list[str], lang: str, blocks: list[Block],
           notes: list[tuple[str, str]], links: list[str], bare_urls: list[str],
           keep_markdown: bool, tally: Tally) -> str:
    """The whole chapter file."""
    head = ["---"]
    if title:
        head.append(f"title: {json.dumps(title, ensure_ascii=False)}")
    if authors:
        head.append(f"authors: {json.dumps(authors, ensure_ascii=False)}")
    head += [f"lang: {lang}", "---", ""]
    body = []
    for block in blocks:
        text = escape(block.text, keep_markdown, tally, block.line)
        text = _resolve_links(text, links)
        body.append(("## " + text) if block.kind == "h" else text)
    body.extend(f"<{url}>" for url in bare_urls)
    for label, text in notes:
        body.append(f"[^{label}]: " + _resolve_links(escape(text, keep_markdown), links))
    return "\n".join(head) + "\n" + "\n\n".join(body) + "\n"


def _resolve_links(text: str, links: list[str]) -> str:
    opened = [int(m.group(1)) for m in _LINK.finditer(text)]
    text = _CALL.sub(lambda m: f"[^{m.group(1)}]", text)
    text = _LINK.sub("[", text)
    for k in opened:
        text = text.replace(LINK_CLOSE, f"]({url_target(links[k])})", 1)
    return text
