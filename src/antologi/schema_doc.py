"""The manifest's schema as data: every key of book/book.yaml with its type, default,
example and purpose, for docs/manifest.md and for the commented manifest of `antologi new`.

Nothing here is a second copy of the schema. The keys are the ones the loader accepts
(the ``_*_KEYS`` tuples of manifest.py and options.py), the defaults are read from the
option dataclasses, and a key's purpose is the docstring under its field where it has one.
This module only adds what the code cannot say: how a value is written in YAML and an
example. A key the loader accepts that is described nowhere fails the tests, so the
reference and the scaffold cannot fall behind the loader.

    python -m antologi.schema_doc > docs/manifest.md
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import itertools
import json
import re
import textwrap
from dataclasses import dataclass
from functools import cache

from . import manifest as manifest_mod
from . import markdown as markdown_mod
from . import options as options_mod


@dataclass(frozen=True)
class Key:
    path: str  # dotted, as in messages: 'pdf.margins.top'
    type: str  # how the value is written, in an editor's words
    default: str | None  # YAML text of the default; None: no default
    example: str  # YAML text of a value
    doc: str
    required: bool = False


@dataclass(frozen=True)
class Section:
    """One mapping of the manifest (the top level, pdf:, pdf.margins: …)."""

    path: str  # '' for the top level
    title: str
    keys: tuple[Key, ...]


# --- what the code cannot say: how each key is written, an example, and a purpose where
# its field has no docstring ------------------------------------------------------------
# path -> (type, example, doc or '' to take the field's docstring)
_NOTES: dict[str, tuple[str, str, str]] = {
    "title": ("text", "Bakom galler, mellan stormakter",
              "The book's title: title page, EPUB metadata, running heads, and the output "
              "files' names (build/<title as a slug>.epub)."),
    "subtitle": ("text", "Texter om språk och gränser", "Printed under the title."),
    "language": ("BCP 47 tag", "sv",
                 "The book's main language: quotation marks, hyphenation and every generated "
                 "label ('Innehåll', 'Innhold'). 'no' is read as nb, with a warning."),
    "creators": ("list of {name, role}", "[{name: Anna Redaktör, role: editor}]",
                 "The book's authors, editors, translators … (role: one of "
                 f"{', '.join(manifest_mod.ROLES)}; default author)."),
    "publisher": ("text", "Förlaget", "Printed in the colophon; EPUB metadata."),
    "date": ("YYYY, YYYY-MM or YYYY-MM-DD", '"2025-11-21"',
             "Publication date; also the date written into the outputs when "
             "SOURCE_DATE_EPOCH is not set, so a build is reproducible without it."),
    "identifier": ("ISBN-13 or URN", '"978-91-7389-001-4"',
                   "Identifies the edition; an ISBN's check digit is verified. Without an "
                   "ISBN, a URN such as urn:uuid:… ."),
    "rights": ("text", '"© Förlaget 2025"', "Printed in the colophon; EPUB metadata."),
    "edition": ("text", '"Första upplagan"', "Printed in the colophon."),
    "front_matter": ("list", "[half-title, title-page, colophon, contents, book/preface.md]",
                     "Pages before the texts, in order: the generated "
                     f"{', '.join(manifest_mod.GENERATED_FRONT)}, or Markdown files (a path, "
                     "or {file: …, title: …} to give the page its own title)."),
    "chapters": ("list of paths or {file, id}", "[chapters/01-text.md]",
                 "The texts in reading order. An id names the text's EPUB document and "
                 "prefixes its element ids; give one to keep links stable when a file is "
                 "renamed. A Markdown file in chapters/ that is not listed is reported."),
    "back_matter": ("list", "[reading-list]",
                    "Pages after the texts: reading-list (made from the reading list's "
                    "file) or Markdown files, as in front_matter."),
    "hyphenation": ("path", "book/hyphenation.txt",
                    "Hyphenation exceptions: [sv] sections; Kagar=lits=kij gives a word's "
                    "only break points, a word without '=' is never broken."),
    "epub": ("mapping", "{soft_hyphens: false}", "Options of the EPUB."),
    "pdf": ("mapping", "{trim: a5}", "Options of the print PDF."),
    "typography": ("mapping", "{hyphenate_min_word: 6}", "Typography and hyphenation."),
    "reading_list": ("mapping", "{file: book/reading-list.yaml}",
                     "Where the reading list comes from (docs/reading-list.md)."),
    "epub.soft_hyphens": ("true or false", "true", ""),
    "epub.cover": ("path, or none", "book/cover.jpg", ""),
    "pdf.trim": ("WIDTHxHEIGHT with a unit, or one of "
                 f"{', '.join(options_mod.TRIM_PRESETS)}", "a5",
                 "Trim size: the page as cut."),
    "pdf.margins": ("mapping", "{inner: 21mm}",
                    "Mirrored page margins: inner is the gutter side (left on a recto)."),
    "pdf.font_size": ("length", "11pt", "The body text's size."),
    "pdf.line_height": ("number", '"1.4"', "Leading, as a multiple of the font size."),
    "pdf.bleed": ("length", "3mm", ""),
    "pdf.marks": (", ".join(options_mod.MARKS), "crop",
                  "Printer's marks outside the trim (shown only with a bleed): crop, cross, "
                  "both or none."),
    "pdf.variant": (", ".join(options_mod.VARIANTS), "pdf/a-3b", ""),
    "pdf.long_notes": (", ".join(options_mod.LONG_NOTES), "endnotes", ""),
    "pdf.margins.top": ("length", "20mm", "Head margin."),
    "pdf.margins.bottom": ("length", "24mm", "Foot margin (the folio stands in it)."),
    "pdf.margins.inner": ("length", "22mm", "Gutter margin."),
    "pdf.margins.outer": ("length", "16mm", "Fore-edge margin."),
    "typography.nb_inner_quotes": ("‘’ or “”", '"“”"', ""),
    "typography.hyphenate_min_word": ("whole number, 2–30", "7",
                                      "Shorter words are never hyphenated."),
    "typography.hyphenate_left": ("whole number, 1–10", "3",
                                  "Fewest letters left before a line-end hyphen."),
    "typography.hyphenate_right": ("whole number, 1–10", "3",
                                   "Fewest letters carried over to the next line."),
    "reading_list.file": ("path", "book/reading-list.yaml", ""),
    "reading_list.include_unverified": ("true or false", "true", ""),
}

# A chapter's own front matter (the YAML block at the top of a Markdown file).
CHAPTER_NOTES: dict[str, tuple[str, str, str]] = {
    "title": ("text", "Om axeln mellan Moskva och Washington",
              "The text's title; without it, a first '# Title' line is used."),
    "subtitle": ("text", "En intervju", "Printed under the title."),
    "authors": ("list of names", "[Boris Kagarlitskij]", "The byline."),
    "translators": ("list of names", "[Göran Källqvist]",
                    "Printed as 'Översättning: …' in the text's language."),
    "contributors": ("list of {name, role}", "[{name: Andrey Rudoy, role: interviewer}]",
                     "Others, with a role (interviewer …)."),
    "lang": ("BCP 47 tag", "nb", "The text's language, when not the book's."),
    "source": ("text", '"Först publicerad i Testtidningen 2024."',
               "Where the text was first published: printed with the text and in the "
               "colophon."),
    "id": ("id", "kagarlitskij-axeln", "As a chapter's id in the manifest."),
}

_SECTIONS: tuple[tuple[str, str, type, tuple[str, ...]], ...] = (
    ("", "Top level", manifest_mod.Manifest, manifest_mod._TOP_KEYS),
    ("epub", "epub: the EPUB", options_mod.EpubOptions, options_mod._EPUB_KEYS),
    ("pdf", "pdf: the print PDF", options_mod.PdfOptions, options_mod._PDF_KEYS),
    ("pdf.margins", "pdf.margins", options_mod.Margins, options_mod._MARGIN_KEYS),
    ("typography", "typography", manifest_mod.TypographyOptions, manifest_mod._TYPO_KEYS),
    ("reading_list", "reading_list: the reading list", options_mod.ReadingListOptions,
     options_mod._READING_LIST_KEYS),
)
REQUIRED = ("title", "language", "identifier", "chapters")


@cache
def field_docs(cls: type) -> dict[str, str]:
    """The docstrings written under a dataclass's fields (PEP 257 attribute docstrings,
    which Python keeps only in the source)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs: dict[str, str] = {}
    for field_node, after in itertools.pairwise(body):
        if (isinstance(field_node, ast.AnnAssign) and isinstance(field_node.target, ast.Name)
                and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)):
            docs[field_node.target.id] = " ".join(inspect.cleandoc(after.value.value).split())
    return docs


