"""Emitters: code generated from a loss's interval tables, in the manner of sympy's printers.

One data flow: interval tables -> :mod:`~lossmath.emit.plan` (the recognised forms of
:mod:`~lossmath.emit.forms` with the stable rewrites of :mod:`lossmath.numerics`, the specs
and their validation) -> the target-neutral lowering of :mod:`~lossmath.emit.lower` (each
expression a schedule of named operations) -> one printer per target, which maps each
operation to its own call and adds only syntax and calling conventions. Shared by every
target: the parameter-only constants (:mod:`~lossmath.emit.scalar`), the docstring text
(:mod:`~lossmath.emit.docs`) and the stable primitives' kernels (:mod:`lossmath.emit.kernels`,
real functions pasted into the generated files). ``README.md`` here says how to add a target.

* :mod:`lossmath.emit.numpy` -- one self-contained numpy module (``lossmath codegen``); its
  block code in :mod:`~lossmath.emit.numpy_code`, its runtime in
  :mod:`~lossmath.emit.numpy_runtime`.
* :mod:`lossmath.emit.numba` -- the numpy API, each function one fused loop; its loop code in
  :mod:`~lossmath.emit.numba_code`, its runtime in :mod:`~lossmath.emit.numba_runtime`.
* :mod:`lossmath.emit.arrays` -- the array-namespace printer shared by
  :mod:`~lossmath.emit.torch`, :mod:`~lossmath.emit.jax` and :mod:`~lossmath.emit.array_api`
  (module assembly and the one ``generate`` in :mod:`~lossmath.emit.array_modules`); every
  piece evaluated on a safe input inside its interval (the "double where" trick).
* :mod:`lossmath.emit.targets` -- the registry of targets (``codegen --target``) and
  :func:`~lossmath.emit.targets.compile`, the generated module in memory.

Emitters are pure functions of the tables returning text; writing files, ``--check`` and
``--diff`` live in :mod:`lossmath.io.outputs`.
"""

from __future__ import annotations

__all__: list[str] = []
