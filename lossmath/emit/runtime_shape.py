"""Barron's general loss with its shape ``alpha`` at run time (a tensor, a traced JAX value).

The catalog's generated code takes a fixed ``alpha`` (``--fix alpha=1/2``): its closed form
``(|a - 2|/a)(((x/c)**2/|a - 2| + 1)**(a/2) - 1)`` has no value at ``a = 0, 2, +-oo``. Here
``alpha`` is an argument, per element, and differentiable:

* :func:`derive` finds the singular values (:func:`lossmath.core.param_limits.singular_values`)
  and, at each, the limit of the loss, of ``d rho/dz`` and of ``d rho/d alpha`` in
  ``z = (x/c)**2`` (:func:`~lossmath.core.param_limits.interior_limit`: sympy, confirmed by
  mpmath beside the value; ``d rho/d alpha`` has no finite limit at ``alpha = 2``, where it
  diverges like ``(z/4) log(1/|alpha - 2|)``: there it is ``+oo`` for ``x != 0``). It proves
  the forms the generated code evaluates equal to the derivatives of the definition:
  ``d rho/dz = exp((p - 1) L)/2`` and ``d rho/d alpha = E (s a - b)/a**2 + (b/a)(1 + E)(L/2 -
  p s z/(b (b + z)))`` with ``p = a/2``, ``L = log1p(z/b)``, ``E = expm1(p L)``, ``s =
  sign(a - 2)``.
* :func:`generate` writes a module for numpy, torch or JAX: the value from the kernel of
  :mod:`lossmath.emit.kernels.shape_kernels` where ``alpha`` is not singular, the derived
  limits (printed from sympy) where it is, joined by ``where`` (each branch evaluated on a safe
  ``alpha``, so no NaN reaches a gradient); torch's ``autograd.Function`` and JAX's
  ``custom_jvp`` give the derivatives in ``x``, ``alpha`` and ``c`` (first order).

Computed in float64 (float32 and half inputs widened, the result rounded once); JAX needs
``jax_enable_x64`` for that (without it its float64 is float32 and the kernel's splitting is
wrong).
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from functools import cache

import sympy as sp
from sympy.codegen.cfunctions import expm1
from sympy.printing.numpy import NumPyPrinter

from lossmath import catalog
from lossmath.base.symbols import x
from lossmath.core.loss import Loss, LossError
from lossmath.core.param_limits import interior_limit, singular_values
from lossmath.emit.kernels import shape_kernels
from lossmath.emit.targets import load

__all__ = ["RuntimeShape", "compile_runtime", "derive", "generate"]

_z = sp.Symbol("z", positive=True)
_q = sp.Symbol("q", positive=True)  # |x|/c in generated code: z = q**2
FUNCTIONS = ("f", "dz", "da")


@dataclass(frozen=True)
class RuntimeShape:
    """The derived pieces of a loss of ``z = (x/c)**2`` with a run-time shape parameter:
    ``limits[fn][value]`` is the limit of ``fn`` (``f``, ``dz = d rho/dz``, ``da = d rho/d
    alpha``) in ``z`` at each singular value, ``sp.oo``/``-sp.oo`` where it diverges with
    that sign for every ``z > 0``."""

    name: str
    shape: str
    scale: str
    values: tuple[sp.Expr, ...]
    limits: dict[str, dict[sp.Expr, sp.Expr]]


def _in_z(loss: Loss) -> tuple[sp.Expr, sp.Symbol, sp.Symbol]:
    """The loss as a function of ``z = (x/c)**2``, its shape and scale symbols; a loss of
    another kind is refused."""
    if len(loss.params) != 2 or loss.table.pieces[0][1] != sp.true:
        raise LossError(f"{loss.name}: a run-time shape needs one expression of x, a shape "
                        "and a scale parameter")
    shape, scale = (p.symbol for p in loss.params)
    fz = loss.expr.xreplace({x: scale * sp.sqrt(_z)})
    if x in fz.free_symbols or scale in sp.simplify(fz).free_symbols:
        raise LossError(f"{loss.name}: the loss is not a function of (x/{scale})**2 alone")
    return sp.simplify(fz), shape, scale


def _diverges(expr: sp.Expr, s: sp.Symbol, value: sp.Expr) -> sp.Expr | None:
    """+-oo where ``expr`` grows past every bound with one sign as ``s -> value`` from both
    sides at z = 1/3, 5/2, 70 (mpmath, 60 digits, at 10**-10 .. 10**-40 from it); else None."""
    signs = set()
    for point in (sp.Rational(1, 3), sp.Rational(5, 2), sp.Integer(70)):
        for side in (1, -1):
            vals = [expr.evalf(60, subs={_z: point, s: sp.Float(value + side * sp.Rational(
                1, 10**k), 60)}) for k in (10, 20, 30, 40)]
            if not all(v.is_finite for v in vals):
                return None
            grows = all(abs(b) > abs(a) + 1 for a, b in zip(vals, vals[1:]))
            if not grows:
                return None
            signs.add(sp.sign(vals[-1]))
    return sp.oo * signs.pop() if len(signs) == 1 else None


def _proved(lhs: sp.Expr, rhs: sp.Expr, s: sp.Symbol) -> None:
    """``lhs == rhs`` for every ``z > 0`` and ``s`` on each side of 2 (``|s - 2|`` resolved
    there), by sympy; a LossError otherwise."""
    for above in (True, False):
        t = sp.Symbol("t", positive=True)
        v = 2 + t if above else 2 - t
        d = sp.simplify(sp.expand_log(sp.powsimp((lhs - rhs).xreplace({s: v})), force=True))
        if d != 0 and sp.simplify(d.rewrite(sp.exp)) != 0:
            raise LossError(f"the evaluated form is not proved equal to the derivative ({d})")


@cache
def derive(name: str = "barron") -> RuntimeShape:
    """The singular values and limits of ``name`` (a catalog loss of ``(x/c)**2`` with a
    shape and a scale), with the evaluated derivative forms proved equal to the definition's."""
    loss = catalog.get(name)
    fz, a, c = _in_z(loss)
    shape = loss.params[0]
    values = singular_values(fz, a, shape.extended)
    fns = {"f": fz, "dz": sp.diff(fz, _z), "da": sp.diff(fz, a)}
    limits: dict[str, dict[sp.Expr, sp.Expr]] = {k: {} for k in FUNCTIONS}
    for k, e in fns.items():
        for v in values:
            lim = interior_limit(e, a, v, _z)
            if lim is None and v.is_finite:
                lim = _diverges(e, a, v)
            if lim is None:
                raise LossError(f"{name}: no limit of {k} at {shape.name} = {v}")
            limits[k][v] = lim
    b, p = sp.Abs(a - 2), a / 2
    L = sp.log(1 + _z / b)
    E = sp.exp(p * L) - 1
    _proved(fns["f"], b / a * E, a)
    _proved(fns["dz"], sp.exp((p - 1) * L) / 2, a)
    sgn = sp.sign(a - 2)
    _proved(fns["da"], E * (sgn * a - b) / a**2
            + b / a * (1 + E) * (L / 2 - p * sgn * _z / (b * (b + _z))), a)
    return RuntimeShape(loss.name, shape.name, loss.params[1].name, values, limits)


