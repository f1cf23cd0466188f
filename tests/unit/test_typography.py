"""Quotation marks and no-break spaces, one language rule per row.

In the spacing rows "~" stands for U+00A0 (NO-BREAK SPACE) so that the rows stay readable.
"""

from __future__ import annotations

import pytest

from antologi.typography import Segment, apply_spacing, smarten_quotes, typeset


def nbsp(text: str) -> str:
    return text.replace("~", "\u00a0")


def one(lang: str, text: str, **options: str) -> str:
    return smarten_quotes([Segment(text, lang)], **options)[0]


# --- Quotation marks: one segment -----------------------------------------------------------

QUOTES = [
    # Swedish: ” on both sides, ’ on both sides inside.
    ("sv", '"Hej"', "”Hej”"),
    ("sv", 'Han sa: "Nej!" och gick.', "Han sa: ”Nej!” och gick."),
    ("sv", '"Han sa \'hej\' till mig."', "”Han sa ’hej’ till mig.”"),
    ("sv", '"Han sa "hej" till mig."', "”Han sa ’hej’ till mig.”"),
    ("sv", "ordet 'betydelse' är en glosa", "ordet ’betydelse’ är en glosa"),
    ("sv", '("Ja")', "(”Ja”)"),
    ("sv", 'kallad "Moskva–Washington"-axeln', "kallad ”Moskva–Washington”-axeln"),
    # Norwegian Bokmål and Nynorsk: «…» with ‘…’ inside.
    ("nb", '"Hei"', "«Hei»"),
    ("nb", '"Han sa \'hei\' til meg"', "«Han sa ‘hei’ til meg»"),
    ("nb", '"Han sa "hei" til meg"', "«Han sa ‘hei’ til meg»"),
    ("nb", 'kalt "train and equip".', "kalt «train and equip»."),
    ("nn", '"Hei"', "«Hei»"),
    ("nn", '"Ho sa \'nei\' til han"', "«Ho sa ‘nei’ til han»"),
    # English: “…” with ‘…’ inside.
    ("en", '"Hello"', "“Hello”"),
    ("en", '"He said \'no\'."', "“He said ‘no’.”"),
    ("en", '"It\'s fine," she said.', "“It’s fine,” she said."),
    ("en", "'scare quotes'", "‘scare quotes’"),
    ("en", '\'a "b" c\'', "‘a “b” c’"),
    # Russian: «…» with „…“ inside.
    ("ru", '"Привет"', "«Привет»"),
    ("ru", '"Он сказал "да""', "«Он сказал „да“»"),
    # Apostrophes are U+2019 and never quotation marks.
    ("en", "don't", "don’t"),
    ("en", "Russia's and Putin's", "Russia’s and Putin’s"),
    ("en", "rock'n'roll", "rock’n’roll"),
    ("en", "the 1990's", "the 1990’s"),
    ("en", "the boys' toys", "the boys’ toys"),
    ("en", "'tis the season", "’tis the season"),
    ("en", '"\'90s music"', "“’90s music”"),
    ("sv", "'90-talet", "’90-talet"),
    ("sv", "*Links'* kommentar", "*Links’* kommentar"),
    ("nb", "'90-tallet var \"rart\"", "’90-tallet var «rart»"),
    ("ru", "Dud'", "Dud’"),
    ("sv", "vDud' och Dud'", "vDud’ och Dud’"),
    # A closing straight " after a digit with nothing open is an inch mark.
    ("en", 'a 12" record', 'a 12" record'),
    # Existing curly quotes and guillemets are never changed ...
    ("sv", "”Hej”, sa hon.", "”Hej”, sa hon."),
    ("sv", "”Primtal” och ’Dud’", "”Primtal” och ’Dud’"),
    ("sv", "läget…”", "läget…”"),
    ("nb", "«Hei», sa hun.", "«Hei», sa hun."),
    ("nb", "«train and ‘equip’»", "«train and ‘equip’»"),
    ("en", "“Hello” and ‘hi’", "“Hello” and ‘hi’"),
    ("sv", "Russia’s och Dud’", "Russia’s och Dud’"),
    ("nb", "“Hei”", "“Hei”"),
    # ... but they count for nesting.
    ("sv", '”Han sa "hej" nu”', "”Han sa ’hej’ nu”"),
    ("sv", "”Han sa 'hej' nu”", "”Han sa ’hej’ nu”"),
    ("nb", '«Han sa "hei"»', "«Han sa ‘hei’»"),
    ("nn", '«Ho sa "nei"»', "«Ho sa ‘nei’»"),
    ("en", '“He said "no".”', "“He said ‘no’.”"),
    ("ru", '«Он сказал "да"»', "«Он сказал „да“»"),
    # A straight quote may close a quotation opened by a curly one, in its language's mark.
    ("nb", '«Hei"', "«Hei»"),
]


