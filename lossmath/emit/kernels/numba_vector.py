"""Branch-free float64 kernels (exp, expm1, log1p, tanh, logcosh) that a numba loop vectorises.

A numba loop that calls ``math.exp`` (libm) runs one element at a time: without Intel's SVML
(not installed here: ``numba -s`` says "SVML State: False") LLVM has no vector ``exp``, and
one scalar ``log1p`` or ``sinh`` costs more than the memory traffic of the element. These
kernels are written in arithmetic, integer bit operations and selects only, so that LLVM
inlines them into the loop and vectorises it. Each is the textbook algorithm:

* ``___vexpm1``/``___vexp``: ``x = k*ln2 + r`` (Cody-Waite, fdlibm's ``ln2_hi`` with 21
  trailing zero bits, so ``k*ln2_hi`` is exact), ``expm1(r)`` by its Taylor series to
  ``r**14`` (truncation below 2**-60 relative for |r| <= ln2/2, in Estrin's scheme), then
  ``2**k*expm1(r) + (2**k - 1)`` (k <= 52: ``2**k - 1`` is exact; at k = 1 the sum cancels
  at most by a factor 1.4) or ``2**k*(1 + expm1(r))``; ``2**k`` is two factors, so
  subnormal and overflowing results round once;
* ``___vlog1p``: musl's ``log1p`` (fdlibm's reduction ``1 + x = 2**k*(1 + f)`` with the
  correction ``c`` for the rounding of ``1 + x``, and its polynomial ``Lg1..Lg7``), its
  branches made selects;
* ``___vtanh``: ``-e/(2 + e)`` with ``e = expm1(-2|x|)``, the sign copied from x;
* ``___vexpdd``: ``exp(h)*(1 + lo)``, exp(h) by ``___vexp`` (Welsch's exponential with its
  argument's rounding residual, :mod:`lossmath.numerics.rounding`);
* ``___vhypotm``, ``___vhypotm1``, ``___vhypotm2``: the scalar kernels' formulas
  (:mod:`lossmath.emit.kernels.numba_kernels`) with ``math.hypot`` as a scaled
  ``sqrt(a*a + q*q)`` and ``pow(w, -1.5)`` as ``1/(w*sqrt(w))``: the Triton kernels'
  (the fused CPU loops keep the scalar kernels' ``_fast`` forms);
* ``___vlogcosh``: ``log1p(cosh(a) - 1)`` with ``cosh(a) - 1 = e*e/(2*(e + 1))``, e =
  expm1(a), for a = |u| < 0.88; ``a - log 2 + log1p(exp(-2a))`` beyond: one exp and one
  log1p per element, whichever side, and both log1p arguments below 0.4142, where
  ``___vlog1p_near`` needs neither the reduction nor its correction (two divisions where
  the full log1p made three: 0.7x the time of the loop);
* the float32 loops' twins (:data:`NARROW`): float64 arithmetic to 2**-34 relative where
  the float64 kernels hold a few float64 ulps (shorter series; log cosh as a series below
  a = 1/4 and ``a - log 2 + 2*atanh(s)`` above, one division), then rounded once to
  float32 as before: 0.9x the time of a float32 loop over the float64 kernels.

Measured against mpmath in ``tests/emit/test_numba_vector.py`` (the bounds there). The bit
casts ``___fbits``/``___ffrom`` are numba intrinsics in the generated module
(:data:`RUNTIME`); :func:`source` pastes the kernels a module calls. Names have three
leading underscores, as :mod:`lossmath.emit.kernels.numba_kernels`.
"""

from __future__ import annotations

import inspect
import math
import struct

__all__ = ["KERNELS", "NARROW", "RUNTIME", "SCALAR", "source"]

#: the kernel that replaces each libm function or primitive in a vectorised loop
SCALAR = {"exp": "___vexp", "expm1": "___vexpm1", "log1p": "___vlog1p", "tanh": "___vtanh",
          "logcosh": "___vlogcosh", "expdd": "___vexpdd"}

