"""Corrections to WeasyPrint 70.0, applied at the source level: two to its footnote layout,
one to the speed of its font subsetting.

Without the first two, notes land on a page after their call (measured on this book's
interview: 2 of 29 notes; on a 48-page sample: notes misplaced on 31 of 47 pages, depending
on the CSS):

1. ``LayoutContext._update_footnote_area`` compares ``last_child_bottom >
   footnote_area_bottom`` exactly; ordinary @footnote margin and padding values make the two
   sides differ by ~1e-13 px, the note is deferred, and every later note of that page after
   it. Symptoms as in Kozea/WeasyPrint#2502. Correction: a tolerance of 1e-6 px.
2. ``_linebox_layout`` (since 66.0, PR #2437 for #2432) defers the page's notes to make room
   for one more line when widows/orphans forbid a break before it, even with
   ``footnote-policy: line``: the notes then stand a page after their calls. Correction: the
   line is moved to the next page instead (the widows/orphans rule still holds), and the notes
   stay with their calls.

The third changes no byte of the PDF. Where HarfBuzz's subsetter is missing (as on Debian 12,
which has no libharfbuzz-subset), WeasyPrint subsets each face with fontTools, whose subsetter
(measured with fontTools 4.68: ``_compact_layout_tables``) reads and decodes the whole GSUB and
GPOS tables before it drops them, as WeasyPrint asks it to: about 0.15 s per face and document
for EB Garamond's kerning, 0.3 of the 0.5 s a four-page piece took. Correction: the two
tables are removed before the subsetter sees them (``Font._fonttools_subset``); it writes the
same font.

Each correction replaces one line of WeasyPrint's own function, after checking that the
function is exactly the one it was written for (a SHA-256 of its source); with another
WeasyPrint version nothing is patched and ``apply()`` says so for the footnote corrections
(P005), so an upgrade can't silently run on changed code; the speed correction is left out
without a word (the PDF is the same, only slower).
"""

from __future__ import annotations

import hashlib
import inspect
import textwrap
from dataclasses import dataclass
from types import FunctionType, ModuleType


@dataclass(frozen=True)
class _Patch:
    module: str
    owner: str | None  # class name for methods
    name: str
    sha256: str
    old: str
    new: str
    speed_only: bool = False  # the same output either way: not applied, nothing is said


PATCHES = (
    _Patch("weasyprint.layout", "LayoutContext", "_update_footnote_area",
           "0fcc68f3897d5ef0d681d0c7105373ebcea7a030729ce1981a7b2734f32962b5",
           "overflow = last_child_bottom > footnote_area_bottom",
           "overflow = last_child_bottom > footnote_area_bottom + 1e-6"),
    _Patch("weasyprint.layout.block", None, "_linebox_layout",
           "e07bbe000974787ee370be1f419a01a21b327a1a1e3025a65afd47589060883d",
           "report = not context.in_column and can_break_now and not could_break_before",
           "report = False"),
    _Patch("weasyprint.pdf.fonts", "Font", "_fonttools_subset",
           "2ad0e33f716c0f6e5a47b2692ab55d91948eb21aeb871b39e593ac40a8de4d0f",
           "subsetter.subset(ttfont)",
           "[ttfont.__delitem__(tag) for tag in ('GSUB', 'GPOS') if tag in ttfont]; "
           "subsetter.subset(ttfont)", speed_only=True),
)


def _source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _target(patch: _Patch) -> tuple[ModuleType, object, FunctionType]:
    import importlib

    module = importlib.import_module(patch.module)
    owner: object = getattr(module, patch.owner) if patch.owner else module
    return module, owner, getattr(owner, patch.name)


def _mismatch(patch: _Patch, source: str) -> str | None:
    if patch.sha256 and _source_hash(source) != patch.sha256:
        return " is not the code this correction was written for; not patched"
    if source.count(patch.old) != 1:
        return ": expected line not found"
    return None


def apply() -> list[str]:
    """Apply every correction once; returns the problems of the footnote corrections
    (empty when all applied)."""
    problems = []
    for patch in PATCHES:
        module, owner, function = _target(patch)
        if getattr(function, "__antologi_patched__", False):
            continue
        source = textwrap.dedent(inspect.getsource(function))
        problem = _mismatch(patch, source)
        if problem is not None:
            if not patch.speed_only:
                problems.append(f"{patch.module}.{patch.name}{problem}")
            continue
        namespace: dict[str, object] = {}
        code = compile(source.replace(patch.old, patch.new), inspect.getsourcefile(function)
                       or patch.module, "exec")
        exec(code, module.__dict__, namespace)  # WeasyPrint's own code, one line changed
        replacement = namespace[patch.name]
        assert isinstance(replacement, FunctionType)
        replacement.__antologi_patched__ = True  # type: ignore[attr-defined]
        replacement.__wrapped__ = function  # type: ignore[attr-defined]
        setattr(owner, patch.name, replacement)
    return problems
