"""Scalar numba kernels of the stable primitives, pasted into a generated numba module.

One ``@_jit`` function per primitive of :mod:`lossmath.numerics.primitives` (and ``sech``), the
scalar transcription of :mod:`lossmath.emit.kernels.numpy_kernels`: the same formulas, the
same regimes, the same order of operations. They take and return float64: the numpy kernels
compute a float32 primitive in float64 and round once (``__wide``), and the numba printer does
the same by converting around the call. Thresholds are those the numpy kernels read from
``np.finfo`` of float64, written as numbers (``tests/emit/test_emit_kernels.py`` checks each
against ``np.finfo``).

Every name has three leading underscores: generated kernels are ``_NAME`` and their loops
``__NAME``, and a loss name never starts with an underscore, so nothing can collide. Here
``_jit`` is the identity, so the kernels run (and are tested) as plain Python; the generated
module defines its own ``_jit`` (numba.njit) and :func:`source` pastes their text.
"""

from __future__ import annotations

import inspect
import math

__all__ = ["KERNELS", "has_fast", "source"]


def _jit(func):
    """The identity here; ``numba.njit`` in the generated module."""
    return func


@_jit
def ___softplus(u):
    """log(1 + exp(u)) as numpy's logaddexp(0, u) computes it (npy_logaddexp)."""
    if u == 0.0:
        return 0.0 + 0.6931471805599453
    tmp = 0.0 - u
    if tmp > 0:
        return 0.0 + math.log1p(math.exp(-tmp))
    if tmp <= 0:
        return u + math.log1p(math.exp(tmp))
    return tmp  # NaN


@_jit
def ___sigmoid(u):
    """1/(1 + exp(-u)) as 1/(1 + e) (u >= 0) or e/(1 + e) (u < 0), e = exp(-|u|)."""
    e = math.exp(-abs(u))
    top = 1.0 if u >= 0 else e
    return top / (1.0 + e)


@_jit
def ___sech(u):
    """1/cosh(u) for |u| < T, 2*exp(-|u|) beyond, T = 1 - log(eps)/2 (exp(-2|u|) < eps/7
    there): cosh overflows from |u| = 710.5, where sech is still subnormal."""
    a = abs(u)
    if a < 19.021826694558577:
        return 1.0 / math.cosh(u)
    return 2.0 * math.exp(-a)  # and NaN


@_jit
def ___logcosh(u):
    """log(cosh(u)): log1p(2*sinh(a/2)**2) for a = |u| < T, a - log 2 + log1p(exp(-2a))
    beyond; T = -log(eps)/2, where exp(-2a) < eps."""
    a = abs(u)
    if a < 18.021826694558577:
        s = math.sinh(a * 0.5)
        return math.log1p(2.0 * (s * s))
    return (a - 0.6931471805599453) + math.log1p(math.exp(-2.0 * a))  # and NaN


@_jit
def ___norm(a, q):
    """hypot(a, q) for a >= 0 and a constant q > 0: sqrt(a*a + q*q), with math.hypot where
    a*a overflowed or when q*q is not normal (the numpy kernel's SIMD path and its fix-up)."""
    q2 = q * q
    if not (2.2250738585072014e-308 <= q2 < math.inf):
        return math.hypot(a, q)
    h = math.sqrt(a * a + q2)
    if math.isinf(h):
        return math.hypot(a, q)
    return h


@_jit
def ___hypotm(u, q):
    """sqrt(u**2 + q**2) - q as a*(a/(hypot(a, q) + q)), a = |u|; inf at +-inf."""
    a = abs(u)
    h = ___norm(a, q) + q
    r = a * (a / h)
    return a if math.isinf(a) else r


@_jit
def ___hypotm1(u, q):
    """u/sqrt(u**2 + q**2) as u/hypot(u, q); sign(u) at +-inf."""
    if math.isinf(u):
        return 1.0 if u > 0 else -1.0
    return u / ___norm(abs(u), q)


@_jit
def ___norm_fast(a, q):
    """___norm without its rare paths, and 1 where one was needed (a*a overflowed, or q*q
    is not normal): no call, so a loop over it vectorises."""
    q2 = q * q
    h = math.sqrt(a * a + q2)
    return h, 0 if (2.2250738585072014e-308 <= q2 < math.inf and not math.isinf(h)) else 1


@_jit
def ___hypotm_fast(u, q):
    """___hypotm through ___norm_fast: (the value, 1 where ___norm took a rare path)."""
    a = abs(u)
    h, bad = ___norm_fast(a, q)
    r = a * (a / (h + q))
    return (a if math.isinf(a) else r), bad


@_jit
def ___hypotm1_fast(u, q):
    """___hypotm1 through ___norm_fast: (the value, 1 where ___norm took a rare path)."""
    h, bad = ___norm_fast(abs(u), q)
    r = u / h
    return ((1.0 if u > 0 else -1.0) if math.isinf(u) else r), bad



@_jit
def ___expdd(h, lo):
    """exp(h + lo) for h rounded and lo its residual: exp(h)*(1 + lo); lo ignored where
    exp(h)*lo is not finite."""
    e = math.inf if h > 709.782712893384 else math.exp(h)  # Python's exp raises there
    d = e * lo
    return e + d if math.isfinite(d) else e

