"""Smoothness and global properties of a loss, read off its interval table.

One-sided values of ``f^(k)`` at a breakpoint come from the neighbouring intervals' analytic
expressions, never from ``sympy.limit`` on the whole ``Piecewise``: that returns silently
wrong one-sided limits at numeric breakpoints (sympy #23836: it picks the piece that holds *at*
the point, ignoring the direction) and raises at symbolic ones (``reference/sympy.md`` F3.2,
F3.3). ``limit`` is used only on a single analytic expression, where it is reliable.

Zero tests are three-valued: sympy proves zero / nonzero, or, when it cannot, the jump is
evaluated at the table's generic parameter samples and the report says it decided numerically.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sympy as sp

from .symbols import x
from .table import Interval, IntervalTable, tidy

if TYPE_CHECKING:
    from .loss import Loss

__all__ = [
    "ZeroTest",
    "BreakpointReport",
    "LossReport",
    "analyse",
    "class_name",
    "parse_class",
    "is_zero",
    "one_sided",
]

#: Derivative orders examined at a breakpoint before giving up on finding a jump.
MAX_ORDER = 8


@dataclass(frozen=True)
class ZeroTest:
    """Whether an expression is zero: ``value`` is True, False or None (undecided).

    ``method`` is ``"symbolic"`` (proved by sympy) or ``"numeric"`` (checked at sampled
    parameter values, 30 significant digits); ``condition`` lists parameter values where a
    numerically nonzero jump vanishes, when sympy can solve for them.
    """

    value: bool | None
    method: str
    condition: str = ""
    simplest: sp.Expr | None = None  # the shortest equivalent form the ladder found


def is_zero(expr: sp.Expr, samples=()) -> ZeroTest:
    """Three-valued zero test: a cheap ladder of rewrites, then a numeric check."""
    if expr.has(sp.nan):
        return ZeroTest(None, "symbolic", simplest=expr)
    candidates = [expr]
    for rewrite in (
        sp.cancel,
        sp.together,
        lambda e: sp.expand_log(e, force=True),
        sp.simplify,
    ):
        try:
            candidates.append(rewrite(candidates[-1]))
        except (NotImplementedError, TypeError):  # pragma: no cover - rewrite limits
            continue
    simplest = min(candidates, key=lambda e: (sp.count_ops(e), sp.default_sort_key(e)))
    for e in candidates:
        if e == 0:
            return ZeroTest(True, "symbolic", simplest=sp.S.Zero)
        z = e.is_zero
        if z is not None:
            return ZeroTest(z, "symbolic", simplest=sp.S.Zero if z else simplest)
    t = _numeric_zero(candidates[-1], samples)
    return ZeroTest(t.value, t.method, t.condition, sp.S.Zero if t.value else simplest)


def _numeric_zero(expr: sp.Expr, samples) -> ZeroTest:
    values = []
    for s in samples or ({},):
        v = sp.N(expr.xreplace(s), 30)
        if not v.is_number:
            return ZeroTest(None, "numeric")
        values.append(abs(complex(v)))
    zero = [v < 1e-20 for v in values]
    if all(zero):
        return ZeroTest(True, "numeric")
    if any(zero):
        return ZeroTest(None, "numeric")
    cond = ""
    free = sorted(expr.free_symbols, key=str)
    if len(free) == 1:
        try:
            roots = [r for r in sp.solve(expr, free[0]) if r.is_real is not False]
        except NotImplementedError:
            roots = []
        roots = [r for r in roots if _admissible(free[0], r)]
        if roots:
            cond = " or ".join(f"{free[0]} = {r}" for r in roots)
    return ZeroTest(False, "numeric", cond)


def _admissible(sym: sp.Symbol, value: sp.Expr) -> bool:
    v = sp.N(value)
    if not v.is_real:
        return False
    if sym.is_positive:
        return bool(v > 0)
    if sym.is_nonnegative:
        return bool(v >= 0)
    if sym.is_negative:
        return bool(v < 0)
    return True


def _infinite(value: sp.Expr) -> bool:
    return bool(value.has(sp.oo, -sp.oo, sp.zoo))


def one_sided(expr: sp.Expr, point: sp.Expr, side: str) -> sp.Expr:
    """Limit of one piece's analytic expression at ``point`` from ``side`` ('-' or '+').

    Substitution suffices for an analytic expression; ``limit`` (on this single expression,
    where it is reliable) handles removable singularities and infinite points.
    """
    if point in (sp.oo, -sp.oo):
        return sp.limit(expr, x, point)
    value = expr.xreplace({x: point})
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        value = sp.limit(expr, x, point, side)
    return value


# -- smoothness classes -------------------------------------------------------------------


def class_name(order: int | float) -> str:
    """-1 -> 'discontinuous', k -> 'Ck', inf -> 'Cinf'."""
    if order == math.inf:
        return "Cinf"
    return "discontinuous" if order < 0 else f"C{int(order)}"


def parse_class(text: str) -> float:
    """Parse 'discontinuous', 'C0', 'C1', ..., 'Cinf' (case-insensitive) into a rank."""
    t = text.strip().lower()
    if t in ("discontinuous", "c-1"):
        return -1
    if t in ("cinf", "c∞", "c_inf", "c-inf", "smooth"):
        return math.inf
    if t.startswith("c") and t[1:].isdigit():
        return int(t[1:])
    raise ValueError(
        f"unknown smoothness class {text!r} (expected discontinuous, C0, C1, ..., Cinf)"
    )


@dataclass(frozen=True)
class BreakpointReport:
    """Smoothness at one breakpoint.

    ``left[k]``/``right[k]`` are ``f^(k)`` at ``at-``/``at+``; ``jumps[k] = right[k] - left[k]``,
    listed up to and including the first order that jumps (all zeros for ``Cinf``).
    ``value`` is f at the point (the owning piece's value); a value that differs from both
    sides' limits makes the point a removable discontinuity.
    """

    at: sp.Expr
    kind: str
    owner: int
    value: sp.Expr
    left: tuple[sp.Expr, ...]
    right: tuple[sp.Expr, ...]
    jumps: tuple[sp.Expr, ...]
    tests: tuple[ZeroTest, ...]
    order: float  # -1 discontinuous, k for Ck, inf for Cinf

    @property
    def cls(self) -> str:
        return class_name(self.order)

    @property
    def numeric(self) -> bool:
        return any(t.method == "numeric" for t in self.tests)

    @property
    def undecided(self) -> bool:
        return any(t.value is None for t in self.tests)


def breakpoint_report(table: IntervalTable, k: int) -> BreakpointReport:
    bp = table.breakpoints[k]
    left_iv, right_iv = table.neighbours(k)
    lefts, rights, jumps, tests = [], [], [], []
    gl, gr = left_iv.expr, right_iv.expr
    order: float = math.inf
    same = is_zero(gr - gl, table.samples)
    for n in range(MAX_ORDER + 1):
        if same.value is True:
            break
        lv, rv = one_sided(gl, bp.at, "-"), one_sided(gr, bp.at, "+")
        if _infinite(lv) or _infinite(rv):
            # an unbounded one-sided derivative (|x|**1.5 has f'' -> oo at 0) does not join,
            # whatever the other side does; oo - oo must not become "undecided"
            test = ZeroTest(False, "symbolic", simplest=sp.oo)
        else:
            test = is_zero(rv - lv, table.samples)
        lefts.append(tidy(lv))
        rights.append(tidy(rv))
        jumps.append(tidy(test.simplest))
        tests.append(test)
        if test.value is not True:
            order = n - 1
            break
        gl, gr = sp.diff(gl, x), sp.diff(gr, x)
    else:
        order = MAX_ORDER  # all checked orders join; report the proven part only
    if same.value is True:
        tests.append(same)
    # f at the point itself must match the one-sided limits (a removable discontinuity
    # otherwise, e.g. a separate piece for x == 0).
    limit0 = lefts[0] if lefts else one_sided(left_iv.expr, bp.at, "-")
    at_point = is_zero(tidy(bp.value - limit0), table.samples)
    if at_point.value is not True:
        order = -1
        tests.append(at_point)
    return BreakpointReport(
        bp.at,
        bp.kind,
        bp.owner,
        bp.value,
        tuple(lefts),
        tuple(rights),
        tuple(jumps),
        tuple(tests),
        order,
    )


# -- global properties --------------------------------------------------------------------


@dataclass(frozen=True)
class LossReport:
    """Everything the analysis decides about a loss."""

    breakpoints: tuple[BreakpointReport, ...]
    symmetric: bool | None
    convex: bool | None
    gradient_bound: sp.Expr
    growth: str
    value_at_zero: sp.Expr
    minimum_at_zero: bool | None
    notes: tuple[str, ...] = field(default=())

    @property
    def order(self) -> float:
        return min((b.order for b in self.breakpoints), default=math.inf)

    @property
    def cls(self) -> str:
        return class_name(self.order)

    @property
    def numeric(self) -> bool:
        return any(b.numeric for b in self.breakpoints) or any(
            "numerically" in n for n in self.notes
        )


def analyse(loss: Loss) -> LossReport:
    """Smoothness at every breakpoint and the global properties of ``loss``."""
    table = loss.table
    notes: list[str] = []
    bps = tuple(breakpoint_report(table, k) for k in range(len(table.breakpoints)))
    notes += [
        f"assumed {a} < {b}: true at the sampled parameter values, but sympy could not prove it"
        for a, b in table.assumed_order
    ]
    for b in bps:
        for t in b.tests:
            if t.method == "numeric":
                what = "zero" if t.value else "nonzero" if t.value is False else "undecided"
                notes.append(
                    f"at x = {b.at}: a jump was decided numerically ({what}) at sampled "
                    "parameter values"
                    + (f"; it vanishes when {t.condition}" if t.condition else "")
                )
    notes += _unknown_conditions(loss, bps)
    notes = list(dict.fromkeys(notes))
    symmetric = _symmetric(table)
    d1 = table.diff(1)
    d2 = table.diff(2)
    convex = _convex(table, d1, d2, bps, notes)
    bound = _sup_abs(d1, d2, notes)
    growth = _growth(table)
    try:
        v0 = table.value_at(sp.S.Zero)
    except ValueError:
        v0 = sp.nan
    minimum = _minimum_at_zero(table, v0, notes)
    return LossReport(bps, symmetric, convex, bound, growth, v0, minimum, tuple(notes))


def _unknown_conditions(loss: Loss, bps: tuple[BreakpointReport, ...]) -> list[str]:
    """For a spec with unsolved unknowns: the values that would close each jump."""
    unknowns = [p.symbol for p in loss.params if p.name in loss.unknowns]
    notes = []
    for b in bps:
        if not b.jumps or b.order == math.inf:
            continue
        k, jump = len(b.jumps) - 1, b.jumps[-1]
        if not jump.free_symbols & set(unknowns):
            continue
        try:
            sols = sp.solve(jump, [u for u in unknowns if u in jump.free_symbols], dict=True)
        except NotImplementedError:
            sols = []
        if sols:
            values = ", ".join(f"{k_} = {v}" for k_, v in sols[0].items())
            notes.append(
                f"at x = {b.at}: f{chr(39) * k} jumps by {jump}; it vanishes when {values} "
                "(lossmath solve finds the values for every breakpoint at once)"
            )
    return notes


def _symmetric(table: IntervalTable) -> bool | None:
    """Even: breakpoints mirror each other, f(-x) = f(x) on mirrored intervals and points."""
    pts = table.points
    for a, b in zip(pts, reversed(pts)):
        t = is_zero(a + b, table.samples)
        if t.value is not True:
            return t.value
    for iv, mirror in zip(table.intervals, reversed(table.intervals)):
        if not _identically_zero(iv.expr - mirror.expr.xreplace({x: -x}), iv, table.samples):
            return False
    for bp, mirror in zip(table.breakpoints, reversed(table.breakpoints)):
        t = is_zero(bp.value - mirror.value, table.samples)
        if t.value is not True:
            return t.value
    return True


def _identically_zero(expr: sp.Expr, iv: Interval, samples) -> bool:
    """Is an expression in ``x`` zero on the whole interval? Symbolic, else on a grid."""
    t = is_zero(expr, samples)
    if t.value is not None and t.method == "symbolic":
        return t.value
    return all(
        abs(complex(sp.N(expr.xreplace({**s, x: p}), 30))) < 1e-20
        for s in samples or ({},)
        for p in _grid(iv, s)
    )


def _reparametrise(iv: Interval) -> tuple[sp.Expr, sp.Symbol]:
    """``x`` as a function of a positive ``t`` sweeping the open interval.

    Lets sympy's assumption system decide signs on an interval: ``f''(beta + t) >= 0`` with
    ``t > 0`` is a question ``is_nonnegative`` can answer; "x in (a, b)" is not.
    """
    t = sp.Dummy("t", positive=True)
    if iv.lo == -sp.oo and iv.hi == sp.oo:
        return sp.Dummy("s", real=True), t
    if iv.lo == -sp.oo:
        return iv.hi - t, t
    if iv.hi == sp.oo:
        return iv.lo + t, t
    return iv.lo + (iv.hi - iv.lo) * t / (1 + t), t


def _grid(iv: Interval, s) -> list[sp.Rational]:
    lo, hi = iv.lo.xreplace(s), iv.hi.xreplace(s)
    if lo == -sp.oo and hi == sp.oo:
        return [sp.Rational(sign * 10**k, 7) for sign in (-1, 1) for k in range(-3, 6)] + [0]
    if lo == -sp.oo:
        h = sp.nsimplify(sp.N(hi, 20), rational=True)
        return [h - sp.Rational(10**k, 7) for k in range(-3, 6)]
    if hi == sp.oo:
        lo_ = sp.nsimplify(sp.N(lo, 20), rational=True)
        return [lo_ + sp.Rational(10**k, 7) for k in range(-3, 6)]
    a = sp.nsimplify(sp.N(lo, 20), rational=True)
    b = sp.nsimplify(sp.N(hi, 20), rational=True)
    return [a + (b - a) * sp.Rational(i, 16) for i in range(1, 16)]


def _sign_on(expr: sp.Expr, iv: Interval, samples, notes: list[str], what: str) -> bool | None:
    """Is ``expr >= 0`` on the open interval? Symbolic first, then a numeric grid."""
    sub, _ = _reparametrise(iv)
    e = expr.xreplace({x: sub})
    nonneg = e.is_nonnegative
    if nonneg is None:
        nonneg = sp.simplify(e).is_nonnegative
    if nonneg is not None:
        return nonneg
    for s in samples or ({},):
        for t in _grid(iv, s):
            v = sp.N(expr.xreplace({**s, x: t}), 20)
            if v.is_real and v < -1e-15:
                return False
    notes.append(f"{what} on ({iv.lo}, {iv.hi}) was checked numerically on a grid")
    return True


def _convex(table, d1, d2, bps, notes) -> bool | None:
    if any(b.order < 0 for b in bps):  # a convex function on the real line is continuous
        return False
    for iv in d2.intervals:
        ok = _sign_on(iv.expr, iv, table.samples, notes, "f'' >= 0")
        if ok is not True:
            return ok
    for k, bp in enumerate(d1.breakpoints):
        left, right = d1.neighbours(k)
        jump = one_sided(right.expr, bp.at, "+") - one_sided(left.expr, bp.at, "-")
        nonneg = sp.simplify(jump).is_nonnegative
        if nonneg is None:
            vals = [sp.N(jump.xreplace(s)) for s in table.samples]
            nonneg = all(v >= 0 for v in vals)
            notes.append(f"the slope jump at x = {bp.at} was checked numerically")
        if not nonneg:
            return False
    return True


def _sup_abs(d1: IntervalTable, d2: IntervalTable, notes: list[str]) -> sp.Expr:
    """sup |f'| over the real line: endpoint limits and interior critical points of f'."""
    cands: list[sp.Expr] = []
    for iv, iv2 in zip(d1.intervals, d2.intervals):
        for end, side in ((iv.lo, "+"), (iv.hi, "-")):
            cands.append(one_sided(iv.expr, end, side))
        if iv2.expr.is_zero or x not in iv2.expr.free_symbols:
            continue
        try:
            crit = sp.solveset(iv2.expr, x, sp.S.Reals)
        except NotImplementedError:
            crit = None
        if crit is sp.S.EmptySet:
            continue
        if not isinstance(crit, sp.FiniteSet):
            grid_vals = [
                abs(sp.N(iv.expr.xreplace({**s, x: t}))) for s in d1.samples for t in _grid(iv, s)
            ]
            notes.append(
                f"sup |f'| on ({iv.lo}, {iv.hi}) was estimated numerically "
                f"(max on a grid {max(grid_vals):.6g} at the first sample)"
            )
            continue
        s0 = d1.samples[0]
        lo, hi = sp.N(iv.lo.xreplace(s0)), sp.N(iv.hi.xreplace(s0))
        for c in crit:
            cv = sp.N(c.xreplace(s0))
            if cv.is_real and lo < cv < hi:
                cands.append(iv.expr.xreplace({x: c}))
    values = []
    for c in cands:
        a = sp.Abs(c)
        if a.has(sp.oo, sp.zoo, sp.nan):
            return sp.oo
        values.append(sp.simplify(a))
    # Drop candidates another one provably dominates: sympy's Max cannot see that
    # w/(epsilon + w) <= 1 for positive parameters, but cancel(1 - w/(epsilon + w)) can.
    kept: list[sp.Expr] = []
    for v in dict.fromkeys(values):
        if any(sp.cancel(k - v).is_nonnegative for k in kept):
            continue
        kept = [k for k in kept if not sp.cancel(v - k).is_nonnegative] + [v]
    return sp.simplify(sp.Max(*kept)) if kept else sp.S.Zero


_GROWTH = {0: "bounded", 1: "linear", 2: "quadratic", 3: "cubic", 4: "quartic"}


def _growth_side(expr: sp.Expr, direction: sp.Expr) -> tuple[float, str]:
    lim = sp.limit(expr, x, direction)
    if lim.is_finite:
        return 0.0, "bounded"
    t = sp.Dummy("t", positive=True)
    e = sp.Abs(expr.xreplace({x: t if direction == sp.oo else -t}))
    p = sp.limit(sp.log(e) / sp.log(t), t, sp.oo)
    if p == 0:
        return 0.5, "logarithmic"
    if p == sp.oo:
        return math.inf, "superpolynomial"
    if p.is_number:
        pv = float(p)
        name = _GROWTH.get(int(p), f"power {p}") if p.is_integer else f"power {p}"
        return pv, name
    return math.nan, f"power {p}"


def _growth(table: IntervalTable) -> str:
    try:
        left = _growth_side(table.intervals[0].expr, -sp.oo)
        right = _growth_side(table.intervals[-1].expr, sp.oo)
    except (NotImplementedError, ValueError, TypeError):
        return "unknown"
    if left[1] == right[1]:
        return right[1]
    return f"{left[1]} as x -> -oo, {right[1]} as x -> oo"


def _minimum_at_zero(table: IntervalTable, v0: sp.Expr, notes: list[str]) -> bool | None:
    """f(0) = 0 and f >= 0 on every interval and at every breakpoint."""
    if is_zero(v0, table.samples).value is not True:
        return False
    for iv in table.intervals:
        ok = _sign_on(iv.expr, iv, table.samples, notes, "f >= 0")
        if ok is not True:
            return ok
    for bp in table.breakpoints:
        if bp.value.is_negative or sp.N(bp.value.xreplace(table.samples[0])) < 0:
            return False
    return True
