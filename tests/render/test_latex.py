"""Textbook LaTeX and the unicode text form: exact output for the catalog losses and their
derivatives, the condition normaliser, term order, and a pdflatex compile of everything."""

from __future__ import annotations

import subprocess

import pytest
import sympy as sp

from lossmath import Loss, Param, get_loss, loss_names, x
from lossmath.render.conditions import AnyOf, Bound, Range, Relation, normalise
from lossmath.render.latex import (
    LatexError,
    condition_latex,
    derivative_latex,
    expr_latex,
    loss_latex,
    loss_text,
)
from tests.support.tools import require_tool

beta = sp.Symbol("beta", positive=True)

# Expected output, checked by hand against the definitions in lossmath/catalog/.
CATALOG_LATEX = [
    ("l2", 0, "pieces", r"x^{2}"),
    ("l2", 1, "pieces", r"2 x"),
    ("l2", 2, "pieces", r"2"),
    ("l1", 0, "pieces", r"|x|"),
    ("l1", 0, "intervals",
     r"\begin{cases} - x & \text{if } x < 0 \\ x & \text{if } x \geq 0 \end{cases}"),
    ("l1", 1, "pieces", r"\operatorname{sign}(x)"),
    ("l1", 1, "intervals",
     r"\begin{cases} -1 & \text{if } x < 0 \\ 0 & \text{if } x = 0 \\ 1 & \text{if } x > 0 "
     r"\end{cases}"),
    ("l1", 2, "pieces", r"0"),
    ("l1", 2, "intervals", r"0"),
    ("smooth_l1", 0, "pieces",
     r"\begin{cases} \frac{x^{2}}{2 \beta} & \text{if } |x| < \beta \\ |x| - \frac{\beta}{2} "
     r"& \text{otherwise} \end{cases}"),
    ("smooth_l1", 0, "intervals",
     r"\begin{cases} - x - \frac{\beta}{2} & \text{if } x \leq - \beta \\ \frac{x^{2}}{2 \beta} "
     r"& \text{if } {- \beta < x < \beta} \\ x - \frac{\beta}{2} & \text{if } x \geq \beta "
     r"\end{cases}"),
    ("smooth_l1", 1, "pieces",
     r"\begin{cases} \frac{x}{\beta} & \text{if } |x| < \beta \\ \operatorname{sign}(x) "
     r"& \text{otherwise} \end{cases}"),
    ("smooth_l1", 1, "intervals",
     r"\begin{cases} -1 & \text{if } x \leq - \beta \\ \frac{x}{\beta} & \text{if } "
     r"{- \beta < x < \beta} \\ 1 & \text{if } x \geq \beta \end{cases}"),
    ("smooth_l1", 2, "pieces",
     r"\begin{cases} \frac{1}{\beta} & \text{if } |x| < \beta \\ 0 & \text{otherwise} "
     r"\end{cases}"),
    ("smooth_l1", 2, "intervals",
     r"\begin{cases} 0 & \text{if } x \leq - \beta \\ \frac{1}{\beta} & \text{if } "
     r"{- \beta < x < \beta} \\ 0 & \text{if } x \geq \beta \end{cases}"),
    ("huber", 0, "pieces",
     r"\begin{cases} \frac{x^{2}}{2} & \text{if } |x| \leq \delta \\ \delta \left(|x| - "
     r"\frac{\delta}{2}\right) & \text{otherwise} \end{cases}"),
    ("huber", 0, "intervals",
     r"\begin{cases} \delta \left(- x - \frac{\delta}{2}\right) & \text{if } x < - \delta \\ "
     r"\frac{x^{2}}{2} & \text{if } {- \delta \leq x \leq \delta} \\ \delta \left(x - "
     r"\frac{\delta}{2}\right) & \text{if } x > \delta \end{cases}"),
    ("huber", 1, "pieces",
     r"\begin{cases} x & \text{if } |x| \leq \delta \\ \delta \operatorname{sign}(x) & "
     r"\text{otherwise} \end{cases}"),
    ("huber", 1, "intervals",
     r"\begin{cases} - \delta & \text{if } x < - \delta \\ x & \text{if } {- \delta \leq x "
     r"\leq \delta} \\ \delta & \text{if } x > \delta \end{cases}"),
    ("huber", 2, "pieces",
     r"\begin{cases} 1 & \text{if } |x| \leq \delta \\ 0 & \text{otherwise} \end{cases}"),
    ("huber", 2, "intervals",
     r"\begin{cases} 0 & \text{if } x < - \delta \\ 1 & \text{if } {- \delta \leq x \leq "
     r"\delta} \\ 0 & \text{if } x > \delta \end{cases}"),
]