#: the kernel a float32 loop calls in place of each float64 one: still float64 arithmetic,
#: rounded once to float32, but to 2**-34 relative (a 2**-10 float32 ulp) instead of a few
#: float64 ulps: shorter series, and log cosh without log1p's reduction (one division where
#: ``___vlogcosh`` has three); the loop is bound by its instructions, not by memory
NARROW = {"___vexp": "___vexp32", "___vexpm1": "___vexpm1_32", "___vtanh": "___vtanh32",
          "___vlogcosh": "___vlogcosh32", "___vexpdd": "___vexpdd32"}

#: the generated module's bit casts: numba intrinsics (an LLVM bitcast, which vectorises);
#: without numba, struct (the loops then run as Python, as nothing calls them)
RUNTIME = '''

def _jit_inline(func):
    """Inlined where called, in numba's IR (LLVM's inliner leaves a call to a kernel this
    size, and the loop then runs one element at a time)."""
    if numba is None:
        return func
    return numba.njit(func, error_model="numpy", nogil=True, inline="always")


if numba is not None:
    from numba.extending import intrinsic as _intrinsic  # noqa: E402

    @_intrinsic
    def ___fbits(typingctx, v):
        """The bits of a float64 as an int64."""
        sig = numba.types.int64(numba.types.float64)
        return sig, lambda ctx, b, s, a: b.bitcast(a[0], ctx.get_value_type(s.return_type))

    @_intrinsic
    def ___ffrom(typingctx, v):
        """The float64 whose bits are an int64."""
        sig = numba.types.float64(numba.types.int64)
        return sig, lambda ctx, b, s, a: b.bitcast(a[0], ctx.get_value_type(s.return_type))
else:
    def ___fbits(v):
        import struct

        return struct.unpack("<q", struct.pack("<d", v))[0]

    def ___ffrom(v):
        import struct

        return struct.unpack("<d", struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF))[0]
'''


def _jit_inline(func):
    """The identity here; ``numba.njit(inline="always")`` in the generated module: inlined
    in numba's IR, as LLVM's inliner leaves a call to a kernel this size (measured: the
    loop over ``___vexp`` then stays scalar)."""
    return func


def ___fbits(v):
    return struct.unpack("<q", struct.pack("<d", v))[0]


def ___ffrom(v):
    return struct.unpack("<d", struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF))[0]


@_jit_inline
def ___vexp_reduce(x):
    """(r, k) with x = k*ln2 + r, |r| <= 0.35, k a float; x clamped to [-746, 710], beyond
    which exp is 0 or inf (NaN stays NaN)."""
    xc = 710.0 if x > 710.0 else x
    xc = -746.0 if xc < -746.0 else xc
    # (v + 1.5*2**52) - 1.5*2**52 rounds v to an integer (|v| < 2**51)
    kf = (xc * 1.4426950408889634 + 6755399441055744.0) - 6755399441055744.0
    kf = 0.0 if kf != kf else kf
    return (xc - kf * 6.93147180369123816490e-01) - kf * 1.90821492927058770002e-10, kf


@_jit_inline
def ___vexp_parts(x):
    """(expm1(r), k) with x = k*ln2 + r (``___vexp_reduce``)."""
    r, kf = ___vexp_reduce(x)
    # q = sum of r**(n-2)/n! for n = 2..14 in Estrin's scheme (a dependency chain of 8
    # operations where Horner's has 26: the loop is bound by that latency)
    r2 = r * r
    r4 = r2 * r2
    q = (((0.5 + 0.16666666666666666 * r) + (0.041666666666666664 + 0.008333333333333333 * r) * r2)
         + ((0.001388888888888889 + 0.0001984126984126984 * r)
            + (2.48015873015873e-05 + 2.7557319223985893e-06 * r) * r2) * r4)
    q = q + (((2.755731922398589e-07 + 2.505210838544172e-08 * r)
              + (2.08767569878681e-09 + 1.6059043836821613e-10 * r) * r2)
             + 1.1470745597729725e-11 * r4) * (r4 * r4)
    return r + r2 * q, int(kf)


