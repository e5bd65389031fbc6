"""Hand-derived cases of the classes that fooled lossmath: growth with log factors, parameter
boundary values, parameter-dependent domains, one-sided suprema, transcendental critical
points.

Nothing here imports lossmath. Each truth was derived by hand (the ``why`` line says how)
and is checked numerically with mpmath alone by ``tests/test_trap_corpus.py``
(:func:`check_truth`), which also judges lossmath's report against it.

A case is a TOML-shaped spec (``spec``) and ``truths``: field -> value, where

- ``class``: the family's lowest class over every allowed parameter value ("C0", "Cinf");
- ``symmetric``, ``convex``, ``strictly_convex``, ``bounded`` (bounded above: sup f < oo),
  ``minimum_at_zero`` (f(0) = 0 and f >= 0): a bool, or for a family a function of the
  parameter value (checked at :data:`PARAM_PROBES`);
- ``growth``: the name of the scale |f| grows on (``"linear"``, ``"x*log(x)"``,
  ``"x**2/log(x)"``, ``"log(x)**2"``, ``"bounded"``, or two sides "A as x -> -oo, B as x -> oo");
- ``gradient_bound``: sup |f'| (``math.inf`` when unbounded), a number or a function of the
  parameter value;
- ``refused``: True when some allowed parameter value leaves the definition undefined
  somewhere (the only right answer is a refusal).

``f`` (and ``c``) are mpmath definitions of the same function, for the numeric check.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import mpmath
from mpmath import atan, cosh, exp, log, mpf, sqrt, tanh

#: parameter values at which a family's truths are checked (0 is a boundary value)
PARAM_PROBES = (mpf(0), mpf(1) / 2, mpf(1), mpf(3))


@dataclass(frozen=True)
class Case:
    id: str
    spec: dict
    truths: dict[str, Any]
    f: Callable | None = None  # f(x) or f(x, c), mpmath
    why: str = ""
    kinks: tuple = ()  # points where f is not analytic (for the convexity check)
    family: str = ""  # the parameter's name when truths are functions of it
    allowed: Callable[[Any], bool] = field(default=lambda c: True)


def _spec(expr: str, param: tuple[str, str] | None = None, when: str | None = None,
          name: str = "trap") -> dict:
    spec: dict = {"name": name}
    if param:
        spec["params"] = {param[0]: {"default": 1, "assume": param[1]}}
    spec["pieces"] = ([{"expr": expr, "when": when}, {"expr": "0", "when": "otherwise"}]
                      if when else [{"expr": expr}])
    return spec


def _root(g: Callable, guess: float) -> mpf:
    return mpmath.findroot(g, mpf(guess))


def _sup_grad_xtanh() -> mpf:
    # f' = tanh x + x sech^2 x; f'' = 2 sech^2 x (1 - x tanh x) = 0 at x tanh x = 1
    r = _root(lambda t: t * tanh(t) - 1, 1.2)
    return tanh(r) + r / cosh(r) ** 2


def _sup_grad_atan2() -> mpf:
    # f' = 2 atan x / (1 + x^2); f'' = (2 - 4 x atan x) / (1 + x^2)^2 = 0 at x atan x = 1/2
    r = _root(lambda t: t * atan(t) - mpf(1) / 2, 0.7)
    return 2 * atan(r) / (1 + r**2)


def _sup_grad_x2exp() -> mpf:
    # f' = 2x(1 - x^2) e^{-x^2}; f'' = (2 - 10x^2 + 4x^4) e^{-x^2} = 0 at x^2 = (5 -+ sqrt17)/4
    vals = []
    for s in (-1, 1):
        t = sqrt((5 + s * sqrt(17)) / 4)
        vals.append(abs(2 * t * (1 - t**2) * exp(-t**2)))
    return max(vals)


def _sup_grad_xexp() -> mpf:
    # f' = (1 - 2x^2) e^{-x^2}: |f'| is 1 at 0; its other critical points (x^2 = 3/2) give
    # 2 e^{-3/2} < 1
    return mpf(1)


def _sup_grad_tangent() -> mpf:
    # f = x atan x - log(1 + x^2)/2 (a smooth "tangent" loss): f' = atan x -> pi/2
    return mpmath.pi / 2


CASES: list[Case] = [
    # -- growth with log factors ---------------------------------------------------------------
    Case("xlog1px2", _spec("x*log(1 + x**2)"),
         {"class": "Cinf", "symmetric": False, "bounded": False, "convex": False,
          "minimum_at_zero": False, "growth": "x*log(x)"},
         lambda x: x * log(1 + x**2),
         "odd; ~ 2 x log|x|, so f/|x| -> oo and f -> -oo as x -> -oo (not convex, not >= 0)"),
    Case("absxlog", _spec("abs(x)*log(1 + x**2)"),
         {"class": "C2", "symmetric": True, "bounded": False, "convex": True,
          "minimum_at_zero": True, "growth": "x*log(x)"},
         lambda x: abs(x) * log(1 + x**2),
         "= |x|^3 - |x|^5/2 + ... near 0 (C2, f''' jumps by 12); x>0: f'' = 2x/(1+x^2) + "
         "4x/(1+x^2)^2 > 0 and f'(0) = 0 on both sides: convex", kinks=(0,)),
    Case("xasinh", _spec("x*log(x + sqrt(1 + x**2)) - sqrt(1 + x**2) + 1"),
         {"class": "Cinf", "symmetric": True, "bounded": False, "convex": True,
          "minimum_at_zero": True, "growth": "x*log(x)", "gradient_bound": math.inf},
         lambda x: x * mpmath.asinh(x) - sqrt(1 + x**2) + 1,
         "x asinh x - sqrt(1+x^2) + 1: f' = asinh x, f'' = 1/sqrt(1+x^2) > 0, f(0) = 0"),
    Case("x2overlog", _spec("x**2/log(2 + x**2)"),
         {"class": "Cinf", "symmetric": True, "bounded": False, "minimum_at_zero": True,
          "growth": "x**2/log(x)"},
         lambda x: x**2 / log(2 + x**2),
         "log(2 + x^2) >= log 2 > 0, so f >= 0 = f(0); f/x^2 -> 0, f/|x| -> oo"),
    Case("log2", _spec("log(1 + x**2)**2"),
         {"class": "Cinf", "symmetric": True, "bounded": False, "convex": False,
          "minimum_at_zero": True, "growth": "log(x)**2"},
         lambda x: log(1 + x**2) ** 2,
         "~ 4 log^2|x|; a convex function that grows sublinearly both ways is constant"),
    Case("xatan", _spec("x*atan(x)"),
         {"class": "Cinf", "symmetric": True, "bounded": False, "convex": True,
          "minimum_at_zero": True, "growth": "linear", "gradient_bound": mpmath.pi / 2},
         lambda x: x * atan(x),
         "f' = atan x + x/(1+x^2) -> pi/2 from below (f'' = 2/(1+x^2)^2 > 0), f ~ pi|x|/2"),
    Case("sqrtlog", _spec("sqrt(1 + x**2)*log(1 + x**2)"),
         {"class": "Cinf", "symmetric": True, "bounded": False, "minimum_at_zero": True,
          "growth": "x*log(x)"},
         lambda x: sqrt(1 + x**2) * log(1 + x**2),
         "~ 2|x| log|x|; both factors >= 0, f(0) = 0"),
    Case("log1pabs", _spec("log(1 + abs(x))"),
         {"class": "C0", "symmetric": True, "bounded": False, "convex": False,
          "minimum_at_zero": True, "growth": "logarithmic"},
         lambda x: log(1 + abs(x)),
         "f'(0+) = 1, f'(0-) = -1: C0; f'' = -1/(1+|x|)^2 < 0 off 0", kinks=(0,)),
    Case("logcosh", _spec("log(cosh(x))"),
         {"class": "Cinf", "symmetric": True, "bounded": False, "convex": True,
          "minimum_at_zero": True, "growth": "linear", "gradient_bound": mpf(1)},
         lambda x: log(cosh(x)), "f' = tanh x, |tanh| < 1 -> 1; f'' = sech^2 > 0"),
    # -- one-sided suprema (bounded above, not below) --------------------------------------------
    Case("absminussq", _spec("abs(x) - x**2"),
         {"class": "C0", "symmetric": True, "bounded": True, "convex": False,
          "minimum_at_zero": False, "growth": "quadratic"},
         lambda x: abs(x) - x**2,
         "sup f = 1/4 at |x| = 1/2; f(2) = -2 < 0; f'(0+) - f'(0-) = 2", kinks=(0,)),
    Case("negsq", _spec("-x**2"),
         {"class": "Cinf", "symmetric": True, "bounded": True, "convex": False,
          "minimum_at_zero": False, "growth": "quadratic", "gradient_bound": math.inf},
         lambda x: -(x**2), "sup f = 0; f' = -2x unbounded"),
    Case("xminusexp", _spec("x - exp(x)"),
         {"class": "Cinf", "symmetric": False, "bounded": True, "convex": False,
          "minimum_at_zero": False,
          "growth": "linear as x -> -oo, superpolynomial as x -> oo"},
         lambda x: x - exp(x), "f' = 1 - e^x: sup f = f(0) = -1; f'' = -e^x < 0"),
    Case("logminussq", _spec("log(1 + x**2) - x**2"),
         {"class": "Cinf", "symmetric": True, "bounded": True, "convex": False,
          "minimum_at_zero": False, "growth": "quadratic"},
         lambda x: log(1 + x**2) - x**2,
         "f' = 2x/(1+x^2) - 2x = -2x^3/(1+x^2): sup f = f(0) = 0; f < 0 elsewhere"),
    Case("neglog", _spec("-abs(x)*log(1 + abs(x))"),
         {"class": "C2", "symmetric": True, "bounded": True, "convex": False,
          "minimum_at_zero": False, "growth": "x*log(x)"},
         lambda x: -abs(x) * log(1 + abs(x)),
         "= -x^2 + |x|^3/2 - ... near 0: the second derivative -(2 + |x|)/(1+|x|)^2 is "
         "continuous, the third jumps by 6 (C2); sup f = f(0) = 0", kinks=(0,)),
    Case("xexp", _spec("x*exp(-x**2)"),
         {"class": "Cinf", "symmetric": False, "bounded": True, "minimum_at_zero": False,
          "growth": "bounded", "gradient_bound": _sup_grad_xexp()},
         lambda x: x * exp(-(x**2)), "sup f = 1/sqrt(2e); f' = (1 - 2x^2) e^{-x^2}"),
    Case("x2exp", _spec("x**2*exp(-x**2)"),
         {"class": "Cinf", "symmetric": True, "bounded": True, "convex": False,
          "minimum_at_zero": True, "growth": "bounded", "gradient_bound": _sup_grad_x2exp()},
         lambda x: x**2 * exp(-(x**2)),
         "f >= 0 = f(0), sup 1/e; sup |f'| at the roots of f'' (x^2 = (5 -+ sqrt 17)/4)"),
    # -- transcendental critical points ------------------------------------------------------------
    Case("xtanh", _spec("x*tanh(x)"),
         {"class": "Cinf", "symmetric": True, "bounded": False, "convex": False,
          "minimum_at_zero": True, "growth": "linear", "gradient_bound": _sup_grad_xtanh()},
         lambda x: x * tanh(x),
         "sup |f'| at x tanh x = 1 (about 1.19968); f'' < 0 beyond it: not convex"),
    Case("atan2", _spec("atan(x)**2"),
         {"class": "Cinf", "symmetric": True, "bounded": True, "convex": False,
          "minimum_at_zero": True, "growth": "bounded", "gradient_bound": _sup_grad_atan2()},
         lambda x: atan(x) ** 2, "sup f = pi^2/4 (not attained); sup |f'| at x atan x = 1/2"),
    Case("tangent", _spec("x*atan(x) - log(1 + x**2)/2"),
         {"class": "Cinf", "symmetric": True, "bounded": False, "convex": True,
          "minimum_at_zero": True, "growth": "linear", "gradient_bound": _sup_grad_tangent()},
         lambda x: x * atan(x) - log(1 + x**2) / 2,
         "f' = atan x, f'' = 1/(1+x^2) > 0, f(0) = 0: sup |f'| = pi/2, not attained"),
    # -- parameter boundary values (nonnegative includes 0) ----------------------------------------
    Case("sqrtc", _spec("sqrt(x**2 + c)", ("c", "nonnegative")),
         {"class": "C0", "symmetric": True, "bounded": False, "gradient_bound": mpf(1),
          "minimum_at_zero": lambda c: c == 0},
         lambda x, c: sqrt(x**2 + c),
         "c > 0: analytic; c = 0: |x|, C0. |f'| = |x|/sqrt(x^2+c) < 1 -> 1. f(0) = sqrt c",
         family="c"),
    Case("sqplusabs", _spec("x**2 + c*abs(x)", ("c", "nonnegative")),
         {"class": "C0", "symmetric": True, "bounded": False, "convex": True,
          "minimum_at_zero": True, "growth": "quadratic", "gradient_bound": math.inf},
         lambda x, c: x**2 + c * abs(x),
         "the slope jumps by 2c >= 0 at 0 (C0 for c > 0); convex for every c >= 0",
         family="c", kinks=(0,)),
    Case("csqabs", _spec("c*x**2 + abs(x)", ("c", "nonnegative")),
         {"class": "C0", "symmetric": True, "bounded": False, "convex": True,
          "minimum_at_zero": True, "strictly_convex": lambda c: c > 0},
         lambda x, c: c * x**2 + abs(x),
         "f'' = 2c off 0 and a slope jump 2 at 0: strictly convex iff c > 0 (c = 0: |x|)",
         family="c", kinks=(0,)),
    Case("linexc", _spec("exp(c*x) - c*x - 1", ("c", "nonnegative")),
         {"class": "Cinf", "convex": True, "minimum_at_zero": True,
          "strictly_convex": lambda c: c > 0, "symmetric": lambda c: c == 0,
          "bounded": lambda c: c == 0},
         lambda x, c: exp(c * x) - c * x - 1,
         "f'' = c^2 e^{cx} >= 0; e^t >= 1 + t gives f >= 0 = f(0); c = 0: f = 0",
         family="c"),
    Case("clogcosh", _spec("c*log(cosh(x))", ("c", "nonnegative")),
         {"class": "Cinf", "symmetric": True, "convex": True, "minimum_at_zero": True,
          "strictly_convex": lambda c: c > 0, "bounded": lambda c: c == 0,
          "gradient_bound": lambda c: c},
         lambda x, c: c * log(cosh(x)), "f' = c tanh x: sup |f'| = c; f'' = c sech^2 x",
         family="c"),
    Case("linex", _spec("exp(a*x) - a*x - 1", ("a", "positive")),
         {"class": "Cinf", "convex": True, "strictly_convex": True, "bounded": False,
          "growth": "linear as x -> -oo, superpolynomial as x -> oo",
          "gradient_bound": math.inf},
         lambda x, c: exp(c * x) - c * x - 1, "Varian's LINEX: f'' = a^2 e^{ax} > 0",
         family="a", allowed=lambda c: c > 0),
    # -- parameter-dependent domains ------------------------------------------------------------
    Case("logc_real", _spec("log(x**2 + c)", ("c", "real")), {"refused": True},
         lambda x, c: log(x**2 + c), "c = -1 (allowed) leaves x = 0 undefined", family="c"),
    Case("sqrtc_real", _spec("sqrt(x**2 + c)", ("c", "real")), {"refused": True},
         lambda x, c: sqrt(x**2 + c), "c = -1 (allowed) leaves |x| < 1 undefined",
         family="c"),
    Case("sqrtcminus", _spec("sqrt(c - x**2)", ("c", "positive"), when="abs(x) < 1"),
         {"refused": True}, lambda x, c: sqrt(c - x**2),
         "c = 1/2 (allowed) leaves 1/sqrt2 < |x| < 1 undefined", family="c"),
    Case("logc_pos", _spec("log(x**2 + c)", ("c", "positive")),
         {"class": "Cinf", "symmetric": True, "bounded": False, "convex": False,
          "growth": "logarithmic", "minimum_at_zero": lambda c: c == 1},
         lambda x, c: log(x**2 + c),
         "defined for c > 0; f'' = 2(c - x^2)/(x^2+c)^2 < 0 for x^2 > c; f >= f(0) = log c, "
         "which is 0 exactly when c = 1",
         family="c", allowed=lambda c: c > 0),
    Case("recip", _spec("1/(x**2 + c)", ("c", "positive")),
         {"class": "Cinf", "symmetric": True, "bounded": True, "convex": False,
          "growth": "bounded", "minimum_at_zero": False,
          "gradient_bound": lambda c: 3 * sqrt(3) / (8 * c * sqrt(c))},
         lambda x, c: 1 / (x**2 + c),
         "f' = -2x/(x^2+c)^2, extreme at x^2 = c/3: 3 sqrt3 / (8 c^{3/2})",
         family="c", allowed=lambda c: c > 0),
]


# -- the numeric check of the truths (mpmath only) -------------------------------------------

mpmath.mp.dps = 50
_GRID = [mpf(s) * mpf(10) ** e for e in range(-3, 4) for s in ("1", "2.5", "5")]
_GRID += [mpf(k) / 100 for k in range(1, 301)]  # fine enough for the suprema of |f'|
_GRID = sorted({-g for g in _GRID} | set(_GRID) | {mpf(0)})


def _d(f: Callable, x, n: int = 1):
    """The n-th derivative by mpmath's finite differences, with a step relative to |x|."""
    return mpmath.diff(f, x, n, h=max(abs(x), 1) * mpf(10) ** -12)


