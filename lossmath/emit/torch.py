"""The torch printer: a module that imports only torch (and the standard library).

For a loss ``NAME`` (class name ``Name``, CamelCase) it defines

* ``NAME(input, target=None, *, params..., reduction="mean", weight=None)``, in
  ``torch.nn.functional``'s conventions: x = input - target (input when target is None; the
  margin input * target for a loss of ``kind="margin"``, as ``soft_margin_loss``), the
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
from lossmath.emit.names import camel, check_distinct, local, private
from lossmath.emit.plan import Spec, param_derivative

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
    if isinstance(q, torch.Tensor):  # a tensor parameter (broadcast against a)
        return torch.hypot(a, q.to(a.dtype))
    return torch.hypot(a, torch.full_like(a, q))


def _tdispatch(name, scalar):
    """_m's function on tensors: torch's (the numbers made tensors like the first tensor)."""
    fn = (lambda a: a) if name == "float" else getattr(torch, {"power": "pow"}.get(name, name))

    def call(*args):
        ref = next((a for a in args if isinstance(a, torch.Tensor)), None)
        if ref is None:
            return scalar(*args)
        return fn(*(a if isinstance(a, torch.Tensor)
                    else torch.tensor(a, dtype=ref.dtype, device=ref.device) for a in args))
    return staticmethod(call)


# _m (the parameter-only constants' math) on a tensor parameter calls torch's function, so
# that the constants follow the parameters' shape and autograd; on Python floats it is the
# scalar math, as before.
for _name in ("float", "divide", "log", "power", "maximum", "minimum", "abs", "sign", "sqrt",
              "exp", "sin", "cos", "tan", "sinh", "cosh", "tanh", "log1p", "expm1", "hypot",
              "arctan", "arcsin", "arccos", "arcsinh", "arccosh", "arctanh"):
    setattr(_m, _name, _tdispatch(_name, getattr(_m, _name)))


def _sign(a):
    """sign with NaN kept (torch.sign(nan) is 0)."""
    return torch.where(torch.isnan(a), a, torch.sign(a))


class _ParamError(ValueError, RuntimeError):
    """A parameter out of its domain: a ValueError as in the other targets, and a
    RuntimeError as torch raises (smooth_l1_loss with a negative beta)."""


def _residual(func, input, target, margin=False):
    """x = input - target (a margin loss: the margin x = input * target, labels +-1), and the
    dtype of the result: float16/bfloat16 input and target
    are widened to float32 before the subtraction (the residual is not rounded to half
    first). A target tensor of another size than input warns, as F.mse_loss does."""
    if not isinstance(input, torch.Tensor):
        raise TypeError(f"{func}: input must be a torch.Tensor, got {type(input).__name__}")
    if not input.is_floating_point():
        raise TypeError(f"{func}: input must be a floating-point tensor, got {input.dtype}")
    dtype = input.dtype
    if dtype in (torch.float16, torch.bfloat16):
        input = input.float()
        if isinstance(target, torch.Tensor) and target.dtype in (torch.float16, torch.bfloat16):
            target = target.float()
    if target is None:
        return input, dtype
    if isinstance(target, torch.Tensor) and target.size() != input.size():
        warnings.warn(
            f"{func}: Using a target size ({target.size()}) that is different to the input "
            f"size ({input.size()}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            stacklevel=3,
        )
    x = input * target if margin else input - target
    if not x.is_floating_point():
        raise TypeError(f"{func}: input must be a floating-point tensor, got {x.dtype}")
    return x, dtype


def _hyper(func, name, value, domain):
    """A parameter: a Python number validated as the other targets do, or a floating-point
    tensor (a scalar, or one that broadcasts against x; requires_grad allowed), whose
    values are checked in _apply."""
    if isinstance(value, torch.Tensor):
        if not value.is_floating_point():
            raise TypeError(f"{func}: {name} must be a floating-point tensor, got {value.dtype}")
        return value
    return _param(func, name, value, domain)


def _tensors(func, params, x):
    """The parameters as tensors of x's working dtype and device (differentiable), each
    checked against its domain where its values can be read (not under torch.func's
    transforms)."""
    out = []
    for name, value, domain in params:
        if isinstance(value, torch.Tensor):
            t = value.to(dtype=x.dtype, device=x.device)
        else:
            t = torch.tensor(value, dtype=x.dtype, device=x.device)
        holds, text = _DOMAINS[domain]
        try:
            ok = bool(torch.all(torch.isfinite(t) & holds(t)))
        except RuntimeError:  # a value torch.func's transforms do not let us read
            ok = True
        if not ok:
            raise _ParamError(f"{func}: {name} must be finite and {text}, got {value!r}")
        out.append(t)
    return out


def _apply(fn, func, xd, params):
    """fn (an autograd Function) on x in its working dtype: float16/bfloat16 in float32, the
    result rounded back once; the parameters checked against that precision. A tensor
    parameter takes fn's tensor family (differentiable in the parameters too)."""
    x, dtype = xd
    if any(isinstance(v, torch.Tensor) for _, v, _ in params):
        if fn.tensors is None:
            raise TypeError(f"{func}: tensor parameters are not supported for this loss (its "
                            "derivatives in them could not be generated); pass numbers")
        r = _mode(fn.tensors).apply(x, *_tensors(func, params, x))
        return r.to(dtype) if dtype in (torch.float16, torch.bfloat16) else r
    fn = _mode(fn)
    if dtype in (torch.float16, torch.bfloat16):
        return fn.apply(x.float(), *_fit(func, params, False)).to(dtype)
    return fn.apply(x, *_fit(func, params, x.dtype.itemsize >= 8))


