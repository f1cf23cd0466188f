"""WeasyPrint's URL fetcher for the PDF: only files inside the sandbox, nothing from the
network.

Its own module because it subclasses WeasyPrint's URLFetcher: importing it imports
WeasyPrint, which only the PDF needs (an EPUB-only or up-to-date build never loads it).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from ..resources import Sandbox


class ProjectFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only files inside the sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__()
        self.sandbox = sandbox

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise URLFetchingError(f"not fetched (the build is offline): {url}")
        path = Path(unquote(parts.path))
        if not self.sandbox.allows(path) or not path.is_file():
            raise URLFetchingError(f"not inside the project: {path}")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})
