"""The importer's record of what it was unsure of, for an editor to review.

Every heuristic step that could have gone another way adds a Decision: where in the source
(line), what it chose, the alternative and why. The CLI writes them beside the chapter, one
line each, so an editor can walk through them with the source open.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Decision:
    """One uncertain choice: ``SOURCE:LINE: chose X; alternative Y (why)``."""

    line: int
    kind: str
    """A short family name (hyphen, footnote, paragraph, link, title, …) for counting."""
    chose: str
    alternative: str
    why: str

    def format(self, source: str) -> str:
        return (f"{source}:{self.line}: chose {self.chose}; alternative {self.alternative} "
                f"({self.why})")


@dataclass
class Tally:
    """Counts for the summary line, and the uncertain decisions in source order."""

    decisions: list[Decision] = field(default_factory=list)
    hyphens_removed: int = 0
    hyphens_kept: int = 0
    pages: int = 0
    links: int = 0

    def decide(self, line: int, kind: str, chose: str, alternative: str, why: str) -> None:
        self.decisions.append(Decision(line, kind, chose, alternative, why))


def quote(text: str, limit: int = 60) -> str:
    """A short quotation of source text for a report line."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"
