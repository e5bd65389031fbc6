"""What the torch, JAX and array-API modules share besides the printer: their runtime text
(parameter checks, float32 rounding of parameters, scalar math), the kernels of each loss and
the assembly of a module (header, docstring, imports, ``__all__``, the compile check).

Each target module (:mod:`~lossmath.emit.torch`, :mod:`~lossmath.emit.jax`,
:mod:`~lossmath.emit.array_api`) adds its own runtime (dtype rules, ``_wide``/``_narrow``) and
its calling conventions (autograd Functions, ``custom_jvp``, ``array_namespace``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import sympy as sp

from lossmath.core.loss import Loss
from lossmath.emit import docs
from lossmath.emit.arrays import SCALAR_MATH, Namespace, Printer, primitive_source
from lossmath.emit.forms import Form
from lossmath.emit.names import camel, check_module, local, private
from lossmath.emit.numpy_runtime import param_checks
from lossmath.emit.plan import (
    Edge,
    Spec,
    domain,
    edges,
    float_literal,
    forms,
    identifier_check,
    resolve_losses,
    third_form,
)
from lossmath.io import escape

__all__ = ["PARAMS", "ArrayTarget", "assemble", "camel", "generate", "kernels", "name_check",
           "signature"]

#: Parameter checks every array module carries: the numpy target's ``_DOMAINS`` and
#: ``_param`` (the same text), then the float32 rounding of parameters for float32 work.
PARAMS = "\n" + param_checks() + '''
def _round32(v):
    """The float32 nearest to the Python float v (inf beyond float32's range)."""
    try:
        return struct.unpack("f", struct.pack("f", v))[0]
    except OverflowError:
        return math.copysign(math.inf, v)


def _fit(func, params, double):
    """The parameters as the kernels use them: rounded to float32 for float32 work (as the
    comparisons with x use them), and still in their domains after the rounding."""
    if double:
        return tuple(v for _, v, _ in params)
    out = []
    for name, value, domain in params:
        v = _round32(value)
        holds, text = _DOMAINS[domain]
        if (v == 0) != (value == 0):  # 0 may be a limit (admitted); this value is not 0
            text = "nonzero"
        if not (math.isfinite(v) and holds(v)) or text == "nonzero":
            raise ValueError(
                f"{func}: {name}={value!r} is not {text} in float32 (it rounds to {v!r}), "
                "the precision x is computed in; pass float64 input"
            )
        out.append(v)
    return tuple(out)


def _scalar(v):
    """A parameter given as a Python number (not an array, not traced)."""
    return isinstance(v, (int, float))


def _one_limit(func, params):
    """At most one parameter at the boundary value where the loss is its limit (the limit
    in one parameter is not the limit in two): params are (name, value) pairs."""
    zero = " and ".join(name for name, v in params if _scalar(v) and v == 0)
    if " and " in zero:
        raise ValueError(
            f"{func}: {zero} are both 0; the limit is taken in one parameter at a time"
        )

'''

def name_check(arguments: Iterable[str], modules: Iterable[str]) -> Callable[[str, str], None]:
    """The identifier check of an array target (:mod:`lossmath.emit.names`): its public
    arguments and imported modules; everything else it introduces starts with ``_``."""
    return identifier_check(arguments, None, modules)


def signature(spec: Spec) -> list[str]:
    """The keyword-only parameters with their defaults: ``["beta=1.0"]``."""
    out = []
    for p in spec.loss.params:
        default = spec.defaults.get(p.name)
        out.append(p.name if default is None else f"{p.name}={float_literal(default)}")
    return out


def checks(spec: Spec, func: str) -> list[str]:
    """Lines validating each parameter (0 admitted where the loss takes its limit there,
    :class:`~lossmath.emit.plan.Edge`), and the tuple ``_fit`` takes."""
    edged = edges(spec)
    doms = {p.name: domain(p, edged) for p in spec.loss.params}
    lines = [f'{p.name} = _param("{func}", "{p.name}", {p.name}, "{doms[p.name]}")'
             for p in spec.loss.params]
    if len(edged) > 1:
        pairs = ", ".join(f'("{e.param}", {e.param})' for e in edged)
        lines.append(f'_one_limit("{func}", ({pairs}))')
    tup = ", ".join(f'("{p.name}", {p.name}, "{doms[p.name]}")' for p in spec.loss.params)
    return lines + [f"_p = ({tup}{',' if len(spec.loss.params) == 1 else ''})"]


def kernels(
    spec: Spec, ns: Namespace, third: bool = True, tag: str = "", owner: str | None = None,
    note: str = "",
) -> tuple[tuple[Form, ...], list[str], bool]:
    """The forms, the kernel source ``_NAME_k0 .. _NAME_k2`` (and ``_NAME_k3``, f''' for a
    Hessian's own derivative, when it can be emitted) and whether k3 exists. Where a
    parameter's boundary value has a limit (:func:`~lossmath.emit.plan.edges`), ``kN`` takes
    it there: the limit's kernels are ``_lm_e<i>kN_NAME``, the formula's ``_lm_kNi_NAME``.
    ``tag`` and ``owner`` name the kernels of another function of ``owner``'s parameters
    (``_lm_<tag>kN_<owner>``: a derivative in a parameter)."""
    owner = owner or spec.name
    edged = edges(spec)
    fs, lines, has3 = _kernels(spec, ns, third, tag, owner, bool(edged), note)
    for e in edged:
        _, more, has3e = _kernels(e.spec, ns, third and has3, tag + e.tag, owner, False,
                                  f"{note} at {e.param} = 0 (its limit)")
        lines += more
        has3 = has3 and has3e
    if edged:
        for n in range(4 if has3 else 3):
            lines += ["", ""] + _dispatch(spec, ns, n, edged, tag, owner)
    return fs, lines, has3


def _kernels(spec: Spec, ns: Namespace, third: bool, tag: str, owner: str,
             inner: bool, note: str) -> tuple[tuple[Form, ...], list[str], bool]:
    """The kernels of one loss (``tag``, ``owner``: of a parameter's limit; ``inner``: the
    formula's, named ``kNi``, behind :func:`_dispatch`)."""
    fs = forms(spec)
    printer = Printer(ns)
    params = [p.symbol for p in spec.loss.params]
    what = ("value", "first derivative", "second derivative", "third derivative")
    at = note
    lines: list[str] = []

    def name(n: int) -> str:
        return private(f"{tag}k{n}{'i' if inner else ''}", owner)

    for n, f in enumerate(fs):
        doc = f"{owner}: {what[n]} on an array of the working dtype{at}."
        lines += ["", ""] + printer.kernel(name(n), f, params, doc)
    third_f = third_form(spec) if third else None
    has3 = False
    if third_f is not None:
        try:
            k3 = printer.kernel(name(3), third_f, params,
                                f"{owner}: third derivative (the Hessian's own derivative).")
        except Exception:  # noqa: BLE001 - f''' is optional: its callers say it is missing
            k3 = []
        if k3:
            lines += ["", ""] + k3
            has3 = True
    return fs, lines, has3


def _dispatch(spec: Spec, ns: Namespace, n: int, edged: Sequence[Edge], tag: str,
              name: str) -> list[str]:
    """``kN``: the limit's kernel where a parameter is 0, the formula's elsewhere. Python
    numbers choose one; arrays (per element, or traced) evaluate both, the formula on a
    value inside the range where the parameter is 0 (so that neither gives autodiff a NaN);
    where two parameters are 0 at once the value is NaN."""
    params = [p.name for p in spec.loss.params]
    xp = ns.xp if ns.takes_xp else ""
    sig = ", ".join([*([ns.xp.rstrip(", ")] if ns.takes_xp else []), "x", *params])
    inner = private(f"{tag}k{n}i", name)
    r = local("r")
    out = [f"def {private(f'{tag}k{n}', name)}({sig}):",
           f'    """{name}: kernel {n}, the limit taken where '
           f'{" or ".join(e.param for e in edged)} is 0."""']
    for e in edged:
        rest = ", ".join(["x", *(q.name for q in e.spec.loss.params)])
        out += [f"    if _scalar({e.param}) and {e.param} == 0:",
                f"        return {private(f'{tag}{e.tag}k{n}', name)}({xp}{rest})"]
    scalars = " and ".join(f"_scalar({e.param})" for e in edged)
    out += [f"    if {scalars}:", f"        return {inner}({xp}{', '.join(['x', *params])})"]
    zs = {e.param: local(f"z{e.index}") for e in edged}
    out += [f"    {zs[e.param]} = {e.param} == 0" for e in edged]
    moved = {e.param: ns.fn("where", zs[e.param],
                            f"{e.safe} + {ns.fn('zeros_like', e.param)}", e.param)
             for e in edged}
    out.append(f"    {r} = {inner}({xp}{', '.join(['x', *(moved.get(p, p) for p in params)])})")
    for e in edged:
        rest = ", ".join(["x", *(moved.get(q.name, q.name) for q in e.spec.loss.params)])
        value = f"{private(f'{tag}{e.tag}k{n}', name)}({xp}{rest})"
        out.append(f"    {r} = {ns.fn('where', zs[e.param], value, r)}")
    for a, b in zip(edged, edged[1:]):  # two limits at once: no value
        out.append(f"    {r} = {ns.fn('where', f'{zs[a.param]} & {zs[b.param]}', 'math.nan', r)}")
    out.append(f"    return {r}")
    return out


def assemble(
    specs: Sequence[Spec],
    *,
    command: str,
    doc_head: Sequence[str],
    imports: Sequence[str],
    runtime: str,
    ns: Namespace,
    public: Sequence[str],
    modules: Iterable[str],
    code: Sequence[str],
    error: str = "ValueError",
) -> str:
    """One module's text: header, docstring, imports, ``__all__``, runtime, helpers, code;
    checked to compile (naming the loss fields whose text reached a failing line). ``error``
    is the class the parameter checks raise (a ValueError subclass the runtime defines)."""
    out = docs.header(command)
    body = list(doc_head) + docs.breakpoints_and_limits(specs)
    out += ['"""' + docs.doc(body[0])]
    out += docs.wrap(body[1:], "")
    out += ['"""', "", "from __future__ import annotations", ""]
    out += list(imports) + [""]
    out.append("__all__ = [")
    out += [f'    "{f}",' for f in public]
    out.append("]")
    text = "\n".join(code)
    helpers = primitive_source(text, ns)
    checks = PARAMS.replace("raise ValueError(", f"raise {error}(")
    out += (checks + SCALAR_MATH + runtime + helpers).split("\n")
    out += list(code)
    text = "\n".join(docs.noqa(out)).rstrip("\n") + "\n"
    text = re.sub(r"\n{3,}(?=\S)", "\n\n\n", text)
    escape.check_python(text, docs.text_fields([s.loss for s in specs]), what="module")
    check_module(text, public, modules)
    return text


def function_doc(spec: Spec, n: int | None, fs: tuple[Form, ...], args: Sequence[str],
                 returns: Sequence[str]) -> list[str]:
    """A public function's docstring lines: the shared summary, then ``args`` (numpydoc
    lines for the array arguments), the parameters and ``returns``."""
    lines = docs.summary(spec, n, fs)
    lines += ["", "Parameters", "----------", *args]
    lines += docs.param_doc(spec)
    lines += ["", "Returns", "-------", *returns]
    return lines


def docstring(lines: Sequence[str], indent: str) -> list[str]:
    doc = docs.wrap(list(lines), indent)
    doc[0] = indent + '"""' + doc[0].lstrip()
    return doc + [indent + '"""']


def resolve(
    losses: Sequence[Loss | str],
    params: Mapping[str, Mapping[str, object]] | None,
    *,
    arguments: Iterable[str],
    modules: Iterable[str],
) -> list[Spec]:
    """The specs, every loss and parameter name checked against the target's ``arguments``
    and ``modules`` (and :func:`lossmath.emit.names.check_distinct`)."""
    return resolve_losses(losses, dict(params or {}), name_check(arguments, modules))


def param_names(spec: Spec) -> list[str]:
    return [p.name for p in spec.loss.params]


def sstr(e) -> str:
    return sp.sstr(e)


@dataclass(frozen=True)
class ArrayTarget:
    """What one array target adds to the shared module: its name (``codegen --target``), its
    namespace, imports, runtime text and module docstring (``doc(specs)``), and ``functions
    (spec, forms, has3) -> (code lines, public names)``: its calling conventions around the
    kernels ``_NAME_k0..k3``. ``third``: whether it asks for the third derivative (the
    Hessian's own derivative, for autodiff). ``error``: the class the parameter checks
    raise (a ValueError subclass its runtime defines; torch's is a RuntimeError too)."""

    name: str
    ns: Namespace
    imports: tuple[str, ...]
    runtime: str
    doc: Callable[[Sequence[Spec]], list[str]]
    functions: Callable[[Spec, tuple[Form, ...], bool], tuple[list[str], list[str]]]
    third: bool = True
    #: the public arguments of its functions and the modules it imports: loss and parameter
    #: names may not take them (:mod:`lossmath.emit.names`)
    arguments: tuple[str, ...] = ("x",)
    modules: tuple[str, ...] = ()
    error: str = "ValueError"


def generate(
    target: ArrayTarget,
    losses: Sequence[Loss | str],
    params: Mapping[str, Mapping[str, object]] | None = None,
    command: str | None = None,
) -> str:
    """The text of one array target's module: the kernels of each loss, the target's
    functions around them, and the shared assembly; the same inputs give the same text."""
    modules = ("annotations", *target.modules)
    specs = resolve(losses, params, arguments=target.arguments, modules=modules)
    command = command or docs.command(target.name, [s.name for s in specs], params)
    code: list[str] = []
    public: list[str] = []
    for spec in specs:
        fs, kernel_lines, has3 = kernels(spec, target.ns, third=target.third)
        functions, names = target.functions(spec, fs, has3)
        code += kernel_lines + functions
        public += names
    return assemble(
        specs, command=command, doc_head=target.doc(specs), imports=target.imports,
        runtime=target.runtime, ns=target.ns, public=public, modules=modules, code=code,
        error=target.error,
    )
