"""Docstring text every generated module shares, whatever its target.

The formulas of f, f' and f'' from the interval tables, how each function evaluates them (its
planned form), the value at each breakpoint and who owns it, the smoothness from the analysis,
the parameters and references. Each printer adds only its calling conventions (arguments,
dtypes, ``out=``, reductions). Text is escaped for a Python docstring or comment as the last
step (:func:`wrap`, :func:`doc`, :func:`comment`): it comes from loss specs, which may be
anyone's.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import sympy as sp
from sympy.codegen.cfunctions import expm1, hypot, log1p
from sympy.core.relational import Relational

from lossmath._version import __version__
from lossmath.analysis.smoothness import breakpoint_report, class_name
from lossmath.base.symbols import x
from lossmath.core.loss import Loss
from lossmath.core.table import IntervalTable
from lossmath.emit.forms import Clip, Form, HuberLike, Single, Steps, limit_at
from lossmath.emit.plan import Spec, edges, float_literal, function_names
from lossmath.io import escape
from lossmath.numerics.primitives import Primitive


def doc(text: str) -> str:
    """One docstring line, escaped for the docstring (the last step: nothing wraps it after)."""
    return escape.python_docstring_line(text)


def comment(text: str) -> str:
    """One line of text safe in a comment (no line breaks can sneak code in)."""
    return escape.python_comment(text)


def cond_text(cond: sp.Basic) -> str:
    if cond == sp.true:
        return "otherwise"
    flips = {
        r: r.reversed
        for r in cond.atoms(Relational)
        if x in r.rhs.free_symbols and x not in r.lhs.free_symbols
    }
    return "if " + sp.sstr(cond.xreplace(flips))


def formula(table: IntervalTable, label: str) -> list[str]:
    if len(table.pieces) == 1:
        return [f"{label} = {sp.sstr(table.pieces[0][0])}"]
    exprs = [sp.sstr(e) for e, _ in table.pieces]
    width = max(len(e) for e in exprs)
    lines = []
    for i, ((_, c), e) in enumerate(zip(table.pieces, exprs)):
        head = f"{label} = " if i == 0 else " " * (len(label) + 3)
        lines.append(f"{head}{e.ljust(width)}  {cond_text(c)}")
    return lines


def form_text(form: Form) -> str:
    text = _form_text(form)
    note = getattr(form, "note", None)
    return text if note is None else f"{text} Numerics: {note}."


def _form_text(form: Form) -> str:
    if isinstance(form, HuberLike):
        return (
            f"Evaluated as {form.text()}, without branches; sympy proved this equal to the "
            "definition on every interval when this file was generated."
        )
    if isinstance(form, Clip):
        return (
            f"Evaluated as {form.text()}, without branches; sympy proved the joins continuous "
            "when this file was generated."
        )
    if isinstance(form, Steps):
        return "Piecewise constant: evaluated with comparisons only."
    if isinstance(form, Single):
        stable = form.expr.has(Primitive, log1p, expm1, hypot, sp.sech)
        return f"Evaluated as {sp.sstr(form.expr)} on the whole line{STABLE if stable else '.'}"
    if form.plans is not None:
        forms = "; ".join(
            " then ".join(sp.sstr(r.expr) for r in plan) for plan in form.plans
        )
        return (
            f"Each piece is evaluated only where it applies, as {forms} (regimes by |x| "
            f"separated by 'then'){STABLE}"
        )
    return "Each piece is evaluated only where it applies."


STABLE = (
    " (stable forms of lossmath.numerics where the definition loses accuracy in floating "
    "point; sympy proved each equal to the definition when this file was generated)."
)


ORDER_WORDS = {
    0: "{title}, elementwise.",
    1: "Gradient (first derivative) of the {title}, elementwise.",
    2: "Second derivative of the {title}, elementwise.",
}


def prose(text: str) -> str:
    """Spec text as one paragraph: every run of whitespace (a newline, U+2028, ...) is one
    space, as wrapping makes it anyway; other unsafe characters are escaped later (doc)."""
    return " ".join(text.split())


def title(loss: Loss) -> str:
    title = prose(loss.title) or loss.name
    return title if "loss" in title.lower() else f"{title} loss"


def breakpoint_lines(spec: Spec, n: int, fname: str) -> list[str]:
    table = spec.tables[n]
    out = []
    for bp in table.breakpoints:
        piece = sp.sstr(table.pieces[bp.owner][0])
        out.append(f"{fname}({sp.sstr(bp.at)}) = {sp.sstr(bp.value)} (the piece {piece})")
    return out


def smoothness(loss: Loss, n: int) -> str:
    """The loss's class (at each breakpoint), and what it implies for the n-th derivative:
    C^k at a breakpoint makes f^(n) C^(k-n) there, and undefined classically when n > k
    (the function then returns the owning piece's value there, a convention)."""
    # only the classes at the breakpoints: code generation never waits for the properties
    # (sup |f''| and the like) that no generated line needs
    table = loss.table
    bps = [breakpoint_report(table, k) for k in range(len(table.breakpoints))]
    at = [f"x = {sp.sstr(b.at)}: {b.cls}" for b in bps]
    cls = class_name(min((b.order for b in bps), default=math.inf))
    text = f"{loss.name} is {cls}" + (f" ({', '.join(at)})" if at else "")
    if n == 0 or not bps:
        return text + "."
    parts = []
    for b in bps:
        k = b.order
        cls = "Cinf" if k == math.inf else f"C{int(k - n)}" if k >= n else None
        where = f"x = {sp.sstr(b.at)}"
        parts.append(f"{cls} at {where}" if cls else f"discontinuous at {where}")
    return text + f"; so its derivative of order {n} is " + ", ".join(parts) + "."


def param_doc(spec: Spec) -> list[str]:
    lines = []
    limits = {e.param: e for e in edges(spec)}
    for p in spec.loss.params:
        default = spec.defaults.get(p.name)
        lines.append(f"{p.name} : float, keyword-only")
        desc = prose(p.description) or p.name
        desc = desc[:1].upper() + desc[1:]
        extra = f" Must be {p.assume}."
        if p.name in limits:
            table = limits[p.name].spec.loss.table
            limit = "; ".join(f"{sp.sstr(e)} {cond_text(c)}" for e, c in table.pieces)
            limit = limit.removesuffix(" otherwise") if len(table.pieces) == 1 else limit
            extra = (f" Must be {p.assume}, or 0: the loss there is its limit as {p.name} -> 0, "
                     f"{prose(limit)}.")
        if default is not None:
            extra += f" Default {float_literal(default)}"
            extra += f" (= {sp.sstr(default)})." if not default.is_Integer and (
                repr(float(default)) != sp.sstr(default)
            ) else "."
        lines += textwrap.wrap(desc.rstrip(".") + "." + extra, 84, initial_indent="    ",
                               subsequent_indent="    ")
    return lines


def references(loss: Loss) -> list[str]:
    if not loss.references:
        return ["Reference: none recorded."]
    out = []
    for r in loss.references:
        link = r.link()
        cite = prose(r.cite())
        out.append("Reference: " + cite + (f" <{prose(link)}>" if link and link not in r.cite()
                                           else "") + ".")
    return out


def wrap(lines: Sequence[str], indent: str, width: int = 96) -> list[str]:
    """Indent docstring lines; wrap prose (lines that are not formulas) to ``width``; then
    escape each line for the docstring (after wrapping, so no escape is split)."""
    out = []
    for line in lines:
        line = escape.visible(line, keep="\t")  # a value change, before wrapping measures
        if not line or len(indent + line) <= width:
            out.append(indent + doc(line) if line else "")
            continue
        lead = len(line) - len(line.lstrip())
        out += [indent_ + doc(rest) for indent_, rest in (
            _split_indent(w) for w in textwrap.wrap(
                line.strip(),
                width,
                initial_indent=indent + " " * lead,
                subsequent_indent=indent + " " * (lead + 2 if line.lstrip()[:1] in "-*" else lead),
                break_on_hyphens=False,
            ))]
    return out


def _split_indent(line: str) -> tuple[str, str]:
    rest = line.lstrip(" ")
    return line[: len(line) - len(rest)], rest


def noqa(lines: list[str]) -> list[str]:
    """Mark code lines longer than 100 characters. Docstring lines are wrapped earlier and
    never touched here (escaping can make one longer; a mark would become docstring text):
    a raw triple quote only delimits a docstring, since escaping splits every other run."""
    out, in_doc = [], False
    for line in lines:
        delimits = line.count('"""') % 2 == 1
        code = not in_doc and not delimits and not line.startswith(" " * 4 + " ")
        out.append(line + "  # noqa: E501" if code and len(line) > 100 else line)
        in_doc ^= delimits
    return out


def header(command: str) -> list[str]:
    """The module's first lines: the source encoding, then the command that regenerates it.

    Python reads a source-encoding declaration (PEP 263) from line 1 or 2 only, and the
    first one wins: line 1 declares UTF-8 (the bytes :mod:`lossmath.io.outputs` writes) and
    line 2 is fixed text, so no user text (a spec path such as ``coding=unicode_escape.toml``
    in the command) can choose how the module is decoded. The command, escaped to one line,
    starts on line 3; :func:`lossmath.io.escape.check_python` compiles the exact bytes and
    checks the encoding Python detects.
    """
    safe = escape.python_comment(command)  # one line, whatever the path
    return [
        escape.PYTHON_CODING,
        f"# Generated by lossmath {__version__}. Do not edit; regenerate with:",
        f"#   {safe}",
    ]


def text_fields(losses: Sequence[Loss]) -> list[tuple[str, str]]:
    """The free text of each loss by field, to name the culprit if a module fails to compile."""
    out = []
    for loss in losses:
        out += [(f"{loss.name}.title", loss.title), (f"{loss.name}.description", loss.description)]
        out += [(f"{loss.name}.params.{p.name}.description", p.description) for p in loss.params]
        out += [(f"{loss.name}.references[{i}]", r.cite()) for i, r in enumerate(loss.references)]
    return out


def summary(spec: Spec, n: int | None, forms: tuple[Form, ...]) -> list[str]:
    """The target-neutral part of a function's docstring: what it computes, the definition,
    how it is evaluated, the breakpoints, smoothness and references (``n`` the derivative
    order, None for value_and_grad)."""
    loss, name = spec.loss, title(spec.loss)
    names = function_names(spec.name)
    if n is None:
        head = f"The {name} and its gradient, elementwise, in one pass over x."
        orders: tuple[int, ...] = (0, 1)
    else:
        head = ORDER_WORDS[n].format(title=name)
        orders = (n,)
    lines = [head, ""]
    if n == 0 and loss.description:  # the spec's own words, once per loss
        lines += [prose(loss.description), ""]
    labels = {0: "f(x)", 1: "f'(x)", 2: "f''(x)"}
    lines.append("Definition::")
    lines.append("")
    for k in orders:
        lines += ["    " + t for t in formula(spec.tables[k], labels[k])]
    lines.append("")
    for k in orders:
        prefix = f"{labels[k][:-3]}: " if n is None else ""
        lines.append(prefix + form_text(forms[k]))
    bps = [b for k in orders for b in breakpoint_lines(spec, k, names[k])]
    if bps:
        lines.append("At breakpoints (the piece that owns the point): " + "; ".join(bps) + ".")
    lines.append("")
    lines.append(f"Smoothness: {smoothness(loss, max(orders))}")
    lines += references(loss)
    return lines


def breakpoints_and_limits(specs: Sequence[Spec]) -> list[str]:
    """The module docstring's section on every loss's breakpoints (kind, owner, the values of
    f, f', f'' there) and the limits at +-inf, followed by the losses' stated conventions."""
    lines = ["Breakpoints and limits", "----------------------"]
    for s in specs:
        fnames = function_names(s.name)
        lines.append(f"{s.name}:")
        if not s.tables[0].breakpoints:
            lines.append("  no breakpoints.")
        for k, bp in enumerate(s.tables[0].breakpoints):
            owner = sp.sstr(s.tables[0].pieces[bp.owner][0])
            vals = ", ".join(
                f"{fnames[n]} = {sp.sstr(s.tables[n].breakpoints[k].value)}" for n in range(3)
            )
            lines.append(f"  x = {sp.sstr(bp.at)} ({bp.kind}; piece {owner}): {vals}.")
        for point, side in ((-sp.oo, 0), (sp.oo, -1)):
            vals = ", ".join(
                f"{fnames[n]} = {sp.sstr(limit_at(s.tables[n].intervals[side].expr, point))}"
                for n in range(3)
            )
            lines.append(f"  x -> {'-' if side == 0 else '+'}inf: {vals}.")
    stated = [f"- {s.name}, {c.topic}: {c.statement}" for s in specs for c in s.loss.conventions]
    if stated:
        lines += ["", "Stated conventions of the losses", "--------------------------------"]
        lines += stated
    return lines


# -- the numpy and numba modules --------------------------------------------------------------


def command(target: str, names: Sequence[str],
            params: Mapping[str, Mapping[str, object]] | None) -> str:
    """The ``lossmath codegen`` command that regenerates a module (the header's line)."""
    parts = ["lossmath", "codegen", *names, "--target", target]
    for loss, values in (params or {}).items():
        for k, v in values.items():
            parts += ["--param", f"{loss}.{k}={v}"]
    return " ".join(parts)


def numpy_function(spec: Spec, n: int | None, forms: tuple[Form, ...],
                   threads: int | None = None) -> list[str]:
    """A numpy-API function's docstring (numpy and numba targets); ``threads``: the numba
    target's smallest piece per thread, documenting its ``threads=`` argument."""
    lines = summary(spec, n, forms)
    lines += ["", "Parameters", "----------", "x : array_like",
              "    Residuals, any shape; float16/32/64 keep their dtype, integers become float64."]
    lines += param_doc(spec)
    if n is None:
        lines += ["out : tuple of two ndarrays, optional",
                  "    Where to write (value, grad): arrays of x's shape and the result dtype."]
    else:
        lines += ["out : ndarray, optional",
                  "    Where to write the result: an array of x's shape and the result dtype; "
                  "it may be x itself."]
    if threads is not None:
        lines += [
            "threads : int, keyword-only",
            "    Threads to run on (default 1): x is cut into that many contiguous pieces of at "
            f"least {threads} elements; the results do not depend on it.",
        ]
    if n is None:
        lines += ["", "Returns", "-------", "value, grad : ndarray or numpy scalar",
                  "    Of x's shape and float dtype; numpy scalars for scalar input."]
    else:
        lines += ["", "Returns", "-------", "ndarray or numpy scalar",
                  "    Of x's shape and float dtype; a numpy scalar for scalar input."]
    return lines


def _numpy_conventions(numba: bool) -> list[str]:
    dtype = (
        "- dtype: float16, float32 and float64 are kept; float16 is computed in float32 and "
        "rounded once. bool and integer input (and Python numbers) give float64. Complex, "
        "longdouble and non-numeric input raise TypeError."
    ) if numba else (
        "- dtype: float16, float32 and float64 (and longdouble) are kept; float16 is computed in "
        "float32 and rounded once. bool and integer input (and Python numbers) give float64. "
        "Complex and non-numeric input raise TypeError."
    )
    lines = [
        "Conventions (every function)",
        "----------------------------",
        "- Elementwise on array_like x of any shape; a scalar in gives a numpy scalar out.",
        dtype,
        "- Parameters are Python or numpy real numbers, validated on every call (ValueError "
        "naming the parameter). They enter the arithmetic as Python floats, so float32 input "
        "stays float32; a value that changes domain when rounded to the precision x is "
        "computed in (beta=1e-50 for float32) raises ValueError.",
        "- NaN in gives NaN out, in the value and in every derivative (also where a derivative "
        "is constant).",
        "- +-inf give the limits of the function (listed below; NaN where there is none).",
        "- At a breakpoint every function returns the value of the piece that owns the point "
        "(the piece whose condition holds there), for the loss and for its derivatives alike; "
        "at a kink the derivative is that piece's derivative at the point, e.g. sign(0) = 0 "
        "for Abs(x). The values are listed below.",
        "- float32 (and float16) input: the parameters are rounded to float32; a piece that "
        "takes more than one rounding is computed in float64 and rounded to float32 once.",
        "- A piece is never evaluated outside its interval, and no function emits a "
        "floating-point warning: overflow to +-inf and underflow are the correctly rounded "
        "results and are not reported.",
        "- out=: an optional output array of x's shape and the result dtype (value_and_grad "
        "takes a pair); it may be x itself.",
        "- Zero results may carry either sign (-0.0 == 0.0); every function gives at -0.0 what "
        "it gives at 0.0, up to that sign.",
    ]
    if numba:
        lines += [
            "- threads=k (keyword-only, default 1) cuts x into k contiguous pieces computed side "
            "by side; every element is computed by the same code, so the results do not depend "
            "on k.",
            "- Each loop is compiled on its first call per dtype (float32, float64) and cached "
            "next to this file (or in NUMBA_CACHE_DIR) for later processes.",
        ]
    return lines + [""]


def _losses_line(specs: Sequence[Spec]) -> str:
    names = ", ".join(s.name for s in specs)
    return (f"Losses: {names}. For each NAME: NAME(x), NAME_grad(x), NAME_hess(x) (the second "
            "derivative) and NAME_value_and_grad(x) -> (value, grad). Parameters are "
            "keyword-only.")


def numpy_module(specs: Sequence[Spec]) -> list[str]:
    """The numpy target's module docstring."""
    return [
        "Elementwise losses and their exact first two derivatives, in plain numpy.",
        "",
        f"Generated by lossmath {__version__} from the losses' interval tables (the header names "
        "the command that regenerates this file). It imports only numpy and the standard "
        "library.",
        "",
        _losses_line(specs),
        "",
        *_numpy_conventions(numba=False),
        *breakpoints_and_limits(specs),
    ]


def numba_module(specs: Sequence[Spec]) -> list[str]:
    """The numba target's module docstring: the numpy API, each function a fused loop."""
    return [
        "Elementwise losses and their exact first two derivatives, each a fused numba loop.",
        "",
        "Generated by lossmath from the losses' interval tables (the header names the "
        "command that regenerates this file). It imports only numpy, numba and the standard "
        "library; without numba, importing it raises ImportError saying how to install it.",
        "",
        _losses_line(specs),
        "",
        "The numpy target's API and results: the same argument handling (this module carries "
        "its code), and each function one pass over memory computing, element by element, the "
        "same planned pieces with the same operations in the same order and precision. "
        "Transcendental functions come from the C library here, and may differ from numpy's "
        "SIMD ones by an ulp or so.",
        "",
        *_numpy_conventions(numba=True),
        *breakpoints_and_limits(specs),
    ]


# -- the array modules (torch, JAX, array API) ------------------------------------------------


def torch_module(specs: Sequence[Spec]) -> list[str]:
    """The torch target's module docstring (before the breakpoints and limits)."""
    names = ", ".join(s.name for s in specs)
    return [
        "Elementwise losses with exact first, second (and third) derivatives, for PyTorch.",
        "",
        "Generated by lossmath from the losses' interval tables (the header names the command "
        "that regenerates this file). It imports only torch and the standard library.",
        "",
        f"Losses: {names}. For each NAME: NAME(input, target=None, *, params, "
        "reduction='mean', weight=None) in torch.nn.functional's conventions, NAME_grad(x) and "
        "NAME_hess(x) elementwise, and an nn.Module class (CamelCase). Parameters are "
        "keyword-only.",
        "",
        "Conventions (every function)",
        "----------------------------",
        "- Autograd: the backward of NAME is NAME_grad, whose backward is NAME_hess (double "
        "backward and Hessian-vector products are exact), whose backward is the third "
        "derivative (where it could be generated; else NotImplementedError). Forward mode "
        "too: each Function's jvp is the same next derivative, so torch.func.jacfwd, hessian "
        "and gradcheck(check_forward_ad=True) work. Parameters are Python numbers, not "
        "differentiated; one out of its domain raises an error that is both a ValueError "
        "and a RuntimeError (as torch raises).",
        "- Arguments: x = input - target; for a margin loss the margin x = input * target "
        "(labels +-1, soft_margin_loss's convention; a 0 label is not mapped to -1). A target "
        "tensor of another size than input broadcasts with a warning, as F.mse_loss does.",
        "- dtype: float32 and float64 are kept; float16 and bfloat16 are computed in float32 "
        "(input and target widened before the subtraction) and rounded once; other dtypes "
        "raise TypeError. Devices: any (nothing leaves the input's device).",
        "- float32 (and half) input: the parameters are rounded to float32; a piece that takes "
        "more than one rounding, and every stable primitive, is computed in float64 and "
        "rounded once, as in the numpy target.",
        "- NaN in gives NaN out; +-inf give the limits (listed below; NaN where there is none).",
        "- At a breakpoint every function returns the value of the piece that owns the point, "
        "as the numpy target does (torch's own huber_loss sends |x| = delta to the linear "
        "branch in its backward).",
        "- Each piece is evaluated on its own elements and, elsewhere, on a point inside its "
        "interval (the 'double where' trick): an unused singular piece never gives inf or NaN, "
        "in values or in gradients.",
        "- Works under torch.compile and torch.func (vmap rules are generated).",
        "",
    ]


def jax_module(specs: Sequence[Spec]) -> list[str]:
    """The JAX target's module docstring (before the breakpoints and limits)."""
    names = ", ".join(s.name for s in specs)
    return [
        "Elementwise losses with exact derivatives of every order, for JAX (custom_jvp).",
        "",
        "Generated by lossmath from the losses' interval tables (the header names the command "
        "that regenerates this file). It imports only jax and the standard library.",
        "",
        f"Losses: {names}. For each NAME: NAME(predictions, targets=None, *, params) in optax's "
        "conventions (elementwise: x = predictions - targets, or the margin predictions * "
        "targets for a margin loss, labels +-1, a 0 label not mapped), NAME_grad(x) and "
        "NAME_hess(x). Parameters are keyword-only: Python numbers, or arrays broadcasting "
        "against x (traced under jit, vmap, grad: differentiable, checked only where their "
        "values are known). A target of another shape than the predictions (not a scalar) "
        "raises, as optax's chex.assert_equal_shape.",
        "",
        "Conventions (every function)",
        "----------------------------",
        "- custom_jvp: the jvp of NAME is NAME_grad, of NAME_grad is NAME_hess, of NAME_hess "
        "the third derivative (where it could be generated; else NotImplementedError): grad, "
        "jit, vmap and hessian work, and jax.hessian gives NAME_hess exactly.",
        "- dtype: float32 and float64 are kept; float16 and bfloat16 are computed in float32 "
        "(predictions and targets widened before the subtraction) and rounded once; integers "
        "and bool give JAX's default float.",
        "- float32 input: the parameters are rounded to float32; with jax_enable_x64 a piece "
        "that takes more than one rounding, and every stable primitive, is computed in float64 "
        "and rounded once, as in the numpy target; without x64 it stays in float32.",
        "- NaN in gives NaN out; +-inf give the limits (listed below; NaN where there is none).",
        "- At a breakpoint every function returns the value of the piece that owns the point.",
        "- Each piece is evaluated on its own elements and, elsewhere, on a point inside its "
        "interval (the 'double where' trick).",
        "",
    ]


def array_api_module(specs: Sequence[Spec]) -> list[str]:
    """The array-API target's module docstring (before the breakpoints and limits)."""
    names = ", ".join(s.name for s in specs)
    return [
        "Elementwise losses and their exact first two derivatives, for any array API library.",
        "",
        "Generated by lossmath from the losses' interval tables (the header names the command "
        "that regenerates this file). It imports only array_api_compat and the standard "
        "library; each function works in the namespace of its input "
        "(array_api_compat.array_namespace): numpy, CuPy, torch, JAX, Dask, array_api_strict.",
        "",
        f"Losses: {names}. For each NAME: NAME(x), NAME_grad(x), NAME_hess(x) (the second "
        "derivative) and NAME_value_and_grad(x) -> (value, grad). Parameters are keyword-only.",
        "",
        "Conventions (every function)",
        "----------------------------",
        "- Elementwise on an array of any shape; the result is an array of the same library "
        "(a Dask array stays lazy, with x's chunks). No out=: the standard has none.",
        "- dtype: float16, float32 and float64 are kept; float16 is computed in float32 and "
        "rounded once. bool and integer input give float64 (float32 for JAX without x64).",
        "- float32 input: the parameters are rounded to float32; a piece that takes more than "
        "one rounding, and every stable primitive, is computed in float64 and rounded once, as "
        "in the numpy target (JAX without x64 has no float64: there it stays float32).",
        "- NaN in gives NaN out; +-inf give the limits (listed below; NaN where there is none).",
        "- At a breakpoint every function returns the value of the piece that owns the point.",
        "- Each piece is evaluated on its own elements and, elsewhere, on a point inside its "
        "interval (the 'double where' trick): an unused singular piece never gives inf or NaN, "
        "neither in the values nor in an autodiff of them (jax.grad, torch.autograd).",
        "- numpy-backed namespaces (numpy, Dask, array_api_strict) report overflow to inf "
        "with numpy's RuntimeWarning, as any numpy expression does (numpy.errstate silences "
        "it); the values are the correctly rounded infinities.",
        "",
    ]
