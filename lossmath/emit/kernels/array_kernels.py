# ruff: noqa: E501 - a kernel's text is pasted as it is; the generated module marks its long lines
"""Array kernels of the stable primitives, one for every array namespace (torch, JAX, array API).

The numpy kernels' formulas and regimes (:mod:`lossmath.emit.kernels.numpy_kernels`) written
with ``where``: each regime evaluated on a safe input, joined by ``where``; float32 computed in
float64 (``_wide``) and rounded once (``_narrow``), as numpy does. They are written against
the array API with the namespace as first argument ``xp``; :func:`source` prints them for a
target: ``xp.name`` becomes the target's call (``torch.name``) and the ``xp`` argument goes
where the target's kernels take none. ``_wide``, ``_narrow``, ``_double`` and ``_hypot`` are
each target's runtime; the ones here (array API, for the tests) are not pasted.
"""

from __future__ import annotations

import inspect
import math
import re

__all__ = ["KERNELS", "source"]


def _wide(xp, x):
    """float32 as float64."""
    return xp.astype(x, xp.float64) if x.dtype == xp.float32 else x


def _narrow(xp, r, dtype):
    return xp.astype(r, dtype)


def _double(xp, x):
    return xp.finfo(x.dtype).bits >= 64


def _hypot(xp, a, q):
    return xp.hypot(a, q)


def _softplus(xp, u):
    """log(1 + exp(u)) = max(u, 0) + log1p(exp(-|u|)): what numpy's logaddexp(0, u) computes,
    without its comparison (which warns on NaN)."""
    w = _wide(xp, u)
    # where, not clip: the same value (NaN stays NaN through the log1p term), and Dask runs
    # it one task per chunk (array_api_compat's clip on Dask keeps every chunk in memory)
    r = xp.where(w > 0, w, 0.0) + xp.log1p(xp.exp(-xp.abs(w)))
    return _narrow(xp, r, u.dtype)


def _sigmoid(xp, u):
    """1/(1 + exp(-u)) as 1/(1 + e) (u >= 0) or e/(1 + e) (u < 0), e = exp(-|u|)."""
    w = _wide(xp, u)
    e = xp.exp(-xp.abs(w))
    return _narrow(xp, xp.where(w >= 0, 1.0, e) / (1.0 + e), u.dtype)


def _sech(xp, u):
    """1/cosh(u) for |u| < T, 2*exp(-|u|) beyond, T = 1 - log(eps)/2 (exp(-2|u|) < eps/7
    there): cosh overflows from |u| = 710.5, where sech is still subnormal."""
    w = _wide(xp, u)
    a = xp.abs(w)
    small = a < 1.0 - 0.5 * math.log(float(xp.finfo(w.dtype).eps))
    r = xp.where(small, 1.0 / xp.cosh(xp.where(small, w, 0.0)), 2.0 * xp.exp(-a))
    return _narrow(xp, r, u.dtype)


def _logcosh(xp, u):
    """log(cosh(u)): log1p(2*sinh(a/2)**2) for a = |u| < T, a - log 2 + log1p(exp(-2a))
    beyond; T = -log(eps)/2, where exp(-2a) < eps."""
    w = _wide(xp, u)
    a = xp.abs(w)
    t = -0.5 * math.log(float(xp.finfo(w.dtype).eps))
    small = a < t
    s = xp.sinh(xp.where(small, a, 0.0) * 0.5)
    b = xp.where(small, t, a)
    big = (b - 0.6931471805599453) + xp.log1p(xp.exp(-2.0 * b))
    r = xp.where(small, xp.log1p(2.0 * (s * s)), big)
    return _narrow(xp, r, u.dtype)


def _hypotm(xp, u, q):
    """sqrt(u**2 + q**2) - q as a*(a/(hypot(a, q) + q)), a = |u|: no cancellation near 0,
    no overflow of u**2; inf at +-inf."""
    w = _wide(xp, u)
    a = xp.abs(w)
    r = a * (a / (_hypot(xp, a, q) + q))
    return _narrow(xp, xp.where(xp.isinf(a), a, r), u.dtype)


def _hypotm1(xp, u, q):
    """u/sqrt(u**2 + q**2) as u/hypot(u, q); sign(u) at +-inf."""
    w = _wide(xp, u)
    inf = xp.isinf(w)
    r = xp.where(inf, 0.0, w) / _hypot(xp, xp.abs(w), q)
    return _narrow(xp, xp.where(inf, xp.sign(w), r), u.dtype)


