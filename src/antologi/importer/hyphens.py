"""Line-end hyphens: typesetting hyphen (remove) or part of the word (keep)?

The evidence, strongest first:

* the next word is a conjunction ("informations- och"): a suspended compound, the hyphen
  and the space both stay;
* a digit or an acronym before the hyphen ("1930-talets", "SUKP-kongressen"): a real hyphen;
* in an extraction that ends lines with a space, a hyphen followed by a space is real (the
  typesetter's hyphen is the last character of its line);
* the text itself: does the joined word occur elsewhere ("terrorisme"), or the hyphenated
  form ("NATO-Russland-rådet")?
* weaker: inflected forms of either, how the first part compounds elsewhere in the text
  ("Rabkor-livestreams" vs "vänsterjournalist"), a capital after the hyphen, and whether the
  hyphenation dictionary allows a break at that point.

Decisions resting on the weak evidence only are reported for review.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import pyphen

from .. import lang as langmod
from .marks import plain
from .source import Line

CONJUNCTIONS: dict[str, frozenset[str]] = {
    "sv": frozenset({"och", "eller", "samt", "resp.", "respektive", "som"}),
    "nb": frozenset({"og", "eller", "samt", "enn"}),
    "nn": frozenset({"og", "eller", "samt", "enn"}),
    "da": frozenset({"og", "eller", "samt"}),
    "en": frozenset({"and", "or", "nor", "to"}),
    "de": frozenset({"und", "oder", "bis"}),
    "ru": frozenset({"и", "или"}),
    "fi": frozenset({"ja", "tai"}),
}
"""Words after which "X- " is a suspended compound ("informations- och", "innenriks- og")."""

WORD = re.compile(r"[\w’'][\w’'‐-]*")
_TRIM = "-‐’'"


def conjunctions(lang: str) -> frozenset[str]:
    return CONJUNCTIONS.get(langmod.primary(lang), CONJUNCTIONS["en"])


def last_word(text: str) -> str:
    """The word a line ends with, its final hyphen included ("«innsat-" -> "innsat-")."""
    match = re.search(r"[\w’'‐-]+$", plain(text))
    return match.group() if match else ""


def first_word(text: str) -> str:
    match = re.match(r"[\w’'‐-]+", plain(text).lstrip("«»”“\"'‘’([„"))
    return match.group().rstrip(_TRIM) if match else ""


class WordList:
    """Every word of the text (lower case), line-end fragments left out."""

    def __init__(self, lines: list[Line]) -> None:
        self.counts: Counter[str] = Counter()
        self.lower_seen: set[str] = set()
        self.capital_seen: set[str] = set()
        skip_first = False
        for line in lines:
            if line.blank:
                continue
            found = [w.strip(_TRIM) for w in WORD.findall(plain(line.text))]
            for w in found:
                (self.capital_seen if w[:1].isupper() else self.lower_seen).add(w.lower())
            words = [w.lower() for w in found if w]
            if skip_first and words:
                words = words[1:]
            skip_first = line.text.endswith(("-", "‐"))
            if skip_first and words:
                words = words[:-1]
            self.counts.update(words)

    def count(self, word: str) -> int:
        return self.counts.get(word.lower(), 0)

    def is_name(self, word: str) -> bool:
        """Written with a capital wherever it occurs on its own: a proper name."""
        key = word.lower()
        return word[:1].isupper() and key in self.capital_seen and key not in self.lower_seen

    def inflected(self, word: str) -> list[str]:
        """Other forms of a word in the text: same stem, a short ending changed."""
        word = word.lower()
        stem = word[: max(len(word) - 2, 3)]
        return [w for w in self.counts if w != word and w.startswith(stem)
                and abs(len(w) - len(word)) <= 3 and w.count("-") == word.count("-")]

    def compounds(self, part: str) -> tuple[int, int]:
        """(solid, hyphenated): distinct words that begin with part + more letters, and with
        part + '-'."""
        part = part.lower()
        solid = sum(1 for w in self.counts if w.startswith(part) and len(w) >= len(part) + 3
                    and w[len(part)].isalpha())
        hyphen = sum(1 for w in self.counts if w.startswith(part + "-") and len(w) > len(part) + 1)
        return solid, hyphen


@dataclass(frozen=True)
class Verdict:
    keep: bool
    """Keep the hyphen."""
    space: bool
    """Keep a space after it (suspended compound)."""
    certain: bool
    joined: str
    why: str


@lru_cache(maxsize=8)
def _dictionary(name: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=name, left=1, right=1)


def allows_break(lang: str, word: str, at: int) -> bool | None:
    """Does the hyphenation dictionary break ``word`` at offset ``at``? None: no dictionary."""
    name = langmod.hyphenation_dictionary(lang)
    if name is None:
        return None
    return at in _dictionary(name).positions(word.lower())


def decide(line: Line, next_text: str, lang: str, trailing_signal: bool,
           words: WordList) -> Verdict:
    """What to do with the hyphen that ends ``line``, given the next line's text."""
    left = last_word(line.text)[:-1]
    right = first_word(next_text)
    head = left.split("-")[-1]
    solid, hyphenated = left + right, f"{left}-{right}"
    if right.lower() in conjunctions(lang):
        return Verdict(True, True, True, f"{left}- {right}", f"'{right}' follows: a suspended "
                       "compound")
    if not right:
        return Verdict(True, False, True, f"{left}-", "nothing follows the hyphen")
    if head[-1:].isdigit():
        return Verdict(True, False, True, hyphenated, "a digit before the hyphen")
    if len(head) >= 2 and head.isupper():
        return Verdict(True, False, True, hyphenated, "an acronym before the hyphen")
    if trailing_signal and line.trailing:
        return Verdict(True, False, True, hyphenated, "a space follows the hyphen at the line "
                       "end, which a typesetting hyphen never has here")
    n_solid, n_hyph = words.count(solid), words.count(hyphenated)
    if n_solid and not n_hyph:
        return Verdict(False, False, True, solid, f"'{solid}' occurs {n_solid}× in the text")
    if n_hyph and not n_solid:
        return Verdict(True, False, True, hyphenated,
                       f"'{hyphenated}' occurs {n_hyph}× in the text")
    if n_solid and n_hyph:
        keep = n_hyph > n_solid
        return Verdict(keep, False, False, hyphenated if keep else solid,
                       f"both forms occur in the text ({n_solid} solid, {n_hyph} hyphenated)")
    pro, con, reasons = 0, 0, []
    inflected_solid = words.inflected(solid)
    inflected_hyph = words.inflected(hyphenated)
    if inflected_solid:
        pro += 2
        reasons.append(f"'{inflected_solid[0]}' occurs")
    if inflected_hyph:
        con += 2
        reasons.append(f"'{inflected_hyph[0]}' occurs")
    if right[:1].isupper():
        con += 2
        reasons.append("a capital after the hyphen")
    if words.is_name(head):
        con += 2
        reasons.append(f"'{head}' is a name in this text")
    if not words.count(head) and not words.count(right):
        pro += 2
        reasons.append(f"neither '{head}' nor '{right}' is a word of the text")
    c_solid, c_hyph = words.compounds(head)
    if c_hyph > c_solid:
        con += 1
        reasons.append(f"'{head}-' compounds with a hyphen elsewhere")
    elif c_solid > c_hyph:
        pro += 1
        reasons.append(f"'{head}' compounds solid elsewhere")
    allowed = allows_break(lang, solid, len(left))
    if allowed is not None:
        if allowed:
            pro += 1
        else:
            con += 1
        reasons.append("the dictionary " + ("allows" if allowed else "has no") + " break there")
    keep = con > pro
    certain = (pro >= 2 and con == 0) or (con >= 3 and pro == 0)
    why = "; ".join(reasons) or "no evidence either way"
    return Verdict(keep, False, certain, hyphenated if keep else solid, why)
