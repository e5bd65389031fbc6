"""Measuring a form: its error in ulps against mpmath on a fixed sample of its interval.

The search (:mod:`lossmath.numerics.search`) asks how accurately a candidate form of a piece
evaluates in a dtype. :func:`sample` draws a deterministic set of float inputs on the piece's
interval (log-spaced magnitudes of both signs from the smallest subnormal to the largest
float, the interval's ends and their float neighbours, and the points where ``exp``,
squares and cubes overflow); :func:`truth` evaluates the definition there with mpmath at a
precision raised until two successive values agree (formulas as written cancel:
``cosh(x) - 1`` at 1e-150 needs 300 digits); :func:`evaluate` runs a candidate in the dtype
with numpy, operation by operation in the order sympy holds it; :func:`errors` compares.

The stable primitives of :mod:`lossmath.numerics.primitives` are measured as correctly
rounded (their kernels are checked against mpmath by the code generators' ulp harness):
what is measured is the form around them. Nothing here reads a clock.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import expm1, hypot, log1p

from lossmath.base.symbols import x
from lossmath.numerics.primitives import Primitive, elementary
from lossmath.numerics.rounding import Rounded

__all__ = [
    "AS_WRITTEN", "Evaluator", "Score", "Unmeasurable", "errors", "evaluate", "sample", "score",
    "truth",
]

DTYPES = (np.float64, np.float32)


class Unmeasurable(Exception):
    """The form uses an operation the measurer does not evaluate."""


def _finite(v: float) -> bool:
    return math.isfinite(v)


def sample(
    lo: float, hi: float, dtype, per_decade: float = 0.12, extra: Iterable[float] = ()
) -> np.ndarray:
    """Fixed float inputs of ``dtype`` in ``[lo, hi]`` (``-inf``/``inf`` for an unbounded
    end): log-spaced magnitudes of both signs over the dtype's whole range, denser in
    [1e-3, 1e3], the overflow thresholds of ``exp``, ``x**2``, ``x**3``, ``x**4``, the
    finite ends with two float neighbours each side, and ``extra`` points."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _sample(lo, hi, dtype, per_decade, extra)


def _sample(lo: float, hi: float, dtype, per_decade: float, extra: Iterable[float]):
    info = np.finfo(dtype)
    top = math.log10(float(info.max))
    bottom = math.log10(float(info.smallest_subnormal))
    mags = list(np.logspace(bottom, top, max(8, int((top - bottom) * per_decade))))
    mags += list(np.logspace(-3, 3, 25))
    mags += [0.5, 1.0, 2.0, 3.0, math.log(float(info.max)), 2 * math.log(float(info.max))]
    mags += [float(info.max) ** (1 / k) for k in (2, 3, 4)]
    # exp's subnormal tail, where cosh(x) is inf and 1/cosh(x) 0 but sech(x) is not (711)
    sub = -math.log(float(info.smallest_subnormal))
    mags += [math.log(float(info.max)) + 1, (math.log(float(info.max)) + sub) / 2]
    mags += [float(info.max), float(info.tiny)]
    pts = [0.0] + mags + [-m for m in mags] + list(extra)
    for end in (lo, hi):
        if _finite(end):
            e = dtype(end)
            pts.append(float(e))
            for side in (-np.inf, np.inf):
                n1 = np.nextafter(e, dtype(side))
                pts += [float(n1), float(np.nextafter(n1, dtype(side)))]
    arr = np.array(pts, dtype=np.float64).astype(dtype)
    arr = arr[np.isfinite(arr)]
    inside = (arr > lo) & (arr < hi)
    # the ends themselves belong to the interval when finite (a closed end or the owner)
    inside |= (arr == dtype(lo)) | (arr == dtype(hi))
    return np.unique(arr[inside])


# -- the truth ------------------------------------------------------------------------------


def _mp_function(expr: sp.Expr):
    return sp.lambdify(x, elementary(expr), modules="mpmath")


