"""Figures of losses and their derivatives (matplotlib, headless, deterministic).

A figure is described by a :class:`FigureSpec`: a few :class:`Curve` s (a loss with numeric
parameters, a legend label, a colour) and the derivative orders to draw, one panel per order,
panels side by side on a shared ``x`` axis. Every curve is drawn interval by interval from
the loss's table (:attr:`lossmath.Loss.table`), so a jump in a derivative stays a jump (no
vertical line joining the sides), and every breakpoint is marked: a filled dot at the value
the loss takes there, an open circle at each one-sided limit that differs from it (the
textbook picture of ``sign(x)``).

Determinism. Figures are made with :class:`matplotlib.figure.Figure` (no ``pyplot``, no GUI
backend), under matplotlib's default style plus the fixed settings in ``_RC`` whatever the
user's ``matplotlibrc`` says, at a fixed size and resolution, with the SVG hash salt fixed
and every date and version field removed. The same matplotlib gives byte-identical files.

Fingerprints. A figure's bytes may legitimately change with the matplotlib (or FreeType)
version, so staleness is not decided by comparing them. Instead :func:`fingerprint` hashes
what is plotted, exactly: each curve's interval table and breakpoints of every drawn order
(sympy ``srepr``), the labels, colours and limits, the lossmath version and this module's
source. Every figure file carries it in its metadata (:data:`FINGERPRINT_PREFIX`), and the
documents that show the figure embed it, so ``lossmath derive --check`` can tell a stale
figure without rendering anything.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import sympy as sp

from lossmath._version import __version__
from lossmath.base.symbols import x
from lossmath.core.loss import Loss
from lossmath.exact.zeros import one_sided

__all__ = [
    "Curve",
    "FigureSpec",
    "PlotError",
    "FINGERPRINT_PREFIX",
    "FORMATS",
    "figure_files",
    "fingerprint",
    "has_fingerprint",
    "render",
    "sample",
]

#: Metadata marker every figure file carries, followed by the figure's fingerprint.
FINGERPRINT_PREFIX = "lossmath-figure sha256:"

#: File formats written for every figure: SVG for Markdown, PNG for everything else, PDF
#: (vector) for the LaTeX documents.
FORMATS: tuple[str, ...] = ("svg", "png", "pdf")

#: Colour-blind-safe palette (Okabe and Ito), in the order curves take them.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

#: The CJK font of Chinese labels (Debian: fonts-noto-cjk), a serif like the documents'.
CJK_FONT = "Noto Serif CJK SC"

_RC = {
    "svg.hashsalt": "lossmath",  # element ids are hashes salted with this, not random
    "svg.fonttype": "path",  # glyphs as paths: the SVG renders without our fonts
    # Computer Modern, the documents' serif, for text and math; it ships with matplotlib,
    # so it is the same everywhere. cmr10 has no minus sign, so tick labels are set as
    # math (cmsy10 has one).
    "font.family": ["cmr10"],
    "mathtext.fontset": "cm",
    "axes.formatter.use_mathtext": True,
    "axes.unicode_minus": True,
    # TrueType glyphs embedded as Type 42 (outlines, searchable), not Type 3 bitmaps-in-
    # procedures, in the PDFs the LaTeX documents include.
    "pdf.fonttype": 42,
    "axes.grid": True,
    "grid.alpha": 0.35,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": None,  # a fixed canvas: "tight" would depend on text extents
}

_SIZE = (8.0, 3.7)  # inches: two panels side by side, readable at page width


class PlotError(ValueError):
    """A figure cannot be drawn (the message names the curve and what is missing)."""


@dataclass(frozen=True)
class Curve:
    """One loss in a figure; its parameters must all have values (``loss.with_defaults()``)."""

    loss: Loss
    label: str  # matplotlib mathtext allowed: r"smooth $L_1$"
    color: str | None = None  # PALETTE by position when None
    linestyle: str = "-"


@dataclass(frozen=True)
class FigureSpec:
    """What a figure shows: curves, derivative orders (one panel each), axis limits.

    ``ylims`` has one entry per panel (``None`` lets matplotlib choose); ``titles`` likewise
    (defaults: "loss", "first derivative", ...). ``caption`` is not drawn: documents use it.
    """

    name: str
    curves: tuple[Curve, ...]
    orders: tuple[int, ...] = (0, 1)
    xlim: tuple[float, float] = (-3.0, 3.0)
    ylims: tuple[tuple[float, float] | None, ...] = ()
    titles: tuple[str, ...] = ()
    caption: str = ""
    points: int = 601
    ylabels: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.name or not all(c.isalnum() or c in "_-" for c in self.name):
            raise PlotError(f"invalid figure name {self.name!r} (letters, digits, _ and -)")
        if not self.curves:
            raise PlotError(f"figure {self.name}: no curves")
        if not self.orders or any(n < 0 for n in self.orders):
            raise PlotError(f"figure {self.name}: orders must be >= 0, got {self.orders}")
        lo, hi = self.xlim
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise PlotError(f"figure {self.name}: invalid xlim {self.xlim}")
        for c in self.curves:
            free = c.loss.expr.free_symbols - {x}
            if free:
                names = ", ".join(sorted(str(s) for s in free))
                raise PlotError(
                    f"figure {self.name}: curve {c.label!r} has parameter(s) without a value "
                    f"({names}); plot loss.with_defaults() or loss.subs({names}=...)"
                )

    def color(self, i: int) -> str:
        return self.curves[i].color or PALETTE[i % len(PALETTE)]

    def title(self, k: int) -> str:
        if k < len(self.titles):
            return self.titles[k]
        n = self.orders[k]
        return ("loss", "first derivative", "second derivative")[n] if n < 3 else f"derivative {n}"

    def ylabel(self, k: int) -> str:
        if k < len(self.ylabels):
            return self.ylabels[k]
        n = self.orders[k]
        return "$f(x)$" if n == 0 else "$f" + "'" * n + "(x)$" if n < 4 else f"$f^{{({n})}}(x)$"


# -- data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sampled:
    """One curve in one panel: line segments (one per interval) and breakpoint markers."""

    segments: tuple[tuple[tuple[float, ...], tuple[float, ...]], ...]
    dots: tuple[tuple[float, float], ...]  # the value at a breakpoint
    rings: tuple[tuple[float, float], ...]  # one-sided limits that differ from it


def _float(e: sp.Expr) -> float:
    v = complex(sp.N(e, 17))
    if v.imag != 0 or not math.isfinite(v.real):
        raise PlotError(f"value {e} is not a finite real number")
    return v.real


def sample(loss: Loss, xlim: tuple[float, float], points: int = 601) -> Sampled:
    """Evaluate ``loss`` interval by interval on ``points`` equally spaced ``x`` in ``xlim``.

    Each interval's segment also gets its end points (the one-sided limits), so segments
    meet exactly at continuous breakpoints and stay apart at jumps.
    """
    import numpy as np

    lo_x, hi_x = xlim
    grid = np.linspace(lo_x, hi_x, points)
    segments = []
    for iv in loss.table.intervals:
        a = -math.inf if iv.lo == -sp.oo else _float(iv.lo)
        b = math.inf if iv.hi == sp.oo else _float(iv.hi)
        if b <= lo_x or a >= hi_x:
            continue
        inner = grid[(grid > a) & (grid < b)]
        f = sp.lambdify(x, iv.expr, modules="numpy")
        ys = np.broadcast_to(np.asarray(f(inner), dtype=float), inner.shape)
        xs, vals = list(inner), list(ys)
        if a > lo_x:
            xs.insert(0, a)
            vals.insert(0, _float(one_sided(iv.expr, iv.lo, "+")))
        if b < hi_x:
            xs.append(b)
            vals.append(_float(one_sided(iv.expr, iv.hi, "-")))
        segments.append((tuple(float(v) for v in xs), tuple(float(v) for v in vals)))
    dots, rings = [], []
    for k, bp in enumerate(loss.table.breakpoints):
        at = _float(bp.at)
        if not lo_x < at < hi_x:
            continue
        value = _float(bp.value)
        dots.append((at, value))
        left, right = loss.table.neighbours(k)
        for iv, side in ((left, "-"), (right, "+")):
            lim = _float(one_sided(iv.expr, bp.at, side))
            if not math.isclose(lim, value, rel_tol=1e-12, abs_tol=1e-12):
                rings.append((at, lim))
    return Sampled(tuple(segments), tuple(dots), tuple(rings))


def _source_digest() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def fingerprint(spec: FigureSpec) -> str:
    """A hash of exactly what the figure shows (see the module docstring); hex digits."""
    h = hashlib.sha256()

    def put(*items: object) -> None:
        for item in items:
            h.update(repr(item).encode("utf-8"))
            h.update(b"\0")

    put("lossmath", __version__, _source_digest())
    put(spec.name, spec.orders, spec.xlim, spec.ylims, spec.points)
    put([spec.title(k) for k in range(len(spec.orders))])
    put([spec.ylabel(k) for k in range(len(spec.orders))])
    for i, c in enumerate(spec.curves):
        put(c.label, spec.color(i), c.linestyle)
        for n in spec.orders:
            table = c.loss.derivative(n).table
            put([(sp.srepr(iv.lo), sp.srepr(iv.hi), sp.srepr(iv.expr)) for iv in table.intervals])
            put([(sp.srepr(b.at), sp.srepr(b.value)) for b in table.breakpoints])
    return h.hexdigest()


# -- drawing ----------------------------------------------------------------------------


def _has_cjk(text: str) -> bool:
    return any("\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


def _texts(spec: FigureSpec) -> list[str]:
    """Every text a figure draws (legend labels, panel titles, axis labels)."""
    n = len(spec.orders)
    return ([c.label for c in spec.curves] + [spec.title(k) for k in range(n)]
            + [spec.ylabel(k) for k in range(n)])


def _needs_cjk(spec: FigureSpec) -> bool:
    mixed = [t for t in _texts(spec) if "$" in t and _has_cjk(t)]
    if mixed:
        raise PlotError(f"figure {spec.name}: label {mixed[0]!r} mixes Chinese and $...$ "
                        "math, which matplotlib cannot draw with one font; separate them")
    return any(_has_cjk(t) for t in _texts(spec))


def _has_font(font_manager, name: str) -> bool:
    """Is font ``name`` known to matplotlib? Its font list is cached from the first run, so
    a font installed since (fonts-noto-cjk) is looked for among the system's font files."""
    if any(f.name == name for f in font_manager.fontManager.ttflist):
        return True
    stem = name.replace(" ", "").replace("SC", "")  # "Noto Serif CJK SC" -> NotoSerifCJK
    for path in font_manager.findSystemFonts():
        if Path(path).name.startswith(stem):
            font_manager.fontManager.addfont(path)
    return any(f.name == name for f in font_manager.fontManager.ttflist)


