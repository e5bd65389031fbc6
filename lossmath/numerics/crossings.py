"""Where a form's exponentials and powers overflow or underflow: sample points for each state.

A fixed log-spaced sample leaves gaps of a factor 10**8 between its magnitudes, and a form can
fail in one of them: ``exp(-x/2)*expm1(x/2)/2`` (linex's gradient) is exact up to
``x = 2*log(max) = 1419.57`` in float64, where ``expm1(x/2)`` overflows, and ``inf`` after it
(``inf*0`` from about 1490); the sample's next magnitude after 1419.57 was 3.5e9, so the
search used the form up to 2**19. The overflow states of such a form change only where an
argument crosses a level: ``exp(u)`` and ``expm1(u)`` overflow above ``u = log(max)`` and
round to 0 below ``log(h)``, ``h`` half the smallest subnormal; ``cosh(u)`` and ``sinh(u)``
overflow above ``|u| = log(2*max)``; ``sech(u)`` rounds to 0 beyond ``|u| = log(2/h)``;
``b**n`` (a constant ``n``) overflows or rounds to 0 where ``|b|`` crosses ``max`` or ``h`` to
the power ``1/n``. :func:`points` finds, for the levels of float64 and float32 (a float32
input may be computed in float64), each ``x`` where a node's argument crosses one of its
levels, and gives a point inside each interval that they cut the dtype's range into.

The guarantee: every overflow state of these nodes (which of them are inf, which 0) that
occurs at some input occurs at one of the points, so a form that overflows at such a node
between the fixed sample's points overflows at a point measured. The crossings are found by
bracketing on a grid of ratio 2**(1/4) over both signs and every float magnitude, then
bisection in float64: an argument that crosses a level and back within one step of the grid
(none of the forms the search makes: their arguments are monotone in ``|x|`` away from 0) is
missed. Arguments holding a primitive of :mod:`lossmath.numerics.primitives` are not followed
(they are evaluated by mpmath); a product of finite factors that overflows is not a node
followed here (:mod:`lossmath.numerics.balance` makes the forms that avoid it).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import expm1

from lossmath.base.symbols import x
from lossmath.numerics.measure import evaluate
from lossmath.numerics.primitives import Primitive

__all__ = ["crossings", "points"]

_DTYPES = (np.float64, np.float32)
#: signed magnitudes 2**(k/4) over every float64, both signs, and 0: the bracketing grid
_GRID = np.concatenate([
    -np.exp2(np.arange(4 * 1023, -4 * 1074 - 1, -1) / 4.0),
    [0.0],
    np.exp2(np.arange(-4 * 1074, 4 * 1023 + 1) / 4.0),
])
_BISECTIONS = 64


def _log_extremes(dt) -> tuple[float, float]:
    """The logarithms of the largest float and of half the smallest subnormal (a result
    below it rounds to 0)."""
    info = np.finfo(dt)
    return math.log(float(info.max)), math.log(float(info.smallest_subnormal)) - math.log(2)


def _levels(node: sp.Expr) -> tuple[sp.Expr, tuple[float, ...]] | None:
    """``(u, levels)``: the argument of ``node`` and the values where crossing them changes
    the node's overflow or underflow state in float64 or float32, or None."""
    out: list[float] = []
    for dt in _DTYPES:
        big, zero = _log_extremes(dt)
        if isinstance(node, (sp.exp, expm1)):
            out += [big, zero]
        elif isinstance(node, (sp.cosh, sp.sinh)):
            out += [s * (big + math.log(2)) for s in (-1, 1)]
        elif isinstance(node, sp.sech):
            out += [s * (math.log(2) - zero) for s in (-1, 1)]
        elif node.is_Pow and node.exp.is_number and node.exp.is_real and node.exp != 0:
            n = float(node.exp)  # b**-2 overflows below |b| = max**(-1/2)
            info = np.finfo(dt)
            # numpy's powers (inf, not OverflowError: (1 + 1000*x**2)**(-1/2000) has
            # 2**2000); to within an ulp (exp(log(max)/3) is 170 off)
            with np.errstate(all="ignore"):
                mags = [float(np.float64(info.max) ** (1 / n)),
                        float(np.float64(info.smallest_subnormal) ** (1 / n)
                               * np.float64(2.0) ** (-1 / n))]
            mags = [m for m in mags if 0 < m < math.inf]
            out += [s * m for m in mags for s in (-1, 1)]
        else:
            return None
    u = node.args[0] if not node.is_Pow else node.base
    return u, tuple(sorted(set(out)))


