"""A loss's analysis as plain data: the ``lossmath check --json`` object, and
:meth:`LossReport.to_dict <lossmath.analysis.report.LossReport.to_dict>`.

Every expression is sympy's ``str()``, so ``sympy.sympify`` reads it back (our own output,
not untrusted text).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import sympy as sp

if TYPE_CHECKING:
    from lossmath.analysis.report import LossReport
    from lossmath.core.loss import Loss

__all__ = ["GLOBAL_PROPERTIES", "payload_html", "report_payload"]


def _s_or_none(e: sp.Basic | None) -> str | None:
    return None if e is None else _s(e)


def _s(e: sp.Basic) -> str:
    """sympy's str(): what JSON carries, so sympify reads it back."""
    return sp.sstr(e)


def report_payload(loss: Loss, r: LossReport) -> dict[str, Any]:
    """The ``check --json`` object of ``loss``, whose analysis is ``r``."""
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
                "class_exact": b.exact,
                "decided": "numeric" if b.numeric else "symbolic",
                **({"note": b.reason} if b.reason else {}),
            }
            for k, b in enumerate(r.breakpoints)
        ],
        "class": r.cls,
        "class_exact": r.exact,
        "symmetric": r.symmetric,
        "convex": _flag(r.convex),
        "gradient_bound": _s_or_none(r.gradient_bound),
        "gradient_bound_decided": r.gradient_bound_method if r.gradient_bound is not None else None,
        "growth": r.growth,
        "value_at_zero": _s(r.value_at_zero),
        "minimum_at_zero": r.minimum_at_zero,
        **_property_dict(r),
        "conditions": {k: _s(v) for k, v in r.conditions.items()},
        "decided": "numeric" if r.numeric else "symbolic",
        "notes": [n.text for n in r.notes],
        # False when the time guard fired: the properties not finished are null, each with
        # an "out of time" note (a definite answer is never what a slow machine printed)
        "complete": r.complete,
    }
    if r.gradient_bound_enclosure is not None:
        out["gradient_bound_enclosure"] = [repr(v) for v in r.gradient_bound_enclosure]
    return out


#: the properties of the whole function beyond smoothness: (key, kind) with kind "flag"
#: (true/false/null or a condition string) or "constant" (a sympy string, "oo", or null;
#: ``KEY_decided`` says how)
GLOBAL_PROPERTIES = (
    ("strictly_convex", "flag"),
    ("strong_convexity", "constant"),
    ("lipschitz", "constant"),
    ("curvature_bound", "constant"),
    ("bounded", "flag"),
    ("redescending", "flag"),
    ("calibrated", "flag"),
)


def _flag(v: object) -> object:
    """true/false/null, or a condition on the parameters as sympy's str()."""
    return v if v is None or isinstance(v, bool) else _s(v)


def _property_dict(r: LossReport) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, kind in GLOBAL_PROPERTIES:
        value = getattr(r, key)
        if kind == "flag":
            out[key] = _flag(value)
        else:
            out[key] = _s_or_none(value)
            method = getattr(r, f"{key}_method")
            out[f"{key}_decided"] = method if value is not None else None
    return out


def _owner_side(loss: Loss, k: int) -> str:
    """Which side's piece owns breakpoint k: 'left', 'right', 'both' (a kink) or 'point'."""
    owner = loss.table.breakpoints[k].owner
    left, right = loss.table.neighbours(k)
    if owner == left.piece == right.piece:
        return "both"
    return "left" if owner == left.piece else "right" if owner == right.piece else "point"


def payload_html(data: dict[str, Any]) -> str:
    """The payload as an HTML table (:meth:`LossReport._repr_html_`): a row per key, lists
    and dicts nested; every key and value escaped."""
    return f'<table class="lossmath-report">{_rows(data)}</table>'


def _rows(data: dict[str, Any]) -> str:
    return "".join(f'<tr><th style="text-align:left">{html.escape(str(k))}</th>'
                   f'<td style="text-align:left">{_cell(v)}</td></tr>' for k, v in data.items())


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return f"<table>{_rows(value)}</table>" if value else ""
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return "".join(f"<table>{_rows(v)}</table>" for v in value)
        return "<br>".join(html.escape(str(v)) for v in value)
    return html.escape("null" if value is None else str(value).lower()
                       if isinstance(value, bool) else str(value))
