r"""Barron's general and adaptive robust loss, one family with shape ``alpha`` and scale ``c``.

.. math::

    \rho(x, \alpha, c) = \frac{|\alpha - 2|}{\alpha}
        \left(\left(\frac{(x/c)^2}{|\alpha - 2|} + 1\right)^{\alpha/2} - 1\right)

(Barron, "A General and Adaptive Robust Loss Function", CVPR 2019, arXiv:1701.03077). The
formula is 0/0 at ``alpha = 2``, divides by zero at ``alpha = 0`` and has no value at
``alpha = ±oo``; there the loss is the limit, which :func:`special_case` derives with sympy
(nothing here is a hard-coded result):

* ``alpha = 2``: ``(x/c)**2/2`` -- L2 (``l2`` divided by ``2 c**2``);
* ``alpha = 1``: ``sqrt((x/c)**2 + 1) - 1`` -- Charbonnier / pseudo-Huber (``pseudo_huber``
  with ``delta = c``, divided by ``c**2``);
* ``alpha = 0``: ``log((x/c)**2/2 + 1)`` -- Cauchy / Lorentzian (``cauchy`` with
  ``c*sqrt(2)``, divided by ``c**2``);
* ``alpha = -2``: ``2 (x/c)**2/((x/c)**2 + 4)`` -- Geman-McClure (twice ``geman_mcclure`` with
  ``sigma = 2c``);
* ``alpha = -oo``: ``1 - exp(-(x/c)**2/2)`` -- Welsch / Leclerc (``welsch`` with ``c*sqrt(2)``,
  divided by ``c**2``);
* ``alpha = +oo``: ``exp((x/c)**2/2) - 1``.

``Loss.subs`` consults :func:`special_case` through the loss's ``special`` hook, so
``lossmath check barron --param alpha=0`` analyses Cauchy's form and ``alpha=-oo`` Welsch's.
``tests/catalog/test_barron.py`` proves each named case equal to its catalog loss.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import sympy as sp

from lossmath.base.symbols import x
from lossmath.core.loss import Convention, Loss, LossError, Param, Reference, exact
from lossmath.core.plaintext import described

__all__ = ["barron", "special_case", "SINGULAR", "LOSSES"]

BARRON_2019 = Reference(
    authors=("Jonathan T. Barron",),
    title="A General and Adaptive Robust Loss Function",
    venue="CVPR",
    year=2019,
    arxiv="1701.03077",
    note="formula as robust_loss_pytorch/general.py lossfun",
)

_alpha = Param("alpha", default=1, assume="real", extended=True,
               description="shape: 2 is L2, 1 Charbonnier, 0 Cauchy, -2 Geman-McClure, "
               "-oo Welsch", latex=r"\alpha")
_c = Param("c", default=1, description="scale: the width of the quadratic bowl")
alpha, c = _alpha.symbol, _c.symbol

#: the shape values at which the closed form has no value and the loss is its limit
SINGULAR = (sp.Integer(0), sp.Integer(2), -sp.oo, sp.oo)

# The limits are taken in z = (x/c)**2 > 0: in x itself sympy's limit stops at alpha = 2 with
# "Result depends on the sign of sign(x**2)" (sympy 1.14). Every limit is continuous at z = 0
# (the value 0), so substituting z = (x/c)**2 afterwards covers x = 0 too.
_z = sp.Symbol("z", positive=True)


def _general(a: sp.Expr, z: sp.Expr) -> sp.Expr:
    b = sp.Abs(a - 2)
    return b / a * ((z / b + 1) ** (a / 2) - 1)


@cache
def _in_z(value: sp.Expr) -> sp.Expr:
    a = sp.Symbol("alpha", real=True)
    f = _general(a, _z)
    if value in (sp.oo, -sp.oo):
        lim = sp.limit(f, a, value)
    else:
        lim, other = sp.limit(f, a, value, "+"), sp.limit(f, a, value, "-")
        if sp.simplify(lim - other) != 0:
            raise LossError(f"barron: the one-sided limits at alpha = {value} differ")
    if lim.has(sp.Limit, sp.nan, sp.zoo) or not lim.is_finite:
        raise LossError(f"barron: sympy found no finite limit at alpha = {value}")
    return sp.simplify(lim)


def special_case(alpha_value: object) -> sp.Expr:
    """``rho(x, alpha_value, c)`` as an expression in ``x`` and ``c``: the closed form's value,
    or at ``alpha`` in :data:`SINGULAR` its limit, derived here by ``sympy.limit``.

    >>> special_case(0)
    log(1 + x**2/(2*c**2))
    """
    value = _alpha.check(alpha_value)
    if value in SINGULAR:
        return _in_z(value).subs(_z, (x / c) ** 2)
    return _general(value, (x / c) ** 2)


def _special(values: Mapping[str, sp.Expr]) -> sp.Expr | None:
    """``Loss.special``: the limit where ``alpha`` is singular (None elsewhere, so the
    formula's own substitution is used)."""
    if "alpha" not in values or exact(values["alpha"]) not in SINGULAR:
        return None
    expr = special_case(values["alpha"])
    return expr.subs(c, values["c"]) if "c" in values else expr


barron = Loss.deferred(
    name="barron",
    expr=_general(alpha, (x / c) ** 2),
    params=(_alpha, _c),
    title="Barron's general robust loss",
    special=_special,
    **described(
        r"One family for the robust losses: $\alpha = 2$ is $L_2$, $1$ Charbonnier / "
        r"pseudo-Huber, $0$ Cauchy, $-2$ Geman-McClure, $-\infty$ Welsch, each the limit of "
        r"the closed form where it is singular ($\alpha = 0, 2, \pm\infty$). Convex iff "
        r"$\alpha \geq 1$, bounded gradient iff $\alpha \leq 1$, bounded iff $\alpha < 0$. "
        r"Default $\alpha = 1$ (the centre of the adaptive loss's range $(0, 2)$), $c = 1$."
    ),
    aliases=("general_robust", "barron_loss", "adaptive_robust"),
    references=(BARRON_2019,),
    conventions=(
        Convention.typeset(
            "singular shapes",
            r"at $\alpha = 0, 2, \pm\infty$ the loss is the limit in $\alpha$, derived by "
            r"sympy when the parameter is substituted (`--param alpha=0`, `alpha=-oo`); "
            "Barron's code clamps $|\\alpha|$ and $|\\alpha - 2|$ away from $0$ and selects "
            "the limits with `where`. Generated code takes $\\alpha$ as an argument and is "
            "singular at those values.",
        ),
        Convention.typeset(
            "special cases and scalings",
            r"$\alpha = 2$: `l2`$/(2c^2)$; $\alpha = 1$: `pseudo_huber`$(\delta = c)/c^2$; "
            r"$\alpha = 0$: `cauchy`$(c\sqrt{2})/c^2$; $\alpha = -2$: "
            r"$2\,$`geman_mcclure`$(\sigma = 2c)$; $\alpha = -\infty$: "
            r"`welsch`$(c\sqrt{2})/c^2$.",
        ),
        Convention.typeset(
            "libraries",
            "`robust_loss_pytorch.general.lossfun(x, alpha, scale)` and the JAX and "
            "TensorFlow ports in google-research; torch, optax, Keras, scipy, statsmodels "
            "and LossFunctions.jl have none.",
        ),
    ),
)

LOSSES = (barron,)