def _values(case: Case) -> list:
    return [v for v in PARAM_PROBES if case.allowed(v)] if case.family else [None]


def _fn(case: Case, c) -> Callable:
    return (lambda x: case.f(x, c)) if case.family else case.f


def _truth_at(want, c):
    return want(c) if callable(want) else want


def _scale(name: str) -> Callable:
    t = mpmath.mpf
    table = {
        "linear": lambda x: x, "quadratic": lambda x: x**2, "logarithmic": lambda x: log(x),
        "x*log(x)": lambda x: x * log(x), "x**2/log(x)": lambda x: x**2 / log(x),
        "log(x)**2": lambda x: log(x) ** 2,
    }
    return table.get(name, lambda x: t(1))


def _growth_side_holds(f: Callable, name: str, sign: int) -> bool:
    """|f| / scale tends to a finite nonzero limit (ratios at 1e50 and 1e100 within 5%);
    ``bounded``: |f| stays below 1e6 far out; ``superpolynomial``: |f(1e4)| > 1e4**20."""
    if name == "bounded":
        return all(abs(f(sign * mpf(10) ** e)) < 1e6 for e in (5, 50, 100))
    if name == "superpolynomial":
        return abs(f(sign * mpf(10) ** 4)) > mpf(10) ** 80
    s = _scale(name)
    r1 = abs(f(sign * mpf(10) ** 50)) / s(mpf(10) ** 50)
    r2 = abs(f(sign * mpf(10) ** 100)) / s(mpf(10) ** 100)
    return r1 > 0 and abs(r2 / r1 - 1) < 0.05