def _mode(fn):
    """fn without jvp under torch.compile (dynamo does not trace a Function with a jvp), with
    it (forward-mode AD) otherwise."""
    return fn if torch.compiler.is_compiling() else fn.fwd


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


#: The target of a margin loss (soft_margin_loss's convention, optax's hinge_loss).
_MARGIN_TARGET = [
    "    Labels +1 or -1 multiplying input (broadcast): the loss is of the margin x = input * "
    "target (torch.nn.functional.soft_margin_loss's convention); None means x = input. A 0 "
    "label is not mapped to -1: it gives the margin 0 (the loss at 0, neither class); pass "
    "2*t - 1 for 0/1 labels.",
]


def _function_classes(spec: Spec, has3: bool) -> list[str]:
    """Per derivative a Function without jvp (what torch.compile traces: dynamo refuses a
    Function that defines jvp) and its subclass with the jvp (forward mode, used outside
    compilation); :func:`_mode` picks one."""
    name = spec.name
    params = M.param_names(spec)
    nones = "".join(", None" for _ in params)
    sig = ", ".join(["x", *params])
    out = []
    for n in range(3):
        what = ("value", "gradient", "second derivative")[n]
        nxt = ("Grad", "Hess", None)[n]
        pargs = "x, *ctx.params" if params else "x"
        back = (f"_mode({private(f'fn{n + 1}', name)}).apply({pargs})" if nxt is not None
                else f"{private('k3', name)}({pargs})" if has3 else None)
        out += ["", "", f"class {private(f'fn{n}', name)}(torch.autograd.Function):",
                f'    """{name}: the {what}; its backward is the generated derivative."""', "",
                "    generate_vmap_rule = True", "",
                "    @staticmethod",
                f"    def forward({sig}):",
                f"        return {private(f'k{n}', name)}({sig})", "",
                "    @staticmethod",
                "    def setup_context(ctx, inputs, output):",
                "        ctx.save_for_backward(inputs[0])",
                "        ctx.save_for_forward(inputs[0])",
                "        ctx.params = inputs[1:]", "",
                "    @staticmethod",
                "    def backward(ctx, g):"]
        if back is None:
            out.append(f'        _missing("{name}_hess")')
        else:
            out += ["        (x,) = ctx.saved_tensors",
                    f"        return g * {back}{nones}"]
        fn, fwd = private(f"fn{n}", name), private(f"fwd{n}", name)
        out += ["", "", f"class {fwd}({fn}):",
                f'    """{name}: the {what} with forward mode: its jvp is the generated '
                'derivative."""', "",
                "    @staticmethod",
                "    def jvp(ctx, t, *_):"]
        if back is None:
            out.append(f'        _missing("{name}_hess")')
        else:
            out += ["        (x,) = ctx.saved_tensors",
                    f"        return t * {back}"]
        out += ["", "", f"{fn}.fwd = {fwd}"]
    return out