def _values(u: sp.Expr, xs: np.ndarray) -> np.ndarray:
    return evaluate(u, xs).astype(np.float64)


@lru_cache(maxsize=2048)
def crossings(u: sp.Expr, levels: tuple[float, ...]) -> tuple[float, ...]:
    """The float64 ``x`` (sorted) where ``u(x)`` crosses one of ``levels``: every sign change
    of ``u - level`` between neighbours of the grid, bisected to within an ulp."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vals = _values(u, _GRID)
        out: set[float] = set()
        for level in levels:
            d = vals - level
            out.update(_GRID[d == 0].tolist())  # a grid point on the level
            pair = np.sign(d[:-1]) * np.sign(d[1:]) < 0  # (nan compares false)
            (idx,) = np.nonzero(pair)
            if not len(idx):
                continue
            lo, hi = _GRID[idx].copy(), _GRID[idx + 1].copy()
            below = np.sign(d[idx])  # the sign of u - level at lo
            for _ in range(_BISECTIONS):
                mid = lo + (hi - lo) / 2
                same = np.sign(_values(u, mid) - level) == below
                lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
            out.update(hi.tolist())
    return tuple(sorted(out))


def _nodes(e: sp.Expr) -> Iterable[tuple[sp.Expr, tuple[float, ...]]]:
    for node in sp.preorder_traversal(e):
        if not isinstance(node, sp.Expr) or x not in node.free_symbols:
            continue
        found = _levels(node)
        if found is not None and not found[0].has(Primitive):
            yield found


@lru_cache(maxsize=2048)
def _all_crossings(e: sp.Expr) -> tuple[float, ...]:
    out: set[float] = set()
    for u, levels in _nodes(e):
        out.update(crossings(u, levels))
    return tuple(sorted(out))


def _between(a: float, b: float) -> float:
    """A point strictly inside ``(a, b)`` where there is room: the geometric middle of two of
    one sign, else 0 or the arithmetic middle."""
    if a * b > 0 or (a != 0 and b != 0 and (a > 0) == (b > 0)):
        return math.copysign(math.sqrt(abs(a)) * math.sqrt(abs(b)), a)
    return 0.0 if a < 0 < b else a / 2 + b / 2


def points(exprs: Iterable[sp.Expr], dt) -> np.ndarray:
    """Inputs of dtype ``dt`` (finite, sorted, unique) that see every overflow and underflow
    state of the exponentials and powers of ``exprs`` (free of symbols but ``x``): a point
    inside each interval between two consecutive crossings or a crossing and the end of the
    dtype's range. Inside, not at the crossings: the state is what must be seen, and a result
    next to where a factor rounds to 0 is a subnormal of few digits (``x*exp(-x**2/2)`` at
    38.6 is 20 ulp of the smallest subnormal off), a loss of gradual underflow that no
    rewriting of the form mends."""
    cs = set().union(*(_all_crossings(e) for e in exprs))
    if not cs:
        return np.zeros(0, dtype=dt)
    top = float(np.finfo(dt).max)  # crossings beyond the dtype's range are not inputs
    edges = sorted({-top, top, *(c for c in cs if -top < c < top)})
    pts = [_between(a, b) for a, b in zip(edges, edges[1:])]
    with np.errstate(all="ignore"):
        arr = np.array(pts, dtype=np.float64).astype(dt)
    return np.unique(arr[np.isfinite(arr)])
