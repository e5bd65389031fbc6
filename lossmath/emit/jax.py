"""The JAX printer: ``jax.custom_jvp`` functions with the exact derivatives, optax signatures.

For a loss ``NAME`` the module defines ``NAME(predictions, targets=None, *, params...)``
(optax's convention: elementwise, x = predictions - targets, or the margin
predictions * targets for a loss of ``kind="margin"``), ``NAME_grad(x, *, params...)``
and ``NAME_hess(x, *, params...)``. Each is a ``custom_jvp`` whose rule is the next generated
derivative: the jvp of NAME is NAME_grad, of NAME_grad is NAME_hess, of NAME_hess the third
derivative (where it can be generated), so ``grad``, ``jit``, ``vmap`` and ``hessian`` all
work and the Hessian is the generated one, exactly. Parameters given as Python numbers
are ``nondiff_argnums``, validated on every call; given as arrays (or traced: optax's tests
call ``jit(huber_loss)(..., delta=1.0)``) they go to a second family of ``custom_jvp``
functions where they are primals, their tangent JAX's derivative of the generated kernel
(the constants' math dispatches to jnp on arrays), validated only when concrete. A target
of another shape than the predictions raises (optax's ``chex.assert_equal_shape``).

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
from lossmath.emit.names import local, private
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


def _dispatch(scalar, array):
    def fn(*args):
        if all(isinstance(a, (int, float)) for a in args):
            return scalar(*args)
        return array(*args)
    return staticmethod(fn)


# _m (the parameter-only constants' math) on an array argument (a parameter passed as an
# array, or traced by jit/grad/vmap) calls jnp's function: the constants then follow the
# parameters' shape and tracing; on Python floats it is the scalar math, as before.
for _name in ("float", "divide", "log", "power", "maximum", "minimum", "abs", "sign", "sqrt", "exp",
              "sin", "cos", "tan", "sinh", "cosh", "tanh", "log1p", "expm1", "hypot",
              "arctan", "arcsin", "arccos", "arcsinh", "arccosh", "arctanh"):
    setattr(_m, _name, _dispatch(getattr(_m, _name),
                                 (lambda a: a) if _name == "float" else getattr(jnp, _name)))


def _input(func, x, target=None, margin=False):
    """x (minus target) in its working dtype, and the result dtype: float32/float64 kept,
    float16/bfloat16 computed in float32 (input and target widened before the subtraction,
    so the residual is not rounded to half first), bool and integers in JAX's default float.
    A target of another shape than x is refused (optax's chex.assert_equal_shape: (4,)
    against (4, 1) would broadcast to (4, 4)); a scalar target is subtracted from every
    element."""
    x = jnp.asarray(x)
    if jnp.issubdtype(x.dtype, jnp.floating):
        dtype = x.dtype
    elif jnp.issubdtype(x.dtype, jnp.integer) or x.dtype == jnp.bool_:
        dtype = jnp.result_type(float)
    else:
        raise TypeError(f"{func}: x must hold real numbers, got dtype {x.dtype}")
    work = jnp.float32 if dtype.itemsize < 4 else dtype
    x = x.astype(work)
    if target is not None:
        target = jnp.asarray(target)
        if target.ndim and target.shape != x.shape:
            raise _ShapeError(
                f"{func}: predictions of shape {x.shape} and targets of shape "
                f"{target.shape} differ (they would broadcast); pass equal shapes"
            )
        target = target.astype(work)
        x = x * target if margin else x - target
    return x.astype(work), dtype


class _ShapeError(ValueError, AssertionError):
    """Mismatched shapes: a ValueError, and an AssertionError as chex raises in optax."""


def _holds(func, name, value, domain, rounded=None):
    """An array parameter in its domain, checked when its values are known (a tracer under
    jit, grad or vmap is not checked: its values are not known when the code is traced)."""
    if isinstance(value, jax.core.Tracer):
        return
    holds, text = _DOMAINS[domain]
    if bool(jnp.all(jnp.isfinite(value) & holds(value))):
        return
    if rounded is None:
        raise ValueError(f"{func}: {name} must be finite and {text}, got {value!r}")
    raise ValueError(
        f"{func}: {name} is not {text} in {rounded} (it rounds out of it), the precision x is "
        "computed in; pass float64 input"
    )


def _hyper(func, name, value, domain):
    """A parameter: a Python number validated as the other targets do (kept a Python float),
    or an array (any shape that broadcasts against x; a tracer under jit, grad, vmap) checked
    against its domain only when its values are concrete."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return _param(func, name, value, domain)
    if isinstance(value, bool) or not hasattr(value, "dtype"):
        raise TypeError(f"{func}: {name} must be a real number or array, got {value!r}")
    value = jnp.asarray(value)
    if not (jnp.issubdtype(value.dtype, jnp.floating)
            or jnp.issubdtype(value.dtype, jnp.integer)):
        raise TypeError(f"{func}: {name} must hold real numbers, got dtype {value.dtype}")
    _holds(func, name, value, domain)
    return value


def _fit_any(func, params, x):
    """The parameters as the kernels take them, and whether they are arrays: Python floats
    as :func:`_fit` gives them (rounded to float32 for float32 work); when any is an array,
    all become arrays of x's working dtype (checked again after that rounding when
    concrete)."""
    if all(isinstance(v, float) for _, v, _ in params):
        return _fit(func, params, _double(x)), False
    out = []
    for name, value, domain in params:
        a = jnp.asarray(value, dtype=x.dtype)
        _holds(func, name, a, domain, x.dtype)
        out.append(a)
    return tuple(out), True


