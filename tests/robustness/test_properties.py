"""Property: whatever the chapters and the manifest say, the build either succeeds with
well-formed XHTML in every document of the EPUB, or fails with diagnostics (BookError).
It never ends in another exception.

The strategies mix what real chapters hold (paragraphs, emphasis, footnotes, language spans
and passages, lists, quotes, headings, code) with what goes wrong in them (undefined and
duplicate footnotes, bad language tags, raw HTML, control characters, noncharacters,
javascript: links, images from the network or from outside the project, runaway nesting,
broken YAML), in Swedish, Norwegian, English and Russian. build() runs in-process, EPUB
only, for speed. A handful of the successful EPUBs then go through EPUBCheck.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from antologi.build import build
from antologi.diagnostics import CATALOGUE, BookError

from conftest import DATA, epubcheck_messages

# 60 fixed examples in the suite; ANTOLOGI_PROPERTY_EXAMPLES=500 explores further, with
# random seeds (a failure prints the example to reproduce it).
EXAMPLES = int(os.environ.get("ANTOLOGI_PROPERTY_EXAMPLES", "60"))
EXPLORE = "ANTOLOGI_PROPERTY_EXAMPLES" in os.environ
CHECKED_WITH_EPUBCHECK = int(os.environ.get("ANTOLOGI_PROPERTY_EPUBCHECKS", "5"))

WORDS = ["fängelseintervju", "Moskva", "och", "mellan", "stormakter", "gränser", "språk",
         "Kagarlitskij", "samarbeid", "terror", "blåbær", "øya", "the", "axis", "forever",
         "Простые", "числа", "свобода", "s. 136", "1:20", "no", "on", "2025-11-21", "–", "—",
         "…", "«sitat»", "”citat”", "'", '"', "&", "&amp;", "<", ">", "\u00a0", "\u00ad"]
GOOD_TAGS = ["sv", "nb", "nn", "en", "ru", "en-GB", "no", "de"]
BAD_TAGS = ["e-n", "sv_SE", "x y", "123", ""]
NASTY = ["\x00", "\x07", "\x1b", "\x7f", "\ufffe", "\uffff", "\u200b", "\u202e", "\r",
         "\t", "\ufeff", "\U0001f600", "\u0301", "𝔘", "\u2028", "\x85"]
LABELS = ["1", "2", "a", "note", "x-y"]
GOOD_HREFS = ["https://example.org/a?b=c&d=e", "http://example.org", "mailto:a@example.org",
              "https://sv.wikipedia.org/wiki/Göteborg"]
BAD_HREFS = ["javascript:alert(1)", "file:///etc/passwd", "andra.md", "#x",
             "data:text/html,<b>", "JaVaScRiPt:x"]
BAD_IMAGES = ["http://127.0.0.1:9/x.png", "/etc/hostname", "../../etc/hostname", "saknas.png",
              "data:image/png;base64,iVBORw0KGgo=", "images/"]
# Text without Markdown's own characters: for the well-behaved part of a chapter.
PLAIN = st.text(st.characters(codec="utf-8", exclude_characters="[]*_`<>&\\!#:{}|~^-+=.",
                              exclude_categories=("Cs", "Cc", "Co", "Cn")), max_size=30)


def _words(draw: st.DrawFn, low: int = 1, high: int = 8) -> str:
    return " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=low, max_size=high)))


def _tag(draw: st.DrawFn, clean: bool) -> str:
    return draw(st.sampled_from(GOOD_TAGS if clean else GOOD_TAGS + BAD_TAGS))


@st.composite
def inline(draw: st.DrawFn, clean: bool, images: bool, depth: int = 0,
           in_note: bool = False) -> str:
    kinds = ["words"] * 6 + ["em", "strong", "span", "link", "code", "raw-html", "nasty",
                             "plain", "autolink"]
    if not (clean and in_note):  # a call inside a note is an error (F004)
        kinds += ["fnref", "inline-note"]
    if images:
        kinds.append("image")
    if not clean:
        kinds += ["fnref-undefined", "bad-link", "bad-image", "text", "stars", "bad-span"]
    kind = draw(st.sampled_from(kinds))
    if kind == "words":
        return _words(draw)
    if depth < 3 and kind in ("em", "strong", "span", "link"):
        inner = draw(inline(clean, images, depth + 1, in_note))
        if kind == "em":
            return f"*{inner}*"
        if kind == "strong":
            return f"**{inner}**"
        if kind == "span":
            return f"[{inner}]{{lang={_tag(draw, clean)}}}"
        return f"[{inner}]({draw(st.sampled_from(GOOD_HREFS))})"
    if kind == "fnref":
        return f"[^{draw(st.sampled_from(LABELS))}]"
    if kind == "inline-note":
        return f"^[{_words(draw, 1, 5)}]"
    if kind == "fnref-undefined":
        return "[^saknas]"
    if kind == "code":
        return f"`{_words(draw, 1, 3)}`"
    if kind == "raw-html":  # a warning (C003): shown as text
        return draw(st.sampled_from(["<script>alert(1)</script>", "<b>fet</b>", "<br>",
                                     '<img src="http://127.0.0.1:9/x.png">', "</div>",
                                     "<!-- c -->", "<?php ?>", "<![CDATA[x]]>"]))
    if kind == "nasty":  # removed with a warning (C007) or kept when XML allows it
        return draw(st.sampled_from(NASTY))
    if kind == "plain":
        return draw(PLAIN)
    if kind == "text":
        return draw(st.text(max_size=30))
    if kind == "image":
        return f"![{draw(st.sampled_from(['Bild', 'En karta', 'Карта']))}](images/bild.png)"
    if kind == "bad-image":
        alt = draw(st.sampled_from(["Bild", ""]))
        return f"![{alt}]({draw(st.sampled_from(BAD_IMAGES))})"
    if kind == "autolink":
        return draw(st.sampled_from(["<https://example.org/x>", "<a@example.org>"]))
    if kind == "bad-link":
        return f"[{_words(draw, 1, 2)}]({draw(st.sampled_from(BAD_HREFS))})"
    if kind == "bad-span":
        return f"[{_words(draw, 1, 2)}]{{{draw(st.sampled_from(['.x', 'lang=', 'id=a']))}}}"
    return "*" * draw(st.integers(1, 40)) + "a" + "*" * draw(st.integers(0, 40))


@st.composite
def paragraph(draw: st.DrawFn, clean: bool, images: bool, in_note: bool = False) -> str:
    return " ".join(draw(st.lists(inline(clean, images, in_note=in_note), min_size=1,
                                  max_size=6)))


@st.composite
def block(draw: st.DrawFn, clean: bool, images: bool, depth: int = 0) -> str:
    kinds = ["para"] * 5 + ["heading", "list", "olist", "quote", "container", "fence", "hr"]
    if not clean:
        kinds += ["deep", "fndef", "bad-container"]
    kind = draw(st.sampled_from(kinds))
    para = paragraph(clean, images)
    if kind == "heading":
        return "#" * draw(st.integers(1, 6)) + " " + draw(para)
    if depth < 3 and kind in ("list", "olist"):
        items = draw(st.lists(para, min_size=1, max_size=4))
        marker = "-" if kind == "list" else "1."
        return "\n".join(f"{marker} {item}" for item in items)
    if depth < 3 and kind == "quote":
        inner = draw(block(clean, images, depth + 1))
        return "\n".join("> " + line for line in inner.split("\n"))
    if depth < 3 and kind == "container":
        return f"::: {{lang={_tag(draw, clean)}}}\n{draw(block(clean, images, depth + 1))}\n:::"
    if kind == "bad-container":
        return f"::: {{lang=en class=x}}\n{_words(draw)}\n:::"
    if kind == "fence":
        return f"```\n{_words(draw)}\n<script>\n```"
    if kind == "hr":
        return "***" if draw(st.booleans()) else "- - -"
    if kind == "deep":
        return "> " * draw(st.integers(10, 30)) + "djupt"
    if kind == "fndef":
        return f"[^{draw(st.sampled_from(LABELS))}]: {draw(para)}"
    return draw(para)


@st.composite
def chapter(draw: st.DrawFn, clean: bool, images: bool) -> str:
    lines = ["title: " + draw(st.sampled_from(
        ["Första texten", '"Om axeln: Moskva och Washington"', "'Тюрьма'", "no",
         '"Andra \\a texten"']))]
    if draw(st.booleans()):
        lines.append(f"lang: {_tag(draw, clean)}")
    if draw(st.booleans()):
        lines.append("authors: [Eva Skribent, Борис Кагарлицкий]")
    if not clean:
        lines.append(draw(st.sampled_from(
            ["id: nav", "id: a b", "id: forsta", "författare: x", "title: dubbel", "x: *a",
             "contributors: [x]", "source: [a", "title: ''"])))
    front = "---\n" + "\n".join(lines) + "\n---\n\n"
    blocks = draw(st.lists(block(clean, images), min_size=1, max_size=8))
    notes = [f"[^{label}]: {draw(paragraph(clean, images, in_note=True))}" for label in LABELS]
    text = front + "\n\n".join(blocks + notes) + "\n"
    if draw(st.integers(0, 5)) == 0:
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 5)) == 0:
        text = "\ufeff" + text
    return text


@st.composite
def manifest_edits(draw: st.DrawFn, clean: bool) -> list[tuple[str, str]]:
    """Replacements in the mini book's manifest, valid ones and (unless clean) bad ones."""
    good = [
        ("language: sv", f"language: {draw(st.sampled_from(GOOD_TAGS))}"),
        ("title: Liten antologi", "title: " + draw(st.sampled_from(
            ['"<script>x</script>"', '"Liten: antologi"', '"Liten \\u0007antologi"',
             "Маленькая антология", "'Liten & stor'"]))),
        ('identifier: "978-91-7389-001-4"',
         "identifier: urn:uuid:12345678-1234-1234-1234-123456789abc"),
        ("  soft_hyphens: false", "  soft_hyphens: true"),
        ("publisher: Testförlaget", "publisher: Test\x1bförlaget"),
    ]
    bad = [
        ("language: sv", f"language: {draw(st.sampled_from(BAD_TAGS))}"),
        ('date: "2025-11-01"', "date: " + draw(st.sampled_from(["idag", '"2025-13-45"']))),
        ('identifier: "978-91-7389-001-4"', "identifier: " + draw(st.sampled_from(
            ['"978-91-7389-001-5"', "x"]))),
        ("  soft_hyphens: false", "  soft_hyphens: " + draw(st.sampled_from(["yes", "[1]"]))),
        ("publisher: Testförlaget", draw(st.sampled_from(
            ["publsher: Testförlaget", "publisher: &p Testförlaget\nrights2: *p",
             "publisher: [Test"]))),
        ("title: Liten antologi", 'title: ""'),
    ]
    options = good if clean else good + bad
    chosen = draw(st.lists(st.sampled_from(range(len(options))), max_size=2, unique=True))
    return [options[i] for i in chosen]


