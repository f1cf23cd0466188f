"""What a long command is doing now, shown the way the place it runs in can show it.

On a terminal, one line rewritten in place (with the seconds the step has taken so far), so
the screen keeps only the diagnostics and the result; in a log, a pipe or CI (the variable
CI set), one plain line per step, since a carriage return there only garbles the log.
With -q nothing is shown; with -v every step also says when it began.

The pipeline's stages never print: build() calls a ``Callable[[str], None]`` at each stage
boundary, and a ``Progress`` is that callable.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TextIO

QUIET, NORMAL, VERBOSE = -1, 0, 1
CLEAR_LINE = "\r\x1b[K"  # back to the start of the line, then erase to its end (ECMA-48 EL)


def level(quiet: int, verbose: int) -> int:
    """-q and -v counted on the command line: one level, clamped to QUIET..VERBOSE."""
    return max(QUIET, min(VERBOSE, verbose - quiet))


def is_live(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the stream can take a line rewritten in place: a terminal, not CI, not a
    terminal that declares it cannot move the cursor."""
    env = os.environ if environ is None else environ
    if env.get("CI") or env.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


class Progress:
    """The CLI's progress display; call it with a short phrase when a step begins.

    ``finish()`` (or leaving the ``with`` block) ends the display, so that whatever the
    CLI prints next starts on a clean line."""

    def __init__(self, stream: TextIO, verbosity: int = NORMAL, live: bool | None = None,
                 clock: Callable[[], float] = time.monotonic, tick: float | None = 0.2,
                 prefix: str = "antologi: ") -> None:
        self.stream = stream
        self.verbosity = verbosity
        self.live = is_live(stream) if live is None else live
        self.clock = clock
        self.prefix = prefix
        self.started = clock()
        self.steps: list[tuple[str, float]] = []  # (phrase, when it began), for -v and tests
        self._step_started = self.started
        self._message = ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._tick = tick

    def __call__(self, message: str) -> None:
        now = self.clock()
        self.steps.append((message, now - self.started))
        if self.verbosity <= QUIET:
            return
        with self._lock:
            self._message, self._step_started = message, now
            if self.live:
                self._draw(now)
            else:
                when = f"[{now - self.started:5.1f} s] " if self.verbosity >= VERBOSE else ""
                self.stream.write(f"{self.prefix}{when}{message}\n")
                self.stream.flush()
        if self.live and self._tick and self._ticker is None:
            # The steps are called at stage boundaries only; the ticker keeps the seconds
            # moving during a long one (the PDF's layout), so the line shows it is alive.
            self._stop.clear()
            self._ticker = threading.Thread(target=self._run_ticker, daemon=True)
            _TICKING.add(self)
            self._ticker.start()

    def _draw(self, now: float) -> None:
        text = f"{self.prefix}{self._message} … {now - self._step_started:.0f} s"
        width = shutil.get_terminal_size((80, 24)).columns - 1
        # A line longer than the terminal wraps, and '\r' would then rewrite only its
        # last part: cut it to fit.
        self.stream.write(CLEAR_LINE + text[:max(width, 10)])
        self.stream.flush()

    def _run_ticker(self) -> None:
        assert self._tick is not None
        while not self._stop.wait(self._tick):
            with self._lock:
                if self._message:
                    self._draw(self.clock())

    def finish(self, summary: str | None = None) -> None:
        """End the display; with -v, a last line says how long the whole command took."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
            _TICKING.discard(self)
        with self._lock:
            if self.live and self._message and self.verbosity > QUIET:
                self.stream.write(CLEAR_LINE)
            self._message = ""
            if summary is not None and self.verbosity >= VERBOSE:
                self.stream.write(f"{self.prefix}{summary} in "
                                  f"{self.clock() - self.started:.1f} s\n")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.finish()


# The PDF's layout processes are forked while the ticker runs: a fork while it writes would
# leave the stream's lock held in the child for good. Every write of the ticker holds its
# progress's lock, so each is taken before a fork and given back after it, on both sides.
_TICKING: weakref.WeakSet[Progress] = weakref.WeakSet()
_HELD: list[Progress] = []


def _before_fork() -> None:
    _HELD[:] = list(_TICKING)
    for progress in _HELD:
        progress._lock.acquire()


def _after_fork() -> None:
    for progress in _HELD:
        progress._lock.release()
    _HELD.clear()


os.register_at_fork(before=_before_fork, after_in_parent=_after_fork,
                    after_in_child=_after_fork)
