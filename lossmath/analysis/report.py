"""The whole analysis of a loss: :func:`analyse` and its :class:`LossReport`.

Every verdict in the report is proved, disproved, or undecided (``None``, with a note saying
what could not be decided and why). A class that is only a lower bound says so
(``exact=False``); a bound certified by interval arithmetic says so (``"numeric"``).
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import weakref
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import sympy as sp

from lossmath.analysis import notes as kinds
from lossmath.analysis.boundary import interior, with_boundaries
from lossmath.analysis.calibration import calibrated
from lossmath.analysis.continuity import continuous_to
from lossmath.analysis.extremes import Bound, gradient_bound
from lossmath.analysis.moduli import curvature_bound, lipschitz, strictly_convex, strong_convexity
from lossmath.analysis.notes import Note, as_note
from lossmath.analysis.parametric import conditions
from lossmath.analysis.properties import convex, growth, minimum_at_zero, symmetric
from lossmath.analysis.smoothness import BreakpointReport, breakpoint_report, class_name
from lossmath.analysis.tails import Limits, bounded_table, redescending
from lossmath.base import budget, fresh
from lossmath.base.errors import OutOfTime, Undecided

if TYPE_CHECKING:
    from lossmath.core.loss import Loss
    from lossmath.core.table import IntervalTable

__all__ = ["LossReport", "analyse"]


@dataclass(frozen=True)
class LossReport:
    """Everything the analysis decides about a loss.

    ``symmetric``, ``convex``, ``minimum_at_zero``: True, False or None (undecided).
    ``gradient_bound``: sup |f'| (``oo`` when unbounded), None when undecided;
    ``gradient_bound_method`` is ``"symbolic"`` (exact) or ``"numeric"`` (certified, within
    ``gradient_bound_enclosure``). ``growth``: a name, or None when undecided.

    The properties of the whole function (each None when undecided, with a note;
    ``*_method`` says ``"symbolic"`` or ``"numeric"`` for the constants):

    - ``strictly_convex``: True, False or None;
    - ``strong_convexity``: ``inf f''`` over the pieces (``0`` when convex but not strongly
      convex), None when not convex (the note says "not convex") or undecided;
    - ``lipschitz``: the Lipschitz constant of f (``sup |f'|`` when f is continuous, ``oo``
      when f jumps or ``f'`` is unbounded);
    - ``curvature_bound``: the Lipschitz constant of ``f'`` (``sup |f''|`` over the pieces
      when f is C1, ``oo`` when ``f'`` jumps or ``f''`` is unbounded);
    - ``bounded``: f is bounded above on the line (``sup f < oo``); ``redescending``:
      ``f' -> 0`` at ``±oo``;
    - ``calibrated``: classification calibration of a margin loss (None for distance losses).

    ``notes`` are :class:`~lossmath.analysis.notes.Note` objects (a kind and a text).
    ``complete`` is False when the time guard (``analyse(loss, timeout=...)``, ``--timeout``)
    fired: the properties it did not finish are None with an "out of time" note.
    """

    breakpoints: tuple[BreakpointReport, ...]
    symmetric: bool | None
    convex: bool | None
    gradient_bound: sp.Expr | None
    growth: str | None
    value_at_zero: sp.Expr
    minimum_at_zero: bool | None
    notes: tuple[Note, ...] = field(default=())
    gradient_bound_method: str | None = "symbolic"
    gradient_bound_enclosure: tuple[float, float] | None = None
    strictly_convex: bool | None = None
    strong_convexity: sp.Expr | None = None
    lipschitz: sp.Expr | None = None
    curvature_bound: sp.Expr | None = None
    bounded: bool | None = None
    redescending: bool | None = None
    calibrated: bool | None = None
    strong_convexity_method: str | None = None
    lipschitz_method: str | None = None
    curvature_bound_method: str | None = None
    #: property -> sympy Boolean in the parameter under which it holds (for gradient_bound,
    #: lipschitz, curvature_bound: under which it is finite); see :mod:`.parametric`
    conditions: dict = field(default_factory=dict)
    complete: bool = True
    #: the lowest class over the allowed parameter values when a boundary value (0 for a
    #: nonnegative parameter) is less smooth than the generic ones (:mod:`.boundary`)
    family_order: float = math.inf
    #: The loss analysed, held weakly (the cache of :func:`analyse` is keyed weakly on it):
    #: :meth:`to_dict` needs it.
    _loss: weakref.ref | None = field(default=None, init=False, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data: exactly the object ``lossmath check --json`` prints
        (expressions as sympy's ``str()``)."""
        from lossmath.analysis.payload import report_payload

        loss = self._loss() if self._loss is not None else None
        if loss is None:
            raise ValueError("this report is not attached to a loss (make it with "
                             "lossmath.analyse(loss), and keep the loss)")
        return report_payload(loss, self)

    def __repr__(self) -> str:
        """One line: the loss, its class and the main verdicts (the fields: :meth:`to_dict`)."""
        loss = self._loss() if self._loss is not None else None
        yes = {True: "yes", False: "no", None: "undecided"}
        parts = [f"class={self.cls if self.exact else 'at least ' + self.cls}",
                 f"breakpoints={len(self.breakpoints)}",
                 f"convex={yes.get(self.convex, str(self.convex))}",
                 f"symmetric={yes.get(self.symmetric, str(self.symmetric))}",
                 f"sup|f'|={'undecided' if self.gradient_bound is None else self.gradient_bound}"]
        name = f"{loss.name}: " if loss is not None else ""
        return f"<LossReport {name}{', '.join(parts)}>"

    def _repr_html_(self) -> str:
        """A table for notebooks: one row per entry of :meth:`to_dict`, breakpoints as a
        nested table; every value HTML-escaped."""
        from lossmath.analysis.payload import payload_html

        return payload_html(self.to_dict())

    @property
    def order(self) -> float:
        return min(min((b.order for b in self.breakpoints), default=math.inf),
                   self.family_order)

    @property
    def exact(self) -> bool:
        """Whether :attr:`order` is the class itself (else only a lower bound)."""
        exact = [b.order for b in self.breakpoints if b.exact]
        inexact = [b.order for b in self.breakpoints if not b.exact]
        if not inexact:
            return True
        return bool(exact) and min(exact) <= min(inexact)

    @property
    def cls(self) -> str:
        return class_name(self.order)

    @property
    def numeric(self) -> bool:
        return (
            any(b.numeric for b in self.breakpoints)
            or "numeric" in (self.gradient_bound_method, self.lipschitz_method,
                             self.curvature_bound_method, self.strong_convexity_method)
            or any(n.kind in (kinds.JUMP_NUMERIC, kinds.NUMERIC) for n in self.notes)
        )


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: the properties of the analysis in progress (innermost) that ran out of time
_RUN: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("lossmath_run",
                                                                         default=None)


def analyse(loss: Loss, timeout: float | None = None, partial: bool | None = None) -> LossReport:
    """Smoothness at every breakpoint and the global properties of ``loss``.

    The report is cached per loss object. What decides each verdict is counted in work
    (:mod:`lossmath.base.budget`), so the report is the same on any machine. ``timeout``
    (seconds) is only a guard, and works in any thread: when it fires, the properties not
    finished are None with an "out of time" note and ``complete`` is False; when it fires
    before the breakpoints are decided, :class:`~lossmath.base.errors.OutOfTime` is raised
    (the command line reports either as undecided, exit 3).

    ``partial`` (by default: when ``timeout`` is given) returns such an incomplete report;
    otherwise an outer guard's firing (a command's ``--timeout`` around a document) raises
    :class:`~lossmath.base.errors.OutOfTime`, so that no document or module is ever
    written from half a report.
    """
    cached = _CACHE.get(loss)
    if cached is not None:
        return cached
    outer = _RUN.get()
    # an analysis that starts the work of this thread starts it from the same state in any
    # process (nested in a counted step, it is part of that step's work)
    scope = fresh.scope() if outer is None and not budget.counting() else contextlib.nullcontext()
    token = _RUN.set([])
    try:
        with scope, budget.deadline(timeout, f"analysing {loss.label}"):
            inner = interior(loss)  # nonnegative parameters: positive here, 0 apart
            report = _analyse(inner)
            if report.complete and inner is not loss:
                report = _undecided_on_failure(
                    "the parameters' boundary values",
                    lambda: with_boundaries(loss, report, analyse),
                    lambda note: replace(report, notes=(*report.notes, note)))
                report = replace(report, complete=not _RUN.get())
            if not report.complete and outer is not None:
                # a nested analysis (a parameter value's) half done would decide the outer
                # property from missing facts: the outer property is out of time instead
                raise OutOfTime(f"analysing {loss.label}", 0.0)
    finally:
        _RUN.reset(token)
    object.__setattr__(report, "_loss", weakref.ref(loss))
    if report.complete:
        _CACHE[loss] = report
    elif not (timeout is not None if partial is None else partial):
        raise OutOfTime(f"analysing {loss.label}", timeout or 0.0)
    return report


def _analyse(loss: Loss) -> LossReport:
    table = loss.table
    notes: list[Note | str] = [Note(kinds.DEFINITION, n) for n in table.notes]
    bps = []
    for k, bp in enumerate(table.breakpoints):
        with budget.stage(f"deciding the class at x = {bp.at}"):
            bps.append(breakpoint_report(table, k))
    notes += [
        Note(kinds.ASSUMED_ORDER, f"assumed {a} < {b}: true at the sampled parameter values, "
             "but sympy could not prove it")
        for a, b in table.assumed_order
    ]
    for b in bps:
        if not b.exact:
            notes.append(Note(kinds.CLASS_LOWER_BOUND,
                              f"at x = {b.at}: the class is at least {b.cls} ({b.reason})"))
        for t in b.tests:
            if t.method == "numeric" and t.value is False:
                notes.append(Note(
                    kinds.JUMP_NUMERIC,
                    f"at x = {b.at}: a jump was proved nonzero numerically (by its certified "
                    "value at sampled parameter values)"
                    + (f"; it vanishes when {t.condition}" if t.condition else "")
                ))
    notes += _unknown_conditions(loss, bps)
    d1, d2 = table.diff(1), table.diff(2)
    limit = Limits(table.samples)  # one-sided limits, shared by the properties below
    # conditions on a real parameter first: what they decide is not decided again
    conds, cond_notes = _undecided_on_failure(
        "conditions on the parameter", lambda: _conditions(loss, bps, d1, d2),
        lambda note: ({}, [note]))
    notes += cond_notes
    sym, note = _undecided_on_failure("symmetry", lambda: symmetric(table), _with_note)
    notes += [note] if note else []
    if "convex" in conds:
        conv = _flag(conds["convex"])
    else:
        conv, conv_notes = _undecided_on_failure(
            "convexity", lambda: convex(table, d1, d2, bps), _with_notes
        )
        notes += conv_notes
    if conds.get("gradient_bound") is sp.false:
        bound = Bound(sp.oo)
    else:
        bound = _undecided_on_failure(
            "sup |f'|", lambda: gradient_bound(d1, d2, limit),
            lambda why: Bound(None, None, note=why)
        )
    notes += [bound.note] if bound.note else []
    grow, note = _undecided_on_failure("the growth", lambda: growth(table), _with_note)
    notes += [note] if note else []
    try:
        v0 = table.value_at(sp.S.Zero)
    except ValueError:
        v0 = sp.nan
    minimum, min_notes = _undecided_on_failure(
        "whether f(0) is the minimum", lambda: minimum_at_zero(table, d1, bps, v0), _with_notes
    )
    notes += min_notes
    extra, extra_notes = _global_properties(loss, bps, conv, bound, d1, d2, conds, limit)
    notes += extra_notes
    return LossReport(
        tuple(bps),
        sym,
        conv,
        bound.value,
        grow,
        v0,
        minimum,
        tuple(dict.fromkeys(as_note(n, kinds.UNDECIDED) for n in notes)),
        bound.method,
        bound.enclosure,
        **extra,
        conditions=conds,
        complete=not _RUN.get(),
    )


def _flag(cond: sp.Basic) -> bool | sp.Basic:
    """A condition that holds for every value (or none) is a plain verdict."""
    return True if cond is sp.true else False if cond is sp.false else cond


def _conditioned_parameter(loss: Loss) -> sp.Symbol | None:
    """The parameter conditions are stated in: the only real one (the others positive), or
    the only parameter."""
    real = [q for q in loss.params if q.assume == "real"]
    if len(real) == 1 and all(q.assume == "positive" for q in loss.params if q not in real):
        return real[0].symbol
    return None


def _conditions(loss: Loss, bps, d1, d2) -> tuple[dict, list[str]]:
    p = _conditioned_parameter(loss)
    if p is None:
        return {}, []
    cont = (continuous_to(bps, 0), continuous_to(bps, 1))
    out = budget.attempt(
        lambda: conditions(loss, p, cont, analyse, (loss.table, d1, d2)), CONDITION_WORK, None
    )
    if out is None:
        return {}, [f"conditions on {p}: gave up after {CONDITION_WORK:,} function calls"]
    return out.conditions, [as_note(n, kinds.CONDITION) for n in out.notes]


#: the work (function calls) the conditions on a parameter may take
CONDITION_WORK = 5 * budget.STEP


def _bound_or_undecided(what: str):
    # the undecided reason repeats the property's name, as the committed documents show it
    return lambda note: Bound(None, None, note=Note(note.kind, f"{what}: {note.text}")
                              if note.kind == kinds.UNDECIDED else note)


def _global_properties(
    loss: Loss, bps: list[BreakpointReport], conv: bool | sp.Basic | None, grad: Bound,
    d1: IntervalTable, d2: IntervalTable, conds: dict, limit: Limits,
) -> tuple[dict, list[str]]:
    """Strict and strong convexity, the Lipschitz constants of f and f', boundedness,
    redescent and calibration, each under its own budget stage (a flag decided as a
    condition on the parameter is not decided again)."""
    table = loss.table
    if not isinstance(conv, bool):
        conv = None  # a condition: what needs a plain verdict is undecided
    d3 = d2.diff(1)
    notes: list[str] = []

    def flag(what, decide, key=""):
        if key in conds:
            return _flag(conds[key])
        verdict, note = _undecided_on_failure(what, decide, _with_note)
        notes.extend([note] if note else [])
        return verdict

    def constant(what, decide):
        b = _undecided_on_failure(what, decide, _bound_or_undecided(what))
        notes.extend([b.note] if b.note and b.value is None else [])
        return b

    strict = flag("strict convexity", lambda: strictly_convex(conv, d2), "strictly_convex")
    if isinstance(conds.get("convex"), sp.Basic) and not isinstance(_flag(conds["convex"]), bool):
        strong = Bound(None, None, note=Note(kinds.CONDITION, "strong_convexity: f is convex "
                       f"only when {sp.sstr(conds['convex'])}"))
        notes.append(strong.note)
    else:
        strong = constant("strong_convexity", lambda: strong_convexity(conv, d2, d3, limit))
    grad_bounded, _ = (_flag(conds["gradient_bound"]), "") if "gradient_bound" in conds else \
        _undecided_on_failure("bounded f'", lambda: bounded_table(d1, limit, "f'"), _with_note)
    curv_bounded, _ = (_flag(conds["curvature_bound"]), "") if "curvature_bound" in conds else \
        _undecided_on_failure("bounded f''", lambda: bounded_table(d2, limit, "f''"), _with_note)
    grad_bounded = grad_bounded if isinstance(grad_bounded, bool) else None
    curv_bounded = curv_bounded if isinstance(curv_bounded, bool) else None
    bounded = flag("bounded", lambda: bounded_table(table, limit, above=True), "bounded")
    lip = constant("lipschitz", lambda: lipschitz(bps, grad, d1, d2, grad_bounded, limit))
    curv = constant("curvature_bound", lambda: curvature_bound(bps, d2, d3, curv_bounded, limit))
    redesc = flag("redescending", lambda: redescending(d1, limit), "redescending")
    kind = getattr(loss, "kind", "distance")
    calib = flag("calibration", lambda: calibrated(kind, conv, table, d1, bps, limit))
    return {
        "strictly_convex": strict,
        "strong_convexity": strong.value,
        "strong_convexity_method": strong.method if strong.value is not None else None,
        "lipschitz": lip.value,
        "lipschitz_method": lip.method if lip.value is not None else None,
        "curvature_bound": curv.value,
        "curvature_bound_method": curv.method if curv.value is not None else None,
        "bounded": bounded,
        "redescending": redesc,
        "calibrated": calib,
    }, notes


def _undecided_on_failure(what: str, decide, undecided):
    """Run one property's decision under its own budget stage; an :class:`Undecided` from
    inside it makes that property undecided (``undecided(note)``), not the whole report.
    When the time guard has fired (or fires inside), the property is "out of time" and the
    report incomplete."""
    run = _RUN.get()
    late = Note(kinds.OUT_OF_TIME, f"{what}: out of time")
    if budget.expired() and run is not None:
        run.append(what)
        return undecided(late)
    try:
        with budget.stage(f"deciding {what}"):
            return decide()
    except Undecided as exc:
        return undecided(Note(kinds.UNDECIDED, f"{what}: {exc}"))
    except NotImplementedError as exc:  # sympy has no algorithm for a step: undecided
        reason = " ".join(str(exc).split()) or "no algorithm"
        return undecided(Note(kinds.UNDECIDED, f"{what}: sympy cannot decide it ({reason})"))
    except OutOfTime:
        if run is None or not budget.expired():
            raise  # not this thread's guard (or no report to mark incomplete)
        budget.acknowledge()
        run.append(what)
        return undecided(late)


def _with_note(why: str):
    return None, why


def _with_notes(why: str):
    return None, [why]


def _unknown_conditions(loss: Loss, bps: list[BreakpointReport]) -> list[Note]:
    """For a spec with unsolved unknowns: the values that would close each jump."""
    unknowns = [p.symbol for p in loss.params if p.name in loss.unknowns]
    notes = []
    for b in bps:
        if not b.jumps or b.order == math.inf:
            continue
        k, jump = len(b.jumps) - 1, b.jumps[-1]
        if not jump.free_symbols & set(unknowns):
            continue
        try:
            sols = sp.solve(jump, [u for u in unknowns if u in jump.free_symbols], dict=True)
        except NotImplementedError:
            sols = []
        if sols:
            values = ", ".join(f"{k_} = {v}" for k_, v in sols[0].items())
            notes.append(Note(
                kinds.JUMP_VANISHES,
                f"at x = {b.at}: f{chr(39) * k} jumps by {jump}; it vanishes when {values} "
                "(lossmath solve finds the values for every breakpoint at once)"
            ))
    return notes



