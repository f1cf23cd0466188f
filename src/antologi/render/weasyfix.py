"""Two corrections to WeasyPrint 70.0's footnote layout, applied at the source level.

Without them, notes land on a page after their call (measured on this book's interview: 2 of
29 notes; on a 48-page sample: notes misplaced on 31 of 47 pages, depending on the CSS):

1. ``LayoutContext._update_footnote_area`` compares ``last_child_bottom >
   footnote_area_bottom`` exactly; ordinary @footnote margin and padding values make the two
   sides differ by ~1e-13 px, the note is deferred, and every later note of that page after
   it. Symptoms as in Kozea/WeasyPrint#2502. Correction: a tolerance of 1e-6 px.
2. ``_linebox_layout`` (since 66.0, PR #2437 for #2432) defers the page's notes to make room
   for one more line when widows/orphans forbid a break before it, even with
   ``footnote-policy: line``: the notes then stand a page after their calls. Correction: the
   line is moved to the next page instead (the widows/orphans rule still holds), and the notes
   stay with their calls.

Each correction replaces one line of WeasyPrint's own function, after checking that the
function is exactly the one it was written for (a SHA-256 of its source); with another
WeasyPrint version nothing is patched and ``apply()`` says so, so an upgrade can't silently
run on changed code.
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


PATCHES = (
    _Patch("weasyprint.layout", "LayoutContext", "_update_footnote_area",
           "0fcc68f3897d5ef0d681d0c7105373ebcea7a030729ce1981a7b2734f32962b5",
           "overflow = last_child_bottom > footnote_area_bottom",
           "overflow = last_child_bottom > footnote_area_bottom + 1e-6"),
    _Patch("weasyprint.layout.block", None, "_linebox_layout",
           "e07bbe000974787ee370be1f419a01a21b327a1a1e3025a65afd47589060883d",
           "report = not context.in_column and can_break_now and not could_break_before",
           "report = False"),
)


def _source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _target(patch: _Patch) -> tuple[ModuleType, object, FunctionType]:
    import importlib

    module = importlib.import_module(patch.module)
    owner: object = getattr(module, patch.owner) if patch.owner else module
    return module, owner, getattr(owner, patch.name)


def apply() -> list[str]:
    """Apply every correction once; returns the problems (empty when all applied)."""
    problems = []
    for patch in PATCHES:
        module, owner, function = _target(patch)
        if getattr(function, "__antologi_patched__", False):
            continue
        source = textwrap.dedent(inspect.getsource(function))
        if patch.sha256 and _source_hash(source) != patch.sha256:
            problems.append(f"{patch.module}.{patch.name} is not the code this correction "
                            "was written for; not patched")
            continue
        if source.count(patch.old) != 1:
            problems.append(f"{patch.module}.{patch.name}: expected line not found")
            continue
        namespace: dict[str, object] = {}
        code = compile(source.replace(patch.old, patch.new), inspect.getsourcefile(function)
                       or patch.module, "exec")
        exec(code, module.__dict__, namespace)  # WeasyPrint's own code, one line changed
        replacement = namespace[patch.name]
        assert isinstance(replacement, FunctionType)
        replacement.__antologi_patched__ = True  # type: ignore[attr-defined]
        setattr(owner, patch.name, replacement)
    return problems
