"""Subcommands beyond list/show/check, one module each.

Each module defines ``register(sub)``, which adds its parser to the ``argparse`` subparsers and
sets ``func`` to a callable ``(args) -> exit code``. Errors are raised as exceptions
(``LossError``/``ValueError``/``OSError``/``cli.UsageError``); ``cli.main`` prints them as one
line and exits 2.
"""

from __future__ import annotations

import importlib

#: Module names under ``lossmath.cli``, in the order they appear in ``--help``.
MODULES: tuple[str, ...] = ("solve", "derive", "codegen")


def register_all(sub) -> None:
    for name in MODULES:
        importlib.import_module(f"{__package__}.{name}").register(sub)
