"""The rewriting stage and its primitives: what is rewritten, that it is proved, that a wrong
rewrite is refused, and that the primitives behave as sympy functions (derivatives, evalf,
limits, LaTeX) with their textbook definitions."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p

from lossmath import Loss, analyse, generate_numpy, loss_from_expr, x
from lossmath.emit.numpy import plans
from lossmath.numerics import DtypeBound, elementary, plan_pieces, proved_equal, rewrite
from lossmath.numerics.primitives import (
    entr1p,
    hypotm,
    hypotm1,
    hypotm2,
    log1p_sq,
    logcosh,
    sigmoid,
    sinhmx,
    softplus,
    xmlog1p,
)
from lossmath.render.latex import loss_latex

d = sp.Symbol("delta", positive=True)


def _kernels(src: str) -> str:
    """The generated module without its docstrings and comments: only the code."""
    out, skip = [], False
    for line in src.splitlines():
        if line.strip().startswith('"""'):
            skip = not (line.strip().endswith('"""') and len(line.strip()) > 3)
            continue
        if skip:
            skip = not line.strip().endswith('"""')
            continue
        if not line.strip().startswith("#"):
            out.append(line.split("  #")[0])
    return "\n".join(out)


def test_every_spelling_of_log_cosh_gets_the_same_code():
    texts = ["log(cosh(x))", "log((exp(x) + exp(-x))/2)", "log(exp(x)/2 + exp(-x)/2)"]
    codes = {_kernels(generate_numpy([loss_from_expr(t, "lc")], command="c")) for t in texts}
    assert len(codes) == 1
    assert "__logcosh(" in codes.pop()


@pytest.mark.parametrize(
    "written, stable",
    [
        (sp.log(sp.cosh(x)), logcosh(x)),
        (sp.log(1 + sp.exp(x)), softplus(x)),
        (sp.log(1 + sp.exp(-x)), softplus(-x)),
        (sp.sqrt(1 + x**2) - 1, hypotm(x, 1)),
        (d**2 * (sp.sqrt(1 + (x / d) ** 2) - 1), d * hypotm(x, d)),
        (sp.log(1 + x**2 / 2), log1p_sq(x, sp.Rational(1, 2))),
        (1 - sp.exp(-(x**2) / 2), -expm1(-(x**2) / 2)),
        (sp.log(1 + x / 3), log1p(x / 3)),
        ((1 + 2 * x) * sp.log(1 + 2 * x) - 2 * x, entr1p(2 * x)),
        (d**2 * (x / d - sp.log(1 + x / d)), d**2 * xmlog1p(x / d)),
    ],
)
def test_rules_give_the_stable_form_and_it_is_proved(written, stable):
    got = rewrite(written, factor=False)
    assert got == stable
    assert proved_equal(got, written)


def test_a_wrong_rewrite_is_not_proved():
    assert not proved_equal(logcosh(x), sp.log(sp.cosh(2 * x)))
    assert not proved_equal(hypotm(x, 2), sp.sqrt(1 + x**2) - 1)
    assert not proved_equal(softplus(x), sp.log(2 + sp.exp(x)))


def test_derivatives_come_from_the_stable_value():
    loss = loss_from_expr("log(cosh(x))", "lc")
    pieces = [loss.derivative(n).table.pieces[0][0] for n in range(3)]
    pp = plan_pieces(pieces)
    assert [p[0].expr for p in pp.plans] == [logcosh(x), sp.tanh(x), sp.sech(x) ** 2]
    assert pp.changed == (True, True, True)


def test_factoring_keeps_roots_exact_and_exp_first():
    """Welsch's f'' = (1 - x**2)*exp(-x**2/2): factored, it is exact near x = 1 and finite
    at 1e200 (the factors stay finite, exp underflows to 0 first)."""
    loss = loss_from_expr("1 - exp(-x**2/2)", "welsch")
    f2 = plans(loss)["welsch_hess"]  # Masked: IEEE gives 0*inf at +-inf, the limit is patched
    assert sp.sstr(f2.plans[0][0].expr) == "-(x - 1)*(x + 1)*exp(-x**2/2)"
    g = {}
    exec(generate_numpy([loss], command="c"), g)  # noqa: S102 - our own generated module
    xs = np.array([1e200, -1e200, 1 + 2**-40])
    got = g["welsch_hess"](xs)
    with mpmath.workdps(50):
        t = mpmath.mpf(1 + 2**-40)
        exact = (1 - t * t) * mpmath.exp(-t * t / 2)
    assert got[0] == 0 and got[1] == 0
    assert abs(got[2] - float(exact)) <= 2 * np.spacing(abs(float(exact)))


def test_rational_functions_get_a_large_x_regime_with_a_dtype_bound():
    loss = loss_from_expr("2*x**2/(x**2 + 4)", "gm")
    pieces = [loss.derivative(n).table.pieces[0][0] for n in range(3)]
    value = plan_pieces(pieces).plans[0]
    assert len(value) == 2 and value[0].upto == DtypeBound(2)
    assert value[0].upto.value(np.float64) == 2.0**508
    assert value[0].upto.value(np.float32) == 2.0**60
    assert value[1].expr == 2 / (1 + 4 / x**2)


@pytest.mark.parametrize(
    "prim, args",
    [
        (softplus, (x,)),
        (sigmoid, (x,)),
        (logcosh, (x,)),
        (hypotm, (x, d)),
        (hypotm1, (x, d)),
        (hypotm2, (x, d)),
        (log1p_sq, (x, d)),
        (entr1p, (x,)),
        (xmlog1p, (x,)),
        (sinhmx, (x,)),
    ],
)
def test_primitives_are_sympy_functions_with_their_definitions(prim, args):
    e = prim(*args)
    ref = elementary(e)
    assert ref != e and not ref.has(prim)
    # derivative: the stable one equals the textbook one
    assert sp.simplify(elementary(sp.diff(e, x)) - sp.diff(ref, x)) == 0
    # evalf through the definition, at 30 digits
    point = {x: sp.Rational(3, 7), d: sp.Rational(5, 4)}
    assert abs(sp.N(e.subs(point), 30) - sp.N(ref.subs(point), 30)) < 1e-28
    # LaTeX shows the definition, never the internal name
    assert prim.__name__ not in sp.latex(e)
    # the value at +oo is the limit of the definition
    lim = sp.limit(ref, x, sp.oo)
    assert e.subs(x, sp.oo) == lim


def test_losses_with_primitives_still_print_and_analyse():
    loss = Loss("lc", logcosh(x))
    assert analyse(loss).convex is True or analyse(loss).convex is None
    assert "cosh" in loss_latex(loss)
