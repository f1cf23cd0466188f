"""The command line: the only module that prints.

Exit codes: 0 built, 1 the book has errors, 2 usage error, 3 environment error.
Progress goes to stderr (see progress.py); stdout has the results ("wrote …") and JSON.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from pathlib import Path

from . import __version__
from .build import FORMATS, BuildResult, EnvironmentProblem, build
from .diagnostics import BookError, Report
from .progress import Progress, level

EXIT_OK, EXIT_BOOK, EXIT_USAGE, EXIT_ENV = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"antologi: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _levels(parser: argparse.ArgumentParser, default: object) -> None:
    """-q/-v, accepted before the command (antologi -q build) and after it (antologi build
    -q): the command's copy has no default, so it never resets what came before."""
    parser.add_argument("-q", "--quiet", action="count", default=default,
                        help="only problems: no progress, no 'wrote' lines")
    parser.add_argument("-v", "--verbose", action="count", default=default,
                        help="also when each step began and how long the command took")


def _watch_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--serve", type=int, metavar="PORT",
                        help="serve a preview page on http://127.0.0.1:PORT/ (0: any free "
                        "port) that reloads itself after each build")
    parser.add_argument("--interval", type=float, default=0.5, metavar="SECONDS",
                        help="how often the inputs are looked at (default: 0.5)")
    parser.add_argument("--exit-after", type=int, metavar="N",
                        help="stop after N rebuilds (for scripts and tests)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS",
                        help="stop after watching this long")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="antologi", description="Build anthologies as EPUB 3 and PDF.")
    parser.add_argument("--version", action="version", version=f"antologi {__version__}")
    _levels(parser, 0)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        _levels(sub, argparse.SUPPRESS)
        return sub

    b = command("build", "build the EPUB and the PDF")
    b.add_argument("project", nargs="?", default=".", type=Path,
                   help="the book's folder (default: the current folder)")
    b.add_argument("--format", choices=[*FORMATS, "all"], default="all")
    b.add_argument("--out", type=Path, help="output folder (default: PROJECT/build)")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    b.add_argument("--watch", action="store_true",
                   help="keep watching the inputs and build again on every change")
    _watch_options(b)
    c = command("check", "check the book and the outputs in build/")
    c.add_argument("project", nargs="?", default=".", type=Path)
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    c.add_argument("--format", choices=["text", "json"], default="text",
                   help="json: one object with every finding, for tools")
    i = command("import", "turn text extracted from a PDF into a chapter")
    i.add_argument("source", type=Path, help="the extracted text (UTF-8)")
    i.add_argument("--lang", required=True, help="the text's language (BCP 47: sv, nb, nn …)")
    i.add_argument("--out", type=Path,
                   help="the chapter to write (default: chapters/<source name>.md)")
    n = command("new", "make a new book project that builds at once")
    n.add_argument("dir", type=Path, help="the project's folder (new, or empty)")
    n.add_argument("--lang", choices=["sv", "nb", "nn"], default="sv",
                   help="the book's language (default: sv)")
    n.add_argument("--title", help="the book's title (default: 'Min antologi')")
    w = command("watch", "build, then build again whenever an input changes")
    w.add_argument("project", nargs="?", default=".", type=Path,
                   help="the book's folder (default: the current folder)")
    w.add_argument("--format", choices=[*FORMATS, "all"], default="all")
    w.add_argument("--out", type=Path, help="output folder (default: PROJECT/build)")
    w.add_argument("--strict", action="store_true", help="treat warnings as errors")
    _watch_options(w)
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
    args.level = level(args.quiet, args.verbose)
    if args.command == "import":
        return _import(args)
    if args.command == "check":
        return _check(args)
    if args.command == "new":
        return _new(args)
    if args.command == "watch" or args.watch:
        return _watch(args)
    if args.serve is not None or args.exit_after is not None or args.timeout is not None:
        print("antologi: error: --serve, --exit-after and --timeout go with --watch",
              file=sys.stderr)
        return EXIT_USAGE
    return _build(args)


def _project(args: argparse.Namespace) -> Path | None:
    root: Path = args.project.resolve()
    if not root.is_dir():
        print(f"antologi: error: '{args.project}' is not a folder", file=sys.stderr)
        return None
    return root


