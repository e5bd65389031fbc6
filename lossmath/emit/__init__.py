"""Emitters: code generated from a loss's interval tables, in the manner of sympy's printers.

One data flow: interval tables -> :mod:`~lossmath.emit.plan` (the recognised forms of
:mod:`~lossmath.emit.forms` with the stable rewrites of :mod:`lossmath.numerics`, the specs
and their validation) -> one printer per target, which adds only syntax and calling
conventions. The shared docstring text is in :mod:`~lossmath.emit.docs`.

* :mod:`lossmath.emit.numpy` -- :func:`~lossmath.emit.numpy.generate` writes one self-contained
  numpy module with each loss's value, gradient, Hessian and value_and_grad (``lossmath
  codegen``); its runtime helpers are in :mod:`~lossmath.emit.numpy_runtime`, its stable
  primitives in :mod:`~lossmath.emit.numpy_primitives`.
* :mod:`lossmath.emit.arrays` -- the array-namespace printer shared by
  :mod:`~lossmath.emit.torch`, :mod:`~lossmath.emit.jax` and :mod:`~lossmath.emit.array_api`
  (module assembly in :mod:`~lossmath.emit.array_modules`); every piece evaluated on a safe
  input inside its interval (the "double where" trick).
* :mod:`lossmath.emit.targets` -- the registry of targets (``codegen --target``) and
  :func:`~lossmath.emit.targets.compile`, the generated module in memory.

Emitters are pure functions of the tables returning text; writing files, ``--check`` and
``--diff`` live in :mod:`lossmath.io.outputs`.
"""

from __future__ import annotations

__all__: list[str] = []
