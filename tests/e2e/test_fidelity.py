"""Fidelity to the sources: the importer against the hand-proofread chapters, and the built
book against the seed texts.

1. ``antologi import`` (the real CLI) on each seed, compared with the chapter that was
   made from it by hand: the share of the hand-made chapter's words that the importer
   produced in the same order (difflib on word sequences).
2. The built EPUB against the seeds: each seed's words, with the extraction artifacts taken
   out as the shared ground truth describes them (page furniture, footnote blocks, URL
   lists, header lines; line-end hyphens and split words joined as decided there), must
   appear in the chapter's text in the same order; every miss is listed.
3. All 32 footnotes are real footnotes in the EPUB: a noteref at the call site the ground
   truth gives, and the note's text equal to the ground truth's.

The seeds and the ground truth live in ../shared beside the repository; without them these
tests are skipped.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from conftest import REPO, Built, epub_files, run_cli

SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"

pytestmark = pytest.mark.skipif(not (SEEDS.is_dir() and DATA.is_dir()),
                                reason="the seed texts (../shared) are not beside the repository")


@dataclass(frozen=True)
class Text:
    seed: str  # seed number, as the ground truth names the files
    lang: str
    chapter: str  # the hand-made chapter
    epub: str  # its document in the EPUB
    import_share: float  # measured; the importer must not fall below it


TEXTS = [
    # measured 1.0000: every word of the hand-made chapter, in order
    Text("000", "sv", "02-kagarlitskij-axeln.md", "kagarlitskij-axeln-2025.xhtml", 0.999),
    # measured 0.9997: 'vänster-eratotalt' (a space lost in the source, fixed by hand) and
    # 'Post-sovjetisk' (kept by hand, joined by the importer and reported as uncertain)
    Text("001", "sv", "03-kagarlitskij-intervju.md", "kagarlitskij-intervju-2025.xhtml",
         0.999),
    # measured 1.0000
    Text("002", "nb", "01-wilhelmsen.md", "wilhelmsen-2021.xhtml", 0.999),
]
IDS = [t.seed for t in TEXTS]
EPUB_SHARE = 0.995  # the target for seed words recovered in the built book

# Header lines that the hand-made chapters moved into front matter (title, author, byline,
# source note, translator). 001's come from artifacts.json (structure.front_001); 000 is
# Markdown-like: its "# Author: Title" line 3 and the "(Ur …)" provenance line 5.
HEADER_000 = [3, 5]

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
_WORD = re.compile(r"\w+(?:[-'][\w]+)*")
_NORMAL = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2019": "'", "\u00ad": None,
                         "\u00a0": " ", "\u2009": " ", "\u202f": " "})


def words(text: str) -> list[str]:
    """Lower-case words, hyphens and apostrophes unified (typography may change them)."""
    text = unicodedata.normalize("NFC", text).translate(_NORMAL).lower()
    return _WORD.findall(text)


def _seed_path(seed: str) -> Path:
    return next(SEEDS.glob(f"{seed}_*.txt"))


def _json(name: str) -> dict:
    return json.loads((DATA / name).read_text("utf-8"))


# --- 1. the importer against the hand-made chapters -----------------------------------


def markdown_words(markdown: str) -> list[str]:
    """The words a reader sees in a chapter file: front matter, link targets, attribute
    blocks, footnote labels and escapes left out."""
    markdown = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)
    markdown = re.sub(r"\]\([^)\s]*\)", "]", markdown)
    markdown = re.sub(r"\]\{[^}]*\}", "]", markdown)
    markdown = re.sub(r"\[\^\d+\]:?", " ", markdown)
    markdown = re.sub(r"<https?://[^>]+>", " ", markdown)
    markdown = re.sub(r"^:::.*$", "", markdown, flags=re.M)
    return words(markdown.replace("\\", ""))


def _differences(a: list[str], b: list[str], limit: int = 30) -> list[str]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            out.append(f"{tag}: {' '.join(a[i1:i2])[:80]!r} | {' '.join(b[j1:j2])[:80]!r}")
    return out[:limit]


def shared_share(produced: list[str], reference: list[str]) -> float:
    """Share of the reference's words found in produced, in the same order."""
    matcher = difflib.SequenceMatcher(None, produced, reference, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(len(reference), 1)


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_importer_reproduces_the_hand_made_chapter(text: Text, tmp_path: Path) -> None:
    out = tmp_path / "chapters" / f"{text.seed}.md"
    run = run_cli("import", _seed_path(text.seed), "--lang", text.lang, "--out", out,
                  cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert out.is_file() and out.with_suffix(".import-report.txt").is_file()
    produced = markdown_words(out.read_text("utf-8"))
    hand = markdown_words((REPO / "chapters" / text.chapter).read_text("utf-8"))
    share = shared_share(produced, hand)
    assert share >= text.import_share, (f"{share:.4f} of the hand-made chapter's words",
                                        _differences(produced, hand))


def test_import_reports_its_uncertain_decisions(tmp_path: Path) -> None:
    out = tmp_path / "intervju.md"
    run = run_cli("import", _seed_path("001"), "--lang", "sv", "--out", out, cwd=tmp_path)
    assert run.code == 0, run.stderr
    report = out.with_suffix(".import-report.txt").read_text("utf-8").splitlines()
    assert f"({len(report)} decisions to review)" in run.stdout
    assert "17 pages" in run.stdout and "29 footnotes" in run.stdout
    pattern = re.compile(r"^\S+001_\w+\.txt:\d+: chose .+; alternative .+ \(.+\)$")
    assert report and all(pattern.match(line) for line in report)
    # the footnote 5 glued to a year is found and reported, the ambiguous hyphen too
    assert any(":266: chose the call of note 5" in line for line in report)
    assert any(":606: chose 'Postsovjetisk'; alternative 'Post-sovjetisk'" in line
               for line in report)


# --- 2. the seeds' words in the built EPUB ----------------------------------------------


@dataclass
class SeedText:
    body: list[tuple[str, int]]  # (word, seed line)
    notes: dict[int, str]  # footnote number -> its clean text


def _without_call(line: str, context: str, number: int) -> str:
    """The seed line with the footnote number removed at its call site."""
    probe = context.strip()
    at = line.find(probe)
    assert at >= 0, (line, context)
    k = probe.rfind(str(number))
    return line[:at] + probe[:k] + probe[k + len(str(number)):] + line[at + len(probe):]


def seed_text(seed: str, tokenize: Callable[[str], list[str]] | None = None) -> SeedText:
    """The seed's words with the extraction artifacts out, as the ground truth describes
    them."""
    lines = _seed_path(seed).read_text("utf-8").split("\n")
    line = {k: text for k, text in enumerate(lines, 1)}
    drop: set[int] = set()
    notes: dict[int, str] = {}
    footnotes = _json("footnotes.json")["files"].get(seed)
    if footnotes:
        for page in footnotes["pages"]:
            for key in ("footnote_lines", "url_lines"):
                if page.get(key):
                    drop.update(range(page[key][0], page[key][1] + 1))
        for note in footnotes["footnotes"]:
            notes[note["n"]] = note["text_clean"]
            n = note["call_line"]
            line[n] = _without_call(line[n], note["call_context"], note["n"])
    artifacts = _json("artifacts.json")
    if seed == "001":
        front = artifacts["structure"]["front_001"]
        first, last = front["provenance"]
        drop.update([front["byline"], front["title"], front["date"],
                     front["translator_credit"], *range(first, last + 1)])
    if seed == "000":
        drop.update(HEADER_000)
    for fix in artifacts["lost_or_merged_text"]:
        if fix["file"] == seed and "line" in fix and "found" in fix:
            line[fix["line"]] = line[fix["line"]].replace(fix["found"], fix["expected"])
    hyphens = _json("hyphenations.json")
    joins = [*hyphens.get(seed, []),
             *(s for s in hyphens["hyphenless_splits"] if s["file"] == seed)]
    for join in joins:
        a, b = join["line"], join["continuation_line"]
        if a in drop:
            continue
        head, tail = line[a].rstrip(), line[b].lstrip()
        assert head.endswith(join["left"]) and tail.startswith(join["right"]), join
        line[a] = head[: -len(join["left"])] + join["joined"]
        line[b] = tail[len(join["right"]):]
    tokenize = tokenize or words
    body = [(w, n) for n, text in line.items() if n not in drop for w in tokenize(text)]
    return SeedText(body, notes)


def _text(node: etree._Element) -> str:
    return "".join(node.itertext())


def epub_text(built: Built, name: str) -> tuple[str, dict[str, str], list[etree._Element]]:
    """(the chapter's running text, note id -> note text, the noterefs in order)."""
    doc = etree.fromstring(epub_files(built.epub)[f"EPUB/{name}"])
    notes = {}
    for aside in doc.xpath("//x:aside[@epub:type='footnote']", namespaces=NS):
        for backlink in aside.xpath(".//x:a[@role='doc-backlink']", namespaces=NS):
            backlink.text = ""
        notes[aside.get("id")] = " ".join(_text(aside).split())
        aside.getparent().remove(aside)
    refs = doc.xpath("//x:a[@epub:type='noteref']", namespaces=NS)
    body = doc.xpath("//x:body", namespaces=NS)[0]
    running = "".join(" " if piece is None else piece for piece in _pieces(body))
    return running, notes, refs


_BLOCKS = {f"{{{NS['x']}}}{t}" for t in ("p", "li", "h1", "h2", "h3", "blockquote")}


def _pieces(node: etree._Element):  # type: ignore[no-untyped-def]
    """The text of a tree in reading order; None for a noteref and after each block."""
    if node.get("role") == "doc-noteref":
        yield None
        return
    if node.text:
        yield node.text
    for child in node:
        yield from _pieces(child)
        if child.tail:
            yield child.tail
    if node.tag in _BLOCKS:
        yield None


def _misses(seed: list[tuple[str, int]], book: list[str]) -> list[str]:
    matcher = difflib.SequenceMatcher(None, [w for w, _ in seed], book, autojunk=False)
    out = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            where = seed[i1][1]
            out.append(f"seed l.{where}: {' '.join(w for w, _ in seed[i1:i2])!r}"
                       + (f" -> book {' '.join(book[j1:j2])!r}" if tag == "replace" else ""))
    return out


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_seed_words_are_in_the_built_book_in_order(text: Text, anthology: Built) -> None:
    seed = seed_text(text.seed)
    running, notes, _refs = epub_text(anthology, text.epub)
    book = words(running)
    note_words = [(w, 0) for k in sorted(seed.notes) for w in words(seed.notes[k])]
    book_notes = [w for k in sorted(notes, key=lambda i: int(i.rsplit("fn", 1)[1]))
                  for w in words(notes[k])]
    total = len(seed.body) + len(note_words)
    found = (shared_share(book, [w for w, _ in seed.body]) * len(seed.body)
             + shared_share(book_notes, [w for w, _ in note_words]) * len(note_words))
    share = found / total
    misses = _misses(seed.body, book) + _misses(note_words, book_notes)
    assert share >= EPUB_SHARE, (f"{text.seed}: {share:.4f} of {total} seed words", misses)
    # the recovered share and the misses, for the closing note of the issue
    print(f"\n{text.seed} -> {text.epub}: {share:.4%} of {total} seed words; "
          f"misses: {misses}")


# Where a hand-made chapter does not keep the seed's own characters (the issue: keep the
# text's characters, no quote changes). Found by the test below; for the chapters' editor.
KNOWN_DEVIATIONS = {
    ("000", 7, "Links'", "Links’"),  # the straight apostrophe of *Links'* made typographic
}
_STRICT = re.compile(r"[\w’'\-‐]+|[^\w\s*\[\]\\]")


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_hand_made_chapters_keep_the_seed_characters(text: Text) -> None:
    """Words and punctuation of the seed, artifacts out, against the chapter file: case,
    quotes, apostrophes and dashes exactly as in the seed."""
    seed = seed_text(text.seed, _STRICT.findall)
    ours = [w for w, _ in seed.body] + [w for k in sorted(seed.notes)
                                        for w in _STRICT.findall(seed.notes[k])]
    lines = [n for _, n in seed.body]
    markdown = (REPO / "chapters" / text.chapter).read_text("utf-8")
    markdown = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)
    markdown = re.sub(r"\]\([^)\s]*\)|\]\{[^}]*\}", "]", markdown)
    markdown = re.sub(r"\[\^\d+\]:?", " ", markdown)
    markdown = re.sub(r"^(?:#+ |- |:::.*$)", " ", markdown, flags=re.M)
    theirs = _STRICT.findall(markdown.replace("\\", ""))
    matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
    found = set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            where = lines[i1] if i1 < len(lines) else 0
            found.add((text.seed, where, " ".join(ours[i1:i2]), " ".join(theirs[j1:j2])))
    known = {d for d in KNOWN_DEVIATIONS if d[0] == text.seed}
    assert found == known, ("new deviations" if found - known else "fixed: remove from "
                            "KNOWN_DEVIATIONS", sorted(found ^ known))


# --- 3. the 32 footnotes ----------------------------------------------------------------


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_NORMAL)
    return " ".join(text.replace("- ", "-").split())


