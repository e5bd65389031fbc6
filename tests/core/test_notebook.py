"""What a notebook user sees of a Loss: ``plot()``, a short ``repr``, derivatives named f′ and
f″, defaults as the catalog writes them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from lossmath import Loss, Param, get_loss, loss_names, x
from lossmath.render.plot import PlotError

ROOT = Path(__file__).resolve().parents[2]


def _markers(ax) -> dict[str, set[tuple[float, float]]]:
    """The breakpoint markers of one panel: filled dots and open circles (white face)."""
    out: dict[str, set[tuple[float, float]]] = {"dots": set(), "rings": set()}
    for line in ax.get_lines():
        if line.get_linestyle() != "None" or line.get_marker() != "o":
            continue
        kind = "rings" if line.get_markerfacecolor() == "white" else "dots"
        out[kind] |= {(float(a), float(b)) for a, b in zip(*line.get_data())}
    return out


def test_plot_returns_a_figure_of_the_loss_and_two_derivatives_with_breakpoints_marked():
    from matplotlib.figure import Figure

    fig = get_loss("smooth_l1").plot()  # beta = 1, its default
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    loss, slope, curvature = (_markers(ax) for ax in fig.axes)
    # By hand, beta = 1: f(±1) = |1| - 1/2 = 1/2 (both sides agree: no ring);
    # f'(±1) = ±1 (both sides agree); f''(±1) = 0, the linear piece's, while the inner
    # piece's limit is 1/beta = 1: a ring at height 1.
    assert loss == {"dots": {(-1.0, 0.5), (1.0, 0.5)}, "rings": set()}
    assert slope == {"dots": {(-1.0, -1.0), (1.0, 1.0)}, "rings": set()}
    assert curvature == {"dots": {(-1.0, 0.0), (1.0, 0.0)}, "rings": {(-1.0, 1.0), (1.0, 1.0)}}
    assert [ax.get_title() for ax in fig.axes] == ["loss", "first derivative",
                                                    "second derivative"]
    assert fig.axes[0].get_xlim() == (-3.0, 3.0)


def test_plot_takes_parameter_values_and_orders():
    fig = get_loss("huber").plot(orders=(0, 1), delta=2)
    assert len(fig.axes) == 2
    # Huber with delta = 2 at x = 2: x^2/2 = 2 (the quadratic piece owns it); x range widened
    # to show the breakpoints with room: ceil(2 * 2) = 4.
    assert _markers(fig.axes[0])["dots"] == {(-2.0, 2.0), (2.0, 2.0)}
    assert fig.axes[0].get_xlim() == (-4.0, 4.0)


def test_plot_without_a_value_for_a_parameter_is_a_clear_error():
    loss = Loss("scaled", Param("k").symbol * x**2, params=(Param("k"),))
    with pytest.raises(PlotError, match=r"parameter\(s\) k have no default.*scaled.plot\(k=...\)"):
        loss.plot()


@pytest.mark.subprocess
def test_loss_module_imports_neither_plotting_nor_analysis_at_module_level():
    tree = ast.parse((ROOT / "lossmath" / "core" / "loss.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    names = {(n.module or "") if isinstance(n, ast.ImportFrom) else a.name
             for n in top for a in n.names}
    assert not names & {
        "plot", "analysis", "matplotlib", "lossmath.render.plot", "lossmath.analysis"}
    # And importing lossmath does not pull in matplotlib: plot() imports it on first use.
    code = "import sys, lossmath; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("name", loss_names())
def test_repr_is_one_short_line(name):
    loss = get_loss(name)
    for f in (loss, loss.derivative(1)):
        text = repr(f)
        assert "\n" not in text and len(text) <= 120, text
        assert text.startswith(f"<Loss {f.name}")


def test_repr_names_parameters_and_breakpoints():
    assert repr(get_loss("smooth_l1")) == "<Loss smooth_l1 (beta=1), breakpoints -beta, beta>"
    assert repr(get_loss("l2")) == "<Loss l2, no breakpoints>"


def test_derivatives_are_named_with_primes():
    f = get_loss("smooth_l1")
    assert f.derivative(1).name == "smooth_l1\u2032"
    assert f.derivative(2).name == f.derivative(1).derivative(1).name == "smooth_l1\u2033"
    assert f.derivative(3).label == "smooth_l1\u2034"
    assert f.derivative(4).name == "smooth_l1^(4)"
    assert str(f.derivative(1)).startswith("smooth_l1\u2032(x) = ")


def test_a_decimal_default_is_shown_as_written_and_kept_exact():
    c = get_loss("tukey").params[0]
    assert c.default_text == "4.685" and c.decimal == "4.685"
    assert c.default * 200 == 937  # exact: 4.685 = 937/200
    assert Param("k", default=0.5).default_text == "0.5"
    assert Param("k", default=2).default_text == "2"  # an integer stays an integer
    assert "c=4.685" in repr(get_loss("tukey"))