def _missing(name):
    raise NotImplementedError(
        f"{name}: the third derivative could not be generated, so the Hessian has no jvp"
    )
'''


#: The targets of a margin loss (optax's hinge_loss(scores, labels) and perceptron_loss).
_MARGIN_TARGET = [
    "    Labels +1 or -1 multiplying predictions (same shape, or a scalar): the loss is of the "
    "margin x = predictions * targets (optax's hinge_loss and perceptron_loss); None means "
    "x = predictions. A 0 label is not mapped to -1: it gives the margin 0 (the loss at 0, "
    "neither class); pass 2*t - 1 for 0/1 labels.",
]


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
        # The rule's own names are private (a parameter may be called t or primals).
        x, t, primals, tangents = map(local, ("x", "t", "primals", "tangents"))
        f, k = private(f"f{n}", name), private(f"k{n}", name)
        nxt = f"{private(f'f{n + 1}', name)}({x}{pargs})" if n < 2 else (
            f"{private('k3', name)}({x}{pargs})" if has3 else None)
        jsig = ", ".join([*params, primals, tangents])
        out += ["", "", deco, f"def {f}(x{pargs}):",
                f'    """{name}: the {what}; its jvp is the generated next derivative."""',
                f"    return {k}(x{pargs})", "", "",
                f"@{f}.defjvp", f"def {private(f'jvp{n}', name)}({jsig}):",
                f"    ({x},), ({t},) = {primals}, {tangents}"]
        if nxt is None:
            out.append(f'    _missing("{name}_hess")')
        else:
            out.append(f"    return {f}({x}{pargs}), {nxt} * {t}")
    if params:
        out += _array_jvp_functions(spec, has3)
    return out


def _array_jvp_functions(spec: Spec, has3: bool) -> list[str]:
    """The family for array (or traced) parameters: the parameters are primals too, so
    ``grad`` with respect to them works (a learned parameter trains); their tangent is the
    kernel's own derivative with respect to them (JAX's autodiff of the generated kernel),
    the tangent of x the generated next derivative."""
    name = spec.name
    params = M.param_names(spec)
    pargs = "".join(f", {p}" for p in params)
    plist = ", ".join(params) + ("," if len(params) == 1 else "")
    # The rule's own names are private (a parameter may be called t, value or primals).
    x, t, tp, value, dp, primals, tangents = map(
        local, ("x", "t", "tp", "value", "dp", "primals", "tangents"))
    out = []
    for n in range(3):
        what = ("value", "gradient", "second derivative")[n]
        a, k = private(f"a{n}", name), private(f"k{n}", name)
        nxt = f"{private(f'a{n + 1}', name)}({x}{pargs})" if n < 2 else (
            f"{private('k3', name)}({x}{pargs})" if has3 else None)
        out += ["", "", "@jax.custom_jvp", f"def {a}(x{pargs}):",
                f'    """{name}: the {what}, array parameters (differentiable)."""',
                f"    return {k}(x{pargs})", "", "",
                f"@{a}.defjvp", f"def {private(f'ajvp{n}', name)}({primals}, {tangents}):",
                f"    ({x}, {plist}), ({t}, *{tp}) = {primals}, {tangents}",
                f"    {value}, {dp} = jax.jvp(lambda {plist}: {k}({x}{pargs}), "
                f"({plist}), tuple({tp}))"]
        if nxt is None:
            out.append(f'    return {value}, _missing("{name}_hess")')
        else:
            out.append(f"    return {value}, {nxt} * {t} + {dp}")
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
                    *(_MARGIN_TARGET if spec.loss.kind == "margin" else [
                        "    Subtracted from predictions (same shape, or a scalar); None means "
                        "x = predictions."])]
            head = ["predictions", "targets=None"]
            how = ", margin=True" if spec.loss.kind == "margin" else ""
            call = '_input("{f}", predictions, targets' + how + ')'
        else:
            args = ["x : array_like", "    Residuals, any shape."]
            head = ["x"]
            call = '_input("{f}", x)'
        doc = M.function_doc(spec, n, fs, args, [
            "jax.Array", "    Elementwise, of x's float dtype; differentiable to any order by "
            "the generated derivatives (custom_jvp)."])
        sig = ", ".join([*head, *(["*", *kw] if kw else [])])
        out += ["", "", f"def {fname}({sig}):"] + M.docstring(doc, "    ")
        out += ["    " + t.replace("= _param(", "= _hyper(") for t in M.checks(spec, fname)]
        dtype, arrays = local("dtype"), local("arrays")
        out.append(f"    x, {dtype} = {call.format(f=fname)}")
        pargs = "".join(f", {p}" for p in params)
        if params:
            out.append(f'    ({", ".join(params)},), {arrays} = _fit_any("{fname}", _p, x)')
            out += [f"    if {arrays}:",
                    f"        return {private(f'a{n}', name)}(x{pargs}).astype({dtype})"]
        out.append(f"    return {private(f'f{n}', name)}(x{pargs}).astype({dtype})")
    return out


def _functions(spec: Spec, fs, has3: bool) -> tuple[list[str], list[str]]:
    code = _jvp_functions(spec, has3) + _public(spec, fs)
    return code, [spec.name, f"{spec.name}_grad", f"{spec.name}_hess"]


TARGET = M.ArrayTarget(
    "jax", NAMESPACE,
    imports=("import functools", "import math", "import numbers", "import struct", "",
             "import jax", "import jax.numpy as jnp"),
    runtime=_RUNTIME, doc=docs.jax_module, functions=_functions,
    arguments=("x", "predictions", "targets"),
    modules=("functools", "jax", "jnp", "math", "numbers", "struct"),
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
