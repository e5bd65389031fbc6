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

Names in generated code (:mod:`~lossmath.emit.names`): a generated module holds the user's
names -- each loss's public functions (and, for torch, its ``nn.Module`` class, the loss name
in CamelCase) and keyword arguments named after its parameters -- and lossmath's. No user name
may start with ``_``; every identifier a printer introduces besides the target's declared
interface (its public arguments such as ``x``, ``out`` or ``reduction`` and the modules it
imports, which user names may not take) starts with ``_``: runtime helpers, the private names
derived from a loss (``_lm_KIND_NAME``, one-to-one because KIND has no underscore), locals of
functions that also see the parameters (``_lm_t`` in a JAX jvp rule) and the attributes under
which an ``nn.Module`` keeps its parameters (``_lm_p_NAME``). User names must be NFKC-normal
(Python normalises identifiers), and two that meet after CamelCase or lower-casing are
refused with a message naming both; the finished module is checked to bind each top-level
name once. New printers, and frameworks taking hyperparameters as tensors, put their own
identifiers in the same ``_lm_`` space through :func:`~lossmath.emit.names.private` and
:func:`~lossmath.emit.names.local`.

Line 1 of every generated module declares UTF-8 and line 2 is fixed text, so no spec path in
the regenerate command (line 3) can choose the source encoding (PEP 263); the module check
compiles the bytes that are written, decoded as ``import`` decodes them.

Emitters are pure functions of the tables returning text; writing files, ``--check`` and
``--diff`` live in :mod:`lossmath.io.outputs`.
"""

from __future__ import annotations

__all__: list[str] = []
