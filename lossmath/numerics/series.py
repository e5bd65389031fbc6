"""Series regimes: a Taylor polynomial near ``x = 0``, where every closed form cancels.

``exp(x) - 1 - x`` loses all its digits below 1e-8 whichever way it is spelt with ``exp``
or ``expm1``; its Taylor polynomial ``x**2/2 + x**3/6 + ...`` does not. A series regime is
used below a threshold ``t`` only when the truncation is *proved* negligible there:

    |f(x) - T(x)| <= M |x|**(n+1) / (n+1)!        (Lagrange, M >= |f^(n+1)| on [-t, t])
    |T(x)| >= |x|**k * m                          (T = x**k * P, m <= |P| on [-t, t])

so the relative error is at most ``M t**(n+1-k) / ((n+1)! m)``, required below 2**-56 (an
eighth of float64's rounding unit). ``M`` and ``m`` are enclosures by mpmath's interval
arithmetic (rigorous: outward rounding), never sampled maxima. Pieces with parameters are
left alone (the bound would hold at the sampled parameter values only), and so are pieces
with ``sign`` or functions the interval arithmetic lacks; a function of ``|x|`` alone is
expanded in ``t = |x|`` (its bound proved on ``[-t0, t0]``, which holds on ``[0, t0]``).
"""

from __future__ import annotations

import math

import mpmath
import sympy as sp

from lossmath.base.symbols import x
from lossmath.numerics.measure import Score, Unmeasurable
from lossmath.numerics.primitives import elementary
from lossmath.numerics.regimes import DtypeBound, Plan, Regime

__all__ = ["ORDERS", "RootTruncation", "root_series", "series_regimes", "truncation_bound"]

#: polynomial degrees tried, and the thresholds: 2**-1 ... 2**-24
ORDERS = (4, 6, 8, 12, 16, 20)
LADDER = tuple(sp.Rational(1, 2**k) for k in range(1, 25))
RELATIVE = mpmath.mpf(2) ** -56
#: the size (sympy operations) of f^(n+1) beyond which higher degrees are not tried
MAX_OPS = 400

_iv = mpmath.iv


def _iv_cosh(u):
    return (_iv.exp(u) + _iv.exp(-u)) / 2


def _iv_sinh(u):
    return (_iv.exp(u) - _iv.exp(-u)) / 2


def _iv_tanh(u):
    return 1 - 2 / (_iv.exp(2 * u) + 1)


_IV_NAMES = {
    "exp": _iv.exp, "log": _iv.log, "sin": _iv.sin, "cos": _iv.cos, "sqrt": _iv.sqrt,
    "cosh": _iv_cosh, "sinh": _iv_sinh, "tanh": _iv_tanh, "mpf": _iv.mpf, "pi": _iv.pi,
    "e": _iv.e, "E": _iv.e,
}
_ALLOWED = (sp.exp, sp.log, sp.sin, sp.cos, sp.cosh, sp.sinh, sp.tanh)


def _enclosure(f, t: sp.Rational) -> tuple[mpmath.mpf, mpmath.mpf] | None:
    """Ends of an interval containing ``f(x)`` (an interval-arithmetic function) for every
    ``x`` in ``[-t, t]`` (None where the enclosure is not finite)."""
    saved = _iv.prec
    _iv.prec = 120
    try:
        r = f(_iv.mpf([-mpmath.mpf(t.p) / t.q, mpmath.mpf(t.p) / t.q]))
        r = r if isinstance(r, type(_iv.mpf(0))) else _iv.mpf(r)
        lo, hi = (mpmath.mpf(v) for v in r._mpi_)
    except (ZeroDivisionError, ValueError, TypeError):
        return None
    finally:
        _iv.prec = saved
    if not (mpmath.isfinite(lo) and mpmath.isfinite(hi)):
        return None
    return lo, hi


def _iv_function(e: sp.Expr):
    return sp.lambdify(x, e, modules=[_IV_NAMES])


def truncation_bound(f: sp.Expr, poly: sp.Expr, n: int, t: sp.Rational):
    """An upper bound of ``|f - poly|/|poly|`` on ``0 < |x| <= t`` for the degree-``n``
    Taylor polynomial ``poly`` of ``f`` at 0, or None when no finite bound is found."""
    return _Truncation(f, poly, n).bound(t)