@_jit_inline
def ___vexpm1_from(e, k, x):
    """expm1(x) from (expm1(r), k) of ``___vexp_parts``, branch-free (the selects are
    compiled to blends)."""
    k1 = k >> 1
    s1 = ___ffrom((k1 + 1023) << 52)
    s2 = ___ffrom((k - k1 + 1023) << 52)
    s = s1 * s2
    v = e * s + (s - 1.0) if k <= 52 else ((1.0 + e) * s1) * s2 - 1.0
    return x if x == 0.0 else v  # -0.0 stays -0.0


@_jit_inline
def ___vexp_from(e, k):
    """exp(x) from (expm1(r), k) of ``___vexp_parts``: 2**k in two factors."""
    k1 = k >> 1
    s1 = ___ffrom((k1 + 1023) << 52)
    s2 = ___ffrom((k - k1 + 1023) << 52)
    return ((1.0 + e) * s1) * s2


@_jit_inline
def ___vexpm1(x):
    """expm1(x), branch-free."""
    e, k = ___vexp_parts(x)
    return ___vexpm1_from(e, k, x)


@_jit_inline
def ___vexp(x):
    """exp(x), branch-free."""
    e, k = ___vexp_parts(x)
    return ___vexp_from(e, k)


@_jit_inline
def ___vlog1p_poly(f):
    """(f*f/2, s*(f*f/2 + R(s*s))), s = f/(2 + f): log(1 + f) = f - f*f/2 + the second, for
    sqrt(2)/2 <= 1 + f < sqrt(2) (musl's k_log1p, its polynomial Lg1..Lg7)."""
    hfsq = 0.5 * f * f
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01
                                              + w * 1.531383769920937332e-01))
    t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01 + w * (
        1.818357216161805012e-01 + w * 1.479819860511658591e-01)))
    return hfsq, s * (hfsq + (t2 + t1))


@_jit_inline
def ___vlog1p(x):
    """log1p(x) as musl computes it, branch-free: -inf at -1, NaN below."""
    u = 1.0 + x
    bu = ___fbits(u)
    hu = (bu >> 32) + (0x3FF00000 - 0x3FE6A09E)
    k = (hu >> 20) - 0x3FF
    c = (1.0 - (u - x)) if k >= 2 else (x - (u - 1.0))
    c = c / u if k < 54 else 0.0
    hu = (hu & 0x000FFFFF) + 0x3FE6A09E
    f = ___ffrom((hu << 32) | (bu & 0xFFFFFFFF)) - 1.0
    # sqrt(2)/2 <= 1 + x < sqrt(2) (musl's bounds on the high word of x): f = x, k = c = 0
    near = -0.292893648147583 < x < 0.4142136573791504
    f = x if near else f
    c = 0.0 if near else c
    dk = 0.0 if near else float(k)
    hfsq, sr = ___vlog1p_poly(f)
    v = sr + (dk * 1.90821492927058770002e-10 + c) - hfsq + f + dk * 6.93147180369123816490e-01
    v = -math.inf if x == -1.0 else v
    v = math.nan if x < -1.0 else v
    return x if (x == math.inf or x != x or x == 0.0) else v  # and -0.0 stays -0.0


@_jit_inline
def ___vtanh(x):
    """tanh(x) = -e/(2 + e), e = expm1(-2|x|), with x's sign (also at -0.0)."""
    e = ___vexpm1(-2.0 * abs(x))
    return math.copysign(-e / (2.0 + e), x)


@_jit_inline
def ___vlog1p_near(x):
    """log1p(x) for -0.2929 < x < 0.4142, where musl's reduction leaves x as it is (k = 0,
    no correction): one division and the polynomial."""
    hfsq, sr = ___vlog1p_poly(x)
    return sr - hfsq + x


