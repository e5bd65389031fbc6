"""Stable primitives: sympy Functions for the compositions that naive floating point ruins.

Each primitive is an ordinary sympy ``Function`` with

* ``fdiff``, whose result is again built from stable primitives (``softplus' = sigmoid``,
  ``logcosh' = tanh``, ``tanh' = sech**2``), so derivatives of a rewritten loss stay stable;
* ``elementary()`` (and ``rewrite(sp.log)`` etc.), the textbook formula, which the rewrite
  stage uses to *prove* a rewrite equal to what the user wrote;
* ``_eval_evalf`` through that formula (mpmath at any precision), and values at ``0`` and
  ``+-oo`` (the limits), so analysis, limits and LaTeX keep working;
* ``_latex``: the textbook formula, so documents never show an invented name.

Every target prints each primitive with its own stable kernel (``emit/kernels/numpy_kernels.py``
for numpy); the formulas those kernels use, and their regimes, are in the docstrings here.
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import log1p

__all__ = [
    "PRIMITIVES",
    "Primitive",
    "elementary",
    "entr1p",
    "expdd",
    "xmlog1p",
    "hypotm",
    "hypotm1",
    "hypotm2",
    "log1p_sq",
    "logcosh",
    "sigmoid",
    "sinhmx",
    "softplus",
]


class Primitive(sp.Function):
    """A stable primitive: ``elementary()`` is its definition, evalf goes through it."""

    #: the numpy value at +-inf arguments is the limit (the kernels handle infinities)
    inf_safe = True

    def elementary(self) -> sp.Expr:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _eval_evalf(self, prec):
        return self.elementary()._eval_evalf(prec)

    def _eval_rewrite_as_log(self, *args, **kw):
        return self.elementary()

    _eval_rewrite_as_exp = _eval_rewrite_as_log

    def _eval_is_real(self):
        return all(a.is_real for a in self.args) or None

    def _latex(self, printer):
        return printer._print(self.elementary())

    # lambdify (mpmath for analyses, numpy/python for users) prints the definition; the
    # stable kernels are lossmath's code generators' business
    _mpmathcode = _numpycode = _pythoncode = _latex


class _Growing(Primitive):
    """A primitive even in its first argument (``odd``: odd), 0 there at 0 and +oo at +oo
    (logcosh, hypotm, log1p_sq; sinhmx odd): ``f(-u, ...)`` is rewritten ``f(u, ...)``
    (``-f(u, ...)``)."""

    odd = False

    @classmethod
    def eval(cls, u, *rest):
        if u is sp.oo:
            return sp.oo
        if u is sp.S.NegativeInfinity:
            return sp.S.NegativeInfinity if cls.odd else sp.oo
        if u.is_zero:
            return sp.S.Zero
        if u.could_extract_minus_sign():
            return -cls(-u, *rest) if cls.odd else cls(-u, *rest)
        return None


class softplus(Primitive):
    r"""``softplus(u) = log(1 + exp(u))``; numpy ``logaddexp(0, u)``:
    ``max(u, 0) + log1p(exp(-|u|))``, never overflows, no cancellation for u < 0."""

    nargs = 1

    @classmethod
    def eval(cls, u):
        if u is sp.oo:
            return sp.oo
        if u is sp.S.NegativeInfinity:
            return sp.S.Zero
        if u.is_zero:
            return sp.log(2)

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def elementary(self):
        return sp.log(1 + sp.exp(self.args[0]))

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None


class sigmoid(Primitive):
    r"""``sigmoid(u) = 1/(1 + exp(-u))``; evaluated as ``1/(1 + e)`` for u >= 0 and
    ``e/(1 + e)`` for u < 0, with ``e = exp(-|u|)``, so it never overflows."""

    nargs = 1

    @classmethod
    def eval(cls, u):
        if u is sp.oo:
            return sp.S.One
        if u is sp.S.NegativeInfinity:
            return sp.S.Zero
        if u.is_zero:
            return sp.S.Half

    def fdiff(self, argindex=1):
        u = self.args[0]
        return sigmoid(u) * sigmoid(-u)

    def elementary(self):
        return 1 / (1 + sp.exp(-self.args[0]))


class logcosh(_Growing):
    r"""``logcosh(u) = log(cosh(u))``.

    Two regimes in ``a = |u|``: ``log1p(2*sinh(a/2)**2)`` (``cosh a - 1`` without
    cancellation) below ``T = -log(eps)/2``, and ``a - log 2 + log1p(exp(-2a))`` above, where
    ``exp(-2a) < eps`` and ``a - log 2`` cancels by less than a factor 1.2; ``T`` is 18.0 in
    float64 and 8.0 in float32. Neither overflows (``cosh`` does from 710.5 / 89.4).
    """

    nargs = 1

    def fdiff(self, argindex=1):
        return sp.tanh(self.args[0])

    def elementary(self):
        return sp.log(sp.cosh(self.args[0]))

    def _eval_is_nonnegative(self):
        return True if self.args[0].is_real else None


class hypotm(_Growing):
    r"""``hypotm(u, q) = sqrt(u**2 + q**2) - q`` for ``q > 0``: evaluated as
    ``a*(a/(hypot(a, q) + q))`` with ``a = |u|``, which neither cancels near 0 (pseudo-Huber
    and Charbonnier were 0 there) nor overflows (``u**2`` does from 1.3e154 / 1.8e19)."""

    nargs = 2

    def fdiff(self, argindex=1):
        u, q = self.args
        if argindex == 1:
            return hypotm1(u, q)
        return q / sp.sqrt(u**2 + q**2) - 1

    def elementary(self):
        u, q = self.args
        return sp.sqrt(u**2 + q**2) - q


class hypotm1(Primitive):
    r"""``hypotm1(u, q) = u/sqrt(u**2 + q**2)``, the derivative of :class:`hypotm`:
    ``u/hypot(u, q)`` (no overflow; +-1 at +-inf)."""

    nargs = 2

    @classmethod
    def eval(cls, u, q):
        if u is sp.oo:
            return sp.S.One
        if u is sp.S.NegativeInfinity:
            return sp.S.NegativeOne
        if u.is_zero:
            return sp.S.Zero

    def fdiff(self, argindex=1):
        u, q = self.args
        if argindex == 1:
            return hypotm2(u, q)
        return -u * q / (u**2 + q**2) ** sp.Rational(3, 2)

    def elementary(self):
        u, q = self.args
        return u / sp.sqrt(u**2 + q**2)


class hypotm2(Primitive):
    r"""``hypotm2(u, q) = q**2/(u**2 + q**2)**(3/2)``, the derivative of :class:`hypotm1`:
    ``r*r/h`` with ``h = hypot(u, q)`` and ``r = q/h`` (neither ``q**2`` nor ``h**3`` is
    formed, so neither overflows; it underflows gradually)."""

    nargs = 2

    @classmethod
    def eval(cls, u, q):
        if u in (sp.oo, sp.S.NegativeInfinity):
            return sp.S.Zero

    def fdiff(self, argindex=1):
        u, q = self.args
        if argindex == 1:
            return -3 * u * q**2 / (u**2 + q**2) ** sp.Rational(5, 2)
        return sp.diff(self.elementary(), q)

    def elementary(self):
        u, q = self.args
        return q**2 / (u**2 + q**2) ** sp.Rational(3, 2)


class log1p_sq(_Growing):
    r"""``log1p_sq(u, k) = log(1 + k*u**2)`` for ``k > 0``: ``log1p(k*u*u)`` while ``u*u``
    cannot overflow (``|u| < 2**((emax - 4)/2)``), ``2*log|u| + log(k) + log1p(1/(k*u*u))``
    beyond (Cauchy's value was inf from 1.3e154 / 1.8e19)."""

    nargs = 2

    def fdiff(self, argindex=1):
        u, k = self.args
        if argindex == 1:
            return 2 * k * u / (1 + k * u**2)
        return u**2 / (1 + k * u**2)

    def elementary(self):
        u, k = self.args
        return sp.log(1 + k * u**2)


class _OnePositive(Primitive):
    """A primitive of one argument ``y >= 0``, 0 at 0 and +oo at +oo (entr1p, xmlog1p)."""

    @classmethod
    def eval(cls, y):
        if y is sp.oo:
            return sp.oo
        if y.is_zero:
            return sp.S.Zero
        return None


class entr1p(_OnePositive):
    r"""``entr1p(y) = (1 + y)*log1p(y) - y`` for ``y >= 0`` (Balanced L1's inner piece is
    ``(alpha/b)*entr1p(b*|x|)``). As written it loses every digit near 0 (it is ``y**2/2``
    there). With ``z = y/(2 + y)`` it equals ``2*(z**2 + (1 + z)*sum_{k>=1}
    z**(2k+1)/(2k+1))/(1 - z)``, a sum of positive terms; that series is used for
    ``y < 3`` (``z < 0.6``, 36 terms in float64, 16 in float32) and the written form
    above, where it cancels by less than a factor 3.5."""

    nargs = 1

    def fdiff(self, argindex=1):
        return log1p(self.args[0])

    def elementary(self):
        y = self.args[0]
        return (1 + y) * sp.log(1 + y) - y


class xmlog1p(_OnePositive):
    r"""``xmlog1p(y) = y - log1p(y)`` for ``y >= 0`` (Fair's value is
    ``c**2*xmlog1p(|x|/c)``). As written it loses every digit near 0 (it is ``y**2/2``
    there: 0.0 at ``y = 3e-19``, true ``4e-38``). With ``z = y/(2 + y)``,
    ``log1p(y) = 2*atanh(z)``, so it equals ``y*z - 2*z**3*sum_{k>=0} z**(2k)/(2k+3)``
    (``y - 2z = y*z``), where the sum cancels ``y*z`` by less than a factor 1.2 for
    ``y < 3`` (``z**2 < 0.36``, 36 terms in float64); the written form beyond, where it
    cancels by less than a factor 1.9."""

    nargs = 1

    def fdiff(self, argindex=1):
        y = self.args[0]
        return y / (1 + y)

    def elementary(self):
        y = self.args[0]
        return y - sp.log(1 + y)


class sinhmx(_Growing):
    r"""``sinhmx(u) = sinh(u) - u``, odd, ``u**3/6`` near 0: as written it loses every digit
    there, and cancels by a factor ``sinh(u)/(sinh(u) - u)`` (7 at ``u = 1``) for moderate
    ``u``; log-cosh's ``tanh(r) - r*sech(r)**2 = sinhmx(2r)/(2*cosh(r)**2)`` is such a
    difference. For ``|u| < 3`` the series ``u**3/6*(1 + sum_{k>=2} 6*u**(2k-2)/(2k+1)!)`` of
    positive terms (``u**3`` in double-double: three roundings of it would cost 2 ulp), the
    written form beyond, where it cancels by less than a factor 1.43."""

    nargs = 1
    odd = True

    def fdiff(self, argindex=1):
        return 2 * sp.sinh(self.args[0] / 2) ** 2  # cosh(u) - 1 without its cancellation

    def elementary(self):
        u = self.args[0]
        return sp.sinh(u) - u


class expdd(Primitive):
    r"""``expdd(h, l) = exp(h + l)`` for a rounded argument ``h`` and its rounding residual
    ``l`` (:mod:`lossmath.numerics.rounding`; ``|l| <= |h|*2**-50``): ``exp(h)*(1 + l)``,
    whose omitted ``l**2/2`` is below 2**-80 of the value. ``l`` is ignored where ``exp(h)*l``
    is not finite (``h`` overflowed, so its residual is meaningless; ``exp(h)`` is 0 or inf
    there), so the value is ``exp(h)``'s wherever that is not finite or 0. Only the lowering
    makes it, after the proofs: ``exp(u)`` with ``u`` rounded is ``expdd(fl(u), u - fl(u))``."""

    nargs = 2

    def fdiff(self, argindex=1):
        return self

    def elementary(self):
        h, lo = self.args
        return sp.exp(h + lo)


PRIMITIVES: tuple[type[Primitive], ...] = (
    softplus,
    sigmoid,
    logcosh,
    hypotm,
    hypotm1,
    hypotm2,
    log1p_sq,
    entr1p,
    xmlog1p,
    sinhmx,
    expdd,
)


def elementary(expr: sp.Expr) -> sp.Expr:
    """``expr`` with every primitive replaced by its textbook definition (and ``log1p``,
    ``expm1``, ``hypot`` by theirs), for proofs and printing in documents."""
    from sympy.codegen.cfunctions import expm1, hypot

    def expand(e):
        if isinstance(e, Primitive):
            return e.elementary()
        if isinstance(e, log1p):
            return sp.log(1 + e.args[0])
        if isinstance(e, expm1):
            return sp.exp(e.args[0]) - 1
        if isinstance(e, hypot):
            return sp.sqrt(e.args[0] ** 2 + e.args[1] ** 2)
        return e

    return expr.replace(
        lambda e: isinstance(e, (Primitive, log1p, expm1, hypot)), expand
    )