def _style(cjk: bool = False) -> ExitStack:
    """matplotlib's defaults plus ``_RC``; with ``cjk``, the CJK font as the fallback for
    characters Computer Modern lacks (plain text only: matplotlib's mathtext has no
    fallback, so a label mixing Chinese and ``$...$`` is refused)."""
    import logging

    import matplotlib as mpl
    import matplotlib.style

    stack = ExitStack()
    stack.enter_context(matplotlib.style.context("default"))
    rc = dict(_RC)
    if cjk:
        from matplotlib import font_manager

        if not _has_font(font_manager, CJK_FONT):
            raise PlotError(f"Chinese labels need the font {CJK_FONT} "
                            "(apt-get install fonts-noto-cjk)")
        rc["font.family"] = [*_RC["font.family"], CJK_FONT]
    stack.enter_context(mpl.rc_context(rc))
    # fontTools, which subsets the embedded fonts, logs harmless complaints about the
    # fonts' timestamps and tables; they are not the user's concern.
    tools = logging.getLogger("fontTools")
    level = tools.level
    tools.setLevel(logging.ERROR)
    stack.callback(tools.setLevel, level)
    return stack


_FIGURE_CLASS: list[type] = []


def figure_class() -> type:
    """A :class:`matplotlib.figure.Figure` that shows itself in a notebook.

    Jupyter shows a plain Figure made without pyplot only as ``<Figure size ... with 3
    Axes>`` unless ``%matplotlib inline`` ran first (IPython registers its PNG formatter for
    Figure when a backend is activated). IPython also asks any object for ``_repr_png_``,
    so this subclass draws itself to PNG (at the documents' 100 dpi) in a fresh kernel.
    Made on first use: matplotlib is imported only when a figure is drawn.
    """
    if not _FIGURE_CLASS:
        from matplotlib.figure import Figure

        class LossFigure(Figure):
            """A Figure of a loss that displays itself inline in Jupyter (``_repr_png_``)."""

            def _repr_png_(self) -> bytes:
                buf = io.BytesIO()
                self.savefig(buf, format="png")
                return buf.getvalue()

        _FIGURE_CLASS.append(LossFigure)
    return _FIGURE_CLASS[0]


