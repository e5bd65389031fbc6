"""The stable primitives as Triton functions: the branch-free float64 numba kernels, transcribed.

The kernels of :mod:`lossmath.emit.kernels.numba_vector` are arithmetic, integer bit operations
and selects only, which is what a Triton kernel is made of; so the Triton target does not get
its own expm1/log1p/tanh/logcosh/expdd/hypotm: :func:`source` rewrites those Python functions
into ``@triton.jit`` functions by a fixed set of syntax rules (:class:`_ToTriton`):

* ``a if c else b`` -> ``tl.where(c, a, b)``; ``a < x < b`` -> ``(a < x) & (x < b)``;
  ``p or q`` / ``p and q`` -> ``p | q`` / ``p & q`` (elementwise: both sides are computed,
  as the numba loop's selects already compute them);
* a power of two numbers -> its value; ``math.sqrt`` -> ``tl.sqrt`` (float64: IEEE's);
* ``___fbits(v)``/``___ffrom(v)`` -> ``v.to(tl.int64, bitcast=True)`` and back,
  ``int(v)``/``float(v)`` -> ``v.to(tl.int64)``/``v.to(tl.float64)``, ``abs`` -> ``tl.abs``,
  ``math.copysign(a, b)`` -> a select on b's sign bit, ``math.inf``/``math.nan`` ->
  ``float("inf")``/``float("nan")``;
* ``___vNAME`` -> ``_tv_NAME``.

The same text runs on the GPU and in Triton's interpreter (``TRITON_INTERPRET=1``, which has
no libdevice): so the interpreter tests of the generated module check the arithmetic a GPU
runs, to the bounds ``tests/emit/test_numba_vector.py`` measures against mpmath. The wrappers
(:data:`WRAPPERS`) compute in float64 and round once to the argument's dtype.
"""

from __future__ import annotations

import ast
import inspect

from lossmath.emit.kernels import numba_vector as V

__all__ = ["ARITY", "PRIMITIVES", "WRAPPERS", "source"]

#: the generated kernels' call (``_t_NAME``, an elementwise function, or ``_tp_NAME``, a
#: stable primitive of :mod:`lossmath.numerics.primitives`) -> the float64 kernel it wraps
PRIMITIVES = {"_t_expm1": "_tv_expm1", "_t_log1p": "_tv_log1p",
              "_t_tanh": "_tv_tanh", "_tp_logcosh": "_tv_logcosh", "_tp_expdd": "_tv_expdd",
              "_tp_hypotm": "_tv_hypotm", "_tp_hypotm1": "_tv_hypotm1",
              "_tp_hypotm2": "_tv_hypotm2"}

#: the primitives of two arguments (the others take one)
ARITY = {"_tp_expdd": 2, "_tp_hypotm": 2, "_tp_hypotm1": 2, "_tp_hypotm2": 2}


def _wrapper(call: str, kernel: str) -> str:
    args = ["a", "b"][: ARITY.get(call, 1)]
    # tl.cast: a parameter may be a Python float (in the interpreter), not a tensor
    wide = ", ".join(f"tl.cast({a}, tl.float64)" for a in args)
    return (f"\n    @triton.jit\n    def {call}({', '.join(args)}):\n"
            f"        return {kernel}({wide}).to(a.dtype)\n")


#: the Triton functions the generated kernels call, each over its float64 kernel
WRAPPERS = {call: _wrapper(call, kernel) for call, kernel in PRIMITIVES.items()}

_COPYSIGN = '''
    @triton.jit
    def _tv_copysign(a, b):
        """|a| with b's sign bit (math.copysign)."""
        return tl.where(b.to(tl.int64, bitcast=True) < 0, -tl.abs(a), tl.abs(a))
'''


def _call(func: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.parse(func, mode="eval").body, args=list(args), keywords=[])


def _to(v: ast.expr, dtype: str, bitcast: bool = False) -> ast.Call:
    kw = [ast.keyword("bitcast", ast.Constant(True))] if bitcast else []
    return ast.Call(func=ast.Attribute(v, "to", ast.Load()),
                    args=[ast.parse(f"tl.{dtype}", mode="eval").body], keywords=kw)


def _number(node: ast.expr) -> float:
    """A number written as a literal, or a negated one."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_number(node.operand)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    raise ValueError(f"no Triton rule for the power {ast.unparse(node)} (numba_vector)")


class _ToTriton(ast.NodeTransformer):
    """The rules of the module docstring, on one kernel's syntax tree."""

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        self.generic_visit(node)
        node.decorator_list = [ast.parse("triton.jit", mode="eval").body]
        node.name = node.name.replace("___v", "_tv_")
        return node

    def visit_IfExp(self, node: ast.IfExp) -> ast.Call:
        self.generic_visit(node)
        return _call("tl.where", node.test, node.body, node.orelse)

    def visit_Compare(self, node: ast.Compare) -> ast.expr:
        self.generic_visit(node)
        terms = [ast.Compare(a, [op], [b]) for a, op, b in
                 zip([node.left, *node.comparators], node.ops, node.comparators)]
        out: ast.expr = terms[0]
        for t in terms[1:]:
            out = ast.BinOp(out, ast.BitAnd(), t)
        return out

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.expr:
        self.generic_visit(node)
        op = ast.BitOr() if isinstance(node.op, ast.Or) else ast.BitAnd()
        out = node.values[0]
        for v in node.values[1:]:
            out = ast.BinOp(out, op, v)
        return out

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.op, ast.Pow):  # 2.0**-600: its value
            return ast.Constant(_number(node.left) ** _number(node.right))
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        name = ast.unparse(node)
        if name in ("math.inf", "math.nan"):
            return _call("float", ast.Constant(name[5:]))
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        name, args = ast.unparse(node.func), node.args
        casts = {"___fbits": ("int64", True), "___ffrom": ("float64", True),
                 "int": ("int64", False), "float": ("float64", False)}
        if name in casts and not isinstance(args[0], ast.Constant):
            return _to(args[0], *casts[name])
        if name == "abs":
            return _call("tl.abs", *args)
        if name == "math.sqrt":  # float64: correctly rounded (sqrt_rn takes float32 only)
            return _call("tl.sqrt", *args)
        if name == "math.copysign":
            return _call("_tv_copysign", *args)
        if name.startswith("___v"):
            node.func = ast.Name(name.replace("___v", "_tv_"), ast.Load())
            return node
        if name == "float":  # float("inf") made by visit_Attribute
            return node
        raise ValueError(f"no Triton rule for the call {name} (numba_vector)")


def _triton(func) -> str:
    tree = ast.parse(inspect.getsource(func))
    tree = ast.fix_missing_locations(_ToTriton().visit(tree))
    text = ast.unparse(tree)
    return "\n" + "".join(f"    {t}\n" if t else "\n" for t in text.split("\n"))


def source(code: str) -> str:
    """The Triton functions ``code`` calls (the wrappers of :data:`PRIMITIVES` and the float64
    kernels under them, callees first), indented for the generated module's
    ``if triton is not None:`` block; empty when it calls none."""
    calls = [c for c in PRIMITIVES if f"{c}(" in code]
    if not calls:
        return ""
    kernels = " ".join(PRIMITIVES[c].replace("_tv_", "___v") + "(" for c in calls)
    used = V.source(kernels)  # which numba kernels, with the ones they call
    funcs = [f for f in V.KERNELS if f"def {f.__name__}(" in used]
    out = "".join(_triton(f) for f in funcs)
    if "_tv_copysign(" in out:
        out = _COPYSIGN + out
    return out + "".join(WRAPPERS[c] for c in calls)
