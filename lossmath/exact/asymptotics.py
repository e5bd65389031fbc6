"""Leading behaviour of an expression as ``x -> +oo``: ``K * x**d * log(x)**l * exp(E)``.

The limit of a piece at infinity is decided by its leading term: ``oo`` (times the sign of
``K``) when its order ``(E, d, l)`` is positive, ``K`` when it is ``(0, 0, 0)``, 0 when it is
negative.
With a parameter in an exponent the answer depends on the sign of ``d``
(``x * (1 + x**2)**(alpha/2 - 1)`` has ``d = alpha - 1``), which sympy's ``limit`` does not
always notice. The rules are the usual algebra of leading terms:

- products add ``(d, l)`` and multiply ``K``;
- ``u**k`` (``k`` free of ``x``) multiplies them by ``k`` (``K**k`` needs ``K > 0`` unless
  ``k`` is an integer);
- a sum keeps its terms of the largest ``(d, l)``, and refuses when their coefficients
  cancel (the next order would be needed);
- ``exp(u)`` and ``log(u)`` follow the limit of ``u``; ``exp`` of an unbounded ``u`` is kept
  as the factor ``exp(u)``, compared before the powers (``exp(4x)`` beats ``x**9 exp(2x)``).

Every sign the rules need (a difference of exponents, a coefficient) is asked of a
``sign`` callback, which decides it (by assumptions, or at a parameter sample with a proof
that the sign holds on a whole parameter interval) or raises :class:`NoLeadingTerm`.
Anything else (an oscillating ``sin``, ``x**x``) raises :class:`NoLeadingTerm` too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from lossmath.base.symbols import x

__all__ = ["Lead", "NoLeadingTerm", "lead", "limit_kind", "limit_value", "signed_limit_kind"]


class NoLeadingTerm(Exception):
    """The leading term could not be found (with the reason)."""


@dataclass(frozen=True)
class Lead:
    """``K * x**d * log(x)**l * exp(E)`` as ``x -> +oo`` (``K != 0`` free of ``x``; ``E`` an
    unbounded expression in ``x``, or 0)."""

    coeff: sp.Expr
    exponent: sp.Expr
    logs: sp.Expr = sp.S.Zero
    exp_arg: sp.Expr = sp.S.Zero


Sign = Callable[[sp.Expr], int]


def _order_sign(a: Lead, b: Lead, sign: Sign) -> int:
    """The sign of ``order(a) - order(b)``: exponentials first, then powers, then logs."""
    de = sp.expand(a.exp_arg - b.exp_arg)
    if de != 0:
        g = lead(de, sign)
        if _growth_sign(g, sign) <= 0:
            raise NoLeadingTerm(f"exp({de}) tends to a constant: the orders mix")
        return sign(g.coeff)
    diff = sp.expand(a.exponent - b.exponent)
    s = 0 if diff == 0 else sign(diff)
    if s != 0:
        return s
    dl = sp.expand(a.logs - b.logs)
    return 0 if dl == 0 else sign(dl)


def _growth_sign(e: Lead, sign: Sign) -> int:
    """The sign of the order of ``e``: 1 unbounded, 0 a finite nonzero limit, -1 tends to 0."""
    return _order_sign(e, Lead(sp.S.One, sp.S.Zero), sign)


def lead(expr: sp.Expr, sign: Sign) -> Lead:
    """The leading term of ``expr`` as ``x -> +oo`` (see the module docstring)."""
    if x not in expr.free_symbols:
        if sign(expr) == 0:
            raise NoLeadingTerm(f"the coefficient {expr} vanishes")
        return Lead(expr, sp.S.Zero)
    if expr == x:
        return Lead(sp.S.One, sp.S.One)
    if expr.is_Mul:
        out = Lead(sp.S.One, sp.S.Zero)
        for f in expr.args:
            t = lead(f, sign)
            out = Lead(out.coeff * t.coeff, out.exponent + t.exponent, out.logs + t.logs,
                       out.exp_arg + t.exp_arg)
        return out
    if expr.is_Pow:
        base, k = expr.args
        if x in k.free_symbols:
            if base.free_symbols:
                raise NoLeadingTerm(f"the exponent {k} depends on x")
            return lead(sp.exp(k * sp.log(base)), sign)  # 2**x
        b = lead(base, sign)
        if not k.is_integer and sign(b.coeff) <= 0:
            raise NoLeadingTerm(f"a real power of the non-positive leading coefficient {b.coeff}")
        return Lead(b.coeff**k, b.exponent * k, b.logs * k, sp.expand(b.exp_arg * k))
    if expr.is_Add:
        terms = [lead(t, sign) for t in expr.args]
        best = [terms[0]]
        for t in terms[1:]:
            s = _order_sign(t, best[0], sign)
            if s > 0:
                best = [t]
            elif s == 0:
                best.append(t)
        k = sp.Add(*[t.coeff for t in best])
        if sign(k) == 0:
            raise NoLeadingTerm(f"the leading coefficients cancel in {expr}")
        return Lead(k, best[0].exponent, best[0].logs, best[0].exp_arg)
    if isinstance(expr, sp.exp):
        arg = expr.args[0]
        u = lead(arg, sign)
        g = _growth_sign(u, sign)
        if g < 0:
            return Lead(sp.S.One, sp.S.Zero)  # exp(u) -> 1
        if g == 0:
            return Lead(sp.exp(u.coeff), sp.S.Zero)
        return Lead(sp.S.One, sp.S.Zero, sp.S.Zero, sp.expand(arg))
    if isinstance(expr, sp.log):
        arg = expr.args[0]
        u = lead(arg, sign)
        if sign(u.coeff) <= 0:
            raise NoLeadingTerm(f"log of {arg}, whose leading coefficient is not positive")
        if u.exp_arg != 0:
            return lead(u.exp_arg, sign)  # log(K x**d exp(E)) = E + d log x + log K ~ E
        if sp.expand(u.exponent) != 0:
            return Lead(u.exponent, sp.S.Zero, sp.S.One)  # log u ~ d log x
        if sp.expand(u.logs) != 0:
            raise NoLeadingTerm("log of a power of log x")
        if sp.simplify(u.coeff - 1) == 0:
            r = lead(sp.expand(arg - 1), sign)  # u -> 1: log u ~ u - 1
            if _growth_sign(r, sign) >= 0:
                raise NoLeadingTerm(f"log of {arg}: no rate")
            return r
        return Lead(sp.log(u.coeff), sp.S.Zero)
    if isinstance(expr, sp.Abs):
        u = lead(expr.args[0], sign)
        return Lead(sp.Abs(u.coeff), u.exponent, u.logs, u.exp_arg)
    if callable(getattr(expr, "elementary", None)):  # a stable primitive: its definition
        return lead(expr.elementary(), sign)
    if isinstance(expr, (sp.sinh, sp.cosh, sp.tanh)):
        return lead(expr.rewrite(sp.exp), sign)
    if isinstance(expr, (sp.asinh, sp.acosh)):  # log(u + sqrt(u**2 ± 1)) ~ log(2u)
        return lead(expr.rewrite(sp.log), sign)
    if isinstance(expr, sp.atan):
        u = lead(expr.args[0], sign)
        g = _growth_sign(u, sign)
        if g > 0:  # atan(u) -> ±pi/2
            return Lead(sp.pi / 2 * sign(u.coeff), sp.S.Zero)
        if g < 0:  # atan(u) ~ u
            return u
        return Lead(sp.atan(u.coeff), sp.S.Zero)
    raise NoLeadingTerm(f"no leading-term rule for {type(expr).__name__}")


def limit_kind(expr: sp.Expr, end: sp.Expr, sign: Sign) -> str:
    """How ``expr`` behaves as ``x -> end`` (``±oo``): ``"infinite"``, ``"finite"`` (a
    nonzero limit) or ``"zero"``."""
    e = expr if end == sp.oo else expr.xreplace({x: -x})
    g = _growth_sign(lead(e, sign), sign)
    return {1: "infinite", 0: "finite", -1: "zero"}[g]


def signed_limit_kind(expr: sp.Expr, end: sp.Expr, sign: Sign) -> str:
    """As :func:`limit_kind`, with ``"infinite"`` split into ``"+infinite"`` and
    ``"-infinite"`` by the sign of the leading coefficient."""
    e = expr if end == sp.oo else expr.xreplace({x: -x})
    t = lead(e, sign)
    g = _growth_sign(t, sign)
    if g > 0:
        return "+infinite" if sign(t.coeff) > 0 else "-infinite"
    return {0: "finite", -1: "zero"}[g]


def _forms(expr: sp.Expr, end: sp.Expr) -> list[tuple[sp.Expr, sp.Expr]]:
    """``(numerator, denominator)`` forms of ``expr`` at ``+oo``: as written, and rewritten in
    ``exp`` with both sides expanded (``1 - tanh(x)**2`` cancels to ``4/(e**x + e**-x)**2``
    only after expansion)."""
    e = expr if end == sp.oo else expr.xreplace({x: -x})
    out = [(e, sp.S.One)]
    if e.has(sp.sinh, sp.cosh, sp.tanh):
        num, den = sp.fraction(sp.together(e.rewrite(sp.exp)))
        out.append((sp.expand(num), sp.expand(den)))
    return out


def limit_value(expr: sp.Expr, end: sp.Expr, sign: Sign) -> sp.Expr:
    """The limit of ``expr`` as ``x -> end`` (``±oo``) from its leading term: ``±oo``, the
    leading coefficient, or 0. Raises :class:`NoLeadingTerm` when no form has one."""
    why = ""
    for num, den in _forms(expr, end):
        try:
            a, b = lead(num, sign), lead(den, sign)
        except NoLeadingTerm as exc:
            why = str(exc)
            continue
        ratio = Lead(a.coeff / b.coeff, a.exponent - b.exponent, a.logs - b.logs,
                     sp.expand(a.exp_arg - b.exp_arg))
        g = _growth_sign(ratio, sign)
        if g < 0:
            return sp.S.Zero
        if g == 0:
            return sp.simplify(ratio.coeff)
        return sp.oo * sign(ratio.coeff)
    raise NoLeadingTerm(why)