def _tensor_classes(spec: Spec, has3: bool, dkernels: bool) -> list[str]:
    """Per derivative a Function whose parameters are tensors (a scalar, or per element:
    any shape that broadcasts against x; requires_grad allowed): its backward is the
    generated next derivative in x and the generated derivative in each parameter
    (``_lm_d<j>kN``, from :func:`~lossmath.emit.plan.param_derivative`), and its subclass
    with the jvp (forward mode). Without those kernels (they could not be generated) the
    tensor family is absent and a tensor parameter is refused."""
    name = spec.name
    out = []
    if not dkernels:
        return ["", ""] + [f"{private(f'fn{n}', name)}.tensors = None" for n in range(3)]
    params = M.param_names(spec)
    a, ctx, g, x, ps, r, t = map(local, ("a", "ctx", "g", "x", "ps", "r", "t"))
    for n in range(3):
        what = ("value", "gradient", "second derivative")[n]
        fn, fwd = private(f"tfn{n}", name), private(f"tfwd{n}", name)
        nxt = (f"_mode({private(f'tfn{n + 1}', name)}).apply({x}, *{ps})" if n < 2
               else f"{private('k3', name)}({x}, *{ps})" if has3 else None)
        nxt = nxt or f'_missing("{name}_hess")'
        dps = [f"{private(f'd{j}k{n}', name)}({x}, *{ps})" for j in range(len(params))]
        out += ["", "", f"class {fn}(torch.autograd.Function):",
                f'    """{name}: the {what}, tensor parameters; its backward is the generated '
                'derivative in x and in each parameter."""', "",
                "    generate_vmap_rule = True", "",
                "    @staticmethod",
                f"    def forward(*{a}):",
                f"        return {private(f'k{n}', name)}(*{a})", "",
                "    @staticmethod",
                f"    def setup_context({ctx}, inputs, output):",
                f"        {ctx}.save_for_backward(*inputs)",
                f"        {ctx}.save_for_forward(*inputs)", "",
                "    @staticmethod",
                f"    def backward({ctx}, {g}):",
                f"        {x}, *{ps} = {ctx}.saved_tensors",
                f"        return ({g} * {nxt}, {', '.join(f'{g} * {d}' for d in dps)})",
                "", "", f"class {fwd}({fn}):",
                f'    """{name}: the {what}, tensor parameters, with forward mode."""', "",
                "    @staticmethod",
                f"    def jvp({ctx}, *{t}):",
                f"        {x}, *{ps} = {ctx}.saved_tensors",
                f"        {r} = None if {t}[0] is None else {t}[0] * {nxt}"]
        for j, d in enumerate(dps):
            out += [f"        if {t}[{j + 1}] is not None:",
                    f"            {r} = {t}[{j + 1}] * {d} if {r} is None else {r} + "
                    f"{t}[{j + 1}] * {d}"]
        out += [f"        return {r}", "", "",
                f"{fn}.fwd = {fwd}", f"{private(f'fn{n}', name)}.tensors = {fn}"]
    return out


def _param_kernels(spec: Spec) -> list[str] | None:
    """The kernels of the derivative in each parameter (``_lm_d<j>k0..k2_NAME``: of f, f'
    and f''), or None when one of them cannot be generated."""
    lines: list[str] = []
    for j, p in enumerate(spec.loss.params):
        try:
            dspec = param_derivative(spec, p.name)
            lines += M.kernels(dspec, NAMESPACE, third=False, tag=f"d{j}", owner=spec.name,
                               note=f" (its derivative in {p.name})")[1]
        except Exception:  # noqa: BLE001 - optional: tensor parameters are then refused
            return None
    return lines