@pytest.mark.parametrize(("name", "order", "form", "expected"), CATALOG_LATEX)
def test_catalog_latex_exact(name, order, form, expected):
    assert loss_latex(get_loss(name).derivative(order), form=form) == expected


def test_fast_rcnn_smooth_l1_reads_as_in_the_paper():
    # Girshick (2015), Eq. (3): 0.5 x^2 if |x| < 1, |x| - 0.5 otherwise.
    f = get_loss("smooth_l1").with_defaults()
    assert loss_latex(f) == (
        r"\begin{cases} \frac{x^{2}}{2} & \text{if } |x| < 1 \\ |x| - \frac{1}{2} & "
        r"\text{otherwise} \end{cases}"
    )
    assert loss_latex(f.derivative()) == (
        r"\begin{cases} x & \text{if } |x| < 1 \\ \operatorname{sign}(x) & \text{otherwise} "
        r"\end{cases}"
    )


CATALOG_TEXT = [
    ("l2", 0, "x²", "x²"),
    ("l2", 1, "2x", "2x"),
    ("l1", 0, "|x|", "−x if x < 0; x if x ≥ 0"),
    ("l1", 1, "sign(x)", "−1 if x < 0; 0 if x = 0; 1 if x > 0"),
    ("smooth_l1", 0, "x²/(2β) if |x| < β; |x| − β/2 otherwise",
     "−x − β/2 if x ≤ −β; x²/(2β) if −β < x < β; x − β/2 if x ≥ β"),
    ("smooth_l1", 1, "x/β if |x| < β; sign(x) otherwise",
     "−1 if x ≤ −β; x/β if −β < x < β; 1 if x ≥ β"),
    ("smooth_l1", 2, "1/β if |x| < β; 0 otherwise", "0 if x ≤ −β; 1/β if −β < x < β; 0 if x ≥ β"),
    ("huber", 0, "x²/2 if |x| ≤ δ; δ·(|x| − δ/2) otherwise",
     "δ·(−x − δ/2) if x < −δ; x²/2 if −δ ≤ x ≤ δ; δ·(x − δ/2) if x > δ"),
    ("huber", 1, "x if |x| ≤ δ; δ·sign(x) otherwise", "−δ if x < −δ; x if −δ ≤ x ≤ δ; δ if x > δ"),
    ("huber", 2, "1 if |x| ≤ δ; 0 otherwise", "0 if x < −δ; 1 if −δ ≤ x ≤ δ; 0 if x > δ"),
]


@pytest.mark.parametrize(("name", "order", "pieces", "intervals"), CATALOG_TEXT)
def test_catalog_text_exact(name, order, pieces, intervals):
    f = get_loss(name).derivative(order)
    assert loss_text(f) == pieces
    assert loss_text(f, form="intervals") == intervals


@pytest.mark.parametrize("name", loss_names())
@pytest.mark.parametrize("order", [0, 1, 2, 3])
def test_no_sympy_artefacts_in_any_catalog_latex(name, order):
    f = get_loss(name).derivative(order)
    for form in ("pieces", "intervals"):
        tex = loss_latex(f, form=form)
        # sympy prints Heaviside(x) as \theta\left(x\right); a parameter theta (Adaptive
        # Wing's) is followed by a space or an operator
        for bad in (r"\theta\left(", r"\delta\left(", "DiracDelta", r"\left|{", r"\text{for}",
                    r"\wedge", r"\vee", "Heaviside"):
            assert bad not in tex, (name, order, form, tex)