def _shown(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _print_written(outputs: dict[str, Path], args: argparse.Namespace) -> None:
    if args.level < 0:
        return
    for _kind, path in sorted(outputs.items()):
        print(f"wrote {_shown(path)} ({path.stat().st_size:,} bytes)", flush=True)


def _build(args: argparse.Namespace) -> int:
    root = _project(args)
    if root is None:
        return EXIT_USAGE
    formats = FORMATS if args.format == "all" else (args.format,)
    out = args.out.resolve() if args.out else None
    result: BuildResult | None = None
    failure: Exception | None = None
    with Progress(sys.stderr, args.level) as progress:
        try:
            result = build(root, formats, out, args.strict, progress=progress)
            progress.finish("built")
        except (BookError, EnvironmentProblem, OSError) as exc:
            failure = exc
    if isinstance(failure, BookError):
        print_report(failure.report)
        print(f"antologi: the book has problems: {_summary(failure.report)}; nothing was "
              "written", file=sys.stderr)
        return EXIT_BOOK
    if failure is not None:
        print(f"antologi: error: {failure}", file=sys.stderr)
        return EXIT_ENV
    assert result is not None
    print_report(result.report)
    if result.up_to_date:
        if args.level >= 0:
            names = ", ".join(str(_shown(p)) for _k, p in sorted(result.outputs.items()))
            print(f"up to date: {names} (nothing changed since the last build)")
    else:
        _print_written(result.outputs, args)
    if result.report.items:
        print(_summary(result.report), file=sys.stderr)
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    """antologi check: everything validated, nothing written; one summary at the end."""
    import json

    from .check import check

    root = _project(args)
    if root is None:
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
        if args.level >= 0 or result.report.items:
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



def _new(args: argparse.Namespace) -> int:
    """antologi new: a project that builds at once; never into a folder that has files."""
    from .scaffold import ScaffoldError, create

    try:
        project = create(args.dir, args.lang, args.title)
    except ScaffoldError as exc:
        print(f"antologi: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"antologi: error: could not write {args.dir}: {exc.strerror}", file=sys.stderr)
        return EXIT_ENV
    if args.level >= 0:
        for path in project.files:
            print(f"created {_shown(project.root.resolve() / path)}")
        where = _shown(project.root.resolve())
        print(f"\nNext: cd {where} && antologi build\n"
              "Then edit book/book.yaml and the texts in chapters/; 'antologi watch' builds "
              "again on every save.")
    return EXIT_OK


def _watch(args: argparse.Namespace) -> int:
    """antologi watch (or build --watch): build, then again after every change, until
    Ctrl-C, --exit-after rebuilds or --timeout. Exits 1 when the last build failed."""
    from . import watch as w

    root = _project(args)
    if root is None:
        return EXIT_USAGE
    # Piped (a log, a test), stdout is block-buffered: each event must show when it happens.
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    formats = FORMATS if args.format == "all" else (args.format,)
    builder = w.Builder(root, formats, args.out.resolve() if args.out else None, args.strict)
    preview = w.Preview(root.name)
    server = None
    if args.serve is not None:
        try:
            server = w.serve(preview, args.serve)
        except OSError as exc:
            print(f"antologi: error: cannot serve on 127.0.0.1:{args.serve}: {exc.strerror}",
                  file=sys.stderr)
            return EXIT_ENV
    progress = Progress(sys.stderr, args.level)
    last_failed = False
    try:
        for event in w.watch(builder, args.interval, args.exit_after, args.timeout,
                             progress):
            progress.finish()
            if isinstance(event, w.Built):
                preview.publish(event.outcome)
                last_failed = event.outcome.failed
                _print_outcome(event.outcome, formats, args)
            elif isinstance(event, w.Rebuilding):
                print(f"\n{event.changes.describe()}: rebuilding "
                      f"{' and '.join(f.upper() for f in reversed(event.formats))}")
            elif isinstance(event, w.Watching):
                folders = ", ".join(f"{f}/" for f in event.folders)
                where = root.name if root == Path.cwd().resolve() else _shown(root)
                print(f"watching {folders} in {where} (Ctrl-C to stop)")
                if server is not None:
                    print(f"preview: http://127.0.0.1:{server.server_address[1]}/")
            elif isinstance(event, w.Stopped):
                print(f"stopped watching: {event.reason}")
    except KeyboardInterrupt:
        progress.finish()
        print("\nstopped watching")
    finally:
        progress.finish()
        if server is not None:
            server.shutdown()
            server.server_close()
    return EXIT_BOOK if last_failed else EXIT_OK


def _print_outcome(outcome: object, formats: tuple[str, ...], args: argparse.Namespace) -> None:
    from .watch import Outcome

    assert isinstance(outcome, Outcome)
    print_report(outcome.report)
    if outcome.problem:
        print(f"antologi: error: {outcome.problem}", file=sys.stderr)
    if outcome.failed:
        # On stdout, as every build's status line; the problems themselves are on stderr.
        print(f"not built: {_summary(outcome.report)}; the last good outputs stay in place")
        return
    _print_written(outcome.outputs, args)
    kept = [f.upper() for f in formats if f not in outcome.rendered]
    notes = [f"the {' and '.join(kept)} did not need rebuilding"] if kept else []
    if outcome.pages_moved:
        notes.append("the printed pages moved, so the EPUB's page-list was made again")
    if outcome.report.items:
        notes.append(_summary(outcome.report))
    notes.append(f"{outcome.seconds:.1f} s")
    print(f"built: {'; '.join(notes)}")


if __name__ == "__main__":
    sys.exit(main())
