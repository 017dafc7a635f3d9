"""Progress of cjm's long work, for people waiting on it.

Short work stays silent. Once it has run for `QUIET_FOR` seconds, a step reports what it is
doing, how far it is (count of total) and the time so far: as a line every `EVERY` seconds
(build logs, CI, anything that is not a terminal), or as a bar on a terminal (drawn by tqdm,
which knows terminals better than hand-written escape codes would). Work that was long ends
with a one-line summary.

Engine-free: the MkDocs plugin passes its logger's `info`, the CLI writes to stderr.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, TextIO

__all__ = ["EVERY", "QUIET_FOR", "Progress", "Step", "for_terminal"]

QUIET_FOR = 2.0  # seconds of work before the first sign of life
EVERY = 5.0  # seconds between two progress lines


class Progress:
    """One run of long work (a build, `cjm generate`), made of steps.

    `report` takes a finished line (no newline). With `bar` (a terminal stream), steps are
    shown as a tqdm bar on it instead of lines. `clock` is for tests."""

    def __init__(self, report: Callable[[str], None], bar: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.report = report
        self.bar = bar
        self.clock = clock
        self.started = clock()
        self.shown = False  # a line or a bar was shown: the summary follows
        self._last_line: float | None = None
        self._lock = threading.Lock()  # diagrams are drawn in threads

    @property
    def elapsed(self) -> float:
        return self.clock() - self.started

    @property
    def long(self) -> bool:
        """Whether the work has run long enough to be reported."""
        return self.shown or self.elapsed >= QUIET_FOR

    def step(self, what: str, total: int) -> Step:
        """A step of `total` items (`what`: "drawing diagrams"); call `advance` per item."""
        return Step(self, what, total)

    def summary(self, text: str) -> None:
        """`text` and the time taken, when the work was long enough to be reported."""
        if self.long:
            self.report(f"{text} ({self.elapsed:.1f} s)")

    def _line_due(self) -> bool:
        now = self.clock()
        if now - self.started < QUIET_FOR:
            return False
        if self._last_line is not None and now - self._last_line < EVERY:
            return False
        self._last_line = now
        return True


class Step:
    """Items of one kind being worked through; safe to advance from several threads."""

    def __init__(self, progress: Progress, what: str, total: int):
        self.progress = progress
        self.what = what
        self.total = total
        self.done = 0
        self._bar = None

    def advance(self, count: int = 1) -> None:
        progress = self.progress
        with progress._lock:
            self.done += count
            if progress.bar is not None:
                self._advance_bar(count)
            elif progress._line_due():
                progress.shown = True
                progress.report(f"cjm: {self.what}: {self.done} of {self.total}"
                                f" ({progress.elapsed:.1f} s)")

    def _advance_bar(self, count: int) -> None:
        if self._bar is None:
            if not self.progress.long:
                return
            from tqdm import tqdm

            self.progress.shown = True
            self._bar = tqdm(total=self.total, initial=self.done, desc=f"cjm: {self.what}",
                             file=self.progress.bar, leave=False, dynamic_ncols=True,
                             unit="", bar_format="{desc}: {n_fmt} of {total_fmt} |{bar}| {elapsed}")
        else:
            self._bar.update(count)

    def close(self) -> None:
        """The step is over: its bar goes (the summary says what was done)."""
        with self.progress._lock:
            if self._bar is not None:
                self._bar.close()
                self._bar = None

    def __enter__(self) -> Step:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def for_terminal(stream: TextIO) -> Progress:
    """Progress for a command's `stream` (stderr): a bar on a terminal, lines otherwise."""
    def report(line: str) -> None:
        print(line, file=stream, flush=True)

    terminal = hasattr(stream, "isatty") and stream.isatty()
    return Progress(report, bar=stream if terminal else None)
