"""numpy kernels of the stable primitives, pasted into a generated numpy module that uses them.

One function per primitive of :mod:`lossmath.numerics.primitives` (and ``sech``), each
``__name(u, [q,] out=None)``, elementwise on 1-d arrays of the working dtype. Their formulas
and regimes are documented with the primitives; thresholds come from ``np.finfo`` of the
array's dtype. Constants inside are Python floats, so float32 stays float32 (NEP 50); none of
them warns (the callers run under ``np.errstate`` ignoring everything).

These are real functions, linted and unit-tested against mpmath
(``tests/emit/test_emit_kernels.py``); :func:`source` gives their text, as ``inspect.getsource``
reads it, for the generated module (which imports only numpy and the standard library).
"""

from __future__ import annotations

import inspect
import math

import numpy as np

__all__ = ["KERNELS", "source"]


def __wide(fn, out, u, *args):
    """fn on float32 input, computed in float64 and rounded once: float32's SIMD exp and
    log, and a float32 chain of operations, lose up to a few ulp that float64 does not."""
    # the constants as given: parameters come rounded to float32 already (the kernels'
    # caller does it), a literal of the formula stays the nearest double to its value
    r = fn(u.astype(np.float64), *args)
    if out is None:
        return r.astype(np.float32)
    np.copyto(out, r, casting="same_kind")
    return out


def __softplus(u, out=None):
    """log(1 + exp(u)): logaddexp(0, u) = max(u, 0) + log1p(exp(-|u|))."""
    if u.dtype == np.float32:
        return __wide(__softplus, out, u)
    return np.logaddexp(0.0, u, out=out)


def __sigmoid(u, out=None):
    """1/(1 + exp(-u)) as 1/(1 + e) (u >= 0) or e/(1 + e) (u < 0), e = exp(-|u|)."""
    if u.dtype == np.float32:
        return __wide(__sigmoid, out, u)
    e = np.exp(-np.abs(u))
    top = np.where(u >= 0, 1.0, e)
    return np.divide(top, 1.0 + e, out=out)


def __sech(u, out=None):
    """1/cosh(u) for |u| < T, 2*exp(-|u|) beyond, T = 1 - log(eps)/2 (exp(-2|u|) < eps/7
    there, so 1 + exp(-2|u|) is 1): cosh overflows to inf from |u| = 710.5, where sech is
    still subnormal (3.3e-309 at 711) and 2*exp(-|u|) underflows gradually."""
    if u.dtype == np.float32:
        return __wide(__sech, out, u)
    a = np.abs(u)
    big = a >= 1.0 - 0.5 * math.log(float(np.finfo(a.dtype).eps))
    r = np.divide(1.0, np.cosh(u), out=out)
    if big.any():
        r[big] = 2.0 * np.exp(-a[big])
    return r


def __logcosh(u, out=None):
    """log(cosh(u)): log1p(2*sinh(a/2)**2) for a = |u| < T, a - log 2 + log1p(exp(-2a))
    beyond; T = -log(eps)/2, where exp(-2a) < eps."""
    if u.dtype == np.float32:
        return __wide(__logcosh, out, u)
    a = np.abs(u)
    r = np.empty_like(a) if out is None else out
    small = a < -0.5 * math.log(float(np.finfo(a.dtype).eps))
    if small.all():  # the usual case: no compress and scatter
        s = np.sinh(np.multiply(a, 0.5, out=a), out=a)
        return np.log1p(np.multiply(2.0, np.square(s, out=s), out=s), out=out)
    s = np.sinh(0.5 * a[small])
    r[small] = np.log1p(2.0 * (s * s))
    big = ~small  # and NaN
    b = a[big]
    r[big] = (b - 0.6931471805599453) + np.log1p(np.exp(-2.0 * b))
    return r


def __norm(a, q):
    """hypot(a, q) for a >= 0 and a constant q > 0: sqrt(a*a + q*q), SIMD, redone with the
    (scalar, 25x slower) np.hypot where a*a overflowed or when q*q is not normal."""
    q2 = float(a.dtype.type(q * q))
    if not (float(np.finfo(a.dtype).tiny) <= q2 < math.inf):
        return np.hypot(a, q)
    h = np.sqrt(a * a + q2)
    big = np.isinf(h)
    if big.any():
        h[big] = np.hypot(a[big], q)
    return h



