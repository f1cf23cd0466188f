"""Lines into paragraphs: where a paragraph ends, and how two lines are joined.

Where the extraction marks paragraphs with an empty line, that is the break, except where
a sentence plainly goes on (no sentence end before it, a lower-case word after it: a page
or footnote block cut it). Where every line is followed by an empty line, nothing marks
paragraphs, and a line that ends a sentence and is short enough that the next word would
have fitted ends its paragraph. A trailing-space convention, when the extraction has one,
decides paragraphs at page breaks.

Joining handles the line-end hyphen (hyphens.py), words split without a hyphen
("Kagarlit" + "skij" when only "Kagarlitskij" occurs in the text), and a stray space after
a hyphen inside a line ("Øst- Ukraina" when "Øst-Ukraina" occurs elsewhere).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from . import hyphens
from .decisions import Tally
from .layout import Layout
from .marks import plain
from .pages import Page
from .source import Line

_SENTENCE_END = re.compile(r"[.?!:…][”’\"»)\]]*$|[”’\"»)\]]$")
_STRAY_SPACE = re.compile(r"(\w+)- (\w+)")


@dataclass
class Block:
    kind: str
    """'p' paragraph, 'h' heading, 'title' the chapter's title."""
    text: str
    line: int
    last_line: int = 0
    separated: bool = True
    """Set apart from the block before (an empty line or empty paragraph, not just a
    short line): a condition for reading it as a heading."""


@dataclass
class _Gap:
    blanks: int = 0
    empty_paragraph: bool = False
    page: bool = False


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(plain(text).rstrip()))


