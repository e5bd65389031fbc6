"""M-estimator norms of robust regression: Cauchy, Geman-McClure, Welsch, Fair, Hampel,
Talwar and Andrews' wave.

Each is written as the robust-statistics literature and ``statsmodels.robust.norms`` write it
(``rho`` with ``rho''(0) = 1``, so ``psi(x) ~ x`` near 0), with the tuning constants of Holland
and Welsch (1977) as MATLAB's ``robustfit`` uses them, or statsmodels' defaults where
statsmodels has the norm. Barron's general loss recovers Cauchy, Geman-McClure and Welsch at
``alpha = 0, -2, -oo`` with another scaling (``catalog/barron.py`` states and proves it).
"""

from __future__ import annotations

import sympy as sp

from lossmath.base.symbols import x
from lossmath.core.loss import Convention, Loss, Param, Reference
from lossmath.core.plaintext import described

HOLLAND_WELSCH_1977 = Reference(
    authors=("Paul W. Holland", "Roy E. Welsch"),
    title="Robust Regression Using Iteratively Reweighted Least-Squares",
    venue="Communications in Statistics - Theory and Methods 6:813-827",
    year=1977,
    doi="10.1080/03610927708827533",
    note="the tuning constants (Cauchy 2.385, Welsch 2.985, "
    "Fair 1.400, Talwar 2.795) are those of MATLAB robustfit as ported in "
    "wesleybowman/UTide utide/robustfit.py",
)

GEMAN_MCCLURE_1987 = Reference(
    authors=("Stuart Geman", "Donald E. McClure"),
    title="Statistical Methods for Tomographic Image Reconstruction",
    venue="Bulletin of the International Statistical Institute 52(4):5-21",
    year=1987,
    note="the form x^2/(sigma^2 + x^2) is the one Barron 2019 attributes to it (alpha = -2)",
)

DENNIS_WELSCH_1978 = Reference(
    authors=("John E. Dennis Jr.", "Roy E. Welsch"),
    title="Techniques for Nonlinear Least Squares and Robust Regression",
    venue="Communications in Statistics - Simulation and Computation 7(4):345-359",
    year=1978,
    doi="10.1080/03610917808812083",
)

FAIR_1974 = Reference(
    authors=("Ray C. Fair",),
    title="On the Robust Estimation of Econometric Models",
    venue="Annals of Economic and Social Measurement 3(4):667-677",
    year=1974,
)

HAMPEL_1986 = Reference(
    authors=("Frank R. Hampel", "Elvezio M. Ronchetti", "Peter J. Rousseeuw",
             "Werner A. Stahel"),
    title="Robust Statistics: The Approach Based on Influence Functions",
    venue="Wiley",
    year=1986,
    doi="10.1002/9781118186435",
    note="the three-part redescending psi and the defaults a, b, c = 2, 4, 8 as in "
    "statsmodels.robust.norms.Hampel",
)

#: The talwar loss is usually attributed to Hinich and Talwar (1975), which no source at hand
#: confirms (authors, title, venue); documents print only checked references, so the loss
#: cites the documented implementation it is compared with.
STATSMODELS_TRIMMED_MEAN = Reference(
    authors=("statsmodels developers",),
    title="statsmodels.robust.norms.TrimmedMean: trimmed mean function for M-estimation",
    venue="statsmodels 0.14.0 documentation",
    year=2023,
    url="https://www.statsmodels.org/v0.14.0/generated/statsmodels.robust.norms.TrimmedMean.html",
    note="default c = 2",
)

ANDREWS_1974 = Reference(
    authors=("David F. Andrews",),
    title="A Robust Method for Multiple Linear Regression",
    venue="Technometrics 16(4):523-531",
    year=1974,
    doi="10.1080/00401706.1974.10489233",
    note="the form and a = 1.339 as in statsmodels.robust.norms.AndrewWave",
)


def _c(default: float, description: str) -> Param:
    return Param("c", default=default, description=description)


_cauchy_c = _c(2.385, "scale (2.385, the robustfit tuning constant)")
c = _cauchy_c.symbol