@pytest.mark.parametrize(("lang", "source", "expected"), QUOTES)
def test_quotes(lang: str, source: str, expected: str) -> None:
    assert one(lang, source) == expected


@pytest.mark.parametrize(("lang", "source", "expected"), QUOTES)
def test_quotes_are_stable(lang: str, source: str, expected: str) -> None:
    """A second pass changes nothing: curly marks are never touched."""
    assert one(lang, expected) == expected


@pytest.mark.parametrize(
    ("lang", "nb_inner", "source", "expected"),
    [
        ("nb", "“”", '"Han sa \'hei\'"', "«Han sa “hei”»"),
        ("nb", "“”", '"Han sa "hei""', "«Han sa “hei”»"),
        ("nn", "“”", '«Ho sa "nei"»', "«Ho sa “nei”»"),
        ("nb", "‘’", '"Han sa \'hei\'"', "«Han sa ‘hei’»"),
        # Only Norwegian has an alternative inner pair.
        ("sv", "“”", '"Han sa \'hej\'"', "”Han sa ’hej’”"),
        ("en", "“”", '"He said \'no\'"', "“He said ‘no’”"),
        # Third level under the alternative pair: back to the primary marks.
        ("nb", "“”", '«a “b "c" d” e»', "«a “b «c» d” e»"),
    ],
)
def test_nb_inner(lang: str, nb_inner: str, source: str, expected: str) -> None:
    assert one(lang, source, nb_inner=nb_inner) == expected


def test_nb_inner_must_be_a_pair() -> None:
    with pytest.raises(ValueError, match="two characters"):
        one("nb", '"x"', nb_inner="“")


# --- Quotation marks: across segments -----------------------------------------------------


def seg(text: str, lang: str = "sv", atomic: bool = False) -> Segment:
    return Segment(text, lang, atomic)


SEGMENTS = [
    # Opens in plain text, closes after an emphasised word.
    ([seg('Han sa "'), seg("hej"), seg('" till mig.')], ["Han sa ”", "hej", "” till mig."]),
    ([seg('Hon sa "', "nb"), seg("ja", "nb"), seg('".', "nb")], ["Hon sa «", "ja", "»."]),
    # Quote inside emphasis.
    ([seg("Titeln "), seg('"Primtal"'), seg(" kom ut.")], ["Titeln ", "”Primtal”", " kom ut."]),
    # The mark's language is where the quotation opens: a Swedish quote around English text.
    ([seg('Han sa "'), seg("yes", "en"), seg('"', "en")], ["Han sa ”", "yes", "”"]),
    ([seg('He said "', "en"), seg("ja", "nb"), seg('"', "nb")], ["He said “", "ja", "”"]),
    # An English quotation inside a Norwegian one opens with its own secondary mark.
    ([seg('«Han sa ', "nb"), seg("'hi'", "en"), seg("»", "nb")], ["«Han sa ", "‘hi’", "»"]),
    # Atomic segments are never changed, but they are neighbours.
    ([seg('"'), seg('"x" \'y\'', atomic=True), seg('"')], ["”", '"x" \'y\'', "”"]),
    ([seg("Kör "), seg("it's", atomic=True), seg(" och \"se\"")],
     ["Kör ", "it's", " och ”se”"]),
    ([seg('"citat"'), seg("1", atomic=True), seg(" sa han")], ["”citat”", "1", " sa han"]),
    ([seg('se "'), seg("https://x.org/'a'", atomic=True), seg('".')],
     ["se ”", "https://x.org/'a'", "”."]),
    # An atomic segment separates words: a ' next to it is not "between letters".
    ([seg("ord'"), seg("x", atomic=True)], ["ord’", "x"]),
]


@pytest.mark.parametrize(("segments", "expected"), SEGMENTS)
def test_quotes_across_segments(segments: list[Segment], expected: list[str]) -> None:
    assert smarten_quotes(segments) == expected


def test_quote_state_does_not_leak_between_blocks() -> None:
    first = smarten_quotes([seg('"Öppet citat som fortsätter')])
    second = smarten_quotes([seg('"Nästa stycke"')])
    assert first == ["”Öppet citat som fortsätter"]
    assert second == ["”Nästa stycke”"]


