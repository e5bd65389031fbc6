"""The numpy target's functions as a section of another target's module, and the scaffolding
the wrapper targets (statsmodels, least-squares, gbdt) share.

A wrapper target (a statsmodels norm, a scipy ``loss=`` callable, a boosting objective) needs
the elementwise values of f, f' and f'' -- exactly what the numpy target generates, with its
stable forms, breakpoint ownership and limits at +-inf. Rather than print numpy code a second
time, :func:`numpy_section` runs the numpy target's public :func:`lossmath.emit.numpy.generate`
and splits the module it returns, with :mod:`ast` (not by text patterns), into its imports and
its definitions; the wrapper module then carries those definitions below its own docstring and
``__all__``. The numpy module's text is not edited: its statements are copied whole.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from lossmath.base.symbols import x
from lossmath.core.loss import Loss, LossError
from lossmath.core.table import Interval, IntervalTable
from lossmath.emit import docs
from lossmath.emit import numpy as numpy_target
from lossmath.emit.plan import Spec, float_literal
from lossmath.io import escape

__all__ = [
    "Section", "assemble", "camel", "default_command", "numpy_section",
    "param_expr", "slope_ratio_at_zero", "beside_zero",
]


@dataclass(frozen=True)
class Section:
    """The numpy target's module split: its import lines and the text of its definitions
    (everything after ``__all__``), and the public names it defines."""

    imports: tuple[str, ...]
    body: str
    names: tuple[str, ...]


def numpy_section(
    losses: Sequence[Loss], params: Mapping[str, Mapping[str, object]] | None = None
) -> Section:
    """The numpy target's module for ``losses`` as a :class:`Section`."""
    text = numpy_target.generate(list(losses), params=dict(params or {}))
    tree = ast.parse(text)
    lines = text.split("\n")
    imports: list[str] = []
    names: tuple[str, ...] = ()
    start = None
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the module docstring: the wrapper writes its own
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(ast.get_source_segment(text, node) or "")
            continue
        if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == [
            "__all__"
        ]:
            names = tuple(ast.literal_eval(node.value))
            start = node.end_lineno
            continue
        if start is None:  # pragma: no cover - the numpy target writes __all__ first
            raise LossError("the numpy target's module has no __all__ before its definitions")
        break
    body = "\n".join(lines[start:]).strip("\n") + "\n"
    return Section(tuple(imports), body, names)


def camel(name: str) -> str:
    """``smooth_l1`` -> ``SmoothL1``, ``huber`` -> ``Huber`` (the loss name's words, each
    capitalised; digits kept)."""
    return "".join(w[:1].upper() + w[1:] for w in name.split("_") if w)


def param_expr(e: sp.Expr, spec: Spec, prefix: str = "") -> str:
    """A parameter-only expression as Python using ``math`` (parameters by name, each with
    ``prefix``: ``self.``); numbers as the nearest double. Raises for what is not plain
    arithmetic, powers, sqrt, exp, log, trigonometric functions, pi."""
    e = sp.sympify(e)
    if e.free_symbols - {p.symbol for p in spec.loss.params}:
        raise LossError(f"{spec.name}: {e} is not a parameter expression")
    if e.is_number:
        return "math.inf" if e == sp.oo else float_literal(e)
    printer = _ParamPrinter({p.symbol: prefix + p.name for p in spec.loss.params})
    return printer.doprint(e)


class _ParamPrinter(PythonCodePrinter):
    """sympy's Python printer with the parameters renamed and ``math.`` qualified names."""

    def __init__(self, names: Mapping[sp.Symbol, str]) -> None:
        super().__init__({"fully_qualified_modules": True, "standard": "python3"})
        self._names = dict(names)

    def _print_Symbol(self, expr: sp.Symbol) -> str:  # noqa: N802 - sympy's printer protocol
        if expr not in self._names:
            raise LossError(f"unexpected symbol {expr} in a parameter expression")
        return self._names[expr]

    def _print_Float(self, expr: sp.Float) -> str:  # noqa: N802
        return float_literal(expr)



def beside_zero(table: IntervalTable, side: str) -> Interval:
    """The interval just right (``"+"``: lo <= 0 < hi) or left (``"-"``: lo < 0 <= hi) of
    x = 0, the same one for every parameter sample; LossError where the breakpoints move
    across 0 with the parameters (smoothed hinge's 1 - gamma)."""
    for iv in table.intervals:
        ends = [(iv.lo.xreplace(s), iv.hi.xreplace(s)) for s in table.samples]
        if all((a <= 0 < b) if side == "+" else (a < 0 <= b) for a, b in ends):
            return iv
    raise LossError("x = 0 is not on one side of the breakpoints for every parameter value")


def slope_ratio_at_zero(gd: IntervalTable) -> sp.Expr | None:
    """lim g'(x)/x at x = 0 for the table ``gd`` of g', from the pieces on either side of 0
    (equal; 0 may be a breakpoint of the formula where g' is continuous, as Fair's |x|), or
    None where it is infinite or the sides differ (g' jumps at 0)."""
    sides = []
    for direction in ("+", "-"):
        iv = beside_zero(gd, direction)
        sides.append(sp.limit(sp.cancel(iv.expr / x), x, 0, direction))
    if sp.simplify(sides[0] - sides[1]) != 0 or not (sides[0].is_finite or all(
            sp.N(sides[0].xreplace(s)).is_finite for s in gd.samples)):
        return None
    return sp.simplify(sides[0])


def default_command(
    names: Sequence[str], target: str, params: Mapping[str, Mapping[str, object]],
    options: Sequence[str] = (),
) -> str:
    """The ``lossmath codegen`` command that regenerates a module (its header's default)."""
    parts = ["lossmath", "codegen", *names, "--target", target, *options]
    parts += [f"--param {k}.{p}={v}" for k, vs in params.items() for p, v in vs.items()]
    return " ".join(parts)


def assemble(
    header: str,
    doc_lines: Sequence[str],
    imports: Sequence[str],
    public: Sequence[str],
    code: Sequence[str],
    losses: Sequence[Loss],
) -> str:
    """One generated module: the regenerate-command header, the docstring (escaped here), the
    imports, ``__all__``, and the code; checked to compile before it is returned."""
    out = docs.header(header)
    out += ['"""' + docs.doc(doc_lines[0])]
    out += docs.wrap(list(doc_lines[1:]), "")
    out += ['"""', "", "from __future__ import annotations", ""]
    out += list(_sorted_imports(imports)) + [""]
    out.append("__all__ = [")
    out += [f'    "{f}",' for f in public]
    out.append("]")
    out += ["", ""] + list(code)
    text = "\n".join(docs.noqa(out)).rstrip("\n") + "\n"
    text = re.sub(r"\n{3,}(?=\S)", "\n\n\n", text)
    escape.check_python(text, docs.text_fields(list(losses)), what="module")
    return text


def _sorted_imports(imports: Sequence[str]) -> list[str]:
    """Standard library first, then the third-party libraries, each group sorted."""
    seen = list(dict.fromkeys(imports))
    def key(line: str) -> tuple[bool, str]:  # isort's order: "import m" before "from m"
        return line.startswith("from "), line.split()[1]

    std = sorted((i for i in seen if i.split()[1].split(".")[0] in {"math", "numbers", "types"}),
                 key=key)
    rest = sorted((i for i in seen if i not in std), key=key)
    return std + ([""] if std and rest else []) + rest
