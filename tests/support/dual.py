"""Forward-mode dual numbers over numpy arrays: the truth of ported tests that differentiate a
peer library's own function by dual numbers (LossFunctions.jl's tests use DualNumbers.jl).

``Dual(re, eps)`` carries a value and its derivative along one direction; every operation
applies the chain rule elementwise, so ``f(Dual(r, 1)).eps`` is ``f'(r)`` up to rounding,
independent of any symbolic derivative. Comparisons look at the value only, as
DualNumbers.jl's do (``value(z) < value(w)``); :func:`where` selects per element, so a
branch transcribed from scalar code (``if a <= d ... else ... end``) keeps its meaning.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Dual", "where", "dabs", "dsign", "dexp", "dlog", "dlog1p", "dcos", "dsin",
           "dtanh", "dsech", "const"]


class Dual:
    """A value and its derivative, both float64 arrays of one shape."""

    __slots__ = ("re", "eps")
    __array_ufunc__ = None  # ndarray * Dual defers to Dual.__rmul__, not an object array

    def __init__(self, re, eps=0.0):
        self.re = np.asarray(re, dtype=float)
        self.eps = np.broadcast_to(np.asarray(eps, dtype=float), self.re.shape)

    def __add__(self, o):
        o = const(o)
        return Dual(self.re + o.re, self.eps + o.eps)

    __radd__ = __add__

    def __neg__(self):
        return Dual(-self.re, -self.eps)

    def __sub__(self, o):
        return self + (-const(o))

    def __rsub__(self, o):
        return const(o) - self

    def __mul__(self, o):
        o = const(o)
        return Dual(self.re * o.re, self.re * o.eps + self.eps * o.re)

    __rmul__ = __mul__

    def __truediv__(self, o):
        o = const(o)
        return Dual(self.re / o.re, (self.eps * o.re - self.re * o.eps) / (o.re * o.re))

    def __rtruediv__(self, o):
        return const(o) / self

    def __pow__(self, p):
        """A real constant exponent (Julia's ``abs(r)^P``)."""
        return Dual(self.re**p, p * self.re ** (p - 1) * self.eps)

    # comparisons: the value only, as DualNumbers.jl
    def __lt__(self, o):
        return self.re < const(o).re

    def __le__(self, o):
        return self.re <= const(o).re

    def __gt__(self, o):
        return self.re > const(o).re

    def __ge__(self, o):
        return self.re >= const(o).re


def const(v) -> Dual:
    return v if isinstance(v, Dual) else Dual(v, 0.0)


def where(cond, a, b) -> Dual:
    a, b = const(a), const(b)
    return Dual(np.where(cond, a.re, b.re), np.where(cond, a.eps, b.eps))


def dabs(d: Dual) -> Dual:
    return Dual(np.abs(d.re), np.sign(d.re) * d.eps)


def dsign(d: Dual) -> Dual:
    return Dual(np.sign(d.re), 0.0)


def dexp(d: Dual) -> Dual:
    e = np.exp(d.re)
    return Dual(e, e * d.eps)


def dlog(d: Dual) -> Dual:
    return Dual(np.log(d.re), d.eps / d.re)


def dlog1p(d: Dual) -> Dual:
    return Dual(np.log1p(d.re), d.eps / (1 + d.re))


def dcos(d: Dual) -> Dual:
    return Dual(np.cos(d.re), -np.sin(d.re) * d.eps)


def dsin(d: Dual) -> Dual:
    return Dual(np.sin(d.re), np.cos(d.re) * d.eps)


def dtanh(d: Dual) -> Dual:
    t = np.tanh(d.re)
    return Dual(t, (1 - t * t) * d.eps)


def dsech(d: Dual) -> Dual:
    s = 1 / np.cosh(d.re)
    return Dual(s, -s * np.tanh(d.re) * d.eps)
