"""Candidate forms of a subexpression: algebraic identities that trade one floating-point
failure for a stable spelling, each a plain identity of real analysis.

:func:`alternatives` gives, for one node of an expression, the nodes it may be replaced by;
the search (:mod:`lossmath.numerics.search`) measures every whole expression so obtained and
has sympy prove the one it keeps equal to the piece (an identity here is only a proposal).

The identities (``k``, ``c`` free of x; each leaves a remainder ``k + c`` that is 0 when the
spelling cancelled):

* ``k*exp(u) + c = k*expm1(u) + (k + c)`` (``exp(x) - 1`` at 1e-10 keeps 7 digits);
* ``k*cosh(u) + c = 2k*sinh(u/2)**2 + (k + c)`` (``cosh(x) - 1`` is 0 below 1e-8);
* ``k*exp(u) + k*exp(-u) = 2k*cosh(u)``;
* ``k/cosh(u) + c = -k*tanh(u)*tanh(u/2) + (k + c)`` (``1 - sech``: no overflow either);
* ``k*tanh(u)**2 + c = -k*sech(u)**2 + (k + c)`` and back; ``cosh(u)**-n = sech(u)**n``;
* ``log(A) = log(a) + log1p((A - a)/a)`` for the constant term ``a > 0`` of the sum A;
  logarithms combined (``log(2*cosh(x)) - log(2) = log(cosh(x))``) and then recognised as
  primitives (``logcosh``, ``softplus``, ``log1p_sq``);
* ``k*sigmoid(u) - k/2 = (k/2)*tanh(u/2)``, ``k*softplus(u) - k*u = k*softplus(-u)``;
* ``k*sqrt(A) + R = (k**2*A - R**2)/(k*sqrt(A) - R)`` (the conjugate: ``sqrt(1 + |x|) - 1``);
* ``sinh(u)**a/cosh(u)**b = tanh(u)**m * sinh(u)**(a - m) * sech(u)**(b - m)``;
* ``k*sinh(u)**2 + c = k*cosh(u)**2 + (c - k)``; sums and quotients of exponentials as
  hyperbolic functions (``exptrigsimp``); ``softplus(u) = logcosh(u/2) + u/2 + log(2)``;
* ``u**n * exp(g) = (u*exp(g/n))**n`` (the overflowing power inside the underflowing
  exponential); ``sqrt(A) = |x|*sqrt(A/x**2)`` for a quadratic ``A`` in a product;
* a sum of fractions as one fraction, cancelled (``1 - 1/(1 + x**2) = x**2/(1 + x**2)``);
* a Taylor tail: ``k*sinh(w) - k*w = k*sinhmx(w)`` in the numerator of a sum taken as one
  fraction, its hyperbolic functions in one argument (``r*sech(r)**2 - tanh(r) =
  -sinhmx(2r)/(2*cosh(r)**2)``, log-cosh's cancelling ``f''(r)*r - f'(r)``; a
  ``cosh(w/2)**2`` left in the denominator also as ``(cosh(w) + 1)/2``);
* overflow factored out: ``k*exp(u) = (k*exp(u/2))*exp(u/2)`` (and ``cosh``, ``sinh`` from
  the halved argument) for a number ``|k| < 1``, after ``trigsimp`` of sums of hyperbolic
  powers; ``logcosh(u) = |u| - log(2) + log1p(exp(-2|u|))`` where ``u = k*x`` overflows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p

from lossmath.base.symbols import x
from lossmath.numerics.primitives import hypotm, hypotm2, logcosh, sigmoid, sinhmx, softplus

__all__ = ["alternatives"]


def _has_x(e: sp.Basic) -> bool:
    return x in e.free_symbols


def _split(t: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """``(k, rest)`` with ``t = k*rest``, k the x-free factors."""
    k, rest = t.as_independent(x, as_Add=False)
    return k, rest


def _constant(add: sp.Expr) -> sp.Expr:
    return add.as_independent(x, as_Add=True)[0]


def _term_rule(match: Callable[[sp.Expr], sp.Expr | None], delta: int = 1):
    """A rule on sums: for each term ``k*g`` where ``match(g)`` gives ``h`` with
    ``g = h + delta`` (an identity), the sum with ``k*h`` in place of ``k*g`` and the
    constant term ``c`` replaced by ``k*delta + c``."""

    def rule(add: sp.Expr) -> list[sp.Expr]:
        if not add.is_Add:
            return []
        c = _constant(add)
        out = []
        for t in add.args:
            if not _has_x(t):
                continue
            k, g = _split(t)
            h = match(g)
            if h is None:
                continue
            others = [a for a in add.args if a is not t and _has_x(a)]
            rest = k * delta + c
            out.append(sp.Add(k * h, sp.nsimplify(rest) if rest.is_Float else rest, *others))
        return out

    return rule


def _exp_minus_one(g: sp.Expr) -> sp.Expr | None:
    return expm1(g.args[0]) if isinstance(g, sp.exp) else None


def _cosh_minus_one(g: sp.Expr) -> sp.Expr | None:
    return 2 * sp.sinh(g.args[0] / 2) ** 2 if isinstance(g, sp.cosh) else None


def _sech_minus_one(g: sp.Expr) -> sp.Expr | None:
    if g.is_Pow and g.exp == -1 and isinstance(g.base, sp.cosh):
        u = g.base.args[0]
    elif isinstance(g, sp.sech):
        u = g.args[0]
    else:
        return None
    return -sp.tanh(u) * sp.tanh(u / 2)


def _tanh2_minus_one(g: sp.Expr) -> sp.Expr | None:
    if g.is_Pow and g.exp == 2 and isinstance(g.base, sp.tanh):
        return -sp.sech(g.base.args[0]) ** 2
    return None


def _sech2_minus_one(g: sp.Expr) -> sp.Expr | None:
    if g.is_Pow and g.exp == 2 and isinstance(g.base, sp.sech):
        return -sp.tanh(g.base.args[0]) ** 2
    if g.is_Pow and g.exp == -2 and isinstance(g.base, sp.cosh):
        return -sp.tanh(g.base.args[0]) ** 2
    return None


def _sinh2_plus_one(g: sp.Expr) -> sp.Expr | None:
    if g.is_Pow and g.exp == 2 and isinstance(g.base, sp.sinh):
        return sp.cosh(g.base.args[0]) ** 2
    return None


def _exponentials_as_hyperbolic(e: sp.Expr) -> list[sp.Expr]:
    """Sums and quotients of exponentials as hyperbolic functions (``(exp(x) - exp(-x))/
    (exp(x) + exp(-x)) = tanh(x)``: inf/inf as written from x = 710), by sympy's
    ``exptrigsimp``."""
    if not (e.is_Add or e.is_Mul or e.is_Pow) or e.count(sp.exp) < 2:
        return []
    # and of the factored form: a square in the denominator (4*exp(2x)/(exp(4x) + 2*exp(2x)
    # + 1)) is seen as (exp(2x) + 1)**2, which is 4*exp(2x)*sech(x)**2/(4*exp(2x))
    out = [sp.exptrigsimp(e), sp.exptrigsimp(sp.factor(e))]
    return [h for h in dict.fromkeys(out) if h != e]


def _softplus_as_logcosh(e: sp.Expr) -> list[sp.Expr]:
    """``softplus(u) = logcosh(u/2) + u/2 + log(2)``: the terms that cancel against the
    rest of a sum (``log(1 + exp(-x)) + x/2 - log(2)``) cancel symbolically."""
    if isinstance(e, softplus):
        u = e.args[0]
        return [logcosh(u / 2) + u / 2 + sp.log(2)]
    return []


def _power_into_exponential(mul: sp.Expr) -> list[sp.Expr]:
    """``u**n * exp(g) -> (u*exp(g/n))**n`` (n >= 2, kept unevaluated): where ``u**n``
    overflows and ``exp(g)`` underflows (``4*x**3*exp(-x**4)`` at 1e103 is inf*0 = nan),
    the product inside is 0."""
    if not mul.is_Mul:
        return []
    exps = [f for f in mul.args if isinstance(f, sp.exp) and _has_x(f)]
    pows = [f for f in mul.args if f.is_Pow and f.exp.is_Integer and f.exp >= 2
            and _has_x(f.base)]
    if len(exps) != 1 or not pows:
        return []
    (ex,), p = exps, pows[0]
    n = int(p.exp)
    inner = sp.Mul(p.base, sp.exp(ex.args[0] / n), evaluate=False)
    rest = [f for f in mul.args if f is not ex and f is not p]
    return [sp.Mul(*rest, sp.Pow(inner, n, evaluate=False), evaluate=False)]


def _sqrt_of_quadratic(mul: sp.Expr) -> list[sp.Expr]:
    """``sqrt(A) = |x|*sqrt(A/x**2)`` for a quadratic ``A`` in a product, a power of x over
    ``|x|`` lowered (``x**k/|x| = x**(k-1)*sign(x)``): ``x**2/sqrt(1 + x**2) ->
    x*sign(x)/sqrt(1 + x**-2)``, where ``x**2`` overflows from 1.3e154 and the quotient is
    finite (the form is used only where it is accurate: for large ``|x|``, a regime of its
    own)."""
    if not mul.is_Mul:
        return []
    out = []
    for f in mul.args:
        if not (f.is_Pow and abs(f.exp) == sp.S.Half and _has_x(f.base)):
            continue
        try:
            poly = sp.Poly(f.base, x)
        except sp.PolynomialError:
            continue
        if poly.degree() != 2 or not poly.LC().is_positive:
            continue
        inner = sp.sqrt(sp.expand(f.base / x**2)) ** (2 * f.exp)
        rest = mul.xreplace({f: sp.S.One})
        powers = [g for g in sp.Mul.make_args(rest) if g.is_Pow and g.base == x
                  and g.exp.is_Integer and g.exp >= 1]
        if f.exp < 0 and powers:  # x**k/|x| = x**(k-1)*sign(x): the power drops, not cancels
            (p, *_) = powers
            out.append(rest.xreplace({p: x ** (p.exp - 1) * sp.sign(x)}) * inner)
        else:
            out.append(rest * sp.Abs(x) ** (2 * f.exp) * inner)
    return out


def _power_of_quadratic(mul: sp.Expr) -> list[sp.Expr]:
    """A product of powers of polynomials (a quadratic under a half-integer power, any
    polynomial under an integer one) with each divided by its leading power of ``x``:
    ``P**k = (P/x**d)**k * x**(d*k)``, ``A**(m/2) = (A/x**2)**(m/2) * |x|**m``, the powers of
    x collected into one ``|x|**n`` and a sign: ``x*(x**2 + 2)/(x**2 + 1)**(3/2) ->
    sign(x)*(1 + 2/x**2)/(1 + x**-2)**(3/2)`` (the cube overflows from 5.6e102, the quotient
    never). It divides by x, so it is a regime for large |x| only."""
    if not mul.is_Mul:
        return []
    factors, n, odd, fractional = [], sp.S.Zero, 0, False
    for g in mul.args:
        base, k = (g.base, g.exp) if g.is_Pow else (g, sp.S.One)
        if not _has_x(base) or not base.is_polynomial(x) or not k.is_Rational:
            factors.append(g)
            continue
        d = sp.degree(base, x)
        if k.q == 2:
            if d != 2 or not sp.Poly(base, x).LC().is_positive:
                return []
            fractional = True
        elif k.q != 1 or d < 1:
            factors.append(g)
            continue
        factors.append(sp.expand(base / x**d) ** k)
        n += d * k
        odd += int(d * k) % 2 if k.q == 1 else 0
    if not fractional:
        return []
    return [sp.Mul(*factors) * sp.sign(x) ** (odd % 2) * sp.Abs(x) ** n]


def _divide_first(mul: sp.Expr) -> list[sp.Expr]:
    """``x**n/D -> x**(n-1)*(x/D)`` (kept unevaluated): ``x**2`` rounds to a subnormal (few
    digits) where the quotient is normal or a larger subnormal (``x**2/(x**2 + 0.001)`` at
    2e-161 was 109 ulp off), so the last factor of x is taken after the division."""
    if not mul.is_Mul:
        return []
    powers = [f for f in mul.args if f.is_Pow and f.base == x and f.exp.is_Integer
              and f.exp >= 2]
    dens = [f for f in mul.args if f.is_Pow and f.exp.is_Integer and f.exp < 0
            and _has_x(f.base)]
    if len(powers) != 1 or not dens:
        return []
    (p,) = powers
    rest = [f for f in mul.args if f is not p and f not in dens]
    inner = sp.Mul(x, *dens, evaluate=False)
    return [sp.Mul(*rest, x ** (p.exp - 1), inner, evaluate=False)]


def _scale_into_homogeneous(mul: sp.Expr) -> list[sp.Expr]:
    """``k*P(u, q) = P(s*u, s*q)`` with ``s**d = k`` for a primitive homogeneous of degree
    ``d = +-1`` (``hypotm``, ``hypotm2``) and a number ``k > 0``: the constant factor is taken
    inside, before the kernel's last rounding (``1000*hypotm2(x, 1000)`` at 2e110 is
    1000*0 = 0, ``hypotm2(x/1000, 1)`` the subnormal 1.3e-322)."""
    if not mul.is_Mul:
        return []
    k, g = _split(mul)
    degree = {hypotm: 1, hypotm2: -1}.get(type(g))
    if degree is None or not (k.is_Number and k.is_positive and k != 1):
        return []
    s = k if degree == 1 else 1 / k
    u, q = g.args
    return [type(g)(s * u, s * q)]


def _half_argument(mul: sp.Expr) -> list[sp.Expr]:
    """``k*F(u)`` with a number ``0 < |k| < 1`` and ``F`` in exp, cosh, sinh, computed from
    ``F``'s halved argument so that nothing overflows before the product does
    (``0.5*cosh(x)`` is finite up to |x| = 711.2, ``cosh(x)`` only up to 710.5):
    ``(k*exp(u/2))*exp(u/2)``, ``(2k*cosh(u/2))*cosh(u/2) - k``,
    ``(2k*sinh(u/2))*cosh(u/2)``; the products are kept unevaluated, in that order (the
    lowering computes an operand before the product that reads it)."""
    if not mul.is_Mul:
        return []
    k, g = _split(mul)
    if not (k.is_Number and 0 < abs(k) < 1 and isinstance(g, (sp.exp, sp.cosh, sp.sinh))):
        return []
    if (-g.args[0]).is_nonnegative:  # exp(-x**2) cannot overflow
        return []
    h = g.args[0] / 2

    def times(c, f):
        return f if c == 1 else sp.Mul(c, f, evaluate=False)

    if isinstance(g, sp.exp):
        return [sp.Mul(times(k, sp.exp(h)), sp.exp(h), evaluate=False)]
    if isinstance(g, sp.cosh):
        return [sp.Add(sp.Mul(times(2 * k, sp.cosh(h)), sp.cosh(h), evaluate=False), -k,
                       evaluate=False)]
    return [sp.Mul(times(2 * k, sp.sinh(h)), sp.cosh(h), evaluate=False)]


def _hyperbolic_simplified(add: sp.Expr) -> list[sp.Expr]:
    """Sums of powers of hyperbolic functions simplified by sympy's ``trigsimp``
    (``(sinh(x/2)**2 + cosh(x/2)**2)/2 = cosh(x)/2``, which :func:`_half_argument` then
    computes without the overflowing squares)."""
    if not (add.is_Add or add.is_Mul) or not add.has(sp.sinh, sp.cosh):
        return []
    try:
        simple = sp.trigsimp(add)
    except (NotImplementedError, TypeError, ValueError):  # pragma: no cover - sympy
        return []
    return [simple] if simple != add else []


def _logcosh_large(e: sp.Expr) -> list[sp.Expr]:
    """``logcosh(u) = |u| - log(2) + log1p(exp(-2|u|))``: linear in ``|u|``, so ``u = 3*x``
    is never formed (``logcosh(3*x)/9`` is inf at 1.8e308 where the value is 6e307);
    it cancels near 0, so it is a regime of its own for large |x|."""
    if not isinstance(e, logcosh):
        return []
    a = sp.Abs(e.args[0])
    return [a - sp.log(2) + log1p(sp.exp(-2 * a))]


def _reciprocal_cosh(e: sp.Expr) -> list[sp.Expr]:
    """``cosh(u)**-n = sech(u)**n``: the quotient by ``cosh`` is 0 where cosh overflows
    (|u| > 710.5) but sech is subnormal, which its kernel keeps (2*exp(-|u|))."""
    if e.is_Pow and isinstance(e.base, sp.cosh) and e.exp.is_Integer and e.exp < 0:
        return [sp.sech(e.base.args[0]) ** -e.exp]
    return []


def _exp_into_polynomial(mul: sp.Expr) -> list[sp.Expr]:
    """``P(x)*exp(g)`` for a polynomial ``P``: each monomial ``c*x**n`` times ``exp(g)`` as
    ``c*(x*exp(g/n))**n`` (:func:`_power_into_exponential` term by term), the sum kept
    unevaluated: ``4*x**2*(3 - 4*x**4)*exp(-x**4)`` is inf*0 = nan at 1e100, each term 0."""
    if not mul.is_Mul:
        return []
    exps = [f for f in mul.args if isinstance(f, sp.exp) and _has_x(f)]
    if len(exps) != 1:
        return []
    (ex,) = exps
    rest = mul.xreplace({ex: sp.S.One})
    if not rest.is_polynomial(x) or sp.degree(rest, x) < 2:
        return []
    terms = []
    for t in sp.Add.make_args(sp.expand(rest)):
        c, n = t.as_coeff_exponent(x)
        if n.is_Integer and n >= 2:
            inner = sp.Mul(x, sp.exp(ex.args[0] / n), evaluate=False)
            terms.append(sp.Mul(c, sp.Pow(inner, n, evaluate=False), evaluate=False))
        else:
            terms.append(t * ex)
    return [sp.Add(*terms, evaluate=False)] if len(terms) > 1 else []


def _exp_pairs(add: sp.Expr) -> list[sp.Expr]:
    """``k*exp(u) + k*exp(-u) -> 2k*cosh(u)``."""
    if not add.is_Add:
        return []
    terms = list(add.args)
    for i, t in enumerate(terms):
        k, g = _split(t)
        if not isinstance(g, sp.exp) or not _has_x(g):
            continue
        partner = k * sp.exp(-g.args[0])
        if partner in terms:
            rest = [a for j, a in enumerate(terms) if j != i and a != partner]
            return [sp.Add(2 * k * sp.cosh(g.args[0]), *rest)]
    return []


def _log_split(e: sp.Expr) -> list[sp.Expr]:
    """``log(a + B) = log(a) + log1p(B/a)`` for the constant term ``a > 0``."""
    if not isinstance(e, sp.log) or not e.args[0].is_Add:
        return []
    a = _constant(e.args[0])
    if a == 0 or a.is_positive is not True:
        return []
    rest = sp.expand(e.args[0] - a)
    head = [] if a == 1 else [sp.log(a)]
    return [sp.Add(*head, log1p(rest / a))]


def _log_combine(add: sp.Expr) -> list[sp.Expr]:
    """Logarithms of a sum combined: ``log(2*cosh(x)) - log(2) -> log(cosh(x))``."""
    if not add.is_Add or len(add.atoms(sp.log)) < 1:
        return []
    combined = sp.logcombine(add, force=True)
    if combined == add:
        return []
    out = [combined]
    expanded = sp.expand_log(add, force=True)
    if expanded != add:
        out.append(sp.logcombine(expanded, force=True))
    return out


def _sigmoid_half(add: sp.Expr) -> list[sp.Expr]:
    """``k*sigmoid(u) + c = (k/2)*tanh(u/2) + (c + k/2)``; ``k*softplus(u) - k*u =
    k*softplus(-u)``."""
    if not add.is_Add:
        return []
    out = []
    c = _constant(add)
    for t in add.args:
        k, g = _split(t)
        if isinstance(g, sigmoid):
            others = [a for a in add.args if a is not t and _has_x(a)]
            out.append(sp.Add(k / 2 * sp.tanh(g.args[0] / 2), c + k / 2, *others))
        if isinstance(g, softplus):
            u = g.args[0]
            partner = sp.expand(-k * u)
            rest = sp.expand(add - t - partner)
            if not rest.has(softplus) or rest.count(softplus) < add.count(softplus):
                out.append(k * softplus(-u) + rest)
    return out


def _conjugate(add: sp.Expr) -> list[sp.Expr]:
    """``k*sqrt(A) + R -> (k**2*A - R**2)/(k*sqrt(A) - R)`` for the one square-root term."""
    if not add.is_Add:
        return []
    roots = [
        t for t in add.args
        if any(f.is_Pow and f.exp == sp.S.Half and _has_x(f.base) for f in sp.Mul.make_args(t))
    ]
    if len(roots) != 1:
        return []
    (s,) = roots
    k, r = _split(s)
    if not (r.is_Pow and r.exp == sp.S.Half):
        return []
    rest = add - s
    num = sp.expand(k**2 * r.base - rest**2)
    if num.has(sp.sqrt(r.base)) or sp.count_ops(num) > 2 * sp.count_ops(add) + 4:
        return []
    return [sp.factor(num) / (s - rest), num / (s - rest)]


def _one_fraction(add: sp.Expr) -> list[sp.Expr]:
    """A sum with a quotient in it as one cancelled fraction."""
    if not add.is_Add or not any(sp.fraction(t)[1] != 1 for t in add.args if _has_x(t)):
        return []
    one = sp.cancel(sp.together(add))
    return [one] if one != add else []


def _hyperbolic_quotient(mul: sp.Expr) -> list[sp.Expr]:
    """``sinh(u)**a * cosh(u)**b`` (``b < 0``) -> ``tanh(u)**m * sinh(u)**(a - m) *
    sech(u)**(-b - m)``, ``m = min(a, -b)``: the quotient of two overflowing functions as
    bounded ones (``sinh(x)/cosh(x)**2`` is inf/inf = nan from x = 710)."""
    if not mul.is_Mul:
        return []
    powers: dict[tuple[type, sp.Expr], tuple[sp.Expr, sp.Expr]] = {}
    for f in mul.args:
        base, e = (f.base, f.exp) if f.is_Pow else (f, sp.S.One)
        if isinstance(base, (sp.sinh, sp.cosh)) and e.is_Integer:
            powers[(type(base), base.args[0])] = (f, e)
    for (kind, u), (f, a) in powers.items():
        if kind is not sp.sinh or a <= 0 or (sp.cosh, u) not in powers:
            continue
        g, b = powers[(sp.cosh, u)]
        if b >= 0:
            continue
        m = min(a, -b)
        rest = [h for h in mul.args if h is not f and h is not g]
        return [sp.Mul(*rest, sp.tanh(u) ** m, sp.sinh(u) ** (a - m), sp.sech(u) ** (-b - m))]
    return []


def _terms(e: sp.Expr) -> int:
    return 0 if e == 0 else len(sp.Add.make_args(e))


def _taylor_tail(add: sp.Expr) -> list[sp.Expr]:
    """A sum whose one-fraction numerator, its hyperbolic functions in one argument
    (``trigsimp``: ``sinh(r)*cosh(r) = sinh(2r)/2``), holds ``k*sinh(w)`` and ``-k*w`` (``k``
    any common factor): that pair as ``k*sinhmx(w)``, which does not cancel. Log-cosh's
    ``r*sech(r)**2 - tanh(r)`` is ``(2r - sinh(2r))/(2*cosh(r)**2)``, 5 to 22 ulp off as
    written for r in 0.5..2 (least-squares' rho''); with a ``cosh(w/2)**2`` in the
    denominator, also ``(cosh(w) + 1)/2`` there (one rounding of the same argument)."""
    if not add.is_Add or not add.has(sp.sinh, sp.cosh, sp.tanh, sp.sech):
        return []
    return list(_sinh_tails(add))


@lru_cache(maxsize=1024)  # trigsimp is slow, and the search meets a node in many candidates
def _sinh_tails(add: sp.Expr) -> tuple[sp.Expr, ...]:
    hyper = {t: sp.sinh(t.args[0]) / sp.cosh(t.args[0]) for t in add.atoms(sp.tanh)}
    hyper.update({t: 1 / sp.cosh(t.args[0]) for t in add.atoms(sp.sech)})
    num, den = sp.fraction(sp.cancel(sp.together(add.xreplace(hyper))))
    # only a numerator with x outside its hyperbolic functions can hold the linear term
    bare = num.replace(lambda e: isinstance(e, (sp.sinh, sp.cosh)), lambda e: sp.S.One)
    if not num.has(sp.sinh) or not _has_x(bare):
        return ()
    try:
        num = sp.expand(sp.trigsimp(num))
    except (NotImplementedError, TypeError, ValueError):  # pragma: no cover - sympy
        return ()
    out = []
    for s in sorted(num.atoms(sp.sinh), key=sp.default_sort_key):
        w = s.args[0]
        if not _has_x(w):
            continue
        k = num.coeff(s)
        if k == 0 or k.has(s):
            continue
        without = sp.expand(num - k * s)
        rest = sp.expand(without + k * w)
        if rest.has(s) or _terms(rest) >= _terms(without):
            continue  # no -k*w term to cancel against
        new = (k * sinhmx(w) + rest) / den
        out.append(new)
        half = sp.cosh(w / 2) ** 2
        if den.has(half):
            out.append(2 * (k * sinhmx(w) + rest) / den.xreplace({half: sp.cosh(w) + 1}))
    return tuple(out)


_ADD_RULES = (
    _term_rule(_exp_minus_one),
    _term_rule(_cosh_minus_one),
    _term_rule(_sech_minus_one),
    _term_rule(_tanh2_minus_one),
    _term_rule(_sech2_minus_one),
    _term_rule(_sinh2_plus_one, -1),
    _exp_pairs,
    _log_combine,
    _sigmoid_half,
    _conjugate,
    _one_fraction,
    _taylor_tail,
)


def alternatives(node: sp.Expr) -> list[sp.Expr]:
    """The nodes that may replace ``node`` (identities above; none when it is free of x)."""
    if not _has_x(node):
        return []
    out: list[sp.Expr] = []
    if node.is_Add:
        for rule in _ADD_RULES:
            out += rule(node)
    out += _hyperbolic_quotient(node)
    out += _reciprocal_cosh(node)
    out += _half_argument(node)
    out += _logcosh_large(node)
    out += _hyperbolic_simplified(node)
    out += _exponentials_as_hyperbolic(node)
    out += _softplus_as_logcosh(node)
    out += _power_into_exponential(node)
    out += _sqrt_of_quadratic(node)
    out += _exp_into_polynomial(node)
    out += _power_of_quadratic(node)
    out += _divide_first(node)
    out += _scale_into_homogeneous(node)
    out += _log_split(node)
    if isinstance(node, sp.log):
        expanded = sp.expand_log(node, force=True)
        out += [expanded] if expanded != node else []
    if isinstance(node, log1p) and node.args[0].is_Add:
        out += _log_split(sp.log(1 + node.args[0]))
    seen, unique = set(), []
    for e in out:
        if e != node and e not in seen:
            seen.add(e)
            unique.append(e)
    return unique
