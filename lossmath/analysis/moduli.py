"""Constants of a loss that optimisation theory uses: Lipschitz constants and convexity moduli.

- **Lipschitz constant of f**: ``sup |f'|`` over the pieces when ``f`` is continuous (a
  continuous, piecewise C1 function is absolutely continuous, so
  ``|f(a) - f(b)| <= sup |f'| |a - b|`` and no smaller constant works); ``oo`` when ``f``
  jumps or ``f'`` is unbounded.
- **Curvature bound** (the L of L-smoothness, the Lipschitz constant of ``f'``):
  ``sup |f''|`` over the pieces when ``f'`` is continuous, by the same argument one order
  up; ``oo`` when ``f'`` jumps (``l1`` at 0) or ``f''`` is unbounded. Gradient descent with a
  fixed step ``eta < 2/L`` converges on an L-smooth convex function (Nesterov, *Introductory
  Lectures on Convex Optimization*, 2004, Thm. 2.1.14).
- **Strict convexity**: a convex function is strictly convex unless it is affine on some
  interval; on an open interval of the table the piece is analytic, so it is affine on a
  sub-interval only if ``f'' = 0`` identically on the whole interval.
- **Modulus of strong convexity**: the largest ``m`` with ``f - m x**2/2`` convex. At a
  breakpoint a convex kink only adds curvature (a nonnegative slope jump), so
  ``m = inf f''`` over the pieces: 0 as soon as one piece has ``f'' -> 0`` anywhere (Huber's
  linear pieces, the tails of log-cosh).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

from lossmath.analysis.continuity import continuous_to
from lossmath.analysis.extremes import Bound, inf_on_table, sup_abs_table
from lossmath.analysis.notes import NOT_CONVEX, Note
from lossmath.analysis.smoothness import BreakpointReport
from lossmath.core.table import IntervalTable
from lossmath.exact.zeros import is_zero

__all__ = ["curvature_bound", "lipschitz", "strictly_convex", "strong_convexity"]


def _point_owned(d: IntervalTable) -> bool:
    """Some breakpoint is owned by a piece active on neither side (``sin(x)/x if x != 0
    else 1``): its derivative there is not a one-sided value and must not count."""
    return any(
        b.owner not in (d.intervals[k].piece, d.intervals[k + 1].piece)
        for k, b in enumerate(d.breakpoints)
    )


def lipschitz(
    bps: Sequence[BreakpointReport], grad: Bound, d1: IntervalTable, d2: IntervalTable,
    grad_bounded: bool | None, limit: Callable | None = None,
) -> Bound:
    """The Lipschitz constant of ``f``, reusing ``sup |f'|`` (``grad``) when it is one."""
    cont = continuous_to(bps, 0)
    if cont is False or grad.value == sp.oo or grad_bounded is False:
        return Bound(sp.oo)
    if cont is None:
        return Bound(None, None, note="lipschitz: the continuity of f is undecided")
    if grad.value is not None and _point_owned(d1):
        grad = sup_abs_table(d1, d2, "f'", points=False, limit=limit)
    if grad.value is None:
        return Bound(None, None, note=f"lipschitz: sup |f'| is undecided{_why(grad)}")
    return grad


def curvature_bound(
    bps: Sequence[BreakpointReport], d2: IntervalTable, d3: IntervalTable,
    curv_bounded: bool | None, limit: Callable | None = None,
) -> Bound:
    """The Lipschitz constant of ``f'``: ``sup |f''|`` over the pieces, or ``oo``."""
    cont = continuous_to(bps, 1)
    if cont is False or curv_bounded is False:
        return Bound(sp.oo)
    if cont is None:
        return Bound(None, None, note="curvature_bound: the continuity of f' is undecided")
    bound = sup_abs_table(d2, d3, "f''", points=False, limit=limit)
    if bound.value is None:
        return Bound(None, None, note=f"curvature_bound: sup |f''| is undecided{_why(bound)}")
    return bound


def _why(b: Bound) -> str:
    return f" ({b.note})" if b.note else ""


def _affine_piece(d2: IntervalTable) -> bool | None:
    """Is ``f'' = 0`` identically on some interval (True), on none (False), or undecided?"""
    verdict: bool | None = False
    for iv in d2.intervals:
        t = is_zero(iv.expr, d2.samples)
        if t.value is True:
            return True
        if t.value is None:
            verdict = None
    return verdict


def strictly_convex(convex: bool | None, d2: IntervalTable) -> tuple[bool | None, str]:
    """``(verdict, note)``: convex and not affine on any interval."""
    affine = _affine_piece(d2)
    if affine is True or convex is False:
        return False, ""
    if convex is None:
        return None, "strictly_convex: convexity is undecided"
    if affine is None:
        return None, "strictly_convex: whether f'' vanishes identically on a piece is undecided"
    return True, ""


def strong_convexity(
    convex: bool | None, d2: IntervalTable, d3: IntervalTable, limit: Callable | None = None
) -> Bound:
    """``inf f''`` over the pieces for a convex ``f`` (0: convex, not strongly convex);
    None when ``f`` is not convex or that is undecided (the note says which)."""
    if convex is False:
        return Bound(None, None, note=Note(NOT_CONVEX, "strong_convexity: f is not convex"))
    if convex is None:
        return Bound(None, None, note="strong_convexity: convexity is undecided")
    if _affine_piece(d2) is True:
        return Bound(sp.S.Zero)
    m = inf_on_table(d2, d3, limit=limit)
    if m.value is None:
        return Bound(None, None, note=f"strong_convexity: {m.note}")
    return m
