"""One bad input per diagnostic code, through the real command: the exact message with
file:line:col and hint, exit code 1 for errors (0 with warnings only), no traceback, and the
previous EPUB and PDF byte-identical after a failed build."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from conftest import DATA, copy_book, run_cli

BAD = DATA / "bad"
FIRST = "chapters/01-forsta.md"
SECOND = "chapters/02-andra.md"
MANIFEST = "book/book.yaml"


def _replace(file: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / file
        text = path.read_text("utf-8")
        assert old in text, (file, old)
        path.write_text(text.replace(old, new, 1), "utf-8")
    return edit


def _append(text: str, file: str = FIRST) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / file
        path.write_text(path.read_text("utf-8") + "\n" + text + "\n", "utf-8")
    return edit


def _write(file: str, data: str | bytes) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / file
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, "utf-8")
    return edit


def _image(name: str = "karta.png", fixture: str | None = None) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / "images").mkdir(exist_ok=True)
        if fixture:
            shutil.copy(BAD / fixture, root / "images" / name)
        else:
            Image.new("RGB", (8, 8), (90, 60, 30)).save(root / "images" / name)
    return edit


def _symlinked_chapter(root: Path) -> None:
    outside = root.parent / "ute.md"
    outside.write_text("# Ute\n\nText.\n", "utf-8")
    (root / "chapters" / "03-ute.md").symlink_to(outside)
    _replace(MANIFEST, "  - chapters/02-andra.md\n",
             "  - chapters/02-andra.md\n  - chapters/03-ute.md\n")(root)


def _both(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        for one in edits:
            one(root)
    return edit


@dataclass(frozen=True)
class Case:
    code: str
    edit: Callable[[Path], None]
    expected: str  # the diagnostic as printed, hint included
    exit: int = 1
    env: tuple[tuple[str, str], ...] = ()
    fmt: str = "epub"


CASES = [
    Case("M005", _replace(MANIFEST, 'identifier: "978-91-7389-001-4"\n', ""),
         "book/book.yaml:1:1: error[M005]: the manifest has no 'identifier'\n"
         "  hint: add an ISBN (identifier: 978-91-...) or a URN (identifier: urn:uuid:...)"),
    Case("M006", _replace(MANIFEST, "soft_hyphens: false", "soft_hyphens: yes"),
         "book/book.yaml:23:17: error[M006]: 'epub.soft_hyphens' must be true or false\n"
         "  hint: write true or false (yes/no/on/off are not booleans here)"),
    Case("M007", _replace(MANIFEST, "978-91-7389-001-4", "978-91-7389-001-5"),
         "book/book.yaml:8:13: error[M007]: ISBN '978-91-7389-001-5' has a wrong check digit\n"
         "  hint: copy the ISBN again from the publisher's list"),
    Case("M008", _replace(MANIFEST, "  - chapters/02-andra.md\n",
                          "  - chapters/02-andra.md\n  - chapters/01-forsta.md\n"),
         "book/book.yaml:21:5: error[M008]: 'chapters/01-forsta.md' is listed twice (first at "
         "line 19)\n  hint: each file may appear once in the book"),
    Case("M009", _replace(MANIFEST, "chapters/02-andra.md", "../andra.md"),
         "book/book.yaml:20:5: error[M009]: chapter path '../andra.md' leaves the project "
         "folder\n  hint: give a path relative to the project folder, e.g. chapters/01.md"),
    Case("M009", _symlinked_chapter,
         "book/book.yaml:21:5: error[M009]: chapter path 'chapters/03-ute.md' points outside "
         "the project folder (through a symbolic link)\n"
         "  hint: copy the file into the project instead of linking to it"),
    Case("M011", _write("chapters/03-extra.md", "# Extra\n\nText.\n"),
         "book/book.yaml:19:1: warning[M011]: 'chapters/03-extra.md' is not listed in the "
         "manifest and is left out\n"
         "  hint: add '- chapters/03-extra.md' under 'chapters:' or move the file elsewhere",
         exit=0),
    Case("M012", _replace(MANIFEST, 'rights: "© Testförlaget 2025"',
                          'rights: &r "© Testförlaget 2025"\nedition: *r'),
         "book/book.yaml:10:10: error[M012]: the alias '*r' is not allowed\n"
         "  hint: write the value out in full; aliases can make a small file expand without "
         "limit"),
    Case("M013", _replace(MANIFEST, "publisher: Testförlaget", "publisher: Test\x1bförlaget"),
         "book/book.yaml:6:16: warning[M013]: 1 control character(s) removed (first: U+001B)\n"
         "  hint: they are invisible in most editors and not allowed in XHTML", exit=0),
    Case("C001", _write(SECOND, b"---\ntitle: Andra\n---\n\nBl\xc3\xa5b\xc3\xa4r och \xe4pplen."),
         "chapters/02-andra.md:5:12: error[C001]: not valid UTF-8: byte 0xe4 at offset 35\n"
         "  hint: save the file as UTF-8 (in most editors: 'Save with encoding')"),
    Case("C002", _replace(SECOND, "title: Andra teksten", "title: [Andra teksten"),
         "chapters/02-andra.md:3:8: error[C002]: invalid YAML: expected ',' or ']', but got "
         "':' (while parsing a flow sequence that starts at line 2, column 8)\n"
         "  hint: check indentation, and quote values that contain ': ' or start with '[', "
         "'{', '*', '&', '!', '%' or '@'"),
    Case("C003", _append("En <b>fet</b> text."),
         "chapters/01-forsta.md:23:4: warning[C003]: raw HTML '<b>' is shown as text\n"
         "  hint: use Markdown instead (*italic*, **bold**, [text]{lang=en})", exit=0),
    Case("C004", _write(SECOND, "Bara text, ingen rubrik.\n"),
         "chapters/02-andra.md:1:1: error[C004]: the text has no title\n"
         "  hint: add front matter with 'title: ...' or start with a '# Title' line"),
    Case("C005", _append("Ett [ord]{.klass}."),
         "chapters/01-forsta.md:23:9: error[C005]: a span without a language\n"
         "  hint: write [text]{lang=en}"),
    Case("C006", _write(SECOND, "---\ntitle: Tom\n---\n"),
         "chapters/02-andra.md:1:1: error[C006]: the text is empty\n"
         "  hint: write the text, or remove the file from book/book.yaml"),
    Case("C007", _append("Ett\x00ord med\ufffe fel."),
         "chapters/01-forsta.md:23:4: warning[C007]: 2 control character(s) removed (first: "
         "U+0000)\n  hint: they are invisible in most editors and not allowed in XHTML",
         exit=0),
    Case("C008", _replace(SECOND, "lang: nb", "lang: nb\nid: forsta"),
         "chapters/02-andra.md:5:5: error[C008]: two texts have the id 'forsta': "
         "chapters/01-forsta.md (from its file name) and chapters/02-andra.md (from its 'id')\n"
         "  hint: give one of them another id: - {file: chapters/02-andra.md, id: ...} in the "
         "manifest, or 'id:' in its front matter"),
    Case("C008", _replace(MANIFEST, "  - chapters/02-andra.md",
                          "  - {file: chapters/02-andra.md, id: nav}"),
         "book/book.yaml:20:38: error[C008]: the text 'chapters/02-andra.md' gets the id 'nav' "
         "from its 'id', a name the book uses itself\n"
         "  hint: give the text another id: - {file: chapters/02-andra.md, id: text-nav} in "
         "the manifest, or 'id:' in its front matter"),
    Case("C009", _append("Klicka [här](javascript:alert(1))."),
         "chapters/01-forsta.md:23:14: error[C009]: the link 'javascript:alert(1)' is not "
         "allowed\n  hint: links may only be http:, https:, mailto: addresses; javascript:, "
         "file: and data: links are refused"),
    Case("C010", _append("Se [den andra texten](02-andra.md)."),
         "chapters/01-forsta.md:23:23: error[C010]: the link '02-andra.md' points to a file "
         "or a place, not a web address\n  hint: write a full address (https://…); links to "
         "files and places inside the book are not supported"),
    Case("C011", _append("> " * 17 + "Djupt."),
         "chapters/01-forsta.md:23:1: error[C011]: blocks nested more than 16 deep (block "
         "quotes, list items, language passages)\n"
         "  hint: flatten the structure; deeper nesting would be dropped, not shown"),
    Case("F001", _append("Ett påstående.[^saknas]"),
         "chapters/01-forsta.md:23:15: error[F001]: footnote [^saknas] is referenced but "
         "never defined\n  hint: add a line '[^saknas]: the note' at the end of the text"),
    Case("F002", _append("[^extra]: En not utan hänvisning."),
         "chapters/01-forsta.md:23:1: warning[F002]: footnote [^extra] is defined but never "
         "referenced\n  hint: add [^extra] where the note belongs, or delete the note",
         exit=0),
    Case("F003", _append("[^1]: En andra not med samma etikett."),
         "chapters/01-forsta.md:23:1: error[F003]: footnote [^1] is defined twice (also at "
         "line 20)\n  hint: give each note its own label"),
    Case("F004", _append("Text[^n].\n\n[^n]: En not som kallar en annan[^1]."),
         "chapters/01-forsta.md:25:33: error[F004]: footnote [^1] is called inside a note\n"
         "  hint: merge the two notes, or call it from the text"),
    Case("I001", _append("![Karta](https://example.org/karta.png)"),
         "chapters/01-forsta.md:23:1: error[I001]: the image 'https://example.org/karta.png' "
         "is not a file of the project; nothing is fetched (the build is offline)\n"
         "  hint: download the image into the project, e.g. images/, and write that path"),
    Case("I002", _both(_image(), _append("![Karta](images/krata.png)")),
         "chapters/01-forsta.md:23:1: error[I002]: the image file 'images/krata.png' does not "
         "exist\n  hint: did you mean 'images/karta.png'?"),
    Case("I003", _append("![Värdnamn](../../../../etc/hostname)"),
         "chapters/01-forsta.md:23:1: error[I003]: the image '../../../../etc/hostname' "
         "leaves the project folder\n"
         "  hint: give a path relative to the project folder, e.g. images/picture.png"),
    Case("I004", _both(_image("trasig.png", "truncated.png"),
                       _append("![Bild](images/trasig.png)")),
         "chapters/01-forsta.md:23:1: error[I004]: the image 'images/trasig.png' cannot be "
         "decoded (image file is truncated)\n"
         "  hint: save it as PNG, JPEG, GIF or WebP (SVG is not accepted)"),
    Case("I005", _both(_image("stor.png", "bomb-50mp.png"), _append("![Bild](images/stor.png)")),
         "chapters/01-forsta.md:23:1: error[I005]: the image 'images/stor.png' is 10000 × 5000 "
         "pixels (the limit is 40,000,000 pixels)\n  hint: scale it down to at most 40 "
         "megapixels and 32 MB; 300 dpi at the printed size is enough"),
    Case("I006", _both(_image(), _append("![](images/karta.png)")),
         "chapters/01-forsta.md:23:1: error[I006]: the image 'images/karta.png' has no alt "
         "text\n  hint: describe it for readers who cannot see it: ![A map of the Baltic]"
         "(images/karta.png)"),
    Case("T001", _append("Ett [ord]{lang=sv_SE}."),
         "chapters/01-forsta.md:23:9: error[T001]: 'sv_SE' is not a valid BCP 47 language "
         "tag\n  hint: use a tag like sv, nb, nn, en or ru"),
    Case("T002", _replace(SECOND, "lang: nb", "lang: no"),
         "chapters/02-andra.md:4:7: warning[T002]: language 'no' is read as 'nb' (Norwegian "
         "Bokmål)\n  hint: write nb (Bokmål) or nn (Nynorsk): there is no hyphenation "
         "dictionary for 'no'", exit=0),
    Case("B002", lambda root: None,
         "error[B002]: SOURCE_DATE_EPOCH='19 nov' is not a Unix time in seconds before the "
         "year 10000\n"
         "  hint: set it to a Unix time, e.g. $(git log -1 --format=%ct)",
         env=(("SOURCE_DATE_EPOCH", "19 nov"),)),
    Case("E002", _both(_image("omslag.gif"), _replace(
        MANIFEST, "  soft_hyphens: false", "  soft_hyphens: false\n  cover: images/omslag.gif")),
         "book/book.yaml:23:3: error[E002]: cover image 'images/omslag.gif' does not exist or "
         "is not PNG/JPEG\n  hint: give a PNG or JPEG inside the project"),
    Case("P006", _append("Ett tecken som boken saknar: 漢."),
         "chapters/01-forsta.md:23: warning[P006]: the book face EB Garamond has no glyph for "
         "U+6F22 ('漢')\n  hint: replace the character, or set a font that has it in "
         "styles/print.css", exit=0, fmt="pdf"),
    Case("P002", _write("styles/print.css", "p { colour: red; }\n"),
         "warning[P002]: Ignored `colour: red` at 1:5, unknown property.", exit=0, fmt="pdf"),
]


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build folder from a good run of the mini book: EPUB, PDF and report."""
    root = copy_book("mini", tmp_path_factory.mktemp("previous"))
    assert run_cli("build", root).code == 0
    return root / "build"


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.code)
def test_diagnostic(tmp_path: Path, previous: Path, case: Case) -> None:
    root = copy_book("mini", tmp_path)
    shutil.copytree(previous, root / "build")
    before = _digests(root / "build")
    case.edit(root)
    env = dict(case.env)
    epoch = env.pop("SOURCE_DATE_EPOCH", "1763683200")
    result = run_cli("build", root, "--format", case.fmt, env=env, epoch=epoch)
    assert case.expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.code == case.exit, result.stderr
    if case.exit:
        assert "antologi: the book has problems: " in result.stderr
        assert _digests(root / "build") == before  # the last good book is untouched
    else:
        assert run_cli("build", root, "--format", case.fmt, "--strict", env=env,
                       epoch=epoch).code == 1  # --strict: a warning fails the build


def test_every_case_names_its_code() -> None:
    for case in CASES:
        assert f"[{case.code}]" in case.expected


def test_control_characters_never_reach_the_epub(tmp_path: Path) -> None:
    """What C007 and M013 remove is gone from every document (else: ill-formed XHTML)."""
    from conftest import epub_files

    root = copy_book("mini", tmp_path)
    _append("Ett\x00ord\x08 med\ufffe\uffff fel\x7f.")(root)
    _replace(MANIFEST, 'rights: "© Testförlaget 2025"', 'rights: "©\\a \\ud800 2025"')(root)
    _replace(FIRST, "title: Första texten", 'title: "Första\\x01 texten"')(root)
    assert run_cli("build", root, "--format", "epub").code == 0
    for name, data in epub_files(root / "build" / "liten-antologi.epub").items():
        text = data.decode("utf-8", "surrogateescape") if name.endswith(
            (".xhtml", ".opf", ".ncx")) else ""
        assert not any(c in text for c in "\x00\x01\x07\x08\x7f\ufffe\uffff"), name
