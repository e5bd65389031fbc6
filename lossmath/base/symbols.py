"""The residual symbol shared by every loss.

``x`` is declared real: without that, ``diff(Abs(x), x)`` produces ``re``/``im`` terms and
``solve(Abs(x) - beta, x)`` raises (see ``reference/sympy.md`` F1.3, F2.1).
"""

from __future__ import annotations

import sympy as sp

x = sp.Symbol("x", real=True)

#: Functions that are smooth except where their argument (or the difference of their
#: arguments, for Max/Min) vanishes. Their roots are candidate breakpoints.
NONSMOOTH = (sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min)

__all__ = ["x", "NONSMOOTH"]
