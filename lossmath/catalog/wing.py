"""Wing loss for facial landmark localisation: logarithmic near 0, linear outside ``|x| < w``.

``C = w - w*ln(1 + w/epsilon)`` is the constant that makes the two pieces meet at ``±w``;
``lossmath solve lossmath/examples/wing.toml`` derives it. It makes *only the value* continuous: the
slope jumps from ``w/(w + epsilon)`` to 1 there, for every C, so Wing is C0 and not C1 at
``±w`` (implementations that call C "the constant that smoothly links" the pieces overstate it).
"""

from __future__ import annotations

import sympy as sp

from lossmath.base.symbols import x
from lossmath.core.loss import Convention, Loss, Param, Reference
from lossmath.core.plaintext import described

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

wing = Loss.deferred(
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

WANG_2019 = Reference(
    authors=("Xinyao Wang", "Liefeng Bo", "Li Fuxin"),
    title="Adaptive Wing Loss for Robust Face Alignment via Heatmap Regression",
    venue="ICCV",
    year=2019,
    arxiv="1904.07399",
    note="formula and defaults as in open-mmlab/mmpose "
    "mmpose/models/losses/heatmap_loss.py AdaptiveWingLoss",
)

_omega = Param("omega", default=14, description="scale of the logarithmic zone",
               latex=r"\omega")
_theta = Param("theta", default=0.5, description="breakpoint", latex=r"\theta")
omega, theta = _omega.symbol, _theta.symbol
#: epsilon = 1, the paper's and mmpose's value, is fixed: with a symbolic epsilon the analysis
#: (the table of the third derivative) overran the default 10 s budget. Another epsilon is a
#: rescaling: the loss with (omega, theta, epsilon) at x is this one with (omega,
#: theta/epsilon) at x/epsilon.
aeps = sp.Integer(1)
#: The exponent alpha - y at the paper's alpha = 2.1 and a background pixel (target y = 0).
#: It is a number, not a parameter: the interval table cannot locate the kinks of
#: (|x|/epsilon)**p for a symbolic p (sympy returns a ConditionSet for its roots).
_p = sp.Rational(21, 10)
#: A and C make the pieces meet in value and slope at |x| = theta (the paper's, as mmpose's)
_A = omega * (1 / (1 + (theta / aeps) ** _p)) * _p * (theta / aeps) ** (_p - 1) / aeps
_C = theta * _A - omega * sp.log(1 + (theta / aeps) ** _p)

adaptive_wing = Loss.deferred(
    name="adaptive_wing",
    expr=sp.Piecewise(
        (omega * sp.log(1 + (sp.Abs(x) / aeps) ** _p), sp.Abs(x) < theta),
        (_A * sp.Abs(x) - _C, True),
    ),
    params=(_omega, _theta),
    title="Adaptive Wing loss",
    **described(
        r"$\omega \log(1 + (|x|/\epsilon)^{p})$ for $|x| < \theta$ and "
        r"$A|x| - C$ outside, $A$ and $C$ chosen so that value and slope meet at "
        r"$\pm\theta$ ($C^1$). The paper's exponent is $p = \alpha - y$ with the target "
        r"heat-map value $y$; this is $p = 2.1$ ($\alpha = 2.1$, a background pixel "
        r"$y = 0$), $C^2$ at $0$. Defaults $\omega = 14$, $\theta = 0.5$ and $\epsilon = 1$ "
        "(fixed) as mmpose's `AdaptiveWingLoss`."
    ),
    aliases=("adaptivewing", "adaptive_wing_loss", "awing"),
    references=(WANG_2019,),
    conventions=(
        Convention.typeset(
            "owner of the breakpoint",
            r"$x = \pm\theta$ belongs to the linear piece ($|x| < \theta$ is strict), as "
            "mmpose's `torch.where(delta < theta, ...)`; value and slope agree there.",
        ),
        Convention.typeset(
            "the target",
            r"the loss of a pixel depends on its target $y$ through $p = \alpha - y$; this "
            r"loss fixes $p = 2.1$ (write a spec for another $p$: at $y = 1$, $p = 1.1$, it "
            r"is only $C^1$ at $0$). A widely copied re-implementation writes "
            r"$(|x|/\omega)^{p}$ and is discontinuous at $\theta$.",
        ),
        Convention.typeset(
            r"$\epsilon$",
            r"fixed at $1$ (the paper's value); the loss with $\epsilon$ at $x$ is this one "
            r"with $\theta/\epsilon$ for $\theta$ at $x/\epsilon$.",
        ),
    ),
)

LOSSES = (wing, adaptive_wing)
