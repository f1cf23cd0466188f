"""APA 7 references per entry type, in Swedish and Norwegian, as document-tree inlines."""

from __future__ import annotations

from pathlib import Path

import pytest

from antologi import model as m
from antologi.diagnostics import Report
from antologi.readinglist import (
    format_entry,
    format_reading_list,
    load_reading_list,
    reading_list_title,
)
from antologi.readinglist.formatting import initials, ordinal

DATA = Path(__file__).resolve().parent.parent / "data" / "readinglist"


def as_text(nodes: list[m.Inline]) -> str:
    """Inlines as text: *…* for Emph, [..]{lang} for Span, <…> for a link's text."""
    out = []
    for node in nodes:
        if isinstance(node, m.Text):
            out.append(node.text)
        elif isinstance(node, m.Emph):
            out.append(f"*{as_text(node.children)}*")
        elif isinstance(node, m.Span):
            out.append(f"[{as_text(node.children)}]{{{node.lang}}}")
        elif isinstance(node, m.Link):
            assert as_text(node.children) == node.href
            out.append(f"<{node.href}>")
        else:
            raise AssertionError(f"unexpected inline {node!r}")
    return "".join(out)


@pytest.fixture(scope="module")
def types() -> dict:
    report = Report()
    rl = load_reading_list(DATA, Path("types.yaml"), report)
    assert report.items == []
    return {e.key: e for e in rl.entries}


CASES = [
    ("bok", "sv",
     "Lindqvist, A. M., & Berg, P.-O. (2019). *Staden och landet: En historia* (2:a uppl.; "
     "K. Holm, Övers.). Norstedts. (Ursprungligen publicerad 1987)"),
    ("bok", "nb",
     "Lindqvist, A. M., & Berg, P.-O. (2019). *Staden och landet: En historia* (2. utg.; "
     "K. Holm, Overs.). Norstedts. (Opprinnelig utgitt 1987)"),
    ("antologi", "sv",
     "Nilsen, T. (Red.). (u.å.). [*Kalde krigen*]{nb}. Universitetsforlaget."),
    ("antologi", "nb",
     "Nilsen, T. (Red.). (u.å.). *Kalde krigen*. Universitetsforlaget."),
    ("kapitel", "sv",
     "van Dijk, T. A. (2015). [Discourse and power]{en}. I D. Cadier & M. Light (Red.), "
     "[*Russia’s foreign policy*]{en} (s. 13–29). Palgrave Macmillan. "
     "<https://doi.org/10.1057/9781137468888_2>"),
    ("kapitel", "nb",
     "van Dijk, T. A. (2015). [Discourse and power]{en}. I D. Cadier & M. Light (Red.), "
     "[*Russia’s foreign policy*]{en} (s. 13–29). Palgrave Macmillan. "
     "<https://doi.org/10.1057/9781137468888_2>"),
    ("artikel", "sv",
     "Trenin, D. (2006). [Russia leaves the West]{en}. *Foreign Affairs*, *85*(4), 87–96."),
    ("artikel", "nb",
     "Trenin, D. (2006). [Russia leaves the West]{en}. *Foreign Affairs*, *85*(4), 87–96."),
    ("tidning", "sv",
     "Putin, V. (2012, 27 februari). [Rossija i menjajuščijsja mir]{ru-Latn} [Ryssland och "
     "den föränderliga världen]. *Moskovskie novosti*."),
    ("tidning", "nb",
     "Putin, V. (2012, 27. februar). [Rossija i menjajuščijsja mir]{ru-Latn} [Ryssland och "
     "den föränderliga världen]. *Moskovskie novosti*."),
    ("rapport", "sv",
     "Nordiska ministerrådet. (2020). *Nordisk statistik* (TemaNord 2020:501). "
     "<https://example.org/rapport.pdf>"),
    ("rapport", "nb",
     "Nordiska ministerrådet. (2020). *Nordisk statistik* (TemaNord 2020:501). "
     "<https://example.org/rapport.pdf>"),
    ("webb", "sv",
     "Kagarlitskij, B. (2023, augusti). *Brev från fängelset*. Marxistarkivet. Hämtad "
     "3 mars 2025 från <https://marxistarkiv.se/klassiker/kagarlitskij/brev_fran_fangelset.pdf>"),
    ("webb", "nb",
     "Kagarlitskij, B. (2023, august). *Brev från fängelset*. Marxistarkivet. Hentet "
     "3. mars 2025 fra <https://marxistarkiv.se/klassiker/kagarlitskij/brev_fran_fangelset.pdf>"),
    ("video", "sv",
     "Vestnik Buri. (2025). *En omfattande intervju* [Video]. YouTube. "
     "<https://www.youtube.com/watch?v=eOh8yQDaEac>"),
    ("video", "nb",
     "Vestnik Buri. (2025). *En omfattande intervju* [Video]. YouTube. "
     "<https://www.youtube.com/watch?v=eOh8yQDaEac>"),
    ("tal", "sv",
     "Putin, V. (2007, 10 februari). [*Speech at the Munich Conference on Security Policy*]{en} "
     "[Tal]. President of Russia."),
    ("tal", "nb",
     "Putin, V. (2007, 10. februar). [*Speech at the Munich Conference on Security Policy*]{en} "
     "[Tale]. President of Russia."),
    ("okand", "sv", "Antonenko, O. (2004). [Titel okänd]."),
    ("okand", "nb", "Antonenko, O. (2004). [Titel okänd]."),
    ("brev", "sv",
     "[*Open letter from jailed Russian leftist dissidents*]{en}. (2025). LINKS. "
     "<https://links.org.au/node/1>"),
    ("brev", "nb",
     "[*Open letter from jailed Russian leftist dissidents*]{en}. (2025). LINKS. "
     "<https://links.org.au/node/1>"),
    # English and Nynorsk, to show the labels are the language table's.
    ("bok", "en",
     "Lindqvist, A. M., & Berg, P.-O. (2019). *Staden och landet: En historia* (2nd ed.; "
     "K. Holm, Trans.). Norstedts. (Original work published 1987)"),
    ("antologi", "en",
     "Nilsen, T. (Ed.). (n.d.). [*Kalde krigen*]{nb}. Universitetsforlaget."),
    ("webb", "en",
     "Kagarlitskij, B. (2023, August). *Brev från fängelset*. Marxistarkivet. Retrieved "
     "March 3, 2025, from <https://marxistarkiv.se/klassiker/kagarlitskij/brev_fran_fangelset.pdf>"),
    ("bok", "nn",
     "Lindqvist, A. M., & Berg, P.-O. (2019). *Staden och landet: En historia* (2. utg.; "
     "K. Holm, Oms.). Norstedts. (Opphavleg utgjeven 1987)"),
]


