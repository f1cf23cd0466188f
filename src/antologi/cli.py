"""The command line: the only module that prints.

Exit codes: 0 built, 1 the book has errors, 2 usage error, 3 environment error.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from pathlib import Path

from . import __version__
from .build import FORMATS, EnvironmentProblem, build
from .diagnostics import BookError, Report

EXIT_OK, EXIT_BOOK, EXIT_USAGE, EXIT_ENV = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"antologi: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="antologi", description="Build anthologies as EPUB 3 and PDF.")
    parser.add_argument("--version", action="version", version=f"antologi {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    b = commands.add_parser("build", help="build the EPUB and the PDF")
    b.add_argument("project", nargs="?", default=".", type=Path,
                   help="the book's folder (default: the current folder)")
    b.add_argument("--format", choices=[*FORMATS, "all"], default="all")
    b.add_argument("--out", type=Path, help="output folder (default: PROJECT/build)")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    c = commands.add_parser("check", help="check the book and the outputs in build/")
    c.add_argument("project", nargs="?", default=".", type=Path)
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    c.add_argument("--format", choices=["text", "json"], default="text",
                   help="json: one object with every finding, for tools")
    i = commands.add_parser("import", help="turn text extracted from a PDF into a chapter")
    i.add_argument("source", type=Path, help="the extracted text (UTF-8)")
    i.add_argument("--lang", required=True, help="the text's language (BCP 47: sv, nb, nn …)")
    i.add_argument("--out", type=Path,
                   help="the chapter to write (default: chapters/<source name>.md)")
    return parser


def print_report(report: Report) -> None:
    for diagnostic in report.items:
        print(diagnostic.format(), file=sys.stderr)


def _summary(report: Report) -> str:
    e, w = len(report.errors), len(report.warnings)
    return f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("antologi: interrupted; the previous outputs are unchanged", file=sys.stderr)
        return 130
    except Exception:  # a crash is a bug: keep the traceback, not on the user's screen
        with tempfile.NamedTemporaryFile("w", prefix="antologi-crash-", suffix=".txt",
                                         delete=False) as handle:
            traceback.print_exc(file=handle)
        print(f"antologi: internal error (a bug); the traceback is in {handle.name}",
              file=sys.stderr)
        return 70


def _run(args: argparse.Namespace) -> int:
    if args.command == "import":
        return _import(args)
    if args.command == "check":
        return _check(args)
    root: Path = args.project.resolve()
    if not root.is_dir():
        print(f"antologi: error: '{args.project}' is not a folder", file=sys.stderr)
        return EXIT_USAGE
    formats = FORMATS if args.format == "all" else (args.format,)
    out = args.out.resolve() if args.out else None
    try:
        result = build(root, formats, out, args.strict)
    except BookError as exc:
        print_report(exc.report)
        print(f"antologi: the book has problems: {_summary(exc.report)}; nothing was written",
              file=sys.stderr)
        return EXIT_BOOK
    except (EnvironmentProblem, OSError) as exc:
        print(f"antologi: error: {exc}", file=sys.stderr)
        return EXIT_ENV
    print_report(result.report)
    for _kind, path in sorted(result.outputs.items()):
        try:
            shown = path.relative_to(Path.cwd())
        except ValueError:
            shown = path
        print(f"wrote {shown} ({path.stat().st_size:,} bytes)")
    if result.report.items:
        print(_summary(result.report), file=sys.stderr)
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    """antologi check: everything validated, nothing written; one summary at the end."""
    import json

    from .check import check

    root: Path = args.project.resolve()
    if not root.is_dir():
        print(f"antologi: error: '{args.project}' is not a folder", file=sys.stderr)
        return EXIT_USAGE
    result = check(root)
    failed = result.report.has_errors(args.strict)
    if args.format == "json":
        print(json.dumps({
            "ok": not failed,
            "checked": result.checked,
            "findings": [{"code": d.code, "severity": d.severity.value, "message": d.message,
                          "path": d.span.path if d.span else None,
                          "line": d.span.line if d.span else None,
                          "col": d.span.col if d.span else None, "hint": d.hint}
                         for d in result.report.items],
        }, ensure_ascii=False, indent=2))
    else:
        print_report(result.report)
        print(f"checked {', '.join(result.checked)}: {_summary(result.report)}")
    return EXIT_BOOK if failed else EXIT_OK


def _import(args: argparse.Namespace) -> int:
    """antologi import: the chapter and, beside it, the report of every uncertain decision."""
    from .diagnostics import Report
    from .importer import import_text
    from .resources import atomic_write

    source: Path = args.source
    if not source.is_file():
        print(f"antologi: error: '{source}' is not a file", file=sys.stderr)
        return EXIT_USAGE
    out: Path = args.out or Path("chapters") / f"{source.stem}.md"
    report = Report()
    data = source.read_bytes()
    result = import_text(data, source.as_posix(), args.lang, report)
    print_report(report)
    if result is None or report.errors:
        print(f"antologi: nothing imported: {_summary(report)}", file=sys.stderr)
        return EXIT_BOOK
    report_path = out.with_suffix(".import-report.txt")
    try:
        atomic_write(out, result.markdown.encode("utf-8"))
        atomic_write(report_path, result.report_text().encode("utf-8"))
    except OSError as exc:
        print(f"antologi: error: could not write {out}: {exc.strerror}", file=sys.stderr)
        return EXIT_ENV
    print(f"wrote {out} ({result.summary()})")
    print(f"wrote {report_path} ({len(result.decisions)} decisions to review)")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