class Joiner:
    """Joins the lines of a text, with the text's word list at hand."""

    def __init__(self, layout: Layout, lang: str, words: hyphens.WordList, tally: Tally,
                 dense: bool) -> None:
        self.layout = layout
        self.lang = lang
        self.words = words
        self.tally = tally
        self.dense = dense

    # --- where paragraphs end ------------------------------------------------------------

    def _short(self, prev: Line, nxt: Line) -> bool:
        """Did prev end a paragraph? It ends a sentence and the next word would have fitted
        (or, without a sentence end, it is far too short: a heading or a list line)."""
        room = len(plain(prev.text)) + 1 + len(hyphens.first_word(nxt.text) or "x")
        if not ends_sentence(prev.text):
            return room <= self.layout.width * 0.6 and plain(nxt.text)[:1].isupper()
        return room <= self.layout.width * 0.94

    def _page_break(self, nxt: Line, new: bool, why: str) -> None:
        """A sentence ends where the page does: a new paragraph or not is a guess."""
        self.tally.decide(nxt.number, "paragraph",
                          "a new paragraph" if new else "to continue the paragraph",
                          "to continue it" if new else "a new paragraph",
                          "a sentence ends at the page break; " + why)

    def breaks(self, prev: Line, nxt: Line, gap: _Gap) -> bool:
        if gap.empty_paragraph:
            return True
        if prev.text.endswith(("-", "‐")) and not gap.blanks >= 2:
            return False
        goes_on = not ends_sentence(prev.text) and plain(nxt.text)[:1].islower()
        if self.layout.double_spaced:
            if gap.blanks >= 2 or (gap.blanks == 0 and not gap.page):
                return True
            new = self._short(prev, nxt)
            if gap.page and ends_sentence(prev.text):
                self._page_break(nxt, new, "the line before it is " + ("short" if new
                                                                       else "full"))
            return new
        if gap.blanks or gap.page:
            if goes_on:
                if gap.blanks:  # a page break cuts sentences; an empty line should not
                    self.tally.decide(nxt.number, "paragraph", "to continue the paragraph",
                                      "a new paragraph", "the sentence goes on across an "
                                      "empty line")
                return False
            if gap.blanks:
                return True
            if self.layout.trailing_signal:
                new = not prev.trailing
                if ends_sentence(prev.text):
                    self._page_break(nxt, new, "the line before it "
                                     + ("has no" if new else "has a") + " trailing space")
                return new
            new = self._short(prev, nxt)
            self._page_break(nxt, new, "the line before it is " + ("short" if new else "full"))
            return new
        if self.layout.trailing_signal and not prev.trailing:
            return not goes_on
        return self.dense and self._short(prev, nxt)

    # --- joining two lines ---------------------------------------------------------------

    def fix_stray_space(self, line: Line) -> None:
        """'Øst- Ukraina' -> 'Øst-Ukraina' when the text writes the word so elsewhere."""
        def repl(match: re.Match[str]) -> str:
            a, b = match.group(1), match.group(2)
            if b.lower() in hyphens.conjunctions(self.lang) or not self.words.count(f"{a}-{b}"):
                return match.group()
            self.tally.decide(line.number, "hyphen", f"'{a}-{b}'", f"'{a}- {b}'",
                              f"'{a}-{b}' occurs elsewhere in the text; the space looks like "
                              "an extraction slip")
            return f"{a}-{b}"
        line.text = _STRAY_SPACE.sub(repl, line.text)

    def join(self, text: str, prev: Line, nxt: Line) -> str:
        """text (ending with prev's content) + nxt's content."""
        if text.endswith(("-", "‐")) and not text.endswith(" -"):
            verdict = hyphens.decide(prev, nxt.text, self.lang, self.layout.trailing_signal,
                                     self.words)
            if verdict.keep:
                self.tally.hyphens_kept += 1
            else:
                self.tally.hyphens_removed += 1
            if not verdict.certain:
                word = hyphens.last_word(prev.text)
                other = (verdict.joined.replace(word[:-1] + "-", word[:-1], 1) if verdict.keep
                         else f"{word}{hyphens.first_word(nxt.text)}")
                self.tally.decide(prev.number, "hyphen", f"'{verdict.joined}'", f"'{other}'",
                                  verdict.why)
            if verdict.keep:
                return f"{text} {nxt.text}" if verdict.space else text + nxt.text
            return text[:-1] + nxt.text
        a = hyphens.last_word(prev.text)
        b = hyphens.first_word(nxt.text)
        if a and b and a[-1].isalpha() and b[0].isalpha():
            joined = a + b
            lost_hyphen = (self.layout.trailing_signal and not prev.trailing
                           and b[0].islower())
            known = self.words.count(joined)
            # each fragment is counted once, here: elsewhere it must not occur
            split = self.words.count(a) <= 1 and self.words.count(b) <= 1
            if known and (lost_hyphen or split):
                self.tally.decide(prev.number, "split", f"'{joined}'", f"'{a} {b}'",
                                  f"'{joined}' occurs elsewhere in the text"
                                  + ("" if lost_hyphen else f"; '{a}' and '{b}' do not"))
                return text + nxt.text
        return f"{text} {nxt.text}"

    def paragraph(self, lines: list[Line]) -> str:
        text = lines[0].text
        for prev, nxt in itertools.pairwise(lines):
            text = self.join(text, prev, nxt)
        return text


def body_blocks(pages: list[Page], joiner: Joiner) -> list[Block]:
    """The body text of all pages as paragraphs."""
    items: list[tuple[Line, _Gap]] = []
    for k, page in enumerate(pages):
        gap = _Gap(page=k > 0)
        for line in page.body:
            if line.blank:
                if line.whitespace_only and joiner.layout.double_spaced:
                    gap.empty_paragraph = True
                else:
                    gap.blanks += 1
                continue
            joiner.fix_stray_space(line)
            items.append((line, gap))
            gap = _Gap()
    blocks: list[Block] = []
    current: list[Line] = []
    separated = True
    for line, gap in items:
        if current and joiner.breaks(current[-1], line, gap):
            blocks.append(Block("p", joiner.paragraph(current), current[0].number,
                                current[-1].number, separated))
            current = []
            separated = gap.empty_paragraph or (
                not joiner.layout.double_spaced or gap.blanks >= 2)
        current.append(line)
    if current:
        blocks.append(Block("p", joiner.paragraph(current), current[0].number,
                            current[-1].number, separated))
    return blocks


def note_text(lines: list[Line], joiner: Joiner) -> str:
    for line in lines:
        joiner.fix_stray_space(line)
    return joiner.paragraph([ln for ln in lines if not ln.blank])

