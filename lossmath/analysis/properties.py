"""Global properties decided on the function, not on the shape of its table.

- **Symmetry**: ``f(x) - f(-x)`` on every interval of the partition refined by the mirrored
  breakpoints, and at every such point; an even function written with a redundant split is
  still even. Disproved only with a point where the difference is certified nonzero.
- **Convexity**: continuity, ``f'' >= 0`` on every interval and a nonnegative slope jump at
  every breakpoint (:mod:`lossmath.analysis.signs`).
- **Growth** as ``x -> ±oo`` from the limits of ``log|f| / log|x|`` on the outer pieces.
- **Minimum at 0**: ``f(0) = 0`` and ``f >= 0`` everywhere.

Each is True, False or None (undecided, with a note saying why).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy as sp

from lossmath.analysis.notes import NUMERIC, Note
from lossmath.analysis.signs import nonnegative_on
from lossmath.analysis.smoothness import BreakpointReport
from lossmath.analysis.tails import SignDepends, assumed_sign
from lossmath.base import budget
from lossmath.base.errors import Undecided
from lossmath.base.symbols import x
from lossmath.core.table import IntervalTable
from lossmath.exact.asymptotics import NoLeadingTerm, limit_kind
from lossmath.exact.asymptotics import lead as leading_term
from lossmath.exact.sampling import inside, numeric
from lossmath.exact.zeros import NO_LIMIT, certified_value, is_zero, one_sided

__all__ = ["convex", "growth", "minimum_at_zero", "symmetric"]

Sample = Mapping[sp.Symbol, sp.Expr]


def _locate(table: IntervalTable, t_at: Sequence[sp.Expr]) -> int:
    """Index of the interval containing the point whose values at the samples are ``t_at``."""
    found = set()
    for s, t in zip(table.samples, t_at):
        for i, iv in enumerate(table.intervals):
            lo = -sp.oo if iv.lo == -sp.oo else numeric(iv.lo.xreplace(s))
            hi = sp.oo if iv.hi == sp.oo else numeric(iv.hi.xreplace(s))
            if lo < t < hi:
                found.add(i)
                break
    if len(found) != 1:
        raise Undecided("the mirror image of an interval depends on the parameters")
    return found.pop()


def _value_at(table: IntervalTable, p: sp.Expr) -> sp.Expr:
    for bp in table.breakpoints:
        if is_zero(bp.at - p, table.samples).value is True:
            return bp.value
    keys = [numeric(p.xreplace(s)) for s in table.samples]
    return table.intervals[_locate(table, keys)].expr.xreplace({x: p})


def _nonzero_somewhere(d: sp.Expr, lo: sp.Expr, hi: sp.Expr, samples) -> sp.Expr | None:
    """A point of ``(lo, hi)`` where ``d`` is certified nonzero at the first sample, or None.
    The point is an expression in the interval's ends, so it stays inside for every
    parameter value."""
    pos = [inside(lo, hi)] if not (lo.free_symbols | hi.free_symbols) else []
    if lo != -sp.oo and hi != sp.oo:
        pos += [lo + (hi - lo) * r for r in (sp.Rational(3, 7), sp.Rational(5, 7))]
    elif lo != -sp.oo:
        pos += [lo + r for r in (sp.Rational(3, 7), sp.Rational(17, 3))]
    elif hi != sp.oo:
        pos += [hi - r for r in (sp.Rational(3, 7), sp.Rational(17, 3))]
    for t in pos:
        v = certified_value(d.xreplace({x: t}).xreplace(dict(samples[0])))
        if v is not None and v != 0:
            return t
    return None


def _solve_or_none(e: sp.Expr, s: sp.Symbol) -> list:
    """``sp.solve``, or no roots where sympy has no method (it raises NotImplementedError for
    ``-c**2 + c**2*exp(-1/c**2) - 1``: "multiple generators")."""
    try:
        return sp.solve(e, s)
    except NotImplementedError:
        return []


def _not_symmetric(d: sp.Expr, t: sp.Expr) -> tuple[bool | None, str]:
    """``f(x) - f(-x) = d`` is nonzero at ``x = t`` for the first sample: False if it is
    nonzero there for every parameter value, else undecided (it depends on them)."""
    at = d.xreplace({x: t})
    if not (at.free_symbols - {x}):
        return False, ""
    if budget.attempt(lambda: sp.simplify(at).is_zero, budget.STEP, None) is False:
        return False, ""
    free = sorted(at.free_symbols, key=str)
    cond = ""
    if len(free) == 1:
        roots = budget.attempt(lambda: _solve_or_none(at, free[0]), budget.STEP, [])
        if roots:
            cond = f" (f(x) = f(-x) at x = {t} only when " + " or ".join(
                f"{free[0]} = {r}" for r in roots
            ) + ")"
    names = ", ".join(str(s) for s in free)
    return None, f"symmetry: f is not even for sampled values of {names}; it depends on them{cond}"


def symmetric(table: IntervalTable) -> tuple[bool | None, str]:
    """Is ``f`` even? ``(verdict, note)``."""
    samples = table.samples
    pts = list(table.points) + [-p for p in table.points]
    keyed = []
    for p in pts:
        key = tuple(numeric(p.xreplace(s)) for s in samples)
        seen = any(all(abs(a - b) <= 1e-25 * abs(a) for a, b in zip(key, k)) for k, _ in keyed)
        if not seen:
            keyed.append((key, p))
    keyed.sort(key=lambda kp: kp[0][0])
    bounds = [-sp.oo, *(p for _, p in keyed), sp.oo]
    undecided = ""
    for lo, hi in zip(bounds, bounds[1:]):
        mids = [inside(lo.xreplace(s), hi.xreplace(s)) for s in samples]
        i = _locate(table, mids)
        j = _locate(table, [-m for m in mids])
        d = table.intervals[i].expr - table.intervals[j].expr.xreplace({x: -x})
        t = is_zero(d, samples)
        if t.value is True:
            continue
        where = _nonzero_somewhere(d, lo, hi, samples)
        if where is not None:
            return _not_symmetric(d, where)
        undecided = f"f(x) - f(-x) on ({lo}, {hi}) could not be proved zero or nonzero"
    for _, p in keyed:
        d = _value_at(table, p) - _value_at(table, -p)
        t = is_zero(d, samples)
        if t.value is False and (t.method == "symbolic" or not (d.free_symbols - {x})):
            return False, ""
        if t.value is False:
            return None, f"symmetry: f({p}) = f({-p}) fails for the sampled parameter values"
        if t.value is None:
            undecided = f"f({p}) - f({-p}) could not be proved zero or nonzero"
    return (None, undecided) if undecided else (True, "")


def convex(
    table: IntervalTable, d1: IntervalTable, d2: IntervalTable, bps: Sequence[BreakpointReport]
) -> tuple[bool | None, list[str]]:
    """Is ``f`` convex on the real line? ``(verdict, notes)``."""
    notes: list[str] = []
    verdict: bool | None = True
    if any(b.order < 0 and b.exact for b in bps):
        return False, notes  # a convex function on the real line is continuous
    if any(b.order < 0 for b in bps):
        verdict = None
        notes.append("convexity: continuity could not be proved")
    for iv in d2.intervals:
        s = nonnegative_on(iv.expr, iv.lo, iv.hi, table.samples, "f'' >= 0")
        if s.value is False:
            return False, []
        if s.value is None:
            verdict = None
            notes.append(f"convexity: {s.note}")
        elif s.method == "numeric":
            notes.append(Note(NUMERIC, f"convexity: f'' >= 0 on ({iv.lo}, {iv.hi}) certified "
                              "numerically"))
    for k, bp in enumerate(d1.breakpoints):
        left, right = d1.neighbours(k)
        try:
            jump = one_sided(right.expr, bp.at, "+", d1.samples) - one_sided(
                left.expr, bp.at, "-", d1.samples
            )
        except Undecided as exc:
            verdict = None
            notes.append(f"convexity: the slope jump at x = {bp.at}: {exc}")
            continue
        if jump.has(NO_LIMIT):
            verdict = None
            notes.append(f"convexity: f' has no one-sided limit at x = {bp.at}")
            continue
        s = nonnegative_on(jump, sp.S.Zero, sp.S.One, table.samples, f"the slope jump at {bp.at}")
        if s.value is False:
            return False, []
        if s.value is None:
            verdict = None
            notes.append(f"convexity: {s.note}")
    return verdict, notes


_GROWTH = {0: "bounded", 1: "linear", 2: "quadratic", 3: "cubic", 4: "quartic"}


def growth_name(d: sp.Expr, logs: sp.Expr = sp.S.Zero) -> str:
    """The name of the growth scale ``|x|**d * log|x|**logs`` (``d > 0``, or ``d = 0`` and
    ``logs > 0``): ``"linear"``, ``"quadratic"``, ``"power 3/2"``, ``"logarithmic"``, and
    with a log factor the scale itself, ``"x*log(x)"`` or ``"x**2/log(x)"`` (neither is
    linear nor quadratic: ``x*log(x)/x -> oo``, ``(x**2/log(x))/x**2 -> 0``)."""
    if logs == 0:
        if d == 0:
            return "logarithmic"  # never reached: d = 0 with no log factor is bounded
        return _GROWTH.get(int(d), f"power {d}") if d.is_Integer else f"power {d}"
    if d == 0 and logs == 1:
        return "logarithmic"
    t = sp.Symbol("x", positive=True)
    return sp.sstr(t**d * sp.log(t)**logs)


def _rational_growth(expr: sp.Expr) -> str | None:
    """Growth of a rational function from its degrees (no limits needed), else None."""
    if not expr.is_rational_function(x):
        return None
    num, den = sp.fraction(sp.cancel(sp.together(expr)))
    try:
        d = sp.degree(num, x) - sp.degree(den, x)
    except sp.PolynomialError:
        return None
    if d <= 0:
        return "bounded"
    return _GROWTH.get(int(d), f"power {d}")


def _lead_growth(expr: sp.Expr, direction: sp.Expr) -> str | None:
    """Growth from the leading term ``K x**d log(x)**l exp(E)`` (:mod:`lossmath.exact.asymptotics`)
    when its signs hold for every parameter value, else None. Milliseconds, where the limit of
    ``log|f|/log x`` takes sympy seconds."""
    e = expr if direction == sp.oo else expr.xreplace({x: -x})
    try:
        lead = leading_term(e, assumed_sign)
        order = limit_kind(e, sp.oo, assumed_sign)
        if order != "infinite":
            return "bounded"
        if lead.exp_arg != 0:
            return "superpolynomial"
        d, logs = sp.expand(lead.exponent), sp.expand(lead.logs)
    except SignDepends as exc:
        raise Undecided(f"the growth depends on the parameters ({exc})") from None
    except NoLeadingTerm:
        return None
    return growth_name(d, logs)


def _growth_side(expr: sp.Expr, direction: sp.Expr) -> str:
    fast = _rational_growth(expr)
    if fast is not None:
        return fast
    fast = _lead_growth(expr, direction)
    if fast is not None:
        return fast
    lim = one_sided(expr, direction, "")
    if lim is NO_LIMIT:
        raise Undecided("f oscillates at infinity")
    if lim.is_finite:
        return "bounded"
    t = sp.Dummy("t", positive=True)
    e = sp.Abs(expr.xreplace({x: t if direction == sp.oo else -t}))
    p = budget.attempt(lambda: sp.limit(sp.log(e) / sp.log(t), t, sp.oo), budget.STEP, None)
    if p is None or p.has(sp.Limit):
        raise Undecided("the growth rate could not be found")
    if p == sp.oo:
        return "superpolynomial"
    if p.is_number:
        return _scale(e, t, p)
    return f"power {p}"


def _scale(e: sp.Expr, t: sp.Symbol, p: sp.Expr) -> str:
    """The growth scale of ``e > 0`` as ``t -> oo`` when ``log e / log t -> p``: ``t**p``
    itself only when ``e / t**p`` has a finite nonzero limit, else ``t**p * log(t)**q``
    with ``q`` from ``log(e / t**p) / log(log t)``, verified the same way (``t log t`` and
    ``t**2 / log t`` have ``p = 1``, ``2`` and are neither linear nor quadratic)."""

    def lim(g: sp.Expr) -> sp.Expr | None:
        v = budget.attempt(lambda: sp.limit(g, t, sp.oo), budget.STEP, None)
        return None if v is None or v.has(sp.Limit) else v

    def scale_of(q: sp.Expr) -> bool:
        r = lim(e / (t**p * sp.log(t)**q))
        return r is not None and bool(r.is_positive) and bool(r.is_finite)

    if p != 0 and scale_of(sp.S.Zero):
        return growth_name(p)
    q = lim(sp.log(e / t**p) / sp.log(sp.log(t)))
    if q is None or not q.is_number or not q.is_finite or q == 0 or not scale_of(q):
        raise Undecided(f"|f| grows like |x|**{p} up to a factor slower than any power, "
                        "and its scale could not be found")
    return growth_name(p, q)


def growth(table: IntervalTable) -> tuple[str | None, str]:
    """How ``f`` grows as ``x -> ±oo``: ``(name, note)``; None when undecided."""
    try:
        left = _growth_side(table.intervals[0].expr, -sp.oo)
        right = _growth_side(table.intervals[-1].expr, sp.oo)
    except (Undecided, NotImplementedError, ValueError, TypeError) as exc:
        return None, f"growth: {exc}"
    if left == right:
        return right, ""
    return f"{left} as x -> -oo, {right} as x -> oo", ""


def _halves(lo: sp.Expr, hi: sp.Expr, samples) -> list[tuple[sp.Expr, sp.Expr]]:
    """``(lo, hi)`` split at 0 when 0 lies inside it."""
    lo_n = [-sp.oo if lo == -sp.oo else numeric(lo.xreplace(s)) for s in samples]
    hi_n = [sp.oo if hi == sp.oo else numeric(hi.xreplace(s)) for s in samples]
    if all(a < 0 < b for a, b in zip(lo_n, hi_n)):
        return [(lo, sp.S.Zero), (sp.S.Zero, hi)]
    return [(lo, hi)]


def minimum_at_zero(
    table: IntervalTable, d1: IntervalTable, bps: Sequence[BreakpointReport], v0: sp.Expr
) -> tuple[bool | None, list[str]]:
    """``f(0) = 0`` and ``f >= 0`` everywhere.

    On each interval either ``f >= 0`` is proved directly, or ``f`` is continuous and
    monotone towards 0 (``f' >= 0`` right of 0, ``f' <= 0`` left of it), which with
    ``f(0) = 0`` gives the same: ``log(cosh(x)) >= 0`` follows from ``tanh(x) >= 0`` on
    ``x > 0``, which sympy proves, where interval arithmetic cannot prove a touching zero.
    """
    if v0 is sp.nan:
        return None, ["f(0) could not be evaluated"]
    z = is_zero(v0, table.samples)
    if z.value is False:
        if z.method == "numeric" and v0.free_symbols and not v0.is_nonzero and (
                z.condition or len(v0.free_symbols) > 1):
            # nonzero at the samples only: for some allowed values f(0) = 0 (log(c) at c = 1)
            where = f" ({z.condition})" if z.condition else ""
            return None, [f"minimum at 0: f(0) = {v0} is 0 for some parameter values{where}"]
        return False, []
    verdict: bool | None = True if z.value else None
    notes: list[str] = []
    continuous = all(b.order >= 0 for b in bps)  # a lower bound >= 0 is enough
    for iv, div in zip(table.intervals, d1.intervals):
        for lo, hi in _halves(iv.lo, iv.hi, table.samples):
            right = lo != -sp.oo and numeric(lo.xreplace(table.samples[0])) >= 0
            slope = div.expr if right else -div.expr
            if continuous:
                mono = nonnegative_on(slope, lo, hi, table.samples, "monotonicity")
                if mono.value is True:
                    continue
            s = nonnegative_on(iv.expr, lo, hi, table.samples, "f >= 0")
            if s.value is False:
                return False, []
            if s.value is None:
                verdict = None
                notes.append(f"minimum at 0: {s.note}")
    for bp in table.breakpoints:
        s = nonnegative_on(bp.value, sp.S.Zero, sp.S.One, table.samples, f"f({bp.at}) >= 0")
        if s.value is False:
            return False, []
        if s.value is None:
            verdict = None
    return verdict, notes
