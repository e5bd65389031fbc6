"""The least-squares target's series regimes: rho, rho', rho'' near z = 0 as Taylor polynomials.

rho(z) = 2 f(sqrt(z))/k and its derivatives in z are analytic at z = 0 for an even smooth f,
but their closed forms cancel there: rho'' = (f''(r) - f'(r)/r)/(2 z k), r = sqrt(z), was
4e8 ulp off at z = 1e-8 for Andrews' wave and log-cosh, and 0 at 1e-16. Where the form the
numpy target emits for a row is measured beyond :data:`TARGET` ulp near 0 (float64 and
float32, on the numerics stage's fixed sample, at the parameters' defaults:
:func:`lossmath.numerics.search.failures`), the row is replaced below a threshold t by its
Taylor polynomial. The coefficients come from f's series
(:func:`lossmath.numerics.series.root_series`); the remainder is proved below 2**-56
relative by interval arithmetic on f's derivatives
(:class:`lossmath.numerics.series.RootTruncation`). t is the largest power of 2, at most 4
times the largest failing magnitude and below f's first breakpoint squared, for which a
degree in :data:`DEGREES` is proved.

Parameters: a loss with one parameter p that sympy proves a scale family,
f(x; p) = p**q f(x/p; 1), has rho(z; p) = p**2 rho(z/p**2; 1); its polynomial is in
u = z/p**2 with the coefficients at p = 1 and the threshold t*p**2, so the proof at p = 1
holds for every p. Other parametric losses get no series regime (the proof would hold at
the sampled values only).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from lossmath.base.symbols import x
from lossmath.core.loss import Loss, Param
from lossmath.emit.forms import Masked, Single
from lossmath.emit.plan import float_literal, forms, make_spec
from lossmath.numerics.regimes import single
from lossmath.numerics.rewrite import proved_equal
from lossmath.numerics.search import Domain, failures
from lossmath.numerics.series import RELATIVE, RootTruncation, root_series

__all__ = ["DEGREES", "TARGET", "RootRegime", "root_regimes", "series_lines"]

#: ulps the closed form may keep beyond the threshold (half the 4 the rows are held to: the
#: wrapper's own roundings take some of the rest)
TARGET = 2.0
#: polynomial degrees tried (f's derivatives to order 2(j + n + 1) are enclosed)
DEGREES = (8, 12, 16, 20, 24, 28)
#: thresholds tried, in u = z/p**2: powers of 2, largest first
LADDER = tuple(sp.Integer(2) ** k for k in range(6, -25, -1))
_ROWS = ("rho", "rho'", "rho''")


@dataclass(frozen=True)
class RootRegime:
    """Row ``j`` below ``z = t * scale**2`` (``scale`` None: below ``t``): the polynomial
    with ``coeffs`` (highest degree first) in u = z/scale**2, times scale**(2 - 2j)."""

    j: int
    degree: int
    t: sp.Integer
    coeffs: tuple[float, ...]
    scale: Param | None
    #: the largest z/scale**2 where the emitted closed form was measured beyond TARGET ulp
    measured: float
    bound: float


def _piece_at_zero(table, at: dict) -> tuple[sp.Expr, sp.Expr]:
    """The piece of ``table`` owning ``(0, e)`` for small e > 0 (its interval's ends compared
    at the parameter values ``at``), and its right end."""
    for iv in table.intervals:
        lo, hi = (sp.sympify(v).xreplace(at) for v in (iv.lo, iv.hi))
        if bool(lo <= 0) and bool(hi > 0):
            return iv.expr, iv.hi
    raise ValueError(f"no piece at 0 in {table}")  # pragma: no cover - rho_loss checked


def _scale_family(loss: Loss, f: sp.Expr) -> tuple[Param | None, sp.Expr] | None:
    """(p, f at p = 1) where f(x; p) = p**q f(x/p; 1) is proved for some q in 0..4, (None,
    f) without parameters, else None."""
    if not loss.params:
        return None, f
    if len(loss.params) != 1:
        return None
    (p,) = loss.params
    g = f.xreplace({p.symbol: 1})
    for q in (2, 0, 1, 3, 4):  # 2 first: the robust losses' scale (f ~ x**2 near 0)
        if proved_equal(p.symbol**q * g.xreplace({x: x / p.symbol}), f):
            return p, g
    return None


def _failing(zloss: Loss, j: int, at: dict, z_per_u: float) -> np.ndarray | None:
    """The magnitudes z of the numerics stage's sample (float64, float32) where the form the
    numpy target emits for row ``j`` of ``zloss`` on the piece at 0 is beyond TARGET ulp, at
    the parameter values ``at``; None where that form is exact (no transcendental piece)."""
    spec = make_spec(zloss, {})
    form = forms(spec)[j]
    table = zloss.derivative(j).table
    piece, end = _piece_at_zero(table, at)
    if isinstance(form, Single):
        plan = single(form.expr)
    elif isinstance(form, Masked):
        i = next(k for k, (e, _) in enumerate(form.table.pieces) if e == piece)
        plan = form.plans[i] if form.plans else single(piece)
    else:
        return None
    hi = math.inf if end == sp.oo else float(sp.N(sp.sympify(end).xreplace(at), 30))
    # no threshold of the ladder exceeds u = 2**6: the sample stops there (half the cost)
    hi = min(hi, float(LADDER[0]) * z_per_u)
    domain = Domain(((0.0, hi),), tuple(sorted(at.items(), key=lambda kv: kv[0].name)))
    return failures(piece, plan, domain, TARGET)


@functools.lru_cache(maxsize=64)
def _cached(loss: Loss, zloss: Loss) -> tuple[RootRegime, ...]:
    at = {q.symbol: sp.Rational(float(q.default)) for q in loss.params}
    if len(loss.params) > 1:
        return ()  # no scale family (see the module docstring)
    # u = z/p**2 at the default p; measured first, the scale family proved only if needed
    z_per_u = float(loss.params[0].default) ** 2 if loss.params else 1.0
    needs = {}
    for j in range(3):
        bad = _failing(zloss, j, at, z_per_u)
        if bad is not None and (bad[bad > 0] < 2.0**-10 * z_per_u).any():
            needs[j] = float(bad.max()) / z_per_u
    if not needs:
        return ()  # every emitted form holds near 0: no series
    f, end = _piece_at_zero(loss.table, at)
    fam = _scale_family(loss, f)
    if fam is None:
        return ()
    p, g = fam
    end1 = end.xreplace({p.symbol: 1}) if p is not None else end
    top = math.inf if end1 == sp.oo else float(end1) ** 2  # rho's piece ends at end**2
    k1 = sp.diff(g, x, 2).subs(x, 0)
    proof = RootTruncation(g)
    out = []
    for j, need in needs.items():
        for t in LADDER:
            if not float(t) < top or float(t) > 4 * need:
                continue
            found = _prove(g, proof, j, t)
            if found is not None:
                n, poly, b = found
                coeffs = sp.Poly(sp.expand(2 * poly / k1), x).all_coeffs()
                out.append(RootRegime(j, n, t, tuple(float(c) for c in coeffs), p, need,
                                      float(b)))
                break
    return tuple(out)


def _prove(g: sp.Expr, proof: RootTruncation, j: int, t: sp.Integer):
    """The lowest degree of DEGREES whose remainder is proved below RELATIVE under ``t``,
    with its polynomial and bound; the highest degree first (one enclosure where no degree
    is proved, as beyond the radius of convergence)."""
    def attempt(n):
        poly = root_series(g, j, n)
        if poly is None:
            return None
        b = proof.bound(poly, j, n, sp.Rational(t))
        return (n, poly, b) if b is not None and b <= RELATIVE else None

    best = attempt(DEGREES[-1])
    if best is None:
        return None
    for n in DEGREES[:-1]:
        found = attempt(n)
        if found is not None:
            return found
    return best


def root_regimes(loss: Loss, zloss: Loss) -> tuple[RootRegime, ...]:
    """The series regimes of ``loss``'s rho (``zloss`` = :func:`least_squares.rho_loss`)."""
    return _cached(loss, zloss)


