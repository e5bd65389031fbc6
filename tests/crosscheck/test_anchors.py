"""The anchors: other libraries' hand-declared traits, their mapping to the catalog, and
lossmath's verdicts on them.

Truths here are independent of lossmath's analysis: the libraries' functions are the ones
transcribed from their sources (``lossmath/anchors.py`` cites file and line), evaluated with
mpmath; the list of declarations that must be disproved is derived by hand below, each with
its reason; every counterexample is re-checked with mpmath from the library's formula alone.
"""

from __future__ import annotations

import re

import mpmath
import pytest
import sympy as sp

from lossmath import catalog
from lossmath.base.symbols import x
from lossmath.crosscheck.anchors import ANCHORS, DECLARATIONS, LIBRARIES, TRAITS

# Derived by hand from each library's formula (LossFunctions.jl at 680c10d):
DISPROVED = {
    # 1[a < 0] jumps by 1 at a = 0: |f(h) - f(-h)| / 2h = 1/(2h) is unbounded, on every
    # interval around 0 too.
    ("ZeroOneLoss", "islipschitzcont"),
    ("ZeroOneLoss", "islocallylipschitzcont"),
    # q = 1: 1 - a for a <= 1/2, 1/(4a) after; f'' is 0 on the left and 1/(2a^3) = 4 at
    # a = 1/2+ on the right, so f' has a corner at 1/2.
    ("DWDMarginLoss(q)", "istwicedifferentiable"),
    ("DWDMarginLoss(q)", "istwicedifferentiable(at)"),
    # |r|^3: f'' = 6|r| vanishes at 0, so no m > 0 bounds it below.
    ("LPDistLoss{3}", "isstronglyconvex"),
    # f'' is 1 inside [-d, d] and 0 outside: it jumps at -d as well as at d.
    ("HuberLoss(d)", "istwicedifferentiable(at)"),
    # The docstring's d|r| - d^3/2 outside: at |r| = d = 2 the inner piece is 2, the outer 0.
    ("HuberLoss(d), docstring formula", "isdifferentiable"),
    ("HuberLoss(d), docstring formula", "islipschitzcont"),
    ("HuberLoss(d), docstring formula", "isconvex"),
    # max(0, |r| - eps)^2 is 0 on [-eps, eps]: affine there.
    ("L2EpsilonInsLoss(epsilon)", "isstrictlyconvex"),
    ("L2EpsilonInsLoss(epsilon)", "isstronglyconvex"),
    # f' jumps from -tau to 1 - tau at 0 (the code's convention), so it is not Lipschitz.
    ("QuantileLoss(tau)", "islipschitzcont_deriv"),
    # f'' = sech^2 r -> 0 as |r| -> oo.
    ("LogCoshLoss", "isstronglyconvex"),
}
# ZeroOneLoss is not convex, so Bartlett-Jordan-McAuliffe's criterion does not decide it.
UNDECIDED = {("ZeroOneLoss", "isclasscalibrated")}


@pytest.fixture(scope="module")
def comparisons():
    from lossmath.crosscheck.anchor_check import compare_all

    return compare_all()


def _mp_function(anchor, values=None):
    """The library's function at parameter values, as mpmath (sympy's printer, not
    lossmath's tables)."""
    expr = anchor.formula.xreplace(dict(values if values is not None else anchor.instance))
    fn = sp.lambdify(x, expr, modules="mpmath")
    return lambda t: mpmath.mpf(fn(mpmath.mpf(t.p) / t.q))


def test_every_anchor_names_a_catalog_loss_or_is_analysed_as_written():
    names = set(catalog.names())
    for a in ANCHORS:
        assert a.library in LIBRARIES
        if a.catalog is not None:
            assert a.catalog in names, a.name
            loss = catalog.get(a.catalog)
            assert {p.name for p in loss.params} == set(a.to_catalog), a.name
        else:
            assert a.note, f"{a.name}: say why it is not a catalog loss"
        assert set(a.instance) == set(a.params), a.name


def test_every_declaration_cites_a_line_and_a_defined_trait():
    for d in DECLARATIONS:
        assert (d.anchor.library, d.trait) in TRAITS, d.trait
        assert re.fullmatch(r"[\w/.]+\.(jl|py):\d+(-\d+)?", d.where), d.where
        assert d.text


