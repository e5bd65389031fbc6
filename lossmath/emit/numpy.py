"""The numpy printer: a self-contained numpy module with value, gradient, Hessian and
value_and_grad.

:func:`generate` turns losses into the text of one Python module that imports numpy (and the
standard library's ``math`` and ``numbers``) and nothing else: no sympy, no lossmath. For a
loss ``NAME`` it defines ``NAME(x, *, params..., out=None)``, ``NAME_grad``, ``NAME_hess``
(the second derivative) and ``NAME_value_and_grad`` (a tuple), with the loss's parameters as
keyword-only arguments.

What is computed comes from the target-neutral plan (:mod:`lossmath.emit.plan`: the tables,
their recognised forms and the stable rewrites) and the shared docstrings
(:mod:`lossmath.emit.docs`); this module only prints them as numpy.

How the code is made (see ``forms.py`` for the recognition and its proofs):

* every function reads its loss through the interval table of the right derivative order;
  the table's form decides the code: a clip, the ``g*(x - g/(2a))`` form of Huber-type
  values, a single expression, comparisons only for piecewise constants, or the generic
  masked path (each piece on the elements where it holds);
* expressions become three-address numpy code: one ufunc call per operation, writing into
  ``out=`` buffers, reusing a buffer once its value is dead, and sharing subexpressions
  between the value and the gradient;
* everything runs block by block (``_BLOCK`` elements): a loss's several passes then run over
  data in cache, and its scratch buffers are a block long instead of the size of ``x``;
* parameter-only subexpressions (``beta/2``) are computed once per call, in double precision,
  and enter the array arithmetic as Python floats (weak scalars, NEP 50), so float32 stays
  float32; numbers are printed as ``repr`` of the nearest double;
* float32 input: parameters are rounded to float32 first (as the comparisons use them), and a
  piece whose planned form takes more than one rounding is computed in float64 and rounded
  once, when stored (``lower.computed_wide``, the rule every target applies): a float32 chain
  of roundings lost up to 3.6 ulp (a user's Tukey, gradient) where sympy.lambdify of the
  formula lost 1.0 (Welsch's f'' 70 ulp, Andrews' f' 2e7 next to x = pi*a); that holds for a
  single expression and a piece on the whole line too, and a symbolic coefficient counts as a
  rounding (a*sin(x/a) is two). Masks and breakpoints stay in float32; one-rounding pieces
  (|x| - 1/2) and Clip/Huber forms stay float32 (they are correctly rounded already).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from lossmath.core.loss import Loss
from lossmath.emit import docs
from lossmath.emit.forms import Clip, HuberLike, Masked, Single
from lossmath.emit.kernels import numpy_kernels
from lossmath.emit.names import check_module, private
from lossmath.emit.numpy_code import (
    Body,
    clip_body,
    form_body,
    huber_body,
    masked_body,
    single_body,
)
from lossmath.emit.numpy_runtime import (
    FINITE_IN,
    MODULES,
    RESERVED,
    RESERVED_RE,
    RUNTIME,
    run_call,
)
from lossmath.emit.plan import (
    Edge,
    Spec,
    UnsupportedExpression,
    domain,
    edges,
    function_names,
    identifier_check,
    plans,
    resolve_losses,
)
from lossmath.emit.plan import forms as plan_forms
from lossmath.emit.scalar import Constants, literal
from lossmath.io import escape
from lossmath.numerics.rewrite import stabilise

__all__ = ["UnsupportedExpression", "generate", "function_names", "plans", "stabilise"]

#: Elements per block. Three float64 blocks (x, out, one scratch) take 768 KB, inside a 2 MB
#: L2; with 8K-element blocks the Python overhead of the numpy calls (about 1 us each) was
#: a third of the run time at 10**7 elements, with 128K the blocks fell out of L2.
BLOCK = 32768

#: numpy names of sympy functions of one argument.

# -- the generated module ------------------------------------------------------------------


_check_name = identifier_check(RESERVED, RESERVED_RE, MODULES)


# -- text helpers ---------------------------------------------------------------------------


def _function_code(spec: Spec, n: int | None, forms, kernel: str,
                   edged: Sequence[Edge] = ()) -> list[str]:
    names = function_names(spec.name)
    fname = names[3] if n is None else names[n]
    sig = ["x", "*"]
    for p in spec.loss.params:
        default = spec.defaults.get(p.name)
        sig.append(p.name if default is None else f"{p.name}={literal(default)}")
    sig.append("out=None")
    lines = [f"def {fname}({', '.join(sig)}):"]
    doc = docs.wrap(docs.numpy_function(spec, n, forms), "    ")
    doc[0] = '    """' + doc[0].lstrip()
    lines += doc + ['    """']
    checks = []
    for p in spec.loss.params:
        lines.append(f'    {p.name} = _param("{fname}", "{p.name}", {p.name}, '
                     f'"{domain(p, edged)}")')
        checks.append(f'("{p.name}", {p.name}, "{p.assume}")')
    nout = 2 if n is None else 1
    for e in edged:
        lines += [f"    if {e.param} == 0:  # the loss there is its limit as {e.param} -> 0"]
        lines += [f'        {q.name} = _param("{fname}", "{q.name}", {q.name}, "{q.assume}")'
                  for q in e.spec.loss.params]
        ekernel = private(f"{e.tag}kern", function_names(spec.name)[3 if n is None else n])
        lines += run_call(f'        return _run({ekernel}, "{fname}", x, out, {nout}',
                           e.spec.loss.params)
    call = f'    return _run({kernel}, "{fname}", x, out, {nout}'
    if not checks:
        lines.append(call + ")")
    elif len(call) + sum(len(c) + 2 for c in checks) + 4 <= 100:
        lines.append(f"{call}, ({', '.join(checks)},))")
    else:
        lines.append(f"{call}, (")
        lines += [f"        {c}," for c in checks]
        lines.append("    ))")
    return lines