def check_truth(case: Case, key: str, want) -> str:
    """'' when mpmath agrees with the hand-derived truth, else what disagrees."""
    for c in _values(case):
        f = _fn(case, c)
        w = _truth_at(want, c)
        if key == "growth":
            sides = w.split(" as x -> -oo, ")
            left, right = (sides[0], sides[1].removesuffix(" as x -> oo")) if len(sides) == 2 \
                else (w, w)
            if not (_growth_side_holds(f, left, -1) and _growth_side_holds(f, right, 1)):
                return f"growth {w} at {c}"
        elif key == "symmetric":
            even = all(abs(f(x) - f(-x)) < 1e-20 * (1 + abs(f(x))) for x in _GRID)
            if even != w:
                return f"symmetric at {c}"
        elif key == "minimum_at_zero":
            holds = abs(f(mpf(0))) < 1e-30 and all(f(x) >= -1e-30 for x in _GRID)
            if holds != w:
                return f"minimum_at_zero at {c}"
        elif key == "bounded":
            # unbounded above: f keeps growing far out on some side (log^2 included)
            grows = any(f(s * mpf(10) ** 100) > max(f(s * mpf(10) ** 50) + 1, 1)
                        for s in (-1, 1))
            if grows == w:
                return f"bounded at {c}"
        elif key in ("convex", "strictly_convex"):
            d2 = [_d(f, x, 2) for x in _GRID if x not in case.kinks]
            concave_somewhere = min(d2) < -1e-12
            if key == "convex" and concave_somewhere == w:
                return f"convex at {c}"
            if key == "strictly_convex":
                # strictly convex: convex and f'' > 0 off the kinks, or a kink with a jump
                flat = max(d2) < 1e-30 and min(d2) > -1e-30
                linear_pieces = all(abs(v) < 1e-30 for v in d2)
                if (not concave_somewhere and not flat and not linear_pieces) != w:
                    return f"strictly_convex at {c}"
        elif key == "gradient_bound":
            grads = [abs(_d(f, x)) for x in _GRID if x not in case.kinks]
            far = abs(_d(f, mpf(10) ** 8))
            if w == math.inf:
                sides = [(abs(_d(f, s * mpf(10) ** 8)), abs(_d(f, s * mpf(10) ** 50)))
                         for s in (-1, 1)]
                if not any(b > a + 1 for a, b in sides):
                    return f"gradient_bound oo at {c}"
            elif max(grads) > w * (1 + mpf(10) ** -20) or abs(max(grads + [far]) - w) > 1e-2:
                return f"gradient_bound {w} at {c}: grid max {max(grads)}"
        elif key == "class":
            # a family's class is its lowest over the allowed values (derived by hand);
            # a single function's class at its kink: orders 0..k join, order k + 1 jumps
            if w != "Cinf" and case.kinks and not case.family:
                k, at, h = int(w[1:]), case.kinks[0], mpf(10) ** -9
                for n in range(k + 2):
                    right = mpmath.diff(f, at + h, n, h=mpf(10) ** -12) if n else f(at + h)
                    left = mpmath.diff(f, at - h, n, h=mpf(10) ** -12) if n else f(at - h)
                    joins = abs(right - left) < 1e-6
                    if (n <= k) != joins:
                        return f"class {w}: order {n} joins={joins}"
        elif key == "refused":
            bad = False
            for cc in (mpf(-1), mpf(1) / 2) if case.family else (None,):
                g = _fn(case, cc)
                for x in [mpf(v) / 100 for v in range(0, 100, 3)]:
                    v = g(x)
                    if isinstance(v, mpmath.mpc) and abs(v.imag) > 0 or not mpmath.isfinite(v):
                        bad = True
            if bad != w:
                return "refused"
    return ""
