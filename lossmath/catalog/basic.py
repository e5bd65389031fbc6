"""The two textbook losses every derivation compares against: L2 and L1."""

from __future__ import annotations

import sympy as sp

from lossmath.base.symbols import x
from lossmath.core.loss import Convention, Loss, Reference
from lossmath.core.plaintext import described

LEGENDRE_1805 = Reference(
    authors=("Adrien-Marie Legendre",),
    title="Nouvelles methodes pour la determination des orbites des cometes",
    venue="Courcier, Paris",
    year=1805,
    note="the historical source of least squares",
)

ESL_2009 = Reference(
    authors=("Trevor Hastie", "Robert Tibshirani", "Jerome Friedman"),
    title="The Elements of Statistical Learning",
    venue="Springer, 2nd edition",
    year=2009,
    doi="10.1007/978-0-387-84858-7",
    note="the standard text for squared and absolute error (and the margin losses)",
)

l2 = Loss.deferred(
    name="l2",
    expr=x**2,
    title="Squared error (L2)",
    **described(
        "$L_2(x) = x^2$. Smooth and strictly convex, but its gradient $2x$ grows without "
        "bound, so large errors (outliers, early training) produce large, destabilising "
        "updates."
    ),
    aliases=("squared_error", "mse"),
    references=(LEGENDRE_1805, ESL_2009),
    conventions=(
        Convention.typeset(
            "scale",
            "$x^2$, as `torch.nn.functional.mse_loss` and `optax.losses.squared_error`; "
            "`optax.losses.l2_loss` and Huber's quadratic zone use $x^2/2$.",
        ),
    ),
)

l1 = Loss.deferred(
    name="l1",
    expr=sp.Abs(x),
    title="Absolute error (L1)",
    **described(
        "$L_1(x) = |x|$. Its gradient has magnitude $1$ everywhere except $0$: bounded, but it "
        "does not shrink near the optimum, so a fixed learning rate keeps oscillating there."
    ),
    aliases=("absolute_error", "mae"),
    references=(ESL_2009,),
    conventions=(
        Convention.typeset(
            "derivative at the kink",
            r"$d/dx\,|x|$ at $x = 0$ is taken as $\operatorname{sign}(0) = 0$ (the subgradient "
            "`torch.nn.functional.l1_loss` uses; JAX's `jnp.abs` gives $+1$).",
        ),
    ),
)

LOSSES = (l2, l1)