def render(spec: FigureSpec):
    """The figure as a :class:`matplotlib.figure.Figure` (no pyplot; safe headless) that
    displays itself in a notebook (:func:`figure_class`)."""
    cjk = _needs_cjk(spec)
    with _style(cjk):
        fig = figure_class()(figsize=_SIZE, layout="constrained")
        axes = fig.subplots(1, len(spec.orders), sharex=True, squeeze=False)[0]
        for k, (ax, n) in enumerate(zip(axes, spec.orders)):
            for i, curve in enumerate(spec.curves):
                data = sample(curve.loss.derivative(n), spec.xlim, spec.points)
                color = spec.color(i)
                for j, (xs, ys) in enumerate(data.segments):
                    ax.plot(xs, ys, color=color, linestyle=curve.linestyle, linewidth=1.8,
                            label=curve.label if j == 0 else None, zorder=2)
                # Markers above every line, so a breakpoint is never hidden by another curve.
                if data.dots:
                    ax.plot(*zip(*data.dots), linestyle="none", marker="o", markersize=4.5,
                            color=color, zorder=4)
                if data.rings:
                    ax.plot(*zip(*data.rings), linestyle="none", marker="o", markersize=4.5,
                            markerfacecolor="white", markeredgecolor=color, zorder=4)
            ax.set_xlim(*spec.xlim)
            if k < len(spec.ylims) and spec.ylims[k] is not None:
                ax.set_ylim(*spec.ylims[k])
            ax.axhline(0, color="0.3", linewidth=0.6)
            ax.axvline(0, color="0.3", linewidth=0.6)
            ax.set_title(spec.title(k), fontsize=11)
            ax.set_xlabel("$x$")
            ax.set_ylabel(spec.ylabel(k))
        # One legend for all panels, above them: inside an axes it would cover curves.
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper center",
                   ncols=min(len(spec.curves), 4), fontsize=10)
    return fig


