"""The progress display: one rewritten line on a terminal, plain lines elsewhere, silent
with -q; and build() tells it each stage."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from antologi.progress import CLEAR_LINE, NORMAL, QUIET, VERBOSE, Progress, is_live, level


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("quiet", "verbose", "expected"),
                         [(0, 0, NORMAL), (1, 0, QUIET), (0, 1, VERBOSE), (2, 0, QUIET),
                          (0, 3, VERBOSE), (1, 1, NORMAL)])
def test_levels_from_q_and_v(quiet: int, verbose: int, expected: int) -> None:
    assert level(quiet, verbose) == expected


@pytest.mark.parametrize(("env", "tty", "live"),
                         [({}, True, True), ({"CI": "true"}, True, False),
                          ({"TERM": "dumb"}, True, False), ({}, False, False)])
def test_live_only_on_a_terminal_outside_ci(env: dict[str, str], tty: bool,
                                            live: bool) -> None:
    stream = Terminal() if tty else io.StringIO()
    assert is_live(stream, env) is live


def test_plain_lines_when_not_a_terminal() -> None:
    out = io.StringIO()
    progress = Progress(out, NORMAL, live=False)
    progress("reading the manifest")
    progress("laying out the PDF")
    progress.finish("built")
    assert out.getvalue() == "antologi: reading the manifest\nantologi: laying out the PDF\n"
    assert "\r" not in out.getvalue()


def test_verbose_lines_say_when_each_step_began() -> None:
    out, clock = io.StringIO(), Clock()
    progress = Progress(out, VERBOSE, live=False, clock=clock)
    progress("reading the manifest")
    clock.now += 2.5
    progress("laying out the PDF")
    clock.now += 1.0
    progress.finish("built")
    assert out.getvalue().splitlines() == [
        "antologi: [  0.0 s] reading the manifest",
        "antologi: [  2.5 s] laying out the PDF",
        "antologi: built in 3.5 s",
    ]


def test_one_rewritten_line_on_a_terminal() -> None:
    out, clock = Terminal(), Clock()
    progress = Progress(out, NORMAL, live=True, clock=clock, tick=None)
    progress("reading the manifest")
    clock.now += 3
    progress("laying out the PDF")
    text = out.getvalue()
    assert "\n" not in text  # never a new line: the same line is rewritten
    assert text.count(CLEAR_LINE) == 2
    assert text.endswith("antologi: laying out the PDF … 0 s")
    progress.finish()
    assert out.getvalue().endswith(CLEAR_LINE)  # the screen is left clean for the results


def test_the_ticker_keeps_the_seconds_moving() -> None:
    out = Terminal()
    with Progress(out, NORMAL, live=True, tick=0.01) as progress:
        progress("laying out the PDF")
        import time

        deadline = time.monotonic() + 5
        while out.getvalue().count(CLEAR_LINE) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert out.getvalue().count(CLEAR_LINE) >= 3
    assert progress._ticker is None  # stopped and joined by the with block


def test_quiet_shows_nothing() -> None:
    out = Terminal()
    progress = Progress(out, QUIET, live=True)
    progress("laying out the PDF")
    progress.finish("built")
    assert out.getvalue() == ""
    assert [step for step, _ in progress.steps] == ["laying out the PDF"]


def test_build_reports_every_stage(tmp_path: Path) -> None:
    from antologi.build import build

    from conftest import copy_book

    root = copy_book("mini", tmp_path)
    steps: list[str] = []
    build(root, ("epub", "pdf"), progress=steps.append)
    assert steps == ["reading the manifest", "parsing 3 texts",
                     "preparing the text: ids, notes, typography, hyphenation",
                     "laying out the PDF", "making the EPUB", "writing 3 files"]


def test_the_cli_levels(tmp_path: Path) -> None:
    """The real command, its stderr a pipe: plain lines by default, step times with -v
    (given after the command), only problems with -q (given before it)."""
    from conftest import copy_book, run_cli

    root = copy_book("mini", tmp_path)
    normal = run_cli("build", root, "--format", "epub")
    assert normal.code == 0
    assert "antologi: making the EPUB\n" in normal.stderr and "\r" not in normal.stderr
    assert normal.stdout.startswith("wrote ")

    verbose = run_cli("build", root, "--format", "pdf", "-v")
    assert verbose.code == 0
    assert "antologi: [  0.0 s] reading the manifest" in verbose.stderr
    assert "] laying out the PDF" in verbose.stderr and "antologi: built in " in verbose.stderr

    quiet = run_cli("-q", "build", root)
    assert quiet.code == 0 and quiet.stdout == "" and quiet.stderr == ""
    broken = root / "chapters" / "01-forsta.md"
    broken.write_text(broken.read_text("utf-8") + "\nEn not.[^9]\n", "utf-8")
    failed = run_cli("-q", "build", root)
    assert failed.code == 1 and "error[F001]" in failed.stderr
    assert "antologi: reading" not in failed.stderr


def test_a_fork_while_the_ticker_writes_leaves_the_child_a_free_lock() -> None:
    """The PDF's layout processes are forked while the terminal's ticker runs: the child
    must not inherit the ticker's lock held (it would hang at its first progress line)."""
    import os
    import time

    class Slow(io.StringIO):
        def write(self, text: str) -> int:
            time.sleep(0.2)  # the ticker holds its lock while it writes
            return super().write(text)

        def isatty(self) -> bool:
            return True

    progress = Progress(Slow(), live=True, tick=0.01)
    progress("laying out the PDF")
    time.sleep(0.3)  # the ticker is writing now, nearly all the time
    pid = os.fork()
    if pid == 0:  # the child: the lock must be free
        os._exit(0 if progress._lock.acquire(timeout=2) else 1)
    _, status = os.waitpid(pid, 0)
    progress.finish()
    assert os.waitstatus_to_exitcode(status) == 0