def series_lines(loss: Loss, zloss: Loss) -> list[str]:
    """The wrapper's lines replacing each row below its threshold by its polynomial."""
    lines: list[str] = []
    for r in root_regimes(loss, zloss):
        coeffs = [float_literal(c) for c in r.coeffs]
        head = [
            f"    # {_ROWS[r.j]} below {{}}: its Taylor polynomial of degree {r.degree} (the",
            f"    # closed form cancels near 0: beyond {TARGET:g} ulp up to u = {r.measured:.3g},",
            f"    # measured); remainder below {r.bound:.2g} relative, proved from f's",
            "    # derivatives by interval arithmetic (lossmath.numerics.series.RootTruncation)",
        ]
        if r.scale is None:
            where, pad = f"z = {r.t}", "    "
            lines += [head[0].format(where), *head[1:]]
            body = [
                "_flat, _rows = z.reshape(-1), out.reshape(3, -1)",
                f"_near = (_flat >= 0) & (_flat < {float_literal(r.t)})",
                "if np.any(_near):",
                "    _u = _flat[_near].astype(np.float64)",
            ]
            result = "_acc"
        else:
            p = r.scale.name
            where, pad = f"z = {r.t}*{p}**2", "        "
            lines += [head[0].format(where), *head[1:],
                      f"    _s = {p} * {p}",
                      f"    _lim = {float_literal(r.t)} * _s",
                      "    if 2.0**-968 < _s and _lim < math.inf:"]
            body = [
                "_flat, _rows = z.reshape(-1), out.reshape(3, -1)",
                "_near = (_flat >= 0) & (_flat < _lim)",
                "if np.any(_near):",
                "    _u = _flat[_near].astype(np.float64) / _s",
            ]
            result = "_acc" + {0: " * _s", 1: "", 2: " / _s"}[r.j]
        body += [
            "    _acc = np.zeros_like(_u)",
            "    for _c in (",
            *[line[len(pad):] for line in _wrap_numbers(coeffs, pad + "        ")],
            "    ):",
            "        _acc = _acc * _u + _c",
            f"    _rows[{r.j}, _near] = {result}",
        ]
        lines += [pad + line for line in body]
    return lines


def _wrap_numbers(items: list[str], indent: str, width: int = 92) -> list[str]:
    out, line = [], indent
    for item in items:
        piece = item + ","
        if len(line) + len(piece) + 1 > width and line.strip():
            out.append(line.rstrip())
            line = indent
        line += piece + " "
    if line.strip():
        out.append(line.rstrip())
    return out
