"""The three ways lossmath declines to give an answer, one exit code each.

- :class:`LossError`: the input is wrong (a malformed or undefined definition, a parameter
  out of range). The CLI exits 2.
- :class:`Undecided`: the input may be fine, but lossmath can neither prove nor disprove what
  it needs (a condition whose roots sympy cannot enumerate, a domain it cannot certify).
  The CLI exits 3.
- :class:`OutOfTime`: the time budget ran out (:mod:`lossmath.base.budget`). The CLI exits 3.
"""

from __future__ import annotations

__all__ = ["LossError", "OutOfTime", "Undecided"]


class LossError(ValueError):
    """A loss definition or a parameter value is invalid; the message names the problem."""


class Undecided(Exception):
    """lossmath cannot decide something it needs; the message says what and why."""


class OutOfTime(BaseException):
    """A time budget ran out.

    A ``BaseException``, so that sympy's own ``except Exception`` handlers cannot swallow it
    when it is raised inside a sympy call. ``what`` names the budget that ran out.
    """

    def __init__(self, what: str, seconds: float, token: object | None = None) -> None:
        super().__init__(f"gave up after {seconds:g} s while {what}" if seconds > 0
                         else f"out of time while {what}")
        self.what = what
        self.seconds = seconds
        self.token = token
