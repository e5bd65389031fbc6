"""Reports of a loss for people (terminal text) and for programs (JSON).

Every expression in JSON is sympy's ``str()``, so ``sympy.sympify`` reads it back (our own
output, not untrusted text).
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from .analysis import LossReport
from .escape import field
from .loss import Loss
from .textform import expr_text, loss_text

__all__ = ["report_dict", "report_text"]


def _s(e: sp.Basic) -> str:
    """sympy's str(): what JSON carries, so sympify reads it back."""
    return sp.sstr(e)


def _t(e: sp.Basic) -> str:
    """The unicode text form for people: ``|x| − β/2``, ``∞``."""
    return expr_text(e).replace("oo", "∞")


def report_dict(loss: Loss) -> dict[str, Any]:
    """The ``check --json`` object."""
    r: LossReport = loss.report
    out: dict[str, Any] = {
        "loss": loss.name,
        "params": {p.name: p.name for p in loss.params},
        "breakpoints": [
            {
                "at": _s(b.at),
                "class": b.cls,
                "jumps": [_s(j) for j in b.jumps],
                "value": _s(b.value),
                "owner": _owner_side(loss, k),
                "kind": b.kind,
                "decided": "numeric" if b.numeric else "symbolic",
            }
            for k, b in enumerate(r.breakpoints)
        ],
        "class": r.cls,
        "symmetric": r.symmetric,
        "convex": r.convex,
        "gradient_bound": _s(r.gradient_bound),
        "growth": r.growth,
        "value_at_zero": _s(r.value_at_zero),
        "minimum_at_zero": r.minimum_at_zero,
        "decided": "numeric" if r.numeric else "symbolic",
        "notes": list(r.notes),
    }
    return out


def _owner_side(loss: Loss, k: int) -> str:
    """Which side's piece owns breakpoint k: 'left', 'right', 'both' (a kink) or 'point'."""
    owner = loss.table.breakpoints[k].owner
    left, right = loss.table.neighbours(k)
    if owner == left.piece == right.piece:
        return "both"
    return "left" if owner == left.piece else "right" if owner == right.piece else "point"


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
                + (f", default {p.default})" if p.default is not None else ")")
                for p in loss.params
            )
        )
    lines.append("")
    lines.append("Definition")
    lines.append(f"  f(x) = {loss_text(loss)}")
    for n in range(derivatives + 1):
        d = loss.derivative(n)
        name = "f" + "'" * n + "(x)"
        lines.append("")
        lines.append(f"{name} by interval")
        for iv in d.table.intervals:
            lines.append(f"  x in {_interval(iv.lo, iv.hi):<22} {name} = {_t(iv.expr)}")
        for b in d.table.breakpoints:
            lines.append(f"  x = {_t(b.at):<25} {name} = {_t(b.value)}   (piece {b.owner + 1})")
    r = loss.report
    lines.append("")
    lines.append("Smoothness")
    if not r.breakpoints:
        lines.append("  no breakpoints: C∞ everywhere")
    for b in r.breakpoints:
        jumps = ", ".join(
            f"f{chr(0x2032) * k if k < 4 else f'^({k})'} {_t(j)}" for k, j in enumerate(b.jumps)
        )
        how = " (decided numerically)" if b.numeric else ""
        lines.append(f"  x = {_t(b.at):<14} {b.cls:<14} jumps (right - left): {jumps}{how}")
    lines.append("")
    lines.append("Properties")
    lines.append(f"  class          {r.cls}")
    lines.append(f"  symmetric      {_yn(r.symmetric)}")
    lines.append(f"  convex         {_yn(r.convex)}")
    lines.append(f"  sup |f'(x)|    {_t(r.gradient_bound)}")
    lines.append(f"  growth         {r.growth}")
    lines.append(
        f"  f(0)           {_t(r.value_at_zero)}" + ("  (the minimum)" if r.minimum_at_zero else "")
    )
    for note in r.notes:
        lines.append(f"  note: {note}")
    if loss.conventions:
        lines.append("")
        lines.append("Conventions")
        for c in loss.conventions:
            lines.append(f"  {c.topic}: {c.statement}")
    return "\n".join(lines) + "\n"


def _yn(v: bool | None) -> str:
    return {True: "yes", False: "no", None: "undecided"}[v]
