r"""lossmath's verdict on each hand-declared trait of :mod:`~.anchors`, with its proof.

For every :class:`~lossmath.crosscheck.anchors.Declaration` :func:`compare` answers the same
question with lossmath's analysis (:func:`lossmath.analyse`) of the catalog loss the anchor is
(or of the anchor's own formula when the catalog has none), and says why:

- the **verdict** is three-valued like every lossmath property; a trait lossmath does not
  compute is *not compared*;
- the **reason** is read off the interval table and the report: which derivative jumps at
  which breakpoint, where ``f''`` vanishes or tends to 0, what ``sup |f'|`` is;
- a **witness** (:class:`Witness`) is a counterexample point for a trait that fails: two
  points whose midpoint lies above the chord (not convex) or on it (not strictly convex),
  a pair whose slope exceeds a bound (not Lipschitz), one-sided difference quotients that
  differ at a kink (not differentiable). Witnesses are searched numerically at the
  anchor's instance parameters and kept only when they hold at 50 digits; they are stated
  for the anchor's own function, so :func:`holds` (and the tests, independently of
  lossmath) can check them against the library's formula.

A declaration **disagrees** only when lossmath proves the opposite (never from an undecided
verdict). The comparison is fair to the library's definitions (:data:`~.anchors.TRAITS`):
LossFunctions' ``isdifferentiable`` means differentiable everywhere, ``isstronglyconvex``
means ``m``-strongly convex for some ``m > 0``; classification calibration is decided by
the criterion of Bartlett, Jordan and McAuliffe (2006) only for convex losses, for which it is
necessary and sufficient (Theorem 6), so a nonconvex loss's calibration is undecided here.
"""

from __future__ import annotations

from collections.abc import Sequence

from lossmath.crosscheck.anchors import DECLARATIONS, Declaration
from lossmath.crosscheck.questions import QUESTIONS
from lossmath.crosscheck.witnesses import (
    ANALYSIS_WORK,
    Comparison,
    Witness,
    anchor_loss,
    context,
    holds,
    instance_loss,
    report_of,
    state,
)
from lossmath.io import progress

__all__ = [
    "ANALYSIS_WORK",
    "Comparison",
    "Witness",
    "anchor_loss",
    "compare",
    "compare_all",
    "holds",
    "instance_loss",
    "report_of",
]


def compare(decl: Declaration) -> Comparison:
    """lossmath's verdict on one declaration, with its reason and, for a disagreement, a
    checked counterexample."""
    question = decl.definition.compares
    if not question:
        return Comparison(decl, "not compared", None, "lossmath does not compute this trait.")
    c = context(decl)
    verdict, reason, witness = QUESTIONS[question](c)
    if verdict is None:
        return Comparison(decl, "undecided", None, reason)
    same = _same(decl.declared, verdict)
    if witness is not None:
        witness = state(witness, decl.anchor)
    status = "agrees" if same else "disagrees"
    return Comparison(decl, status, verdict, reason, None if same else witness)


def _same(declared: object, verdict: object) -> bool:
    if isinstance(declared, tuple):
        return tuple(sorted(declared, key=str)) == tuple(sorted(verdict, key=str)) or (
            verdict is declared)
    return declared == verdict


_COMPARED: dict[Declaration, Comparison] = {}


def compare_all(declarations: Sequence[Declaration] = DECLARATIONS) -> list[Comparison]:
    """Every declaration's comparison, in order (each computed once per process)."""
    for i, d in enumerate(declarations, 1):
        if d not in _COMPARED:
            progress.step(f"comparing {d.anchor.library} {d.anchor.name} {d.trait}", i,
                          len(declarations))
            _COMPARED[d] = compare(d)
    return [_COMPARED[d] for d in declarations]
