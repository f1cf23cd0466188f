"""Is every footnote on the page of its call? Read from WeasyPrint's laid-out boxes.

WeasyPrint moves a note that does not fit to a later page (and never splits one, #1833);
the build reports each such note with its place in the Markdown source.
"""

from __future__ import annotations


def misplaced_notes(document: object) -> tuple[list[tuple[str, int, int]], int]:
    """([(note id, call page, note page)], number of notes); pages are 1-based."""
    from weasyprint.formatting_structure import boxes

    calls: dict[str, int] = {}
    notes: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):  # type: ignore[attr-defined]
        for box in page._page_box.descendants():
            tag = getattr(box, "element_tag", None) or ""
            element = getattr(box, "element", None)
            if tag.endswith("::footnote-call") and element is not None:
                calls.setdefault(element.get("id", ""), number)
            elif isinstance(box, boxes.FootnoteAreaBox):
                for inner in box.descendants():
                    note = getattr(inner, "element", None)
                    if note is not None and "footnote" in (note.get("class") or "").split():
                        notes.setdefault(note.get("id", ""), number)
    misplaced = [(key, page, notes.get(key, 0)) for key, page in calls.items()
                 if notes.get(key) != page]
    return misplaced, len(calls)
