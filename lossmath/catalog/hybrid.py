"""L1/L2 hybrids with a fixed breakpoint: the reverse Huber (berHu) and Libra R-CNN's
balanced L1.

berHu is Huber turned inside out: L1 near 0 (a kink there) and quadratic beyond ``c``, joined
with matching value and slope (C1). Balanced L1 is designed from its gradient,
``alpha*log(b|x| + 1)`` inside ``|x| < 1`` and ``gamma`` outside, with ``alpha*log(b + 1) =
gamma`` (so ``b = exp(gamma/alpha) - 1``), which makes it C1 at ``±1``.
"""

from __future__ import annotations

import sympy as sp

from lossmath.base.symbols import x
from lossmath.core.loss import Convention, Loss, Param, Reference
from lossmath.core.plaintext import described

OWEN_2007 = Reference(
    authors=("Art B. Owen",),
    title="A Robust Hybrid of Lasso and Ridge Regression",
    venue="Contemporary Mathematics 443:59-71",
    year=2007,
    doi="10.1090/conm/443/08555",
)

LAINA_2016 = Reference(
    authors=("Iro Laina", "Christian Rupprecht", "Vasileios Belagiannis", "Federico Tombari",
             "Nassir Navab"),
    title="Deeper Depth Prediction with Fully Convolutional Residual Networks",
    venue="3DV",
    year=2016,
    arxiv="1606.00373",
)

PANG_2019 = Reference(
    authors=("Jiangmiao Pang", "Kai Chen", "Jianping Shi", "Huajun Feng", "Wanli Ouyang",
             "Dahua Lin"),
    title="Libra R-CNN: Towards Balanced Learning for Object Detection",
    venue="CVPR",
    year=2019,
    arxiv="1904.02701",
    note="the formula as in mmdetection mmdet/models/losses/balanced_l1_loss.py with "
    "beta = 1",
)

_c = Param("c", default=1, description="breakpoint between the L1 and the quadratic zone")
c = _c.symbol

berhu = Loss.deferred(
    name="berhu",
    expr=sp.Piecewise((sp.Abs(x), sp.Abs(x) <= c), ((x**2 + c**2) / (2 * c), True)),
    params=(_c,),
    title="Reverse Huber (berHu) loss",
    **described(
        r"$|x|$ for $|x| \leq c$ and $(x^2 + c^2)/(2c)$ outside: $L_1$ near the optimum "
        r"(a kink at $0$) and $L_2$ for large errors, joined with value $c$ and slope "
        r"$\pm1$ at $\pm c$ ($C^1$; the curvature jumps from $0$ to $1/c$). Convex, with an "
        "unbounded gradient."
    ),
    aliases=("reverse_huber", "ber_hu"),
    references=(OWEN_2007, LAINA_2016),
    conventions=(
        Convention.typeset(
            "owner of the breakpoint",
            r"$x = \pm c$ belongs to the $L_1$ piece ($|x| \leq c$), as in Laina et al.; "
            "value and slope agree there.",
        ),
        Convention.typeset(
            "libraries",
            "No library among torch, optax, Keras, scipy, statsmodels and LossFunctions.jl "
            "has it; depth-estimation code sets $c$ per batch ($0.2$ times the largest "
            "residual).",
        ),
    ),
)

_alpha = Param("alpha", default=0.5, description="weight of the inner zone", latex=r"\alpha")
_gamma = Param("gamma", default=1.5, description="slope of the outer zone", latex=r"\gamma")
alpha, gamma = _alpha.symbol, _gamma.symbol
_b = sp.exp(gamma / alpha) - 1  # alpha*log(b + 1) = gamma: the slopes meet at |x| = 1
_absx = sp.Abs(x)

balanced_l1 = Loss.deferred(
    name="balanced_l1",
    expr=sp.Piecewise(
        (alpha / _b * (_b * _absx + 1) * sp.log(_b * _absx + 1) - alpha * _absx, _absx < 1),
        (gamma * _absx + gamma / _b - alpha, True),
    ),
    params=(_alpha, _gamma),
    title="Balanced L1 loss",
    **described(
        r"Defined by its gradient $\alpha \log(b|x| + 1) \operatorname{sign}(x)$ inside "
        r"$|x| < 1$ and $\gamma \operatorname{sign}(x)$ outside, with "
        r"$b = e^{\gamma/\alpha} - 1$ so that the two meet ($C^1$ at $\pm1$). It promotes "
        r"the gradients of inliers against those of outliers; convex, gradient at most "
        r"$\gamma$, $C^2$ but not $C^3$ at $0$. Defaults $\alpha = 0.5$, $\gamma = 1.5$ "
        "as in the paper and mmdetection."
    ),
    aliases=("balancedl1", "balanced_l1_loss", "libra"),
    references=(PANG_2019,),
    conventions=(
        Convention.typeset(
            "owner of the breakpoint",
            r"$x = \pm1$ belongs to the linear piece ($|x| < 1$ is strict), as mmdetection's "
            "`torch.where(diff < beta, ...)`; value and slope agree there.",
        ),
        Convention.typeset(
            "joining constant",
            r"the outer piece is $\gamma|x| + \gamma/b - \alpha$; $\gamma/b - \alpha$ joins "
            r"the values at $\pm1$.",
        ),
        Convention.typeset(
            r"mmdetection's $\beta$",
            r"mmdetection's `balanced_l1_loss(beta=1.0)` scales the breakpoint to $\beta$ "
            r"but keeps $b$; for $\beta \neq 1$ the slopes no longer meet ($C^0$ only). This "
            r"loss is $\beta = 1$.",
        ),
    ),
)

LOSSES = (berhu, balanced_l1)
