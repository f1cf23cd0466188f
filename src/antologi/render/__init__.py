"""Renderers: the document tree serialised as XHTML, then packed as EPUB or laid out as PDF."""