def test_dirac_delta_is_refused_with_a_message():
    with pytest.raises(LatexError, match="DiracDelta"):
        expr_latex(sp.diff(sp.Abs(x), x, 2))


def test_heaviside_prints_as_H_not_theta():
    assert expr_latex(sp.Heaviside(x - 1)) == r"\operatorname{H}(x - 1)"


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (1 - x, "1 - x"),
        (x**2 + 2 * x + 1, "x^{2} + 2 x + 1"),
        (x - 1, "x - 1"),
        (sp.Abs(x) - beta / 2, r"|x| - \frac{\beta}{2}"),
        (-beta / 2 - x, r"- x - \frac{\beta}{2}"),
        (1 - sp.exp(-x**2 / 2), r"1 - e^{- \frac{x^{2}}{2}}"),
        (1 - x**2 / 2, r"1 - \frac{x^{2}}{2}"),
        (sp.Abs(x**2 / 2 - 1), r"\left|\frac{x^{2}}{2} - 1\right|"),
        (sp.sign(x) * beta, r"\beta \operatorname{sign}(x)"),
        (sp.oo, r"\infty"),
    ],
)
def test_natural_term_order_and_symbols(expr, expected):
    assert expr_latex(expr) == expected


def test_log_cosh_style_terms_put_the_growing_term_first():
    tex = expr_latex(sp.Abs(x) + sp.log(1 + sp.exp(-2 * sp.Abs(x))) - sp.log(2))
    assert tex.startswith("|x| + ") and tex.endswith(r"- \log{\left(2 \right)}")


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        (beta > sp.Abs(x), r"|x| < \beta"),
        (sp.Abs(x) >= beta, r"|x| \geq \beta"),
        (sp.And(x > -1, x < 1), r"-1 < x < 1"),
        (sp.And(x <= beta, x > -beta), r"- \beta < x \leq \beta"),
        (sp.Or(x < -1, x > 1), r"|x| > 1"),
        (sp.Or(x <= -beta, x >= beta), r"|x| \geq \beta"),
        (sp.Or(x < -1, x > 2), r"x < -1 \text{ or } x > 2"),
        (sp.Not(sp.And(x > -1, x < 1)), r"|x| \geq 1"),
        (sp.Not(x < 1), r"x \geq 1"),
        (2 * x < beta, r"x < \frac{\beta}{2}"),
        (-x < beta, r"x > - \beta"),
        (sp.Eq(x, 0), "x = 0"),
        (sp.Ne(x, 0), r"x \neq 0"),
        (sp.Abs(x - 1) <= 2, r"|x - 1| \leq 2"),
        (sp.And(x > 0, x > beta), r"x > \beta"),
        (sp.true, r"\text{otherwise}"),
    ],
)
def test_conditions_put_the_residual_on_the_left(cond, expected):
    assert condition_latex(cond) == expected


def test_condition_with_coefficient_of_unknown_sign_is_kept_as_written():
    w = sp.Symbol("w", real=True)
    norm = normalise(w * x < 1)
    assert isinstance(norm, Relation)
    assert condition_latex(w * x < 1) == "w x < 1"


def test_normalised_structure_of_a_chained_condition():
    assert normalise(sp.And(x > -beta, x < beta)) == Range(
        x, Bound(-beta, strict=True), Bound(beta, strict=True)
    )
    assert isinstance(normalise(sp.Or(x < -1, x > 2)), AnyOf)
    with pytest.raises(ValueError, match="never used"):
        normalise(sp.false)