def yaml_value(value: object) -> str:
    """A value as the loader reads it back: booleans and numbers plain, text plain where
    that is unambiguous to any YAML reader, else double-quoted (JSON's escapes are YAML's)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    plain_word = (re.fullmatch(r"[^\W\d_](?:[\w ./-]*\w)?", text)
                  and text.lower() not in ("yes", "no", "on", "off", "true", "false", "null"))
    if plain_word or re.fullmatch(r"\d+(?:\.\d+)?(?:mm|cm|in|pt)", text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _default_yaml(path: str, value: object) -> str | None:
    if value is None or value == () or dataclasses.is_dataclass(value):
        return None
    if path == "pdf.trim":
        for name, size in options_mod.TRIM_PRESETS.items():
            if size == value:
                return name
    if isinstance(value, tuple):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    return yaml_value(value)


def _defaults(cls: type) -> dict[str, object]:
    out: dict[str, object] = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
    return out


_SPECIAL_DEFAULTS = {
    "hyphenation": "book/hyphenation.txt, when that file exists",
    "epub.cover": "a typographic cover made from the title",
    "front_matter": "no pages",
    "back_matter": "no pages",
    "epub": "the defaults below",
    "pdf": "the defaults below",
    "typography": "the defaults below",
    "reading_list": "the defaults below",
    "pdf.margins": "the defaults below",
}


def sections() -> tuple[Section, ...]:
    out = []
    for path, title, cls, names in _SECTIONS:
        docs = field_docs(cls)
        defaults = _defaults(cls)
        keys = []
        for name in names:
            full = f"{path}.{name}" if path else name
            if full not in _NOTES:
                raise KeyError(f"manifest key '{full}' is not described in schema_doc._NOTES")
            kind, example, note = _NOTES[full]
            doc = docs.get(name) or note
            if not doc:
                raise KeyError(f"manifest key '{full}' has neither a docstring nor a note")
            default = _SPECIAL_DEFAULTS.get(full) or _default_yaml(full, defaults.get(name))
            keys.append(Key(full, kind, default, example, doc, full in REQUIRED))
        out.append(Section(path, title, tuple(keys)))
    return tuple(out)


def chapter_keys() -> tuple[Key, ...]:
    keys = []
    for name in markdown_mod.FRONT_MATTER_KEYS:
        kind, example, doc = CHAPTER_NOTES[name]
        keys.append(Key(name, kind, None, example, doc))
    return tuple(keys)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(keys: tuple[Key, ...]) -> list[str]:
    lines = ["| key | type | default | example | what it is for |", "|---|---|---|---|---|"]
    for key in keys:
        name = key.path.rsplit(".", 1)[-1]
        default = ("**required**" if key.required else "—" if key.default is None
                   else _cell(key.default) if key.path in _SPECIAL_DEFAULTS
                   else f"`{_cell(key.default)}`")
        lines.append(f"| `{name}` | {_cell(key.type)} | {default} | "
                     f"`{_cell(name)}: {_cell(key.example)}` | {_cell(key.doc)} |")
    return lines


def render() -> str:
    """docs/manifest.md, in full."""
    out = [
        "# The manifest: book/book.yaml",
        "",
        "<!-- Generated by `python -m antologi.schema_doc > docs/manifest.md` from the loader's",
        "     keys, the option dataclasses' defaults and docstrings: edit those, not this file.",
        "     A test fails while this file is out of date. -->",
        "",
        "The manifest says what the book is made of and how it is made. Every key is listed "
        "below",
        "with how its value is written, its default and an example. Values are read as text "
        "unless",
        "the key wants a number or `true`/`false`: `no`, `on` and unquoted dates stay what "
        "they look",
        "like. An unknown key is an error with a \"did you mean\"; a wrong value is an error "
        "at its",
        "line and column (docs/diagnostics.md). `antologi new` writes a manifest with every "
        "key,",
        "commented.",
        "",
    ]
    for section in sections():
        out += [f"## {section.title}", ""]
        if section.path:
            out += [f"Keys under `{section.path}:`.", ""]
        out += _table(section.keys)
        out.append("")
    out += [
        "## A chapter's front matter",
        "",
        "The YAML block between `---` lines at the top of a Markdown text.",
        "",
        *_table(chapter_keys()),
        "",
        "Contributor and creator roles: " + ", ".join(f"`{r}`" for r in manifest_mod.ROLES)
        + ".",
        "",
    ]
    return "\n".join(out)


if __name__ == "__main__":  # python -m antologi.schema_doc > docs/manifest.md
    import sys

    sys.stdout.write(render())
