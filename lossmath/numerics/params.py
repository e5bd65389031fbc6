"""Parameters in the working dtype: which constants derived from parameters need a check.

Printers compute parameter-only subexpressions once per call (in double precision) and use
them in the kernel's dtype. A constant such as ``delta**2`` or ``exp(gamma/alpha)`` can
overflow or underflow in float32 where the parameters themselves are fine
(``delta = 1e20``: ``delta**2 = 1e40`` is inf in float32), and then finite input would give
inf or nan. Printers check those constants at run time, in the dtype, and raise ValueError
naming the parameters; the rewrite stage avoids forming them where it can (pseudo-Huber is
``delta*hypotm(x, delta)``, with no ``delta**2``).
"""

from __future__ import annotations

import sympy as sp

__all__ = ["may_leave_the_range"]


def may_leave_the_range(e: sp.Expr) -> bool:
    """Whether the constant ``e`` can overflow or underflow where its parameters do not:
    anything but ``k*p + m`` and ``k/p`` of one parameter ``p`` (those stay in range when
    ``p`` does, up to a factor ``k``)."""
    syms = e.free_symbols
    if len(syms) != 1:
        return True
    (p,) = syms
    linear = sp.expand(e).is_polynomial(p) and sp.degree(e, p) <= 1
    return not linear and not sp.simplify(e * p).is_number