@_jit_inline
def ___vlogcosh(u):
    """log(cosh(u)), a = |u|: log1p(e*e/(2*(e + 1))), e = expm1(a), for a < 0.88 (where
    cosh(a) - 1 < 0.4142); a - log 2 + log1p(exp(-2a)) beyond (exp(-2a) < 0.18). Both
    arguments of log1p are in its reduction-free range and one exp serves both sides: two
    divisions, where log1p over all of cosh(a) - 1 costs three and the reduction. At a = 0.88
    a - log 2 is exact (Sterbenz) with log 2 in two parts, and the sum cancels by 1.5 at
    most."""
    a = abs(u)
    big = a >= 0.88
    x = -2.0 * a if big else a
    e, k = ___vexp_parts(x)
    em1 = ___vexpm1_from(e, k, x)  # expm1(a), a < 0.88
    y = ___vexp_from(e, k)  # exp(-2a)
    v = ___vlog1p_near(y if big else (em1 * em1) / (2.0 * (em1 + 1.0)))
    return ((a - 6.93147180369123816490e-01) - 1.90821492927058770002e-10) + v if big else v


@_jit_inline
def ___vexp_parts32(x):
    """(expm1(r), k) as ``___vexp_parts`` with the series to r**10 (truncation below 2**-40
    relative for |r| <= ln2/2): the float32 loops' (see :data:`NARROW`)."""
    r, kf = ___vexp_reduce(x)
    r2 = r * r
    r4 = r2 * r2
    q = (((0.5 + 0.16666666666666666 * r) + (0.041666666666666664 + 0.008333333333333333 * r) * r2)
         + ((0.001388888888888889 + 0.0001984126984126984 * r)
            + (2.48015873015873e-05 + 2.7557319223985893e-06 * r) * r2) * r4
         + 2.755731922398589e-07 * (r4 * r4))
    return r + r2 * q, int(kf)


@_jit_inline
def ___vexpm1_32(x):
    """expm1(x) to 2**-38 relative (over ``___vexp_parts32``)."""
    e, k = ___vexp_parts32(x)
    return ___vexpm1_from(e, k, x)


@_jit_inline
def ___vexp32(x):
    """exp(x) to 2**-40 relative (over ``___vexp_parts32``)."""
    e, k = ___vexp_parts32(x)
    return ___vexp_from(e, k)


@_jit_inline
def ___vtanh32(x):
    """tanh(x) as ``___vtanh`` over ``___vexpm1_32``."""
    e = ___vexpm1_32(-2.0 * abs(x))
    return math.copysign(-e / (2.0 + e), x)


@_jit_inline
def ___vlogcosh32(u):
    """log(cosh(u)) to 2**-34 relative, with one division: the series
    a**2/2 - a**4/12 + ... (to a**14) for a = |u| < 1/4; a - log 2 + log(w) beyond, w = 1 +
    exp(-2a) in (1, 1.61], log(w) = 2*atanh(s), s = (h - 1)/(h + 1), h = w or w/2 (|s| <=
    0.172, the odd series to s**13). The cancellation of a - log 2 + log(w) at a = 1/4 costs
    a factor 12 on exp's error (2**-40) and on the series' truncation (5e-13 absolute)."""
    a = abs(u)
    y = ___vexp32(-2.0 * a)
    w = 1.0 + y
    half = w > 1.4142135623730951
    h = w * 0.5 if half else w
    s = (h - 1.0) / (h + 1.0)
    z = s * s
    lg = (2.0 * s) * (1.0 + z * (0.3333333333333333 + z * (0.2 + z * (
        0.14285714285714285 + z * (0.1111111111111111 + z * (0.09090909090909091
                                                             + z * 0.07692307692307693))))))
    lg = lg + 0.6931471805599453 if half else lg
    big = (a - 0.6931471805599453) + lg
    a2 = a * a
    small = a2 * (0.5 + a2 * (-0.08333333333333333 + a2 * (0.022222222222222223 + a2 * (
        -0.006746031746031746 + a2 * (0.0021869488536155205 + a2 * (
            -0.000738602960825183 + a2 * 0.0002565805740408915))))))
    return small if a < 0.25 else big


