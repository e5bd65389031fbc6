"""The JAX printer: ``jax.custom_jvp`` functions with the exact derivatives, optax signatures.

For a loss ``NAME`` the module defines ``NAME(predictions, targets=None, *, params...)``
(optax's convention: elementwise, x = predictions - targets), ``NAME_grad(x, *, params...)``
and ``NAME_hess(x, *, params...)``. Each is a ``custom_jvp`` whose rule is the next generated
derivative: the jvp of NAME is NAME_grad, of NAME_grad is NAME_hess, of NAME_hess the third
derivative (where it can be generated), so ``grad``, ``jit``, ``vmap`` and ``hessian`` all
work and the Hessian is the generated one, exactly. Parameters are Python numbers
(``nondiff_argnums``), validated on every call.

The arithmetic is the array printer's (:mod:`lossmath.emit.arrays`). float32 pieces that take
more than one rounding are computed in float64 when x64 is enabled
(``jax_enable_x64``), in float32 otherwise (JAX's default has no float64).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lossmath.core.loss import Loss
from lossmath.emit import array_modules as M
from lossmath.emit import docs
from lossmath.emit.arrays import Namespace
from lossmath.emit.plan import Spec

__all__ = ["NAMESPACE", "generate"]

NAMESPACE = Namespace("jax", "jnp.")

_RUNTIME = '''

def _wide(x):
    """float32 as float64 when x64 is enabled (else there is no float64: as it is)."""
    if x.dtype == jnp.float32 and jax.config.jax_enable_x64:
        return x.astype(jnp.float64)
    return x


def _narrow(r, dtype):
    return r.astype(dtype)


def _double(x):
    return x.dtype.itemsize >= 8


def _hypot(a, q):
    return jnp.hypot(a, q)


def _input(func, x, target=None):
    """x (minus target) in its working dtype, and the result dtype: float32/float64 kept,
    float16/bfloat16 computed in float32, bool and integers in JAX's default float."""
    x = jnp.asarray(x)
    if target is not None:
        x = x - jnp.asarray(target)
    if jnp.issubdtype(x.dtype, jnp.floating):
        dtype = x.dtype
    elif jnp.issubdtype(x.dtype, jnp.integer) or x.dtype == jnp.bool_:
        dtype = jnp.result_type(float)
    else:
        raise TypeError(f"{func}: x must hold real numbers, got dtype {x.dtype}")
    work = jnp.float32 if dtype.itemsize < 4 else dtype
    return x.astype(work), dtype


def _missing(name):
    raise NotImplementedError(
        f"{name}: the third derivative could not be generated, so the Hessian has no jvp"
    )
'''


def _jvp_functions(spec: Spec, has3: bool) -> list[str]:
    name = spec.name
    params = M.param_names(spec)
    pargs = "".join(f", {p}" for p in params)
    nondiff = ", ".join(str(i + 1) for i in range(len(params)))
    deco = (f"@functools.partial(jax.custom_jvp, nondiff_argnums=({nondiff},))" if params
            else "@jax.custom_jvp")
    out = []
    for n in range(3):
        what = ("value", "gradient", "second derivative")[n]
        nxt = f"_{name}_f{n + 1}(x{pargs})" if n < 2 else (
            f"_{name}_k3(x{pargs})" if has3 else None)
        jsig = ", ".join([*params, "primals", "tangents"])
        out += ["", "", deco, f"def _{name}_f{n}(x{pargs}):",
                f'    """{name}: the {what}; its jvp is the generated next derivative."""',
                f"    return _{name}_k{n}(x{pargs})", "", "",
                f"@_{name}_f{n}.defjvp", f"def _{name}_f{n}_jvp({jsig}):",
                "    (x,), (t,) = primals, tangents"]
        if nxt is None:
            out.append(f'    _missing("{name}_hess")')
        else:
            out.append(f"    return _{name}_f{n}(x{pargs}), {nxt} * t")
    return out


def _public(spec: Spec, fs) -> list[str]:
    name = spec.name
    kw = M.signature(spec)
    params = M.param_names(spec)
    out: list[str] = []
    for n in range(3):
        fname = f"{name}{('', '_grad', '_hess')[n]}"
        if n == 0:
            args = ["predictions : array_like", "    Predictions, any shape.",
                    "targets : array_like, optional",
                    "    Subtracted from predictions (broadcast); None means x = predictions."]
            head = ["predictions", "targets=None"]
            call = '_input("{f}", predictions, targets)'
        else:
            args = ["x : array_like", "    Residuals, any shape."]
            head = ["x"]
            call = '_input("{f}", x)'
        doc = M.function_doc(spec, n, fs, args, [
            "jax.Array", "    Elementwise, of x's float dtype; differentiable to any order by "
            "the generated derivatives (custom_jvp)."])
        sig = ", ".join([*head, *(["*", *kw] if kw else [])])
        out += ["", "", f"def {fname}({sig}):"] + M.docstring(doc, "    ")
        out += ["    " + t for t in M.checks(spec, fname)]
        out.append(f"    x, dtype = {call.format(f=fname)}")
        if params:
            out.append(f'    ({", ".join(params)},) = _fit("{fname}", _p, _double(x))')
        pargs = "".join(f", {p}" for p in params)
        out.append(f"    return _{name}_f{n}(x{pargs}).astype(dtype)")
    return out


def _functions(spec: Spec, fs, has3: bool) -> tuple[list[str], list[str]]:
    code = _jvp_functions(spec, has3) + _public(spec, fs)
    return code, [spec.name, f"{spec.name}_grad", f"{spec.name}_hess"]


TARGET = M.ArrayTarget(
    "jax", NAMESPACE,
    imports=("import functools", "import math", "import numbers", "import struct", "",
             "import jax", "import jax.numpy as jnp"),
    runtime=_RUNTIME, doc=docs.jax_module, functions=_functions,
)


def generate(
    losses: Sequence[Loss | str],
    *,
    params: Mapping[str, Mapping[str, object]] | None = None,
    command: str | None = None,
) -> str:
    """The text of one JAX module (see the module docstring); the same inputs give the
    same text, byte for byte. Raises :class:`~lossmath.core.loss.LossError` as
    :func:`lossmath.emit.numpy.generate` does."""
    return M.generate(TARGET, losses, params, command)
