"""Line-end hyphens: the rules and the text's own word list decide, not a list of words."""

from __future__ import annotations

import pytest

from antologi.importer.hyphens import WordList, decide
from antologi.importer.source import Line


def _words(*texts: str) -> WordList:
    return WordList([Line(k, t) for k, t in enumerate(texts, 1)])


def _decide(left_line: str, next_line: str, words: WordList, lang: str = "sv",
            trailing: str = "", signal: bool = True) -> tuple[str, bool]:
    verdict = decide(Line(1, left_line, trailing), next_line, lang, signal, words)
    return verdict.joined, verdict.certain


@pytest.mark.parametrize(("left", "right", "lang", "joined"), [
    ("under hela 1930-", "talets början", "sv", "1930-talets"),
    ("vid den 20:e SUKP-", "kongressen.", "sv", "SUKP-kongressen"),
    ("i NATO-", "Russland-rådet.", "nb", "NATO-Russland-rådet"),
    ("både informations-", "och organisationsarbetet", "sv", "informations- och"),
    ("var drevet av både innenriks-", "og utenrikspolitiske", "nb", "innenriks- og"),
    ("both domestic-", "and foreign policy", "en", "domestic- and"),
])
def test_rules_keep_real_hyphens(left: str, right: str, lang: str, joined: str) -> None:
    assert _decide(left, right, _words("inget annat"), lang) == (joined, True)


def test_a_space_after_the_hyphen_marks_a_hard_one_where_lines_go_on_with_a_space() -> None:
    words = _words("russisk amerikansk")
    assert _decide("et russisk-", "amerikansk", words, "nb", trailing=" ")[0] \
        == "russisk-amerikansk"
    # without that convention in the file the trailing space says nothing
    assert _decide("et russisk-", "amerikansk", words, "nb", " ", signal=False)[0] \
        == "russiskamerikansk"


def test_the_text_itself_decides() -> None:
    words = _words("terrorisme er et problem", "og Øst-Ukraina og post-kald-krig")
    assert _decide("internasjonal terro-", "risme.", words, "nb") == ("terrorisme", True)
    assert _decide("i Øst-", "Ukraina fra", words, "nb") == ("Øst-Ukraina", True)


def test_a_capital_alone_is_not_a_reason_to_keep() -> None:
    words = _words("Storbritannien och Frankrike", "en stor sak")
    assert _decide("i Stor-", "britannien;", words) == ("Storbritannien", True)


def test_a_name_compounds_with_a_hyphen() -> None:
    words = _words("på Rabkor och Rabkor-livestreams", "vid ett Rabkor samtal")
    joined, certain = _decide("ett Rabkor-", "rundabordssamtal med", words)
    assert joined == "Rabkor-rundabordssamtal"
    assert not certain


def test_fragments_that_are_no_words_are_joined_with_confidence() -> None:
    words = _words("ett annat ord")
    assert _decide("de nya naborepu-", "blikker", words, "nb")[0] == "naborepublikker"
    assert _decide("vägen var lik-", "väl lång", words) == ("likväl", True)


def test_only_an_inflected_form_is_not_certain() -> None:
    words = _words("de postsovjetiska staterna")
    joined, certain = _decide("till SUKP. Post-", "sovjetisk efterträdare", words)
    assert joined == "Postsovjetisk" and not certain


def test_the_word_list_leaves_out_line_end_fragments() -> None:
    words = _words("ett mottag-", "na brev och mottagna svar")
    assert words.count("mottag") == 0 and words.count("na") == 0
    assert words.count("mottagna") == 1 and words.count("brev") == 1
