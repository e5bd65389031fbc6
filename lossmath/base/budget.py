"""Budgets: what decides a verdict is counted in work; the clock is only an outer guard.

A verdict must be a function of its input, the same on a fast and a slow machine, so no
clock decides one. Two kinds of budget:

- **Work** (:func:`attempt`, :func:`work_limit`): one expensive, optional step (a
  ``simplify``, a ``limit``, a ``solve``) may start at most ``work`` Python function calls
  (sympy is pure Python, so the number of calls it makes is its effort, counted the same on
  every machine). When the share runs out the step's answer is "undecided" and the analysis
  goes on. The count is kept by a profile hook (:func:`sys.setprofile`) of the thread doing
  the work, installed only while a work budget is open, so it works in any thread. It is
  the same in a fresh process and in one that computed other things first: each outermost
  share starts with sympy's generators seeded, an analysis from reset memo state
  (:mod:`lossmath.base.fresh`), imports are not counted, and the garbage collector waits for
  the end of the share.
- **Time** (:func:`deadline`): the guard of a whole command (``--timeout``) or call
  (``analyse(loss, timeout=...)``). When it fires, the work in progress stops with
  :class:`~lossmath.base.errors.OutOfTime`, and whatever it did not finish is reported as
  "out of time" (never as a different-looking answer). A watchdog thread raises it in the
  guarded thread (``PyThreadState_SetAsyncExc``), so it needs no signal and works in a worker
  thread and beside a process's own signal handlers.

Under a foreign profiler (cProfile) work is not counted: the steps run to completion.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import importlib._bootstrap
import importlib._bootstrap_external
import inspect
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from lossmath.base import fresh
from lossmath.base.errors import OutOfTime

__all__ = [
    "DEFAULT_SECONDS", "STEP", "acknowledge", "attempt", "counted", "counting", "deadline",
    "enforced", "expired", "WorkSpent", "over", "spent", "stage", "work_limit",
]

#: the default outer guard of a command, in seconds (it never decides a verdict)
DEFAULT_SECONDS = 60.0
#: the work share of one optional sympy step, in function calls (about 1 s on a 2024 laptop;
#: ``simplify`` of a quotient of two exponential sums takes ~10^5, a hopeless ``limit`` 10^8+)
STEP = 1_500_000

T = TypeVar("T")


# -- work ------------------------------------------------------------------------------------

class _WorkOut(BaseException):
    """Raised by the profile hook when a work share runs out; a ``BaseException`` so that
    sympy's own ``except Exception`` handlers do not swallow it."""

    def __init__(self, token: object) -> None:
        super().__init__("work share spent")
        self.token = token


class _Work(threading.local):
    def __init__(self) -> None:
        self.calls = 0
        self.loading = 0  # depth of module loads in progress (their calls are not counted)
        self.limits: list[tuple[int, object]] = []  # (call count at which it ends, token)
        self.nearest = 0


_work = _Work()
#: the import system's files: an import runs them, and a module's first import runs its body,
#: once per process; none of it is counted (a lazy import is no work of the step that asks)
_IMPORTING = frozenset({importlib._bootstrap._find_and_load.__code__.co_filename,
                        importlib._bootstrap_external.SourceLoader.get_code.__code__.co_filename})
_RESUMABLE = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR


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


def _count(frame, event: str, arg: object) -> None:
    w = _work
    if event == "return":
        if w.loading and frame.f_code.co_filename in _IMPORTING:
            w.loading -= 1
        return
    if event != "call":
        return
    if frame.f_code.co_filename in _IMPORTING:
        w.loading += 1
        return
    if w.loading:
        return
    w.calls += 1
    # raise only when an ordinary function starts: a resumed generator may be the garbage
    # collector closing it, where an exception would be lost (the next call raises instead)
    if w.calls < w.nearest or frame.f_code.co_flags & _RESUMABLE or _swallowed(frame):
        return
    token = min(w.limits, key=lambda lt: lt[0])[1]
    raise _WorkOut(token)  # CPython removes the hook; attempt() reinstalls it


def _rearm() -> None:
    w = _work
    if w.limits:
        w.nearest = min(end for end, _ in w.limits)
        sys.setprofile(_count)
    else:
        sys.setprofile(None)


