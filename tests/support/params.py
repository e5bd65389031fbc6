"""Parameters shared by tests (symbols with the catalog's defaults)."""

from __future__ import annotations

import sympy as sp

from lossmath import Param

BETA = Param("beta", default=1)
DELTA = Param("delta", default=1)
W = Param("w", default=10)
EPS = Param("epsilon", default=2)
beta, delta, w, epsilon = BETA.symbol, DELTA.symbol, W.symbol, EPS.symbol
half = sp.Rational(1, 2)
