"""Barron's general loss: lossmath derives its special cases as limits in alpha, each equals
the named catalog loss up to the scaling Barron's docstring states, and ``--param alpha=0``
(2, -oo) analyses the limit."""

from __future__ import annotations

import json

import pytest
import sympy as sp
from mpmath import exp, log, mp, mpf, sqrt

from lossmath import catalog, x
from lossmath.base.errors import LossError
from lossmath.catalog.barron import SINGULAR, barron, special_case
from lossmath.cli.main import main

c = barron.symbols["c"]


def _named(name: str, **params) -> sp.Expr:
    """A catalog loss's expression with its parameters replaced (simultaneously)."""
    loss = catalog.get(name)
    return loss.expr.xreplace({loss.symbols[k]: v for k, v in params.items()})


#: alpha -> (the named loss with the stated scaling, an independent mpmath formula of it
#: (the named loss's textbook form, at scale c), as Barron's docstring names them)
CASES = {
    2: (_named("l2") / (2 * c**2), lambda v, s: v**2 / (2 * s**2)),
    1: (_named("pseudo_huber", delta=c) / c**2, lambda v, s: sqrt(1 + (v / s) ** 2) - 1),
    0: (_named("cauchy", c=c * sp.sqrt(2)) / c**2, lambda v, s: log(1 + (v / s) ** 2 / 2)),
    -2: (2 * _named("geman_mcclure", sigma=2 * c),
         lambda v, s: 2 * (v / s) ** 2 / ((v / s) ** 2 + 4)),
    -sp.oo: (_named("welsch", c=c * sp.sqrt(2)) / c**2,
             lambda v, s: 1 - exp(-((v / s) ** 2) / 2)),
}


@pytest.mark.parametrize("alpha", list(CASES), ids=str)
def test_special_case_equals_the_named_loss(alpha):
    named, formula = CASES[alpha]
    got = special_case(alpha)
    assert got.free_symbols <= {x, c}
    assert sp.simplify(got - named) == 0
    f = sp.lambdify((x, c), got, "mpmath")
    with mp.workdps(40):
        for s in ("0.3", "1", "1.7", "25"):
            for v in ("0", "1e-12", "0.2", "-1.3", "4.5", "-30", "1e8"):
                want = formula(mpf(v), mpf(s))
                assert abs(f(mpf(v), mpf(s)) - want) <= mpf("1e-35") * (1 + abs(want))


def test_charbonnier_is_epsilon_times_alpha_one():
    eps = catalog.get("charbonnier").symbols["epsilon"]
    assert sp.simplify(eps * special_case(1).subs(c, eps) - catalog.get("charbonnier").expr) == 0


@pytest.mark.parametrize("alpha", [0, 2])
def test_the_limit_is_the_value_next_to_the_singular_shape(alpha):
    """The closed form at alpha = 0 +- 1e-12 and 2 +- 1e-12 (mpmath, 60 digits) is within
    1e-9 (relative) of the limit: the limits are the right ones, whatever derived them."""
    f = sp.lambdify((x, c), special_case(alpha), "mpmath")
    with mp.workdps(60):
        for d in ("1e-12", "-1e-12"):
            a = alpha + mpf(d)
            b = abs(a - 2)
            for v in ("0.5", "-3", "40"):
                closed = b / a * (((mpf(v) / 2) ** 2 / b + 1) ** (a / 2) - 1)
                limit = f(mpf(v), mpf(2))
                assert abs(closed - limit) < mpf("1e-9") * abs(limit)


def test_the_closed_form_is_singular_where_the_limit_is_used():
    general = barron.expr
    alpha = barron.symbols["alpha"]
    assert general.subs(alpha, 0).has(sp.zoo, sp.nan)
    assert general.subs(alpha, 2).has(sp.zoo, sp.nan) or general.subs(alpha, 2) is sp.nan
    assert set(SINGULAR) == {0, 2, sp.oo, -sp.oo}


def test_subs_uses_the_limit_and_keeps_the_other_parameter():
    f = barron.subs(alpha=0)
    assert [p.name for p in f.params] == ["c"]
    assert sp.simplify(f.expr - sp.log(1 + x**2 / (2 * c**2))) == 0
    g = barron.subs(alpha="-oo", c=2)
    assert g.params == () and sp.simplify(g.expr - (1 - sp.exp(-(x**2) / 8))) == 0
    assert sp.simplify(barron.subs(alpha="oo").expr - (sp.exp(x**2 / (2 * c**2)) - 1)) == 0
    # the derivative of the limit is the limit's derivative
    d = barron.derivative(1).subs(alpha=2)
    assert d.label == "barron′" and sp.simplify(d.expr - x / c**2) == 0


def test_infinity_is_refused_where_no_limit_defines_it():
    with pytest.raises(LossError, match="malformed number 'oo'"):
        barron.subs(c="oo")
    with pytest.raises(LossError, match="must be finite"):
        catalog.get("huber").subs(delta=float("inf"))
    with pytest.raises(LossError, match="malformed number"):
        barron.subs(alpha="-ooo")


@pytest.mark.parametrize("alpha, convex, bound, growth", [
    ("0", False, "sqrt(2)/(2*c)", "logarithmic"),
    ("2", True, "oo", "quadratic"),
    ("-oo", False, "exp(-1/2)/c", "bounded"),
])
def test_check_barron_at_a_singular_alpha(capsys, alpha, convex, bound, growth):
    """Truths by hand: Cauchy's psi = 2x/(2c^2 + x^2) peaks at sqrt(2)c with 1/(sqrt(2)c);
    L2's is unbounded; Welsch's psi = (x/c^2) exp(-x^2/(2c^2)) peaks at c with e^(-1/2)/c."""
    code = main(["check", "barron", "--param", f"alpha={alpha}", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (out["class"], out["convex"], out["growth"]) == ("Cinf", convex, growth)
    got, want = (sp.sympify(t, locals={"c": c}) for t in (out["gradient_bound"], bound))
    assert got == want or sp.simplify(got - want) == 0