def truth(expr: sp.Expr, xs: np.ndarray) -> list:
    """``expr`` (free of symbols but ``x``) at each of ``xs``, exactly enough: mpmath at 30,
    60, 120, ... digits (more for tiny |x|) until two successive values agree to 20 digits;
    ``nan`` where it is undefined."""
    f = _mp_function(expr)
    out = []
    for v in xs.tolist():
        out.append(_converged(f, v))
    return out


def _converged(f, v: float):
    extra = int(2.2 * -math.log10(abs(v))) if 0 < abs(v) < 1 else 0
    prev = None
    for dps in (d + extra for d in (30, 60, 120, 240, 480, 960)):
        with mpmath.workdps(dps):
            try:
                r = f(mpmath.mpf(v))
            except (ZeroDivisionError, ValueError, OverflowError):
                return mpmath.nan
            if isinstance(r, mpmath.mpc):
                if r.imag != 0:
                    return mpmath.nan
                r = r.real
            r = mpmath.mpf(r)
            if mpmath.isnan(r) or mpmath.isinf(r):
                return r
            if prev is not None and r != 0 and prev != 0 and _far(r) and _far(prev):
                # far outside every dtype (exp(-x**2) at 1e300): only 0/inf and the sign
                # matter, and the argument reduction would need 600 digits to agree
                return +r
            if prev is not None and (
                (r != 0 and abs(r - prev) <= abs(r) * mpmath.mpf(10) ** -20)
                or (r == 0 and prev == 0 and dps >= 480)
            ):
                return +r
            prev = r
    return prev


_TINY, _HUGE = mpmath.mpf(10) ** -400, mpmath.mpf(10) ** 400


def _far(r) -> bool:
    return abs(r) < _TINY or abs(r) > _HUGE


# -- evaluating a form in a dtype -------------------------------------------------------------

_UFUNCS = {
    sp.exp: np.exp, sp.log: np.log, sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan,
    sp.sinh: np.sinh, sp.cosh: np.cosh, sp.tanh: np.tanh, sp.atan: np.arctan,
    sp.asinh: np.arcsinh, sp.Abs: np.abs, sp.sign: np.sign, expm1: np.expm1,
    log1p: np.log1p,
}