def _hypotm2(xp, u, q):
    """q**2/(u**2 + q**2)**1.5 as (1 + t*t)**-1.5/q, t = |u/q|; where t**3 may overflow,
    ((1/q)/t)/t/t instead (the 1 in 1 + t*t is below the rounding there)."""
    w = _wide(xp, u)
    t = xp.abs(w / q)
    big = t >= 2.0 ** (((1024 if _double(xp, w) else 128) - 8) // 3)
    tb = xp.where(big, t, 1.0)
    ts = xp.where(big, 1.0, t)
    r = xp.where(big, ((1.0 / q) / tb) / tb / tb, ((ts * ts) + 1.0) ** -1.5 / q)
    return _narrow(xp, r, u.dtype)


def _log1p_sq(xp, u, k):
    """log(1 + k*u**2): log1p(k*(u*u)) for |u| < 2**((emax - 4)//2), beyond it
    2*log|u| + log(k) + log1p(1/(k*(u*u))) (u*u may overflow there: the last term is 0)."""
    w = _wide(xp, u)
    a = xp.abs(w)
    small = a < 2.0 ** (((1024 if _double(xp, w) else 128) - 4) // 2)
    s = xp.where(small, a, 1.0)
    b = xp.where(small, 1.0, a)
    # k is a Python float, or an array where the parameters are (JAX, learned parameters)
    logk = xp.log(k) if hasattr(k, "dtype") else math.log(k)
    big = (2.0 * xp.log(b) + logk) + xp.log1p(1.0 / (k * (b * b)))
    return _narrow(xp, xp.where(small, xp.log1p((s * s) * k), big), u.dtype)


def _entr1p(xp, y):
    """(1 + y)*log1p(y) - y for y >= 0: for y < 5, with z = y/(2 + y), the series
    y*y/(2 + y) + (1 + z)*(2 + y)*z**3*sum_k z**(2k)/(2k + 3) of positive terms, as many as the
    dtype needs; the written form beyond; inf at inf."""
    w = _wide(xp, y)
    small = w < 5.0
    s = xp.where(small, w, 1.0)
    d = 2.0 + s
    z = s / d
    zz = z * z
    n = math.ceil(math.log(float(xp.finfo(w.dtype).eps)) / math.log(25.0 / 49.0))
    p = xp.full_like(s, 1.0 / (2 * n + 3))
    for k in range(n - 1, -1, -1):
        p = p * zz + 1.0 / (2 * k + 3)
    b = xp.where(small, 5.0, w)
    big = xp.where(xp.isinf(b), b, (1.0 + b) * xp.log1p(b) - b)
    return _narrow(xp, xp.where(small, s * s / d + ((1.0 + z) * d) * (z * zz * p), big), y.dtype)


def _xmlog1p(xp, y):
    """y - log1p(y) for y >= 0, as the numpy kernel: for y < 3, with z = y/(2 + y),
    y*z - 2*z**3*sum_k z**(2k)/(2k + 3) (z**2 < 0.36), as many terms as the dtype needs; the
    written form beyond; inf at inf."""
    w = _wide(xp, y)
    small = w < 3.0
    s = xp.where(small, w, 1.0)
    z = s / (2.0 + s)
    zz = z * z
    n = math.ceil(math.log(float(xp.finfo(w.dtype).eps)) / math.log(0.36))
    p = xp.full_like(s, 1.0 / (2 * n + 3))
    for k in range(n - 1, -1, -1):
        p = p * zz + 1.0 / (2 * k + 3)
    b = xp.where(small, 3.0, w)
    big = xp.where(xp.isinf(b), b, b - xp.log1p(b))
    return _narrow(xp, xp.where(small, s * z - 2.0 * (z * zz * p), big), y.dtype)


def _sinhmx(xp, u):
    """sinh(u) - u, odd, as the numpy kernel: for |u| < 3, s**3/6*(1 + p) with p the series'
    tail (16 terms) and s**3/6 in double-double (Dekker's split at 2**ceil(digits/2) + 1);
    the written form beyond."""
    w = _wide(xp, u)
    a = xp.abs(w)
    small = a < 3.0
    s = xp.where(small, a, 1.0)
    ss = s * s
    p = xp.zeros_like(s)
    for k in range(17, 1, -1):
        p = (p + 1.0) * (ss / ((2 * k) * (2 * k + 1)))
    split = 134217729.0 if _double(xp, w) else 4097.0
    c = s * split
    sh = c - (c - s)
    sl = s - sh
    e2 = ((sh * sh - ss) + 2.0 * (sh * sl)) + sl * sl
    q = s * ss
    c = ss * split
    wh = c - (c - ss)
    wl = ss - wh
    e3 = (((sh * wh - q) + sh * wl) + sl * wh) + sl * wl + s * e2
    h = q / 6.0
    c = h * split
    hh = c - (c - h)
    hl = h - hh
    lo = (((q - hh * 6.0) - hl * 6.0) + e3) / 6.0
    b = xp.where(small, 3.0, a)
    big = xp.where(xp.isinf(b), b, xp.sinh(b) - b)
    r = xp.where(small, h + (lo + h * p), big)
    return _narrow(xp, xp.where(w < 0, -r, r), u.dtype)



def _expdd(xp, h, lo):
    """exp(h + lo) for h rounded and lo its residual: exp(h)*(1 + lo); lo ignored where
    exp(h)*lo is not finite (h overflowed: exp(h) is 0 or inf), and in float32 (its residual
    was computed with float64's splitter; below float32's ulp anyway)."""
    if not _double(xp, h):
        return _narrow(xp, xp.exp(_wide(xp, h)), h.dtype)
    e = xp.exp(h)
    d = e * lo
    return e + xp.where(xp.isfinite(d), d, 0.0)

#: operation name (:data:`lossmath.emit.lower.PRIMITIVES`) -> its kernel, in the order the
#: generated module defines them.
KERNELS = {
    "softplus": _softplus,
    "sigmoid": _sigmoid,
    "sech": _sech,
    "logcosh": _logcosh,
    "hypotm": _hypotm,
    "hypotm1": _hypotm1,
    "hypotm2": _hypotm2,
    "log1p_sq": _log1p_sq,
    "entr1p": _entr1p,
    "xmlog1p": _xmlog1p,
    "sinhmx": _sinhmx,
    "expdd": _expdd,
}


def source(code: str, xp: str, call) -> str:
    """The definitions of the kernels ``code`` calls, for a target whose kernels take
    ``xp`` (``"xp, "`` or ``""``) first and spell ``xp.name`` as ``call(name)``."""
    out = []
    for f in KERNELS.values():
        if f"{f.__name__}(" in code:
            text = "\n" + inspect.getsource(f).replace("xp, ", xp)
            out.append(re.sub(r"\bxp\.(\w+)", lambda m: call(m.group(1)), text))
    return "".join(out)