def _kernel_code(spec: Spec, n: int | None, forms, tag: str = "",
                 public: str | None = None) -> tuple[str, list[str]]:
    """The block loop of one function: ``_NAME[_grad|_hess|_value_and_grad](x, out..., p)``
    (``tag``, ``public``: of a parameter's limit, :class:`~lossmath.emit.plan.Edge`)."""
    names = function_names(public or spec.name)
    kname = private(f"{tag}kern", names[3] if n is None else names[n])
    params = [p.symbol for p in spec.loss.params]
    consts = Constants(params)
    body = Body()
    if n is None:
        dests = ["vb", "gb"]
        f0, f1 = forms[0], forms[1]
        if isinstance(f0, HuberLike) and isinstance(f1, Clip) and f0.clip == f1:
            clip_body(f1, "xb", "gb", consts, body)
            huber_body(f0, "gb", "vb", consts, body)
        elif isinstance(f0, Masked) and isinstance(f1, Masked):
            masked_body([f0, f1], dests, consts, body)
        elif isinstance(f0, Single) and isinstance(f1, Single):
            single_body([f0, f1], dests, consts, body)
        else:
            form_body(f0, "vb", consts, body)
            form_body(f1, "gb", consts, body)
        outs, args = "(value, grad)", "x, value, grad"
    else:
        form_body(forms[n], "ob", consts, body)
        dests = ["ob"]
        outs, args = "(out,)", "x, out"
    pnames = [p.name for p in spec.loss.params]
    sig = ", ".join([args, *pnames])
    # The scratch buffers the body really names (t0, t1, ...; masks m0, m1, ...).
    used = re.findall(r"\b([tm])(\d+)\b", "\n".join(body.lines))
    body.floats = 1 + max((int(i) for k, i in used if k == "t"), default=-1)
    body.bools = 1 + max((int(i) for k, i in used if k == "m"), default=-1)
    extra = []
    if body.floats:
        extra.append(f"floats={body.floats}")
    if body.bools:
        extra.append(f"bools={body.bools}")
    regs = [f"t{i}" for i in range(body.floats)] + [f"m{i}" for i in range(body.bools)]
    loop_vars = ", ".join(["xb", *dests, *regs])
    what = {0: "", 1: "_grad", 2: "_hess", None: "_value_and_grad"}[n]
    lines = [f"def {kname}({sig}):"]
    lines.append(f'    """{spec.name}{what} on 1-d arrays of the working dtype."""')
    lines += [f"    {c}" for c in consts.prologue(spec.name)]
    whole = dict(zip(["xb", *dests], args.split(", ")))

    def unblocked(stmts: list[str]) -> list[str]:
        # One pass needs no blocks: the loop would only add a Python call per block.
        return [re.sub(r"\b(xb|ob|vb|gb)\b", lambda m: whole[m.group(1)], t) for t in stmts]

    if body.shortcut is not None:
        cond, stmts = body.shortcut
        while body.lines and body.lines[0].startswith("#"):
            lines.append("    " + body.lines.pop(0))
        lines.append(f"    if {cond}:  # a single pass: no need for blocks")
        lines += ["        " + t for t in unblocked(stmts)]
        lines.append("        return")
    statements = [t for t in body.lines if t and not t.startswith("#")]
    if len(statements) == 1 and not regs:
        lines += ["    " + t for t in unblocked(body.lines)]
        return kname, lines
    call = ", ".join([outs, *extra])
    lines.append(f"    for {loop_vars} in _blocks(x, {call}):")
    lines += ["        " + line if line else "" for line in body.lines]
    return kname, lines


