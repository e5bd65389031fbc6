"""Exact sample points: generic parameter values, and rationals strictly inside intervals.

Everything that depends on *where* ``x`` is (which piece holds, which branch of ``|u|``) is
decided by evaluating at an exact rational, for several generic parameter samples that must
all agree. Scales are relative: a smooth L1 with ``beta = 1e-30`` has breakpoints ``±1e-30``,
and a rational chosen on an absolute grid would fall outside the interval between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import sympy as sp

if TYPE_CHECKING:
    from lossmath.core.loss import Param

__all__ = ["inside", "numeric", "parameter_samples", "rational_above", "rational_below"]

# Generic factors applied to parameter defaults (or used as values when there is no default):
# distinct, irrational-looking rationals, so no breakpoint coincides with a special number by
# accident; several of them so a decision that depends on the parameters shows up as a
# disagreement instead of a silent wrong answer.
_FACTORS = (sp.Rational(1013, 1000), sp.Rational(977, 1000), sp.Rational(1291, 1000))
_GENERIC = (sp.Rational(137, 100), sp.Rational(59, 100), sp.Rational(231, 100))

#: significant digits kept when an irrational end is rounded to a rational
_DIGITS = 24


def parameter_samples(params: Sequence[Param]) -> tuple[dict[sp.Symbol, sp.Expr], ...]:
    """Deterministic generic parameter values, consistent with each parameter's assumption.

    Defaults are scaled slightly (each parameter by a different factor) rather than replaced,
    so relations between parameters that the defaults satisfy (``a < b < c`` in Hampel's loss)
    keep holding.
    """
    samples = []
    for k, factor in enumerate(_FACTORS):
        sample: dict[sp.Symbol, sp.Expr] = {}
        for i, p in enumerate(params):
            # small denominators: a sample may end up in an exponent, and sympy simplifies
            # a rational power of a rational exactly (perfect-power tests that never end
            # for denominators like 997000)
            f = factor + sp.Rational(7 * i, 1000)
            if p.default is not None and p.default != 0:
                value = p.default * f
            else:
                value = _GENERIC[(k + i) % len(_GENERIC)] * f
                if p.assume in ("negative", "nonpositive"):
                    value = -value
            if not value.is_Rational:  # e.g. a default of pi: a nearby rational will do
                value = sp.Rational(str(sp.N(value, 20)))
            sample[p.symbol] = value
        samples.append(sample)
    return tuple(samples)


def numeric(value: sp.Expr) -> sp.Expr:
    """``value`` to 30 significant digits; ``ValueError`` when it is not real."""
    v = sp.N(value, 30)
    if not (v.is_real or v.is_infinite):
        raise ValueError(f"breakpoint {value} is not real")
    return v


def _rational(v: sp.Expr, up: bool) -> sp.Rational:
    if v.is_Rational:
        return v
    n = numeric(v)
    if n == 0:
        return sp.S.Zero
    # round on a grid relative to |v|: 10**(e - _DIGITS) where 10**e ~ |v|
    e = int(sp.floor(sp.log(abs(n), 10)))
    scale = sp.Rational(10) ** (e - _DIGITS)
    q = n / scale
    return (sp.ceiling(q) if up else sp.floor(q)) * scale


def rational_below(v: sp.Expr) -> sp.Rational:
    """A rational ``<= v``, within ``10**-24`` relative of it."""
    return _rational(v, up=False)


def rational_above(v: sp.Expr) -> sp.Rational:
    """A rational ``>= v``, within ``10**-24`` relative of it."""
    return _rational(v, up=True)


def inside(lo: sp.Expr, hi: sp.Expr) -> sp.Rational:
    """An exact rational strictly between ``lo`` and ``hi`` (either may be infinite)."""
    if lo == -sp.oo and hi == sp.oo:
        return sp.Rational(1, 7)
    if lo == -sp.oo:
        h = rational_below(hi)
        return h - 1 - abs(h)
    if hi == sp.oo:
        lo_r = rational_above(lo)
        return lo_r + 1 + abs(lo_r)
    a, b = rational_above(lo), rational_below(hi)
    if not a < b:  # an extremely narrow interval: a finer rational at the midpoint
        mid = (sp.N(lo, 60) + sp.N(hi, 60)) / 2
        return sp.Rational(str(mid))
    return (a + b) / 2
