"""The chapter's Markdown reads back as exactly the text: every character CommonMark would
take for syntax is escaped, and quotes, dashes and spaces are left alone."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from antologi.importer.decisions import Tally
from antologi.importer.markdown_out import escape, url_target

_MD = MarkdownIt("commonmark", {"html": False})


def _reads_as(markdown: str) -> str:
    rendered = _MD.render(markdown)
    assert rendered.startswith("<p>"), rendered  # one paragraph: no list, heading, quote
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


@pytest.mark.parametrize("text", [
    "11. september og Russlands partnerskap med USA",
    "2024) och mer",
    "1) första",
    "# inte en rubrik",
    "- inte en lista",
    "+ inte heller",
    "* inte heller",
    "> inte ett citat",
    "::: {lang=en}",
    "---",
    "===",
    "```kod```",
    "~~~",
    "en *betonad* och _understruken_ text med * och _",
    "[Jevgenij] Stupins, [Michail] Lobanovs och [Alexej] Sachnins",
    "[Viktor Nikolajevitj] Zemskovs",
    "\\[Detta brev … *Links'* kommentar.\\]",
    "a <b>fet</b> <https://example.org> &amp; &#169; text",
    "rock'n'roll ”citat” «sitat» \"raka\" – tankstreck",
    "s.\u00a0136 och 20–25 millioner",
    "en [^1] som inte är en not och ett ]{lang=en} som inte är attribut",
])
def test_escaped_text_reads_back_unchanged(text: str) -> None:
    assert _reads_as(escape(text, keep_markdown=False)) == text


def test_a_markdown_source_keeps_its_markup_but_not_placeholder_links() -> None:
    tally = Tally()
    out = escape("(Ur [Links](#), och *Jacobin*.) [Immanuel] Wallerstein [x](https://e.org)",
                 keep_markdown=True, tally=tally, line=5)
    assert out == "(Ur Links, och *Jacobin*.) \\[Immanuel\\] Wallerstein [x](https://e.org)"
    assert [(d.line, d.kind) for d in tally.decisions] == [(5, "link")]


def test_url_targets_keep_percent_encoding_and_underscores() -> None:
    url = "https://marxistarkiv.se/k/Kagarlitskij-varfor_m%C3%A5ste (2).pdf"
    assert url_target(url) == "https://marxistarkiv.se/k/Kagarlitskij-varfor_m%C3%A5ste%20%282%29.pdf"
