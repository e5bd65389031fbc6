"""The residual symbol shared by every loss.

``x`` is declared real: without that, ``diff(Abs(x), x)`` is
``(re(x)*Derivative(re(x), x) + im(x)*Derivative(im(x), x))*sign(x)/x`` instead of
``sign(x)``, and ``solve(Abs(x) - beta, x)`` raises ``NotImplementedError`` ("solving Abs(x)
when the argument is not real or imaginary"; sympy 1.14).
"""

from __future__ import annotations

import sympy as sp

x = sp.Symbol("x", real=True)

#: Functions that are smooth except where their argument (or the difference of their
#: arguments, for Max/Min) vanishes. Their roots are candidate breakpoints.
NONSMOOTH = (sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min)

__all__ = ["x", "NONSMOOTH"]
