"""Classification calibration of a margin loss ``phi(y f)`` (Bartlett, Jordan and McAuliffe,
"Convexity, Classification, and Risk Bounds", JASA 101(473), 2006).

``phi`` is classification-calibrated when, for every ``eta != 1/2``, the conditional risk
``C_eta(a) = eta phi(a) + (1 - eta) phi(-a)`` has a strictly smaller infimum over the
right sign of ``a`` than over the wrong one (``H^-(eta) > H(eta)``).

- **Convex phi** (their Theorem 6): calibrated iff ``phi`` is differentiable at 0 and
  ``phi'(0) < 0``. Hinge (``phi'(0) = -1``) is; the perceptron loss ``max(0, -x)`` (a kink
  at 0) and ``exp(x)`` (``phi'(0) = 1``) are not.
- **Non-convex phi**: the theorem does not apply. A sufficient condition is proved here
  instead: ``phi`` non-increasing, ``phi = L`` on ``(-oo, 0]`` (``L = lim phi`` at ``-oo``,
  which is also ``phi(0)``) and ``m = lim phi`` at ``+oo < L``. Then for ``eta > 1/2`` and
  ``a <= 0``, ``C_eta(a) >= eta L + (1 - eta) m``, while ``C_eta(a) -> eta m + (1 - eta) L``
  as ``a -> oo``; the gap is ``(2 eta - 1)(L - m) > 0`` (``eta < 1/2`` is the mirror image).
  The zero-one loss ``1[x <= 0]`` satisfies it. When it fails (the sigmoid loss, whose
  ``phi(0) = 1/2`` is below its supremum 1) the verdict is undecided, with a note.

Distance losses (``Loss.kind != "margin"``) have no calibration: None, "not a margin loss".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

from lossmath.analysis.notes import NOT_MARGIN, Note
from lossmath.analysis.signs import nonnegative_on
from lossmath.analysis.smoothness import BreakpointReport
from lossmath.base.errors import Undecided
from lossmath.base.symbols import x
from lossmath.core.table import IntervalTable
from lossmath.exact.sampling import numeric
from lossmath.exact.zeros import NO_LIMIT, certified_value, is_zero, one_sided

__all__ = ["calibrated"]


def _negative(v: sp.Expr) -> bool | None:
    """Is the number (or expression in positive parameters) ``v`` negative?"""
    if not v.free_symbols:
        c = certified_value(v)
        return None if c is None else bool(c < 0)
    s = sp.simplify(v)
    return True if s.is_negative else False if s.is_nonnegative else None


def _num(end: sp.Expr, sample) -> sp.Expr:
    return end if end in (sp.oo, -sp.oo) else numeric(end.xreplace(dict(sample)))


def _at_zero(table: IntervalTable) -> tuple[int | None, int | None]:
    """``(breakpoint index, None)`` when 0 is a breakpoint, ``(None, interval index)`` when
    it lies inside an interval; raises Undecided when that depends on the parameters."""
    s = table.samples
    for k, b in enumerate(table.breakpoints):
        t = is_zero(b.at, s)
        if t.value is True:
            return k, None
        if t.value is None or (t.method == "numeric" and t.condition):
            raise Undecided(f"whether the breakpoint {b.at} is 0 depends on the parameters")
    for i, iv in enumerate(table.intervals):
        holds = {bool(_num(iv.lo, smp) < 0 < _num(iv.hi, smp)) for smp in (s or ({},))}
        if holds == {True}:
            return None, i
        if len(holds) > 1:
            raise Undecided("which piece holds at x = 0 depends on the parameters")
    raise Undecided("x = 0 could not be located")


def _convex_case(
    table: IntervalTable, d1: IntervalTable, bps: Sequence[BreakpointReport]
) -> tuple[bool | None, str]:
    k, i = _at_zero(table)
    if k is not None:
        b = bps[k]
        if b.order < 1:
            if b.exact:
                return False, ""  # convex with a kink at 0: not differentiable there
            return None, "calibrated: whether f is differentiable at 0 is undecided"
        slope = b.right[1] if len(b.right) > 1 else one_sided(d1.intervals[k + 1].expr, b.at, "+")
    else:
        slope = d1.intervals[i].expr.xreplace({x: 0})
    neg = _negative(slope)
    if neg is None:
        return None, f"calibrated: the sign of f'(0) = {slope} is undecided"
    return neg, ""


def _nonconvex_case(
    table: IntervalTable, d1: IntervalTable, bps: Sequence[BreakpointReport], limit: Callable
) -> tuple[bool | None, str]:
    undecided = (
        None,
        "calibrated: f is not convex, so Bartlett, Jordan and McAuliffe's Theorem 6 does not "
        "apply, and the sufficient condition (non-increasing, constant on x <= 0, smaller "
        "limit at +oo) was not proved",
    )
    for iv in d1.intervals:
        if nonnegative_on(-iv.expr, iv.lo, iv.hi, table.samples, "f' <= 0").value is not True:
            return undecided
    for b in bps:
        if not b.left or not b.right:
            return undecided
        for d in (b.left[0] - b.value, b.value - b.right[0]):
            if b.left[0] is NO_LIMIT or b.right[0] is NO_LIMIT:
                return undecided
            if nonnegative_on(d, sp.S.Zero, sp.S.One, table.samples, "a downward jump").value \
                    is not True:
                return undecided
    try:
        top = limit(table.intervals[0].expr, -sp.oo, "")
        bottom = limit(table.intervals[-1].expr, sp.oo, "")
        v0 = table.value_at(sp.S.Zero)
    except (Undecided, ValueError):
        return undecided
    if NO_LIMIT in (top, bottom) or any(v.has(sp.oo, -sp.oo, sp.zoo) for v in (top, bottom)):
        return undecided
    if is_zero(top - v0, table.samples).value is not True:
        return undecided
    if _negative(bottom - top) is not True:
        return undecided
    return True, ""


def calibrated(
    kind: str, convex: bool | None, table: IntervalTable, d1: IntervalTable,
    bps: Sequence[BreakpointReport], limit: Callable,
) -> tuple[bool | None, str]:
    """``(verdict, note)`` for a loss of ``kind`` ("distance" or "margin")."""
    if kind != "margin":
        return None, Note(NOT_MARGIN, "calibrated: not a margin loss")
    if convex is True:
        return _convex_case(table, d1, bps)
    if convex is None:
        return None, "calibrated: convexity is undecided"
    return _nonconvex_case(table, d1, bps, limit)
