"""Rounding residuals as sympy: single IEEE operations kept as written, and double-double values.

exp(u) is as accurate as u is: exp's condition number is |u|, so the rounding of u = x**2/c**2
(three roundings, |err| up to 1.5 |u| eps) is amplified to 1.5 |u| ulp of the result -- 300 ulp
of Welsch's gradient at x**2/c**2 = 200, up to 1100 near the underflow. The residual
l = u - fl(u) is computable exactly from the same floats (Dekker, "A floating-point technique
for extending the available precision", Numer. Math. 18:224-242, 1971,
doi:10.1007/BF01397083: a product a*b is p + e exactly with p = fl(a*b) and e from the halves
of a and b; a quotient's remainder a - q*b is exactly representable), and then
exp(u) = exp(fl(u) + l) = exp(fl(u))*(1 + l) to a relative 2**-100 (|l| < 2**-40).

The operations are sympy Functions that never simplify (:class:`Rounded`: ``fadd``,
``fsub``, ``fmul``, ``fdiv``): in exact arithmetic a residual is 0, and sympy would fold
``t - (t - a)`` to ``a``. A lowering prints each as the one floating-point operation it names.
A value is a pair (hi, lo) with lo None where hi is exact. Exact wherever no intermediate
overflows or underflows (|values| between 2**-969 and 2**996); elsewhere the residual is
inaccurate or not finite, which :class:`~lossmath.numerics.primitives.expdd` ignores.
"""

from __future__ import annotations

import math

import sympy as sp

__all__ = ["DD", "Rounded", "constant_dd", "dd_div", "dd_mul", "fadd", "fdiv", "fmul", "fsub",
           "joined"]

#: Veltkamp's splitter for float64 (2**27 + 1): a*S - (a*S - a) is a's upper 26 bits
_SPLIT = sp.Integer(2**27 + 1)

DD = tuple  # (hi, lo): hi an expression (a node of the lowering), lo one or None (exact)


class Rounded(sp.Function):
    """One floating-point operation on two operands, rounded once; never simplified."""

    nargs = 2
    #: the lowering's name of the operation, and its infix symbol
    op, symbol = "", "?"

    @classmethod
    def eval(cls, a, b):
        # two real numbers: the operation done now in float64, as the generated code would
        # (Python's float arithmetic is IEEE's, rounded once); the constant printer then
        # prints that double (it cannot evaluate fl itself: sympy's N would be exact)
        if a.is_Number and b.is_Number and a.is_real and b.is_real:
            fa, fb = float(a), float(b)
            if cls.op == "divide" and fb == 0:
                return None
            r = {"add": fa + fb, "subtract": fa - fb, "multiply": fa * fb}.get(cls.op)
            r = fa / fb if r is None else r
            return sp.Float(r) if math.isfinite(r) else None
        return None

    def _sympystr(self, printer):
        a, b = (printer._print(t) for t in self.args)
        return f"fl({a} {self.symbol} {b})"


class fadd(Rounded):
    op, symbol = "add", "+"


class fsub(Rounded):
    op, symbol = "subtract", "-"


class fmul(Rounded):
    op, symbol = "multiply", "*"


class fdiv(Rounded):
    op, symbol = "divide", "/"


def _sum(*terms: sp.Expr | None) -> sp.Expr | None:
    """fl(...(t1 + t2) + ...) of the terms that are not None."""
    out = None
    for t in terms:
        if t is not None:
            out = t if out is None else fadd(out, t)
    return out