# --- No-break spaces ------------------------------------------------------------------------

SPACING = [
    # Spaced dash: no line starts with a dash. Range dashes are untouched.
    ("sv", "ord – ord", "ord~– ord"),
    ("nb", "terror – et vanskelig", "terror~– et vanskelig"),
    ("nn", "ord – ord", "ord~– ord"),
    ("en", "word — word", "word~— word"),
    ("en", "word – word", "word~– word"),
    ("ru", "слово — слово", "слово~— слово"),
    ("sv", "2008–2010", "2008–2010"),
    ("sv", "september–oktober", "september–oktober"),
    ("sv", "(2003–2006) – och", "(2003–2006)~– och"),
    ("sv", "ord –", "ord~–"),
    ("nb", "grenser~– ord", "grenser~– ord"),
    # Abbreviation + number, Swedish.
    ("sv", "s. 136", "s.~136"),
    ("sv", "sid. 12", "sid.~12"),
    ("sv", "nr 5", "nr~5"),
    ("sv", "nr 1400", "nr~1400"),
    ("sv", "kap. 3", "kap.~3"),
    ("sv", "Kap. 3", "Kap.~3"),
    ("sv", "fig. 2", "fig.~2"),
    ("sv", "§ 4", "§~4"),
    ("sv", "ss. 147–148", "ss.~147–148"),
    ("sv", "kl. 10", "kl.~10"),
    # Norwegian.
    ("nb", "s. 12", "s.~12"),
    ("nb", "(2017, s. 147–148)", "(2017, s.~147–148)"),
    ("nb", "nr. 5", "nr.~5"),
    ("nb", "kap. 3", "kap.~3"),
    ("nb", "kl. 10", "kl.~10"),
    ("nn", "s. 12", "s.~12"),
    ("nn", "nr. 5", "nr.~5"),
    ("nn", "kap. 3", "kap.~3"),
    # English.
    ("en", "p. 12", "p.~12"),
    ("en", "pp. 3–4", "pp.~3–4"),
    ("en", "No. 5", "No.~5"),
    ("en", "§ 4", "§~4"),
    # Russian.
    ("ru", "с. 12", "с.~12"),
    ("ru", "№ 5", "№~5"),
    # An abbreviation only counts as a whole word and before a number.
    ("sv", "kurs. 5 personer", "kurs. 5 personer"),
    ("sv", "s. xii", "s. xii"),
    ("en", "s. 12", "s. 12"),
    ("sv", "p. 12", "p. 12"),
    # Number + unit.
    ("sv", "5 km", "5~km"),
    ("sv", "20 %", "20~%"),
    ("sv", "100 kr", "100~kr"),
    ("sv", "3 mm", "3~mm"),
    ("sv", "5 miljoner", "5~miljoner"),
    ("nb", "100 kr", "100~kr"),
    ("nb", "20–25 millioner", "20–25~millioner"),
    ("nn", "20 prosent", "20~prosent"),
    ("en", "20 %", "20~%"),
    ("en", "5 km", "5~km"),
    ("en", "5 kr", "5 kr"),
    ("sv", "5 miljoner.", "5~miljoner."),
    ("sv", "5 mil bort", "5~mil bort"),
    ("sv", "5 människor", "5 människor"),
    ("sv", "2 g", "2~g"),
    ("sv", "2 gånger", "2 gånger"),
    # Digit groups.
    ("sv", "1 000 000", "1~000~000"),
    ("sv", "700 000 män", "700~000 män"),
    ("nb", "10 000", "10~000"),
    ("en", "1 000 000", "1~000~000"),
    ("sv", "år 2008 100 personer", "år 2008 100 personer"),
    ("sv", "4,5 timmar", "4,5 timmar"),
    # Initials.
    ("sv", "J. R. R. Tolkien", "J.~R.~R.~Tolkien"),
    ("sv", "C.-H. Lundberg", "C.-H.~Lundberg"),
    ("sv", "Zemskov, V. N. (2011)", "Zemskov, V.~N. (2011)"),
    ("nb", "J. R. R. Tolkien", "J.~R.~R.~Tolkien"),
    ("nn", "J. R. R. Tolkien", "J.~R.~R.~Tolkien"),
    ("ru", "А. С. Пушкин", "А.~С.~Пушкин"),
    ("en", "J. R. R. Tolkien", "J. R. R. Tolkien"),
    ("sv", "t. ex. här", "t. ex. här"),
    ("sv", "bil. Sedan", "bil. Sedan"),
    # Dialogue dash at the start of the block.
    ("sv", "– Hej, sa hon.", "–~Hej, sa hon."),
    ("nb", "– Hei.", "–~Hei."),
    ("nn", "– Hei.", "–~Hei."),
    ("sv", "— Hej", "—~Hej"),
    ("en", "— Hi", "—~Hi"),
    ("sv", "–Hej", "–Hej"),
    # Existing no-break and thin no-break spaces are kept; nothing is inserted.
    ("sv", "s.\u202f136 och ord~– ord", "s.\u202f136 och ord~– ord"),
    ("sv", "s.136", "s.136"),
    ("sv", "ord  – ord", "ord  – ord"),
    ("sv", "", ""),
]


