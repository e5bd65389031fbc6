"""The boundary values of parameter assumptions: ``nonnegative`` includes 0.

The analysis decides a family at generic parameter values (positive samples for a
nonnegative parameter), where ``sqrt(x**2 + c)`` is C∞. The declaration also allows
``c = 0``, where the same formula is ``|x|``, C0. So every parameter declared
``nonnegative`` or ``nonpositive`` is also analysed at 0, and the report covers both:

- the class is the family's lowest (attained at the boundary value, so still exact), with a
  note naming both;
- a flag that differs becomes a condition on the parameter (``c > 0`` or ``Eq(c, 0)``)
  where the report states conditions (convexity, boundedness, redescent), else undecided;
- a constant (sup |f'|, ...) is kept when its one-sided limit at the boundary value equals
  the boundary's own value, else it is undecided, with a note giving both;
- a value at which the formula has no value is a note.

The generic report itself is of :func:`interior`: the parameter declared positive.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import sympy as sp

from lossmath.analysis import notes as kinds
from lossmath.analysis.notes import Note
from lossmath.base import budget
from lossmath.base.errors import LossError, Undecided

if TYPE_CHECKING:
    from lossmath.analysis.report import LossReport
    from lossmath.core.loss import Loss

__all__ = ["CONSTANTS", "FLAGS", "interior", "with_boundaries"]

FLAGS = ("symmetric", "convex", "minimum_at_zero", "strictly_convex", "bounded",
         "redescending", "calibrated")
#: the flags a report may state as a condition on a parameter (the others become undecided)
CONDITIONAL = ("convex", "strictly_convex", "bounded", "redescending")
CONSTANTS = ("gradient_bound", "strong_convexity", "lipschitz", "curvature_bound")
#: the work one boundary value's analysis may take (the nested analysis' own shares inside)
BOUNDARY_WORK = 20 * budget.STEP


def interior(loss: Loss) -> Loss:
    """``loss`` with every ``nonnegative`` parameter declared ``positive`` (``nonpositive``:
    ``negative``): the generic values, analysed apart from the boundary value 0, so that
    the signs the analysis needs (``c*x**2`` grows when ``c > 0``) are fixed."""
    moved = {p.symbol: replace(p, assume="positive" if p.assume == "nonnegative" else
                               "negative")
             for p in loss.params if p.assume in ("nonnegative", "nonpositive")}
    if not moved:
        return loss
    return replace(loss, expr=loss.expr.xreplace({s: p.symbol for s, p in moved.items()}),
                   params=tuple(moved.get(p.symbol, p) for p in loss.params), _table=None)


def _text(v: object) -> str:
    return "undecided" if v is None else sp.sstr(v) if isinstance(v, sp.Basic) else str(v)


def with_boundaries(loss: Loss, report: LossReport,
                    analyse: Callable[[Loss], LossReport]) -> LossReport:
    """``report`` made to cover the boundary value 0 of every parameter declared
    ``nonnegative`` or ``nonpositive`` (see the module docstring)."""
    for p in loss.params:
        if p.assume not in ("nonnegative", "nonpositive"):
            continue
        report = _one(loss, report, p, analyse)
    return report


def _one(loss: Loss, report: LossReport, p, analyse) -> LossReport:
    c = p.symbol
    where = f"{p.name} = 0 (allowed: {p.name} {'>=' if p.assume == 'nonnegative' else '<='} 0)"
    try:
        point = loss.subs(**{p.name: 0})
        edge = budget.attempt(lambda: analyse(point), BOUNDARY_WORK, None)
    except (LossError, Undecided, ValueError) as exc:
        return replace(report, notes=(*report.notes, Note(
            kinds.BOUNDARY, f"at {where}: no report ({exc}); the verdicts hold for "
            f"{p.name} {'>' if p.assume == 'nonnegative' else '<'} 0")))
    if edge is None:
        return _undecided_everything(report, where)
    generic = ">" if p.assume == "nonnegative" else "<"
    inside = sp.Gt(c, 0) if generic == ">" else sp.Lt(c, 0)
    at = sp.Eq(c, 0)
    changes: dict = {}
    notes: list[Note] = []
    if edge.order < report.order:
        changes["family_order"] = min(edge.order, report.family_order)
        notes.append(Note(kinds.BOUNDARY, f"at {where}: f is {edge.cls}, while it is "
                          f"{report.cls} for {p.name} {generic} 0"))
    conds = dict(report.conditions)
    for key in FLAGS:
        v, w = getattr(report, key), getattr(edge, key)
        if v == w or (v is None):
            continue
        if isinstance(v, bool) and isinstance(w, bool) and key in CONDITIONAL:
            cond = inside if v else at
            changes[key] = cond
            conds[key] = cond
            notes.append(Note(kinds.BOUNDARY, f"{key}: {_text(v)} for {p.name} {generic} 0, "
                              f"{_text(w)} at {where}"))
        else:
            changes[key] = None
            notes.append(Note(kinds.UNDECIDED, f"{key}: {_text(v)} for {p.name} {generic} 0, "
                              f"{_text(w)} at {where}"))
    for key in CONSTANTS:
        v, w = getattr(report, key), getattr(edge, key)
        if v is None or v == w:
            continue
        # the generic report's symbol is the interior one (declared positive): same name
        sym = next((s for s in v.free_symbols if s.name == p.name), None)
        near = v if sym is None else budget.attempt(
            lambda v=v, sym=sym: sp.limit(v, sym, 0, "+" if generic == ">" else "-"),
            budget.STEP, None)
        if near is not None and w is not None and not near.has(sp.Limit) and (
                sp.simplify(near - w) == 0 if not near.has(sp.oo, sp.zoo) else
                (near in (sp.oo, sp.zoo) and w == sp.oo)):
            continue
        changes[key] = None
        notes.append(Note(kinds.UNDECIDED, f"{key}: {_text(v)} for {p.name} {generic} 0, "
                          f"{_text(w)} at {where}"))
    if report.growth is not None and edge.growth != report.growth:
        changes["growth"] = None
        notes.append(Note(kinds.UNDECIDED, f"growth: {report.growth} for {p.name} {generic} 0, "
                          f"{_text(edge.growth)} at {where}"))
    if not changes and not notes:
        return report
    return replace(report, **changes, conditions=conds,
                   notes=tuple(dict.fromkeys((*report.notes, *notes))))


def _undecided_everything(report: LossReport, where: str) -> LossReport:
    """The boundary value could not be analysed within its work share: every verdict that
    it could change is undecided."""
    fields = {k: None for k in (*FLAGS, *CONSTANTS, "growth")}
    return replace(report, **fields, family_order=math.inf, notes=(*report.notes, Note(
        kinds.UNDECIDED, f"at {where}: the analysis ran out of its work share; the "
                         "verdicts are undecided")))