@st.composite
def book(draw: st.DrawFn) -> tuple[list[str], list[tuple[str, str]], bool]:
    """Half of the books are well-behaved (they may still warn), half are hostile."""
    clean = draw(st.booleans())
    images = draw(st.booleans())
    chapters = [draw(chapter(clean, images)), draw(chapter(clean, images))]
    return chapters, draw(manifest_edits(clean)), images


def _project(base: Path, chapters: list[str], edits: list[tuple[str, str]],
             with_image: bool) -> Path:
    root = base / "book"
    for part in ("book", "chapters"):
        shutil.copytree(DATA / "mini" / part, root / part)
    for index, text in enumerate(chapters):
        name = ("01-forsta.md", "02-andra.md")[index]
        (root / "chapters" / name).write_bytes(text.encode("utf-8", "surrogatepass"))
    manifest = root / "book" / "book.yaml"
    yaml = manifest.read_text("utf-8")
    for old, new in edits:
        yaml = yaml.replace(old, new, 1)
    manifest.write_text(yaml, "utf-8")
    if with_image:
        from PIL import Image

        (root / "images").mkdir()
        Image.new("RGB", (6, 6), (200, 100, 50)).save(root / "images" / "bild.png")
    return root


def _xhtml_documents(epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub) as archive:
        return {n: archive.read(n) for n in archive.namelist()
                if n.endswith((".xhtml", ".opf", ".ncx"))}


