"""`antologi new`: a project in sv, nb or nn that builds at once with --strict, passes
EPUBCheck and `antologi check`, and shows what the sample teaches (a footnote, a foreign
passage, the language's quotation marks, a citation); a folder with files is refused; a
broken scaffold is reported by `check` with the right codes and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import epub_files, epubcheck_messages, pdf_pages, run_cli

QUOTES = {  # the sample's straight quotes, as the language sets them
    "sv": "”hon sa ’hej’ till mig”",
    "nb": "«hun sa ‘hei’ til meg»",
    "nn": "«ho sa ‘hei’ til meg»",
}
CHAPTER = {"sv": ("01-forsta-texten", "Den första texten"),
           "nb": ("01-forste-tekst", "Den første teksten"),
           "nn": ("01-fyrste-tekst", "Den fyrste teksten")}


@pytest.mark.parametrize("lang", ["sv", "nb", "nn"])
def test_new_then_build_strict_then_check(tmp_path: Path, lang: str) -> None:
    root = tmp_path / f"bok-{lang}"
    made = run_cli("new", root, "--lang", lang, "--title", "Prøve: en bok")
    assert made.code == 0, made.stderr
    assert "created" in made.stdout and "antologi build" in made.stdout
    for name in ("book/book.yaml", "book/preface.md", "book/reading-list.yaml",
                 "book/hyphenation.txt", "styles/print.css", "styles/epub.css", ".gitignore",
                 ".github/workflows/build.yml", f"chapters/{CHAPTER[lang][0]}.md"):
        assert (root / name).is_file(), name
    assert "build/" in (root / ".gitignore").read_text("utf-8").splitlines()

    built = run_cli("build", root, "--strict")
    assert built.code == 0, built.stderr
    assert "warning" not in built.stderr and "error" not in built.stderr
    epub = root / "build" / "prove-en-bok.epub"
    pdf = root / "build" / "prove-en-bok.pdf"
    assert epubcheck_messages(epub) == []

    pages = [text.replace("\n", " ") for text in pdf_pages(pdf)]
    opening = next(i for i, text in enumerate(pages) if QUOTES[lang] in text)
    assert CHAPTER[lang][1] in pages[opening]  # the chapter, with its own title
    assert "Bringhurst, 2004" in " ".join(pages[opening:opening + 2])  # the citation
    assert any("Hartley & Marks" in text for text in pages[opening:])  # the reading list

    doc = epub_files(epub)[f"EPUB/{CHAPTER[lang][0].split('-', 1)[1]}.xhtml"].decode("utf-8")
    assert f'lang="{lang}"' in doc
    assert '<span lang="en" xml:lang="en"><em>The Elements of Typographic Style</em>' in doc
    assert '<div lang="en" xml:lang="en">' in doc and "“quotation marks”" in doc
    assert 'epub:type="footnote"' in doc

    # DAISY Ace (found in .tools/ of the folder check runs in) takes the longest: once, for
    # sv, is enough to show a scaffold passes it.
    checked = run_cli("check", root, cwd=None if lang == "sv" else root)
    assert checked.code == 0, checked.stdout + checked.stderr
    assert "epubcheck" in checked.stdout and ": 0 errors, 0 warnings" in checked.stdout


def test_the_projects_workflow_builds_strictly(tmp_path: Path) -> None:
    root = tmp_path / "bok"
    assert run_cli("new", root).code == 0
    workflow = yaml.safe_load((root / ".github/workflows/build.yml").read_text("utf-8"))
    runs = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    assert any("antologi build --strict" in run for run in runs)
    assert any("antologi check" in run for run in runs)
    assert any("SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)" in run for run in runs)


def test_new_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "utkast.md").write_text("mitt", "utf-8")
    result = run_cli("new", tmp_path)
    assert result.code == 2
    assert f"antologi: error: '{tmp_path}' is not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["utkast.md"]
    assert run_cli("new", tmp_path / "utkast.md").code == 2  # a file, not a folder


def test_new_takes_an_empty_folder_and_quiet_prints_nothing(tmp_path: Path) -> None:
    result = run_cli("-q", "new", tmp_path, "--lang", "nb")
    assert result.code == 0 and result.stdout == "" and result.stderr == ""
    assert (tmp_path / "book" / "book.yaml").is_file()


def test_new_refuses_another_language(tmp_path: Path) -> None:
    result = run_cli("new", tmp_path / "bok", "--lang", "da")
    assert result.code == 2 and "invalid choice: 'da'" in result.stderr
    assert not (tmp_path / "bok").exists()


@pytest.mark.parametrize(("before", "after", "code", "message"), [
    ("[^1]: Fotnoten", "[^2]: Fotnoten", "F001", "footnote [^1] is referenced but never "
     "defined"),
    ("[@bringhurst2004]", "[@bringhurst2005]", "R011", "'bringhurst2005'"),
], ids=["footnote", "citation"])
def test_check_reports_a_broken_scaffold_and_writes_nothing(
        tmp_path: Path, before: str, after: str, code: str, message: str) -> None:
    root = tmp_path / "bok"
    assert run_cli("new", root).code == 0
    chapter = root / "chapters" / "01-forsta-texten.md"
    text = chapter.read_text("utf-8").replace(before, after)
    chapter.write_text(text, "utf-8")
    marker = "[^1]" if code == "F001" else after
    line = next(i for i, t in enumerate(text.splitlines(), 1) if marker in t)

    result = run_cli("check", root)
    assert result.code == 1
    found = next(t for t in result.stderr.splitlines() if f"error[{code}]" in t)
    assert found.startswith(f"chapters/01-forsta-texten.md:{line}:"), result.stderr
    assert message in found
    assert not (root / "build").exists()

    built = run_cli("build", root)
    assert built.code == 1 and "nothing was written" in built.stderr
    assert not (root / "build").exists()