@pytest.mark.parametrize("anchor", [a for a in ANCHORS if a.catalog], ids=lambda a: a.key)
def test_the_libraries_function_is_the_catalog_loss_up_to_its_scale(anchor):
    """theirs(x; theta) = scale * ours(x; params(theta)) at two parameter values, at points
    off the breakpoints (who owns a breakpoint is a convention that may differ)."""
    loss = catalog.get(anchor.catalog)
    for factor in (1, sp.Rational(3, 2)):
        values = {s: v * factor for s, v in anchor.instance.items()}
        theirs = _mp_function(anchor, values)
        ours_params = {loss.symbols[k]: v.xreplace(values) for k, v in anchor.to_catalog.items()}
        ours = loss.expr.xreplace(ours_params)
        for t in (sp.Rational(-37, 10), sp.Rational(-13, 10), sp.Rational(-3, 7),
                  sp.Rational(1, 9), sp.Rational(7, 10), sp.Rational(23, 10),
                  sp.Rational(61, 10)):
            with mpmath.workdps(40):
                scale = mpmath.mpf(str(sp.N(anchor.scale.xreplace(values), 40)))
                mine = mpmath.mpf(str(sp.N(ours.xreplace({x: t}), 40)))
                assert abs(theirs(t) - scale * mine) < mpmath.mpf(10) ** -30, (anchor.name, t)


def test_exactly_the_hand_derived_declarations_are_disproved(comparisons):
    by_status: dict[str, set] = {}
    for c in comparisons:
        by_status.setdefault(c.status, set()).add((c.declaration.anchor.name,
                                                   c.declaration.trait))
    assert by_status["disagrees"] == DISPROVED
    assert by_status.get("undecided", set()) == UNDECIDED
    assert "not compared" not in by_status
    assert len(by_status["agrees"]) == len(DECLARATIONS) - len(DISPROVED) - len(UNDECIDED)


def _gap(f, a, b):
    return (f(a) + f(b)) / 2 - f((a + b) / 2)


def _independent_check(w, f) -> bool:
    """What each witness kind asserts, re-implemented with mpmath at 60 digits."""
    with mpmath.workdps(60):
        small = mpmath.mpf(10) ** -45
        if w.kind == "midpoint":
            return _gap(f, *w.points) < -small
        if w.kind == "chord":
            a, b = w.points
            return a != b and abs(_gap(f, a, b)) < small
        if w.kind == "strong":
            a, b = w.points
            m = mpmath.mpf(w.bound.p) / w.bound.q
            return _gap(f, a, b) < m * mpmath.mpf((b - a) ** 2) / 8
        if w.kind == "steep":
            a, b = w.points
            return abs(f(b) - f(a)) > mpmath.mpf(w.bound) * abs(mpmath.mpf(b - a))
        p, h = w.points
        g = mpmath.mpf(str(sp.N(w.bound, 30)))
        hh = mpmath.mpf(h)
        if w.kind == "kink":
            return abs((f(p + h) - f(p)) / hh - (f(p) - f(p - h)) / hh) > g
        if w.kind == "kink2":
            right = (f(p + 2 * h) - 2 * f(p + h) + f(p)) / hh**2
            left = (f(p) - 2 * f(p - h) + f(p - 2 * h)) / hh**2
            return abs(right - left) > g
    raise AssertionError(f"unknown witness kind {w.kind}")


def test_every_disagreement_has_a_counterexample_that_holds_for_the_librarys_function(
    comparisons,
):
    wrong = [c for c in comparisons if c.status == "disagrees"]
    assert wrong
    for c in wrong:
        w = c.witness
        assert w is not None, c.declaration.trait
        f = _mp_function(c.declaration.anchor)
        assert _independent_check(w, f), (c.declaration.anchor.name, c.declaration.trait, w)
        assert w.statement


def test_the_checks_discriminate():
    """The same witnesses fail on functions that have the declared property: a chord
    witness on x^2, a steep pair on |x|, a kink on x^2."""
    from lossmath.crosscheck.anchor_check import Witness

    def square(t):
        return mpmath.mpf(t.p) ** 2 / mpmath.mpf(t.q) ** 2

    def absolute(t):
        return abs(mpmath.mpf(t.p) / t.q)

    half = sp.Rational(1, 2)
    assert not _independent_check(Witness("chord", (-half, half)), square)
    assert not _independent_check(Witness("steep", (-half, half), sp.Integer(1000)), absolute)
    assert not _independent_check(Witness("kink", (sp.S.Zero, sp.Rational(1, 10**20)),
                                          half), square)
    assert _independent_check(Witness("kink", (sp.S.Zero, sp.Rational(1, 10**20)), half),
                              absolute)


def test_a_disagreement_is_never_drawn_from_an_undecided_verdict(comparisons):
    for c in comparisons:
        if c.status == "disagrees":
            assert c.verdict is not None
        if c.verdict is None:
            assert c.status in ("undecided", "not compared")