@contextlib.contextmanager
def work_limit(work: int) -> Iterator[object | None]:
    """Count the calls the block makes; past ``work`` of them raise an internal exception
    that :func:`attempt` (or the caller, via :func:`spent`) turns into its default. Yields a
    token (None when a foreign profiler is installed: nothing is counted)."""
    w = _work
    foreign = sys.getprofile()
    if foreign is not None and foreign is not _count:
        yield None
        return
    token = object()
    outermost = not w.limits
    if outermost:  # the same count whatever this process computed before
        states = fresh.seed()
        w.loading = 0
        _pause_collector()
    w.limits.append((w.calls + max(work, 1), token))
    _rearm()
    try:
        yield token
    finally:
        w.limits.remove(next(lt for lt in w.limits if lt[1] is token))
        _rearm()
        if outermost:
            _resume_collector()
            fresh.restore(states)


# The garbage collector runs when the allocations since its last run pass a threshold, so
# when it runs inside a step depends on what the process did before; the callbacks it runs
# (weak references' and ``__del__``, a WeakKeyDictionary's removal) would be counted then.
# It is off while any thread counts work (cyclic garbage waits for the end of the step).
_collector_lock = threading.Lock()
_collector = {"paused": 0, "was_enabled": False}


def _pause_collector() -> None:
    with _collector_lock:
        if not _collector["paused"]:
            _collector["was_enabled"] = gc.isenabled()
            gc.disable()
        _collector["paused"] += 1


def _resume_collector() -> None:
    with _collector_lock:
        _collector["paused"] -= 1
        if not _collector["paused"] and _collector["was_enabled"]:
            gc.enable()


def counting() -> bool:
    """Whether a work share is open in this thread (its calls are being counted)."""
    return bool(_work.limits)


def counted() -> int:
    """The calls this thread has counted so far, in all its work shares together."""
    return _work.calls


def spent(exc: BaseException, token: object | None) -> bool:
    """Whether ``exc`` is the end of the work share ``token`` (from :func:`work_limit`)."""
    return token is not None and isinstance(exc, _WorkOut) and exc.token is token


def over(token: object | None) -> bool:
    """Whether the open work share ``token`` is spent (also when its end was raised and
    swallowed by the code it interrupted)."""
    return any(t is token and _work.calls >= end for end, t in _work.limits)


WorkSpent = _WorkOut  # for callers that catch the end of their own share (see :func:`spent`)


def attempt(fn: Callable[[], T], work: int, default: T) -> T:
    """``fn()`` if it finishes within ``work`` function calls, else ``default``.

    Only this attempt's own share is caught: an outer share or the outer time guard
    propagates. A step sympy has no algorithm for (``NotImplementedError``, as ``solve``
    raises for ``exp(a/7) - exp(-a/7) = 2a/7``) is an attempt that gives up too.
    """
    token = None
    try:
        with work_limit(work) as token:
            return fn()
    except _WorkOut as exc:
        if spent(exc, token):
            return default
        raise
    except NotImplementedError:
        return default


# -- time (the outer guard) --------------------------------------------------------------------

class _Alarm(OutOfTime):
    """What the watchdog raises in the guarded thread (instantiated by CPython without
    arguments); :func:`deadline` turns it into an :class:`OutOfTime` naming the guard."""

    def __init__(self, *args: object) -> None:
        BaseException.__init__(self, "out of time")
        self.what, self.seconds, self.token = "the work", 0.0, None


class _Guard:
    def __init__(self, seconds: float, what: str) -> None:
        self.when = time.monotonic() + seconds
        self.seconds, self.what = seconds, what
        self.thread = threading.get_ident()
        self.fired = self.done = self.acknowledged = False
        self.last_shot = 0.0


_lock = threading.Condition()
_guards: list[_Guard] = []
_watchdog: threading.Thread | None = None
_RESHOOT = 0.1  # seconds after which an alarm nobody has seen (lost in a __del__) is raised again


def _raise_in(thread: int, exc: type[BaseException]) -> None:
    # never called with NULL to cancel: CPython 3.11 then leaves its "async exception
    # pending" flag set, and a thread with a profile hook stalls at its next call
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exc))


