"""Footnote calls: the glued and spaced forms are found, the decoys stay text, and a
number is never matched on another page than its note's."""

from __future__ import annotations

import pytest

from antologi.diagnostics import Report
from antologi.importer import import_text
from antologi.importer.decisions import Tally
from antologi.importer.footnotes import Note, mark_calls, note_start
from antologi.importer.marks import call
from antologi.importer.source import Line


def _mark(text: str, number: int, lang: str = "sv") -> tuple[str, Tally]:
    body = [Line(1, text)]
    tally = Tally()
    missing = mark_calls(body, [Note(number, [], label=number)], lang, tally, 1)
    return (body[0].text if not missing else "MISSING"), tally


@pytest.mark.parametrize(("text", "number", "marked"), [
    ("att gå med i SMO2? ", 2, f"att gå med i SMO{call(2)}? "),
    ("med kuppen 19935 och som", 5, f"med kuppen 1993{call(5)} och som"),
    ("”speciella trojkor”12? Hur", 12, f"”speciella trojkor”{call(12)}? Hur"),
    ("framför Dud’,26 vad", 26, f"framför Dud’,{call(26)} vad"),
    ("på Vestnik Buri 1. Videon", 1, f"på Vestnik Buri{call(1)}. Videon"),
    ("det inte var längre. 20", 20, f"det inte var längre.{call(20)}"),
    ("kommunistiska parti]8 utan", 8, f"kommunistiska parti]{call(8)} utan"),
    ("(Wilhelmsen, 2019).3 Ifølge", 3, f"(Wilhelmsen, 2019).{call(3)} Ifølge"),
    ("avgjordes först 1993.3 Kritiken", 3, f"avgjordes först 1993.{call(3)} Kritiken"),
    ("the People11 – citerar", 11, f"the People{call(11)} – citerar"),
    ("fraflytting.¹ Staten", 1, f"fraflytting.{call(1)} Staten"),
])
def test_calls_in_every_form_are_found(text: str, number: int, marked: str) -> None:
    assert _mark(text, number)[0] == marked


@pytest.mark.parametrize(("text", "number"), [
    ("medlemskap i G8 og USAs", 8),
    ("og R2P-retorikk", 2),
    ("(Putin, 2004a, 2004b; Surkov)", 4),
    ("i fängelset IK-4. De mer", 4),
    ("4,5 timmar långa", 5),
    ("den 2:a partikongressen", 2),
    ("enligt artikel 337 [otillåten", 337),
    ("med dekret nr 1400, vilket", 1400),
    ("ordningen (1) och (2)", 1),
    ("mellan 8 och 11 personer", 8),
    ("åren 1937–38 var", 38),
    ("s. 110). Samtidig", 110),
])
def test_decoys_stay_text(text: str, number: int) -> None:
    assert _mark(text, number)[0] == "MISSING"


def test_a_clear_call_wins_over_an_earlier_possible_one_and_both_are_reported() -> None:
    text, tally = _mark("Enligt artikel 2. i avtalet följde utvecklingen.2 Sedan", 2)
    assert text == f"Enligt artikel 2. i avtalet följde utvecklingen.{call(2)} Sedan"
    assert [d.kind for d in tally.decisions] == ["footnote"]
    assert "artikel 2." in tally.decisions[0].alternative


@pytest.mark.parametrize(("line", "found"), [
    ("1 Rabkor (Arbetarkorrespondent)", (1, False)),
    ("2\u00a0Skiftet fra partner", (2, True)),
    ("3. The Moscow conference", (3, False)),
    ("¹ Se Statistisk sentralbyrå", (1, True)),
    ("[4] See the report", (4, True)),
    ("2006 og 2007.", None),
    ("2024) ", None),
])
def test_note_starts(line: str, found: tuple[int, bool] | None) -> None:
    got = note_start(Line(1, line))
    assert (got[:2] if got else None) == found


def test_a_note_is_never_matched_on_another_page() -> None:
    source = ("Första sidan nämner utvecklingen.2 och mer text här.\n" + "Text.\n" * 14
              + "\fAndra sidan har ingen siffra alls.\n\n1 En not utan anrop.\n").encode()
    report = Report()
    result = import_text(source, "t.txt", "sv", report)
    assert result is not None
    assert sorted(d.code for d in report.items) == ["I103", "I105"]
    # the note stays on its own page, at the end of that page's text
    assert "utvecklingen.2 och" in result.markdown
    assert "ingen siffra alls.[^1]" in result.markdown
    assert any(d.kind == "footnote" for d in result.decisions)


def test_notes_numbered_per_page_get_labels_of_their_own() -> None:
    page = "Ett påstående.1 Och mer.\n" + "Rad.\n" * 13 + "\n1 Första noten.\n"
    source = (page + "\f" + page.replace("Första", "Andra")).encode()
    result = import_text(source, "t.txt", "sv", Report())
    assert result is not None
    assert "[^1]: Första noten." in result.markdown
    assert "[^2]: Andra noten." in result.markdown
    assert result.markdown.count("påstående.[^1]") == 1
    assert result.markdown.count("påstående.[^2]") == 1