def figure_files(spec: FigureSpec, formats: Sequence[str] = FORMATS) -> dict[str, bytes]:
    """``{"<name>.svg": bytes, ...}``: the figure in each format, fingerprint in metadata."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise PlotError(f"unknown figure format(s) {', '.join(unknown)} (use {', '.join(FORMATS)})")
    mark = FINGERPRINT_PREFIX + fingerprint(spec)
    creator = f"lossmath {__version__}"
    metadata = {
        # Dates and software versions would make every build differ; the fingerprint
        # names what is drawn instead.
        "svg": {"Date": None, "Creator": creator, "Description": mark},
        "png": {"Software": None, "Description": mark},
        "pdf": {"CreationDate": None, "ModDate": None, "Creator": creator, "Producer": None,
                "Subject": mark},
    }
    fig = render(spec)
    out = {}
    with _style(_needs_cjk(spec)):
        for fmt in formats:
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, metadata=metadata[fmt])
            out[f"{spec.name}.{fmt}"] = buf.getvalue()
    return out


def has_fingerprint(content: bytes, digest: str) -> bool:
    """Does a figure file's content carry this fingerprint? (Uncompressed metadata in all
    three formats: an SVG element, a PNG ``tEXt`` chunk, a PDF info string.)"""
    return (FINGERPRINT_PREFIX + digest).encode("ascii") in content


# -- a loss at a glance (Loss.plot) -------------------------------------------------------


def default_xlim(loss: Loss) -> tuple[float, float]:
    """A symmetric ``x`` range that shows every breakpoint of ``loss`` (numeric parameters)
    with room on both sides: ``(-3, 3)``, or wider for far breakpoints."""
    ends = [abs(_float(b.at)) for b in loss.table.breakpoints]
    half = float(max([3, *(math.ceil(2 * e) for e in ends)]))
    return (-half, half)


def drawable(
    loss: Loss, orders: Sequence[int], xlim: tuple[float, float]
) -> tuple[tuple[int, ...], tuple[tuple[int, str], ...]]:
    """The orders of ``loss`` that can be drawn on ``xlim``, and (order, why) for the
    others (a derivative unbounded at a breakpoint, ``f'`` of ``sqrt(|x|)``)."""
    ok, left_out = [], []
    for n in orders:
        try:
            sample(loss.derivative(n), xlim)
        except PlotError as exc:
            left_out.append((n, str(exc)))
        else:
            ok.append(n)
    return tuple(ok), tuple(left_out)


def plot_loss(
    loss: Loss,
    orders: Sequence[int] = (0, 1, 2),
    xlim: tuple[float, float] | None = None,
    params: dict[str, object] | None = None,
):
    """:meth:`lossmath.Loss.plot`: a Figure of ``loss`` and its derivatives at its
    parameters' defaults (``params`` override them), breakpoints marked as in the documents.
    """
    numeric = loss.subs({**loss.defaults, **(params or {})})
    free = [p.name for p in numeric.params]
    if free:
        raise PlotError(f"{loss.name}: parameter(s) {', '.join(free)} have no default; give "
                        f"a value: {loss.name}.plot({free[0]}=...)")
    xlim = default_xlim(numeric) if xlim is None else (float(xlim[0]), float(xlim[1]))
    shown, left_out = drawable(numeric, orders, xlim)
    if not shown:
        raise PlotError(f"{loss.name}: nothing to draw: {left_out[0][1]}")
    name = "".join(c if c.isalnum() or c in "_-" else "_" for c in loss.name) or "loss"
    label = loss.name if loss.name.isascii() else name
    return render(FigureSpec(name, (Curve(numeric, label),), orders=shown, xlim=xlim))
