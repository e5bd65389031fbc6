"""Wing loss for facial landmark localisation: logarithmic near 0, linear outside ``|x| < w``.

``C = w - w*ln(1 + w/epsilon)`` is the constant that makes the two pieces meet at ``±w``;
``lossmath solve examples/wing.toml`` derives it. It makes *only the value* continuous: the
slope jumps from ``w/(w + epsilon)`` to 1 there, for every C, so Wing is C0 and not C1 at
``±w`` (implementations that call C "the constant that smoothly links" the pieces overstate it).
"""

from __future__ import annotations

import sympy as sp

from ..loss import Convention, Loss, Param, Reference
from ..plaintext import described
from ..symbols import x

FENG_2018 = Reference(
    authors=("Zhen-Hua Feng", "Josef Kittler", "Muhammad Awais", "Patrik Huber", "Xiao-Jun Wu"),
    title="Wing Loss for Robust Facial Landmark Localisation with Convolutional Neural Networks",
    venue="CVPR",
    year=2018,
    arxiv="1711.06753",
)

_w = Param("w", default=10, description="width of the logarithmic zone")
_eps = Param(
    "epsilon", default=2, description="curvature of the logarithmic zone", latex=r"\epsilon"
)
w, epsilon = _w.symbol, _eps.symbol

wing = Loss(
    name="wing",
    expr=sp.Piecewise(
        (w * sp.log(1 + sp.Abs(x) / epsilon), sp.Abs(x) < w),
        (sp.Abs(x) - (w - w * sp.log(1 + w / epsilon)), True),
    ),
    params=(_w, _eps),
    title="Wing loss",
    **described(
        r"$w\cdot\ln(1 + |x|/\epsilon)$ for $|x| < w$ and $|x| - C$ outside, "
        r"$C = w - w\cdot\ln(1 + w/\epsilon)$. The logarithm amplifies small and medium errors "
        r"(its slope near $0$ is $w/\epsilon$), which matters for landmark regression; outside "
        r"it is $L_1$. Defaults $w = 10$, $\epsilon = 2$ as in mmpose's `WingLoss`."
    ),
    aliases=("wing_loss",),
    references=(FENG_2018,),
    conventions=(
        Convention.typeset(
            "owner of the breakpoint",
            r"$x = \pm w$ belongs to the linear piece ($|x| < w$ is strict).",
        ),
        Convention.typeset(
            "joining constant",
            r"$C = w - w\cdot\ln(1 + w/\epsilon)$ joins the values at $\pm w$; "
            r"no $C$ joins the slopes ($w/(w + \epsilon)$ inside, $1$ outside).",
        ),
        Convention.typeset(
            "derivative at the kink",
            r"$f'(0) = 0$ ($\operatorname{sign}(0) = 0$); the one-sided slopes are "
            r"$\pm w/\epsilon$.",
        ),
    ),
)

LOSSES = (wing,)
