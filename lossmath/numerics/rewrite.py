"""The rewriting stage: a float-accurate form of every piece, proved equal to what was written.

It sits between the interval table and the printers and is target-neutral: its output is
sympy expressions (with the stable primitives of :mod:`lossmath.numerics.primitives`) per
piece and numeric regime, which any printer prints as it would print the definition.

For the value, the gradient and the Hessian of each piece, :func:`plan_pieces` applies rules
that each remove one known failure of the formula as written, then has sympy prove the result
equal to the table's piece (the difference, with the primitives expanded, is zero under the
loss's assumptions); a rewrite that is not proved is refused and the piece stays as written.

* overflow and lost digits inside a logarithm: ``log(cosh u)`` (also spelt
  ``log((exp(u) + exp(-u))/2)``) -> ``logcosh(u)``, ``log(1 + exp(u))`` -> ``softplus(u)``,
  ``log(1 + k*u**2)`` -> ``log1p_sq(u, k)``, ``log(1 + u)`` -> ``log1p(u)``,
  ``exp(u) - 1`` -> ``expm1(u)``;
* cancellation: ``sqrt(u**2 + q**2) - q`` -> ``hypotm(u, q)`` (pseudo-Huber, Charbonnier),
  ``(1 + y)*log(1 + y) - y`` -> ``entr1p(y)`` (Balanced L1), ``y - log(1 + y)`` ->
  ``xmlog1p(y)`` (Fair), ``1 - tanh(u)**2`` ->
  ``sech(u)**2``, polynomial factors of an exponential factored over the rationals
  (``1 - x**2 -> (1 - x)*(1 + x)``, exact near the roots), and a written polynomial with a
  hidden root at 0
  (``1 - (1 - u)**3``) expanded to Horner form near 0 (a regime);
* overflow of powers: a rational function of degree ``q >= 2`` gets a second regime for
  ``|x| >= 2**((emax - 8)//q)`` with numerator and denominator divided by ``x**q``
  (``x**2/(s + x**2) -> 1/(1 + s/x**2)``), so ``x**q`` is never formed there;
  likewise a rational function of ``|x|`` of equal degrees (Fair's gradient
  ``c*|x|*sign(x)/(c + |x|) -> c*sign(x)/(1 + c/|x|)``), and a quadratic with a leading
  coefficient below 1 is ``x*(a*x + b) + k`` there (berHu's ``(x**2 + c**2)/(2c)``);
* 0*inf products (``(1 - x**2)*exp(-x**2/2)`` at 1e200): the factored polynomial has linear
  factors that stay finite, and printers multiply by the exponential first.

Derivatives are taken from the rewritten value (``logcosh' = tanh``, ``tanh' = sech**2``),
so every spelling of a loss that is recognised gets the same stable code, and then proved
equal to the table's derivative piece.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp
from sympy.codegen.cfunctions import expm1, hypot, log1p

from lossmath.base.symbols import x
from lossmath.core.table import clean_derivative
from lossmath.numerics.primitives import (
    Primitive,
    elementary,
    entr1p,
    hypotm,
    log1p_sq,
    logcosh,
    softplus,
    xmlog1p,
)
from lossmath.numerics.regimes import Plan, Regime, overflow_bound, single
from lossmath.numerics.search import Domain, plan_orders

__all__ = ["PiecePlans", "plan_pieces", "proved_equal", "rewrite", "stabilise"]


def _has_x(e: sp.Basic) -> bool:
    return x in e.free_symbols


# -- the basic rules: log1p, expm1, hypot -----------------------------------------------------


def _log1p_rule(e: sp.Expr) -> sp.Expr:
    return log1p(e.args[0] - 1)


def _is_log_of_one_plus(e: sp.Basic) -> bool:
    return isinstance(e, sp.log) and e.args[0].is_Add and sp.S.One in e.args[0].args


def _expm1_rule(e: sp.Expr) -> sp.Expr:
    for t in e.args:
        for sign in (1, -1):
            if isinstance(sign * t, sp.exp) and sp.S(-sign) in e.args:
                rest = [a for a in e.args if a not in (t, sp.S(-sign))]
                return sp.Add(sign * expm1((sign * t).args[0]), *rest)
    return e


def _has_exp_minus_one(e: sp.Basic) -> bool:
    return e.is_Add and any(
        isinstance(s * t, sp.exp) and sp.S(-s) in e.args for t in e.args for s in (1, -1)
    )


def _root_of(t: sp.Expr) -> sp.Expr | None:
    """``u`` for a term ``u**2`` (or ``k*u**2``, ``k > 0``); ``sqrt(c)`` for a constant
    ``c > 0``; None for anything else."""
    if not _has_x(t):
        return sp.sqrt(t) if t.is_positive else None
    coef, rest = t.as_coeff_mul()
    k = sp.Mul(coef, *[f for f in rest if not _has_x(f)])
    u = sp.Mul(*[f for f in rest if _has_x(f)])
    if u.is_Pow and u.exp == 2 and k.is_positive:
        return sp.sqrt(k) * u.base
    return None


def _is_norm(e: sp.Basic) -> bool:
    return (
        e.is_Pow
        and e.exp in (sp.S.Half, -sp.S.Half)
        and e.base.is_Add
        and len(e.base.args) == 2
        and _has_x(e.base)
        and all(_root_of(t) is not None for t in e.base.args)
    )


def _hypot_rule(e: sp.Expr) -> sp.Expr:
    a, b = (_root_of(t) for t in e.base.args)
    h = hypot(a, b)
    return h if e.exp == sp.S.Half else 1 / h


def stabilise(e: sp.Expr) -> sp.Expr:
    """``log(1 + u) -> log1p(u)``, ``+-(exp(u) - 1) -> +-expm1(u)``, ``sqrt(a**2 + b**2) ->
    hypot(a, b)``.

    The first two avoid the cancellation near ``u = 0`` (``1 - exp(-x**2/2)`` is 0.0 in
    float64 for ``|x| < 1e-8``), the third the overflow of the squares (``sqrt(1 + x**2)``
    is inf for ``x > 1.3e154``); all three give the same values at +-inf. sympy's
    ``optims_c99`` is not used wholesale: its ``log1p_opt`` factors first and loses accuracy
    (sympy 1.14 turns Cauchy's ``log(x**2/2 + 1)`` into ``log(x**2 + 2) - log(2)``, which
    cancels near 0), and ``expm1_opt`` turns ``exp(x) - exp(-x)`` into a product that
    overflows to nan.
    """
    e = e.replace(_is_log_of_one_plus, _log1p_rule)
    e = e.replace(_has_exp_minus_one, _expm1_rule)
    return e.replace(_is_norm, _hypot_rule)


# -- proofs -----------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def proved_equal(new: sp.Expr, old: sp.Expr) -> bool:
    """True only when sympy proves ``new == old`` for every real x (and every parameter value
    its assumptions allow): the difference, primitives expanded, simplifies to 0; where it
    holds ``|x|`` or ``sign(x)``, separately for ``x > 0``, ``x < 0`` and at ``x = 0``
    (``logcosh(u) = |u| - log(2) + log1p(exp(-2|u|))`` is proved on each side). A form
    undefined at 0 where the piece is not (``x*sign(x)/sqrt(1 + x**-2)``) is equal where it
    is defined: it is used as a regime away from 0, and the measurement counts its nan."""
    diff = elementary(new) - old
    if diff != 0 and diff.has(sp.Abs, sp.sign) and x in diff.free_symbols:
        p = sp.Dummy("p", positive=True)
        if all(_difference_is_zero(diff.xreplace({x: s})) for s in (p, -p)):
            at0 = sp.simplify(diff.xreplace({x: sp.S.Zero}))
            if at0 == 0 or at0.is_zero is True or at0.is_finite is not True:
                return True
    return _difference_is_zero(diff)


def _difference_is_zero(diff: sp.Expr) -> bool:
    if diff == 0:
        return True
    for step in (
        sp.expand,
        sp.cancel,
        lambda e: sp.expand(sp.expand_log(e.rewrite(sp.exp), force=False)),
        lambda e: sp.simplify(e.rewrite(sp.exp)),
        sp.simplify,
    ):
        try:
            d = step(diff)
        except (NotImplementedError, TypeError, ValueError):  # pragma: no cover - sympy
            continue
        if d == 0 or d.is_zero is True:
            return True
    if diff.has(sp.log) and diff.is_real is True:
        # sums of logarithms (log(cosh(x/2)) - log(1 + exp(-x)) - x/2 + log(2)): a real d
        # with exp(d) = 1 is 0
        try:
            e = sp.simplify(sp.powsimp(sp.exp(diff.rewrite(sp.exp)), force=False))
        except (NotImplementedError, TypeError, ValueError):  # pragma: no cover - sympy
            return False
        return e == 1
    return False


# -- recognising the primitives ----------------------------------------------------------------


def _exp_args(e: sp.Expr) -> list[sp.Expr]:
    args = {a.args[0] for a in e.atoms(sp.exp) if _has_x(a)}
    return sorted(args, key=sp.default_sort_key)


def _log_rule(e: sp.Expr) -> sp.Expr:
    """``log(A)`` -> ``logcosh(u)`` when ``A = cosh(u)`` in any spelling, ``softplus(u)``
    when ``A = 1 + exp(u)``, ``log1p_sq(u, k)`` when ``A = 1 + k*u**2`` (k > 0)."""
    (arg,) = e.args
    if isinstance(arg, sp.cosh):
        return logcosh(arg.args[0])
    written = arg.rewrite(sp.exp) if arg.has(sp.cosh, sp.sinh) else arg
    for u in _exp_args(written):
        for cand in (u, -u):
            if sp.expand(written - (sp.exp(cand) + sp.exp(-cand)) / 2) == 0:
                return logcosh(cand)
            if sp.expand(written - 1 - sp.exp(cand)) == 0:
                return softplus(cand)
    rest = sp.expand(arg - 1)
    if rest.is_Mul or rest.is_Pow:
        coef, u = _square_of(rest)
        if u is not None:
            return log1p_sq(u, coef)
    return e


def _square_of(t: sp.Expr) -> tuple[sp.Expr, sp.Expr | None]:
    """``(k, u)`` for ``t = k*u**2`` with ``k > 0`` free of x, else ``(t, None)``."""
    k = sp.Mul(*[f for f in sp.Mul.make_args(t) if not _has_x(f)])
    u2 = sp.Mul(*[f for f in sp.Mul.make_args(t) if _has_x(f)])
    if u2.is_Pow and u2.exp == 2 and k.is_positive:
        return k, u2.base
    return t, None


def _is_log_of_x(e: sp.Basic) -> bool:
    return isinstance(e, sp.log) and _has_x(e)


def _log1p_sq_rule(e: sp.Expr) -> sp.Expr:
    k, u = _square_of(e.args[0])
    return log1p_sq(u, k) if u is not None else e


def _sqrt_norm(e: sp.Basic) -> bool:
    """``sqrt(k*u**2 + c)`` with ``k, c > 0`` free of x."""
    if not (e.is_Pow and e.exp in (sp.S.Half, -sp.S.Half) and e.base.is_Add):
        return False
    if len(e.base.args) != 2:
        return False
    consts = [t for t in e.base.args if not _has_x(t)]
    terms = [t for t in e.base.args if _has_x(t)]
    return (
        len(consts) == 1
        and consts[0].is_positive is True
        and len(terms) == 1
        and _square_of(terms[0])[1] is not None
    )


def _sqrt_norm_rule(e: sp.Expr) -> sp.Expr:
    """``sqrt(k*u**2 + c) = sqrt(k)*hypot(u, sqrt(c/k))``: the constant goes inside the
    hypot, where ``hypotm`` can cancel it (and parameters are not squared: ``delta**2``
    overflows float32 from 1.8e19)."""
    (c,) = [t for t in e.base.args if not _has_x(t)]
    (t,) = [t for t in e.base.args if _has_x(t)]
    k, u = _square_of(t)
    h = sp.sqrt(k) * hypot(u, sp.sqrt(c / k))
    return h if e.exp == sp.S.Half else 1 / h


def _hypotm_rule(e: sp.Expr) -> sp.Expr:
    """``k*hypot(u, q) - k*q`` -> ``k*hypotm(u, q)`` (the difference of two nearly equal
    positive numbers near u = 0)."""
    terms = list(e.args)
    for i, t in enumerate(terms):
        hs = [f for f in sp.Mul.make_args(t) if isinstance(f, hypot)]
        if len(hs) != 1:
            continue
        h = hs[0]
        a, b = h.args
        u, q = (a, b) if not _has_x(b) else (b, a)
        if _has_x(q) or not q.is_positive:
            continue
        k = sp.Mul(*[f for f in sp.Mul.make_args(t) if f is not h])
        if _has_x(k):
            continue
        rest = terms[:i] + terms[i + 1 :]
        const = sp.Add(*[r for r in rest if not _has_x(r)])
        if sp.simplify(const + k * q) == 0:
            others = [r for r in rest if _has_x(r)]
            return sp.Add(k * hypotm(u, q), *others)
    return e


def _is_hypot_sum(e: sp.Basic) -> bool:
    return e.is_Add and e.has(hypot)


def _entr1p_rule(e: sp.Expr) -> sp.Expr:
    """``k*((1 + y)*log1p(y) - y)`` in an Add -> ``k*entr1p(y)``."""
    for lg in sorted(e.atoms(log1p), key=sp.default_sort_key):
        y = lg.args[0]
        expanded = sp.expand(e)
        coef = expanded.coeff(lg)
        if coef == 0:
            continue
        k = sp.cancel(coef / (1 + y))
        if _has_x(k):
            continue
        rest = sp.expand(expanded - k * ((1 + y) * lg - y))
        if not rest.has(lg):
            return k * entr1p(y) + rest
    return e


def _xmlog1p_rule(e: sp.Expr) -> sp.Expr:
    """``k*(y - log1p(y))`` in an Add -> ``k*xmlog1p(y)`` (Fair's ``c**2*(u - log1p(u))``)."""
    for lg in sorted(e.atoms(log1p), key=sp.default_sort_key):
        y = lg.args[0]
        if not _has_x(y):  # parameters only: computed once, in double, by math.log1p
            continue
        expanded = sp.expand(e)
        k = -expanded.coeff(lg)
        if k == 0 or _has_x(k):
            continue
        rest = sp.expand(expanded - k * (y - lg))
        if not rest.has(lg):
            return k * xmlog1p(y) + rest
    return e


def _is_entr_candidate(e: sp.Basic) -> bool:
    return e.is_Add and any(isinstance(a, log1p) for a in sp.preorder_traversal(e))


def _sech_rule(e: sp.Expr) -> sp.Expr:
    """``1 - tanh(u)**2`` -> ``sech(u)**2`` (it cancels to below 0 as written)."""
    for t in e.args:
        if t.is_Mul and t.args[0] == -1 and len(t.args) == 2:
            p = t.args[1]
            if p.is_Pow and p.exp == 2 and isinstance(p.base, sp.tanh) and sp.S.One in e.args:
                rest = [a for a in e.args if a not in (t, sp.S.One)]
                return sp.Add(sp.sech(p.base.args[0]) ** 2, *rest)
    return e


def _is_one_minus_tanh2(e: sp.Basic) -> bool:
    return e.is_Add and sp.S.One in e.args and e.has(sp.tanh)


def _one_minus_cos_rule(e: sp.Expr) -> sp.Expr:
    """``k - k*cos(u)`` in an Add -> ``2*k*sin(u/2)**2`` (Andrews' wave: ``1 - cos(u)`` is
    0.0 in float64 for ``|u| < 1e-8``, where the true value is ``u**2/2``)."""
    expanded = sp.expand(e)
    for c in sorted(expanded.atoms(sp.cos), key=sp.default_sort_key):
        if not _has_x(c):
            continue
        k = -expanded.coeff(c)
        if k == 0 or _has_x(k):
            continue
        rest = sp.expand(expanded - (k - k * c))
        if rest.has(c) or rest.as_independent(x)[0] != 0:
            continue  # no constant k to cancel against
        return 2 * k * sp.sin(c.args[0] / 2) ** 2 + rest
    return e


def _is_one_minus_cos(e: sp.Basic) -> bool:
    return e.is_Add and any(_has_x(c) for c in e.atoms(sp.cos))


def _split_quadratic(f: sp.Expr) -> sp.Expr:
    """``a*x**2 + b`` with ``-b/a > 0`` -> ``a*(x - r)*(x + r)``, ``r = sqrt(-b/a)``: sympy
    factors over the rationals only, and ``c**2 - 2*x**2`` (Welsch's f'') is irreducible
    there, so ``x**2`` would overflow next to ``exp(-x**2/c**2)`` (inf*0)."""
    if not (_has_x(f) and f.is_polynomial(x)) or sp.degree(f, x) != 2:
        return f
    a, mid, b = sp.Poly(f, x).all_coeffs()
    if mid != 0 or b == 0 or not (-b / a).is_positive:
        return f
    r = sp.sqrt(-b / a)
    return a * (x - r) * (x + r)


def _poly_degree(e: sp.Expr) -> int:
    if not _has_x(e) or e.has(sp.Abs, sp.sign) or not e.is_polynomial(x):
        return 0
    return sp.degree(e, x)


def _factor_rule(e: sp.Expr) -> sp.Expr:
    """A polynomial Add of degree >= 2 -> its factorisation over the rationals, when that has
    several factors (``1 - x**2/c**2 -> -(x - c)*(x + c)/c**2``): exact near the roots, and
    linear factors do not overflow."""
    f = sp.factor(e)
    f = _monic(sp.Mul(*[_split_quadratic(a) for a in sp.Mul.make_args(f)]))
    xs = [a for a in sp.Mul.make_args(f) if _has_x(a)]
    if len(xs) >= 2 or (len(xs) == 1 and xs[0].is_Pow):
        return f
    return e


def _monic(f: sp.Expr) -> sp.Expr:
    """Linear factors as ``x - r`` (``200*x - 937 -> 200*(x - 937/200)``): ``x - r`` is exact
    where x is the float nearest r (Sterbenz), so a root at a breakpoint stays a root."""
    coef, factors = sp.S.One, []
    for a in sp.Mul.make_args(f):
        base, n = (a.base, a.exp) if a.is_Pow and a.exp.is_Integer else (a, sp.S.One)
        if _has_x(base) and base.is_polynomial(x) and sp.degree(base, x) == 1:
            lead = sp.Poly(base, x).LC()
            coef *= lead**n
            factors.append(sp.expand(base / lead) ** n)
        else:
            factors.append(a)
    return sp.Mul(coef, *factors)


def _is_factorable(e: sp.Basic) -> bool:
    return e.is_Add and _poly_degree(e) >= 2


def rewrite(e: sp.Expr, *, factor: bool = True) -> sp.Expr:
    """The rules above, in order (primitives before ``log1p``, which would hide them)."""
    e = e.replace(_is_log_of_x, _log_rule)
    e = stabilise(e.replace(_sqrt_norm, _sqrt_norm_rule))
    e = e.replace(
        lambda t: isinstance(t, log1p) and _square_of(t.args[0])[1] is not None, _log1p_sq_rule
    )
    e = e.replace(_is_hypot_sum, _hypotm_rule)
    e = e.replace(_is_entr_candidate, _entr1p_rule)
    e = e.replace(_is_entr_candidate, _xmlog1p_rule)
    e = e.replace(_is_one_minus_tanh2, _sech_rule)
    e = e.replace(_is_one_minus_cos, _one_minus_cos_rule)
    if factor:
        rational = _has_x(e) and e.is_rational_function(x) and not e.has(sp.Abs, sp.sign)
        if rational and not e.is_polynomial(x):
            e = sp.factor(sp.cancel(e))  # one fraction: the quotient rule's terms cancel
        elif e.is_Add:
            e = sp.factor_terms(e)  # (1 - x**2)*exp(-x**2/2), not a difference of products
        if e.has(sp.exp):
            # only next to an exponential, where the factors must stay finite (0*inf);
            # a polynomial alone is as accurate as written (Tukey's f' = x*(1 - (x/c)**2)**2
            # measured 2.3 ulp as written, 3.0 factored)
            e = e.replace(_is_factorable, _factor_rule)
    return e


# -- regimes ------------------------------------------------------------------------------------


def _hidden_root_regimes(e: sp.Expr, bound: sp.Expr | None) -> Plan | None:
    """A polynomial written so that its root of order m at 0 is hidden (``1 - (1 - u)**3``
    is ``3u - 3u**2 + u**3``): the expanded Horner form ``x**m*h(x)`` near 0, the form as
    written from ``|x| >= bound/2`` on (it cancels by less than a factor 2 there for Tukey,
    the expanded one from there on by more)."""
    inner_sums = [a for a in sp.preorder_traversal(e) if a.is_Add and a is not e]
    if _poly_degree(e) < 2 or not inner_sums:  # already expanded: nothing is hidden
        return None
    expanded = sp.expand(e)
    poly = sp.Poly(expanded, x)
    m = min(mon[0] for mon in poly.monoms())
    if m == 0 or _shows_power(e, m):
        return None
    rest = sp.expand(expanded / x**m)
    s = sp.Dummy("s")
    even = all(k % 2 == 0 for (k,) in sp.Poly(rest, x).monoms())
    inner = sp.horner(rest.subs(x**2, s), wrt=s).subs(s, x**2) if even else sp.horner(rest, x)
    near = x**m * inner
    if bound is None:
        return single(near)
    return (Regime(bound / 2, near), Regime(None, e))


def _shows_power(e: sp.Expr, m: int) -> bool:
    for f in sp.Mul.make_args(e):
        if f == x and m == 1:
            return True
        if f.is_Pow and f.base == x and f.exp >= m:
            return True
    return False


def _rational_regimes(e: sp.Expr) -> Plan | None:
    """A rational function P/Q of x with ``deg Q >= 2``: as written while ``x**deg Q``
    fits, ``x**(p - q)*P(1/x)*x**-p / (Q(1/x)*x**-q)`` beyond (a polynomial in 1/x over
    one, so nothing overflows; ``x**(p - q)`` is applied as repeated division)."""
    if not _has_x(e) or not e.is_rational_function(x) or e.has(sp.Abs, sp.sign):
        return None
    num, den = sp.fraction(sp.cancel(sp.together(e)))
    if not _has_x(den):
        return None
    p, q = sp.degree(num, x), sp.degree(den, x)
    if q < 2 or p > q:
        return None
    y = sp.Dummy("y")
    num_r = sp.expand(num.subs(x, 1 / y) * y**p)
    den_r = sp.expand(den.subs(x, 1 / y) * y**q)
    large = (num_r / den_r).subs(y, 1 / x) * x ** (p - q)
    if not proved_equal(large, e):
        return None
    return (Regime(overflow_bound(q), e), Regime(None, large))


# -- per piece --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PiecePlans:
    """The plans of one piece for the value, gradient and Hessian, whether each differs
    from the piece as written, and what the measured search says of each (None: nothing to
    say, or not measured)."""

    plans: tuple[Plan, Plan, Plan]
    changed: tuple[bool, bool, bool]
    notes: tuple[str | None, str | None, str | None] = (None, None, None)


def _best(cands: Sequence[sp.Expr], original: sp.Expr) -> sp.Expr:
    for c in cands:
        if c == original or proved_equal(c, original):
            return c
    return original


def _abs_rational_regimes(e: sp.Expr) -> Plan | None:
    """A rational function of ``|x|`` (times ``sign(x)``) of equal degrees ``q >= 1`` in
    numerator and denominator (Fair's ``c*|x|*sign(x)/(c + |x|)``): the numerator overflows
    where the quotient does not (``c*|x|`` at ``|x| = 1.8e308``), so beyond
    ``|x| >= 2**((emax - 8)//q)`` both are divided by ``|x|**q``
    (``c*sign(x)/(1 + c/|x|)``)."""
    if not e.has(sp.Abs):
        return None
    u, s = sp.Dummy("u", positive=True), sp.Dummy("s", real=True)
    e2 = e.subs(sp.Abs(x), u).subs(sp.sign(x), s).subs(x, s * u)
    if x in e2.free_symbols or not e2.is_rational_function(u):
        return None
    num, den = sp.fraction(sp.cancel(sp.together(e2)))
    if u not in den.free_symbols:
        return None
    p, q = sp.degree(num, u), sp.degree(den, u)
    if q < 1 or p != q:
        return None
    y = sp.Dummy("y")
    num_r = sp.expand(num.subs(u, 1 / y) * y**p)
    den_r = sp.expand(den.subs(u, 1 / y) * y**q)
    large = (num_r / den_r).subs(y, 1 / sp.Abs(x)).subs(s, sp.sign(x))
    if not proved_equal(large, e):
        return None
    return (Regime(overflow_bound(q), e), Regime(None, large))


def _quadratic_regimes(e: sp.Expr) -> Plan | None:
    """A quadratic ``a*x**2 + b*x + k`` (berHu's ``(x**2 + c**2)/(2c)``): as written while
    ``x**2`` fits, ``x*(a*x + b) + k`` beyond, where the product is finite whenever the value
    is (``x**2`` overflows from ``|x| > 1.34e154`` in float64, the value only from 1.3e308).
    The product is kept unevaluated when ``b = 0``, or sympy would fold it back to ``x**2``."""
    if not _has_x(e) or not e.is_polynomial(x) or e.has(sp.Abs, sp.sign):
        return None
    poly = sp.Poly(e, x)
    if poly.degree() != 2:
        return None
    a, b, k = poly.all_coeffs()
    if a.is_Number and abs(a) >= 1:  # x**2 (L2): x*x overflows where x**2 does
        return None
    inner = a * x + b
    prod = sp.Mul(x, inner, evaluate=False) if b == 0 else x * inner
    large = sp.Add(prod, k, evaluate=False) if k != 0 else prod
    if not proved_equal(large, e):
        return None
    return (Regime(overflow_bound(2), e), Regime(None, large))


def _plan(expr: sp.Expr, original: sp.Expr, bound: sp.Expr | None) -> Plan:
    regimes = _hidden_root_regimes(original, bound)
    if regimes is not None and all(proved_equal(r.expr, original) for r in regimes):
        return regimes
    regimes = _rational_regimes(expr)
    if regimes is not None:
        return regimes
    regimes = _abs_rational_regimes(expr) if bound is None else None
    if regimes is not None:
        return regimes
    regimes = _quadratic_regimes(expr) if bound is None else None
    if regimes is not None:
        return regimes
    return single(expr)


def _derivative_candidates(above: sp.Expr, table_piece: sp.Expr) -> list[sp.Expr]:
    """The derivative of the rewritten function above first when that has a primitive (its
    fdiff is the stable derivative); else the table's piece first (``w/(epsilon + |x|)``,
    not the chain rule through ``log1p(|x|/epsilon)``)."""
    from_above = rewrite(clean_derivative(sp.diff(above, x)))
    own = rewrite(table_piece)
    return [from_above, own] if above.has(Primitive, sp.tanh, sp.sech) else [own, from_above]


def plan_pieces(
    pieces: Sequence[sp.Expr], bound: sp.Expr | None = None, domain: Domain | None = None
) -> PiecePlans:
    """Plans for one piece: ``pieces`` are its value, gradient and Hessian as the interval
    tables hold them; ``bound`` is the largest ``|x|`` the piece is used on (None: no bound);
    ``domain`` its intervals and parameter values, for the measured search.

    The value is rewritten; each derivative is the derivative of the rewritten form above it,
    rewritten again, if sympy proves it equal to the table's piece, else the table's piece
    rewritten, else the table's piece as written. With a ``domain``, each plan is then
    measured and, where it is not accurate, replaced by what :func:`search.search` finds.
    """
    value, grad, hess = pieces
    v = _best([rewrite(value, factor=False)], value)
    g = _best(_derivative_candidates(v, grad), grad)
    h = _best(_derivative_candidates(g, hess), hess)
    plans = (_plan(v, value, bound), _plan(g, grad, bound), _plan(h, hess, bound))
    found = plan_orders(pieces, plans, domain)
    plans = tuple(f.plan for f in found)
    changed = tuple(p != single(orig) for p, orig in zip(plans, pieces))
    notes = tuple(f.note() for f in found)
    return PiecePlans(plans, changed, notes)  # type: ignore[arg-type]