@pytest.mark.parametrize(("key", "lang", "expected"), CASES,
                         ids=[f"{k}-{lang}" for k, lang, _ in CASES])
def test_reference(types: dict, key: str, lang: str, expected: str) -> None:
    assert as_text(format_entry(types[key], lang)) == expected


def test_every_type_is_covered(types: dict) -> None:
    from antologi.readinglist import ENTRY_TYPES

    assert {e.type for e in types.values()} == set(ENTRY_TYPES)


def test_inlines_are_merged_and_typed(types: dict) -> None:
    nodes = format_entry(types["artikel"], "sv")
    assert [type(n).__name__ for n in nodes] == ["Text", "Span", "Text", "Emph", "Text",
                                                 "Emph", "Text"]
    assert isinstance(nodes[1], m.Span) and nodes[1].lang == "en"


def test_reading_list_sections_hide_unverified(types: dict) -> None:
    rl = load_reading_list(DATA, Path("types.yaml"), Report())
    assert reading_list_title(rl, "sv") == "Vidare läsning"
    shown = format_reading_list(rl, "sv")
    assert [s.title for s in shown] == ["Alla typer"]
    keys = [item.key for item in shown[0].entries]
    assert "okand" not in keys and len(keys) == 10
    everything = format_reading_list(rl, "sv", include_unverified=True)
    # Sorted in Swedish: "van Dijk" under D, the letter without author under its title.
    assert [item.key for item in everything[0].entries] == [
        "okand", "kapitel", "webb", "bok", "antologi", "rapport", "brev", "tal", "tidning",
        "artikel", "video"]
    annotated = next(item for item in shown[0].entries if item.key == "brev")
    assert as_text(annotated.annotation) == "Se *Brev från fängelset* och [Open letter]{en}."
    assert annotated.anchor == "ref-brev"


def test_default_title_is_the_language_label(tmp_path: Path) -> None:
    (tmp_path / "rl.yaml").write_text(
        "sections:\n  - title: S\n    entries:\n"
        "      - {key: a, type: book, title: A, year: 2000}\n", "utf-8")
    rl = load_reading_list(tmp_path, Path("rl.yaml"), Report())
    assert reading_list_title(rl, "sv") == "Lästips"
    assert reading_list_title(rl, "nb") == "Leseliste"


@pytest.mark.parametrize(("given", "expected"), [
    ("Julie", "J."), ("Viktor Nikolajevitj", "V. N."), ("Jean-Paul", "J.-P."),
    ("V. I.", "V. I."), ("V.I.", "V. I."), ("A. P.", "A. P."), ("", ""),
])
def test_initials(given: str, expected: str) -> None:
    assert initials(given) == expected


@pytest.mark.parametrize(("n", "lang", "expected"), [
    (1, "sv", "1:a"), (2, "sv", "2:a"), (3, "sv", "3:e"), (11, "sv", "11:e"),
    (21, "sv", "21:a"), (4, "nb", "4."), (4, "nn", "4."), (1, "en", "1st"), (2, "en", "2nd"),
    (3, "en", "3rd"), (4, "en", "4th"), (12, "en", "12th"), (22, "en", "22nd"),
])
def test_edition_ordinals(n: int, lang: str, expected: str) -> None:
    assert ordinal(n, lang) == expected
