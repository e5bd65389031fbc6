"""Smooth approximations of L1 with a quadratic bottom: pseudo-Huber, Charbonnier, log-cosh.

All three are analytic (C-infinity) and strictly convex, with a gradient that tends to a
finite limit as ``|x| -> oo`` without reaching it; none has a breakpoint. Pseudo-Huber with
``delta`` is Charbonnier with ``epsilon = delta`` times ``delta``, and Barron's loss at
``alpha = 1`` is pseudo-Huber with ``delta = c`` divided by ``c**2`` (``catalog/barron.py``).
"""

from __future__ import annotations

import sympy as sp

from lossmath.base.symbols import x
from lossmath.core.loss import Convention, Loss, Param, Reference
from lossmath.core.plaintext import described

CHARBONNIER_1997 = Reference(
    authors=("Pierre Charbonnier", "Laure Blanc-Feraud", "Gilles Aubert", "Michel Barlaud"),
    title="Deterministic Edge-Preserving Regularization in Computed Imaging",
    venue="IEEE Transactions on Image Processing 6(2):298-311",
    year=1997,
    doi="10.1109/83.551699",
)

HARTLEY_ZISSERMAN_2003 = Reference(
    authors=("Richard Hartley", "Andrew Zisserman"),
    title="Multiple View Geometry in Computer Vision",
    year=2003,
)

CHEN_2019 = Reference(
    authors=("Pengfei Chen", "Guangyong Chen", "Shengyu Zhang"),
    title="Log Hyperbolic Cosine Loss Improves Variational Auto-Encoder",
    venue="OpenReview",
    year=2019,
    url="https://openreview.net/forum?id=rkglvsC9Ym",
    note="the reference optax.losses.log_cosh gives",
)

_delta = Param("delta", default=1, description="scale: quadratic below, slope delta above",
               latex=r"\delta")
_eps = Param("epsilon", default=0.001, description="smoothing width", latex=r"\epsilon")
delta, epsilon = _delta.symbol, _eps.symbol

pseudo_huber = Loss.deferred(
    name="pseudo_huber",
    expr=delta**2 * (sp.sqrt(1 + (x / delta) ** 2) - 1),
    params=(_delta,),
    title="Pseudo-Huber loss",
    **described(
        r"$\delta^2(\sqrt{1 + (x/\delta)^2} - 1)$: $x^2/2$ near $0$ and $\delta|x| - \delta^2$ "
        r"far out, like Huber, but analytic: the gradient $\delta x/\sqrt{\delta^2 + x^2}$ "
        r"approaches $\pm\delta$ without reaching it, and the curvature falls from $1$ at "
        r"$0$ towards $0$. `scipy.special.pseudo_huber(delta, r)` computes it."
    ),
    aliases=("pseudohuber", "smooth_huber"),
    references=(CHARBONNIER_1997, HARTLEY_ZISSERMAN_2003),
    conventions=(
        Convention.typeset(
            "libraries",
            r"`scipy.special.pseudo_huber(delta, r)` ($\delta$ first) is this with $\delta$; "
            r"`scipy.optimize.least_squares(loss='soft_l1', f_scale=C)` is it with "
            r"$\delta = C$. torch, optax, Keras, statsmodels and LossFunctions.jl have none.",
        ),
        Convention.typeset(
            "relations",
            r"$\delta$ times `charbonnier` with $\epsilon = \delta$; $c^2$ times `barron` "
            r"with $\alpha = 1$ and $c = \delta$.",
        ),
    ),
)

charbonnier = Loss.deferred(
    name="charbonnier",
    expr=sp.sqrt(x**2 + epsilon**2) - epsilon,
    params=(_eps,),
    title="Charbonnier loss",
    **described(
        r"$\sqrt{x^2 + \epsilon^2} - \epsilon$: a differentiable $L_1$ with gradient "
        r"$x/\sqrt{x^2 + \epsilon^2}$ of magnitude below $1$. The $-\epsilon$ makes "
        r"$f(0) = 0$; image-restoration code often omits it. $\epsilon = 10^{-3}$ is the "
        "usual deep-learning choice (LapSRN, super-resolution)."
    ),
    aliases=("l1_l2", "charbonnier_loss"),
    references=(CHARBONNIER_1997,),
    conventions=(
        Convention.typeset(
            "scale and offset",
            r"$\sqrt{x^2 + \epsilon^2} - \epsilon$, so $f(0) = 0$; implementations without "
            r"the $-\epsilon$ differ by a constant (same gradient).",
        ),
        Convention.typeset(
            "relations",
            r"`pseudo_huber` with $\delta = \epsilon$ divided by $\epsilon$; $\epsilon$ times "
            r"`barron` with $\alpha = 1$, $c = \epsilon$. torch, optax, Keras, scipy.special, "
            "statsmodels and LossFunctions.jl have no Charbonnier loss.",
        ),
    ),
)

log_cosh = Loss.deferred(
    name="log_cosh",
    expr=sp.log(sp.cosh(x)),
    title="Log-cosh loss",
    **described(
        r"$\log\cosh x$: $x^2/2$ near $0$ and $|x| - \log 2$ far out; its gradient is "
        r"$\tanh x$ (bounded by $1$, not attained) and its curvature "
        r"$1/\cosh^2 x$ tends to $0$, so it is strictly but not strongly convex."
    ),
    aliases=("logcosh", "log_cosh_loss"),
    references=(CHEN_2019,),
    conventions=(
        Convention.typeset(
            "libraries",
            "`optax.losses.log_cosh(predictions, targets)` and Keras `log_cosh(y_true, "
            "y_pred)` (mean over the last axis) compute it without a scale; "
            "LossFunctions.jl's `LogCoshLoss` too (it declares it strongly convex, which it "
            "is not: $f''(x) = 1/\\cosh^2 x \\to 0$). torch has none.",
        ),
    ),
)

LOSSES = (pseudo_huber, charbonnier, log_cosh)