def __expdd(h, lo, out=None):
    """exp(h + lo) for h rounded and lo its residual: exp(h)*(1 + lo) (lossmath.numerics.
    rounding); lo ignored where exp(h)*lo is not finite (h overflowed: exp(h) is 0 or inf)."""
    if h.dtype == np.float32:  # computed in float64: float32's residual is below its ulp
        return __wide(np.exp, out, h)
    e = np.exp(h)
    d = e * lo  # out may be h's or lo's buffer: written last
    np.copyto(d, 0.0, where=~np.isfinite(d))
    return np.add(e, d, out=out)

def __hypotm(u, q, out=None):
    """sqrt(u**2 + q**2) - q as a*(a/(hypot(a, q) + q)), a = |u|: no cancellation near 0,
    no overflow of u**2; inf at +-inf."""
    if u.dtype == np.float32:
        return __wide(__hypotm, out, u, q)
    a = np.abs(u)
    h = __norm(a, q)
    np.add(h, q, out=h)
    np.divide(a, h, out=h)
    r = np.multiply(a, h, out=out)
    np.copyto(r, a, where=np.isinf(a))
    return r


def __hypotm1(u, q, out=None):
    """u/sqrt(u**2 + q**2) as u/hypot(u, q); sign(u) at +-inf."""
    if u.dtype == np.float32:
        return __wide(__hypotm1, out, u, q)
    h = __norm(np.abs(u), q)
    r = np.divide(u, h, out=out)
    inf = np.isinf(u)
    if inf.any():
        r[inf] = np.sign(u[inf])
    return r


