"""Breakpoints, one-sided values and smoothness classes, including sympy's traps."""

from __future__ import annotations

import pytest
import sympy as sp

from lossmath import Loss, LossError, Param, analyse, is_zero, x
from lossmath.analysis import notes
from tests.support.params import BETA, EPS, W, beta, epsilon, w


def classes(loss):
    return [(b.at, b.cls, tuple(b.jumps)) for b in analyse(loss).breakpoints]


def test_piecewise_one_sided_limit_sympy_23836():
    """sympy's limit of the whole Piecewise from the left at 1 returns 3 (the right piece)."""
    pw = sp.Piecewise((2 * x, sp.Abs(x) < 1), (3 * x, True))
    assert sp.limit(pw, x, 1, "-") == 3  # the bug we avoid; if sympy fixes it, revisit
    f = Loss("trap", pw)
    bp = analyse(f).breakpoints[1]
    assert (bp.at, bp.left[0], bp.right[0], bp.jumps, bp.cls) == (1, 2, 3, (1,), "discontinuous")


def test_symbolic_breakpoint_where_sympy_limit_raises():
    pw = sp.Piecewise((x**2 / (2 * beta), sp.Abs(x) < beta), (sp.Abs(x) - beta / 2, True))
    with pytest.raises(NotImplementedError):
        sp.limit(pw, x, beta, "-")
    bp = analyse(Loss("f", pw, (BETA,))).breakpoints[1]
    assert bp.left == (beta / 2, 1, 1 / beta) and bp.right == (beta / 2, 1, 0)


def test_jump_is_reported_with_its_size():
    f = Loss("jump", sp.Piecewise((x**2, x < 1), (x + 1, True)))
    assert classes(f) == [(1, "discontinuous", (1,))]
    assert analyse(f).convex is False


def test_slope_jump_is_c0():
    f = Loss("kink", sp.Piecewise((x**2, x < 1), (x, True)))
    assert classes(f) == [(1, "C0", (0, -1))]


def test_kink_inside_a_piece_is_a_breakpoint():
    f = Loss("l1", sp.Abs(x))
    assert [(b.at, b.kind) for b in f.table.breakpoints] == [(0, "kink")]


def test_nested_abs_and_max():
    f = Loss("nested", sp.Abs(sp.Abs(x) - 1))
    assert classes(f) == [(-1, "C0", (0, 2)), (0, "C0", (0, -2)), (1, "C0", (0, 2))]
    relu = Loss("relu", sp.Max(x, 0))
    assert classes(relu) == [(0, "C0", (0, 1))]


def test_abs_in_an_inactive_piece_is_not_a_breakpoint():
    # |x| appears only in the outer piece; its root 0 lies inside the quadratic piece.
    f = Loss("f", sp.Piecewise((x**2 / 2, sp.Abs(x) < 1), (sp.Abs(x) - sp.Rational(1, 2), True)))
    assert [b.at for b in f.table.breakpoints] == [-1, 1]


def test_removable_discontinuity_at_a_point_piece():
    f = Loss("f", sp.Piecewise((1, sp.Eq(x, 0)), (x**2, True)))
    assert classes(f) == [(0, "discontinuous", ())]
    assert analyse(f).breakpoints[0].value == 1


def test_smooth_join_is_cinf():
    f = Loss("f", sp.Piecewise((x**2, x < 1), ((x - 1) ** 2 + 2 * x - 1, True)))
    assert classes(f) == [(1, "Cinf", ())]


def test_c2_join_reports_jump_in_third_derivative():
    f = Loss("f", sp.Piecewise((0, x < 0), (x**3, True)))
    assert classes(f) == [(0, "C2", (0, 0, 0, 6))]


def test_wing_is_c0_at_w_with_slope_jump():
    c = w - w * sp.log(1 + w / epsilon)
    f = Loss(
        "wing",
        sp.Piecewise((w * sp.log(1 + sp.Abs(x) / epsilon), sp.Abs(x) < w), (sp.Abs(x) - c, True)),
        (W, EPS),
    )
    got = {b.at: (b.cls, b.jumps) for b in analyse(f).breakpoints}
    assert got[w] == ("C0", (0, epsilon / (epsilon + w)))
    assert got[0] == ("C0", (0, 2 * w / epsilon))
    assert analyse(f).convex is False
    assert analyse(f).gradient_bound == sp.Max(1, w / epsilon)