# -- printing ---------------------------------------------------------------------------------

_TARGETS = {
    "numpy": ("import numpy as np", "np"),
    "torch": ("import torch", "torch"),
    "jax": ("import jax\nimport jax.numpy as jnp", "jnp"),
}


def _stable(e: sp.Expr) -> sp.Expr:
    """``k exp(w) - k`` as ``k expm1(w)`` (the rule of :mod:`lossmath.numerics.rewrite`,
    written for ``z`` here, not ``x``)."""
    def rule(n: sp.Expr) -> sp.Expr:
        exps = [t for t in n.args if t.as_coeff_Mul()[1].func == sp.exp]
        rest = [t for t in n.args if t not in exps]
        if len(exps) != 1 or len(rest) != 1 or not rest[0].is_number:
            return n
        k, e1 = exps[0].as_coeff_Mul()
        return k * expm1(e1.args[0]) if rest[0] == -k else n

    return e.replace(lambda n: n.is_Add, rule)


def _logs(e: sp.Expr) -> tuple[sp.Expr, dict[sp.Symbol, sp.Number]]:
    """``e`` with each ``log(m z + n)`` (``m, n > 0``) written ``log(n) + L_k``, ``L_k`` a
    symbol for ``log(1 + z/k)``, ``k = n/m``: the kernel's double-double ``log1p``, accurate
    where ``z`` overflows. Returns the new expression and each symbol's ``k``."""
    subs, ks = {}, {}
    for n in e.atoms(sp.log):
        poly = sp.Poly(n.args[0], _z) if n.args[0].is_polynomial(_z) else None
        if poly is None or poly.degree() != 1:
            continue
        m, c0 = poly.all_coeffs()
        if not (m.is_positive and c0.is_positive):
            continue
        k = c0 / m
        sym = sp.Symbol(f"_lmL{k}")
        subs[n], ks[sym] = sp.log(c0) + sym, k
    return e.xreplace(subs), ks


