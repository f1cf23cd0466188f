"""Nothing leaks in: no script reaches the EPUB, no request reaches the network, no file
outside the project reaches either output.

A real HTTP server on 127.0.0.1 counts every request it gets while the real command builds
books that point at it (raw HTML, Markdown images, the book's own CSS): it must get none.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from lxml import etree

from conftest import copy_book, epub_files, run_cli

XHTML_NS = "http://www.w3.org/1999/xhtml"


class _Counter(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # the name http.server calls
        _Counter.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """(base URL, the list of paths requested so far)."""
    _Counter.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _Counter.requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def _chapter(root: Path, text: str) -> None:
    chapter = root / "chapters" / "01-forsta.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n" + text + "\n", "utf-8")


def _elements(epub: Path, name: str) -> list[etree._Element]:
    found = []
    for file_name, data in epub_files(epub).items():
        if file_name.endswith(".xhtml"):
            found += etree.fromstring(data).iter(f"{{{XHTML_NS}}}{name}")
    return found


def test_server_counts_requests(server: tuple[str, list[str]]) -> None:
    """The counter itself works: otherwise 'no request' would prove nothing."""
    import urllib.request

    base, requests = server
    urllib.request.urlopen(f"{base}/probe.png").close()
    assert requests == ["/probe.png"]


def test_raw_html_script_and_img_never_reach_the_book(tmp_path: Path,
                                                      server: tuple[str, list[str]]) -> None:
    base, requests = server
    root = copy_book("mini", tmp_path)
    _chapter(root, f'<script>alert("x")</script>\n\nA <img src="{base}/raw.png"> b '
             f'<script src="{base}/s.js"></script>.\n\n<iframe src="{base}/f"></iframe>\n\n'
             f'<a href="javascript:alert(1)">x</a>')
    result = run_cli("build", root)
    assert result.code == 0, result.stderr
    assert "warning[C003]: raw HTML '<script>' is shown as text" in result.stderr
    epub = root / "build" / "liten-antologi.epub"
    assert _elements(epub, "script") == []
    assert _elements(epub, "iframe") == []
    assert [e.get("src") for e in _elements(epub, "img")
            if "127.0.0.1" in (e.get("src") or "")] == []
    assert not [e for e in _elements(epub, "a")
                if (e.get("href") or "").startswith("javascript:")]
    text = epub_files(epub)["EPUB/forsta.xhtml"].decode("utf-8")
    assert "&lt;script&gt;alert(" in text  # shown as text, as the warning says
    assert requests == []


def test_markdown_image_from_the_network_is_an_error(tmp_path: Path,
                                                     server: tuple[str, list[str]]) -> None:
    base, requests = server
    root = copy_book("mini", tmp_path)
    _chapter(root, f"![Bild]({base}/x.png)")
    result = run_cli("build", root)
    assert result.code == 1
    assert (f"chapters/01-forsta.md:23:1: error[I001]: the image '{base}/x.png' is not a "
            "file of the project; nothing is fetched (the build is offline)") in result.stderr
    assert requests == []


def test_the_books_css_cannot_fetch_or_read_outside(tmp_path: Path,
                                                    server: tuple[str, list[str]]) -> None:
    base, requests = server
    root = copy_book("mini", tmp_path)
    (root / "styles").mkdir(exist_ok=True)
    (root / "styles" / "print.css").write_text(
        f"@import url({base}/a.css);\nbody {{ background: url({base}/b.png); }}\n"
        "p::after { content: url(file:///etc/hostname); }\n"
        f'@font-face {{ font-family: X; src: url({base}/f.ttf); }}\n', "utf-8")
    result = run_cli("build", root, "--format", "pdf")
    assert result.code == 1
    assert (f"error[P003]: Failed to load stylesheet at {base}/a.css : URLFetchingError: not "
            f"fetched (the build is offline): {base}/a.css") in result.stderr
    assert ("error[P003]: Failed to load image at 'file:///etc/hostname': URLFetchingError: "
            "not inside the project: /etc/hostname") in result.stderr
    assert requests == []


@pytest.mark.parametrize("src", ["/etc/hostname", "../../etc/hostname", "images/link.png"])
def test_files_outside_the_project_are_refused(tmp_path: Path, src: str) -> None:
    """pandoc embeds /etc/hostname from ![x](../../../../etc/hostname); we refuse, for an
    absolute path, a path with '..' and a symbolic link that points out of the project."""
    root = copy_book("mini", tmp_path)
    (root / "images").mkdir()
    (root / "images" / "link.png").symlink_to("/etc/hostname")
    _chapter(root, f"![Värdnamnet]({src})")
    result = run_cli("build", root)
    assert result.code == 1
    assert "error[I003]: the image" in result.stderr
    assert not (root / "build").exists()


def test_markup_in_manifest_values_is_escaped(tmp_path: Path) -> None:
    root = copy_book("mini", tmp_path)
    manifest = root / "book" / "book.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace(
        "title: Liten antologi", 'title: "<script>alert(1)</script> Liten"').replace(
        "publisher: Testförlaget", 'publisher: "<b onload=x>T</b>"'), "utf-8")
    result = run_cli("build", root, "--format", "epub")
    assert result.code == 0, result.stderr
    epub = next((root / "build").glob("*.epub"))
    assert _elements(epub, "script") == [] and _elements(epub, "b") == []


@pytest.mark.parametrize(("cover", "expected"), [
    ("images/omslag.png", "error[I003]: the image 'images/omslag.png' points outside the "
                          "project folder (through a symbolic link)"),
    ("../../../../etc/hostname", "error[I003]: the image '../../../../etc/hostname' leaves "
                                 "the project folder"),
    ("images/saknas.png", "error[I002]: the image file 'images/saknas.png' does not exist"),
])
def test_the_cover_is_checked_like_any_image(tmp_path: Path, cover: str,
                                             expected: str) -> None:
    """A link named omslag.png to a file outside went into the EPUB as its cover."""
    root = copy_book("mini", tmp_path)
    secret = tmp_path / "hemligt.txt"
    secret.write_text("HEMLIGT\n", "utf-8")
    (root / "images").mkdir()
    (root / "images" / "omslag.png").symlink_to(secret)
    manifest = root / "book" / "book.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace(
        "  soft_hyphens: false", f"  soft_hyphens: false\n  cover: {cover}"), "utf-8")
    result = run_cli("build", root, "--format", "epub")
    assert result.code == 1
    assert f"book/book.yaml:24:10: {expected}" in result.stderr
    assert not (root / "build").exists()


@pytest.mark.parametrize("name", ["styles/epub.css", "styles/print.css",
                                  "book/hyphenation.txt"])
def test_the_books_own_files_cannot_link_out(tmp_path: Path, name: str) -> None:
    """A styles/epub.css linked to a file outside went into the EPUB verbatim."""
    root = copy_book("mini", tmp_path)
    secret = tmp_path / "hemligt.txt"
    secret.write_text("HEMLIGT\n", "utf-8")
    (root / name).parent.mkdir(exist_ok=True)
    (root / name).symlink_to(secret)
    result = run_cli("build", root)
    assert result.code == 1
    assert (f"{name}: error[M009]: '{name}' points outside the project folder (through a "
            "symbolic link)") in result.stderr
    assert not (root / "build").exists()
