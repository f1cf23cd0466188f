"""Loading book/reading-list.yaml: values, and every mistake with file:line:col."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from antologi.diagnostics import Report
from antologi.readinglist import READING_LIST_PATH, ReadingList, load_reading_list
from antologi.readinglist.data import Name

DATA = Path(__file__).resolve().parent.parent / "data" / "readinglist"

HEAD = "sections:\n  - title: Nätkällor\n    entries:\n"
# Line 4 "- key", 5 type, 6 authors, 7 title, 8 container, 9 year.
ENTRY = ('      - key: trenin2006\n        type: article\n        authors: ["Trenin, D."]\n'
         '        title: Russia leaves the West\n        container: Foreign Affairs\n'
         '        year: 2006\n')
WHERE = "book/reading-list.yaml"


def _load(tmp_path: Path, text: str) -> tuple[ReadingList, list[str]]:
    (tmp_path / "book").mkdir(exist_ok=True)
    (tmp_path / "book" / "reading-list.yaml").write_text(text, "utf-8")
    report = Report()
    rl = load_reading_list(tmp_path, READING_LIST_PATH, report)
    return rl, [d.format() for d in report.items]


CASES = [
    pytest.param(HEAD + ENTRY + '        autors: ["X, Y."]\n',
                 f"{WHERE}:10:9: error[R003]: unknown key 'autors' in an entry\n"
                 "  hint: did you mean 'authors'?", id="unknown-key"),
    pytest.param(HEAD + ENTRY.replace("type: article", "type: artikel"),
                 f"{WHERE}:5:15: error[R007]: unknown type 'artikel'\n"
                 "  hint: did you mean 'article'?", id="unknown-type"),
    pytest.param(HEAD + ENTRY.replace("year: 2006", "year: 20O6"),
                 f"{WHERE}:9:15: error[R009]: year '20O6' is not a year\n"
                 "  hint: write four digits (2021), with a letter for several works of the "
                 "same authors in one year (2004a), or n.d.", id="bad-year"),
    pytest.param(HEAD + ENTRY + "        url: links.org.au/node/7497\n",
                 f"{WHERE}:10:14: error[R010]: 'links.org.au/node/7497' is not a web address\n"
                 "  hint: write the whole address, starting with https://", id="bad-url"),
    pytest.param(HEAD + ENTRY + "        url: https://links.org.au/node 7497\n",
                 f"{WHERE}:10:14: error[R010]: 'https://links.org.au/node 7497' is not a web "
                 "address\n  hint: write the whole address, starting with https://",
                 id="url-with-space"),
    pytest.param(HEAD + ENTRY + "        doi: 10.x/y\n",
                 f"{WHERE}:10:14: error[R010]: '10.x/y' is not a DOI\n"
                 "  hint: a DOI looks like 10.23865/intpol.v79.3393", id="bad-doi"),
    pytest.param(HEAD + ENTRY.replace("        title: Russia leaves the West\n", ""),
                 f"{WHERE}:4:9: error[R005]: the entry 'trenin2006' has no 'title'\n"
                 "  hint: add the title; for an untitled or unidentified work write a "
                 "'description' instead", id="missing-title"),
    pytest.param(HEAD + ENTRY + ENTRY,
                 f"{WHERE}:10:14: error[R008]: the key 'trenin2006' is used twice (first at "
                 "line 4)\n  hint: give one of the two entries another key",
                 id="duplicate-entry-key"),
    pytest.param(HEAD + ENTRY.replace("        container:", "        title: R\n        container:"),
                 f"{WHERE}:8:9: error[R002]: duplicate key 'title' (first defined at line 7)\n"
                 "  hint: remove one of the two; YAML would silently keep only the last",
                 id="duplicate-yaml-key"),
    pytest.param(HEAD + ENTRY + "        status: verifierad\n",
                 f"{WHERE}:10:17: error[R007]: unknown status 'verifierad'\n"
                 "  hint: did you mean 'verified'?", id="bad-status"),
    pytest.param(HEAD + ENTRY.replace("        container: Foreign Affairs\n", ""),
                 f"{WHERE}:4:9: error[R005]: the entry 'trenin2006' is of type article but "
                 "has no 'container'\n  hint: add 'container:' with the journal",
                 id="article-without-journal"),
    pytest.param(HEAD + ENTRY + "        title_lang: e n\n",
                 f"{WHERE}:10:21: error[T001]: 'e n' is not a valid BCP 47 language tag\n"
                 "  hint: use a tag like sv, nb, nn, en or ru", id="bad-language"),
    pytest.param(HEAD + ENTRY.replace("        year: 2006\n", ""),
                 f"{WHERE}:4:9: error[R005]: the entry 'trenin2006' has no 'year'\n"
                 "  hint: add year: 2021 (or year: n.d. for an undated work)", id="no-year"),
    pytest.param(HEAD + ENTRY + "        date: 2007-01-05\n",
                 f"{WHERE}:9:15: error[R009]: year 2006 and date 2007-01-05 disagree",
                 id="year-and-date-disagree"),
    pytest.param(HEAD + ENTRY.replace("        year: 2006\n", "        date: 2006-13-01\n"),
                 f"{WHERE}:9:15: error[R009]: date '2006-13-01' is not YYYY-MM-DD or YYYY-MM\n"
                 "  hint: write e.g. 2025-10-16, or 2023-04 for a month", id="bad-date"),
    pytest.param(HEAD + ENTRY.replace('"Trenin, D."', '"Trenin,"'),
                 f"{WHERE}:6:19: error[R006]: the name 'Trenin,' is not 'Family, Given'\n"
                 "  hint: write 'Wilhelmsen, Julie' or 'Wilhelmsen, J.'; an organisation has "
                 "no comma", id="bad-name"),
    pytest.param(HEAD.replace("    entries:", "    ordering: alfabetisk\n    entries:") + ENTRY,
                 f"{WHERE}:3:15: error[R007]: unknown ordering 'alfabetisk'\n"
                 "  hint: expected one of: author, date, as-is", id="bad-ordering"),
    pytest.param(HEAD + ENTRY.replace("title: Russia leaves the West", "title: Russia: leaves"),
                 f"{WHERE}:7:22: error[R001]: invalid YAML: mapping values are not allowed "
                 "here\n  hint: check indentation, and quote values that contain ': ' or "
                 "start with '[', '{', '*', '&', '!', '%' or '@'", id="malformed-yaml"),
    pytest.param(HEAD + ENTRY.replace("key: trenin2006", "key: 2006-trenin"),
                 f"{WHERE}:4:14: error[R007]: the key '2006-trenin' is not a valid key\n"
                 "  hint: start with a letter; use letters, digits, '-' and '_'",
                 id="bad-key"),
    pytest.param("sections:\n  - title: S\n    entries: trenin2006\n",
                 f"{WHERE}:3:14: error[R006]: 'entries' must be a list\n"
                 "  hint: write one item a line, each starting with '- '", id="entries-not-list"),
    pytest.param(HEAD + "      - trenin2006\n",
                 f"{WHERE}:4:9: error[R006]: an entry must be a mapping of keys to values",
                 id="entry-not-mapping"),
    pytest.param(HEAD + ENTRY + "        title_lang: no\n",
                 f"{WHERE}:10:21: warning[T002]: language 'no' is read as 'nb' (Norwegian "
                 "Bokmål)\n  hint: write nb (Bokmål) or nn (Nynorsk): there is no hyphenation "
                 "dictionary for 'no'", id="no-is-nb"),
    pytest.param(HEAD + ENTRY.replace("year: 2006", "year: 2006a")
                 + ENTRY.replace("trenin2006", "trenin2006b"),
                 f"{WHERE}:15:15: warning[R013]: 'trenin2006b' has the same authors and year "
                 "as 'trenin2006', which has a letter\n  hint: give every work of these "
                 "authors in that year a letter (2004a, 2004b), or none and let them be "
                 "assigned", id="some-letters-missing"),
    pytest.param("title: Lästips\n",
                 f"{WHERE}:1:1: error[R005]: the reading list has no 'sections'\n"
                 "  hint: add 'sections:' with a list of sections, each with a 'title' and "
                 "'entries'", id="no-sections"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_one_mistake(tmp_path: Path, text: str, expected: str) -> None:
    assert _load(tmp_path, text)[1] == [expected]


def test_every_problem_is_collected_in_source_order() -> None:
    report = Report()
    rl = load_reading_list(DATA, Path("bad.yaml"), report)
    assert [d.format().splitlines()[0] for d in report.items] == [
        "bad.yaml:4:15: error[R007]: unknown ordering 'alfabetisk'",
        "bad.yaml:7:15: error[R007]: unknown type 'bok'",
        "bad.yaml:11:9: error[R005]: the entry 'sakwa2017' has no 'title'",
        "bad.yaml:11:14: error[R008]: the key 'sakwa2017' is used twice (first at line 6)",
        "bad.yaml:15:9: error[R005]: the entry 'trenin2006' is of type article but has no "
        "'container'",
        "bad.yaml:20:14: error[R010]: 'www.foreignaffairs.com' is not a web address",
        "bad.yaml:21:9: error[R003]: unknown key 'publsher' in an entry",
        "bad.yaml:27:15: error[R009]: date '2025-10-32' is not YYYY-MM-DD or YYYY-MM",
        "bad.yaml:28:17: error[R007]: unknown status 'bekräftad'",
    ]
    # What could be read is kept: the first section holds nothing valid but the third
    # entry, the second section its one entry.
    assert [e.key for e in rl.entries] == ["trenin2006", "rabkor"]


def test_missing_file(tmp_path: Path) -> None:
    report = Report()
    rl = load_reading_list(tmp_path, READING_LIST_PATH, report)
    assert rl.sections == ()
    assert [d.format() for d in report.items] == [
        "book/reading-list.yaml: error[R004]: the reading list 'book/reading-list.yaml' does "
        "not exist\n  hint: create it, or remove the reading list from the manifest"]


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "reading-list.yaml").write_bytes(
        "sections:\n  - title: N\xe4tk\xe4llor\n".encode("latin-1"))
    report = Report()
    load_reading_list(tmp_path, READING_LIST_PATH, report)
    assert report.items[0].format().splitlines()[0] == (
        "book/reading-list.yaml:2:13: error[R001]: the reading list is not UTF-8 (byte 22)")


def test_values(tmp_path: Path) -> None:
    text = HEAD + (
        "      - key: x\n        type: web\n"
        "        authors: [Vestnik Buri, 'Dud, Jurij', {family: Dijk, given: T., particle: van}]\n"
        "        title: T\n        date: 2025-10-16\n        doi: https://doi.org/10.1234/ab\n"
        "        accessed: 2025-11-01\n        original_year: 1967\n"
        "      - key: y\n        type: book\n        title: U\n        year: n.d.\n"
        "        status: unverified\n")
    rl, problems = _load(tmp_path, text)
    assert problems == []
    x, y = rl.entries
    assert x.authors == (Name("Vestnik Buri", literal=True), Name("Dud", "Jurij"),
                         Name("Dijk", "T.", "van"))
    assert (x.year, x.month, x.day, x.year_suffix) == (2025, 10, 16, "")
    assert x.doi == "10.1234/ab" and x.accessed == datetime.date(2025, 11, 1)
    assert x.original_year == 1967 and x.status == "verified" and x.section == "Nätkällor"
    assert x.anchor == "ref-x" and x.spans["title"].line == 7
    assert y.year is None and y.status == "unverified"
    assert [e.key for e in rl.visible().entries] == ["x"]
    assert [e.key for e in rl.visible(include_unverified=True).entries] == ["x", "y"]
    assert rl.get("y") is y and rl.get("z") is None


def test_yaml_types_stay_text(tmp_path: Path) -> None:
    """`volume: 010`, `issue: no` and a date-looking pages value are kept as written."""
    text = HEAD + ENTRY + "        volume: 010\n        issue: no\n        pages: 2006-01\n"
    rl, problems = _load(tmp_path, text)
    assert problems == []
    entry = rl.entries[0]
    assert (entry.volume, entry.issue, entry.pages) == ("010", "no", "2006-01")
