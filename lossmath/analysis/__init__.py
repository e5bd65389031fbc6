"""What lossmath decides about a loss, one module per question, each three-valued.

- :mod:`.smoothness`: the class at each breakpoint, exact or a lower bound;
- :mod:`.extremes`: sup |f'| and sup |f''| (from critical points or certified by interval
  arithmetic), inf f'';
- :mod:`.properties`: symmetry, convexity, growth, the minimum at 0;
- :mod:`.moduli`: the Lipschitz constants of f and f', strict and strong convexity;
- :mod:`.tails`: limits at the ends: bounded, redescending;
- :mod:`.calibration`: classification calibration of margin losses;
- :mod:`.continuity`: whether f and f' are continuous, from the breakpoint classes;
- :mod:`.parametric`: properties as conditions on one real parameter;
- :mod:`.signs`: the sign of an expression on an interval, which the others share;
- :mod:`.report`: :func:`analyse`, the whole report.

The definition side (:mod:`lossmath.core.loss`, :mod:`lossmath.core.table`,
:mod:`lossmath.exact.domain`) never imports this package.
"""

from __future__ import annotations

from lossmath.analysis.report import LossReport, analyse
from lossmath.analysis.smoothness import (
    MAX_ORDER,
    BreakpointReport,
    breakpoint_report,
    class_name,
    parse_class,
)
from lossmath.base.errors import OutOfTime, Undecided
from lossmath.exact.zeros import NO_LIMIT, ZeroTest, is_zero, one_sided

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
