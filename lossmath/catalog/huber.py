"""Huber's loss and its rescaling, the smooth L1 loss of Fast R-CNN.

Both are quadratic near 0 and linear in the tails, joined at ``|x| = beta`` (``delta``) with
matching value and slope; the curvature jumps there, so both are C1 and not C2.
"""

from __future__ import annotations

import sympy as sp

from lossmath.base.symbols import x
from lossmath.core.loss import Convention, Loss, Param, Reference
from lossmath.core.plaintext import described

GIRSHICK_2015 = Reference(
    authors=("Ross Girshick",),
    title="Fast R-CNN",
    venue="ICCV",
    year=2015,
    arxiv="1504.08083",
    note="smooth L1 is Eq. (3), the box-regression loss it enters Eq. (2)",
)

HUBER_1964 = Reference(
    authors=("Peter J. Huber",),
    title="Robust Estimation of a Location Parameter",
    venue="Annals of Mathematical Statistics 35(1):73-101",
    year=1964,
    doi="10.1214/aoms/1177703732",
)

_beta = Param(
    "beta", default=1, assume="positive", description="width of the quadratic zone", latex=r"\beta"
)
_delta = Param(
    "delta",
    default=1,
    assume="positive",
    description="width of the quadratic zone and slope of the linear tails",
    latex=r"\delta",
)
beta, delta = _beta.symbol, _delta.symbol

smooth_l1 = Loss.deferred(
    name="smooth_l1",
    expr=sp.Piecewise((x**2 / (2 * beta), sp.Abs(x) < beta), (sp.Abs(x) - beta / 2, True)),
    params=(_beta,),
    title="Smooth L1",
    **described(
        r"Quadratic for $|x| < \beta$ and linear outside, with slope $1$: the gradient is "
        "bounded by $1$ (robust to large errors, unlike $L_2$) and shrinks to $0$ near the "
        r"optimum (unlike $L_1$). $\beta = 1$ is the Fast R-CNN loss $0.5x^2$ if $|x| < 1$ "
        "else $|x| - 0.5$; PyTorch's `torch.nn.functional.smooth_l1_loss` uses this "
        "parameterisation."
    ),
    aliases=("smoothl1", "smooth_l1_loss"),
    references=(GIRSHICK_2015,),
    conventions=(
        Convention.typeset(
            "owner of the breakpoint",
            r"$x = \pm\beta$ belongs to the linear piece ($|x| < \beta$ "
            "is strict), as in PyTorch's kernels.",
        ),
        Convention.typeset(
            r"derivative at $\pm\beta$",
            r"$f'(\pm\beta) = \pm1$, the linear piece's slope; both sides "
            "agree, so this is the derivative.",
        ),
        Convention.typeset(
            r"second derivative at $\pm\beta$",
            r"$0$ (the linear piece's); the left limit is $1/\beta$, so $f''$ jumps by "
            r"$\mp1/\beta$.",
        ),
        Convention.typeset(
            "relation to Huber",
            r"`smooth_l1` with $\beta$ equals `huber` with $\delta = \beta$, divided by $\beta$.",
        ),
        Convention.typeset(
            r"limits in $\beta$",
            r"$\beta \to 0$ gives $|x|$ ($L_1$); $\beta \to \infty$ gives $0$.",
        ),
    ),
)

huber = Loss.deferred(
    name="huber",
    expr=sp.Piecewise((x**2 / 2, sp.Abs(x) <= delta), (delta * (sp.Abs(x) - delta / 2), True)),
    params=(_delta,),
    title="Huber loss",
    **described(
        r"Quadratic $x^2/2$ for $|x| \leq \delta$ and linear with slope $\delta$ outside: the "
        r"gradient is $x$ clipped to $[-\delta, \delta]$. `torch.nn.functional.huber_loss`, "
        "`optax.losses.huber_loss` and `scipy.special.huber(delta, x)` compute it."
    ),
    aliases=("huber_loss",),
    references=(HUBER_1964,),
    conventions=(
        Convention.typeset(
            "owner of the breakpoint",
            r"$x = \pm\delta$ belongs to the quadratic piece "
            r"($|x| \leq \delta$), as in Huber (1964), Keras and `scipy.special.huber`; both "
            "pieces agree in value and slope there.",
        ),
        Convention.typeset(
            r"second derivative at $\pm\delta$",
            r"$1$ (the quadratic piece's); the right limit is $0$, so $f''$ jumps by $\mp1$.",
        ),
        Convention.typeset(
            "relation to smooth $L_1$",
            r"`huber` with $\delta$ equals $\delta$ times `smooth_l1` with $\beta = \delta$.",
        ),
        Convention.typeset(
            r"limits in $\delta$",
            r"$\delta \to 0$ gives $0$; $\delta \to \infty$ gives $x^2/2$ (half of "
            "MSE, not MSE as PyTorch's docstring says).",
        ),
    ),
)

LOSSES = (smooth_l1, huber)