def _public(spec: Spec, fs, has3: bool) -> list[str]:
    name, cls = spec.name, camel(spec.name)
    kw = M.signature(spec)
    params = M.param_names(spec)
    out: list[str] = []
    args = ["input : torch.Tensor",
            "    Predictions, any shape, floating point (float16, bfloat16, float32, float64), on "
            "any device.",
            "target : torch.Tensor or number, optional",
            *(_MARGIN_TARGET if spec.loss.kind == "margin" else [
                "    Subtracted from input (broadcast): the loss is of x = input - target; "
                "None means x = input."])]
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
    out += ["    " + t.replace("= _param(", "= _hyper(") for t in M.checks(spec, name)]
    how = ", margin=True" if spec.loss.kind == "margin" else ""
    xd = local("xd")
    out += [f'    {xd} = _residual("{name}", input, target{how})',
            f'    return _reduce("{name}", _apply({private("fn0", name)}, "{name}", {xd}, _p), '
            "reduction, weight)"]
    for n in (1, 2):
        fname = f"{name}{('', '_grad', '_hess')[n]}"
        doc = M.function_doc(spec, n, fs, [
            "x : torch.Tensor", "    Residuals, any shape, floating point, on any device."],
            ["torch.Tensor", "    Of x's shape and dtype; differentiable (its backward is the "
             "next derivative)."])
        sig = ", ".join(["x", *(["*", *kw] if kw else [])])
        out += ["", "", f"def {fname}({sig}):"] + M.docstring(doc, "    ")
        out += ["    " + t.replace("= _param(", "= _hyper(") for t in M.checks(spec, fname)]
        out += [f'    {xd} = _residual("{fname}", x, None)',
                f'    return _apply({private(f"fn{n}", name)}, "{fname}", {xd}, _p)']
    # The parameters are kept as private attributes (``_lm_p_NAME``), and ``__init__``'s
    # own first argument is private too: a parameter may be called ``self``, ``forward``,
    # ``training`` or ``to`` without touching nn.Module's own attributes.
    me = local("self")
    init = ", ".join([me, "*", *kw, 'reduction="mean"'])  # reduction: always a keyword
    out += ["", "", f"class {cls}(torch.nn.Module):",
            f'    """The {name} loss as a module: ``{cls}(...)(input, target)`` is '
            f'``{name}(input, target, ...)``."""', "",
            f"    def __init__({init}):",
            "        super().__init__()"]
    out += ["        " + t.replace("= _param(", "= _hyper(") for t in M.checks(spec, cls)]
    for p in params:
        out.append(f"        {me}.{private('p', p)} = {p}")
    out += ["        if reduction not in ('none', 'mean', 'sum'):",
            f"            raise ValueError(f\"{cls}: reduction must be 'none', 'mean' or 'sum', "
            "got {reduction!r}\")",
            f"        {me}.reduction = reduction", "",
            "    def forward(self, input, target=None, weight=None):"]
    kwargs = ", ".join([*(f"{p}=self.{private('p', p)}" for p in params),
                        "reduction=self.reduction",
                        "weight=weight"])
    out.append(f"        return {name}(input, target, {kwargs})")
    out += ["", "    def extra_repr(self):"]
    if params:
        fields = ", ".join(f'f"{p}={{self.{private("p", p)}!r}}"' for p in params)
        out.append(f"        return ', '.join([{fields}, f\"reduction={{self.reduction!r}}\"])")
    else:
        out.append('        return f"reduction={self.reduction!r}"')
    return out


def _functions(spec: Spec, fs, has3: bool) -> tuple[list[str], list[str]]:
    functions = [spec.name, f"{spec.name}_grad", f"{spec.name}_hess"]
    # a loss named Wing or L1 would be its own class: refused, naming both
    check_distinct([(f, f"the function {f}") for f in functions]
                   + [(camel(spec.name), f"the nn.Module class of {spec.name}")],
                   transforms=False)
    dkernels = _param_kernels(spec) if spec.loss.params else None
    code = (_function_classes(spec, has3) + (dkernels or [])
            + (_tensor_classes(spec, has3, dkernels is not None) if spec.loss.params else [])
            + _public(spec, fs, has3))
    return code, [*functions, camel(spec.name)]


TARGET = M.ArrayTarget(
    "torch", NAMESPACE,
    imports=("import math", "import numbers", "import struct", "import warnings", "",
             "import torch"),
    runtime=_RUNTIME, doc=docs.torch_module, functions=_functions, error="_ParamError",
    arguments=("x", "input", "target", "reduction", "weight"),
    modules=("math", "numbers", "struct", "warnings", "torch"),
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