cauchy = Loss.deferred(
    name="cauchy",
    expr=c**2 / 2 * sp.log(1 + (x / c) ** 2),
    params=(_cauchy_c,),
    title="Cauchy (Lorentzian) loss",
    **described(
        r"$c^2/2\cdot\log(1 + (x/c)^2)$: the negative log-likelihood of a Cauchy "
        r"distribution. It grows like a logarithm, so its gradient $x/(1 + (x/c)^2)$ "
        r"redescends to $0$ (at most $c/2$, at $|x| = c$); not convex beyond $|x| = c$."
    ),
    aliases=("lorentzian", "cauchy_loss"),
    references=(HOLLAND_WELSCH_1977,),
    conventions=(
        Convention.typeset(
            "scale",
            r"$c^2/2\cdot\log(1 + (x/c)^2)$ as `scipy.optimize.least_squares(loss='cauchy', "
            r"f_scale=c)`; Barron's $\alpha = 0$ is $\log(1 + (x/c)^2/2)$, which is this with "
            r"$c\sqrt{2}$ in place of $c$, divided "
            r"by $c^2$. torch, optax, Keras, statsmodels and LossFunctions.jl have none.",
        ),
    ),
)

_sigma = Param("sigma", default=1, description="scale", latex=r"\sigma")
sigma = _sigma.symbol

geman_mcclure = Loss.deferred(
    name="geman_mcclure",
    expr=x**2 / (sigma**2 + x**2),
    params=(_sigma,),
    title="Geman-McClure loss",
    **described(
        r"$x^2/(\sigma^2 + x^2)$: bounded by $1$, redescending, not convex beyond "
        r"$|x| = \sigma/\sqrt{3}$. Outliers cost at most $1$."
    ),
    aliases=("gemanmcclure", "geman_mc_clure"),
    references=(GEMAN_MCCLURE_1987,),
    conventions=(
        Convention.typeset(
            "scale",
            r"$x^2/(\sigma^2 + x^2)$; Barron's $\alpha = -2$ is $2(x/c)^2/((x/c)^2 + 4)$, "
            r"twice this with $\sigma = 2c$. Some papers write $\sigma$ for $\sigma^2$. "
            "No library among torch, optax, Keras, scipy, statsmodels and LossFunctions.jl "
            "has it.",
        ),
    ),
)

_welsch_c = _c(2.985, "scale (2.985, the robustfit tuning constant)")

welsch = Loss.deferred(
    name="welsch",
    expr=c**2 / 2 * (1 - sp.exp(-((x / c) ** 2))),
    params=(_welsch_c,),
    title="Welsch (Leclerc) loss",
    **described(
        r"$c^2/2\cdot(1 - \exp(-(x/c)^2))$: bounded by $c^2/2$, with a Gaussian-weighted "
        r"gradient $x\exp(-(x/c)^2)$ that redescends fast; not convex beyond "
        r"$|x| = c/\sqrt{2}$."
    ),
    aliases=("leclerc", "welsch_loss"),
    references=(DENNIS_WELSCH_1978, HOLLAND_WELSCH_1977),
    conventions=(
        Convention.typeset(
            "scale",
            r"$c^2/2\cdot(1 - \exp(-(x/c)^2))$ (so $f''(0) = 1$); Barron's $\alpha \to "
            r"-\infty$ is $1 - \exp(-(x/c)^2/2)$, this with $c\sqrt{2}$ in place of $c$ "
            r"divided by $c^2$. No library among torch, optax, Keras, scipy, statsmodels "
            "and LossFunctions.jl has it.",
        ),
    ),
)

_fair_c = _c(1.4, "scale (1.400, the robustfit tuning constant)")

fair = Loss.deferred(
    name="fair",
    expr=c**2 * (sp.Abs(x) / c - sp.log(1 + sp.Abs(x) / c)),
    params=(_fair_c,),
    title="Fair loss",
    **described(
        r"$c^2(|x|/c - \log(1 + |x|/c))$: convex, quadratic near $0$ and linear far out "
        r"with gradient $x/(1 + |x|/c)$ below $c$. Written with $|x|$, it is $C^2$ and not "
        r"$C^3$ at $0$ ($f'''$ jumps by $-4/c$)."
    ),
    aliases=("fair_loss",),
    references=(FAIR_1974, HOLLAND_WELSCH_1977),
    conventions=(
        Convention.typeset(
            "scale",
            r"$c^2(|x|/c - \log(1 + |x|/c))$ as in MATLAB `robustfit` 'fair' (weight "
            r"$1/(1 + |x|/c)$). No library among torch, optax, Keras, scipy, statsmodels "
            "and LossFunctions.jl has it.",
        ),
        Convention.typeset(
            "the kink at 0",
            r"$x = 0$ is a breakpoint of class $C^2$: $f'''(0\pm) = \mp 2/c$.",
        ),
    ),
)

