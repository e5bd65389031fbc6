"""sup |f'| over the real line: from the critical points, proved or certified, never guessed.

On each interval of the table, ``|g|`` (``g = f'`` there) is largest at an end (a one-sided
limit) or at an interior root of ``g'``. The roots are listed completely
(:func:`lossmath.exact.roots.real_roots`); when they cannot be, and there are no symbolic
parameters, a branch-and-bound over interval enclosures (:func:`lossmath.exact.certify.sup_abs`)
certifies the supremum to ``1e-9`` relative and the bound is marked ``"numeric"``.
Otherwise the bound is undecided (``None``), with a note. The ends alone are never taken
for the supremum: that is how Andrews' wave once got ``sup |f'| = 0``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp

from lossmath.analysis.notes import NUMERIC, Note
from lossmath.analysis.signs import symbolic_sign
from lossmath.base import budget
from lossmath.base.errors import Undecided
from lossmath.base.symbols import x
from lossmath.core.table import Interval, IntervalTable
from lossmath.exact.certify import NotCertified, enclose
from lossmath.exact.certify import sign_on as certified_sign_on
from lossmath.exact.certify import sup_abs as certified_sup
from lossmath.exact.roots import InfiniteRoots, real_roots_in
from lossmath.exact.sampling import numeric
from lossmath.exact.zeros import NO_LIMIT, certified_value, one_sided

__all__ = ["Bound", "gradient_bound", "inf_on_table", "sup_abs_on", "sup_abs_table"]

Sample = Mapping[sp.Symbol, sp.Expr]


@dataclass(frozen=True)
class Bound:
    """``value``: the supremum (``oo`` when unbounded), or None when undecided.

    ``method`` is ``"symbolic"`` (exact) or ``"numeric"`` (certified: the supremum lies in
    ``enclosure``); ``note`` says what could not be decided, or how it was certified.
    """

    value: sp.Expr | None
    method: str | None = "symbolic"
    enclosure: tuple[float, float] | None = None
    note: str | Note = ""


def _abs_value(v: sp.Expr) -> sp.Expr:
    a = sp.Abs(v)
    return budget.attempt(lambda: sp.simplify(a), budget.STEP, a)


def _inside_at_samples(c: sp.Expr, iv: Interval, samples: Sequence[Sample]) -> bool:
    ins = []
    for s in samples:
        cv = sp.N(c.xreplace(s), 30)
        if not cv.is_real:
            ins.append(False)
            continue
        lo = -sp.oo if iv.lo == -sp.oo else numeric(iv.lo.xreplace(s))
        hi = sp.oo if iv.hi == sp.oo else numeric(iv.hi.xreplace(s))
        ins.append(bool(lo < cv < hi))
    if any(ins) and not all(ins):
        raise Undecided(f"whether the critical point {c} lies in ({iv.lo}, {iv.hi}) depends on "
                        "the parameters")
    return all(ins)


def sup_abs_on(
    g: sp.Expr, dg: sp.Expr, iv: Interval, samples: Sequence[Sample], name: str = "f'",
    limit: Callable | None = None,
) -> Bound:
    """sup |g| over the open interval ``iv``, given ``dg = g'``; ``name`` names ``g`` in
    notes (``f'``, ``f''``); ``limit(expr, point, side)`` a memoised
    :func:`~lossmath.exact.zeros.one_sided` shared by one analysis (the same limits at ``±oo``
    are asked by several properties)."""
    cands: list[sp.Expr] = []
    for end, side in ((iv.lo, "+"), (iv.hi, "-")):
        try:
            v = limit(g, end, side) if limit else one_sided(g, end, side, samples)
        except Undecided as exc:
            return Bound(None, None, note=str(exc))
        if v is NO_LIMIT:
            return _numeric_sup(g, iv, f"{name} has no limit at an end", name)
        if v.has(sp.oo, -sp.oo, sp.zoo):
            return Bound(sp.oo)
        cands.append(v)
    if x in dg.free_symbols and dg != 0:
        try:
            crit = real_roots_in(dg, iv.lo, iv.hi)
        except (Undecided, InfiniteRoots) as exc:
            return _numeric_sup(g, iv, str(exc), name)
        try:
            cands += [g.xreplace({x: c}) for c in crit if _inside_at_samples(c, iv, samples)]
        except Undecided as exc:
            return Bound(None, None, note=str(exc))
    values = [_abs_value(c) for c in cands]
    return Bound(_max(values, samples))


def _max(values: list[sp.Expr], samples: Sequence[Sample]) -> sp.Expr:
    """The largest of ``values`` (nonnegative): dominated candidates dropped when sympy proves
    it (``Max`` cannot see that ``w/(epsilon + w) <= 1``, ``cancel(1 - w/(epsilon + w))``
    can); numbers compared exactly."""
    kept: list[sp.Expr] = []
    for v in dict.fromkeys(values):
        if any(sp.cancel(k - v).is_nonnegative for k in kept):
            continue
        kept = [k for k in kept if not sp.cancel(v - k).is_nonnegative] + [v]
    if not kept:
        return sp.S.Zero
    return budget.attempt(lambda: sp.simplify(sp.Max(*kept)), budget.STEP, sp.Max(*kept))


#: where a tail begins, beyond the finite ends of an infinite interval
_TAIL = sp.Integer(30)


def _tail(g: sp.Expr, start: sp.Expr, end: sp.Expr) -> mpmath.mpf | None:
    """sup |g| on the tail from ``start`` to ``end = ±oo``, when ``g`` is monotone there
    (``g'`` of one sign, proved or certified) and has a limit: ``max(|g(start)|, |lim|)``."""
    lo, hi = (start, end) if end == sp.oo else (end, start)
    dg = sp.diff(g, x)
    # interval arithmetic factor by factor first: milliseconds, where sympy's sign of a
    # tail takes millions of calls and rarely succeeds for transcendental g
    if not _factors_of_one_sign(dg, lo, hi) and not any(
            symbolic_sign(sign * dg, lo, hi) is True for sign in (1, -1)):
        return None
    try:
        lim = one_sided(g, end, "")
    except Undecided:
        return None
    if lim is NO_LIMIT or lim.has(sp.oo, -sp.oo, sp.zoo):
        return None
    at = certified_value(sp.Abs(g.xreplace({x: start})))
    limit = certified_value(sp.Abs(lim))
    if at is None or limit is None:
        return None
    return mpmath.mpf(str(max(at, limit)))


def _factors_of_one_sign(e: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> bool:
    """Whether ``e`` keeps one sign on ``[lo, hi]`` (an end may be infinite), certified
    factor by factor by interval arithmetic: the whole expression's enclosure on a tail
    loses to the dependency problem (``(1 - tanh(x)**2)*(1 - x*tanh(x))`` is ``[0, tiny] *
    [-oo, -29]`` only once factored; unfactored, ``x*tanh(x)**2`` against ``x`` is ``oo - oo``)."""
    form = budget.attempt(lambda: sp.factor(sp.together(e)), budget.STEP, None)
    if form is None:
        return False
    num, den = sp.fraction(form)
    for f in (*sp.Mul.make_args(num), *sp.Mul.make_args(den)):
        base, k = (f.base, f.exp) if f.is_Pow and f.exp.is_Integer else (f, sp.S.One)
        if k.is_even:
            continue  # an even power is >= 0 wherever it is defined
        if x not in base.free_symbols:
            v = certified_value(base)
            if v is None or v == 0:
                return False
            continue
        if _one_sign(base, lo, hi):
            continue
        if not any(certified_sign_on(sign * base, lo, hi, strict=False)[0] is True
                   for sign in (1, -1)):
            return False
    return True


def _one_sign(e: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> bool:
    """One enclosure of ``e`` over the whole of ``[lo, hi]`` shows a single sign."""
    a = -mpmath.inf if lo == -sp.oo else mpmath.mpf(sp.N(lo, 30))
    b = mpmath.inf if hi == sp.oo else mpmath.mpf(sp.N(hi, 30))
    try:
        v = enclose(e, mpmath.iv.mpf([a, b]))
    except NotCertified:
        return False
    return bool(v.a >= 0 or v.b <= 0)


#: the work (function calls) the certified numeric bound of one interval may take
NUMERIC_WORK = 2 * budget.STEP


def _numeric_sup(g: sp.Expr, iv: Interval, why: str, name: str) -> Bound:
    slow = Bound(None, None, note=f"sup |{name}| on ({iv.lo}, {iv.hi}) is undecided: {why}, and "
                 f"no certified bound was found within {NUMERIC_WORK:,} function calls")
    return budget.attempt(lambda: _certified_sup(g, iv, why, name), NUMERIC_WORK, slow)


def _certified_sup(g: sp.Expr, iv: Interval, why: str, name: str) -> Bound:
    if g.free_symbols - {x} or iv.lo.free_symbols or iv.hi.free_symbols:
        return Bound(None, None, note=f"sup |{name}| on ({iv.lo}, {iv.hi}) is undecided: {why}, "
                     "and a certified numeric bound needs numeric parameters")
    undecided = Bound(None, None, note=f"sup |{name}| on ({iv.lo}, {iv.hi}) is undecided: {why}, "
                      "and interval arithmetic could not certify a bound")
    # an infinite end is cut off at +-1000 beyond the finite part; the tail beyond must be
    # monotone with a limit (then its sup is at the cut or the limit)
    lo, hi, tails = iv.lo, iv.hi, []
    if lo == -sp.oo:
        lo = (sp.Min(hi, 0) if hi != sp.oo else sp.S.Zero) - _TAIL
        tails.append(_tail(g, lo, -sp.oo))
    if hi == sp.oo:
        hi = (sp.Max(iv.lo, 0) if iv.lo != -sp.oo else sp.S.Zero) + _TAIL
        tails.append(_tail(g, hi, sp.oo))
    if any(t is None for t in tails):
        return undecided
    bound = certified_sup(g, lo, hi)
    if bound is None:
        return undecided
    lower = max([bound.lower, *tails])
    upper = max([bound.upper, *tails])
    if upper == mpmath.inf:
        return Bound(None, None, note=f"sup |{name}| on ({iv.lo}, {iv.hi}) could not be bounded")
    value = sp.Float(mpmath.nstr((lower + upper) / 2, 12), 12)
    return Bound(value, "numeric", (float(lower), float(upper)), Note(
                 NUMERIC, f"sup |{name}| on ({iv.lo}, {iv.hi}) certified numerically in "
                 f"[{mpmath.nstr(lower, 12)}, {mpmath.nstr(upper, 12)}] "
                 "(interval arithmetic" + (", monotone tails)" if tails else ")")))


def gradient_bound(
    d1: IntervalTable, d2: IntervalTable, limit: Callable | None = None
) -> Bound:
    """sup |f'(x)| over the real line (values at breakpoints are one-sided limits or the
    owning piece's, which the interval ends cover)."""
    return sup_abs_table(d1, d2, limit=limit)


def sup_abs_table(
    d: IntervalTable, dd: IntervalTable, name: str = "f'", points: bool = True,
    limit: Callable | None = None,
) -> Bound:
    """sup |g| over the real line for the table ``d`` of ``g`` (``dd`` that of ``g'``):
    over every open interval, and with ``points`` also the owning pieces' values at the
    breakpoints (``points=False`` for a Lipschitz constant, where single points do not
    count)."""
    parts = [
        sup_abs_on(iv.expr, iv2.expr, iv, d.samples, name, limit)
        for iv, iv2 in zip(d.intervals, dd.intervals)
    ]
    if any(p.value == sp.oo for p in parts):
        return Bound(sp.oo)
    undecided = [p for p in parts if p.value is None]
    if undecided:
        return Bound(None, None, note="; ".join(str(p.note) for p in undecided))
    numeric_parts = [p for p in parts if p.method == "numeric"]
    if not numeric_parts:
        values = [p.value for p in parts]
        if points:
            values += [sp.Abs(b.value) for b in d.breakpoints]
        return Bound(_max([_abs_value(v) for v in values], d.samples))
    # mix exact and certified parts: compare as numbers (no parameters here)
    lo = max(p.enclosure[0] if p.enclosure else float(p.value) for p in parts)
    hi = max(p.enclosure[1] if p.enclosure else float(p.value) for p in parts)
    exact = [p for p in parts if p.method != "numeric" and float(p.value) >= hi]
    if exact:
        return Bound(max((p.value for p in exact), key=float))
    best = max(numeric_parts, key=lambda p: p.enclosure[1])
    return Bound(best.value, "numeric", (lo, hi), best.note)


def _min(values: list[sp.Expr]) -> sp.Expr:
    """The smallest of ``values``: dominating candidates dropped when sympy proves it."""
    kept: list[sp.Expr] = []
    for v in dict.fromkeys(values):
        if any(sp.cancel(v - k).is_nonnegative for k in kept):
            continue
        kept = [k for k in kept if not sp.cancel(k - v).is_nonnegative] + [v]
    return budget.attempt(lambda: sp.simplify(sp.Min(*kept)), budget.STEP, sp.Min(*kept))


def inf_on_table(
    d: IntervalTable, dd: IntervalTable, name: str = "f''", limit: Callable | None = None
) -> Bound:
    """inf g over every open interval of the table ``d`` of ``g`` (``dd`` that of ``g'``),
    for a ``g >= 0`` already proved (``f''`` of a convex loss): the infimum of each interval
    is a one-sided limit at an end or the value at an interior critical point, so a zero
    limit at any end gives 0 at once (the critical points are not needed).

    Single points do not count (the modulus of strong convexity is an infimum over the
    pieces). Undecided when the critical points cannot be listed completely."""
    cands: list[sp.Expr] = []
    todo = []
    for iv, iv2 in zip(d.intervals, dd.intervals):
        for end, side in ((iv.lo, "+"), (iv.hi, "-")):
            try:
                v = limit(iv.expr, end, side) if limit else one_sided(iv.expr, end, side,
                                                                      d.samples)
            except Undecided as exc:
                return Bound(None, None, note=f"inf {name}: {exc}")
            if v is NO_LIMIT:
                return Bound(None, None, note=f"inf {name}: {name} has no limit at x = {end}")
            if v.has(sp.oo, -sp.oo, sp.zoo):
                continue  # +oo: not the infimum (a negative limit is excluded by g >= 0)
            if v.is_zero:
                return Bound(sp.S.Zero)
            cands.append(v)
        todo.append((iv, iv2))
    for iv, iv2 in todo:
        if x in iv2.expr.free_symbols and iv2.expr != 0:
            try:
                crit = real_roots_in(iv2.expr, iv.lo, iv.hi)
                cands += [iv.expr.xreplace({x: c}) for c in crit
                          if _inside_at_samples(c, iv, d.samples)]
            except (Undecided, InfiniteRoots) as exc:
                return Bound(None, None, note=f"inf {name} on ({iv.lo}, {iv.hi}) is undecided: "
                             f"its critical points could not be listed ({exc})")
        elif x not in iv.expr.free_symbols:
            cands.append(iv.expr)
    if not cands:
        return Bound(None, None, note=f"inf {name}: no candidate value was found")
    return Bound(_min([budget.attempt(lambda v=v: sp.simplify(v), budget.STEP, v) for v in cands]))
