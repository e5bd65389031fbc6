"""The gradient-boosting printer: (grad, hess) objectives for XGBoost and LightGBM.

For each loss: ``NAME_objective(y_true, y_pred)`` -> ``(grad, hess)`` (the scikit-learn APIs:
``XGBRegressor(objective=...)``, ``LGBMRegressor(objective=...)``), ``NAME_xgboost(predt,
dtrain)`` (``xgboost.train(obj=...)``) and ``NAME_lightgbm(preds, train_data)``
(``lightgbm.train`` with ``params["objective"]``); the residual is r = y_pred - y_true, grad
is f'(r) (the numpy target's, embedded), and hess follows one policy, fixed at generation:

* ``exact``: f''(r), only where f'' > 0 on the whole line is proved (each interval's piece
  nonnegative, without roots in it, and positive at the breakpoints); refused otherwise:
  a boosting leaf's step is -sum(g)/(sum(h) + lambda), and h = 0 (Huber's linear pieces)
  makes it blow up (https://github.com/dmlc/xgboost/issues/2602).
* ``bound``: the constant L = sup |f''|, the proved Lipschitz constant of f'
  (:func:`lossmath.analysis.analyse`'s ``curvature_bound``; LightGBM's Huber uses 1); refused
  where L is infinite (f' jumps, or f'' is unbounded). By the descent lemma f(z) <= f(x) +
  f'(x)(z - x) + L/2 (z - x)**2 for all x, z: L majorizes.
* ``majorize``: the sharpest quadratic majorizer
  (https://github.com/dmlc/xgboost/issues/2522). Where f = g + b*x with g even and
  W(x) = g'(x)/x nonincreasing on x > 0 (each proved: evenness by the analysis'
  ``symmetric`` on g's table, W' <= 0 on every interval of x > 0 by ``nonnegative_on``, g'
  continuous at the breakpoints x > 0), h(x) = W(|x|) satisfies f(z) <= f(x) + f'(x)(z - x) +
  h(x)/2 (z - x)**2 for all z: with phi(t) = g(sqrt(t)), phi'(t) = W(sqrt(t))/2 is
  nonincreasing, so phi is concave on t >= 0 and phi(z**2) <= phi(x**2) + phi'(x**2)(z**2 -
  x**2), which is the inequality (the linear part b*x cancels from both sides); equality at
  z = -x shows no smaller h(x) majorizes (de Leeuw and Lange, "Sharp quadratic majorization
  in one dimension", Comput. Stat. Data Anal. 53(7):2471-2484, 2009,
  doi:10.1016/j.csda.2009.01.002). h > 0 is proved too (W >= 0 and W not identically 0 on
  the last interval). Where g' jumps at 0 (L1, quantile: f' jumps from b - c to b + c), W(x)
  = c/|x| is unbounded and no finite h majorizes at x = 0; the objective then takes a keyword
  ``eps`` (default 1e-6) and uses h = W(eps) for |x| < eps (the epsilon-regularised IRLS
  weight, Schlossmacher 1973): a majorizer for |x| >= eps only. Losses outside the theorem
  fall back to ``bound`` where it exists (also a majorizer), else are refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy as sp

from lossmath.analysis import analyse
from lossmath.analysis.properties import symmetric
from lossmath.analysis.signs import nonnegative_on
from lossmath.base.symbols import x
from lossmath.core.loss import Loss, LossError
from lossmath.emit import docs
from lossmath.emit.embed import (
    assemble,
    beside_zero,
    default_command,
    numpy_section,
    param_expr,
    slope_ratio_at_zero,
)
from lossmath.emit.plan import Spec, identifier_check, resolve_losses
from lossmath.exact.roots import real_roots_in

__all__ = ["HESSIANS", "Majorizer", "generate", "majorizer"]

HESSIANS = ("exact", "bound", "majorize")
_RESERVED = {"np", "math", "numbers", "types", "y_true", "y_pred", "predt", "dtrain", "preds",
             "train_data", "eps", "r", "g", "h", "a", "small", "objective", "xgboost",
             "lightgbm"}
_check_name = identifier_check(_RESERVED, re.compile(r"^(_|__)"))


@dataclass(frozen=True)
class Majorizer:
    """h(x) = W(|x|) = (f'(x) - b)/x: the odd part's slope ``b``, ``w0`` = W at 0 (None where
    g' jumps at 0 and W is unbounded), and the one-line proof text."""

    b: sp.Expr
    w0: sp.Expr | None
    proof: str


def _refuse(name: str, why: str) -> LossError:
    return LossError(f"{name}: --hessian majorize: {why}")


def majorizer(loss: Loss) -> Majorizer:
    """The sharp majorizer's data, every hypothesis of the theorem (module docstring) proved;
    LossError naming the first that fails or is undecided."""
    name, t = loss.name, loss.table
    d1 = loss.derivative(1).table
    # g' is odd, so f'(t) + f'(-t) = 2b next to 0, from the intervals on either side of it
    try:
        right, left = (beside_zero(d1, side).expr for side in "+-")
    except LossError as exc:
        raise _refuse(name, str(exc)) from None
    b = sp.simplify((right + left.xreplace({x: -x})) / 2)
    if b.has(x):
        raise _refuse(name, "f is not an even function plus a linear one (f'(t) + f'(-t) = "
                      f"{sp.sstr(2 * b)} is not constant)")
    g = Loss(f"{name}_even", t.piecewise() - b * x, params=loss.params)
    verdict, why = symmetric(g.table)
    if verdict is not True:
        raise _refuse(name, f"f - {b}*x is not proved even" + (f" ({why})" if why else ""))
    gd = g.derivative(1).table
    pos = [iv for iv in gd.intervals if all(iv.hi.xreplace(s) > 0 for s in gd.samples)]
    for k, iv in enumerate(pos):
        lo = iv.lo if all(iv.lo.xreplace(s) >= 0 for s in gd.samples) else sp.Integer(0)
        w = sp.cancel(iv.expr / x)
        for expr, what in ((w, "W >= 0"), (-sp.diff(w, x), "W' <= 0")):
            note = _nonnegative(sp.simplify(expr), lo, iv.hi, gd.samples, what)
            if note is not None:
                raise _refuse(name, f"{what} on ({lo}, {iv.hi}) for W = {w} is not proved"
                              + (f" ({note})" if note else ""))
        if k + 1 < len(pos):  # g' continuous at the breakpoint between: W cannot jump up
            jump = sp.simplify(iv.expr.xreplace({x: iv.hi}) - pos[k + 1].expr.xreplace(
                {x: iv.hi}))
            if jump != 0:
                raise _refuse(name, f"f' jumps at x = {iv.hi}")
    if sp.cancel(pos[-1].expr) == 0:
        raise _refuse(name, f"h = f'(x)/x is 0 for x > {pos[-1].lo} (a redescending loss); "
                      "use --hessian bound")
    w0 = slope_ratio_at_zero(gd)
    proof = (f"f = g + ({sp.sstr(b)})*x with g even (proved), W = g'(x)/x >= 0 and "
             "nonincreasing on x > 0 (proved per interval), g' continuous on x > 0")
    return Majorizer(b, w0, proof)


_XP = sp.Symbol("xp", positive=True)


def _nonnegative(expr: sp.Expr, lo: sp.Expr, hi: sp.Expr, samples, what: str,
                 depth: int = 2) -> str | None:
    """None when ``expr >= 0`` on ``(lo, hi)`` (lo >= 0) is proved, else the reason. Beyond
    the analysis' ``nonnegative_on``: a quotient whose denominator sympy proves positive for
    x > 0 is decided by its numerator, and a numerator N with N(lo) = 0 by N' >= 0 (twice at
    most): tanh(x)/x's W' = (x - sinh(x)cosh(x))/(x cosh(x))**2 needs both."""
    sign = nonnegative_on(expr, lo, hi, samples, what)
    if sign.value is True:
        return None
    num, den = sp.fraction(sp.factor_terms(sp.together(expr)))
    if den != 1 and sp.simplify(den.xreplace({x: _XP})).is_positive:
        return _nonnegative(sp.simplify(num), lo, hi, samples, what, depth)
    if depth and lo.is_finite and sp.limit(expr, x, lo, "+") == 0:
        return _nonnegative(sp.simplify(sp.diff(expr, x)), lo, hi, samples, what, depth - 1)
    return sign.note or "undecided"


def exact_positive(loss: Loss) -> None:
    """Refuse (LossError) unless f'' > 0 on the whole line is proved."""
    d2 = loss.derivative(2).table
    for iv in d2.intervals:
        sign = nonnegative_on(iv.expr, iv.lo, iv.hi, d2.samples, "f'' >= 0")
        roots = [] if sign.value is not True else real_roots_in(iv.expr, iv.lo, iv.hi)
        if sign.value is not True or roots or iv.expr == 0:
            raise LossError(f"{loss.name}: --hessian exact needs f'' > 0 everywhere; f'' = "
                            f"{iv.expr} on ({iv.lo}, {iv.hi}) is not proved positive "
                            "(use --hessian majorize or bound)")
    for bp in d2.breakpoints:
        v = sp.simplify(bp.value)
        if not (v.is_positive or all(v.xreplace(s) > 0 for s in d2.samples) and v.is_finite):
            raise LossError(f"{loss.name}: --hessian exact needs f'' > 0 everywhere; "
                            f"f''({bp.at}) = {v}")


def _bound(loss: Loss) -> sp.Expr:
    report = analyse(loss)
    bound = report.curvature_bound
    if bound is None or bound == sp.oo or report.curvature_bound_method != "symbolic":
        state = "infinite" if bound == sp.oo else "not proved"
        raise LossError(f"{loss.name}: --hessian bound needs a finite proved sup |f''| "
                        f"(it is {state}; f' jumps or f'' is unbounded)")
    return bound


def _hessian_lines(spec: Spec, hessian: str, call: str) -> tuple[list[str], list[str], bool]:
    """The lines computing ``h`` from ``r``, the docstring lines, and whether ``eps`` is used."""
    loss, name = spec.loss, spec.name
    if hessian == "exact":
        exact_positive(loss)
        return [f"    h = {name}_hess(r{call})"], [
            "hess = f''(r), proved positive on the whole line."], False
    if hessian == "bound":
        bound = _bound(loss)
        return [f"    h = np.full_like(r, {param_expr(bound, spec)})"], [
            f"hess = L = sup |f''| = {sp.sstr(bound)} (proved), a majorizer by the descent",
            "lemma."], False
    try:
        m = majorizer(loss)
    except LossError as first:
        try:
            bound = _bound(loss)
        except LossError:
            raise first from None
        return [f"    h = np.full_like(r, {param_expr(bound, spec)})"], [
            f"hess = L = sup |f''| = {sp.sstr(bound)}: the sharp majorizer's theorem does not",
            f"apply ({first}); the constant bound majorizes (descent lemma)."], False
    b = param_expr(m.b, spec)
    lines = [
        "    a = np.abs(r)",
        f"    h = np.abs(g - ({b}))",
    ]
    doc = [
        "hess = h(r) = (f'(r) - b)/r, the sharpest quadratic majorizer: " + m.proof + ".",
    ]
    if m.w0 is not None:
        lines += [
            "    small = a < 2.0**-968  # W's limit at 0 (f'(r)/r of a subnormal r lost bits)",
            "    np.divide(h, a, out=h, where=~small)",
            f"    h[small] = {param_expr(m.w0, spec)}",
        ]
        doc += [f"At r = 0 it is the limit {sp.sstr(m.w0)}."]
        return lines, doc, False
    lines += [
        "    if not eps > 0.0:",
        "        raise ValueError(f\"eps must be positive, got {eps!r}\")",
        "    small = a < eps  # f' jumps at 0: no finite h majorizes there (module docstring)",
        f"    h[small] = np.abs({name}_grad(np.full(1, eps){call})[0] - ({b})) / eps",
        "    np.divide(h, a, out=h, where=~small)",
    ]
    doc += ["f' jumps at 0: for |r| < eps, h = h(eps) (no finite h majorizes at r = 0)."]
    return lines, doc, True


def _functions(spec: Spec, hessian: str) -> list[str]:
    loss, name = spec.loss, spec.name
    call = ", ".join(f"{p.name}={p.name}" for p in loss.params)
    call = ", " + call if call else ""
    lines, hdoc, eps = _hessian_lines(spec, hessian, call)
    names = [p.name for p in loss.params] + (["eps"] if eps else [])
    values = {p.name: float(spec.defaults[p.name]) for p in loss.params if p.name in spec.defaults}
    values.update({"eps": 1e-06} if eps else {})
    kws = [f"{n}={values[n]!r}" if n in values else n for n in names]
    given = ", ".join(f"{n}={n}" for n in names)
    fixed = ", ".join(f"{n}={values[n]!r}" for n in names if n in values)
    helper = f"_gbdt_{name}"
    doc = [
        f"Gradient and {hessian} Hessian of the {docs.title(loss)} in the prediction.",
        "",
        "For XGBRegressor(objective=...) and LGBMRegressor(objective=...): r = y_pred - y_true,",
        "grad = f'(r);",
        *hdoc,
        "The parameters are the generated defaults ("
        + (fixed or "none") + f"); {name}_gbdt(...) makes the three functions for others.",
        "Both libraries read the number of arguments: these take exactly two (no sample",
        "weights).",
        "",
        "Parameters",
        "----------",
        "y_true, y_pred : array_like",
        "    Labels and raw predictions, shape (n,).",
        "",
        "Returns",
        "-------",
        "grad, hess : ndarray of shape (n,), float64",
    ]
    make_doc = [
        f"{name}_objective, {name}_xgboost and {name}_lightgbm for other parameter values.",
        "",
        "Returns a types.SimpleNamespace with attributes objective, xgboost, lightgbm.",
        "",
        "Parameters",
        "----------",
        *docs.param_doc(spec),
        *(["eps : float, keyword-only", "    Below |r| = eps the Hessian is that at eps."]
          if eps else []),
    ]
    sig = ", *, " + ", ".join(kws) if kws else ""
    return [
        f"def {helper}(r{', ' + ', '.join(names) if names else ''}):",
        '    """' + docs.doc(f"(grad, hess) of {name} at the residuals r (float64).") + '"""',
        f"    g = {name}_grad(r{call})",
        *lines,
        "    return g, h",
        "",
        "",
        f"def {name}_objective(y_true, y_pred):",
        '    """' + docs.doc(doc[0]),
        *docs.wrap(doc[1:], "    "),
        '    """',
        "    r = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)",
        f"    return {helper}(r{', ' + fixed if fixed else ''})",
        "",
        "",
        f"def {name}_xgboost(predt, dtrain):",
        '    """' + docs.doc(f"{name}_objective for xgboost.train(params, dtrain, obj=...).")
        + '"""',
        f"    return {name}_objective(dtrain.get_label(), predt)",
        "",
        "",
        f"def {name}_lightgbm(preds, train_data):",
        '    """' + docs.doc(f"{name}_objective for lightgbm.train({{'objective': ...}})."
                            ) + '"""',
        f"    return {name}_objective(train_data.get_label(), preds)",
        "",
        "",
        f"def {name}_gbdt({sig[2:]}):",
        '    """' + docs.doc(make_doc[0]),
        *docs.wrap(make_doc[1:], "    "),
        '    """',
        "",
        "    def objective(y_true, y_pred):",
        "        r = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)",
        f"        return {helper}(r{', ' + given if given else ''})",
        "",
        "    def xgboost(predt, dtrain):",
        "        return objective(dtrain.get_label(), predt)",
        "",
        "    def lightgbm(preds, train_data):",
        "        return objective(train_data.get_label(), preds)",
        "",
        "    return types.SimpleNamespace(objective=objective, xgboost=xgboost, lightgbm=lightgbm)",
    ]


def generate(
    losses: Sequence[Loss | str],
    *,
    params: Mapping[str, Mapping[str, object]] | None = None,
    command: str | None = None,
    hessian: str = "majorize",
) -> str:
    """The text of one module with ``NAME_objective``, ``NAME_xgboost`` and ``NAME_lightgbm``
    per loss (imports numpy only), the Hessian by ``hessian`` (``exact``, ``bound`` or
    ``majorize``; the module docstring states each policy and its proof)."""
    if hessian not in HESSIANS:
        raise LossError(f"--hessian {hessian!r}: expected one of {', '.join(HESSIANS)}")
    params = dict(params or {})
    specs = resolve_losses(losses, params, _check_name)
    code: list[str] = []
    for spec in specs:
        code += ["", ""] + _functions(spec, hessian)
    section = numpy_section([s.loss for s in specs], params)
    code += ["", "", "# -- f' and f'' of each loss: lossmath's numpy target --", ""]
    code += section.body.split("\n")
    names = [s.name for s in specs]
    if command is None:
        command = default_command(names, "gbdt", params, ("--hessian", hessian))
    doc = [
        f"Gradient-boosting objectives (XGBoost, LightGBM), Hessian policy: {hessian}.",
        "",
        f"Generated by lossmath from the losses' interval tables. Losses: {', '.join(names)}.",
        "For each NAME: NAME_objective(y_true, y_pred) -> (grad, hess) for the scikit-learn",
        "APIs, NAME_xgboost(predt, dtrain) for xgboost.train(obj=...), NAME_lightgbm(preds,",
        "train_data) for lightgbm.train; r = y_pred - y_true, grad = f'(r).",
        *_POLICY[hessian],
        "f' and f'' are the numpy target's functions (below).",
    ]
    public = [f"{n}_{s}" for n in names for s in ("objective", "xgboost", "lightgbm", "gbdt")]
    imports = [*section.imports, "import types"]
    return assemble(command, doc, imports, public, code, [s.loss for s in specs])


_POLICY = {
    "exact": [
        "hess = f''(r); generated only for losses with f'' > 0 on the whole line, proved.",
    ],
    "bound": [
        "hess = L = sup |f''|, the proved Lipschitz constant of f': f(z) <= f(r) + f'(r)(z -",
        "r) + L/2 (z - r)**2 for all r, z (the descent lemma), so every Newton step of a leaf",
        "decreases a quadratic upper bound of the loss.",
    ],
    "majorize": [
        "hess = h(r), the sharpest h with f(z) <= f(r) + f'(r)(z - r) + h(r)/2 (z - r)**2 for",
        "all z: where f = g + b*r with g even and W = g'(r)/r nonincreasing on r > 0 (each",
        "proved by lossmath), h(r) = W(|r|), because g(sqrt(t)) is concave in t (its slope",
        "W(sqrt(t))/2 does not increase); equality at z = -r makes it the smallest (de Leeuw",
        "and Lange 2009, doi:10.1016/j.csda.2009.01.002). Where f' jumps at 0 (L1, quantile) no",
        "finite h majorizes at r = 0; h = h(eps) is used for |r| < eps. A loss outside the",
        "theorem uses the constant L = sup |f''| (the descent lemma) where it is finite.",
    ],
}