class _Truncation:
    """The two enclosures of the bound, their functions built once per degree."""

    def __init__(self, f: sp.Expr, poly: sp.Expr, n: int, derivative: sp.Expr | None = None):
        p = sp.Poly(poly, x)
        self.k = min(m for (m,) in p.monoms())
        self.n = n
        d = sp.diff(f, x, n + 1) if derivative is None else derivative
        self.big = _iv_function(d)
        self.small = _iv_function(sp.expand(poly / x**self.k))

    def bound(self, t: sp.Rational):
        big, small = _enclosure(self.big, t), _enclosure(self.small, t)
        if big is None or small is None or (small[0] <= 0 <= small[1]):
            return None
        m = min(abs(small[0]), abs(small[1]))
        M = max(abs(big[0]), abs(big[1]))
        tt = mpmath.mpf(t.p) / t.q
        return M * tt ** (self.n + 1 - self.k) / (math.factorial(self.n + 1) * m)

    def largest(self) -> sp.Rational | None:
        """The largest threshold of the ladder with a proved bound (bisection: the bound
        grows with t)."""
        ok = [i for i in (len(LADDER) - 1,) if self._ok(LADDER[i])]
        if not ok:
            return None
        lo, hi = 0, ok[0]  # LADDER[hi] is proved; find the smallest proved index
        while lo < hi:
            mid = (lo + hi) // 2
            if self._ok(LADDER[mid]):
                hi = mid
            else:
                lo = mid + 1
        return LADDER[hi]

    def _ok(self, t: sp.Rational) -> bool:
        b = self.bound(t)
        return b is not None and b <= RELATIVE


def _eligible(piece: sp.Expr) -> bool:
    if piece.free_symbols != {x}:
        return False
    funcs = piece.atoms(sp.Function)
    return all(isinstance(f, _ALLOWED) for f in funcs)


def series_regimes(piece: sp.Expr, outer: Plan, bench) -> tuple[Plan, Score] | None:
    """The best plan ``(T below t, outer beyond)`` over the degrees and thresholds tried,
    with its score on ``bench``'s sample, or None when no series is proved or the piece is
    not eligible (see the module docstring) or 0 is not on its intervals."""
    f = elementary(piece)
    # a function of |x| alone (exp(|x|) - 1 - |x|): its series in t = |x|, the bound proved
    # for f(t) on [-t0, t0], which holds on [0, t0]
    u = sp.Dummy("u", real=True)
    of_abs = f.has(sp.Abs(x)) and x not in f.xreplace({sp.Abs(x): u}).free_symbols
    if of_abs:
        f = f.xreplace({sp.Abs(x): u}).xreplace({u: x})
    if not _eligible(f) or not any(lo <= 0 <= hi for lo, hi in bench.intervals):
        return None
    # the float constants as the code computes them: the nearest doubles, exactly
    f = f.xreplace({c: sp.Rational(float(c)) for c in f.atoms(sp.Float)})
    first = outer[0].upto
    if first is not None and not isinstance(first, DtypeBound):
        return None  # a parameter threshold of its own near 0 (Tukey's c/2): left as it is
    best: tuple[Plan, Score] | None = None
    derivatives = [f]
    for n in ORDERS:
        while len(derivatives) < n + 2:  # f, f', ..., f^(n+1), each from the one before
            derivatives.append(sp.diff(derivatives[-1], x))
        if sp.count_ops(derivatives[-1]) > MAX_OPS:
            break  # the derivatives grow (tanh(x)**2): higher degrees are not tried
        try:
            poly = sp.series(f, x, 0, n + 1).removeO()
        except (NotImplementedError, ValueError, TypeError):  # pragma: no cover - sympy
            continue
        if poly == 0 or not poly.is_polynomial(x) or poly.free_symbols != {x}:
            continue
        t = _Truncation(f, poly, n, derivatives[n + 1]).largest()
        if t is None:
            continue
        near = sp.horner(poly, x)
        plan = (Regime(t, near.xreplace({x: sp.Abs(x)}) if of_abs else near), *outer)
        try:
            s = bench.plan_score(plan)
        except Unmeasurable:
            continue
        if best is None or s < best[1]:
            best = (plan, s)
        if s.good():
            break
    return best


# -- functions of z = r**2: F(z) = f(sqrt(z)) for an even f ---------------------------------
#
# scipy's least-squares rho(z) = 2 f(sqrt(z))/f''(0) and its derivatives in z cancel near
# z = 0 as printed (rho'' = (f''(r) - f'(r)/r)/(2 z f''(0)), r = sqrt(z)), and their own
# high derivatives cancel alike, so the remainder of a Taylor polynomial in z cannot be
# enclosed from them. It is enclosed from f's instead: for f even and C^(2N),
#
#     F^(N)(z) = N!/(2N)! * integral_0^1 f^(2N)(u r) w_N(u) du,   w_N ~ (1 - u**2)**(N-1),
#
# w_N a probability density (checked for f = r**(2m) symbolically by the tests; both sides
# are linear in f, so it holds for every even polynomial and, by density, every even C^(2N)
# f). Hence |F^(N)| <= N!/(2N)! * max |f^(2N)| on [0, sqrt(z)], and f's derivatives do not
# cancel: interval arithmetic encloses them.