def __hypotm2(u, q, out=None):
    """q**2/(u**2 + q**2)**1.5 as (1 + t*t)**-1.5/q, t = u/q: neither q**2 nor q**3 is formed
    (delta = 1e20 in float32). Where t**3 may overflow, ((1/q)/t)/t/t instead (the 1 in
    1 + t*t is below the rounding there): no subnormal intermediate before the end."""
    if u.dtype == np.float32:
        return __wide(__hypotm2, out, u, q)
    t = np.abs(np.divide(u, q))
    r = np.multiply(t, t, out=out)
    np.add(r, 1.0, out=r)
    np.power(r, -1.5, out=r)
    np.divide(r, q, out=r)
    big = t >= 2.0 ** ((np.finfo(t.dtype).maxexp - 8) // 3)
    if big.any():
        b = t[big]
        r[big] = ((1.0 / q) / b) / b / b
    return r


def __log1p_sq(u, k, out=None):
    """log(1 + k*u**2): log1p(k*(u*u)) for |u| < 2**((emax - 4)//2), beyond it
    2*log|u| + log(k) + log1p(1/(k*(u*u))) (u*u may overflow there: the last term is 0)."""
    if u.dtype == np.float32:
        return __wide(__log1p_sq, out, u, k)
    a = np.abs(u)
    r = np.empty_like(a) if out is None else out
    small = a < 2.0 ** ((np.finfo(a.dtype).maxexp - 4) // 2)
    if small.all():
        return np.log1p(np.multiply(np.square(a, out=a), k, out=a), out=out)
    s = a[small]
    r[small] = np.log1p(k * (s * s))
    big = ~small  # and NaN
    b = a[big]
    r[big] = (2.0 * np.log(b) + math.log(k)) + np.log1p(1.0 / (k * (b * b)))
    return r


def __entr1p(y, out=None):
    """(1 + y)*log1p(y) - y for y >= 0. For y < 5, with z = y/(2 + y):
    y*y/(2 + y) + (1 + z)*(2 + y)*z**3*sum_k z**(2k)/(2k + 3), every term positive, as many
    terms as the dtype needs (z**2 <= 0.52); the written form beyond (it cancels by less
    than a factor 3 there); inf at inf."""
    if y.dtype == np.float32:
        return __wide(__entr1p, out, y)
    r = np.empty_like(y) if out is None else out
    small = y < 5.0
    s = y[small]
    d = 2.0 + s
    z = s / d
    w = z * z
    n = math.ceil(math.log(float(np.finfo(y.dtype).eps)) / math.log(25.0 / 49.0))
    p = np.full_like(s, 1.0 / (2 * n + 3))
    for k in range(n - 1, -1, -1):
        np.multiply(p, w, out=p)
        np.add(p, 1.0 / (2 * k + 3), out=p)
    r[small] = s * s / d + ((1.0 + z) * d) * (z * w * p)
    big = ~small  # and NaN
    b = y[big]
    v = (1.0 + b) * np.log1p(b) - b
    r[big] = np.where(np.isinf(b), b, v)
    return r


def __xmlog1p(y, out=None):
    """y - log1p(y) for y >= 0. For y < 3, with z = y/(2 + y): y*z - 2*z**3*sum_k
    z**(2k)/(2k + 3) (log1p(y) = 2*atanh(z)), as many terms as the dtype needs (z**2 < 0.36);
    the written form beyond (it cancels by less than a factor 1.9 there); inf at inf."""
    if y.dtype == np.float32:
        return __wide(__xmlog1p, out, y)
    r = np.empty_like(y) if out is None else out
    small = y < 3.0
    s = y[small]
    z = s / (2.0 + s)
    w = z * z
    n = math.ceil(math.log(float(np.finfo(y.dtype).eps)) / math.log(0.36))
    p = np.full_like(s, 1.0 / (2 * n + 3))
    for k in range(n - 1, -1, -1):
        np.multiply(p, w, out=p)
        np.add(p, 1.0 / (2 * k + 3), out=p)
    r[small] = s * z - 2.0 * (z * w * p)
    big = ~small  # and NaN
    b = y[big]
    v = b - np.log1p(b)
    r[big] = np.where(np.isinf(b), b, v)
    return r


def __dekker(a):
    """a = hi + lo with hi of 26 significant bits (Dekker's split at 2**27 + 1), so that a
    product of two halves is exact in float64."""
    c = a * 134217729.0
    hi = c - (c - a)
    return hi, a - hi


def __sinhmx(u, out=None):
    """sinh(u) - u, odd. For |u| < 3: s**3/6*(1 + p), p = sum_k 6*s**(2k)/(2k + 3)! (16
    terms: the 17th is below 2**-60 of the sum at s = 3), s**3/6 in double-double (Dekker's
    products, no FMA); the written form beyond (it cancels by less than a factor 1.43)."""
    if u.dtype == np.float32:
        return __wide(__sinhmx, out, u)
    a = np.abs(u)
    r = np.empty_like(a) if out is None else out
    small = a < 3.0
    s = a[small]
    w = s * s
    p = np.zeros_like(s)
    for k in range(17, 1, -1):
        np.add(p, 1.0, out=p)
        np.multiply(p, w / ((2 * k) * (2 * k + 1)), out=p)
    # s*s and s*(s*s) exactly as sums of two doubles (products of Dekker's halves are exact)
    sh, sl = __dekker(s)
    e2 = ((sh * sh - w) + 2.0 * (sh * sl)) + sl * sl
    q = s * w
    wh, wl = __dekker(w)
    e3 = (((sh * wh - q) + sh * wl) + sl * wh) + sl * wl + s * e2
    h = q / 6.0
    hh, hl = __dekker(h)
    lo = (((q - hh * 6.0) - hl * 6.0) + e3) / 6.0
    r[small] = h + (lo + h * p)
    big = ~small  # and NaN
    b = a[big]
    r[big] = np.where(np.isinf(b), b, np.sinh(b) - b)
    return np.copysign(r, u, out=r)


#: operation name (:data:`lossmath.emit.lower.PRIMITIVES`) -> its kernel, in the order the
#: generated module defines them.
KERNELS = {
    "softplus": __softplus,
    "sigmoid": __sigmoid,
    "sech": __sech,
    "logcosh": __logcosh,
    "hypotm": __hypotm,
    "hypotm1": __hypotm1,
    "hypotm2": __hypotm2,
    "log1p_sq": __log1p_sq,
    "entr1p": __entr1p,
    "xmlog1p": __xmlog1p,
    "sinhmx": __sinhmx,
    "expdd": __expdd,
}

_ORDER = (__wide, __softplus, __sigmoid, __sech, __logcosh, __norm, __hypotm, __hypotm1,
          __hypotm2, __log1p_sq, __entr1p, __xmlog1p, __dekker,
          __sinhmx, __expdd)
_NEEDS = {"__hypotm": ("__norm",), "__hypotm1": ("__norm",), "__sinhmx": ("__dekker",)}


def source(code: str) -> str:
    """The definitions of the kernels that ``code`` calls (and those they call, and
    ``__wide`` with any), in a fixed order."""
    names = [f.__name__ for f in _ORDER]
    used = {name for name in names if f"{name}(" in code}
    for name in list(used):
        used.update(_NEEDS.get(name, ()))
    if used:
        used.add("__wide")
    return "".join("\n" + inspect.getsource(f) for f in _ORDER if f.__name__ in used)