def generate(
    losses: Sequence[Loss | str],
    *,
    params: Mapping[str, Mapping[str, object]] | None = None,
    command: str | None = None,
) -> str:
    """The text of one numpy module with value, gradient, Hessian and value_and_grad.

    Parameters
    ----------
    losses : sequence of Loss or str
        The losses, in the order the module defines them; strings are catalog names or
        aliases. Each loss's name becomes a Python identifier: ``smooth_l1``,
        ``smooth_l1_grad``, ``smooth_l1_hess``, ``smooth_l1_value_and_grad``.
    params : mapping, optional
        New defaults for the generated keyword arguments, per loss name:
        ``{"smooth_l1": {"beta": "1/9"}}``. Values are validated like ``--param``.
    command : str, optional
        The command that regenerates the file, for the header; by default the equivalent
        ``lossmath codegen`` command without ``-o``.

    Returns
    -------
    str
        The module source. The same inputs give the same text, byte for byte.

    Raises
    ------
    LossError
        An unknown loss or parameter, a name that is not a valid identifier, a parameter
        value outside its domain, a loss given twice, or an expression numpy cannot express
        (:class:`UnsupportedExpression`).
    lossmath.io.escape.SinkError
        The module would not compile (an escaping bug; the message names the fields whose
        text reached the failing line). Nothing is returned.

    Examples
    --------
    >>> src = generate(["smooth_l1"])
    >>> "def smooth_l1_value_and_grad(x, *, beta=1.0, out=None):" in src
    True
    """
    params = dict(params or {})
    specs = resolve_losses(losses, params, _check_name)
    if command is None:
        command = docs.command("numpy", [s.name for s in specs], params)

    out = docs.header(command)
    out += ['"""' + docs.doc(docs.numpy_module(specs)[0])]
    out += docs.wrap(docs.numpy_module(specs)[1:], "")
    out += ['"""', "", "from __future__ import annotations", "", "import math", "import numbers",
            "", "import numpy as np", ""]
    public = [f for s in specs for f in function_names(s.name)]
    out.append("__all__ = [")
    out += [f'    "{f}",' for f in public]
    out.append("]")
    out += RUNTIME.format(block=BLOCK).split("\n")
    code: list[str] = []
    for spec in specs:
        forms = plan_forms(spec)
        edged = edges(spec)
        for n in (0, 1, 2, None):
            kname, kernel = _kernel_code(spec, n, forms)
            code += ["", ""] + _function_code(spec, n, forms, kname, edged)
            code += ["", ""] + kernel
            for e in edged:
                code += ["", ""] + _kernel_code(e.spec, n, plan_forms(e.spec), e.tag,
                                                spec.name)[1]
    text = "\n".join(code)
    extra = numpy_kernels.source(text) + (FINITE_IN if "_finite_in(" in text else "")
    out += extra.split("\n") + code
    text = "\n".join(docs.noqa(out)).rstrip("\n") + "\n"
    text = re.sub(r"\n{3,}(?=\S)", "\n\n\n", text)
    # The last line of defence: a module that does not compile is never handed out.
    escape.check_python(text, docs.text_fields([s.loss for s in specs]), what="module")
    check_module(text, public, MODULES)
    return text


