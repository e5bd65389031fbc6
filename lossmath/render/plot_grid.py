"""Small multiples: many losses, one small panel each, the loss and its derivative together.

A :class:`GridSpec` is the atlas's figure: a grid of panels, each showing one loss (numeric
parameters) solid and its first derivative dashed on the loss's own ``x`` range, drawn
interval by interval with the breakpoints marked, exactly as :mod:`lossmath.render.plot` draws a
single loss (it reuses :func:`lossmath.render.plot.sample`). Output is deterministic in the same
way (:class:`matplotlib.figure.Figure`, fixed style and size, no dates), and each file
carries :meth:`GridSpec.fingerprint`, a hash of what is drawn (each panel's interval
tables, titles and ranges, and the plotting code of both modules), so ``lossmath derive
--check`` can tell a stale figure without rendering it.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

from lossmath._version import __version__
from lossmath.base.symbols import x
from lossmath.core.loss import Loss
from lossmath.render.plot import (
    FINGERPRINT_PREFIX,
    FORMATS,
    PALETTE,
    PlotError,
    _source_digest,
    _style,
    sample,
)

__all__ = ["GridSpec", "Panel"]

_PANEL_INCHES = (2.55, 1.75)  # width, height of one panel: four across a page


@dataclass(frozen=True)
class Panel:
    """One loss in the grid: numeric parameters, a title, its ``x`` range."""

    loss: Loss
    title: str
    xlim: tuple[float, float] = (-3.0, 3.0)

    def __post_init__(self) -> None:
        if self.loss.expr.free_symbols - {x}:
            raise PlotError(f"panel {self.title!r}: the loss has parameters without a value")


@dataclass(frozen=True)
class GridSpec:
    """A grid of :class:`Panel` s, ``columns`` across; ``orders`` drawn in every panel
    (0 solid, 1 dashed). ``titles`` and ``caption`` as in :class:`lossmath.render.plot.FigureSpec`
    (documents read them; the panels are titled by their losses)."""

    name: str
    panels: tuple[Panel, ...]
    columns: int = 4
    orders: tuple[int, ...] = (0, 1)
    titles: tuple[str, ...] = ()
    caption: str = ""
    points: int = 301

    def __post_init__(self) -> None:
        if not self.name or not all(c.isalnum() or c in "_-" for c in self.name):
            raise PlotError(f"invalid figure name {self.name!r} (letters, digits, _ and -)")
        if not self.panels or self.columns < 1:
            raise PlotError(f"figure {self.name}: no panels")

    def fingerprint(self) -> str:
        """A hash of exactly what the grid shows; hex digits."""
        h = hashlib.sha256()

        def put(*items: object) -> None:
            for item in items:
                h.update(repr(item).encode("utf-8"))
                h.update(b"\0")

        put("lossmath-grid", __version__, _source_digest(),
            hashlib.sha256(Path(__file__).read_bytes()).hexdigest())
        put(self.name, self.columns, self.orders, self.points)
        for p in self.panels:
            put(p.title, p.xlim)
            for n in self.orders:
                table = p.loss.derivative(n).table
                put([(sp.srepr(iv.lo), sp.srepr(iv.hi), sp.srepr(iv.expr))
                     for iv in table.intervals])
                put([(sp.srepr(b.at), sp.srepr(b.value)) for b in table.breakpoints])
        return h.hexdigest()

    def render(self):
        """The grid as a :class:`matplotlib.figure.Figure`."""
        from matplotlib.figure import Figure

        rows = math.ceil(len(self.panels) / self.columns)
        with _style():
            fig = Figure(figsize=(_PANEL_INCHES[0] * self.columns, _PANEL_INCHES[1] * rows + 0.4),
                         layout="constrained")
            axes = fig.subplots(rows, self.columns, squeeze=False)
            for i, ax in enumerate(axes.flat):
                if i >= len(self.panels):
                    ax.set_axis_off()
                    continue
                _draw(ax, self.panels[i], self.orders, self.points)
            handles = [
                axes.flat[0].plot([], [], color=PALETTE[k], linestyle=_STYLES[k])[0]
                for k in range(len(self.orders))
            ]
            labels = ["$f$", "$f'$", "$f''$"][: len(self.orders)]
            fig.legend(handles, labels, loc="outside upper center", ncols=len(labels),
                       fontsize=9)
        return fig

    def files(self, formats: Sequence[str] = FORMATS) -> dict[str, bytes]:
        """``{"<name>.svg": bytes, ...}`` with the fingerprint in each file's metadata."""
        mark = FINGERPRINT_PREFIX + self.fingerprint()
        creator = f"lossmath {__version__}"
        metadata = {
            "svg": {"Date": None, "Creator": creator, "Description": mark},
            "png": {"Software": None, "Description": mark},
            "pdf": {"CreationDate": None, "ModDate": None, "Creator": creator,
                    "Producer": None, "Subject": mark},
        }
        fig = self.render()
        out = {}
        with _style():
            for fmt in formats:
                buf = io.BytesIO()
                fig.savefig(buf, format=fmt, metadata=metadata[fmt])
                out[f"{self.name}.{fmt}"] = buf.getvalue()
        return out


_STYLES = ("-", "--", ":")


def _draw(ax, panel: Panel, orders: tuple[int, ...], points: int) -> None:
    for k, n in enumerate(orders):
        data = sample(panel.loss.derivative(n), panel.xlim, points)
        color = PALETTE[k]
        for xs, ys in data.segments:
            ax.plot(xs, ys, color=color, linestyle=_STYLES[k], linewidth=1.2, zorder=2)
        if data.dots:
            ax.plot(*zip(*data.dots), linestyle="none", marker="o", markersize=2.8,
                    color=color, zorder=4)
        if data.rings:
            ax.plot(*zip(*data.rings), linestyle="none", marker="o", markersize=2.8,
                    markerfacecolor="white", markeredgecolor=color, zorder=4)
    ax.set_xlim(*panel.xlim)
    ax.axhline(0, color="0.3", linewidth=0.5)
    ax.axvline(0, color="0.3", linewidth=0.5)
    ax.set_title(panel.title, fontsize=8.5)
    ax.tick_params(labelsize=6.5)
