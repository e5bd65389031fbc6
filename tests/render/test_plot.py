"""Figures: drawn interval by interval, breakpoints marked, deterministic files, and a
fingerprint that changes exactly when what is plotted changes."""

from __future__ import annotations

import struct
import subprocess
import sys

import pytest
import sympy as sp

from lossmath import Loss, get_loss, x
from lossmath.render.plot import (
    FINGERPRINT_PREFIX,
    Curve,
    FigureSpec,
    PlotError,
    figure_files,
    fingerprint,
    has_fingerprint,
    sample,
)


def _spec(beta=1, label=r"smooth $L_1$", name="cmp") -> FigureSpec:
    return FigureSpec(
        name,
        (Curve(get_loss("l1"), "$L_1$"), Curve(get_loss("l2"), "$L_2$"),
         Curve(get_loss("smooth_l1").subs(beta=beta), label)),
        ylims=((-0.2, 4.0), (-3.0, 3.0)),
    )


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return figure_files(_spec())


def test_files_are_byte_identical_when_rendered_again(files):
    assert figure_files(_spec()) == files
    assert sorted(files) == ["cmp.pdf", "cmp.png", "cmp.svg"]


def test_every_file_carries_the_fingerprint_and_no_date_or_version(files):
    digest = fingerprint(_spec())
    for name, content in files.items():
        assert has_fingerprint(content, digest), name
        assert not has_fingerprint(content, fingerprint(_spec(beta=2))), name
        assert b"Matplotlib v" not in content and b"matplotlib version" not in content, name
    assert b"<dc:date>" not in files["cmp.svg"]
    assert b"/CreationDate" not in files["cmp.pdf"]
    assert b"Software" not in files["cmp.png"]


def test_png_has_the_fixed_size(files):
    png = files["cmp.png"]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1200, 555)


def test_user_rc_settings_do_not_change_the_output(files):
    import matplotlib as mpl

    with mpl.rc_context({"lines.linewidth": 7, "font.size": 20, "svg.hashsalt": None,
                         "axes.prop_cycle": mpl.cycler(color=["k"])}):
        assert figure_files(_spec()) == files


def test_fingerprint_follows_what_is_plotted():
    base = fingerprint(_spec())
    assert fingerprint(_spec()) == base
    assert fingerprint(_spec(beta=2)) != base  # another loss table
    assert fingerprint(_spec(label="sl1")) != base  # another label
    assert fingerprint(_spec(name="other")) != base
    moved = FigureSpec("cmp", _spec().curves, xlim=(-2.0, 2.0), ylims=_spec().ylims)
    assert fingerprint(moved) != base
    assert len(base) == 64 and FINGERPRINT_PREFIX.endswith("sha256:")


def test_a_jump_stays_a_jump_with_dots_and_rings():
    data = sample(get_loss("l1").derivative(), (-2.0, 2.0), 41)
    (left_xs, left_ys), (right_xs, right_ys) = data.segments
    assert left_xs[-1] == 0.0 and left_ys[-1] == -1.0  # the left limit, not a joining line
    assert right_xs[0] == 0.0 and right_ys[0] == 1.0
    assert data.dots == ((0.0, 0.0),)  # sign(0) = 0, the value lossmath uses
    assert sorted(data.rings) == [(0.0, -1.0), (0.0, 1.0)]


def test_continuous_pieces_meet_at_the_breakpoints():
    data = sample(get_loss("smooth_l1").with_defaults(), (-3.0, 3.0), 61)
    assert len(data.segments) == 3
    for (xa, ya), (xb, yb) in zip(data.segments, data.segments[1:]):
        assert xa[-1] == xb[0] and ya[-1] == pytest.approx(yb[0])
    assert data.dots == ((-1.0, 0.5), (1.0, 0.5)) and data.rings == ()


def test_breakpoints_outside_the_range_are_not_marked():
    data = sample(get_loss("smooth_l1").subs(beta=5), (-3.0, 3.0), 31)
    assert len(data.segments) == 1 and data.dots == ()


def test_a_parameter_without_a_value_is_a_clear_error():
    with pytest.raises(PlotError, match=r"'smooth' has parameter\(s\) without a value \(beta\)"):
        FigureSpec("f", (Curve(get_loss("smooth_l1"), "smooth"),))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "a b"}, "invalid figure name"),
        ({"curves": ()}, "no curves"),
        ({"xlim": (1.0, -1.0)}, "invalid xlim"),
        ({"orders": (-1,)}, "orders must be >= 0"),
    ],
)
def test_invalid_specs_are_rejected(kwargs, message):
    args = {"name": "f", "curves": (Curve(get_loss("l2"), "l2"),), **kwargs}
    with pytest.raises(PlotError, match=message):
        FigureSpec(**args)


def test_any_loss_can_be_plotted_including_transcendental_pieces():
    logcosh = Loss("logcosh", sp.log(sp.cosh(x)))
    wing = Loss("capped", sp.Piecewise((1 - sp.exp(-x**2), sp.Abs(x) < 2), (1, True)))
    out = figure_files(FigureSpec("mixed", (Curve(logcosh, "log cosh"), Curve(wing, "capped")),
                                  orders=(0, 1, 2)), formats=("png",))
    assert list(out) == ["mixed.png"]


@pytest.mark.subprocess
def test_plotting_never_imports_pyplot():
    code = (
        "import sys\n"
        "from lossmath import get_loss\n"
        "from lossmath.render.plot import Curve, FigureSpec, figure_files\n"
        "figure_files(FigureSpec('f', (Curve(get_loss('l2'), 'l2'),)), formats=('png',))\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "False"


def test_figures_use_the_documents_serif_and_embed_outline_fonts(files):
    """Computer Modern (the LaTeX documents' serif) for text and math, embedded as TrueType
    (Type 42), not as Type 3 procedures and not DejaVu Sans."""
    pdf = files["cmp.pdf"]
    assert b"/Type3" not in pdf and b"DejaVu" not in pdf
    assert b"/FontFile2" in pdf  # an embedded TrueType font program
    assert b"Cmr10" in pdf and b"Cmmi10" in pdf


def test_chinese_labels_mixed_with_math_are_refused():
    spec = FigureSpec("zh", (Curve(get_loss("l1"), "光滑 $L_1$"),))
    with pytest.raises(PlotError, match="mixes Chinese and"):
        figure_files(spec)