@pytest.mark.parametrize("text", [t for t in TEXTS if t.seed != "000"],
                         ids=[t.seed for t in TEXTS if t.seed != "000"])
def test_every_footnote_is_a_real_one_at_its_call(text: Text, anthology: Built) -> None:
    truth = _json("footnotes.json")["files"][text.seed]["footnotes"]
    _running, notes, refs = epub_text(anthology, text.epub)
    assert [r.text for r in refs] == [str(n["n"]) for n in truth]
    wrong = []
    for ref, note in zip(refs, truth, strict=True):
        target = ref.get("href").lstrip("#")
        if _normal(notes.get(target, "")).rstrip(".") != _normal(note["text_clean"]).rstrip("."):
            wrong.append(f"note {note['n']}: text {notes.get(target)!r}")
        # the call site: the characters just before the number in the source and just
        # after it (spaces aside: a spaced call "Buri 1." is set "Buri[1].")
        context = _compact(note["call_context"])
        k = context.rfind(str(note["n"]))
        before, after = context[:k][-12:], context[k + len(str(note["n"])):][:8]
        paragraph = ref.getparent()
        while paragraph.tag not in {f"{{{NS['x']}}}{t}" for t in ("p", "li", "h2")}:
            paragraph = paragraph.getparent()
        ahead, behind = (_compact(side) for side in _split_at(paragraph, ref))
        if not (ahead.endswith(before) and behind.startswith(after)):
            wrong.append(f"note {note['n']}: call after {ahead[-20:]!r}, before "
                         f"{behind[:10]!r}; the source has {note['call_context']!r}")
    assert wrong == []


def _compact(text: str) -> str:
    return "".join(_normal(text).split())


def _split_at(paragraph: etree._Element, ref: etree._Element) -> tuple[str, str]:
    """The paragraph's text before and after a noteref (other noterefs left out)."""
    before: list[str] = []
    after: list[str] = []
    side = before
    for piece in _marked(paragraph, ref):
        if piece is _HERE:
            side = after
        else:
            side.append(piece)
    return "".join(before), "".join(after)


_HERE = object()


def _marked(node: etree._Element, ref: etree._Element):  # type: ignore[no-untyped-def]
    """Like _pieces, with _HERE where ref stands and no other noteref."""
    if node is ref:
        yield _HERE
        return
    if node.get("role") == "doc-noteref":
        return
    if node.text:
        yield node.text
    for child in node:
        yield from _marked(child, ref)
        if child.tail:
            yield child.tail
