"""Each catalog loss's smoothness and global properties, symbolic and substituted."""

from __future__ import annotations

import pytest
import sympy as sp

from lossmath import analyse, get_loss, loss_names, x
from lossmath.catalog import UnknownLoss
from tests.support.params import beta, delta


def bps(loss):
    return [(b.at, b.cls, tuple(b.jumps)) for b in analyse(loss).breakpoints]


def test_catalog_names():
    """The canonical names: the distance losses, then the margin losses."""
    distance = ["l2", "l1", "smooth_l1", "huber", "pseudo_huber", "charbonnier", "log_cosh",
                "cauchy", "geman_mcclure", "welsch", "fair", "tukey", "hampel", "talwar",
                "andrews", "berhu", "quantile", "epsilon_insensitive",
                "squared_epsilon_insensitive", "balanced_l1", "wing", "adaptive_wing", "barron"]
    margin = ["hinge", "squared_hinge", "smoothed_hinge", "modified_huber", "logistic",
              "exponential", "perceptron", "zero_one"]
    assert loss_names() == sorted(distance + margin)
    assert [n for n in loss_names() if get_loss(n).kind == "margin"] == sorted(margin)


def test_every_catalog_loss_has_a_reference_title_and_conventions():
    for name in loss_names():
        loss = get_loss(name)
        assert loss.references and loss.title and loss.description and loss.conventions, name


def test_aliases_of_other_libraries():
    assert get_loss("L1HingeLoss") is get_loss("hinge")
    assert get_loss("pinball") is get_loss("quantile")
    assert get_loss("lorentzian") is get_loss("cauchy")
    assert get_loss("logcosh") is get_loss("log_cosh")


def test_l2_has_no_breakpoint_and_unbounded_gradient():
    r = analyse(get_loss("l2"))
    assert (r.breakpoints, r.cls, r.convex, r.gradient_bound, r.growth) == (
        (),
        "Cinf",
        True,
        sp.oo,
        "quadratic",
    )
    assert r.symmetric and r.minimum_at_zero


def test_l1_is_c0_at_0_with_slope_jump_2():
    r = analyse(get_loss("l1"))
    assert bps(get_loss("l1")) == [(0, "C0", (0, 2))]
    assert (r.cls, r.convex, r.gradient_bound, r.growth) == ("C0", True, 1, "linear")


def test_smooth_l1_is_c1_not_c2_at_beta():
    f = get_loss("smooth_l1")
    assert bps(f) == [(-beta, "C1", (0, 0, 1 / beta)), (beta, "C1", (0, 0, -1 / beta))]
    r = analyse(f)
    assert (r.cls, r.symmetric, r.convex, r.gradient_bound, r.growth) == (
        "C1",
        True,
        True,
        1,
        "linear",
    )


@pytest.mark.parametrize("b", [sp.S(1), sp.Rational(1, 9), sp.S(3)])
def test_smooth_l1_substituted(b):
    f = get_loss("smooth_l1").subs(beta=b)
    assert bps(f) == [(-b, "C1", (0, 0, 1 / b)), (b, "C1", (0, 0, -1 / b))]
    assert analyse(f).gradient_bound == 1


def test_huber_is_c1_with_curvature_jump_1_and_gradient_bound_delta():
    f = get_loss("huber")
    assert bps(f) == [(-delta, "C1", (0, 0, 1)), (delta, "C1", (0, 0, -1))]
    r = analyse(f)
    assert (r.cls, r.convex, r.gradient_bound, r.growth) == ("C1", True, delta, "linear")
    g = f.subs(delta=2)
    assert bps(g) == [(-2, "C1", (0, 0, 1)), (2, "C1", (0, 0, -1))]
    assert analyse(g).gradient_bound == 2


