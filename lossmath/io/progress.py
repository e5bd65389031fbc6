"""Progress of long commands on stderr: a bar on a terminal, plain lines on a pipe, nothing
when quiet.

A command opens :func:`reporting` once; the code doing the work, at any depth and in any
layer, calls :func:`step` (and :func:`task` for a step with steps inside) without knowing
whether anyone listens: with no reporter open, both do nothing. Progress never goes to
stdout, so outputs and ``--json`` stay exactly as they were.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["reporting", "step", "task"]

#: The bar's width in characters on a terminal.
BAR = 20


class _Reporter:
    def __init__(self, stream: TextIO, label: str, bar: bool) -> None:
        self.stream, self.label, self.bar = stream, label, bar
        self.context: list[str] = []
        self.wrote = False

    def show(self, text: str, i: int | None, n: int | None) -> None:
        where = ": ".join([*self.context, text])
        count = f"[{i}/{n}] " if i is not None and n else ""
        if not self.bar:
            self.stream.write(f"{self.label}: {count}{where}\n")
        else:
            done = round(BAR * i / n) if i is not None and n else 0
            bar = f"[{'#' * done}{'.' * (BAR - done)}] " if count else ""
            line = f"{self.label}: {bar}{count}{where}"
            width = shutil.get_terminal_size((80, 24)).columns - 1
            # \r and "erase to end of line": the bar redraws itself on one line.
            self.stream.write("\r\x1b[K" + line[:width])
        self.stream.flush()
        self.wrote = True

    def close(self) -> None:
        if self.bar and self.wrote:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


_ACTIVE: list[_Reporter] = []


@contextmanager
def reporting(label: str, quiet: bool = False, stream: TextIO | None = None) -> Iterator[None]:
    """Report the steps made inside this block on ``stream`` (default stderr), each line
    starting with ``label``; with ``quiet``, report nothing. On a terminal the steps redraw
    one bar line, which is erased at the end; elsewhere each step is a line."""
    if quiet:
        yield
        return
    out = sys.stderr if stream is None else stream
    isatty = getattr(out, "isatty", None)
    reporter = _Reporter(out, label, bar=bool(isatty and isatty()))
    _ACTIVE.append(reporter)
    try:
        yield
    finally:
        _ACTIVE.remove(reporter)
        reporter.close()


def step(text: str, i: int | None = None, n: int | None = None) -> None:
    """One step (``i`` of ``n`` when counted), reported as it starts."""
    if _ACTIVE:
        _ACTIVE[-1].show(text, i, n)


@contextmanager
def task(text: str, i: int | None = None, n: int | None = None) -> Iterator[None]:
    """A step with steps inside: reported as it starts, and named in front of them."""
    step(text, i, n)
    if not _ACTIVE:
        yield
        return
    reporter = _ACTIVE[-1]
    reporter.context.append(text)
    try:
        yield
    finally:
        reporter.context.pop()
