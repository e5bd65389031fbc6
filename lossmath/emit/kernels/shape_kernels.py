"""The array kernel of Barron's general loss at a run-time shape: its value to a few ulp.

``rho = (b/a) ((1 + z/b)**(a/2) - 1)``, ``b = |a - 2|``, ``z = (x/c)**2``, for ``a`` away from
its singular values 0, 2, +-oo (the caller selects the limits there), in float64 with ``xp``
the array namespace (numpy, torch, jax.numpy): ``source`` pastes the text for a target.

Why not one expression: ``expm1(a/2 log1p(z/b))`` is accurate while ``t = a/2 log1p(z/b)`` is
small, but ``expm1(t)`` magnifies ``t``'s rounding by ``|t|`` (350 ulp at ``x = 1e300``, ``a
= 1``); ``(1 + z/b)**(a/2)`` magnifies the base's rounding by ``a/2`` (50 ulp at ``a = 50``);
``(x/c)**2`` overflows above 1.3e154 and ``z/b`` underflows below 1e-161. So ``z/b`` is
carried as a double-double (Dekker's product by Veltkamp's split: exact without an fma,
which torch and JAX do not expose), and one of four forms is taken:

* ``z/b |p - 1| < 2**-60``: ``q**2/2`` (the series' first term; the next is below 2**-61);
* ``|t| < 1``: ``(b/a) expm1(t)`` with ``log1p`` of the double-double;
* ``z/b < 2**60``: ``(b/a) (B**p - 1)``, ``B = 1 + z/b`` with its residual ``Bl`` folded in as
  ``B**p (1 + p Bl/B)``;
* beyond: ``(1 + z/b)**p = r**(2p)`` to 2**-60, ``r = q/sqrt(b)`` as a double-double, and
  ``(b h) h - b`` with ``h = r**p``, so that ``b/a`` scales before the square overflows.

Residuals that overflow (the split of values above 1.3e300) are dropped (``_fin``): there
the plain rounding's error is all that is left. Measured against mpmath in
``tests/emit/test_runtime_shape.py``.
"""

from __future__ import annotations

import inspect
import re

__all__ = ["KERNELS", "source"]


def _split(xp, v):
    """Veltkamp's split: hi has 26 bits, v = hi + lo exactly."""
    t = 134217729.0 * v
    hi = t - (t - v)
    return hi, v - hi


def _two_prod(xp, a, b):
    """a*b = p + e exactly (Dekker), without an fma."""
    p = a * b
    ah, al = _split(xp, a)
    bh, bl = _split(xp, b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _fin(xp, v):
    """A residual, or 0 where it overflowed."""
    return xp.where(xp.isfinite(v), v, 0.0)


def _log1p_zb(xp, x, c, b):
    """The pieces of ``z/b``, ``z = (x/c)**2``: ``(q, ql, u, ulo, big, L)`` with ``q + ql =
    |x|/c`` and ``u + ulo = z/b`` (double-doubles; ``u`` set to 1 where ``big``, ``z/b >=
    2**60``), and ``L = log1p(z/b)``, accurate where finite (``2 log(q) - log(b)`` where big)."""
    ax = xp.abs(x)
    q = ax / c
    ph, pl = _two_prod(xp, q, c)
    ql = _fin(xp, ((ax - ph) - pl) / c)
    s, sl = _two_prod(xp, q, q)
    sl = sl + 2.0 * q * ql
    u = s / b
    uh, ul = _two_prod(xp, u, b)
    ulo = _fin(xp, ((s - uh) - ul + sl) / b)
    big = ~(u < 2.0 ** 60)
    us = xp.where(big, 1.0, u)
    ulo = xp.where(big, 0.0, ulo)
    L = xp.where(big, 2.0 * xp.log(q) - xp.log(b), xp.log1p(us) + ulo / (1.0 + us))
    return q, ql, xp.where(big, u, us), ulo, big, L


def _barron_core(xp, x, a, c):
    """(rho, L): Barron's general form at a non-singular ``a`` (float64), and
    ``L = log1p((x/c)**2/b)`` (the logarithm every derivative uses)."""
    b = xp.abs(a - 2.0)
    p = a / 2.0
    q, ql, u, ulo, big, L = _log1p_zb(xp, x, c, b)
    us = xp.where(big, 1.0, u)
    t = p * L
    small = xp.abs(t) < 1.0
    r_small = (b / a) * xp.expm1(xp.where(small, t, 0.0))
    B = 1.0 + us
    Bl = (1.0 - B) + us + ulo
    y = B ** p
    y = y + _fin(xp, y * (p * (Bl / B)))
    r_mid = (b / a) * (y - 1.0)
    sb = xp.sqrt(b)
    sh, sl2 = _two_prod(xp, sb, sb)
    sbl = ((b - sh) - sl2) / (2.0 * sb)
    r = q / sb
    rh, rl = _two_prod(xp, r, sb)
    rlo = _fin(xp, ((q - rh) - rl + ql - r * sbl) / sb)
    h = r ** p
    h = h + _fin(xp, h * (p * (rlo / r)))
    r_big = ((b * h) * h - b) / a
    tiny = u * xp.abs(p - 1.0) < 2.0 ** -60
    r_tiny = (0.5 * q) * q + q * ql
    rho = xp.where(tiny, r_tiny, xp.where(small, r_small, xp.where(big, r_big, r_mid)))
    return rho, L


#: in the order a module defines them (each calls only earlier ones)
KERNELS = (_split, _two_prod, _fin, _log1p_zb, _barron_core)


def source(xp: str, call) -> str:
    """The kernels' text for a target whose kernels take ``xp`` (``"xp, "`` or ``""``) first
    and spell ``xp.name`` as ``call(name)``."""
    out = []
    for f in KERNELS:
        text = "\n\n" + inspect.getsource(f).replace("(xp, ", f"({xp}")
        out.append(re.sub(r"\bxp\.(\w+)", lambda m: call(m.group(1)), text))
    return "".join(out)