def test_breakpoint_ownership_conventions():
    # smooth L1: |x| < beta is strict, so x = beta belongs to the linear piece (torch's choice)
    sl1 = get_loss("smooth_l1")
    assert [b.owner for b in sl1.table.breakpoints] == [1, 1]
    assert sl1.derivative(2)(beta) == 0
    # Huber: |x| <= delta, so x = delta belongs to the quadratic piece
    hub = get_loss("huber")
    assert [b.owner for b in hub.table.breakpoints] == [0, 0]
    assert hub.derivative(2)(delta) == 1


def test_smooth_l1_equals_huber_over_beta():
    """smooth_l1 with beta equals huber with delta = beta divided by beta, on every interval."""
    sl1 = get_loss("smooth_l1")
    hub = get_loss("huber").subs({}).expr.xreplace({delta: beta})
    hub_loss = type(sl1)("h", hub, sl1.params)
    assert sl1.table.points == hub_loss.table.points
    for a, b in zip(sl1.table.intervals, hub_loss.table.intervals):
        assert sp.simplify(a.expr - b.expr / beta) == 0
    for a, b in zip(sl1.table.breakpoints, hub_loss.table.breakpoints):
        assert sp.simplify(a.value - b.value / beta) == 0


def test_limits_in_beta():
    """beta -> 0 gives |x| (L1) and beta -> oo gives 0, as the conventions table says."""
    outer = get_loss("smooth_l1").table.intervals[-1].expr  # x - beta/2 for x > beta
    inner = get_loss("smooth_l1").table.intervals[1].expr  # x**2/(2 beta) for |x| < beta
    assert sp.limit(outer, beta, 0) == x
    assert sp.limit(inner, beta, sp.oo) == 0


def test_unknown_loss_names_the_known_ones():
    with pytest.raises(UnknownLoss, match=r"unknown loss 'smoth_l1'.*did you mean 'smooth_l1'"):
        get_loss("smoth_l1")


def test_aliases():
    assert get_loss("MSE") is get_loss("l2")
    assert get_loss("smooth-l1") is get_loss("smooth_l1")


def test_wing_is_c0_everywhere_and_its_constant_joins_only_the_values():
    w, eps = sp.symbols("w epsilon", positive=True)
    f = get_loss("wing")
    assert bps(f) == [
        (-w, "C0", (0, eps / (eps + w))),
        (0, "C0", (0, 2 * w / eps)),
        (w, "C0", (0, eps / (eps + w))),
    ]
    r = analyse(f)
    assert (r.convex, r.gradient_bound, r.growth) == (False, sp.Max(1, w / eps), "linear")
    assert bps(f.subs(w=10, epsilon=2))[2] == (10, "C0", (0, sp.Rational(1, 6)))


def test_tukey_is_c2_with_third_derivative_jump_and_bounded():
    c = sp.Symbol("c", positive=True)
    f = get_loss("tukey")
    assert bps(f) == [(-c, "C2", (0, 0, 0, -8 / c)), (c, "C2", (0, 0, 0, -8 / c))]
    r = analyse(f)
    assert (r.convex, r.growth, r.symmetric) == (False, "bounded", True)
    assert sp.simplify(r.gradient_bound - 16 * c / (25 * sp.sqrt(5))) == 0
    # psi(x) = x (1 - (x/c)^2)^2, redescending to 0 at c
    assert sp.expand(f.derivative(1).table.intervals[1].expr - x * (1 - (x / c) ** 2) ** 2) == 0


def test_limits_in_delta():
    """Pointwise, delta -> 0 gives 0 and delta -> oo gives x^2/2 (half of MSE)."""
    hub = get_loss("huber")
    outer, inner = hub.table.intervals[-1].expr, hub.table.intervals[1].expr
    t = sp.Rational(3, 2)  # a fixed residual: outside the quadratic zone once delta < 3/2
    assert sp.limit(outer.subs(x, t), delta, 0, "+") == 0
    # inside it once delta > 3/2, where the value does not depend on delta
    assert inner.subs(x, t) == t**2 / 2 and delta not in inner.free_symbols
