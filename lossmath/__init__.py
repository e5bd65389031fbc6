"""lossmath: derive loss functions symbolically.

Define a loss as a piecewise sympy expression (or a TOML spec / text, parsed safely),
normalise it into an interval table, take its derivatives, verify how smooth it is at every
breakpoint, solve for the constants that join its pieces, and emit LaTeX, derivation
documents and numpy code.

Every public name is loaded on first use (module ``__getattr__``), so ``import lossmath``
costs almost nothing and ``lossmath --help`` never imports sympy; ``from lossmath import
analyse`` imports what ``analyse`` needs, and the catalog builds a loss's interval table only
when it is first used.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from lossmath._version import __version__ as __version__

if TYPE_CHECKING:
    from lossmath.analysis import BreakpointReport, LossReport, ZeroTest, analyse, is_zero
    from lossmath.analysis.solve import Solution
    from lossmath.base.errors import LossError, OutOfTime, Undecided
    from lossmath.base.symbols import x
    from lossmath.catalog import UnknownLoss
    from lossmath.catalog import get as get_loss
    from lossmath.catalog import names as loss_names
    from lossmath.core.loss import Convention, Loss, Param, Reference
    from lossmath.core.table import Breakpoint, Interval, IntervalTable, build_table

#: public name -> (module, name there), imported on first access
_LAZY: dict[str, tuple[str, str]] = {
    **{n: ("lossmath.analysis", n)
       for n in ("BreakpointReport", "LossReport", "ZeroTest", "analyse", "is_zero")},
    **{n: ("lossmath.base.errors", n) for n in ("LossError", "OutOfTime", "Undecided")},
    "x": ("lossmath.base.symbols", "x"),
    "UnknownLoss": ("lossmath.catalog", "UnknownLoss"),
    "get_loss": ("lossmath.catalog", "get"),
    "loss_names": ("lossmath.catalog", "names"),
    **{n: ("lossmath.core.loss", n) for n in ("Convention", "Loss", "Param", "Reference")},
    **{n: ("lossmath.core.table", n)
       for n in ("Breakpoint", "Interval", "IntervalTable", "build_table")},
}


def __getattr__(name: str) -> object:
    """A public name (or a subpackage, ``lossmath.catalog``) imported on first access."""
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
    elif not name.startswith("_") and name.isidentifier():
        try:  # lossmath.analysis after a bare ``import lossmath``, as before
            value = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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


def compile(  # noqa: A001 - the public name shadows the builtin on purpose
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
