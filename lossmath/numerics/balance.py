"""Balancing a product against overflow: powers of ``x`` over powers of a norm, as ratios.

A product such as ``x**3/(d**2 + x**2)**(3/2)`` (pseudo-Huber's gradient differentiated in
its parameter) is of order 1 for every x, but its factors are not: ``x**3`` overflows beyond
5.6e102 in float64 (2.6e12 in float32) while the denominator's power overflows too, and the
quotient is ``inf/inf`` or ``inf*0``. Written as ``(x/h)**3`` with ``h = hypot(d, x)``
(:class:`~lossmath.numerics.primitives.hypotm1`: ``x/hypot(x, d)``, in [-1, 1]), no
intermediate leaves the range unless the result does. :func:`balanced` gives that form of a
product whose factors in x are powers of x and of quadratics ``a + b*x**2`` with ``a, b > 0``
(each ``b**(k/2)*hypot(sqrt(a/b), x)**k``, after sympy factors the polynomials): the powers of
x are paired with the opposite powers of the norm, and what is left over stays a power
(negative integer powers are printed as divisions, so they underflow gradually). The search
measures it like every candidate and proves it equal to the piece before using it.
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import hypot

from lossmath.base.symbols import x
from lossmath.numerics.primitives import hypotm, hypotm1
from lossmath.numerics.rounding import Rounded, fdiv

__all__ = ["balanced", "exact", "normalised"]


def _has_x(e: sp.Basic) -> bool:
    return x in e.free_symbols


def _units(e: sp.Expr) -> tuple[sp.Expr, dict[sp.Expr, sp.Expr]] | None:
    """``(coef, {u: k})`` with ``e = coef * prod u**k`` over units ``u`` that grow like |x|
    at infinity (``x``, ``hypot(x, c)``, ``hypotm(x, c)``), or None."""
    coef, units = sp.S.One, {}

    def add(u: sp.Expr, k: sp.Expr) -> None:
        units[u] = units.get(u, 0) + k

    for f in sp.Mul.make_args(e):
        if not _has_x(f) or _bounded(f):
            coef *= f
            continue
        b, q = f.as_base_exp()
        if _has_x(q) or not q.is_Rational:
            return None
        if b == x:
            add(x, q)
            continue
        if isinstance(b, (hypot, hypotm)) and x in b.args:
            c = b.args[1] if b.args[0] == x else b.args[0]
            if _has_x(c) or not c.is_positive:
                return None
            add(type(b)(x, c), q)
            continue
        num, den = sp.fraction(sp.together(b))
        if _has_x(den):
            return None
        coef *= den ** (-q)
        try:
            c0, factors = sp.factor_list(num, x)
        except (sp.PolynomialError, NotImplementedError):
            return None
        if not c0.is_positive:
            return None
        coef *= c0**q
        for p, m in factors:
            if p == x:
                add(x, m * q)
                continue
            quad = _quadratic(p)
            if quad is None:
                return None
            a0, b2 = quad
            coef *= b2 ** (m * q)
            add(hypot(x, sp.sqrt(a0 / b2)), 2 * m * q)
    return coef, {u: k for u, k in units.items() if k != 0}


def _bounded(f: sp.Expr) -> bool:
    """Whether ``f`` has x only inside ratios ``hypotm1(x, c)`` (in [-1, 1]): a factor that
    neither overflows nor moves the balance (``3*hypotm1(x, c)**2 - 1``)."""
    ratios = {r: sp.Dummy() for r in f.atoms(hypotm1)}
    return bool(ratios) and not _has_x(f.xreplace(ratios))


def _quadratic(p: sp.Expr) -> tuple[sp.Expr, sp.Expr] | None:
    """``(a, b)`` for ``p = a + b*x**2`` with ``a, b`` positive (for every parameter value)."""
    try:
        poly = sp.Poly(p, x)
    except sp.PolynomialError:
        return None
    if poly.degree() != 2:
        return None
    b2, b1, a0 = poly.all_coeffs()
    if b1 != 0 or not (a0.is_positive and b2.is_positive):
        return None
    return a0, b2


def _ratio(u: sp.Expr, v: sp.Expr) -> sp.Expr:
    """``u/v`` as one quantity of order 1: ``hypotm1(x, c)`` for ``x/hypot(x, c)``, else the
    single rounded division ``fl(u/v)`` (sympy would merge a plain quotient's powers)."""
    if u == x and isinstance(v, hypot):
        return hypotm1(x, v.args[1])
    if v == x and isinstance(u, hypot):
        return 1 / hypotm1(x, u.args[1])
    return fdiv(u, v)


def balanced(e: sp.Expr) -> list[sp.Expr]:
    """``e`` (a product or power in x) with each power of a growing unit in its numerator
    paired with an opposite power of one in its denominator, as a power of their ratio
    (``x**3/hypot(x, d)**3`` is ``hypotm1(x, d)**3``, ``hypotm(x, d)**2/hypot(x, d)`` is
    ``hypotm(x, d)*fl(hypotm(x, d)/hypot(x, d))``), polynomial factors first written in the
    norm; [] when ``e`` is not such a product or nothing changes."""
    if not (e.is_Mul or e.is_Pow) or not _has_x(e):
        return []
    units = _units(e)
    if units is None:
        return []
    coef, powers = units
    key = sp.default_sort_key
    ups = [[u, k] for u, k in sorted(powers.items(), key=lambda t: key(t[0])) if k > 0]
    downs = [[u, -k] for u, k in sorted(powers.items(), key=lambda t: key(t[0])) if k < 0]
    out = coef
    while ups and downs:
        (u, a), (v, b) = ups[0], downs[0]
        m = min(a, b)
        if not m.is_Integer:
            break
        out *= _ratio(u, v) ** m
        ups[0][1], downs[0][1] = a - m, b - m
        ups = [t for t in ups if t[1] != 0]
        downs = [t for t in downs if t[1] != 0]
    for u, k in ups:
        out *= u**k
    for v, k in downs:
        out *= v**-k
    return [] if out == e else [out]


def normalised(e: sp.Expr) -> list[sp.Expr]:
    """``e`` (a sum in x) written in the norm ``h = hypot(x, c)`` alone and factored, where x
    enters it only through ``x**2`` and powers of one quadratic ``a + b*x**2``: ``x**2`` is
    ``h**2 - c**2``, so a sum that cancels near 0 can factor into one that does not
    (pseudo-Huber's value differentiated in delta, ``2*(h - delta) - x**2/h``, is
    ``(h - delta)**2/h``, with ``h - delta`` the primitive ``hypotm(x, delta)``); [] when it
    is not such a sum or nothing changes. The factored form balanced (:func:`balanced`) is
    given too."""
    from lossmath.numerics.primitives import elementary

    if not e.is_Add or not _has_x(e):
        return []
    f = elementary(e)
    h = sp.Dummy("h", positive=True)
    norm, swap = None, {}
    for p in f.atoms(sp.Pow):
        b, q = p.as_base_exp()
        if not _has_x(b) or not (q.is_Rational and q.q == 2):
            continue
        num, den = sp.fraction(sp.together(b))
        if _has_x(den):
            return []
        try:
            c0, factors = sp.factor_list(num, x)
        except (sp.PolynomialError, NotImplementedError):
            return []
        quad = _quadratic(factors[0][0]) if len(factors) == 1 and factors[0][1] == 1 else None
        if quad is None or not c0.is_positive:
            return []
        a0, b2 = quad
        c = sp.sqrt(a0 / b2)
        if norm not in (None, c):
            return []
        norm = c
        swap[p] = (c0 * b2 / den) ** q * h ** (2 * q)
    if norm is None:
        return []
    g = f.xreplace(swap).subs(x**2, h**2 - norm**2)
    if _has_x(g):
        return []
    g = sp.factor(sp.together(g))
    g = g.xreplace({h - norm: hypotm(x, norm), norm - h: -hypotm(x, norm)})
    g = g.xreplace({h: hypot(x, norm)})
    if g == e or g.has(h):
        return []
    # the factored form balanced at once: (h - delta)**2/h overflows where h**2 does
    return [g, *balanced(g)]


def exact(e: sp.Expr) -> sp.Expr:
    """``e`` with each single rounded operation (:class:`~lossmath.numerics.rounding.Rounded`,
    as :func:`balanced` makes them) as the exact operation it rounds, for the proofs."""
    ops = {"add": sp.Add, "subtract": lambda a, b: a - b, "multiply": sp.Mul,
           "divide": lambda a, b: a / b}
    return e.replace(lambda n: isinstance(n, Rounded), lambda n: ops[n.op](*n.args))
