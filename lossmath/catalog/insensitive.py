"""Vapnik's epsilon-insensitive losses of support-vector regression: zero inside the tube
``|x| <= epsilon``, linear (or squared) outside.

Flat on ``[-epsilon, epsilon]``, so neither is strictly convex; the linear one is C0 at
``±epsilon``, the squared one C1 (its curvature jumps from 0 to 2).
"""

from __future__ import annotations

import sympy as sp

from lossmath.base.symbols import x
from lossmath.core.loss import Convention, Loss, Param, Reference
from lossmath.core.plaintext import described

VAPNIK_1995 = Reference(
    authors=("Vladimir N. Vapnik",),
    title="The Nature of Statistical Learning Theory",
    venue="Springer",
    year=1995,
    doi="10.1007/978-1-4757-2440-0",
)

_eps = Param("epsilon", default=0.1,
             description="half-width of the insensitive tube (0.1, scikit-learn's default)",
             latex=r"\epsilon")
epsilon = _eps.symbol

_OWNER = Convention.typeset(
    "owner of the breakpoint",
    r"$x = \pm\epsilon$ belongs to the flat piece ($|x| \leq \epsilon$), as the derivatives "
    "of scikit-learn's `EpsilonInsensitive` and LossFunctions.jl's `L1EpsilonInsLoss` "
    r"(zero slope where $|r| \leq \epsilon$).",
)

epsilon_insensitive = Loss.deferred(
    name="epsilon_insensitive",
    expr=sp.Piecewise((0, sp.Abs(x) <= epsilon), (sp.Abs(x) - epsilon, True)),
    params=(_eps,),
    title="Epsilon-insensitive loss",
    **described(
        r"$\max(0, |x| - \epsilon)$: errors inside the tube $|x| \leq \epsilon$ cost "
        r"nothing, larger ones linearly. Convex, not strictly; $C^0$ at $\pm\epsilon$, where "
        r"the slope jumps from $0$ to $\pm1$."
    ),
    aliases=("eps_insensitive", "l1_epsilon_insensitive", "L1EpsilonInsLoss",
             "EpsilonInsLoss"),
    references=(VAPNIK_1995,),
    conventions=(
        _OWNER,
        Convention.typeset(
            "libraries",
            "scikit-learn `SGDRegressor(loss='epsilon_insensitive', epsilon=0.1)` and "
            r"`LinearSVR`; LossFunctions.jl `L1EpsilonInsLoss(eps)` (no default). torch, optax, "
            "Keras, scipy and statsmodels have none.",
        ),
    ),
)

squared_epsilon_insensitive = Loss.deferred(
    name="squared_epsilon_insensitive",
    expr=sp.Piecewise((0, sp.Abs(x) <= epsilon), ((sp.Abs(x) - epsilon) ** 2, True)),
    params=(_eps,),
    title="Squared epsilon-insensitive loss",
    **described(
        r"$\max(0, |x| - \epsilon)^2$: zero in the tube, quadratic outside. Convex but not "
        r"strictly (flat in the tube), $C^1$ at $\pm\epsilon$ (the curvature jumps from "
        r"$0$ to $2$), gradient unbounded."
    ),
    aliases=("squared_eps_insensitive", "l2_epsilon_insensitive", "L2EpsilonInsLoss"),
    references=(VAPNIK_1995,),
    conventions=(
        _OWNER,
        Convention.typeset(
            "libraries",
            "scikit-learn `SGDRegressor(loss='squared_epsilon_insensitive')`; LossFunctions.jl "
            r"`L2EpsilonInsLoss(eps)`, which declares it strictly and strongly convex: it is "
            r"neither, being $0$ on $[-\epsilon, \epsilon]$.",
        ),
    ),
)

LOSSES = (epsilon_insensitive, squared_epsilon_insensitive)