def evaluate(expr: sp.Expr, xs: np.ndarray) -> np.ndarray:
    """``expr`` at ``xs`` computed in ``xs``' dtype, one numpy operation per node (sums and
    products left to right in sympy's order); parts free of ``x`` are constants rounded
    once from 40 digits, as the code generators hoist them; primitives are rounded from
    mpmath (see the module docstring)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(_eval(expr, xs), dtype=xs.dtype)


def _const(e: sp.Expr, dtype) -> np.ndarray:
    v = sp.N(e, 40)
    if not v.is_real:
        raise Unmeasurable(f"non-real constant {e}")
    return dtype(float(v))


def _eval(e: sp.Expr, xs: np.ndarray):
    dt = xs.dtype.type
    if e == x:
        return xs
    if x not in e.free_symbols:
        return _const(e, dt)
    if isinstance(e, Primitive):
        args = [_eval(a, xs) for a in e.args]
        u = sp.Dummy("u")
        inner = type(e)(u, *e.args[1:]) if all(x not in a.free_symbols for a in e.args[1:]) \
            else None
        if inner is None:
            raise Unmeasurable(f"{type(e).__name__} with x in a parameter")
        f = sp.lambdify(u, elementary(inner), modules="mpmath")
        vals = [float(_converged(f, v)) for v in np.asarray(args[0], np.float64).tolist()]
        return np.array(vals, dtype=np.float64).astype(dt)
    if e.is_Add:
        consts = [a for a in e.args if x not in a.free_symbols]
        terms = [a for a in e.args if x in a.free_symbols]
        if consts:  # one hoisted constant, as the printers fold them
            terms = [*terms, e.func(*consts)]
        acc = None
        for a in terms:
            v = _eval(a, xs)
            acc = v if acc is None else np.add(acc, v)
        return acc
    if e.is_Mul:
        return _mul(e, xs)
    if e.is_Pow:
        base, ex = e.args
        b = _eval(base, xs)
        if x in ex.free_symbols:
            return np.power(b, _eval(ex, xs))
        # as the printers' lowering (lossmath.emit.lower.steps): square, sqrt, reciprocal,
        # else one power
        if ex == 2:
            return b * b
        if ex == sp.S.Half:
            return np.sqrt(b)
        if ex == -1:
            return dt(1) / b
        if ex == -sp.S.Half:
            return dt(1) / np.sqrt(b)
        return np.power(b, _const(ex, dt))
    if isinstance(e, Rounded):  # one operation as written (lossmath.numerics.balance)
        return getattr(np, e.op)(_eval(e.args[0], xs), _eval(e.args[1], xs))
    if isinstance(e, hypot):
        return np.hypot(_eval(e.args[0], xs), _eval(e.args[1], xs))
    if isinstance(e, sp.sech):  # as the kernels: 2*exp(-|u|) where 1/cosh(u) underflows early
        u = _eval(e.args[0], xs)
        a = np.abs(u)
        return np.where(a < 1 - 0.5 * math.log(float(np.finfo(dt).eps)), dt(1) / np.cosh(u),
                        dt(2) * np.exp(-a))
    if isinstance(e, sp.Function) and type(e) in _UFUNCS:
        return _UFUNCS[type(e)](_eval(e.args[0], xs))
    raise Unmeasurable(f"cannot evaluate {type(e).__name__} in a dtype")


def _mul(e: sp.Expr, xs: np.ndarray):
    """A product as the printers' lowering computes it (``lossmath.emit.lower``): the factors
    in x with exponentials first (0*inf never formed), times the constant numerator, then one
    division per denominator factor (``1/b**n`` as ``n <= 4`` divisions by ``b``: ``b**n``
    would overflow long before the quotient underflows), then the constant denominator."""
    dt = xs.dtype.type
    coef = sp.Mul(*[f for f in e.args if x not in f.free_symbols])
    factors = [f for f in e.args if x in f.free_symbols]

    def negative_power(f: sp.Expr) -> bool:
        return f.is_Pow and f.exp.is_Integer and f.exp < 0

    num = sorted((f for f in factors if not negative_power(f)),
                 key=lambda f: not isinstance(f, sp.exp))
    den: list[sp.Expr] = []
    for f in factors:
        if negative_power(f):
            n = -int(f.exp)
            den += [f.base] * n if n <= 4 else [f.base**n]
    cn, cd = sp.fraction(sp.together(coef))
    if num:
        acc = _eval(num[0], xs)
        for f in num[1:]:
            acc = np.multiply(acc, _eval(f, xs))
        if cn != 1:
            acc = np.multiply(acc, _const(cn, dt))
    else:
        acc = _const(cn, dt)
    for d in den:
        acc = np.divide(acc, _eval(d, xs))
    if cd != 1:
        acc = np.divide(acc, _const(cd, dt))
    return acc


class Evaluator:
    """How the measurement computes a planned form in a dtype. This one evaluates the sympy
    expression as :func:`evaluate` does, every float32 form in float64 rounded once; the code
    generators pass their own (``lossmath.emit.lower.Lowered``: the operations the printers
    emit, common subexpressions, float32 widened only where they widen), so what is measured
    is what runs."""

    def wide(self, exprs: Sequence[sp.Expr]) -> bool:
        """Whether a float32 input computes the plan of ``exprs`` (its regimes) in float64."""
        return True

    def __call__(self, expr: sp.Expr, xs: np.ndarray, params: Mapping) -> np.ndarray:
        """``expr`` (parameters as symbols, their values ``params``) at ``xs``, in xs' dtype."""
        return evaluate(expr.xreplace(dict(params)), xs)