def _split(a: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    t = fmul(a, _SPLIT)
    hi = fsub(t, fsub(t, a))
    return hi, fsub(a, hi)


def product_error(a: sp.Expr, b: sp.Expr, p: sp.Expr) -> sp.Expr:
    """a*b - p exactly, for p = fl(a*b) (Dekker's two-product, no fused multiply-add)."""
    ah, al = _split(a)
    bh, bl = (ah, al) if a == b else _split(b)
    return fadd(fadd(fadd(fsub(fmul(ah, bh), p), fmul(ah, bl)), fmul(al, bh)), fmul(al, bl))


def _pow2(v: sp.Expr) -> bool:
    if not (v.is_Rational and v != 0):
        return False
    p, q = abs(v.p), v.q
    return p & (p - 1) == 0 and q & (q - 1) == 0


def dd_mul(a: DD, b: DD, p: sp.Expr) -> DD:
    """(p, lo) with p + lo = (a_hi + a_lo)*(b_hi + b_lo) to a relative eps**2, p given:
    the node computing fl(a_hi*b_hi)."""
    (ah, al), (bh, bl) = a, b
    if _pow2(bh) and bl is None:  # scaling by 2**k: exact (no over/underflow)
        return p, None if al is None else fmul(al, bh)
    if _pow2(ah) and al is None:
        return p, None if bl is None else fmul(bl, ah)
    return p, _sum(product_error(ah, bh, p), None if bl is None else fmul(ah, bl),
                   None if al is None else fmul(al, bh))


def dd_div(a: DD, b: DD, q: sp.Expr) -> DD:
    """(q, lo) with q + lo = (a_hi + a_lo)/(b_hi + b_lo) to a relative eps**2, q given:
    the node computing fl(a_hi/b_hi). The remainder a_hi - q*b_hi is exact (q is a
    correctly rounded quotient), computed as (a_hi - P) - e from q*b_hi = P + e."""
    (ah, al), (bh, bl) = a, b
    if _pow2(bh) and bl is None:
        return q, None if al is None else fdiv(al, bh)
    big = fmul(q, bh)
    rem = fsub(fsub(ah, big), product_error(q, bh, big))
    num = _sum(rem, al, None if bl is None else fmul(fmul(q, bl), sp.Integer(-1)))
    return q, fdiv(num, bh)


def joined(node: sp.Expr, other: DD) -> sp.Expr | None:
    """The residual of ``node`` given another double-double ``other`` of the same value:
    (other_hi - node) + other_lo, where the difference is exact (Sterbenz: both are within a
    few ulp of the value, so within a factor 2 of each other)."""
    hi, lo = other
    if hi == node or (node.is_Pow and node.exp == 2 and hi == fmul(node.base, node.base)):
        return lo  # the same operation (a square is printed b*b)
    return _sum(fsub(hi, node), lo)


def constant_dd(c: sp.Expr) -> DD | None:
    """A double-double of a constant (free of x) from exact operands, or None where it has
    a form this does not evaluate (a sum, a root of a parameter): the hi part is an
    expression in fl operations, not the constant itself (see :func:`joined`)."""
    if c.is_Rational:
        if abs(c.p) < 2**53 and c.q < 2**53:
            if c.q == 1 or _pow2(sp.Integer(c.q)):
                return c, None
            return dd_div((sp.Integer(c.p), None), (sp.Integer(c.q), None),
                          fdiv(sp.Integer(c.p), sp.Integer(c.q)))
        return None
    if c.is_number:
        if not c.is_real or not c.is_finite:
            return None
        hi = float(sp.N(c, 40))
        return sp.Float(hi), sp.Float(float(sp.N(c - sp.Rational(hi), 40)))
    if c.is_Symbol:
        return c, None
    if c.is_Mul:
        out: DD | None = None
        for f in c.args:
            d = constant_dd(f)
            if d is None:
                return None
            out = d if out is None else dd_mul(out, d, fmul(out[0], d[0]))
        return out
    if c.is_Pow and c.exp.is_Integer and 0 < abs(int(c.exp)) <= 8:
        base = constant_dd(c.base)
        if base is None:
            return None
        out = base
        for _ in range(abs(int(c.exp)) - 1):
            out = dd_mul(out, base, fmul(out[0], base[0]))
        if c.exp < 0:
            out = dd_div((sp.Integer(1), None), out, fdiv(sp.Integer(1), out[0]))
        return out
    return None
