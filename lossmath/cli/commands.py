"""The commands: their names and one-line summaries, and the modules of those beyond
list/show/check.

Each module in :data:`MODULES` defines ``register(sub)``, which adds its parser to the
``argparse`` subparsers and sets ``func`` to a callable ``(args) -> exit code``. Errors are
raised as exceptions (``LossError``/``ValueError``/``OSError``/``cli.UsageError``);
``cli.main`` prints them as one line and exits 2. This module imports nothing: the parser of
``lossmath --help`` is built from :data:`SUMMARIES` alone.
"""

from __future__ import annotations

import importlib

#: Every command and its line in ``lossmath --help``, in that order. The command's own
#: parser takes its help from here, so the two cannot differ.
SUMMARIES: dict[str, str] = {
    "list": "list the catalog losses",
    "show": "definition, derivatives and smoothness report",
    "check": "smoothness class; exit 1 when --require fails",
    "solve": "solve a spec's unknowns so the pieces join; exit 1 when impossible",
    "derive": "build derivation documents (Markdown, LaTeX, figures, PDF); --check for CI",
    # Every target of lossmath.emit.targets (not imported here: it needs sympy); a test
    # keeps the list complete.
    "codegen": "write a module (numpy, torch, torch-fused, jax, array-api, numba, "
               "statsmodels, least-squares or gbdt) with each loss's value, gradient and "
               "Hessian",
}

#: Module names under ``lossmath.cli``, in the order they appear in ``--help``.
MODULES: tuple[str, ...] = ("solve", "derive", "codegen")


def register_all(sub) -> None:
    for name in MODULES:
        importlib.import_module(f"{__package__}.{name}").register(sub)
