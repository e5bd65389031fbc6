"""The array-API printer: one module for every array library, through ``array_namespace``.

The module imports ``array_api_compat`` (and the standard library) and nothing else; each
function asks ``array_api_compat.array_namespace(x)`` for the namespace of its input and
computes with it, so the same code runs on numpy, CuPy, torch, JAX, Dask and
``array_api_strict`` arrays. The API is the numpy target's: ``NAME(x, *, params...)``,
``NAME_grad``, ``NAME_hess`` and ``NAME_value_and_grad``, keyword-only parameters (no
``out=``: the standard has none).

A Dask array stays lazy: the code has no data-dependent control flow (regimes, owners and
limits are all ``where``), so the result is a Dask graph of the same chunks, computed only
when asked. The arithmetic is the array printer's (:mod:`lossmath.emit.arrays`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lossmath.core.loss import Loss
from lossmath.emit import array_modules as M
from lossmath.emit import docs
from lossmath.emit.arrays import Namespace
from lossmath.emit.names import local, private
from lossmath.emit.plan import Spec, function_names

__all__ = ["NAMESPACE", "generate"]

NAMESPACE = Namespace("the array API", "xp.", takes_xp=True,
                      overrides={"clip": "_clip(xp, {args})"})

_RUNTIME = '''

def _has64(xp):
    """Whether float64 arrays can be made (JAX makes float32 unless x64 is enabled)."""
    if getattr(xp, "__name__", "").startswith("jax"):
        return bool(sys.modules["jax"].config.jax_enable_x64)
    return True


def _wide(xp, x):
    """float32 as float64 (float64, or no float64 in this namespace: as it is)."""
    if x.dtype == xp.float32 and _has64(xp):
        return xp.astype(x, xp.float64)
    return x


def _narrow(xp, r, dtype):
    return xp.astype(r, dtype)


def _double(xp, x):
    return xp.finfo(x.dtype).bits >= 64


def _hypot(xp, a, q):
    return xp.hypot(a, q)


def _input(func, x):
    """The namespace, x in its working dtype, and the result dtype: real floating types are
    kept (float16 computed in float32), bool and integers give float64 (float32 where the
    namespace has no float64)."""
    try:
        xp = array_namespace(x)
    except TypeError:
        raise TypeError(
            f"{func}: x must be an array of an array API library, got {type(x).__name__}"
        ) from None
    if xp.isdtype(x.dtype, "real floating"):
        dtype = x.dtype
        # float16 is not in the standard (array_api_strict has none): known by its size
        work = xp.float32 if xp.finfo(dtype).bits == 16 else dtype
    elif xp.isdtype(x.dtype, ("bool", "integral")):
        dtype = work = xp.float64 if _has64(xp) else xp.float32
    else:
        raise TypeError(f"{func}: x must hold real numbers, got dtype {x.dtype}")
    return xp, (x if work == x.dtype else xp.astype(x, work)), dtype


def _clip(xp, x, min=None, max=None):
    """xp.clip; on Dask the array's own clip, one task per chunk (array_api_compat's clip
    builds a graph that keeps every chunk: 177 MB peak for 80 MB of data, measured)."""
    if _is_dask_namespace(xp):
        return x.clip(min, max)
    return xp.clip(x, min=min, max=max)


def _out(xp, r, dtype):
    return r if r.dtype == dtype else xp.astype(r, dtype)
'''


def _public(spec: Spec, fs) -> list[str]:
    name = spec.name
    kw = M.signature(spec)
    sig = ", ".join(["x", *(["*", *kw] if kw else [])])
    names = function_names(name)
    out: list[str] = []
    args = ["x : array", "    Residuals, any shape, an array of any array API library (numpy, "
            "CuPy, torch, JAX, Dask, array_api_strict); float16/32/64 keep their dtype, "
            "integers give float64."]
    for n in (0, 1, 2, None):
        fname = names[3] if n is None else names[n]
        returns = (["value, grad : arrays", "    Of x's shape and float dtype, in x's library."]
                   if n is None else
                   ["array", "    Of x's shape and float dtype, in x's library (lazy for Dask)."])
        doc = M.function_doc(spec, n, fs, args, returns)
        out += ["", "", f"def {fname}({sig}):"] + M.docstring(doc, "    ")
        out += ["    " + t for t in M.checks(spec, fname)]
        dtype, value = local("dtype"), local("value")
        out.append(f'    xp, x, {dtype} = _input("{fname}", x)')
        pargs = "".join(f", {p}" for p in M.param_names(spec))
        if pargs:
            out.append(f'    ({", ".join(M.param_names(spec))},) = _fit("{fname}", _p, '
                       "_double(xp, x))")
        if n is None:
            out += [f"    {value} = _out(xp, {private('k0', name)}(xp, x{pargs}), {dtype})",
                    f"    return {value}, _out(xp, {private('k1', name)}(xp, x{pargs}), {dtype})"]
        else:
            out.append(f"    return _out(xp, {private(f'k{n}', name)}(xp, x{pargs}), {dtype})")
    return out


def _functions(spec: Spec, fs, has3: bool) -> tuple[list[str], list[str]]:
    return _public(spec, fs), list(function_names(spec.name))


TARGET = M.ArrayTarget(
    "array-api", NAMESPACE,
    imports=("import math", "import numbers", "import struct", "import sys", "",
             "from array_api_compat import array_namespace",
             "from array_api_compat import is_dask_namespace as _is_dask_namespace"),
    runtime=_RUNTIME, doc=docs.array_api_module, functions=_functions, third=False,
    arguments=("x", "xp"),  # xp: the kernels' first argument
    modules=("array_namespace", "math", "numbers", "struct", "sys"),
)


def generate(
    losses: Sequence[Loss | str],
    *,
    params: Mapping[str, Mapping[str, object]] | None = None,
    command: str | None = None,
) -> str:
    """The text of one array-API module (see the module docstring); the same inputs give the
    same text, byte for byte. Raises :class:`~lossmath.core.loss.LossError` as
    :func:`lossmath.emit.numpy.generate` does."""
    return M.generate(TARGET, losses, params, command)
