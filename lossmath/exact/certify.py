"""Certified numerics: interval-arithmetic enclosures of an expression of ``x`` over a box.

When sympy can neither prove a sign nor list the critical points of a piece, a grid of
samples proves nothing: it misses a narrow strip where ``log`` has a negative argument, or a
peak between two grid points. An interval enclosure cannot miss them: for every box
``[a, b]`` it returns an interval that contains ``expr(t)`` for *every* ``t`` in the box
(mpmath's ``iv`` context rounds outward). Boxes are bisected until the enclosures decide the
question or a box budget runs out, and then the answer is "undecided", never a guess.

Only numbers may appear besides ``x``: parameters are substituted before certifying.
Boxes may have infinite ends (``[1e8, inf]``), which mpmath's intervals accept.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import sympy as sp
from mpmath import iv

from lossmath.base.symbols import x

__all__ = ["NotCertified", "SupBound", "boxes", "enclose", "sign_on", "sup_abs"]

MAX_BOXES = 2000  # per question; a few hundred suffice for the catalog


class NotCertified(Exception):
    """The enclosure cannot be computed (an unsupported function, a complex value)."""


def _monotone(fn: Callable[[mpmath.mpf], mpmath.mpf]) -> Callable[[object], object]:
    """An increasing function applied to the ends, widened by a few ulps (mpmath's point
    functions do not round outward)."""

    def apply(box):
        lo = mpmath.mpf(box.a) if box.a != -mpmath.inf else -mpmath.inf
        hi = mpmath.mpf(box.b) if box.b != mpmath.inf else mpmath.inf
        a, b = fn(lo), fn(hi)
        pad = mpmath.mpf(2) ** (-mpmath.mp.prec + 4)
        return iv.mpf([a - abs(a) * pad - pad * 1e-300, b + abs(b) * pad + pad * 1e-300])

    return apply


def _sinh(box):
    return (iv.exp(box) - iv.exp(-box)) / 2


def _cosh(box):
    return (iv.exp(box) + iv.exp(-box)) / 2


def _tanh(box):
    if box.a >= 0:
        return 1 - 2 / (iv.exp(2 * box) + 1)
    if box.b <= 0:
        return 2 / (iv.exp(-2 * box) + 1) - 1
    return iv.mpf([-1, 1])


def _sign(box):
    if box.a > 0:
        return iv.mpf(1)
    if box.b < 0:
        return iv.mpf(-1)
    return iv.mpf([-1, 1])


_FUNCTIONS: dict[type, Callable] = {
    sp.exp: iv.exp,
    sp.log: iv.log,
    sp.sin: iv.sin,
    sp.cos: iv.cos,
    sp.tan: iv.tan,
    sp.atan: _monotone(mpmath.atan),
    sp.asinh: _monotone(mpmath.asinh),
    sp.erf: _monotone(mpmath.erf),
    sp.sinh: _sinh,
    sp.cosh: _cosh,
    sp.tanh: _tanh,
    sp.Abs: abs,
    sp.sign: _sign,
}


def enclose(expr: sp.Expr, box: object) -> object:
    """An interval containing ``expr(t)`` for every ``t`` in ``box`` (an ``iv.mpf``)."""
    memo: dict[sp.Basic, object] = {}

    def ev(e: sp.Basic):
        if e in memo:
            return memo[e]
        if e is x:
            out = box
        elif e.is_Rational:
            out = iv.mpf(int(e.p)) / int(e.q)
        elif e.is_Float:
            out = iv.mpf(mpmath.mpf(e))
        elif e is sp.pi:
            out = iv.pi
        elif e is sp.E:
            out = iv.e
        elif e.is_Add:
            out = sum((ev(a) for a in e.args[1:]), ev(e.args[0]))
        elif e.is_Mul:
            out = ev(e.args[0])
            for a in e.args[1:]:
                out = out * ev(a)
        elif e.is_Pow:
            out = _power(ev(e.base), e.exp, ev)
        elif isinstance(e, (sp.Max, sp.Min)):
            vals = [ev(a) for a in e.args]
            pick = max if isinstance(e, sp.Max) else min
            out = iv.mpf([pick(v.a for v in vals), pick(v.b for v in vals)])
        elif type(e) in _FUNCTIONS:
            out = _FUNCTIONS[type(e)](ev(e.args[0]))
        elif callable(getattr(e, "elementary", None)):  # a stable primitive: its definition
            out = ev(e.elementary())
        else:
            raise NotCertified(f"no interval enclosure for {type(e).__name__}")
        memo[e] = out
        return out

    try:
        out = ev(expr)
    except (mpmath.libmp.libmpf.ComplexResult, ZeroDivisionError, ValueError) as exc:
        raise NotCertified(str(exc)) from None
    except TypeError as exc:  # mpmath compares no interval with a NaN end (an inner NaN)
        raise NotCertified(str(exc)) from None
    # An enclosure with a NaN end (sin of an unbounded box times 0, say) bounds nothing, and
    # mpmath's interval comparisons are undefined on it: refuse it here, once, for every caller.
    if mpmath.isnan(out.a) or mpmath.isnan(out.b):
        raise NotCertified(f"the enclosure of {expr} over {box} is not a number")
    return out


def _power(base, exponent: sp.Expr, ev):
    if exponent.is_Integer:
        n = int(exponent)
        if n >= 0:
            return base**n
        den = base ** (-n)
        if den.a <= 0 <= den.b:
            return iv.mpf([-mpmath.inf, mpmath.inf])
        return 1 / den
    if exponent == sp.S.Half:
        if base.a < 0:
            raise NotCertified("square root of a negative number")
        return iv.sqrt(base)
    if base.a < 0:
        raise NotCertified("non-integer power of a negative number")
    if base.a == 0:
        if exponent.is_positive:  # t**q is increasing on [0, b] for q > 0
            top = iv.exp(ev(exponent) * iv.log(iv.mpf(base.b))) if base.b > 0 else iv.mpf(0)
            return iv.mpf([0, top.b])
        raise NotCertified("negative power of zero")
    return iv.exp(ev(exponent) * iv.log(base))


def boxes(lo: sp.Expr, hi: sp.Expr) -> list[object]:
    """Initial boxes covering ``[lo, hi]`` (ends may be infinite): unit boxes near the ends
    of a finite interval, and geometrically growing boxes towards an infinite end."""
    a = -mpmath.inf if lo == -sp.oo else mpmath.mpf(sp.N(lo, 30))
    b = mpmath.inf if hi == sp.oo else mpmath.mpf(sp.N(hi, 30))
    cuts: list[mpmath.mpf] = []
    if a == -mpmath.inf and b == mpmath.inf:
        cuts = [-mpmath.mpf(10) ** k for k in range(8, -1, -1)] + [mpmath.mpf(0)]
        cuts += [mpmath.mpf(10) ** k for k in range(0, 9)]
        cuts = [-mpmath.inf, *cuts, mpmath.inf]
    elif a == -mpmath.inf:
        cuts = [-mpmath.inf, *[b - mpmath.mpf(10) ** k for k in range(8, -1, -1)], b]
    elif b == mpmath.inf:
        cuts = [a, *[a + mpmath.mpf(10) ** k for k in range(0, 9)], mpmath.inf]
    else:
        cuts = [a + (b - a) * k / 16 for k in range(17)]
    return [iv.mpf([u, v]) for u, v in zip(cuts, cuts[1:])]


def _split(box) -> list[object]:
    a, b = mpmath.mpf(box.a), mpmath.mpf(box.b)
    if a == -mpmath.inf:
        m = min(b, 0) * 2 - 1 if b != mpmath.inf else mpmath.mpf(0)
    elif b == mpmath.inf:
        m = max(a, 0) * 2 + 1
    else:
        m = (a + b) / 2
    if not (a < m < b):
        return []
    return [iv.mpf([a, m]), iv.mpf([m, b])]


def _width(box) -> mpmath.mpf:
    return mpmath.mpf(box.b) - mpmath.mpf(box.a)


def _point(box) -> mpmath.mpf:
    a, b = mpmath.mpf(box.a), mpmath.mpf(box.b)
    if a == -mpmath.inf:
        return b - 1 if b != mpmath.inf else mpmath.mpf(0)
    if b == mpmath.inf:
        return a + 1
    return (a + b) / 2


def sign_on(expr: sp.Expr, lo: sp.Expr, hi: sp.Expr, strict: bool) -> tuple[bool | None, object]:
    """Is ``expr > 0`` (``strict``) or ``>= 0`` on the closed interval ``[lo, hi]``?

    Returns ``(True, None)`` when every box's enclosure proves it, ``(False, t)`` with a
    point ``t`` where ``expr`` is provably of the wrong sign, ``(None, None)`` otherwise.
    (Callers asking about an open interval get a sufficient answer for True; a witness
    ``t`` found at an end of a finite interval is not used.)
    """
    todo = boxes(lo, hi)
    deriv = sp.diff(expr, x)
    seen = 0
    while todo:
        box = todo.pop()
        seen += 1
        if seen > MAX_BOXES:
            return None, None
        try:
            e = _mean_value(expr, deriv, box)
        except NotCertified:
            e = None
        if e is not None and (e.a > 0 or (not strict and e.a >= 0)):
            continue
        t = _point(box)
        try:
            v = enclose(expr, iv.mpf(t))
        except NotCertified:
            v = None
        if v is not None and (v.b < 0 or (strict and v.b <= 0 and v.a == v.b)):
            return False, t
        parts = _split(box)
        if not parts or _width(box) < mpmath.mpf(10) ** -12 * (1 + abs(t)):
            return None, None
        todo += parts
    return True, None


@dataclass(frozen=True)
class SupBound:
    """A certified enclosure ``lower <= sup |f| <= upper`` (``upper`` may be inf)."""

    lower: mpmath.mpf
    upper: mpmath.mpf
    at: mpmath.mpf  # where the lower bound was attained


def _mean_value(expr: sp.Expr, deriv: sp.Expr, box):
    """The naive enclosure intersected with the mean-value form ``f(m) + f'(X)(X - m)``,
    whose width shrinks like the square of the box near a smooth maximum (the naive one only
    linearly, which would need ~1/sqrt(rtol) boxes there)."""
    naive = enclose(expr, box)
    a, b = mpmath.mpf(box.a), mpmath.mpf(box.b)
    if mpmath.inf in (abs(a), abs(b)):
        return naive
    m = (a + b) / 2
    try:
        mv = enclose(expr, iv.mpf(m)) + enclose(deriv, box) * (box - m)
    except NotCertified:
        return naive
    lo, hi = max(naive.a, mv.a), min(naive.b, mv.b)
    return iv.mpf([lo, hi]) if lo <= hi else naive


def sup_abs(expr: sp.Expr, lo: sp.Expr, hi: sp.Expr, rtol: float = 1e-9) -> SupBound | None:
    """Branch and bound for ``sup |expr|`` over ``[lo, hi]``, certified to ``rtol``.

    The lower bound is attained at a point (an enclosure of a degenerate box); the upper bound
    is the largest enclosure among the boxes not yet discarded. None when the box budget runs
    out before the two meet, or when an enclosure is unbounded at an infinite end (the caller
    then decides the tail from the limit at infinity).
    """
    deriv = sp.diff(expr, x)
    best, best_at = mpmath.mpf(0), mpmath.mpf(0)
    heap: list[tuple[mpmath.mpf, int, object]] = []
    count = 0

    def upper_of(box) -> mpmath.mpf:
        return mpmath.mpf(abs(_mean_value(expr, deriv, box)).b)

    try:
        for box in boxes(lo, hi):
            heapq.heappush(heap, (-upper_of(box), count, box))
            count += 1
        while heap:
            neg_upper, _, box = heapq.heappop(heap)
            upper = -neg_upper
            t = _point(box)
            v = abs(enclose(expr, iv.mpf(t)))
            if mpmath.mpf(v.a) > best:
                best, best_at = mpmath.mpf(v.a), t
            if upper <= best * (1 + rtol) + mpmath.mpf(10) ** -30:
                # discarded boxes had enclosures up to best * (1 + rtol): that is the bound
                return SupBound(best, best * (1 + rtol) + mpmath.mpf(10) ** -30, best_at)
            if upper == mpmath.inf and mpmath.inf in (abs(mpmath.mpf(box.a)), mpmath.mpf(box.b)):
                return None  # an unbounded enclosure on an infinite box: the tail is open
            count += 1
            parts = _split(box)
            if count > MAX_BOXES or not parts:
                return None
            for part in parts:
                u = upper_of(part)
                if u > best * (1 + rtol):
                    heapq.heappush(heap, (-u, count, part))
                    count += 1
    except NotCertified:
        return None
    return SupBound(best, best * (1 + rtol) + mpmath.mpf(10) ** -30, best_at)