@_jit
def ___hypotm2(u, q):
    """q**2/(u**2 + q**2)**1.5 as (1 + t*t)**-1.5/q, t = |u/q|; ((1/q)/t)/t/t where t**3
    may overflow."""
    t = abs(u / q)
    if t >= 5.599361855444511e+101:
        return ((1.0 / q) / t) / t / t
    return math.pow(t * t + 1.0, -1.5) / q


@_jit
def ___log1p_sq(u, k):
    """log(1 + k*u**2): log1p(k*(u*u)) for |u| < 2**((emax - 4)//2), beyond it
    2*log|u| + log(k) + log1p(1/(k*(u*u)))."""
    a = abs(u)
    if a < 3.3519519824856493e+153:
        return math.log1p((a * a) * k)
    return (2.0 * math.log(a) + math.log(k)) + math.log1p(1.0 / (k * (a * a)))  # and NaN


@_jit
def ___entr1p(y):
    """(1 + y)*log1p(y) - y for y >= 0: the series in z = y/(2 + y) for y < 5 (every term
    positive, 54 terms), the written form beyond; inf at inf."""
    if y < 5.0:
        d = 2.0 + y
        z = y / d
        w = z * z
        p = 1.0 / 111
        for k in range(53, -1, -1):
            p = p * w + 1.0 / (2 * k + 3)
        return y * y / d + ((1.0 + z) * d) * (z * w * p)
    if math.isinf(y):
        return y
    return (1.0 + y) * math.log1p(y) - y  # and NaN


@_jit
def ___xmlog1p(y):
    """y - log1p(y) for y >= 0, as the numpy kernel: for y < 3, with z = y/(2 + y),
    y*z - 2*z**3*sum_k z**(2k)/(2k + 3) (36 terms, z**2 < 0.36); the written
    form beyond; inf at inf."""
    if y < 3.0:
        z = y / (2.0 + y)
        w = z * z
        p = 1.0 / 75
        for k in range(35, -1, -1):
            p = p * w + 1.0 / (2 * k + 3)
        return y * z - 2.0 * (z * w * p)
    if math.isinf(y):
        return y
    return y - math.log1p(y)  # and NaN

@_jit
def ___dekker(a):
    """a = hi + lo with hi of 26 significant bits (Dekker's split at 2**27 + 1)."""
    c = a * 134217729.0
    hi = c - (c - a)
    return hi, a - hi


@_jit
def ___sinhmx(u):
    """sinh(u) - u, odd, as the numpy kernel: for |u| < 3, s**3/6*(1 + p) with p the series'
    tail (16 terms) and s**3/6 in double-double (Dekker's split at 2**27 + 1); the written
    form beyond; +-inf at +-inf."""
    a = abs(u)
    if a < 3.0:
        w = a * a
        p = 0.0
        for k in range(17, 1, -1):
            p = (p + 1.0) * (w / ((2 * k) * (2 * k + 1)))
        sh, sl = ___dekker(a)
        e2 = ((sh * sh - w) + 2.0 * (sh * sl)) + sl * sl
        q = a * w
        wh, wl = ___dekker(w)
        e3 = (((sh * wh - q) + sh * wl) + sl * wh) + sl * wl + a * e2
        h = q / 6.0
        hh, hl = ___dekker(h)
        lo = (((q - hh * 6.0) - hl * 6.0) + e3) / 6.0
        return math.copysign(h + (lo + h * p), u)
    if a > 710.4758600739439:  # log(2*max): sinh overflows beyond (Python's math raises)
        return math.copysign(math.inf, u)
    return math.copysign(math.sinh(a) - a, u)  # and NaN



#: operation name (:data:`lossmath.emit.lower.PRIMITIVES`) -> its kernel.
KERNELS = {
    "softplus": ___softplus,
    "sigmoid": ___sigmoid,
    "sech": ___sech,
    "logcosh": ___logcosh,
    "hypotm": ___hypotm,
    "hypotm1": ___hypotm1,
    "hypotm2": ___hypotm2,
    "log1p_sq": ___log1p_sq,
    "entr1p": ___entr1p,
    "xmlog1p": ___xmlog1p,
    "sinhmx": ___sinhmx,
    "expdd": ___expdd,
}

_ORDER = (___softplus, ___sigmoid, ___sech, ___logcosh, ___norm, ___hypotm, ___hypotm1,
          ___norm_fast, ___hypotm_fast, ___hypotm1_fast, ___hypotm2, ___log1p_sq, ___entr1p,
          ___xmlog1p, ___dekker, ___sinhmx, ___expdd)
_NEEDS = {
    "___hypotm": ("___norm",),
    "___hypotm1": ("___norm",),
    "___hypotm_fast": ("___norm_fast",),
    "___hypotm1_fast": ("___norm_fast",),
    "___sinhmx": ("___dekker",),
}


def has_fast(name: str) -> bool:
    """Whether kernel ``name`` has a ``name_fast`` variant: the value without the rare
    paths, and 1 where one was needed (the printer's fast loops count those)."""
    return any(f.__name__ == f"{name}_fast" for f in _ORDER)


def source(code: str) -> str:
    """The definitions of the kernels that ``code`` calls, in a fixed order (callees
    first)."""
    names = [f.__name__ for f in _ORDER]
    used = {name for name in names if f"{name}(" in code}
    for name in list(used):
        used.update(_NEEDS.get(name, ()))
    return "".join("\n" + inspect.getsource(f) for f in _ORDER if f.__name__ in used)
