"""What lossmath decides about a loss, one module per question, each three-valued.

- :mod:`.smoothness`: the class at each breakpoint, exact or a lower bound;
- :mod:`.extremes`: sup |f'|, from critical points or certified by interval arithmetic;
- :mod:`.properties`: symmetry, convexity, growth, the minimum at 0;
- :mod:`.signs`: the sign of an expression on an interval, which the last two share;
- :mod:`.report`: :func:`analyse`, the whole report.

The definition side (:mod:`lossmath.loss`, :mod:`lossmath.table`, :mod:`lossmath.domain`)
never imports this package.
"""

from __future__ import annotations

from ..errors import OutOfTime, Undecided
from ..zeros import NO_LIMIT, ZeroTest, is_zero, one_sided
from .report import LossReport, analyse
from .smoothness import MAX_ORDER, BreakpointReport, breakpoint_report, class_name, parse_class

__all__ = [
    "MAX_ORDER",
    "NO_LIMIT",
    "BreakpointReport",
    "LossReport",
    "OutOfTime",
    "Undecided",
    "ZeroTest",
    "analyse",
    "breakpoint_report",
    "class_name",
    "is_zero",
    "one_sided",
    "parse_class",
]
