"""Property, at the parsers: any bytes as a manifest or a chapter give a result or
diagnostics, never an exception. Cheap, so many examples: the whole build is exercised by
test_properties.py."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from antologi.diagnostics import CATALOGUE, BookError, Report
from antologi.manifest import load_manifest
from antologi.markdown import parse_chapter

KEYS = ["title", "subtitle", "language", "creators", "publisher", "date", "identifier",
        "rights", "edition", "front_matter", "chapters", "back_matter", "hyphenation", "epub",
        "pdf", "typography", "name", "role", "file", "id", "soft_hyphens", "cover", "tilte"]
SCALARS = st.one_of(
    st.sampled_from(["sv", "no", "on", "yes", "1:20", "2025-11-01", "978-91-7389-001-4",
                     "urn:x:1", "chapters/a.md", "../a.md", "/etc/hostname", "~/a.md",
                     "half-title", "contents", "nav", "author", "130mm", "", "null", "~"]),
    st.text(max_size=20), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
    max_leaves=25)
MANIFESTS = st.one_of(
    st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=10).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True, sort_keys=False).encode("utf-8")),
    st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.binary(max_size=300))
SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _project(folder: Path) -> Path:
    (folder / "book").mkdir()
    (folder / "chapters").mkdir()
    (folder / "chapters" / "a.md").write_text("# A\n\nText.\n", "utf-8")
    return folder


@SETTINGS
@given(MANIFESTS)
def test_any_manifest_loads_or_is_refused(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = _project(Path(folder))
        (root / "book" / "book.yaml").write_bytes(data)
        report = Report()
        try:
            load_manifest(root, report)
        except BookError:
            assert report.errors
        assert all(d.code in CATALOGUE for d in report.items)
        for d in report.items:
            d.format()


CHAPTERS = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.sampled_from(list("[]^*_`<>:{}!()#-=>\n \\&;|~\"'0aåЖ")),
            max_size=400),
    st.binary(max_size=400),
    st.builds(lambda front, body: f"---\n{front}\n---\n\n{body}",
              st.text(max_size=100), st.text(max_size=200)),
)


@SETTINGS
@given(CHAPTERS)
def test_any_chapter_parses_or_is_refused(text: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "chapters").mkdir()
        data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
        (root / "chapters" / "01-x.md").write_bytes(data)
        report = Report()
        parse_chapter(root, Path("chapters/01-x.md"), "sv", report)
        assert all(d.code in CATALOGUE for d in report.items)
        for d in report.items:
            d.format()
