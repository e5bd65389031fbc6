"""Tukey's biweight (bisquare): a redescending M-estimator loss, constant beyond ``|x| = c``.

Its influence ``psi(x) = x*(1 - (x/c)**2)**2`` returns to 0 at ``±c``, so gross outliers have no
influence at all. The pieces join with value, slope and curvature (C2); the third derivative
jumps by ``-8/c`` at both (it is odd: ``8/c`` inside at ``+c``, ``-8/c`` at ``-c``).
"""

from __future__ import annotations

import sympy as sp

from lossmath.base.symbols import x
from lossmath.core.loss import Convention, Loss, Param, Reference
from lossmath.core.plaintext import described

BEATON_TUKEY_1974 = Reference(
    authors=("Albert E. Beaton", "John W. Tukey"),
    title="The Fitting of Power Series, Meaning Polynomials, Illustrated on Band-Spectroscopic "
    "Data",
    venue="Technometrics 16(2):147-185",
    year=1974,
    doi="10.1080/00401706.1974.10489171",
)

_c = Param(
    "c",
    default=4.685,
    description="rejection point (4.685, the usual tuning constant)",
)
c = _c.symbol

tukey = Loss.deferred(
    name="tukey",
    expr=sp.Piecewise((c**2 / 6 * (1 - (1 - (x / c) ** 2) ** 3), sp.Abs(x) <= c), (c**2 / 6, True)),
    params=(_c,),
    title="Tukey's biweight",
    **described(
        r"$c^2/6\,(1 - (1 - (x/c)^2)^3)$ for $|x| \leq c$ and $c^2/6$ outside: bounded, so an "
        r"outlier contributes at most $c^2/6$, and redescending (its gradient returns to $0$ "
        r"at $\pm c$). Not convex. The default $c = 4.685$ is the usual tuning constant "
        "(statsmodels `TukeyBiweight`, MATLAB `robustfit` 'bisquare')."
    ),
    aliases=("biweight", "bisquare", "tukey_biweight"),
    references=(BEATON_TUKEY_1974,),
    conventions=(
        Convention.typeset(
            "owner of the breakpoint",
            r"$x = \pm c$ belongs to the polynomial piece "
            r"($|x| \leq c$); value, slope and curvature agree there, so only $f'''$ depends "
            "on it.",
        ),
        Convention.typeset(
            "scale",
            r"$c^2/6 \cdot \rho$ as in statsmodels `TukeyBiweight` and Beaton and Tukey; "
            "some texts drop the $c^2/6$ and use $1 - (1 - (x/c)^2)^3$.",
        ),
    ),
)

LOSSES = (tukey,)
