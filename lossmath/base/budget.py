"""Time budgets: every analysis finishes or gives up, never hangs.

sympy has super-linear paths no size limit foresees (``simplify`` of a triple exponential,
``limit`` of a high power), so the analysis runs under a wall-clock budget. A budget is a
``with`` block; blocks nest, and the innermost deadline that has passed raises
:class:`~lossmath.base.errors.OutOfTime` at the next Python bytecode.

- :func:`deadline` is the budget of a whole command (``--timeout``, default 10 s): when it
  runs out the command reports "undecided" (exit 3).
- :func:`attempt` gives one expensive, optional step (a ``simplify``, a ``limit``) a share of
  what is left; when the share runs out the step's answer is "undecided" and the analysis
  goes on.

The timer is ``SIGALRM`` (``setitimer``), which costs nothing while it does not fire. Signals
reach only the main thread: elsewhere (a worker thread of a notebook server) budgets are not
enforced, and :func:`enforced` says so.
"""

from __future__ import annotations

import contextlib
import gc
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from lossmath.base.errors import OutOfTime

__all__ = ["DEFAULT_SECONDS", "attempt", "deadline", "enforced", "remaining", "stage"]

DEFAULT_SECONDS = 10.0

T = TypeVar("T")

# (deadline on the monotonic clock, token, what, seconds), outermost first
_stack: list[tuple[float, object, str, float]] = []
_stage: list[str] = ["analysing the loss"]


def enforced() -> bool:
    """Whether budgets can interrupt work here (only in the main thread, on POSIX)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _swallowed(frame) -> bool:
    """Whether an exception raised here would be lost: inside a ``__del__`` or a garbage
    collector callback (hypothesis installs one), Python prints and drops it."""
    callbacks = {getattr(cb, "__code__", None) for cb in gc.callbacks}
    depth = 0
    while frame is not None and depth < 64:
        if frame.f_code.co_name == "__del__" or frame.f_code in callbacks:
            return True
        frame, depth = frame.f_back, depth + 1
    return False


def _fire(signum: int, frame) -> None:
    if _swallowed(frame):
        signal.setitimer(signal.ITIMER_REAL, 0.01)  # try again just after it returns
        return
    now = time.monotonic()
    for when, token, what, seconds in _stack:  # outermost expired budget wins
        if when <= now:
            raise OutOfTime(_stage[-1] if what == "" else what, seconds, token)
    _arm()  # woken early (the timer is coarse): wait for the nearest deadline again


def _arm() -> None:
    if not _stack:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    left = min(d for d, *_ in _stack) - time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, max(left, 1e-4))


@contextlib.contextmanager
def _budget(seconds: float, what: str) -> Iterator[object | None]:
    """Push a deadline ``seconds`` from now; yield its token (None when an outer deadline
    comes first, which then fires with its own token)."""
    when = time.monotonic() + seconds
    if _stack and min(d for d, *_ in _stack) <= when:
        yield None
        return
    token = object()
    outermost = not _stack
    if outermost:
        # a caller's own alarm (a test's watchdog) is suspended, and restored after
        previous = signal.signal(signal.SIGALRM, _fire)
        pending, started = signal.getitimer(signal.ITIMER_REAL)[0], time.monotonic()
    _stack.append((when, token, what, seconds))
    try:
        _arm()
        yield token
    finally:
        _stack.pop()
        if _stack:
            _arm()
        else:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous or signal.SIG_DFL)
            if pending:
                left = pending - (time.monotonic() - started)
                signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))


@contextlib.contextmanager
def deadline(seconds: float | None, what: str = "") -> Iterator[None]:
    """Run the block within ``seconds`` of wall time, or raise :class:`OutOfTime`.

    ``None`` means no limit. ``what`` names the work in the message (by default the current
    :func:`stage`). A nested block never extends an outer deadline.
    """
    if seconds is None or not enforced():
        yield
        return
    with _budget(seconds, what):
        yield


def remaining() -> float | None:
    """Seconds left in the innermost budget, or None when there is none."""
    if not _stack:
        return None
    return max(0.0, min(d for d, *_ in _stack) - time.monotonic())


def attempt(fn: Callable[[], T], seconds: float, default: T) -> T:
    """``fn()`` if it finishes within ``seconds`` (and the outer budget), else ``default``.

    Only this attempt's own deadline is caught: when the outer budget runs out first, its
    :class:`OutOfTime` propagates. Without an enforceable timer, ``fn()`` runs unbounded.
    """
    if not enforced():
        return fn()
    token = None
    try:
        with _budget(seconds, "") as token:
            return fn()
    except OutOfTime as exc:
        if token is not None and exc.token is token:
            return default
        raise


@contextlib.contextmanager
def stage(what: str) -> Iterator[None]:
    """Name the current step, for the message when the budget runs out there."""
    _stage.append(what)
    try:
        yield
    finally:
        _stage.pop()