#: sub-intervals of [0, sqrt(t)] enclosed one by one (the dependency problem of interval
#: arithmetic: f = log(cosh(x)), f^(40) on [0, 1/2] encloses to 1.2e46 whole and 1.8e43 in
#: 64 pieces, beside |f^(40)(0)| = 5.8e38)
ROOT_PIECES = 64
#: f's derivatives are computed up to this order at most (f^(60) of log(cosh(x)): 17 s)
ROOT_MAX_ORDER = 64
#: ... and while each has at most this many terms: the work is counted in terms, not time.
#: log(cosh(x))'s f^(62) has 32 terms, 1 - cos(x)'s one; a rational f such as
#: Geman-McClure's x**2/(s**2 + x**2) has 20 at f^(4) and grows past reach (its f^(62)
#: did not finish in 30 minutes), so no series is proved for it
ROOT_MAX_TERMS = 64


def root_series(f: sp.Expr, j: int, n: int) -> sp.Expr | None:
    """The degree-``n`` Taylor polynomial in ``x`` (standing for z) at 0 of the ``j``-th
    derivative of ``F(z) = f(sqrt(z))``, from f's series ``sum b_m r**(2m)``:
    ``F^(j)(z) = sum_i b_(i+j) (i+j)!/i! z**i``; None when f's series has an odd term."""
    s = sp.expand(sp.series(f, x, 0, 2 * (n + j) + 2).removeO())
    b = [s.coeff(x, m) for m in range(2 * (n + j) + 2)]
    if any(sp.simplify(c) != 0 for c in b[1::2]):
        return None
    return sum(b[2 * (i + j)] * sp.ff(i + j, j) * x**i for i in range(n + 1))


class RootTruncation:
    """Proved bounds of ``|F^(j)(z) - T(z)|/|T(z)|`` on ``0 < z <= t`` for the Taylor
    polynomials T of :func:`root_series` (f free of symbols but ``x``), f's derivatives
    computed once and kept."""

    def __init__(self, f: sp.Expr):
        self.derivatives = [f]
        self.functions: dict[int, object] = {}

    def _derivative(self, order: int):
        if order > ROOT_MAX_ORDER:
            return None
        while len(self.derivatives) <= order:
            if len(sp.Add.make_args(self.derivatives[-1])) > ROOT_MAX_TERMS:
                return None  # the next derivatives only grow: beyond reach
            self.derivatives.append(sp.expand(sp.diff(self.derivatives[-1], x)))
        if len(sp.Add.make_args(self.derivatives[order])) > ROOT_MAX_TERMS:
            return None
        if order not in self.functions:
            self.functions[order] = _iv_function(self.derivatives[order])
        return self.functions[order]

    def bound(self, poly: sp.Expr, j: int, n: int, t: sp.Rational):
        """The bound for ``poly`` (degree ``n``, of ``F^(j)``) below ``t``, or None."""
        big = self._derivative(2 * (j + n + 1))
        if big is None or poly == 0:
            return None
        p = sp.Poly(poly, x)
        k = min(m for (m,) in p.monoms())
        saved = _iv.prec
        _iv.prec = 120
        try:
            s_hi = _iv.sqrt(_iv.mpf(t.p) / t.q).b
            big_hi = _sup(big, s_hi)
            small = _iv_function(sp.expand(poly / x**k))
            lo = _inf(small, mpmath.mpf(t.p) / t.q)
        finally:
            _iv.prec = saved
        if big_hi is None or lo is None:
            return None
        N = j + n + 1
        tt = mpmath.mpf(t.p) / t.q
        M = big_hi * math.factorial(N) / math.factorial(2 * N)
        return M * tt ** (n + 1 - k) / (math.factorial(n + 1) * lo)


def _pieces(fn, hi):
    for i in range(ROOT_PIECES):
        r = fn(_iv.mpf([hi * i / ROOT_PIECES, hi * (i + 1) / ROOT_PIECES]))
        r = r if isinstance(r, type(_iv.mpf(0))) else _iv.mpf(r)
        yield mpmath.mpf(r.a), mpmath.mpf(r.b)


def _sup(fn, hi):
    """An upper bound of ``|fn|`` on ``[0, hi]`` (None where not finite)."""
    try:
        m = max(max(abs(a), abs(b)) for a, b in _pieces(fn, hi))
    except (ZeroDivisionError, ValueError, TypeError):
        return None
    return m if mpmath.isfinite(m) else None


def _inf(fn, hi):
    """A positive lower bound of ``|fn|`` on ``[0, hi]`` (None where 0 is not excluded)."""
    try:
        ends = list(_pieces(fn, hi))
    except (ZeroDivisionError, ValueError, TypeError):
        return None
    if all(a > 0 for a, _ in ends):
        return min(a for a, _ in ends)
    if all(b < 0 for _, b in ends):
        return min(-b for _, b in ends)
    return None
