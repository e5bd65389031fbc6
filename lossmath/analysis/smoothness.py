"""The smoothness class at each breakpoint: proved exact, or a lower bound that says so.

At a breakpoint ``p`` with left expression ``g_l`` and right expression ``g_r``:

1. **Both sides analytic at p** (no singular argument vanishes there). Then
   ``D = g_r - g_l`` is analytic at ``p``: either ``D = 0`` identically (C∞, exact), or it
   vanishes at ``p`` to a finite order ``m`` and the class is exactly ``C^(m-1)``, the jump
   being ``D^(m)(p)``. For a polynomial ``D`` the order is read off its expansion in
   ``x - p`` at any degree (``x**10 if x > 0 else 0`` is C9); otherwise derivatives are
   taken until one is proved nonzero.
2. **A side is not analytic at p** (``sqrt(x**2 + x**6)``, ``x*sin(1/x)``, ``exp(-1/x)``).
   One-sided limits of ``f^(k)`` are taken order by order: an infinite limit or one that
   does not exist (oscillation) ends the class exactly. When every examined order joins, C∞
   is claimed only with a flatness proof (a side of the form ``R(x)·exp(S(x))`` with rational
   ``R``, ``S`` and ``S → -∞`` at ``p`` has every derivative tending to 0); otherwise the
   class is reported as a lower bound (``exact=False``).

A jump sympy can neither prove zero nor nonzero also ends with a lower bound. The value at
the point itself must equal the one-sided limits, or the point is a removable discontinuity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sympy as sp

from lossmath.base.errors import Undecided
from lossmath.base.symbols import x
from lossmath.core.table import IntervalTable, tidy
from lossmath.exact.zeros import NO_LIMIT, ZeroTest, analytic_at, is_zero, one_sided

__all__ = [
    "BreakpointReport",
    "MAX_ORDER",
    "breakpoint_report",
    "class_name",
    "parse_class",
]

#: derivative orders examined one-sidedly at a point where a side is not analytic
MAX_ORDER = 8
#: derivative orders examined when both sides are analytic and the difference is not a
#: polynomial (a polynomial difference is exact at any degree)
MAX_ANALYTIC_ORDER = 24


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
    if t.startswith("c") and t[1:].isdigit() and len(t) < 6:
        return int(t[1:])
    raise ValueError(
        f"unknown smoothness class {text!r} (expected discontinuous, C0, C1, ..., Cinf)"
    )


@dataclass(frozen=True)
class BreakpointReport:
    """Smoothness at one breakpoint.

    ``left[k]``/``right[k]`` are ``f^(k)`` at ``at-``/``at+``; ``jumps[k] = right[k] - left[k]``,
    listed up to and including the first order that jumps (all zeros for ``Cinf``). A jump is
    ``oo`` when a one-sided derivative is unbounded and ``nan`` when a one-sided limit does
    not exist. ``order`` is the class (-1 discontinuous, k for Ck, inf for Cinf); when
    ``exact`` is False it is only a lower bound and ``reason`` says why.
    """

    at: sp.Expr
    kind: str
    owner: int
    value: sp.Expr
    left: tuple[sp.Expr, ...]
    right: tuple[sp.Expr, ...]
    jumps: tuple[sp.Expr, ...]
    tests: tuple[ZeroTest, ...]
    order: float
    exact: bool = True
    reason: str = ""

    @property
    def cls(self) -> str:
        return class_name(self.order)

    @property
    def numeric(self) -> bool:
        return any(t.method == "numeric" for t in self.tests)

    @property
    def undecided(self) -> bool:
        return not self.exact


_NONZERO = ZeroTest(False, "symbolic")


def _infinite(value: sp.Expr) -> bool:
    return bool(value.has(sp.oo, -sp.oo, sp.zoo))


def _flat(g: sp.Expr, p: sp.Expr, side: str) -> bool:
    """``g`` and all its derivatives tend to 0 at ``p`` from ``side``.

    Proved for sums of terms ``R(x)·exp(S(x))`` with ``R``, ``S`` rational and
    ``S -> -oo`` at ``p``: every derivative is again ``R_n(x)·exp(S(x))`` with ``R_n``
    rational, and ``exp(S)`` decays faster than any power of ``1/(x - p)`` grows.
    """
    if g == 0:
        return True
    if g.is_Add:
        return all(_flat(term, p, side) for term in g.args)
    factors = g.args if g.is_Mul else (g,)
    exponent = sp.Add(*[f.args[0] for f in factors if isinstance(f, sp.exp)])
    rest = sp.Mul(*[f for f in factors if not isinstance(f, sp.exp)])
    if exponent == 0 or not (rest.is_rational_function(x) and exponent.is_rational_function(x)):
        return False
    try:
        return one_sided(exponent, p, side) == -sp.oo
    except Undecided:
        return False


def _polynomial_order(
    d: sp.Expr, p: sp.Expr, samples
) -> tuple[int, sp.Expr, ZeroTest] | None:
    """For a polynomial ``d``: ``(m, d^(m)(p), test)`` with ``m`` the order of its zero at
    ``p`` and ``test`` the proof that its coefficient is nonzero (symbolic, or certified at
    the parameter samples); None when ``d`` is not a polynomial in ``x`` or a coefficient is
    undecided."""
    if not d.is_polynomial(x):
        return None
    h = sp.Dummy("h")
    poly = sp.Poly(sp.expand(d.xreplace({x: p + h})), h)
    for m in range(poly.degree() + 1):
        c = poly.coeff_monomial(h**m)
        t = is_zero(c, samples)
        if t.value is None:
            return None
        if t.value is False:
            return m, tidy(c * sp.factorial(m)), t
    return None  # identically zero: the caller has already handled that


Result = tuple[list, list, list, list, float, bool, str]


@dataclass
class _Trace:
    """One-sided values and jumps collected order by order at a breakpoint."""

    samples: object
    lefts: list = field(default_factory=list)
    rights: list = field(default_factory=list)
    jumps: list = field(default_factory=list)
    tests: list = field(default_factory=list)

    def result(self, order: float, exact: bool = True, reason: str = "") -> Result:
        return self.lefts, self.rights, self.jumps, self.tests, order, exact, reason

    def compare(self, n: int, lv: sp.Expr, rv: sp.Expr) -> Result | None:
        """Record f^(n) at both sides; the result when order ``n`` ends the class."""
        self.lefts.append(tidy(lv))
        self.rights.append(tidy(rv))
        test = is_zero(rv - lv, self.samples)
        self.jumps.append(tidy(test.simplest if test.simplest is not None else rv - lv))
        self.tests.append(test)
        if test.value is False:
            return self.result(n - 1)
        if test.value is None:
            why = f"the jump of f^({n}) ({self.jumps[-1]}) could not be proved zero or nonzero"
            return self.result(n - 1, False, why)
        return None


def _analytic_join(gl: sp.Expr, gr: sp.Expr, p: sp.Expr, samples) -> Result:
    trace = _Trace(samples)
    same = is_zero(gr - gl, samples)
    if same.value is True:
        trace.tests.append(same)
        return trace.result(math.inf)
    poly = _polynomial_order(sp.expand(gr - gl), p, samples)
    if poly is not None:
        m, jump, nonzero = poly
        for n in range(m + 1):
            lv, rv = gl.diff(x, n).xreplace({x: p}), gr.diff(x, n).xreplace({x: p})
            trace.lefts.append(tidy(lv))
            trace.rights.append(tidy(rv))
            trace.jumps.append(sp.S.Zero if n < m else jump)
            trace.tests.append(ZeroTest(True, "symbolic") if n < m else nonzero)
        return trace.result(m - 1)
    dl, dr = gl, gr
    for n in range(MAX_ANALYTIC_ORDER + 1):
        try:  # substitution, or a limit at a removable singularity (sin(x)/x at 0)
            lv, rv = one_sided(dl, p, "-", samples), one_sided(dr, p, "+", samples)
        except Undecided as exc:
            return trace.result(n - 1, False, str(exc))
        done = trace.compare(n, lv, rv)
        if done is not None:
            return done
        dl, dr = dl.diff(x), dr.diff(x)
    return trace.result(
        MAX_ANALYTIC_ORDER, False, f"every derivative up to order {MAX_ANALYTIC_ORDER} joins"
    )


def _singular_join(gl: sp.Expr, gr: sp.Expr, p: sp.Expr, samples) -> Result:
    trace = _Trace(samples)
    # A flat side (exp(-1/x) at 0+) contributes 0 at every order: decided once, up front.
    flat_l, flat_r = _flat(gl, p, "-"), _flat(gr, p, "+")
    if flat_l and flat_r:
        trace.tests.append(ZeroTest(True, "symbolic"))
        return trace.result(math.inf)
    dl, dr = gl, gr
    for n in range(MAX_ORDER + 1):
        try:
            lv = sp.S.Zero if flat_l else one_sided(dl, p, "-", samples)
            rv = sp.S.Zero if flat_r else one_sided(dr, p, "+", samples)
        except Undecided as exc:
            return trace.result(n - 1, False, str(exc))
        if lv is NO_LIMIT or rv is NO_LIMIT or _infinite(lv) or _infinite(rv):
            # f^(n) has no one-sided limit, or an unbounded one (|x|**1.5 has f'' -> oo at
            # 0): it is not continuous at p, whatever the other side does (and oo - oo must
            # not become "undecided")
            trace.lefts.append(lv)
            trace.rights.append(rv)
            no_limit = lv is NO_LIMIT or rv is NO_LIMIT
            trace.jumps.append(NO_LIMIT if no_limit else sp.oo)
            trace.tests.append(_NONZERO)
            return trace.result(n - 1)
        done = trace.compare(n, lv, rv)
        if done is not None:
            return done
        dl, dr = dl.diff(x), dr.diff(x)
    # Every examined order joins. Against a flat side, an analytic side joins at every
    # order only if it vanishes identically; else its Taylor series gives the class.
    for flat, other in ((flat_l, gr), (flat_r, gl)):
        if flat and analytic_at(other, p, samples):
            if is_zero(other, samples).value is True:
                trace.jumps.clear()
                return trace.result(math.inf)
            d = other.diff(x, MAX_ORDER + 1)
            for n in range(MAX_ORDER + 1, MAX_ANALYTIC_ORDER + 1):
                t = is_zero(d.xreplace({x: p}), samples)
                if t.value is None:
                    break
                if t.value is False:
                    return trace.result(n - 1)
                d = d.diff(x)
    why = f"every one-sided derivative up to order {MAX_ORDER} joins, and no proof of C∞ was found"
    return trace.result(MAX_ORDER, False, why)


def breakpoint_report(table: IntervalTable, k: int) -> BreakpointReport:
    """The class and jumps at breakpoint ``k`` of ``table`` (see the module docstring)."""
    bp = table.breakpoints[k]
    left_iv, right_iv = table.neighbours(k)
    gl, gr, p, samples = left_iv.expr, right_iv.expr, bp.at, table.samples
    if not (analytic_at(gl, p, samples) and analytic_at(gr, p, samples)):
        result = _singular_join(gl, gr, p, samples)
    else:
        result = _analytic_join(gl, gr, p, samples)
    lefts, rights, jumps, tests, order, exact, reason = result
    tests = list(tests)
    # f at the point itself must match the one-sided limits (a removable discontinuity
    # otherwise, e.g. a separate piece for x == 0).
    if lefts:
        limit0 = lefts[0]
    else:
        try:
            limit0 = one_sided(gl, p, "-", samples)
        except Undecided as exc:
            limit0, reason, exact = None, str(exc), False
    if limit0 is not None and not (limit0 is NO_LIMIT or _infinite(limit0)):
        at_point = is_zero(tidy(bp.value - limit0), samples)
        if at_point.value is False:
            order, exact, reason = -1, True, ""
            tests.append(at_point)
        elif at_point.value is None:
            order, exact = -1, False
            reason = f"f({p}) = {bp.value} could not be compared with its limit {limit0}"
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
        exact,
        reason,
    )
