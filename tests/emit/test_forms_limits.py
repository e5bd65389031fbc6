"""The limits at +-oo that generated code patches in (``lossmath.emit.forms.limit_at``): sums
whose hyperbolic terms defeat sympy's limit are taken term group by term group, and the
rewrite to a rational function of exp(x) is bounded by its degree, so a user's form either
gets its limit or a refusal, never an unbounded computation."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from lossmath import loss_from_expr
from lossmath.base.errors import Undecided
from lossmath.base.symbols import x
from lossmath.emit import forms


def _mp_at(expr: sp.Expr, big: float):
    """expr at x = big, in mpmath at 60 digits (the independent truth's evidence)."""
    f = sp.lambdify(x, expr, "mpmath")
    with mpmath.workdps(60):
        return f(mpmath.mpf(big))


# a random user form of the fuzzer (tests/emit/test_search_fuzz.py): sympy's cancel of its
# rewrite, degree 10**5 in exp(x/1000), ran for over 20 minutes before the grouping
TEXT = "0.5*(tanh(100*x)**2) + 0.5*(exp(0.001*x) - 1 - 0.001*x)"


@pytest.mark.slow  # 2.5 s a case
@pytest.mark.parametrize("order, point", [(0, sp.oo), (0, -sp.oo), (1, sp.oo), (1, -sp.oo)])
def test_the_limit_of_a_sum_is_the_sum_of_the_group_limits(order, point):
    expr = sp.diff(loss_from_expr(TEXT, "f").table.pieces[0][0], x, order)
    lim = forms.limit_at(expr, point)
    sign = 1 if point == sp.oo else -1
    far, farther = _mp_at(expr, sign * 1e5), _mp_at(expr, sign * 1e6)
    if lim.is_infinite:  # large with the limit's sign, and growing
        assert 1 < abs(far) < abs(farther) and (far > 0) == (lim == sp.oo), (far, lim)
    else:
        assert abs(farther - float(lim)) < 1e-9, (far, farther, lim)


def test_the_rewrite_to_exp_is_refused_past_its_degree():
    # cosh(x) + exp(x/10**4) alone: degree 10**4 in exp(-x/10**4)
    with pytest.raises(Undecided, match="degree beyond"):
        forms._hyperbolic_limit(sp.cosh(x) / (sp.cosh(x) + sp.exp(x / 10**4)), sp.oo, set())
    # the least power of exp(x) is the variable: tanh(100*x)**2 is of degree 2 in it
    assert forms._hyperbolic_limit(sp.tanh(100 * x) ** 2, -sp.oo, set()) == 1
