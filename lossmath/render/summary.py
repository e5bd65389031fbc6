"""Reports of a loss for people (terminal text) and for programs (JSON).

Every expression in JSON is sympy's ``str()``, so ``sympy.sympify`` reads it back (our own
output, not untrusted text).
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from lossmath.analysis import LossReport, analyse, class_name
from lossmath.analysis.notes import NOT_CONVEX, NOT_MARGIN
from lossmath.analysis.payload import GLOBAL_PROPERTIES, report_payload
from lossmath.core.loss import Loss
from lossmath.io.escape import field
from lossmath.render.textform import expr_text, loss_text, piece_texts

__all__ = ["class_text", "report_dict", "report_text"]


def class_text(order: float, exact: bool) -> str:
    """``C1``, or ``at least C8`` when the class is only a lower bound."""
    return class_name(order) if exact else f"at least {class_name(order)}"


def _t(e: sp.Basic) -> str:
    """The unicode text form for people: ``|x| − β/2``, ``∞``."""
    return expr_text(e).replace("oo", "∞")


def report_dict(loss: Loss) -> dict[str, Any]:
    """The ``check --json`` object (:func:`lossmath.analysis.payload.report_payload`); a
    report the time guard cut short is printed as such (``"complete": false``)."""
    return report_payload(loss, analyse(loss, partial=True))


def _interval(lo: sp.Expr, hi: sp.Expr) -> str:
    lo_s = "−∞" if lo == -sp.oo else _t(lo)
    hi_s = "∞" if hi == sp.oo else _t(hi)
    return f"({lo_s}, {hi_s})"


def report_text(loss: Loss, derivatives: int = 2) -> str:
    """Definition, derivatives per interval, smoothness at each breakpoint, properties."""
    # Spec text is shown one value per line: a newline in it cannot forge a report line.
    lines = [f"{loss.name}: {field(loss.title)}" if loss.title else loss.name]
    if loss.description:
        lines.append(f"  {field(loss.description)}")
    for ref in loss.references:
        link = ref.link()
        lines.append(f"  Reference: {field(ref.cite())}" + (f" <{field(link)}>" if link else ""))
    if loss.params:
        lines.append(
            "  Parameters: "
            + ", ".join(
                f"{p.name} ({p.assume}"
                + (f", default {p.default_text})" if p.default is not None else ")")
                for p in loss.params
            )
        )
    lines.append("")
    lines.append("Definition")
    lines.append(f"  f(x) = {loss_text(loss)}")
    pieces = piece_texts(loss)
    if len(pieces) > 1:
        width = len(f"piece {len(pieces)}:")
        for k, text in enumerate(pieces, 1):
            lines.append(f"  {f'piece {k}:':<{width}} {text}")
        lines.append("  At a breakpoint, f and its derivatives take the value of the piece that")
        lines.append("  owns the point, shown as (piece k).")
    for n in range(derivatives + 1):
        d = loss.derivative(n)
        name = "f" + "\u2032" * n + "(x)"
        rows = [(f"x in {_interval(iv.lo, iv.hi)}", f"{name} = {_t(iv.expr)}", "")
                for iv in d.table.intervals]
        rows += [(f"x = {_t(b.at)}", f"{name} = {_t(b.value)}",
                  f"(piece {b.owner + 1})" if len(pieces) > 1 else "")
                 for b in d.table.breakpoints]
        lines.append("")
        lines.append(f"{name} by interval")
        lines += _columns(rows)
    r = analyse(loss)
    lines.append("")
    lines.append("Smoothness")
    if not r.breakpoints:
        lines.append("  no breakpoints: C∞ everywhere")
    rows = []
    for b in r.breakpoints:
        jumps = ", ".join(
            f"f{chr(0x2032) * k if k < 4 else f'^({k})'} {_t(j)}" for k, j in enumerate(b.jumps)
        )
        how = " (decided numerically)" if b.numeric else ""
        cls = class_text(b.order, b.exact)
        rows.append((f"x = {_t(b.at)}", cls, f"jumps (right − left): {jumps}{how}"))
    lines += _columns(rows)
    lines.append("")
    lines.append("Properties")
    lines.append(f"  class          {class_text(r.order, r.exact)}")
    lines.append(f"  symmetric      {_yn(r.symmetric)}")
    lines.append(f"  convex         {_yn_or_when(r.convex)}")
    bound = "undecided" if r.gradient_bound is None else _t(r.gradient_bound)
    if r.gradient_bound is not None and r.gradient_bound_method == "numeric":
        bound += " (certified numerically)"
    lines.append(f"  sup |f\u2032(x)|    {bound}")
    lines.append(f"  growth         {r.growth or 'undecided'}")
    lines.append(
        f"  f(0)           {_t(r.value_at_zero)}" + ("  (the minimum)" if r.minimum_at_zero else "")
    )
    lines += _property_lines(r)
    for note in r.notes:
        lines.append(f"  note: {note.text}")
    if loss.conventions:
        lines.append("")
        lines.append("Conventions")
        for c in loss.conventions:
            lines.append(f"  {c.topic}: {c.statement}")
    return "\n".join(lines) + "\n"


_PROPERTY_LABELS = {
    "strictly_convex": "strictly convex",
    "strong_convexity": "inf f\u2033 (strong convexity)",
    "lipschitz": "Lipschitz constant of f",
    "curvature_bound": "Lipschitz constant of f\u2032",
    "bounded": "bounded above (sup f < ∞)",
    "redescending": "redescending (f\u2032 \u2192 0 at \u00b1\u221e)",
    "calibrated": "classification-calibrated",
}


def _property_lines(r: LossReport) -> list[str]:
    rows = []
    for key, kind in GLOBAL_PROPERTIES:
        value = getattr(r, key)
        if kind == "flag":
            text = _yn_or_when(value)
            if key == "calibrated" and value is None and any(n.kind == NOT_MARGIN for n in r.notes):
                text = "not a margin loss"
        else:
            text = "undecided" if value is None else _t(value)
            if value is not None and getattr(r, f"{key}_method") == "numeric":
                text += " (certified numerically)"
            if key == "strong_convexity" and value is None and any(
                n.kind == NOT_CONVEX for n in r.notes
            ):
                text = "not convex"
        rows.append((_PROPERTY_LABELS[key], text))
    width = max(len(a) for a, _ in rows)
    return [f"  {a:<{width}}  {b}" for a, b in rows]


def _columns(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows of cells as indented lines, each column as wide as its widest cell."""
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def _yn_or_when(v: object) -> str:
    """yes / no / undecided, or ``when α ≥ 1`` for a condition on the parameters."""
    return _yn(v) if v is None or isinstance(v, bool) else f"when {_t(v)}"


def _yn(v: bool | None) -> str:
    return {True: "yes", False: "no", None: "undecided"}[v]