class Tally:
    built = 0
    refused = 0
    codes: set[str] = set()  # noqa: RUF012 (a tally, mutated on purpose)
    kept: list[Path] = []  # noqa: RUF012


def test_hostile_books_build_or_fail_with_diagnostics(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    kept.mkdir()
    Tally.built = Tally.refused = 0
    Tally.codes, Tally.kept = set(), []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=not EXPLORE, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(book())
    def run(drawn: tuple[list[str], list[tuple[str, str]], bool]) -> None:
        chapters, edits, with_image = drawn
        with tempfile.TemporaryDirectory() as folder:
            root = _project(Path(folder), chapters, edits, with_image)
            try:
                result = build(root, ("epub",))
            except BookError as exc:
                assert exc.report.errors, "a BookError names at least one error"
                assert all(d.code in CATALOGUE for d in exc.report.items)
                for d in exc.report.items:
                    d.format()
                Tally.refused += 1
                Tally.codes |= {d.code for d in exc.report.errors}
                assert not (root / "build").exists()  # nothing written
                return
            epub = next(path for name, path in result.outputs.items()
                        if name.endswith(".epub"))
            for name, data in _xhtml_documents(epub).items():
                etree.fromstring(data)  # raises on ill-formed XML: the property fails
                assert b"<script" not in data, name
            Tally.built += 1
            text = "".join(chapters)
            if (len(Tally.kept) < CHECKED_WITH_EPUBCHECK and "![" not in text
                    and len(text) > 200):
                copy = kept / f"{len(Tally.kept)}.epub"
                shutil.copy(epub, copy)
                for index, chapter_text in enumerate(chapters):  # to reproduce a failure
                    copy.with_suffix(f".{index + 1}.md").write_text(
                        chapter_text, "utf-8", errors="surrogatepass")
                Tally.kept.append(copy)

    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1763683200"
    try:
        run()
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    print(f"\n{EXAMPLES} examples: {Tally.built} built, {Tally.refused} refused with "
          f"diagnostics ({', '.join(sorted(Tally.codes))}); "
          f"{len(Tally.kept)} EPUBs go to EPUBCheck")
    assert Tally.built >= 5 and Tally.refused >= 5  # the strategies reach both outcomes
    problems = {path.name: [m for m in epubcheck_messages(path)
                            if m.split(" ", 1)[0] in ("FATAL", "ERROR", "WARNING")]
                for path in Tally.kept}
    assert problems == {path.name: [] for path in Tally.kept}