def test_a_user_defined_three_piece_loss_prints_chained_conditions():
    # sympy stores the middle condition as x <= 1 (the first piece makes x >= -1 redundant
    # when read top to bottom); a cases environment must not overlap, so the table's
    # interval is printed instead.
    f = Loss(
        "three",
        sp.Piecewise(
            (-x - sp.Rational(1, 2), x < -1),
            (x**2 / 2, sp.And(x >= -1, x <= 1)),
            (x - sp.Rational(1, 2), True),
        ),
    )
    assert loss_latex(f) == (
        r"\begin{cases} - x - \frac{1}{2} & \text{if } x < -1 \\ \frac{x^{2}}{2} & \text{if } "
        r"{-1 \leq x \leq 1} \\ x - \frac{1}{2} & \text{otherwise} \end{cases}"
    )
    assert loss_text(f) == "−x − 1/2 if x < −1; x²/2 if −1 ≤ x ≤ 1; x − 1/2 otherwise"


def test_conditions_as_written_are_kept_when_they_do_not_overlap():
    b = Param("beta", default=1)
    f = Loss("flipped", sp.Piecewise((sp.Abs(x) - b.symbol / 2, sp.Abs(x) >= b.symbol),
                                     (x**2 / (2 * b.symbol), True)), params=(b,))
    assert loss_latex(f) == (
        r"\begin{cases} |x| - \frac{\beta}{2} & \text{if } |x| \geq \beta \\ "
        r"\frac{x^{2}}{2 \beta} & \text{otherwise} \end{cases}"
    )


def test_an_isolated_point_piece_and_a_split_piece():
    f = Loss("dotted", sp.Piecewise((0, sp.Eq(x, 0)), (1, x < 1), (2, True)))
    assert loss_latex(f) == (
        r"\begin{cases} 0 & \text{if } x = 0 \\ 1 & \text{if } x < 0 \text{ or } 0 < x < 1 "
        r"\\ 2 & \text{otherwise} \end{cases}"
    )


def test_parameters_print_with_their_own_latex():
    a = Param("a0", default=1, latex=r"\alpha_{0}")
    f = Loss("scaled", a.symbol * x**2, params=(a,))
    assert loss_latex(f) == r"\alpha_{0} x^{2}"
    assert expr_latex(a.symbol / 2, f) == r"\frac{\alpha_{0}}{2}"
    # Without the loss, sympy's own rendering of the symbol name.
    assert expr_latex(a.symbol / 2) == r"\frac{a_{0}}{2}"


def test_loss_shows_as_latex_in_jupyter():
    html = get_loss("smooth_l1")._repr_latex_()
    assert html.startswith(r"$\displaystyle \begin{cases}") and html.endswith("$")


def test_derivative_left_hand_sides():
    assert derivative_latex("L_2", 0) == "L_2(x)"
    assert derivative_latex("L_2", 1) == r"\frac{d}{dx} L_2(x)"
    assert derivative_latex("f", 2, args=r"x; \beta") == r"\frac{d^{2}}{dx^{2}} f(x; \beta)"
    with pytest.raises(ValueError):
        derivative_latex("f", -1)


def test_unknown_form_is_an_error():
    with pytest.raises(ValueError, match="unknown form"):
        loss_latex(get_loss("l1"), form="table")


# -- every snippet compiles ---------------------------------------------------------------


def _require_pdflatex() -> str:
    return require_tool("pdflatex")


@pytest.mark.tex
def test_every_catalog_snippet_compiles_with_pdflatex(tmp_path):
    exe = _require_pdflatex()
    lines = [r"\documentclass{article}", r"\usepackage{amsmath}", r"\begin{document}"]
    for name in loss_names():
        for order in range(3):
            f = get_loss(name).derivative(order)
            for form in ("pieces", "intervals"):
                lines.append(r"\[ f(x) = " + loss_latex(f, form=form) + r" \]")
    lines += [r"\end{document}", ""]
    (tmp_path / "all.tex").write_text("\n".join(lines), encoding="utf-8")
    proc = subprocess.run(
        [exe, "-interaction=nonstopmode", "-halt-on-error", "all.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
