"""lossmath: derive loss functions symbolically.

Define a loss as a piecewise sympy expression, normalise it into an interval table, take its
derivatives, and verify how smooth it is at every breakpoint.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .analysis import BreakpointReport, LossReport, ZeroTest, analyse, is_zero
from .catalog import UnknownLoss
from .catalog import get as get_loss
from .catalog import names as loss_names
from .loss import Convention, Loss, LossError, Param, Reference
from .symbols import x
from .table import Breakpoint, Interval, IntervalTable, build_table

__all__ = [
    "Breakpoint",
    "BreakpointReport",
    "Convention",
    "Interval",
    "IntervalTable",
    "Loss",
    "LossError",
    "LossReport",
    "Param",
    "Reference",
    "UnknownLoss",
    "ZeroTest",
    "analyse",
    "build_table",
    "get_loss",
    "is_zero",
    "loss_names",
    "x",
]
