"""The limit of a loss at a parameter's boundary value 0 (lossmath.core.param_limits),
checked against the definition evaluated by mpmath at a parameter 10**-60 away from 0 (an
independent truth: sympy's evalf of the catalog's own expression, no limit taken)."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lossmath import Loss, Param, catalog, x
from lossmath.core.param_limits import boundary_limit

TINY = sp.Rational(1, 10**60)

#: (loss, parameter) pairs with a limit at 0, and what the limit is by hand (the doc
#: conventions of the catalog: smooth_l1 beta -> 0 is L1, huber delta -> 0 is 0, ...)
HAS_LIMIT = {
    ("smooth_l1", "beta"): lambda v: abs(v),
    ("huber", "delta"): lambda v: 0,
    ("pseudo_huber", "delta"): lambda v: 0,
    ("charbonnier", "epsilon"): lambda v: abs(v),
    ("quantile", "tau"): lambda v: max(-v, 0),
    ("epsilon_insensitive", "epsilon"): lambda v: abs(v),
    ("geman_mcclure", "sigma"): lambda v: 0 if v == 0 else 1,
    ("welsch", "c"): lambda v: 0,
    ("cauchy", "c"): lambda v: 0,
    ("tukey", "c"): lambda v: 0,
}
#: no finite limit: berhu's x**2/(2c) and wing's w*log(1 + |x|/epsilon) grow without bound
NO_LIMIT = [("berhu", "c"), ("wing", "epsilon")]


def _definition(loss: Loss, name: str, value: sp.Expr, at: sp.Expr) -> sp.Expr:
    subs = {p.symbol: (value if p.name == name else p.default) for p in loss.params}
    return loss.expr.xreplace(subs).xreplace({x: at})


@pytest.mark.parametrize(("name", "param"), sorted(HAS_LIMIT))
def test_the_limit_is_the_definition_at_a_tiny_parameter(name, param):
    loss = catalog.get(name)
    limit = boundary_limit(loss, param)
    assert limit is not None
    assert param not in {p.name for p in limit.params}
    rest = {p.name: p.default for p in limit.params}
    for v in (sp.Rational(-7, 2), -1, sp.Rational(-1, 1000), 0, sp.Rational(1, 1000),
              sp.Rational(7, 10), 2):
        v = sp.sympify(v)
        got = limit.subs(rest)(v)
        near = sp.N(_definition(loss, param, TINY, v), 50)
        assert abs(sp.N(got, 50) - near) < 1e-40, (name, v, got, near)
        assert got == HAS_LIMIT[(name, param)](v)


@pytest.mark.parametrize(("name", "param"), NO_LIMIT)
def test_no_limit_where_the_loss_grows_without_bound(name, param):
    assert boundary_limit(catalog.get(name), param) is None


@settings(max_examples=30, deadline=None)
@given(st.floats(-50, 50, allow_nan=False).filter(lambda v: abs(v) > 1e-6))
def test_smooth_l1_limit_is_l1_and_its_derivative_the_sign(v):
    limit = boundary_limit(catalog.get("smooth_l1"), "beta")
    t = sp.nsimplify(v, rational=True)
    assert limit(t) == abs(t)
    assert limit.derivative(1)(t) == sp.sign(t)
    assert limit.derivative(1)(0) == 0  # sign(0), as l1_loss's gradient and every beta's


def test_a_negative_parameter_takes_its_limit_from_below():
    """A parameter declared negative: the limit as b -> 0-, the definition at b = -1e-60."""
    b = Param("b", default=-1, assume="negative")
    s = b.symbol
    loss = Loss("neg_smooth", sp.Piecewise((-x**2 / (2 * s), sp.Abs(x) < -s),
                                           (sp.Abs(x) + s / 2, True)), params=(b,))
    limit = boundary_limit(loss, "b")
    assert limit is not None
    for v in (-2, sp.Rational(-1, 3), 0, 1, 5):
        near = sp.N(_definition(loss, "b", -TINY, sp.sympify(v)), 50)
        assert abs(sp.N(limit(sp.sympify(v)), 50) - near) < 1e-40
        assert float(limit(sp.sympify(v))) == pytest.approx(float(abs(v)), rel=1e-15)


# -- interior singular values (lossmath.core.param_limits.singular_values, interior_limit) --

def test_singular_values_are_the_zeros_of_the_denominators_and_infinities():
    """Barron's closed form in z = (x/c)**2 divides by alpha and by |alpha - 2|."""
    import sympy as sp

    from lossmath.core.param_limits import singular_values

    a, z = sp.Symbol("alpha", real=True), sp.Symbol("z", positive=True)
    b = sp.Abs(a - 2)
    f = b / a * ((z / b + 1) ** (a / 2) - 1)
    assert singular_values(f, a, True) == (-sp.oo, 0, 2, sp.oo)
    assert singular_values(f, a, False) == (0, 2)


def test_an_interior_limit_is_sympys_confirmed_by_mpmath():
    """(exp(a z) - 1)/a -> z at a = 0 (both sides); 1/a has none there."""
    import sympy as sp

    from lossmath.core.param_limits import interior_limit

    a, z = sp.Symbol("a", real=True), sp.Symbol("z", positive=True)
    assert interior_limit((sp.exp(a * z) - 1) / a, a, sp.Integer(0), z) == z
    assert interior_limit(z / a, a, sp.Integer(0), z) is None


@pytest.mark.slow
def test_sympys_wrong_limit_of_barrons_alpha_derivative_at_2_is_refused():
    """sympy 1.14 gives 0 for lim d rho/d alpha at alpha -> 2; it diverges like
    (z/4) log(1/|alpha - 2|) (mpmath: 4.1 at 1e-8, 8.7 at 1e-16, z = 1): the confirmation
    refuses it."""
    import sympy as sp

    from lossmath.core.param_limits import interior_limit

    a, z = sp.Symbol("alpha", real=True), sp.Symbol("z", positive=True)
    b = sp.Abs(a - 2)
    d = sp.diff(b / a * ((z / b + 1) ** (a / 2) - 1), a)
    assert sp.limit(d, a, 2, "+") == 0  # what sympy says
    assert interior_limit(d, a, sp.Integer(2), z) is None