@pytest.mark.parametrize(("lang", "source", "expected"), SPACING)
def test_spacing(lang: str, source: str, expected: str) -> None:
    assert apply_spacing(nbsp(source), lang) == nbsp(expected)


@pytest.mark.parametrize(
    ("lang", "source", "dialogue_dash", "expected"),
    [
        ("sv", "— Hej", "–", "–~Hej"),
        ("nb", "— Hei", "–", "–~Hei"),
        ("nn", "—~Hei", "–", "–~Hei"),
        ("sv", "– Hej", "—", "—~Hej"),
        ("sv", "— Hej", None, "—~Hej"),
        # English keeps its em dash: the option is a Nordic convention.
        ("en", "— Hi", "–", "—~Hi"),
        # Only the dash that opens the block.
        ("sv", "Hon sa — nej", "–", "Hon sa~— nej"),
    ],
)
def test_dialogue_dash(lang: str, source: str, dialogue_dash: str | None,
                       expected: str) -> None:
    assert apply_spacing(nbsp(source), lang, dialogue_dash=dialogue_dash) == nbsp(expected)


def test_dialogue_dash_must_be_a_dash() -> None:
    with pytest.raises(ValueError, match="dialogue_dash"):
        apply_spacing("- Hej", "sv", dialogue_dash="-")


@pytest.mark.parametrize(("lang", "source", "expected"), SPACING)
def test_spacing_only_replaces_spaces(lang: str, source: str, expected: str) -> None:
    """Length-preserving, and the only change is U+0020 -> U+00A0."""
    result = apply_spacing(nbsp(source), lang)
    changes = {(a, b) for a, b in zip(nbsp(source), result, strict=True) if a != b}
    assert len(result) == len(source)
    assert changes <= {(" ", "\u00a0")}


# --- typeset: quotes, then spacing over the whole block -----------------------------------

TYPESET = [
    ([seg('Han sa "nej" – och gick.')], ["Han sa ”nej”~– och gick."]),
    ([seg('"Nei" – og så s. 12', "nb")], ["«Nei»~– og så s.~12"]),
    # The space before a dash in the next segment is bound.
    ([seg("Han sa "), seg("– nej")], ["Han sa~", "– nej"]),
    ([seg("värd 100 "), seg("kr")], ["värd 100~", "kr"]),
    # A dash at the start of a later segment is not a dialogue dash ...
    ([seg("Ord"), seg("– inte dialog")], ["Ord", "– inte dialog"]),
    # ... but at the start of the block it is.
    ([seg("– "), seg("Hej"), seg(", sa hon.")], ["–~", "Hej", ", sa hon."]),
    # Atomic segments are neither changed nor bound to.
    ([seg("kör "), seg('"a" – 5 km', atomic=True), seg(" – klart")],
     ["kör ", '"a" – 5 km', "~– klart"]),
    # Each segment follows its own language's rules.
    ([seg("se p. 12 och ", "sv"), seg("p. 12", "en")], ["se p. 12 och ", "p.~12"]),
    ([seg("J. R. R. Tolkien ", "en"), seg("J. R. R. Tolkien", "sv")],
     ["J. R. R. Tolkien ", "J.~R.~R.~Tolkien"]),
]


@pytest.mark.parametrize(("segments", "expected"), TYPESET)
def test_typeset(segments: list[Segment], expected: list[str]) -> None:
    assert typeset(segments) == [nbsp(e) for e in expected]


def test_typeset_options() -> None:
    segments = [seg("— "), seg('"Hei", sa \'hun\'', "nb")]
    assert typeset(segments, nb_inner="“”", dialogue_dash="–") == [
        "–\u00a0", "«Hei», sa “hun”"]


def test_typeset_rejects_unknown_options() -> None:
    with pytest.raises(TypeError):
        typeset([seg("x")], smart=True)  # type: ignore[call-arg]
