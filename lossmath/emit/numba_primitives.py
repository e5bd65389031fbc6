"""Scalar numba kernels of the stable primitives, pasted into a generated module that uses them.

One ``@_jit`` function per primitive of :mod:`lossmath.numerics.primitives` (and ``sech``), the
scalar transcription of :mod:`lossmath.emit.numpy_primitives`: the same formulas, the same
regimes, the same order of operations. They take and return float64: the numpy kernels compute
a float32 primitive in float64 and round once (``__wide``), and the numba printer does the same
by converting around the call. Thresholds are those the numpy kernels read from ``np.finfo``
of float64, printed as numbers.

Every name has three leading underscores: generated kernels are ``_NAME`` and their loops
``__NAME``, and a loss name never starts with an underscore, so nothing can collide.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from lossmath.numerics import primitives as P

__all__ = ["HELPERS", "has_fast", "helper_name", "helper_source"]

_F64 = np.finfo(np.float64)
_LOGCOSH_T = repr(-0.5 * math.log(float(_F64.eps)))
_ENTR_TERMS = math.ceil(math.log(float(_F64.eps)) / math.log(25.0 / 49.0))
_XMLOG1P_TERMS = math.ceil(math.log(float(_F64.eps)) / math.log(0.36))

_SOURCES: dict[str, str] = {
    "___softplus": '''
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
''',
    "___sigmoid": '''
@_jit
def ___sigmoid(u):
    """1/(1 + exp(-u)) as 1/(1 + e) (u >= 0) or e/(1 + e) (u < 0), e = exp(-|u|)."""
    e = math.exp(-abs(u))
    top = 1.0 if u >= 0 else e
    return top / (1.0 + e)
''',
    "___sech": '''
@_jit
def ___sech(u):
    """1/cosh(u); cosh overflows to inf where sech underflows to 0."""
    return 1.0 / math.cosh(u)
''',
    "___logcosh": f'''
@_jit
def ___logcosh(u):
    """log(cosh(u)): log1p(2*sinh(a/2)**2) for a = |u| < T, a - log 2 + log1p(exp(-2a))
    beyond; T = -log(eps)/2, where exp(-2a) < eps."""
    a = abs(u)
    if a < {_LOGCOSH_T}:
        s = math.sinh(a * 0.5)
        return math.log1p(2.0 * (s * s))
    return (a - 0.6931471805599453) + math.log1p(math.exp(-2.0 * a))  # and NaN
''',
    "___norm": f'''
@_jit
def ___norm(a, q):
    """hypot(a, q) for a >= 0 and a constant q > 0: sqrt(a*a + q*q), with math.hypot where
    a*a overflowed or when q*q is not normal (the numpy kernel's SIMD path and its fix-up)."""
    q2 = q * q
    if not ({float(_F64.tiny)!r} <= q2 < math.inf):
        return math.hypot(a, q)
    h = math.sqrt(a * a + q2)
    if math.isinf(h):
        return math.hypot(a, q)
    return h
''',
    "___hypotm": '''
@_jit
def ___hypotm(u, q):
    """sqrt(u**2 + q**2) - q as a*(a/(hypot(a, q) + q)), a = |u|; inf at +-inf."""
    a = abs(u)
    h = ___norm(a, q) + q
    r = a * (a / h)
    return a if math.isinf(a) else r
''',
    "___hypotm1": '''
@_jit
def ___hypotm1(u, q):
    """u/sqrt(u**2 + q**2) as u/hypot(u, q); sign(u) at +-inf."""
    if math.isinf(u):
        return 1.0 if u > 0 else -1.0
    return u / ___norm(abs(u), q)
''',
    "___norm_fast": f'''
@_jit
def ___norm_fast(a, q):
    """___norm without its rare paths, and 1 where one was needed (a*a overflowed, or q*q
    is not normal): no call, so a loop over it vectorises."""
    q2 = q * q
    h = math.sqrt(a * a + q2)
    return h, 0 if ({float(_F64.tiny)!r} <= q2 < math.inf and not math.isinf(h)) else 1
''',
    "___hypotm_fast": '''
@_jit
def ___hypotm_fast(u, q):
    """___hypotm through ___norm_fast: (the value, 1 where ___norm took a rare path)."""
    a = abs(u)
    h, bad = ___norm_fast(a, q)
    r = a * (a / (h + q))
    return (a if math.isinf(a) else r), bad
''',
    "___hypotm1_fast": '''
@_jit
def ___hypotm1_fast(u, q):
    """___hypotm1 through ___norm_fast: (the value, 1 where ___norm took a rare path)."""
    h, bad = ___norm_fast(abs(u), q)
    r = u / h
    return ((1.0 if u > 0 else -1.0) if math.isinf(u) else r), bad
''',
    "___hypotm2": f'''
@_jit
def ___hypotm2(u, q):
    """q**2/(u**2 + q**2)**1.5 as (1 + t*t)**-1.5/q, t = |u/q|; ((1/q)/t)/t/t where t**3
    may overflow."""
    t = abs(u / q)
    if t >= {2.0 ** ((int(_F64.maxexp) - 8) // 3)!r}:
        return ((1.0 / q) / t) / t / t
    return math.pow(t * t + 1.0, -1.5) / q
''',
    "___log1p_sq": f'''
@_jit
def ___log1p_sq(u, k):
    """log(1 + k*u**2): log1p(k*(u*u)) for |u| < 2**((emax - 4)//2), beyond it
    2*log|u| + log(k) + log1p(1/(k*(u*u)))."""
    a = abs(u)
    if a < {2.0 ** ((int(_F64.maxexp) - 4) // 2)!r}:
        return math.log1p((a * a) * k)
    return (2.0 * math.log(a) + math.log(k)) + math.log1p(1.0 / (k * (a * a)))  # and NaN
''',
    "___entr1p": f'''
@_jit
def ___entr1p(y):
    """(1 + y)*log1p(y) - y for y >= 0: the series in z = y/(2 + y) for y < 5 (every term
    positive, {_ENTR_TERMS} terms), the written form beyond; inf at inf."""
    if y < 5.0:
        d = 2.0 + y
        z = y / d
        w = z * z
        p = 1.0 / {2 * _ENTR_TERMS + 3}
        for k in range({_ENTR_TERMS - 1}, -1, -1):
            p = p * w + 1.0 / (2 * k + 3)
        return y * y / d + ((1.0 + z) * d) * (z * w * p)
    if math.isinf(y):
        return y
    return (1.0 + y) * math.log1p(y) - y  # and NaN
''',
    "___xmlog1p": f'''
@_jit
def ___xmlog1p(y):
    """y - log1p(y) for y >= 0, as the numpy kernel: for y < 3, with z = y/(2 + y),
    y*z - 2*z**3*sum_k z**(2k)/(2k + 3) ({_XMLOG1P_TERMS} terms, z**2 < 0.36); the written
    form beyond; inf at inf."""
    if y < 3.0:
        z = y / (2.0 + y)
        w = z * z
        p = 1.0 / {2 * _XMLOG1P_TERMS + 3}
        for k in range({_XMLOG1P_TERMS - 1}, -1, -1):
            p = p * w + 1.0 / (2 * k + 3)
        return y * z - 2.0 * (z * w * p)
    if math.isinf(y):
        return y
    return y - math.log1p(y)  # and NaN
''',
}

#: sympy heads -> the scalar helper that evaluates them.
HELPERS: dict[type, str] = {
    P.softplus: "___softplus",
    P.sigmoid: "___sigmoid",
    P.logcosh: "___logcosh",
    P.hypotm: "___hypotm",
    P.hypotm1: "___hypotm1",
    P.hypotm2: "___hypotm2",
    P.log1p_sq: "___log1p_sq",
    P.entr1p: "___entr1p",
    P.xmlog1p: "___xmlog1p",
    sp.sech: "___sech",
}

_NEEDS = {
    "___hypotm": ("___norm",),
    "___hypotm1": ("___norm",),
    "___hypotm_fast": ("___norm_fast",),
    "___hypotm1_fast": ("___norm_fast",),
}


def helper_name(e: sp.Basic) -> str | None:
    return HELPERS.get(type(e))


def has_fast(name: str) -> bool:
    """Whether helper ``name`` has a ``name_fast`` variant: the value without the rare
    paths, and 1 where one was needed (the printer's fast loops count those)."""
    return f"{name}_fast" in _SOURCES


def helper_source(code: str) -> str:
    """The definitions of the helpers that ``code`` calls, in a fixed order (callees first)."""
    used = {name for name in _SOURCES if f"{name}(" in code}
    for name in list(used):
        used.update(_NEEDS.get(name, ()))
    return "".join(_SOURCES[name] for name in _SOURCES if name in used)
