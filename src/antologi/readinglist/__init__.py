"""The reading list: data, collation, APA 7 formatting and citations (issue 6).

A book's works live in ``book/reading-list.yaml`` (format: docs/reading-list.md), grouped
in sections. This package reads and checks that file, sorts each section in the book
language's alphabet (ICU with CLDR's tailorings: Å Ä Ö after Z in Swedish, Æ Ø Å in
Norwegian), formats every entry as an APA 7 reference in the book's language, and turns
citations in the chapters into links to the entries. It returns document-tree inlines
(``model.Text``, ``Emph``, ``Span``, ``Link``), so the renderers serialise references and
citations like any other text.

For the pipeline (citation syntax, back matter, renderers)::

    from antologi.readinglist import (READING_LIST_PATH, load_reading_list,
        format_reading_list, reading_list_title, resolve, format_citation,
        format_citation_group, find_author_year, scan_author_year, match_author_year)

    rl = load_reading_list(root, READING_LIST_PATH, report)   # never raises; check report
    # A chapter's [@key, s. 12] / [@a; @b]:
    entry = resolve("trenin2006", "s. 12", rl, span, report,
                    include_unverified=False)                 # None + R011 if unknown
    inlines = format_citation(entry, "s. 12", book_lang,
                              href=f"{reading_list_file}#{entry.anchor}")
    inlines = format_citation_group([(a, None), (b, "s. 3")], book_lang, hrefs=[...])
    # The texts' own "(Antonenko, 2004)", "Trenin (2006)":
    for start, end, key in find_author_year(paragraph_text, rl.entries): ...
    # Back matter: one heading, then per section a heading and the entries in order.
    title = reading_list_title(rl, book_lang)                 # "Lästips" or the file's title
    for section in format_reading_list(rl, book_lang, include_unverified=False):
        section.title, section.lang
        for item in section.entries:
            item.anchor      # "ref-<key>": the id to put on the entry, for back links
            item.inlines     # the APA 7 reference
            item.annotation  # [] or the editor's note, in section.lang

Entries whose status is ``unverified`` are left out of ``format_reading_list`` and make
``resolve`` warn (R012) unless ``include_unverified`` is true. A citation's locator is
printed as written ("s. 110"); a bare number gets the language's page label ("s. 110",
"p. 110"). ``find_author_year`` gives (start, end, key) for the citations that match an
entry; ``scan_author_year`` gives every author–year citation, so the caller can warn
(R015) about those that match nothing, with the file and line only it knows.
"""

from __future__ import annotations

from .citations import (
    AuthorYear,
    TextCitation,
    cited_names,
    find_author_year,
    format_citation,
    format_citation_group,
    locator_text,
    match_author_year,
    resolve,
    scan_author_year,
)
from .collation import collate, collator, entry_key, sort_entries, sort_key
from .data import (
    ENTRY_TYPES,
    ORDERINGS,
    READING_LIST_PATH,
    STATUSES,
    Entry,
    Name,
    ReadingList,
    Section,
    load_reading_list,
)
from .formatting import (
    FormattedEntry,
    FormattedSection,
    format_entry,
    format_reading_list,
    reading_list_title,
)

__all__ = [
    "ENTRY_TYPES",
    "ORDERINGS",
    "READING_LIST_PATH",
    "STATUSES",
    "AuthorYear",
    "Entry",
    "FormattedEntry",
    "FormattedSection",
    "Name",
    "ReadingList",
    "Section",
    "TextCitation",
    "cited_names",
    "collate",
    "collator",
    "entry_key",
    "find_author_year",
    "format_citation",
    "format_citation_group",
    "format_entry",
    "format_reading_list",
    "load_reading_list",
    "locator_text",
    "match_author_year",
    "reading_list_title",
    "resolve",
    "scan_author_year",
    "sort_entries",
    "sort_key",
]
