"""lossmath: derive loss functions symbolically.

Define a loss as a piecewise sympy expression (or a TOML spec / text, parsed safely),
normalise it into an interval table, take its derivatives, verify how smooth it is at every
breakpoint, solve for the constants that join its pieces, and emit LaTeX, derivation
documents and numpy code.

The heavier front ends (documents, code generation) are imported on first use, so
``import lossmath`` stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from lossmath._version import __version__ as __version__
from lossmath.analysis import BreakpointReport, LossReport, ZeroTest, analyse, is_zero
from lossmath.base.errors import LossError, OutOfTime, Undecided
from lossmath.base.symbols import x
from lossmath.catalog import UnknownLoss
from lossmath.catalog import get as get_loss
from lossmath.catalog import names as loss_names
from lossmath.core.loss import Convention, Loss, Param, Reference
from lossmath.core.table import Breakpoint, Interval, IntervalTable, build_table

if TYPE_CHECKING:
    from lossmath.analysis.solve import Solution


def load_spec(path: str | os.PathLike[str]) -> Loss:
    """A loss from a TOML spec file; see :func:`lossmath.spec.toml.load_spec`."""
    from lossmath.spec.toml import load_spec as _load

    return _load(path)


def loss_from_expr(text: str, name: str = "expr") -> Loss:
    """A loss from one safe inline expression; see :func:`lossmath.spec.toml.loss_from_expr`."""
    from lossmath.spec.toml import loss_from_expr as _from

    return _from(text, name)


def solve_unknowns(loss: Loss, require: float | None = None) -> Solution:
    """Solve a loss's unknowns; ``require=None`` for the smoothest class reachable.

    See :func:`lossmath.analysis.solve.solve_unknowns` and
    :func:`lossmath.analysis.solve.solve_best`.
    """
    from lossmath.analysis.solve import solve_best
    from lossmath.analysis.solve import solve_unknowns as _solve

    return solve_best(loss) if require is None else _solve(loss, require)


def generate_numpy(
    losses: Sequence[Loss | str],
    *,
    params: Mapping[str, Mapping[str, object]] | None = None,
    command: str | None = None,
) -> str:
    """Numpy module text for ``losses``; see :func:`lossmath.emit.numpy.generate`."""
    from lossmath.emit.numpy import generate

    return generate(losses, params=params, command=command)


def compile(  # noqa: A001 - lossmath.compile, as the issue names it
    loss: Loss | str | Sequence[Loss | str],
    target: str = "numpy",
    params: Mapping[str, object] | None = None,
    **options: str,
):
    """The generated module of ``loss`` for ``target`` ("numpy", "torch", "jax",
    "array-api", "numba", "statsmodels", "least-squares", "gbdt"), in memory; ``options``
    are the target's own (``hessian="bound"`` for gbdt); see
    :func:`lossmath.emit.targets.compile`."""
    from lossmath.emit.targets import compile as _compile

    return _compile(loss, target, params, **options)


def loss_latex(loss: Loss, form: str = "pieces") -> str:
    """Textbook LaTeX of a loss; see :func:`lossmath.render.latex.loss_latex`."""
    from lossmath.render.latex import loss_latex as _latex

    return _latex(loss, form)


__all__ = [
    "Breakpoint",
    "BreakpointReport",
    "Convention",
    "Interval",
    "IntervalTable",
    "Loss",
    "LossError",
    "LossReport",
    "OutOfTime",
    "Param",
    "Reference",
    "Undecided",
    "UnknownLoss",
    "ZeroTest",
    "analyse",
    "build_table",
    "compile",
    "generate_numpy",
    "get_loss",
    "is_zero",
    "load_spec",
    "loss_from_expr",
    "loss_latex",
    "loss_names",
    "solve_unknowns",
    "x",
]
