"""The torch printer: a module that imports only torch (and the standard library).

For a loss ``NAME`` (class name ``Name``, CamelCase) it defines

* ``NAME(input, target=None, *, params..., reduction="mean", weight=None)``, in
  ``torch.nn.functional``'s conventions: x = input - target (input when target is None), the
  elementwise loss times ``weight`` (broadcast), reduced by ``"none"``, ``"mean"`` or ``"sum"``;
* ``NAME_grad(x, *, params...)`` and ``NAME_hess(x, *, params...)``, elementwise;
* ``class Name(torch.nn.Module)`` with the parameters and ``reduction`` as constructor
  arguments;
* three ``torch.autograd.Function`` classes: the value, whose backward is the generated
  gradient; the gradient, whose backward is the generated Hessian (so double backward and
  Hessian-vector products are exact); the Hessian, whose backward is f''' from the interval
  table of order 3 (or an error naming the loss when f''' cannot be emitted).

The arithmetic is the array printer's (:mod:`lossmath.emit.arrays`): the numpy target's
forms, operation order, owners of breakpoints and limits, every piece on a safe input.
Device-agnostic: nothing leaves the input's device. float16 and bfloat16 are computed in
float32 and rounded once; float32 pieces that take more than one rounding, and the stable
primitives, in float64 (CPU and CUDA have it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lossmath.core.loss import Loss
from lossmath.emit import array_modules as M
from lossmath.emit import docs
from lossmath.emit.arrays import Namespace
from lossmath.emit.plan import Spec

__all__ = ["NAMESPACE", "generate"]

NAMESPACE = Namespace("torch", "torch.", overrides={"sign": "_sign({0})"})

_RUNTIME = '''

def _wide(x):
    """float32 as float64 (float64: as it is)."""
    return x.double() if x.dtype == torch.float32 else x


def _narrow(r, dtype):
    return r.to(dtype)


def _double(x):
    return x.dtype.itemsize >= 8


def _hypot(a, q):
    return torch.hypot(a, torch.full_like(a, q))


def _sign(a):
    """sign with NaN kept (torch.sign(nan) is 0)."""
    return torch.where(torch.isnan(a), a, torch.sign(a))


def _residual(func, input, target):
    if not isinstance(input, torch.Tensor):
        raise TypeError(f"{func}: input must be a torch.Tensor, got {type(input).__name__}")
    x = input if target is None else input - target
    if not x.is_floating_point():
        raise TypeError(f"{func}: input must be a floating-point tensor, got {x.dtype}")
    return x


def _apply(fn, func, x, params):
    """fn (an autograd Function) on x in its working dtype: float16/bfloat16 in float32, the
    result rounded back once; the parameters checked against that precision."""
    if x.dtype in (torch.float16, torch.bfloat16):
        return fn.apply(x.float(), *_fit(func, params, False)).to(x.dtype)
    return fn.apply(x, *_fit(func, params, x.dtype.itemsize >= 8))


def _reduce(func, loss, reduction, weight):
    if weight is not None:
        loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{func}: reduction must be 'none', 'mean' or 'sum', got {reduction!r}")


def _missing(name):
    raise NotImplementedError(
        f"{name}: the third derivative could not be generated, so the Hessian has no backward"
    )
'''


def _function_classes(spec: Spec, has3: bool) -> list[str]:
    name, cls = spec.name, M.camel(spec.name)
    params = M.param_names(spec)
    nones = "".join(", None" for _ in params)
    sig = ", ".join(["x", *params])
    out = []
    for n, suffix in enumerate(("", "Grad", "Hess")):
        what = ("value", "gradient", "second derivative")[n]
        nxt = ("Grad", "Hess", None)[n]
        pargs = "x, *ctx.params" if params else "x"
        back = (f"_{cls}{nxt}.apply({pargs})" if nxt is not None
                else f"_{name}_k3({pargs})" if has3 else None)
        out += ["", "", f"class _{cls}{suffix}(torch.autograd.Function):",
                f'    """{name}: the {what}; its backward is the generated derivative."""', "",
                "    generate_vmap_rule = True", "",
                "    @staticmethod",
                f"    def forward({sig}):",
                f"        return _{name}_k{n}({sig})", "",
                "    @staticmethod",
                "    def setup_context(ctx, inputs, output):",
                "        ctx.save_for_backward(inputs[0])",
                "        ctx.params = inputs[1:]", "",
                "    @staticmethod",
                "    def backward(ctx, g):"]
        if back is None:
            out.append(f'        _missing("{name}_hess")')
        else:
            out += ["        (x,) = ctx.saved_tensors",
                    f"        return g * {back}{nones}"]
    return out


def _public(spec: Spec, fs, has3: bool) -> list[str]:
    name, cls = spec.name, M.camel(spec.name)
    kw = M.signature(spec)
    params = M.param_names(spec)
    out: list[str] = []
    args = ["input : torch.Tensor",
            "    Predictions, any shape, floating point (float16, bfloat16, float32, float64), on "
            "any device.",
            "target : torch.Tensor or number, optional",
            "    Subtracted from input (broadcast): the loss is of x = input - target; None "
            "means x = input."]
    tail = ["reduction : {'none', 'mean', 'sum'}, keyword-only",
            "    'none': the elementwise loss (input - target's shape); 'mean' (default): its "
            "mean; 'sum': its sum.",
            "weight : torch.Tensor, optional",
            "    Multiplies the elementwise loss (broadcast) before the reduction."]
    doc = M.function_doc(spec, 0, fs, args, ["torch.Tensor",
                                             "    Of the input's dtype; differentiable twice "
                                             "with the exact generated derivatives."])
    i = doc.index("Returns")
    doc[i - 1:i - 1] = tail
    sig = ", ".join(["input", "target=None", "*", *kw, 'reduction="mean"', "weight=None"])
    out += ["", "", f"def {name}({sig}):"] + M.docstring(doc, "    ")
    out += ["    " + t for t in M.checks(spec, name)]
    out += [f'    x = _residual("{name}", input, target)',
            f'    return _reduce("{name}", _apply(_{cls}, "{name}", x, _p), reduction, weight)']
    for n, suffix in ((1, "Grad"), (2, "Hess")):
        fname = f"{name}{('', '_grad', '_hess')[n]}"
        doc = M.function_doc(spec, n, fs, [
            "x : torch.Tensor", "    Residuals, any shape, floating point, on any device."],
            ["torch.Tensor", "    Of x's shape and dtype; differentiable (its backward is the "
             "next derivative)."])
        sig = ", ".join(["x", *(["*", *kw] if kw else [])])
        out += ["", "", f"def {fname}({sig}):"] + M.docstring(doc, "    ")
        out += ["    " + t for t in M.checks(spec, fname)]
        out += [f'    x = _residual("{fname}", x, None)',
                f'    return _apply(_{cls}{suffix}, "{fname}", x, _p)']
    init = ", ".join(["self", "*", *kw, 'reduction="mean"'])  # reduction: always a keyword
    out += ["", "", f"class {cls}(torch.nn.Module):",
            f'    """The {name} loss as a module: ``{cls}(...)(input, target)`` is '
            f'``{name}(input, target, ...)``."""', "",
            f"    def __init__({init}):",
            "        super().__init__()"]
    out += ["        " + t for t in M.checks(spec, cls)]
    for p in params:
        out.append(f"        self.{p} = {p}")
    out += ["        if reduction not in ('none', 'mean', 'sum'):",
            f"            raise ValueError(f\"{cls}: reduction must be 'none', 'mean' or 'sum', "
            "got {reduction!r}\")",
            "        self.reduction = reduction", "",
            "    def forward(self, input, target=None, weight=None):"]
    kwargs = ", ".join([*(f"{p}=self.{p}" for p in params), "reduction=self.reduction",
                        "weight=weight"])
    out.append(f"        return {name}(input, target, {kwargs})")
    out += ["", "    def extra_repr(self):"]
    if params:
        fields = ", ".join(f'f"{p}={{self.{p}!r}}"' for p in params)
        out.append(f"        return ', '.join([{fields}, f\"reduction={{self.reduction!r}}\"])")
    else:
        out.append('        return f"reduction={self.reduction!r}"')
    return out


def _functions(spec: Spec, fs, has3: bool) -> tuple[list[str], list[str]]:
    code = _function_classes(spec, has3) + _public(spec, fs, has3)
    return code, [spec.name, f"{spec.name}_grad", f"{spec.name}_hess", M.camel(spec.name)]


TARGET = M.ArrayTarget(
    "torch", NAMESPACE,
    imports=("import math", "import numbers", "import struct", "", "import torch"),
    runtime=_RUNTIME, doc=docs.torch_module, functions=_functions,
)


def generate(
    losses: Sequence[Loss | str],
    *,
    params: Mapping[str, Mapping[str, object]] | None = None,
    command: str | None = None,
) -> str:
    """The text of one torch module (see the module docstring); the same inputs give the
    same text, byte for byte. Raises :class:`~lossmath.core.loss.LossError` as
    :func:`lossmath.emit.numpy.generate` does."""
    return M.generate(TARGET, losses, params, command)