def test_undecided_jump_is_checked_numerically_and_says_so():
    a, g = Param("alpha", default=sp.Rational(1, 2)), Param("gamma", default=sp.Rational(3, 2))
    al, ga = a.symbol, g.symbol
    b = sp.exp(ga / al) - 1
    inner = al / b * (b * sp.Abs(x) + 1) * sp.log(b * sp.Abs(x) + 1) - al * sp.Abs(x)
    f = Loss(
        "balanced_l1",
        sp.Piecewise((inner, sp.Abs(x) < 1), (ga * sp.Abs(x) + ga / b - al, True)),
        (a, g),
    )
    bp = analyse(f).breakpoints[-1]
    assert bp.cls == "C1" and bp.numeric
    assert any(n.kind == notes.JUMP_NUMERIC for n in analyse(f).notes)


def test_parameter_dependent_jump_names_the_condition():
    a = Param("a", default=sp.Rational(1, 2))
    f = Loss("f", sp.Piecewise((x**2, x < a.symbol), (x, x < 1), (0, True)), (a,))
    bp = analyse(f).breakpoints[0]
    assert bp.cls == "discontinuous"
    assert any("vanishes when a = 1" in n.text for n in analyse(f).notes)
    assert any(n.kind == notes.ASSUMED_ORDER and "assumed a < 1" in n.text
               for n in analyse(f).notes)


def test_zero_test_is_three_valued():
    assert is_zero(sp.S.Zero).value is True
    assert is_zero(1 / beta).value is False
    t = is_zero(sp.log(sp.exp(beta) * 2) - beta - sp.log(2), ())
    assert t.value is True and t.method == "symbolic"


# -- bad definitions --------------------------------------------------------------------


def test_gap_in_coverage_is_an_error():
    with pytest.raises(LossError, match=r"no piece covers x in \(-1, 1\)"):
        Loss("gap", sp.Piecewise((x, x < -1), (-x, x > 1)))


def test_uncovered_single_point_is_an_error():
    with pytest.raises(LossError, match=r"no piece covers x = 1"):
        Loss("hole", sp.Piecewise((x, x < 1), (-x, x > 1)))


def test_undeclared_symbol_is_an_error():
    a = sp.Symbol("a")
    with pytest.raises(LossError, match=r"undeclared symbol\(s\) a"):
        Loss("f", a * x**2)


def test_residual_must_be_the_real_x():
    with pytest.raises(LossError, match="must be lossmath.x"):
        Loss("f", sp.Symbol("x") ** 2)


def test_parameter_with_other_assumptions_is_named():
    with pytest.raises(LossError, match="declared positive"):
        Loss("f", sp.Symbol("beta") * x, (BETA,))


def test_order_depending_on_parameters_is_an_error():
    a = Param("a")  # no default: samples on both sides of 1
    with pytest.raises(LossError, match="depends on the parameter"):
        Loss("f", sp.Piecewise((x, x < a.symbol), (x**2, x < 1), (0, True)), (a,))


@pytest.mark.parametrize("value", [0, -1, "0", "-1", float("nan"), float("inf")])
def test_out_of_range_parameter(value):
    f = Loss("f", beta * x**2, (BETA,))
    with pytest.raises(LossError, match="parameter beta must be"):
        f.subs(beta=value)


def test_malformed_parameter_text():
    f = Loss("f", beta * x**2, (BETA,))
    with pytest.raises(LossError, match="malformed number 'abc'"):
        f.subs(beta="abc")
    with pytest.raises(LossError, match="unknown parameter"):
        f.subs(gamma=1)


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        (
            sp.Piecewise((sp.log(x), x < 1), (x - 1, True)),
            r"piece 1 \(log\(x\)\) is undefined at x = -1: log\(x\) needs x > 0",
        ),
        (
            sp.Piecewise((1 / (2 * x - 1), x < 1), (x, True)),
            r"piece 1 \(1/\(2\*x - 1\)\) owns x = 1/2 but is undefined there",
        ),
        (
            sp.Piecewise((sp.sqrt(1 - x**2), sp.Abs(x) < 2), (0, True)),
            r"is undefined at x = -3/2: sqrt\(1 - x\*\*2\) needs 1 - x\*\*2 >= 0",
        ),
    ],
)
def test_piece_undefined_on_its_own_interval(expr, message):
    with pytest.raises(LossError, match=message):
        Loss("bad", expr)


def test_piece_defined_on_its_interval_only_is_fine():
    f = Loss("ok", sp.Piecewise((sp.log(x), x > 1), (0, True)))
    assert [b.at for b in f.table.breakpoints] == [1]


def test_unbounded_one_sided_derivative_does_not_join():
    # f'' of |x|**(3/2) is 3/(4 sqrt|x|) on both sides: +oo - (+oo) is not "undecided"
    f = Loss("f", sp.Abs(x) ** sp.Rational(3, 2))
    assert classes(f) == [(0, "C1", (0, 0, sp.oo))]


def test_infinitely_many_kinks_are_refused():
    with pytest.raises(LossError, match="infinitely many points"):
        Loss("f", sp.Abs(sp.sin(x)))
