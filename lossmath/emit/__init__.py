"""Emitters: code generated from a loss's interval tables.

* :mod:`lossmath.emit.numpy` -- :func:`~lossmath.emit.numpy.generate` writes one self-contained
  numpy module with each loss's value, gradient, Hessian and value_and_grad (``lossmath
  codegen``).
* :mod:`lossmath.emit.forms` -- the branch-free forms (clip, Huber-like, steps, single
  expression) recognised in a table and proved equal to it with sympy; any backend can use
  them.

Emitters are pure functions of the tables returning text; writing files, ``--check`` and
``--diff`` live in :mod:`lossmath.outputs`.
"""

from __future__ import annotations

__all__: list[str] = []
