"""`antologi new`: a book project that builds at once, for an editor to make their own.

The manifest is written from the schema (schema_doc): every key the loader accepts, each
with what it is for and its default, so the file teaches the options and cannot fall
behind them. The rest comes from templates/new/, with the sample's words in the chosen
language (strings.yaml) and every generated label from the language table.
"""

from __future__ import annotations

import datetime as dt
import textwrap
import uuid
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from . import __version__
from . import lang as langmod
from .resources import PACKAGE_DIR
from .schema_doc import Key, Section, sections, yaml_value

LANGUAGES = ("sv", "nb", "nn")
TEMPLATES = PACKAGE_DIR / "templates" / "new"

# template -> the file it becomes in the project ({chapter} is the sample chapter's name).
# The templates have plain names: a wheel's package data leaves out dot-files.
FILES: dict[str, str] = {
    "chapter.md.j2": "chapters/{chapter}.md",
    "preface.md.j2": "book/preface.md",
    "reading-list.yaml.j2": "book/reading-list.yaml",
    "hyphenation.txt.j2": "book/hyphenation.txt",
    "print.css": "styles/print.css",
    "epub.css": "styles/epub.css",
    "gitignore": ".gitignore",
    "build.yml.j2": ".github/workflows/build.yml",
}

# Keys written as comments: they have no default value to show, only an example.
_COMMENTED = ("edition", "epub.cover")


class ScaffoldError(Exception):
    """The project cannot be made where it was asked for (a usage error: exit code 2)."""


@dataclass(frozen=True)
class Project:
    root: Path
    files: tuple[Path, ...]  # relative to root, in the order written


def strings(lang: str) -> dict[str, str]:
    table = yaml.safe_load((TEMPLATES / "strings.yaml").read_text("utf-8"))
    return {key: str(value) for key, value in table[lang].items()}


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=92 - len(indent), initial_indent=f"{indent}# ",
                         subsequent_indent=f"{indent}# ", break_on_hyphens=False)


def _default_comment(key: Key) -> str:
    if key.required:
        return "required"
    return f"default: {key.default}" if key.default else "no default"


def _emit(section: Section, values: dict[str, str | list[str]], by_path: dict[str, Section],
          indent: str, out: list[str]) -> None:
    for number, key in enumerate(section.keys):
        name = key.path.rsplit(".", 1)[-1]
        if number or not indent:  # a blank line between keys, none under a mapping's key
            out.append("")
        out += _wrap(f"{key.doc} ({key.type}; {_default_comment(key)})", indent)
        if key.path in by_path:  # a mapping of its own: its keys, one level in
            out.append(f"{indent}{name}:")
            _emit(by_path[key.path], values, by_path, indent + "  ", out)
            continue
        value = values.get(key.path, key.default)
        if key.path in _COMMENTED or value is None:
            example = values.get(key.path, key.example)
            out.append(f"{indent}# {name}: {example}")
        elif isinstance(value, list):
            out.append(f"{indent}{name}:")
            out += [f"{indent}  - {item}" for item in value]
        else:
            out.append(f"{indent}{name}: {value}")


def manifest_text(values: dict[str, str | list[str]], heading: str) -> str:
    """book/book.yaml with every key of the schema: the project's own values where given,
    else the default, else (for keys without one) a commented example."""
    all_sections = sections()
    by_path = {s.path: s for s in all_sections if s.path}
    out = heading.rstrip("\n").splitlines()
    _emit(all_sections[0], values, by_path, "", out)
    return "\n".join(out) + "\n"


def _manifest(lang: str, title: str, t: dict[str, str], chapter: str,
              today: dt.date) -> str:
    values: dict[str, str | list[str]] = {
        "title": yaml_value(title),
        "subtitle": yaml_value(t["subtitle"]),
        "language": lang,
        "creators": [f"{{name: {yaml_value(t['editor'])}, role: editor}}"],
        "publisher": yaml_value(t["publisher"]),
        "date": f'"{today.isoformat()}"',
        # A name-based UUID would repeat for two books of the same title; the identifier
        # must tell editions apart, so it is random, once, here (never in a build).
        "identifier": f'"urn:uuid:{uuid.uuid4()}"',
        "rights": yaml_value(t["rights"]),
        "edition": yaml_value(t["edition"]),
        "front_matter": ["half-title", "title-page", "colophon", "contents",
                         "book/preface.md"],
        "chapters": [f"chapters/{chapter}.md"],
        "back_matter": ["reading-list"],
        "hyphenation": "book/hyphenation.txt",
    }
    heading = (
        "# book/book.yaml: the manifest. It says what the book is made of (the texts, in\n"
        "# order, and the pages before and after them) and how it is made (the EPUB's and\n"
        "# the PDF's options). Every key antologi knows is below, with what it is for; keys\n"
        "# of the output options stand at their defaults. Lines starting with '#' are\n"
        "# comments. The full reference is docs/manifest.md of antologi.\n"
        "#\n"
        "# Build with:  antologi build      Check with:  antologi check\n"
    )
    return manifest_text(values, heading)


def check_target(root: Path) -> None:
    """Refuse anything but a new or empty folder: a scaffold never overwrites a file."""
    if root.exists() and not root.is_dir():
        raise ScaffoldError(f"'{root}' exists and is not a folder")
    if root.is_dir() and any(root.iterdir()):
        raise ScaffoldError(f"'{root}' is not empty; give a new folder's name, e.g. "
                            f"antologi new {root.name}-bok")


def create(root: Path, lang: str = "sv", title: str | None = None,
           today: dt.date | None = None) -> Project:
    """Write a new project into root (new or empty): the manifest, a sample chapter, the
    preface, the reading list, hyphenation exceptions, styles, .gitignore and a CI
    workflow. Raises ScaffoldError when root is not usable."""
    if lang not in LANGUAGES:
        raise ScaffoldError(f"--lang {lang}: expected one of {', '.join(LANGUAGES)}")
    check_target(root)
    t = strings(lang)
    title = (title or t["title"]).strip() or t["title"]
    chapter = t["chapter_file"]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    context = {"t": t, "lang": lang, "version": __version__,
               "preface_title": langmod.label(lang, "preface")}
    written: list[Path] = []

    def write(relative: str, text: str) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        written.append(Path(relative))

    root.mkdir(parents=True, exist_ok=True)
    write("book/book.yaml", _manifest(lang, title, t, chapter, today or dt.date.today()))
    for template, target in FILES.items():
        text = (env.get_template(template).render(**context) if template.endswith(".j2")
                else (TEMPLATES / template).read_text("utf-8"))
        write(target.format(chapter=chapter), text)
    return Project(root, tuple(written))