_a = Param("c", default=8, description="rejection point; a = c/4 and b = c/2 as statsmodels")
c8 = _a.symbol
ha, hb = c8 / 4, c8 / 2

hampel = Loss.deferred(
    name="hampel",
    expr=sp.Piecewise(
        (x**2 / 2, sp.Abs(x) <= ha),
        (ha * sp.Abs(x) - ha**2 / 2, sp.Abs(x) <= hb),
        (ha * (hb + c8 - ha) / 2 - ha * (c8 - sp.Abs(x)) ** 2 / (2 * (c8 - hb)),
         sp.Abs(x) <= c8),
        (ha * (hb + c8 - ha) / 2, True),
    ),
    params=(_a,),
    title="Hampel's three-part redescending loss",
    **described(
        r"Quadratic up to $a$, linear up to $b$, then a parabola that flattens at $c$ and "
        r"constant beyond: $\psi$ is $x$, then $a \operatorname{sign}(x)$, then falls "
        r"linearly to $0$ at $c$. Bounded, redescending, $C^1$ at all six breakpoints. Here "
        r"$a = c/4$ and $b = c/2$ (statsmodels' `Hampel` defaults $2, 4, 8$ and its "
        "`_set_tuning_param`)."
    ),
    aliases=("hampel17a", "hampel_loss"),
    references=(HAMPEL_1986,),
    conventions=(
        Convention.typeset(
            "owner of the breakpoints",
            r"$|x| = a, b, c$ belong to the inner piece (`<=`), as in statsmodels; value and "
            "slope agree there, so only $f''$ depends on it.",
        ),
        Convention.typeset(
            "parameters",
            r"statsmodels `Hampel(a=2., b=4., c=8.)` takes three; this loss ties them as "
            r"$a = c/4$, $b = c/2$ (so the pieces are always ordered). statsmodels' `rho` "
            r"docstring gives $a(c - |z|)^2/(c - b)/2$ on $(b, c]$; its code (and this "
            r"loss) is $a(b + c - a)/2 - a(c - |z|)^2/(2(c - b))$.",
        ),
    ),
)

_talwar_c = _c(2.795, "trimming point (2.795, the robustfit tuning constant)")

talwar = Loss.deferred(
    name="talwar",
    expr=sp.Piecewise((x**2 / 2, sp.Abs(x) <= c), (c**2 / 2, True)),
    params=(_talwar_c,),
    title="Talwar (trimmed) loss",
    **described(
        r"$x^2/2$ for $|x| \leq c$ and $c^2/2$ outside: least squares with hard rejection. "
        r"Continuous, but its gradient drops from $\pm c$ to $0$ at $\pm c$ ($C^0$)."
    ),
    aliases=("trimmed_mean", "trimmed", "talwar_loss"),
    references=(STATSMODELS_TRIMMED_MEAN,),
    conventions=(
        Convention.typeset(
            "owner of the breakpoint",
            r"$x = \pm c$ belongs to the quadratic piece ($|x| \leq c$), as in statsmodels "
            r"`TrimmedMean` (default $c = 2$; robustfit's 'talwar' uses $2.795$).",
        ),
    ),
)

_andrews_a = Param("a", default=1.339, description="scale (1.339, statsmodels' default)")
a = _andrews_a.symbol

andrews = Loss.deferred(
    name="andrews",
    expr=sp.Piecewise((a**2 * (1 - sp.cos(x / a)), sp.Abs(x) <= sp.pi * a), (2 * a**2, True)),
    params=(_andrews_a,),
    title="Andrews' wave",
    **described(
        r"$a^2(1 - \cos(x/a))$ for $|x| \leq a\pi$ and $2a^2$ outside: $\psi = a\sin(x/a)$ "
        r"returns to $0$ at $\pm a\pi$. Bounded, redescending, $C^1$ (the curvature jumps "
        r"from $-1$ to $0$)."
    ),
    aliases=("andrew_wave", "andrews_wave", "sine"),
    references=(ANDREWS_1974,),
    conventions=(
        Convention.typeset(
            "owner of the breakpoint",
            r"$x = \pm a\pi$ belongs to the cosine piece ($|x| \leq a\pi$), as in "
            r"statsmodels `AndrewWave(a=1.339)`, whose `rho` is this one.",
        ),
    ),
)

LOSSES = (cauchy, geman_mcclure, welsch, fair, hampel, talwar, andrews)