def _absorb() -> None:
    """Let an alarm raised in this thread but not yet delivered land here, harmlessly
    (CPython delivers it at the next backward jump)."""
    try:
        for _ in range(64):
            pass
    except _Alarm:
        pass


def _watch() -> None:
    with _lock:
        while True:
            now = time.monotonic()
            wait = None
            for g in _guards:
                if g.done or g.acknowledged:
                    continue
                if g.when <= now and now - g.last_shot >= _RESHOOT:
                    g.fired, g.last_shot = True, now
                    _raise_in(g.thread, _Alarm)
                nxt = g.last_shot + _RESHOOT if g.fired else g.when
                wait = nxt - now if wait is None else min(wait, nxt - now)
            _lock.wait(None if wait is None else max(wait, 1e-3))


def enforced() -> bool:
    """Whether the time guard can interrupt work here (CPython)."""
    return hasattr(ctypes, "pythonapi") and hasattr(ctypes.pythonapi,
                                                    "PyThreadState_SetAsyncExc")


def _close(g: _Guard) -> None:
    while True:  # an alarm delivered while closing is retried, not leaked
        try:
            with _lock:
                g.done = True
                if g in _guards:
                    _guards.remove(g)
            if g.fired:
                _absorb()  # one raised but not yet delivered
            return
        except _Alarm:
            continue


def _drop_lost_alarms() -> None:
    """An alarm delivered inside a ``__del__`` or a garbage-collector callback is printed by
    Python as "Exception ignored in ..." and dropped; the watchdog raises it again
    (:data:`_RESHOOT`), so the lost copy is expected: keep it off stderr. Every other
    unraisable exception goes to the hook that was installed."""
    hook = sys.unraisablehook
    if getattr(hook, "_lossmath_drops_alarms", False):
        return

    def drop(unraisable, _next=hook):
        if not isinstance(unraisable.exc_value, _Alarm):
            _next(unraisable)

    drop._lossmath_drops_alarms = True
    sys.unraisablehook = drop


@contextlib.contextmanager
def deadline(seconds: float | None, what: str = "") -> Iterator[None]:
    """Run the block within ``seconds`` of wall time, or raise :class:`OutOfTime`.

    ``None`` means no limit. ``what`` names the work in the message (by default the current
    :func:`stage`). A nested block never extends an outer deadline. Work inside that catches
    the alarm and reports what is left as "out of time" calls :func:`acknowledge`; the block
    then ends normally (its result says it is incomplete).
    """
    global _watchdog
    if seconds is None or not enforced():
        yield
        return
    g = _Guard(seconds, what or _stage[-1])
    _drop_lost_alarms()
    with _lock:
        if any(o.thread == g.thread and not o.done and o.when <= g.when for o in _guards):
            g = None  # an outer guard comes first
        else:
            _guards.append(g)
            if _watchdog is None or not _watchdog.is_alive():
                _watchdog = threading.Thread(target=_watch, name="lossmath-deadline",
                                             daemon=True)
                _watchdog.start()
            _lock.notify_all()
    if g is None:
        yield
        return
    try:
        yield
    except _Alarm:
        _close(g)
        raise OutOfTime(g.what, g.seconds) from None
    finally:
        _close(g)


def expired() -> bool:
    """Whether a time guard of this thread has fired (the work left is "out of time")."""
    me = threading.get_ident()
    with _lock:
        return any(g.thread == me and g.fired for g in _guards)


def acknowledge() -> None:
    """The caller has caught this thread's alarm and reports the rest as "out of time":
    stop raising it again."""
    me = threading.get_ident()
    while True:
        try:
            with _lock:
                for g in _guards:
                    if g.thread == me and g.fired:
                        g.acknowledged = True
            _absorb()
            return
        except _Alarm:
            continue


# -- messages --------------------------------------------------------------------------------

_stage: list[str] = ["analysing the loss"]


@contextlib.contextmanager
def stage(what: str) -> Iterator[None]:
    """Name the current step, for the message when the guard runs out there."""
    _stage.append(what)
    try:
        yield
    finally:
        _stage.pop()
