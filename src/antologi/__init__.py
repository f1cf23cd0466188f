"""antologi: anthologies of Nordic texts as EPUB 3 and print-ready PDF."""

__version__ = "0.1.0"
