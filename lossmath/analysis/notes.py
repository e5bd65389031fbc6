"""A report's notes as data: each has a kind (what code may decide on) and a text (for people).

No code decides anything from a note's wording; it reads :attr:`Note.kind`. The texts are
English and may change freely.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ASSUMED_ORDER", "BOUNDARY", "CLASS_LOWER_BOUND", "CONDITION", "DEFINITION", "INFO",
    "JUMP_NUMERIC", "JUMP_VANISHES", "NOT_CONVEX", "NOT_MARGIN", "NUMERIC", "OUT_OF_TIME",
    "UNDECIDED", "Note",
    "as_note",
]

#: the definition's own notes (the interval table's: where it is defined, what was assumed)
DEFINITION = "definition"
#: an order of breakpoints assumed from sampled parameter values, not proved
ASSUMED_ORDER = "assumed_order"
#: the class at a breakpoint is only a lower bound
CLASS_LOWER_BOUND = "class_lower_bound"
#: a jump proved nonzero numerically (certified values at sampled parameters)
JUMP_NUMERIC = "jump_numeric"
#: the values of unsolved unknowns that would close a jump
JUMP_VANISHES = "jump_vanishes"
#: a property decided by a certified numeric computation
NUMERIC = "numeric"
#: strong convexity is not defined: f is not convex
NOT_CONVEX = "not_convex"
#: calibration does not apply: not a margin loss
NOT_MARGIN = "not_margin"
#: what a parameter's boundary value (0 for a nonnegative one) changes
BOUNDARY = "boundary"
#: a condition on a parameter (its derivation or its limits)
CONDITION = "condition"
#: a property is undecided; the text says why
UNDECIDED = "undecided"
#: a property was not finished when the time guard fired
OUT_OF_TIME = "out_of_time"
#: anything else worth telling
INFO = "info"


@dataclass(frozen=True)
class Note:
    """One note of a report: ``kind`` (one of this module's constants) and ``text``."""

    kind: str
    text: str

    def __str__(self) -> str:
        return self.text


def as_note(note: Note | str, kind: str) -> Note:
    """``note`` itself, or a text given the kind its producer's context implies."""
    return note if isinstance(note, Note) else Note(kind, note)