def _code(e: sp.Expr, mod: str, names: dict[sp.Number, str]) -> str:
    """``e`` (in z) as array code on the locals ``z`` and ``_lmL*`` (``names``: the ``k`` of
    each ``log(1 + z/k)`` -> its local), the target's functions as ``mod.name``."""
    e, ks = _logs(e)
    for k in ks.values():
        names.setdefault(k, f"_lmL{len(names)}")
    e = e.xreplace({sym: sp.Symbol(names[k]) for sym, k in ks.items()})
    e = _stable(sp.apart(sp.cancel(e), _z) if not e.has(sp.exp) else sp.expand(e))
    # expm1(k z) magnifies z's rounding by |k z|: with z's residual zl, expm1(k z + k zl) =
    # expm1(k z) + exp(k z) k zl (to zl**2), as lossmath.numerics.primitives.expdd does
    e = e.replace(lambda n: isinstance(n, expm1) and (n.args[0] / _z).is_number,
                  lambda n: expm1(n.args[0]) + sp.Symbol(f"_lmD({sp.sstr(n.args[0] / _z)})"))
    text = NumPyPrinter({"fully_qualified_modules": True}).doprint(
        e.xreplace({_z: sp.Symbol("z")}))
    return text.replace("numpy.", f"{mod}.")


def _selection(shape: RuntimeShape, fn: str, mod: str, general: str,
               names: dict[sp.Number, str]) -> list[str]:
    """``r = where(a == v, limit, ...)`` over the singular values, innermost the general."""
    lines = [f"    r = {general}"]
    for v, lim in shape.limits[fn].items():
        test = ("a == 0.0" if v == 0 else f"a == {float(v)!r}" if v.is_finite
                else f"a == {'-' if v < 0 else ''}{mod}.inf")
        val = (f"{mod}.where(z > 0, {'-' if lim < 0 else ''}{mod}.inf, 0.0)"
               if lim in (sp.oo, -sp.oo) else _code(lim, mod, names))
        lines.append(f"    r = {mod}.where({test}, {val}, r)")
    return lines


def generate(name: str = "barron", target: str = "torch") -> str:
    """The module text: ``NAME(x, alpha, c=1.0)``, elementwise, with its derivatives."""
    if target not in _TARGETS:
        raise LossError(
            f"run-time shape: target {target!r} is not one of {', '.join(_TARGETS)}")
    shape = derive(name)
    imports, mod = _TARGETS[target]
    singular = " | ".join(
        ("(a == 0.0)" if v == 0 else f"(a == {float(v)!r})" if v.is_finite
         else f"(a == {'-' if v < 0 else ''}{mod}.inf)") for v in shape.values)
    out = [f'"""{shape.name} with {shape.shape} at run time: generated by lossmath '
           '(lossmath.emit.runtime_shape)."""', "", imports, "",
           shape_kernels.source("", lambda n: f"{mod}.{n}").lstrip("\n"), "", "",
           "def _lm_parts(x, a, c):",
           '    """value, d/dx, d/dalpha, d/dc (float64 arrays, broadcast)."""',
           f"    singular = {singular}",
           "    sa = " + f"{mod}.where(singular, 1.0, a)",
           "    rho, L = _barron_core(x, sa, c)",
           f"    q, ql = _log1p_zb(x, c, {mod}.ones_like(x))[:2]",
           "    z, zl = _two_prod(q, q)",
           "    zl = _fin(zl + 2.0 * q * ql)",
           f"    _lmD = lambda k: _fin(k * zl * {mod}.exp(k * z))",
           "    b = abs(sa - 2.0)",
           "    p = sa / 2.0",
           f"    E = {mod}.expm1(p * L)",
           f"    s = {mod}.sign(sa - 2.0)"]
    names: dict[sp.Number, str] = {}
    body = _selection(shape, "f", mod, "rho", names) + ["    value = r"]
    body += _selection(shape, "dz", mod, f"0.5 * {mod}.exp((p - 1.0) * L)", names)
    body += ["    dz = r"]
    body += _selection(shape, "da", mod,
                       "E * (s * sa - b) / (sa * sa) + (b / sa) * (1.0 + E) * "
                       "(L / 2.0 - p * s * (z / (b * (b + z))))", names) + ["    da = r"]
    out += [f"    {n} = _log1p_zb(x, c, {mod}.full_like(x, {float(k)!r}))[5]"
            for k, n in names.items()] + body
    out += ["    # dz/dx = 2x/c**2; dz/dc = -2z/c (0 where z is 0: no inf*0)",
            "    dx = dz * (2.0 * (x / c) / c)",
            f"    dc = {mod}.where(z > 0, -dz * (2.0 * z / c), 0.0)",
            "    return value, dx, da, dc", ""]
    out += _TAILS[target].format(name=shape.name, shape=shape.shape, scale=shape.scale,
                                 mod=mod).splitlines()
    return "\n".join(out) + "\n"


