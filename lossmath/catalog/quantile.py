"""Koenker and Bassett's quantile (pinball) loss: ``tau*x`` for ``x >= 0`` and
``(tau - 1)*x`` below, with ``x = y - yhat`` (target minus prediction).

Its minimiser over a sample is the ``tau``-quantile; it is convex, C0 at 0 (the slope jumps
from ``tau - 1`` to ``tau``), and symmetric only at ``tau = 1/2``, where it is ``|x|/2``.
"""

from __future__ import annotations

import sympy as sp

from lossmath.base.symbols import x
from lossmath.core.loss import Convention, Loss, Param, Reference
from lossmath.core.plaintext import described

KOENKER_BASSETT_1978 = Reference(
    authors=("Roger Koenker", "Gilbert Bassett Jr."),
    title="Regression Quantiles",
    venue="Econometrica 46(1):33-50",
    year=1978,
    doi="10.2307/1913643",
)

_tau = Param("tau", default=0.5,
             description="the quantile, in (0, 1) (0.5, scikit-learn's default)", latex=r"\tau")
tau = _tau.symbol

quantile = Loss.deferred(
    name="quantile",
    expr=sp.Piecewise((tau * x, x >= 0), ((tau - 1) * x, True)),
    params=(_tau,),
    title="Quantile (pinball) loss",
    **described(
        r"$\tau x$ for $x \geq 0$ and $(\tau - 1)x$ below, with $x = y - f$: "
        r"under-predictions cost $\tau$ per unit and over-predictions $1 - \tau$, so the "
        r"minimiser is the $\tau$-quantile. Convex, $C^0$ at $0$; $\tau = 1/2$ is $|x|/2$."
    ),
    aliases=("pinball", "pinball_loss", "quantile_loss", "QuantileLoss"),
    references=(KOENKER_BASSETT_1978,),
    conventions=(
        Convention.typeset(
            "sign of the residual",
            r"$x = y - f$ (target minus prediction), as Koenker and Bassett and "
            "scikit-learn's `mean_pinball_loss(alpha=0.5)`. LossFunctions.jl's `QuantileLoss` "
            r"computes `diff * ((diff > 0) - tau)` with `diff` $= f - y$, i.e. this loss "
            r"with $1 - \tau$ for $\tau$ (its docstring's formula has $\tau$ on $r \geq 0$). "
            "torch, optax, Keras, scipy and statsmodels (only `MQuantileNorm`) have no "
            "plain one.",
        ),
        Convention.typeset(
            "parameter range",
            r"$\tau$ must lie in $(0, 1)$; only $\tau > 0$ is checked.",
        ),
        Convention.typeset(
            "owner of the breakpoint",
            r"$x = 0$ belongs to $\tau x$ ($x \geq 0$); both pieces are $0$ there.",
        ),
    ),
)

LOSSES = (quantile,)