#: the default :class:`Evaluator`
AS_WRITTEN = Evaluator()


# -- comparing --------------------------------------------------------------------------------


def _ulps(g: float, r, dtype) -> float:
    info = np.finfo(dtype)
    rounded = abs(float(r))
    with np.errstate(all="ignore"):
        spacing = float(np.spacing(dtype(rounded))) if 0 < rounded <= float(info.max) else (
            float(info.smallest_subnormal) if rounded == 0 else math.inf
        )
    with mpmath.workdps(30):
        return float(abs(mpmath.mpf(g) - r)) / spacing


def errors(
    got: np.ndarray,
    exact: list,
    dtype,
    bound: float = math.inf,
    near: Callable[[int], list] | None = None,
) -> tuple[np.ndarray, int]:
    """Per point the distance in ulps of ``dtype`` from ``got`` to the exact value (0 for a
    matching inf or nan, inf for inf/nan where the exact value is finite and in range, an
    exact value beyond the range must come out as the signed infinity), and the count of
    those spurious inf/nan.

    Backward error: where the distance exceeds ``bound`` and ``near(i)`` gives the exact
    values at the input's two float neighbours, the distance to the range of the three is
    taken instead (a result exact for an input within 1 ulp is right: ``x - 1`` next to 1,
    ``sin(x/c)`` next to its zero ``c*pi``, are ill-conditioned, not wrongly computed)."""
    big = mpmath.mpf(float(np.finfo(dtype).max))
    out = np.zeros(len(exact))
    spurious = 0
    for i, (g, r) in enumerate(zip(got.tolist(), exact)):
        if mpmath.isnan(r):
            continue  # undefined there: nothing to measure
        if abs(r) > big:
            out[i] = 0.0 if (math.isinf(g) and (g > 0) == (r > 0)) else math.inf
            continue
        if not math.isfinite(g):
            out[i] = math.inf
            spurious += 1
            continue
        out[i] = _ulps(g, r, dtype)
        if out[i] > bound and near is not None:
            refs = [r, *(v for v in near(i) if not mpmath.isnan(v))]
            lo, hi = min(refs), max(refs)
            gm = mpmath.mpf(g)
            out[i] = 0.0 if lo <= gm <= hi else min(_ulps(g, lo, dtype), _ulps(g, hi, dtype))
    return out, spurious


@dataclass(frozen=True, order=True)
class Score:
    """How a form fares on a sample (smaller is better, compared in this order): spurious
    inf/nan, the bits of the worst error beyond the bound, points beyond the bound, the mean
    bits of error (``log2(1 + ulp)``, Herbie's
    measure), the worst ulp error."""

    spurious: int
    #: 0 within the bound, else the bits of the worst error: one catastrophic point
    #: (softplus(x) - log(2) as logcosh(x/2) + x/2 at -1e20) outweighs many near misses
    worst_bits: int
    over: int
    bits: float
    worst: float

    def good(self) -> bool:
        return self.spurious == 0 and self.over == 0

    def failure(self) -> tuple[int, int, int]:
        """How badly it fails (spurious, worst bits, points beyond): (0, 0, 0) when good."""
        return (self.spurious, self.worst_bits, self.over)


def score(per_dtype: Mapping[object, tuple[np.ndarray, int]], bound: float) -> Score:
    spurious = sum(s for _, s in per_dtype.values())
    errs = np.concatenate([e for e, _ in per_dtype.values()])
    finite = np.where(np.isfinite(errs), errs, 2.0**64)
    over = int(np.sum(errs > bound))
    worst = float(np.max(finite)) if len(finite) else 0.0
    return Score(
        spurious,
        math.ceil(math.log2(1.0 + worst)) if over else 0,
        over,
        round(float(np.mean(np.log2(1.0 + finite))), 6),
        round(float(np.max(finite)), 3) if len(finite) else 0.0,
    )