_TAILS = {
    "numpy": '''
def {name}(x, {shape}, {scale}=1.0):
    """Elementwise; float64 computed (float32 rounded once)."""
    x = np.asarray(x)
    dtype = np.result_type(x.dtype, np.float32) if x.dtype.kind == "f" else np.float64
    w = lambda v: np.asarray(v, dtype=np.float64)
    with np.errstate(all="ignore"):  # overflow to inf is the value (float32 included)
        v = _lm_parts(*np.broadcast_arrays(w(x), w({shape}), w({scale})))[0]
        return v.astype(dtype)
''',
    "torch": '''
def _lm_sum_to(g, like):
    """g summed over the broadcast dimensions of ``like``."""
    if not isinstance(like, torch.Tensor):
        return None
    while g.dim() > like.dim():
        g = g.sum(0)
    for i, n in enumerate(like.shape):
        if n == 1 and g.shape[i] != 1:
            g = g.sum(i, keepdim=True)
    return g.to(like.dtype)


class _LmFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, a, c):
        w = lambda v: torch.as_tensor(v, dtype=torch.float64, device=x.device)
        xs, as_, cs = torch.broadcast_tensors(w(x), w(a), w(c))
        v, dx, da, dc = _lm_parts(xs, as_, cs)
        ctx.save_for_backward(dx, da, dc)
        ctx.like = (x, a, c)
        return v.to(x.dtype)

    @staticmethod
    def backward(ctx, g):
        dx, da, dc = ctx.saved_tensors
        g = g.to(torch.float64)
        x, a, c = ctx.like
        # a zero cotangent times d rho/d alpha = +inf (alpha = 2) is 0, not NaN
        return tuple(_lm_sum_to(torch.where(g == 0, 0.0, g * d), t) if n else None
                     for d, t, n in zip((dx, da, dc), (x, a, c), ctx.needs_input_grad))


def {name}(x, {shape}, {scale}=1.0):
    """Elementwise, differentiable in x, {shape} and {scale} (tensors or numbers,
    broadcast); computed in float64, the result in x's dtype."""
    return _LmFn.apply(x, {shape}, {scale})
''',
    "jax": '''
@jax.custom_jvp
def _lm_value(x, a, c):
    return _lm_parts(x, a, c)[0]


def _lm_jvp(primals, tangents):
    v, dx, da, dc = _lm_parts(*primals)
    # an argument not differentiated (a symbolic zero) adds nothing: d rho/d alpha = +inf at
    # alpha = 2 times its zero would be NaN (a where on the tangent is not linear: jit of
    # grad cannot transpose it)
    out = jnp.zeros_like(v)
    for d, t in zip((dx, da, dc), tangents):
        if not isinstance(t, jax.custom_derivatives.SymbolicZero):
            out = out + d * t
    return v, out


_lm_value.defjvp(_lm_jvp, symbolic_zeros=True)


def {name}(x, {shape}, {scale}=1.0):
    """Elementwise, differentiable (grad, jvp, vmap, jit) in x, {shape} and {scale};
    computed in float64 (needs jax_enable_x64), the result in x's dtype."""
    x = jnp.asarray(x)
    dtype = x.dtype if jnp.issubdtype(x.dtype, jnp.floating) else jnp.float64
    w = lambda v: jnp.asarray(v, dtype=jnp.float64)
    xs, as_, cs = jnp.broadcast_arrays(w(x), w({shape}), w({scale}))
    return _lm_value(xs, as_, cs).astype(dtype)
''',
}

def compile_runtime(name: str = "barron", target: str = "torch") -> types.ModuleType:
    """:func:`generate`'s text executed as a module (as :func:`lossmath.compile` does)."""
    return load(generate(name, target), f"lossmath runtime shape {target}")