@_jit_inline
def ___vexpdd(h, lo):
    """exp(h + lo) = exp(h)*(1 + lo) for h rounded and lo its residual
    (:class:`~lossmath.numerics.primitives.expdd`, as ``___expdd``): lo ignored where
    exp(h)*lo is not finite (d - d is 0 exactly where d is finite)."""
    e = ___vexp(h)
    d = e * lo
    return e + d if d - d == 0.0 else e


@_jit_inline
def ___vexpdd32(h, lo):
    """``___vexpdd`` over ``___vexp32``."""
    e = ___vexp32(h)
    d = e * lo
    return e + d if d - d == 0.0 else e


@_jit_inline
def ___vnorm(a, q):
    """hypot(a, q) for a >= 0 and q > 0: sqrt(a*a + q*q), both scaled first by a power of two
    (exact) where the larger is above 2**500 or below 2**-500, so that neither square
    overflows nor loses bits to underflow (math.hypot's job, without its branches)."""
    m = a if a > q else q
    s = 2.0**-600 if m > 2.0**500 else (2.0**600 if m < 2.0**-500 else 1.0)
    u = a * s
    v = q * s
    return math.sqrt(u * u + v * v) / s


@_jit_inline
def ___vhypotm(u, q):
    """sqrt(u**2 + q**2) - q as a*(a/(hypot(a, q) + q)), a = |u| (``___hypotm``); inf at
    +-inf."""
    a = abs(u)
    r = a * (a / (___vnorm(a, q) + q))
    return a if a == math.inf else r


@_jit_inline
def ___vhypotm1(u, q):
    """u/sqrt(u**2 + q**2) as u/hypot(u, q) (``___hypotm1``); sign(u) at +-inf."""
    r = u / ___vnorm(abs(u), q)
    return (1.0 if u > 0 else -1.0) if abs(u) == math.inf else r


@_jit_inline
def ___vhypotm2(u, q):
    """q**2/(u**2 + q**2)**1.5 as 1/(w*sqrt(w))/q, w = 1 + t*t, t = |u/q| (``___hypotm2``'s
    pow(w, -1.5) as a square root: vectorises); ((1/q)/t)/t/t where t**3 may overflow."""
    t = abs(u / q)
    w = t * t + 1.0
    small = (1.0 / (w * math.sqrt(w))) / q
    return ((1.0 / q) / t) / t / t if t >= 5.599361855444511e+101 else small


#: every kernel, callees before callers (the order their definitions are pasted in); the
#: kernels a kernel calls are found in its text
KERNELS = (___vexp_reduce, ___vexp_parts, ___vexpm1_from, ___vexp_from, ___vexpm1, ___vexp,
           ___vlog1p_poly, ___vlog1p, ___vtanh, ___vlog1p_near, ___vlogcosh, ___vexp_parts32,
           ___vexpm1_32, ___vexp32, ___vtanh32, ___vlogcosh32, ___vexpdd, ___vexpdd32, ___vnorm,
           ___vhypotm, ___vhypotm1, ___vhypotm2)


def source(code: str) -> str:
    """The definitions of the kernels that ``code`` calls, callees first, after
    :data:`RUNTIME` (the bit casts); empty when it calls none."""
    used: set[str] = set()
    texts = [code]
    while texts:  # and the kernels those call, read from their source
        text = texts.pop()
        for f in KERNELS:
            if f.__name__ not in used and f"{f.__name__}(" in text:
                used.add(f.__name__)
                texts.append(inspect.getsource(f))
    if not used:
        return ""
    return RUNTIME + "".join("\n" + inspect.getsource(f) for f in KERNELS if f.__name__ in used)

