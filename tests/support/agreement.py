"""Which generated code two targets must agree on bit for bit: a loss whose planned forms
call no library function whose rounding may differ between implementations (numpy's SIMD
loops, the C library, SLEEF in torch), so both compute the same correctly rounded operations
in the same order. Elsewhere two targets agree to a measured ulp bound, and each is measured
against mpmath on its own."""

from __future__ import annotations

import sympy as sp

from lossmath import Loss
from lossmath.emit.plan import forms, make_spec

#: sympy heads whose floating-point results both targets get correctly rounded (or exactly):
#: a loss planned with these only agrees bit for bit.
_ALGEBRAIC = (sp.Abs, sp.sign, sp.Min, sp.Max, sp.Heaviside)


#: Powers both targets compute with correctly rounded operations: the numpy printer writes
#: x**2 as np.square, x**-1 as a division, x**(+-1/2) with np.sqrt. Any other power is a
#: pow() call, numpy's own SIMD loop against numba's C library pow, which round differently:
#: tukey_user's value (x**3) is 1 ulp apart in float64 where numpy dispatches its AVX-512
#: kernels (numpy.show_runtime(): AVX512_ICL).
_ARITHMETIC_POWERS = (2, -1, sp.S.Half, -sp.S.Half)


def _algebraic(e: sp.Expr) -> bool:
    """No library call whose rounding may differ: only + - * /, the powers in
    _ARITHMETIC_POWERS and _ALGEBRAIC."""
    for node in sp.preorder_traversal(e):
        if isinstance(node, sp.Function) and not isinstance(node, _ALGEBRAIC):
            return False
        if node.is_Pow and node.exp not in _ARITHMETIC_POWERS:
            return False
    return True


def _exprs(form) -> list[sp.Expr]:
    if hasattr(form, "plans") and form.plans is not None:
        return [r.expr for p in form.plans for r in p]
    if hasattr(form, "table"):
        return [e for e, _ in form.table.pieces]
    if hasattr(form, "expr"):
        return [form.expr]
    return []  # Clip, HuberLike, Steps: arithmetic and comparisons


def bitwise_expected(loss: Loss) -> bool:
    return all(_algebraic(e) for f in forms(make_spec(loss, {})) for e in _exprs(f))
