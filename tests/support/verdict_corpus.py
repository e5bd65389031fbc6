"""Corpus of losses with hand-derived truths, for judging lossmath's verdicts.

Every truth here was derived by hand (the ``derivation`` line says how) and is checked
numerically with mpmath alone in ``tests/analysis/test_corpus_truths.py``; nothing here imports
lossmath's analysis. ``tests/analysis/test_verdicts.py`` runs lossmath on every case and requires
each definite answer to equal the truth (undecided or refused is acceptable, wrong never).

Conventions
-----------
* A breakpoint is every point where the function is not analytic, plus points where the
  definition changes but the function is analytic across it (listed with class ``"Cinf"``).
* Class ``Ck``: k times continuously differentiable there, not k+1 times; ``"discontinuous"``
  when f jumps or has a removable discontinuity.
* ``jump`` is ``f^(k+1)(at+) - f^(k+1)(at-)`` for the first order k+1 that does not join:
  a number or a sympy-syntax string (in the loss's parameters), ``math.inf`` when a one-sided
  derivative of that order is unbounded (tends to +-oo), ``None`` when a one-sided limit does
  not exist (oscillation). Omitted (``NOJUMP``) for ``Cinf``. For a removable discontinuity
  the one-sided limits agree: jump 0 with ``removable=True``.
* ``convex``/``symmetric``: True, False, ``"depends"`` (on a symbolic parameter) or None (not
  derived). ``sup_grad`` is sup over x of |f'(x)|: a number or sympy-syntax string,
  ``math.inf`` when unbounded, ``"depends"``, or None (not derived).
* Numeric truths are at the parameter defaults when ``subs_defaults`` (most literature
  cases); symbolic cases keep the parameters and give truths as sympy-syntax strings.
* ``mp`` is an independent mpmath definition at the default parameter values (constants as
  exact decimals via ``mpf("...")``), used only by the numeric truth check.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import mpmath
from mpmath import atan, cos, cosh, exp, log, mpf, sin, sqrt, tan

F = mpf
NOJUMP = "no jump"  # sentinel: a Cinf breakpoint has no first jump
DEPENDS = "depends"
CLASSES = ("discontinuous",) + tuple(f"C{k}" for k in range(40)) + ("Cinf",)


def class_order(name: str) -> float:
    """-1 for discontinuous, k for Ck, inf for Cinf."""
    if name == "discontinuous":
        return -1
    if name == "Cinf":
        return math.inf
    return int(name[1:])


@dataclass(frozen=True)
class BP:
    """Truth at one breakpoint."""

    at: str  # sympy syntax: "0", "1/3", "delta", "-pi*a"
    cls: str
    jump: Any = NOJUMP
    removable: bool = False
    # with jump None: the oscillation is unbounded (f' ~ cos(1/x)/x), so "unbounded" (oo)
    # is as true an answer as "no limit" (nan)
    unbounded: bool = False


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    source: str
    derivation: str
    mp: Callable[[Any], Any]
    expr: str | None = None
    spec: dict | None = None
    subs_defaults: bool = True
    reject: bool = False
    reject_at: tuple[str, ...] = ()  # points inside a piece's interval where it is undefined
    breakpoints: tuple[BP, ...] | None = ()
    complete: bool = True  # False: the breakpoint list is a sample (infinitely many)
    overall: str | None = None  # explicit overall class; otherwise the minimum of breakpoints
    convex: Any = None
    symmetric: Any = None
    sup_grad: Any = None
    scan: tuple[float, float] = (-10, 10)  # range of the numeric scans
    sup_at: tuple[str, ...] = ()  # where sup|f'| is attained ("oo"/"-oo": approached there)
    far: bool = True  # the numeric check may evaluate at |x| up to 1e24 (not for exp(exp(exp)))
    # field -> ((mp function at other parameter values, truth there), ...): evidence for
    # "depends" answers
    witnesses: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        assert (self.expr is None) != (self.spec is None), self.id
        for b in self.breakpoints or ():
            assert b.cls in CLASSES, (self.id, b)
            assert (b.cls == "Cinf") == (b.jump is NOJUMP), (self.id, b)

    @property
    def defaults(self) -> dict[str, str]:
        if self.spec is None:
            return {}
        return {k: str(v["default"]) for k, v in self.spec.get("params", {}).items()}

    @property
    def overall_class(self) -> str | None:
        if self.reject:
            return None
        if self.overall is not None:
            return self.overall
        if self.breakpoints is None or not self.complete:
            return None
        if not self.breakpoints:
            return "Cinf"
        return min((b.cls for b in self.breakpoints), key=class_order)


def spec(name: str, params: dict[str, Any], *pieces: tuple[str, str]) -> dict:
    """A ``loss_from_toml`` dict; params: name -> default (positive) or (default, assume)."""
    ps = {}
    for k, v in params.items():
        default, assume = v if isinstance(v, tuple) else (v, "positive")
        ps[k] = {"default": str(default), "assume": assume}
    return {
        "name": name,
        "params": ps,
        "pieces": [{"expr": e, "when": w} for e, w in pieces],
    }


def sym_bps(at: str, cls: str, jump: Any, parity: int) -> tuple[BP, BP]:
    """Breakpoints at +at and -at of an even function: the jump of f^(n) at -a is
    (-1)^(n+1) times the jump at +a (f^(n)(x) = (-1)^n f^(n)(-x)); ``parity`` is that sign."""
    if isinstance(jump, str):
        neg = jump if parity > 0 else f"-({jump})"
    elif jump is None or jump == math.inf:
        neg = jump
    else:
        neg = jump if parity > 0 else -jump
    return BP(at, cls, jump), BP(f"-({at})", cls, neg)


def _sig(v):
    return 1 / (1 + exp(-v))


def _barron(alpha, c):
    def f(v):
        b = abs(alpha - 2)
        return (b / alpha) * (((v / c) ** 2 / b + 1) ** (alpha / 2) - 1)

    return f


def _abs_pow(p):
    return lambda v: abs(v) ** p


HUBER_SRC = "Huber, Robust Estimation of a Location Parameter, Ann. Math. Statist. 35(1), 1964"
GIRSHICK = "Girshick, Fast R-CNN, ICCV 2015 (Caffe smooth_L1_loss_layer)"
BARRON = "Barron, A General and Adaptive Robust Loss Function, CVPR 2019"
HAND = "hand derivation"
ISSUE = "worked example; hand derivation"

def _b3():
    """Balanced L1's b = e^{gamma/alpha} - 1 for alpha = 0.5, gamma = 1.5, at the caller's
    precision."""
    return exp(3) - 1


def _aw_constants():
    """Adaptive Wing A and C (Wang et al. 2019) for omega=14, theta=0.5, eps=1, p=1.6."""
    w, th, p = F(14), F("0.5"), F("1.6")
    a = w * (1 / (1 + th**p)) * p * th ** (p - 1)
    return a, th * a - w * log(1 + th**p)


def _adaptive_wing(v):
    if abs(v) < F("0.5"):
        return 14 * log(1 + abs(v) ** F("1.6"))
    a, c = _aw_constants()
    return a * abs(v) - c


with mpmath.workdps(60):
    #: the root of x^7 + x = pi near 1.12 (a breakpoint of ``sin_condition``)
    _R1 = mpmath.nstr(mpmath.findroot(lambda t: t**7 + t - mpmath.pi, 1.1), 70)

CASES: list[Case] = [
    # ------------------------------------------------------------------ literature, numeric
    Case("mse", "literature", "squared error", "f''=2: convex, f'=2x unbounded",
         lambda v: v**2, expr="x**2", convex=True, symmetric=True, sup_grad=math.inf),
    Case("half_mse", "literature", "Bishop PRML; optax l2_loss", "f''=1, f'=x unbounded",
         lambda v: v**2 / 2, expr="0.5*x**2", convex=True, symmetric=True,
         sup_grad=math.inf),
    Case("l1", "literature", "absolute error", "slopes -1|+1 at 0: jump 2",
         abs, expr="abs(x)", breakpoints=(BP("0", "C0", 2),), convex=True, symmetric=True,
         sup_grad=1),
    Case("smooth_l1_beta1", "literature", GIRSHICK,
         "inside f''=1/beta, outside 0; values and slopes 1 match at |x|=beta",
         lambda v: v**2 / 2 if abs(v) < 1 else abs(v) - F("0.5"),
         spec=spec("smooth_l1", {"beta": 1}, ("x**2/(2*beta)", "abs(x) < beta"),
                   ("abs(x) - beta/2", "otherwise")),
         breakpoints=sym_bps("1", "C1", -1, -1), convex=True, symmetric=True, sup_grad=1),
    Case("smooth_l1_beta_1_9", "literature",
         "maskrcnn-benchmark smooth_l1_loss beta=1/9",
         "f'' jumps 1/beta = 9 -> 0 at beta = 1/9",
         lambda v: v**2 * F(9) / 2 if abs(v) < F(1) / 9 else abs(v) - F(1) / 18,
         spec=spec("smooth_l1", {"beta": "1/9"}, ("x**2/(2*beta)", "abs(x) < beta"),
                   ("abs(x) - beta/2", "otherwise")),
         breakpoints=sym_bps("1/9", "C1", -9, -1), convex=True, symmetric=True, sup_grad=1,
         scan=(-2, 2)),
    Case("smooth_l1_tiny_beta", "literature", GIRSHICK + " (beta = 1e-30)",
         "smooth L1 at beta = 1e-30: still C1 at +-beta, f'' jumps 1/beta = 1e30 -> 0",
         lambda v: v**2 / (2 * F("1e-30")) if abs(v) < F("1e-30") else abs(v) - F("1e-30") / 2,
         spec=spec("smooth_l1", {"beta": "1e-30"}, ("x**2/(2*beta)", "abs(x) < beta"),
                   ("abs(x) - beta/2", "otherwise")),
         breakpoints=sym_bps("1e-30", "C1", "-1e30", -1), convex=True, symmetric=True,
         sup_grad=1),
    Case("smooth_l1_sigma3", "literature", "py-faster-rcnn sigma form, sigma=3",
         "0.5(sigma x)^2 inside |x|<1/sigma^2 = smooth L1 beta=1/9: f'' 9 -> 0",
         lambda v: (3 * v) ** 2 / 2 if abs(v) < F(1) / 9 else abs(v) - F(1) / 18,
         spec=spec("smooth_l1_sigma", {"sigma": 3},
                   ("0.5*(sigma*x)**2", "abs(x) < 1/sigma**2"),
                   ("abs(x) - 0.5/sigma**2", "otherwise")),
         breakpoints=sym_bps("1/9", "C1", -9, -1), convex=True, symmetric=True, sup_grad=1,
         scan=(-2, 2)),
    Case("huber_1345", "literature", HUBER_SRC + "; statsmodels HuberT t=1.345",
         "f''=1 inside, 0 outside; slope delta on both sides at |x|=delta",
         lambda v: v**2 / 2 if abs(v) <= F("1.345") else F("1.345") * (abs(v) - F("1.345") / 2),
         spec=spec("huber", {"delta": "1.345"}, ("x**2/2", "abs(x) <= delta"),
                   ("delta*(abs(x) - delta/2)", "otherwise")),
         breakpoints=sym_bps("1.345", "C1", -1, -1), convex=True, symmetric=True,
         sup_grad="1.345"),
    Case("huber_min_form", "literature", "optax huber_loss (min trick), delta=1",
         "q=min(|x|,1): 0.5q^2+(|x|-q) = Huber delta=1",
         lambda v: min(abs(v), 1) ** 2 / 2 + (abs(v) - min(abs(v), 1)),
         expr="0.5*min(abs(x), 1)**2 + (abs(x) - min(abs(x), 1))",
         breakpoints=sym_bps("1", "C1", -1, -1), convex=True, symmetric=True, sup_grad=1),
    Case("pseudo_huber_2", "literature", "Hartley & Zisserman MVG p.619; scipy pseudo_huber",
         "psi = d x/sqrt(d^2+x^2) -> d (not attained); f'' = d^3/(d^2+x^2)^1.5 > 0",
         lambda v: 4 * (sqrt(1 + (v / 2) ** 2) - 1),
         spec=spec("pseudo_huber", {"delta": 2}, ("delta**2*(sqrt(1 + (x/delta)**2) - 1)",
                                                  "otherwise")),
         convex=True, symmetric=True, sup_grad=2, sup_at=("oo",)),
    Case("charbonnier", "literature", "Charbonnier et al., IEEE TIP 6(2), 1997",
         "psi = x/sqrt(x^2+e^2) -> 1; f'' = e^2/(x^2+e^2)^1.5 > 0",
         lambda v: sqrt(v**2 + F("0.001") ** 2),
         spec=spec("charbonnier", {"eps": "0.001"}, ("sqrt(x**2 + eps**2)", "otherwise")),
         convex=True, symmetric=True, sup_grad=1, sup_at=("oo",)),
    Case("log_cosh", "literature", "Chen et al. 2019 (openreview rkglvsC9Ym); optax log_cosh",
         "psi = tanh x -> 1, f'' = sech^2 > 0", lambda v: log(cosh(v)),
         expr="log(cosh(x))", convex=True, symmetric=True, sup_grad=1, sup_at=("oo",)),
    Case("cauchy_barron", "literature", BARRON + " (alpha=0)",
         "psi = 2x/(2c^2+x^2), max 1/(sqrt2 c) at |x|=sqrt2 c; f''<0 beyond",
         lambda v: log(v**2 / 2 + 1),
         spec=spec("cauchy", {"c": 1}, ("log((x/c)**2/2 + 1)", "otherwise")),
         convex=False, symmetric=True, sup_grad="1/sqrt(2)"),
    Case("cauchy_scipy", "literature", "scipy least_squares loss='cauchy', f_scale=1",
         "psi = x/(1+x^2), max 1/2 at |x|=1", lambda v: log(1 + v**2) / 2,
         spec=spec("cauchy_scipy", {"C": 1}, ("0.5*C**2*log(1 + (x/C)**2)", "otherwise")),
         convex=False, symmetric=True, sup_grad="1/2"),
    Case("cauchy_matlab", "literature", "MATLAB robustfit 'cauchy' 2.385 (UTide port)",
         "(c^2/2) log(1+(x/c)^2): psi = x/(1+(x/c)^2), max c/2 at |x|=c",
         lambda v: F("2.385") ** 2 / 2 * log(1 + (v / F("2.385")) ** 2),
         spec=spec("cauchy_m", {"c": "2.385"}, ("c**2/2*log(1 + (x/c)**2)", "otherwise")),
         convex=False, symmetric=True, sup_grad="2.385/2", scan=(-20, 20)),
    Case("geman_mcclure_barron", "literature", BARRON + " (alpha=-2)",
         "psi = 16c^2x/(4c^2+x^2)^2, max 3sqrt3/(8c) at |x| = 2c/sqrt3",
         lambda v: 2 * v**2 / (v**2 + 4),
         spec=spec("gm", {"c": 1}, ("2*(x/c)**2/((x/c)**2 + 4)", "otherwise")),
         convex=False, symmetric=True, sup_grad="3*sqrt(3)/8"),
    Case("geman_mcclure_classic", "literature", "Geman & McClure 1987, sigma=2",
         "x^2/(s^2+x^2): psi = 2s^2x/(s^2+x^2)^2, max 3sqrt3/(8s) at x^2 = s^2/3",
         lambda v: v**2 / (4 + v**2),
         spec=spec("gm2", {"sigma": 2}, ("x**2/(sigma**2 + x**2)", "otherwise")),
         convex=False, symmetric=True, sup_grad="3*sqrt(3)/16"),
    Case("welsch_barron", "literature", BARRON + " (alpha=-inf)",
         "psi = x e^{-x^2/2}, max e^{-1/2} at |x|=1", lambda v: 1 - exp(-v**2 / 2),
         spec=spec("welsch", {"c": 1}, ("1 - exp(-(x/c)**2/2)", "otherwise")),
         convex=False, symmetric=True, sup_grad="exp(-1/2)"),
    Case("welsch_2985", "literature", "MATLAB robustfit 'welsch' 2.985 (UTide port), Barron form",
         "psi = (x/c^2) e^{-x^2/(2c^2)}, max e^{-1/2}/c at |x|=c",
         lambda v: 1 - exp(-(v / F("2.985")) ** 2 / 2),
         spec=spec("welsch", {"c": "2.985"}, ("1 - exp(-(x/c)**2/2)", "otherwise")),
         convex=False, symmetric=True, sup_grad="exp(-1/2)/2.985", scan=(-20, 20)),
    Case("fair_14", "literature", "Fair 1974; MATLAB robustfit 'fair' 1.400",
         "x>0: f'''=-2c^2/(c+x)^3 -> -2/c, mirror +2/c: jump -4/c; psi = x/(1+|x|/c) -> c",
         lambda v: F("1.4") ** 2 * (abs(v) / F("1.4") - log(1 + abs(v) / F("1.4"))),
         spec=spec("fair", {"c": "1.4"}, ("c**2*(abs(x)/c - log(1 + abs(x)/c))", "otherwise")),
         breakpoints=(BP("0", "C2", "-4/1.4"),), convex=True, symmetric=True, sup_grad="1.4",
         sup_at=("oo",)),
    Case("arctan_scipy", "literature", "scipy least_squares loss='arctan', f_scale=1",
         "psi = x/(1+x^4), max 3^{3/4}/4 at x^4=1/3", lambda v: atan(v**2) / 2,
         spec=spec("arctan", {"C": 1}, ("0.5*C**2*atan((x/C)**2)", "otherwise")),
         convex=False, symmetric=True, sup_grad="3**(3/4)/4"),
    Case("tukey_4685", "literature", "Beaton & Tukey 1974; statsmodels TukeyBiweight c=4.685",
         "f'' = (1-u^2)(1-5u^2), f''' -> 8/c at u=1-, 0 outside: jump -8/c at both +-c; "
         "psi max 16c/(25 sqrt5) at |x|=c/sqrt5",
         lambda v: (F("4.685") ** 2 / 6 * (1 - (1 - (v / F("4.685")) ** 2) ** 3)
                    if abs(v) <= F("4.685") else F("4.685") ** 2 / 6),
         spec=spec("tukey", {"c": "4.685"}, ("c**2/6*(1 - (1 - (x/c)**2)**3)", "abs(x) <= c"),
                   ("c**2/6", "otherwise")),
         breakpoints=sym_bps("4.685", "C2", "-8/4.685", 1), convex=False, symmetric=True,
         sup_grad="16*4.685/(25*sqrt(5))"),
    Case("hampel_248", "literature", "Hampel three-part; statsmodels Hampel(a=2, b=4, c=8)",
         "f'' = 1 | 0 | a/(b-c) | 0: jumps -1, -1/2, +1/2 at a, b, c (even: flipped at -a,-b,-c)",
         lambda v: (v**2 / 2 if abs(v) <= 2 else 2 * abs(v) - 2 if abs(v) <= 4
                    else 10 - (8 - abs(v)) ** 2 / 4 if abs(v) <= 8 else F(10)),
         spec=spec("hampel", {"a": 2, "b": 4, "c": 8},
                   ("x**2/2", "abs(x) <= a"), ("a*abs(x) - a**2/2", "abs(x) <= b"),
                   ("a*(b + c - a)/2 - a*(c - abs(x))**2/(2*(c - b))", "abs(x) <= c"),
                   ("a*(b + c - a)/2", "otherwise")),
         breakpoints=(sym_bps("2", "C1", -1, -1) + sym_bps("4", "C1", "-1/2", -1)
                      + sym_bps("8", "C1", "1/2", -1)),
         convex=False, symmetric=True, sup_grad=2, scan=(-12, 12)),
    Case("andrews_1339", "literature", "Andrews 1974; statsmodels AndrewWave a=1.339",
         "f'' = cos(x/a) -> -1 at a*pi, 0 outside: jump +1 at a*pi; psi = a sin(x/a), max a",
         lambda v: (F("1.339") ** 2 * (1 - cos(v / F("1.339"))) if abs(v) <= mpmath.pi * F("1.339")
                    else 2 * F("1.339") ** 2),
         spec=spec("andrews", {"a": "1.339"}, ("a**2*(1 - cos(x/a))", "abs(x) <= pi*a"),
                   ("2*a**2", "otherwise")),
         breakpoints=sym_bps("1.339*pi", "C1", 1, -1), convex=False, symmetric=True,
         sup_grad="1.339"),
    Case("talwar_2795", "literature", "MATLAB robustfit 'talwar' 2.795 (UTide port)",
         "psi drops from c to 0 at |x|=c: f' jump -c at both +-c (even, n=1)",
         lambda v: v**2 / 2 if abs(v) <= F("2.795") else F("2.795") ** 2 / 2,
         spec=spec("talwar", {"c": "2.795"}, ("x**2/2", "abs(x) <= c"), ("c**2/2", "otherwise")),
         breakpoints=sym_bps("2.795", "C0", "-2.795", 1), convex=False, symmetric=True,
         sup_grad="2.795"),
    Case("pinball_03", "literature", "Koenker & Bassett, Regression Quantiles, 1978; tau=0.3",
         "slopes tau-1 | tau: jump 1; sup max(tau,1-tau)=0.7",
         lambda v: max(F("0.3") * v, (F("0.3") - 1) * v),
         spec=spec("pinball", {"tau": "0.3"}, ("max(tau*x, (tau - 1)*x)", "otherwise")),
         breakpoints=(BP("0", "C0", 1),), convex=True, symmetric=False, sup_grad="0.7"),
    Case("pinball_half", "literature", "Koenker & Bassett 1978; tau=1/2 = |x|/2",
         "slopes -1/2 | 1/2: jump 1", lambda v: abs(v) / 2,
         spec=spec("pinball", {"tau": "0.5"}, ("max(tau*x, (tau - 1)*x)", "otherwise")),
         breakpoints=(BP("0", "C0", 1),), convex=True, symmetric=True, sup_grad="1/2"),
    Case("quantile_09_split", "literature", "Koenker & Bassett 1978, tau=0.9, two pieces",
         "slopes -0.1 | 0.9: jump 1",
         lambda v: F("0.9") * v if v >= 0 else (F("0.9") - 1) * v,
         expr="0.9*x if x >= 0 else -0.1*x", breakpoints=(BP("0", "C0", 1),), convex=True,
         symmetric=False, sup_grad="0.9"),
    Case("eps_insensitive", "literature", "Vapnik 1995; sklearn EpsilonInsensitive, eps=0.1",
         "slopes 0 | 1 at eps: jump 1; at -eps -1 | 0: jump 1; flat (analytic) at 0",
         lambda v: max(0, abs(v) - F("0.1")),
         spec=spec("eps_ins", {"eps": "0.1"}, ("max(0, abs(x) - eps)", "otherwise")),
         breakpoints=sym_bps("0.1", "C0", 1, 1), convex=True, symmetric=True, sup_grad=1,
         scan=(-3, 3)),
    Case("sq_eps_insensitive", "literature", "sklearn SquaredEpsilonInsensitive, eps=0.1",
         "f'' 0 | 2 at eps: jump 2 (odd order flips: -2 at -eps)",
         lambda v: max(0, abs(v) - F("0.1")) ** 2,
         spec=spec("sq_eps", {"eps": "0.1"}, ("max(0, abs(x) - eps)**2", "otherwise")),
         breakpoints=sym_bps("0.1", "C1", 2, -1), convex=True, symmetric=True,
         sup_grad=math.inf, scan=(-3, 3)),
    Case("hinge", "literature", "Cortes & Vapnik 1995 (SVM hinge)",
         "slopes -1 | 0 at 1: jump 1", lambda v: max(0, 1 - v), expr="max(0, 1 - x)",
         breakpoints=(BP("1", "C0", 1),), convex=True, symmetric=False, sup_grad=1),
    Case("squared_hinge", "literature", "sklearn 'squared_hinge'",
         "f'' 2 | 0 at 1: jump -2", lambda v: max(0, 1 - v) ** 2, expr="max(0, 1 - x)**2",
         breakpoints=(BP("1", "C1", -2),), convex=True, symmetric=False, sup_grad=math.inf),
    Case("smoothed_hinge", "literature", "Rennie & Srebro 2005, smooth hinge",
         "1/2-x | (1-x)^2/2 | 0: values/slopes join at 0 and 1; f'' 0|1|0: jumps +1, -1",
         lambda v: F(1) / 2 - v if v <= 0 else (1 - v) ** 2 / 2 if v < 1 else F(0),
         expr="0.5 - x if x <= 0 else (0.5*(1 - x)**2 if x < 1 else 0)",
         breakpoints=(BP("0", "C1", 1), BP("1", "C1", -1)), convex=True, symmetric=False,
         sup_grad=1),
    Case("modified_huber", "literature", "Zhang 2004; sklearn ModifiedHuber",
         "-4x | (1-x)^2 | 0: at -1 value 4 and slope -4 join, f'' 0|2: +2; at 1 f'' 2|0: -2",
         lambda v: -4 * v if v < -1 else max(0, 1 - v) ** 2,
         expr="-4*x if x < -1 else max(0, 1 - x)**2",
         breakpoints=(BP("-1", "C1", 2), BP("1", "C1", -2)), convex=True, symmetric=False,
         sup_grad=4),
    Case("logistic", "literature", "logistic loss log(1+e^{-x})",
         "f' = -1/(1+e^x) -> -1 as x -> -oo; f'' = e^x/(1+e^x)^2 > 0",
         lambda v: log(1 + exp(-v)), expr="log(1 + exp(-x))", convex=True, symmetric=False,
         sup_grad=1, sup_at=("-oo",), scan=(-30, 30)),
    Case("exponential", "literature", "Freund & Schapire (AdaBoost) exp(-x)",
         "f''=e^{-x}>0, |f'| unbounded", lambda v: exp(-v), expr="exp(-x)", convex=True,
         symmetric=False, sup_grad=math.inf),
    Case("perceptron", "literature", "Rosenblatt perceptron criterion max(0,-x)",
         "slopes -1 | 0: jump 1", lambda v: max(0, -v), expr="max(0, -x)",
         breakpoints=(BP("0", "C0", 1),), convex=True, symmetric=False, sup_grad=1),
    Case("relu_split", "literature", "hinge at 0 written as a split",
         "slopes 0 | 1: jump 1", lambda v: v if v > 0 else F(0), expr="x if x > 0 else 0",
         breakpoints=(BP("0", "C0", 1),), convex=True, symmetric=False, sup_grad=1),
    Case("wing_10_2", "literature", "Feng et al., Wing Loss, CVPR 2018 (mmpose WingLoss)",
         "at 0 slopes -+w/eps: jump 2w/eps=10; at w slope w/(w+eps)=5/6 -> 1: jump 1/6 "
         "(even, n=1: same at -w); concave pieces; sup max(w/eps,1)=5",
         lambda v: (10 * log(1 + abs(v) / 2) if abs(v) < 10
                    else abs(v) - (10 - 10 * log(1 + F(10) / 2))),
         spec=spec("wing", {"w": 10, "epsilon": 2}, ("w*log(1 + abs(x)/epsilon)", "abs(x) < w"),
                   ("abs(x) - (w - w*log(1 + w/epsilon))", "otherwise")),
         breakpoints=(BP("0", "C0", 10),) + sym_bps("10", "C0", "1/6", 1), convex=False,
         symmetric=True, sup_grad=5, scan=(-20, 20)),
    Case("soft_wing", "literature", "Lin et al. TIP 2021 (mmpose SoftWingLoss 2, 20, 0.5)",
         "at 0 jump 2; at w1 slope 1 -> w2/(eps+w1) = 8: jump 7 (same at -w1); sup 8",
         lambda v: (abs(v) if abs(v) < 2
                    else 20 * log(1 + abs(v) / F("0.5")) + 2 - 20 * log(1 + 2 / F("0.5"))),
         spec=spec("soft_wing", {"w1": 2, "w2": 20, "eps": "0.5"}, ("abs(x)", "abs(x) < w1"),
                   ("w2*log(1 + abs(x)/eps) + w1 - w2*log(1 + w1/eps)", "otherwise")),
         breakpoints=(BP("0", "C0", 2),) + sym_bps("2", "C0", 7, 1), convex=False,
         symmetric=True, sup_grad=8),
    Case("balanced_l1", "literature", "Pang et al., Libra R-CNN, CVPR 2019 (alpha .5, gamma 1.5)",
         "b=e^3-1; inner f'=a log(b|x|+1): f''' -> -ab^2 at 0+, +ab^2 at 0-: jump -b^2; "
         "at 1 f'' a(1-e^-3) -> 0; f''>0 inside: convex; sup gamma",
         lambda v: ((F(1) / 2 / _b3()) * (_b3() * abs(v) + 1) * log(_b3() * abs(v) + 1)
                    - abs(v) / 2 if abs(v) < 1
                    else F("1.5") * abs(v) + F("1.5") / _b3() - F(1) / 2),
         spec=spec("balanced_l1", {"alpha": "0.5", "gamma": "1.5"},
                   ("alpha/(exp(gamma/alpha) - 1)*((exp(gamma/alpha) - 1)*abs(x) + 1)"
                    "*log((exp(gamma/alpha) - 1)*abs(x) + 1) - alpha*abs(x)", "abs(x) < 1"),
                   ("gamma*abs(x) + gamma/(exp(gamma/alpha) - 1) - alpha", "otherwise")),
         breakpoints=((BP("0", "C2", "-(exp(3) - 1)**2"),)
                      + sym_bps("1", "C1", "-(1 - exp(-3))/2", -1)),
         convex=True, symmetric=True, sup_grad="1.5"),
    Case("adaptive_wing_y05", "literature",
         "Wang, Bo & Fuxin, Adaptive Wing Loss, ICCV 2019 (mmpose defaults, y=0.5, p=1.6)",
         "inner g=14 log(1+d^p): g''~ d^{p-2} -> +oo at 0 (C1); at theta g''(0.5)=4.5144 -> 0; "
         "g''>=0 while d^p<=p-1 (d<0.727): convex; g' increasing so sup = A = 11.11267",
         _adaptive_wing,
         spec=spec("awing", {"omega": 14, "theta": "0.5", "epsilon": 1, "p": "1.6"},
                   ("omega*log(1 + (abs(x)/epsilon)**p)", "abs(x) < theta"),
                   ("omega*(1/(1 + (theta/epsilon)**p))*p*(theta/epsilon)**(p - 1)/epsilon*abs(x)"
                    " - (theta*omega*(1/(1 + (theta/epsilon)**p))*p*(theta/epsilon)**(p - 1)"
                    "/epsilon - omega*log(1 + (theta/epsilon)**p))", "otherwise")),
         breakpoints=((BP("0", "C1", math.inf),)
                      + sym_bps("1/2", "C1", "-4.514385905474848196528768745896478887207", -1)),
         convex=True, symmetric=True,
         sup_grad="11.1126734641958153029949228575051048117", scan=(-3, 3)),
    Case("ramsay_e", "literature", "statsmodels RamsayE a=0.3",
         "psi = x e^{-a|x|}: f'' = e^{-a|x|}(1-a|x|), f''' -> -2a | +2a: jump -4a; "
         "sup 1/(a e) at |x|=1/a; f''<0 beyond 1/a",
         lambda v: (1 - exp(-F("0.3") * abs(v)) * (1 + F("0.3") * abs(v))) / F("0.3") ** 2,
         spec=spec("ramsay", {"a": "0.3"},
                   ("(1 - exp(-a*abs(x))*(1 + a*abs(x)))/a**2", "otherwise")),
         breakpoints=(BP("0", "C2", "-1.2"),), convex=False, symmetric=True,
         sup_grad="1/(0.3*exp(1))", scan=(-20, 20)),
    Case("logistic_robust", "literature", "MATLAB robustfit 'logistic' 1.205: c^2 log cosh(x/c)",
         "psi = c tanh(x/c) -> c; f'' = sech^2 > 0",
         lambda v: F("1.205") ** 2 * log(cosh(v / F("1.205"))),
         spec=spec("logistic_r", {"c": "1.205"}, ("c**2*log(cosh(x/c))", "otherwise")),
         convex=True, symmetric=True, sup_grad="1.205", sup_at=("oo",)),
    Case("l1_l2", "literature", "L1-L2 estimator 2(sqrt(1+x^2/2)-1)",
         "psi = x/sqrt(1+x^2/2) -> sqrt2; f''>0", lambda v: 2 * (sqrt(1 + v**2 / 2) - 1),
         expr="2*(sqrt(1 + x**2/2) - 1)", convex=True, symmetric=True, sup_grad="sqrt(2)",
         sup_at=("oo",)),
    Case("berhu", "literature", "Owen 2007; Laina et al. 2016 (reverse Huber), c=0.2",
         "|x| | (x^2+c^2)/(2c): values c and slopes 1 join at c; f'' 0 -> 1/c: jump 5 "
         "(-5 at -c); kink at 0 jump 2",
         lambda v: abs(v) if abs(v) <= F("0.2") else (v**2 + F("0.04")) / F("0.4"),
         spec=spec("berhu", {"c": "0.2"}, ("abs(x)", "abs(x) <= c"),
                   ("(x**2 + c**2)/(2*c)", "otherwise")),
         breakpoints=(BP("0", "C0", 2),) + sym_bps("1/5", "C1", 5, -1), convex=True,
         symmetric=True, sup_grad=math.inf, scan=(-3, 3)),
    Case("barron_15", "literature", BARRON + " (alpha=1.5, c=1)",
         "alpha>=1: convex; psi = x(z/b+1)^{alpha/2-1} ~ |x|^{1/2} unbounded; analytic",
         _barron(F("1.5"), F(1)),
         spec=spec("barron", {"alpha": "1.5", "c": 1},
                   ("abs(alpha - 2)/alpha*(((x/c)**2/abs(alpha - 2) + 1)**(alpha/2) - 1)",
                    "otherwise")),
         convex=True, symmetric=True, sup_grad=math.inf),
    Case("barron_1_c2", "literature", BARRON + " (alpha=1, c=2: pseudo-Huber / c^2)",
         "sqrt((x/c)^2+1)-1: psi -> 1/c, f''>0", _barron(F(1), F(2)),
         spec=spec("barron", {"alpha": 1, "c": 2},
                   ("abs(alpha - 2)/alpha*(((x/c)**2/abs(alpha - 2) + 1)**(alpha/2) - 1)",
                    "otherwise")),
         convex=True, symmetric=True, sup_grad="1/2", sup_at=("oo",)),
    Case("barron_m2", "literature", BARRON + " (alpha=-2, general form)",
         "general form at alpha=-2 is 2z/(z+4) (Geman-McClure): sup 3sqrt3/8",
         _barron(F(-2), F(1)),
         spec=spec("barron", {"alpha": (-2, "real"), "c": 1},
                   ("abs(alpha - 2)/alpha*(((x/c)**2/abs(alpha - 2) + 1)**(alpha/2) - 1)",
                    "otherwise")),
         convex=False, symmetric=True, sup_grad="3*sqrt(3)/8"),
    Case("barron_05", "literature", BARRON + " (alpha=1/2)",
         "psi = x(1+x^2/b)^{-3/4}, b=3/2: max at x^2 = b/(1-alpha) = 3: sup 3^{-1/4}",
         _barron(F("0.5"), F(1)),
         spec=spec("barron", {"alpha": "0.5", "c": 1},
                   ("abs(alpha - 2)/alpha*(((x/c)**2/abs(alpha - 2) + 1)**(alpha/2) - 1)",
                    "otherwise")),
         convex=False, symmetric=True, sup_grad="3**(-1/4)", scan=(-30, 30)),
    Case("barron_4", "literature", BARRON + " (alpha=4)",
         "(2/4)((z/2+1)^2-1) = x^4/8 + x^2/2: convex, unbounded psi", _barron(F(4), F(1)),
         spec=spec("barron", {"alpha": 4, "c": 1},
                   ("abs(alpha - 2)/alpha*(((x/c)**2/abs(alpha - 2) + 1)**(alpha/2) - 1)",
                    "otherwise")),
         convex=True, symmetric=True, sup_grad=math.inf),
    Case("focal_gamma2", "literature", "Lin et al., Focal Loss, ICCV 2017 (gamma=2, p=sigmoid)",
         "f=(1-s)^2 log(1+e^{-x}); f''=0 solved with mpmath findroot at x=-2.790377 "
         "(global max of |f'| on a grid; |f'| -> 1 at -oo, 0 at +oo)",
         lambda v: (1 - _sig(v)) ** 2 * log(1 + exp(-v)),
         expr="(1 - 1/(1 + exp(-x)))**2*log(1 + exp(-x))", convex=False, symmetric=False,
         sup_grad="1.128983218568398197578476856571910824579942", scan=(-30, 30)),
    Case("focal_gamma1", "literature", "Lin et al., Focal Loss, ICCV 2017 (gamma=1)",
         "f=(1-s) log(1+e^{-x}); f''=0 at x=-3.097701 (mpmath findroot); grid max",
         lambda v: (1 - _sig(v)) * log(1 + exp(-v)),
         expr="(1 - 1/(1 + exp(-x)))*log(1 + exp(-x))", convex=False, symmetric=False,
         sup_grad="1.045333391669474467681681154411487652685211", scan=(-30, 30)),
    Case("lp_15", "literature", "Lp loss p=1.5 (|x|**1.5)",
         "f' = 1.5 sign|x|^{1/2} -> 0 both sides; f'' = 0.75|x|^{-1/2} -> oo: C1, jump inf",
         _abs_pow(F("1.5")), expr="abs(x)**1.5", breakpoints=(BP("0", "C1", math.inf),),
         convex=True, symmetric=True, sup_grad=math.inf),
    # ------------------------------------------------------------------ symbolic parameters
    Case("huber_sym", "symbolic", HUBER_SRC, "f'' 1 -> 0 at delta (jump -1), 0 -> 1 at -delta",
         lambda v: v**2 / 2 if abs(v) <= 1 else abs(v) - F(1) / 2, subs_defaults=False,
         spec=spec("huber", {"delta": 1}, ("x**2/2", "abs(x) <= delta"),
                   ("delta*(abs(x) - delta/2)", "otherwise")),
         breakpoints=sym_bps("delta", "C1", -1, -1), convex=True, symmetric=True,
         sup_grad="delta"),
    Case("smooth_l1_sym", "symbolic", GIRSHICK, "f'' 1/beta -> 0 at beta: jump -1/beta",
         lambda v: v**2 / 2 if abs(v) < 1 else abs(v) - F(1) / 2, subs_defaults=False,
         spec=spec("smooth_l1", {"beta": 1}, ("x**2/(2*beta)", "abs(x) < beta"),
                   ("abs(x) - beta/2", "otherwise")),
         breakpoints=sym_bps("beta", "C1", "-1/beta", -1), convex=True, symmetric=True,
         sup_grad=1),
    Case("tukey_sym", "symbolic", "Beaton & Tukey 1974",
         "f''' 8/c -> 0 at +-c: jump -8/c at both; sup 16c/(25 sqrt5)",
         lambda v: (F(4) / 6 * (1 - (1 - (v / 2) ** 2) ** 3) if abs(v) <= 2 else F(4) / 6),
         subs_defaults=False,
         spec=spec("tukey", {"c": 2}, ("c**2/6*(1 - (1 - (x/c)**2)**3)", "abs(x) <= c"),
                   ("c**2/6", "otherwise")),
         breakpoints=sym_bps("c", "C2", "-8/c", 1), convex=False, symmetric=True,
         sup_grad="16*c/(25*sqrt(5))"),
    Case("fair_sym", "symbolic", "Fair 1974", "f'''(0+-) = -+2/c: jump -4/c; psi -> c",
         lambda v: abs(v) - log(1 + abs(v)), subs_defaults=False,
         spec=spec("fair", {"c": 1}, ("c**2*(abs(x)/c - log(1 + abs(x)/c))", "otherwise")),
         breakpoints=(BP("0", "C2", "-4/c"),), convex=True, symmetric=True, sup_grad="c",
         sup_at=("oo",)),
    Case("pseudo_huber_sym", "symbolic", "Hartley & Zisserman MVG",
         "psi -> delta, f''>0, analytic", lambda v: sqrt(1 + v**2) - 1, subs_defaults=False,
         spec=spec("pseudo_huber", {"delta": 1}, ("delta**2*(sqrt(1 + (x/delta)**2) - 1)",
                                                  "otherwise")),
         convex=True, symmetric=True, sup_grad="delta", sup_at=("oo",)),
    Case("talwar_sym", "symbolic", "Talwar / trimmed mean",
         "f' c -> 0 at c: jump -c at both +-c",
         lambda v: v**2 / 2 if abs(v) <= 2 else F(2), subs_defaults=False,
         spec=spec("talwar", {"c": 2}, ("x**2/2", "abs(x) <= c"), ("c**2/2", "otherwise")),
         breakpoints=sym_bps("c", "C0", "-c", 1), convex=False, symmetric=True, sup_grad="c"),
    Case("sq_eps_sym", "symbolic", "sklearn SquaredEpsilonInsensitive",
         "f'' 0 -> 2 at eps (jump 2), 2 -> 0 at -eps (jump -2)",
         lambda v: max(0, abs(v) - F("0.1")) ** 2, subs_defaults=False,
         spec=spec("sq_eps", {"eps": "0.1"}, ("max(0, abs(x) - eps)**2", "otherwise")),
         breakpoints=sym_bps("eps", "C1", 2, -1), convex=True, symmetric=True,
         sup_grad=math.inf, scan=(-3, 3)),
    Case("hinge_margin_sym", "symbolic", "hinge with margin m",
         "slopes -1 | 0 at m: jump 1", lambda v: max(0, 1 - v), subs_defaults=False,
         spec=spec("hinge_m", {"m": 1}, ("max(0, m - x)", "otherwise")),
         breakpoints=(BP("m", "C0", 1),), convex=True, symmetric=False, sup_grad=1),
    Case("welsch_sym", "symbolic", BARRON + " (alpha=-inf)",
         "psi = (x/c^2) e^{-x^2/(2c^2)}: max e^{-1/2}/c at |x|=c",
         lambda v: 1 - exp(-v**2 / 2), subs_defaults=False,
         spec=spec("welsch", {"c": 1}, ("1 - exp(-(x/c)**2/2)", "otherwise")),
         convex=False, symmetric=True, sup_grad="exp(-1/2)/c"),
    Case("wing_sym", "symbolic", "Feng et al., Wing Loss, CVPR 2018",
         "at 0 jump 2w/eps; at +-w slope w/(w+eps) -> 1: jump eps/(w+eps); "
         "sup max(w/eps, 1)",
         lambda v: (10 * log(1 + abs(v) / 2) if abs(v) < 10
                    else abs(v) - (10 - 10 * log(1 + F(10) / 2))), subs_defaults=False,
         spec=spec("wing", {"w": 10, "epsilon": 2}, ("w*log(1 + abs(x)/epsilon)", "abs(x) < w"),
                   ("abs(x) - (w - w*log(1 + w/epsilon))", "otherwise")),
         breakpoints=((BP("0", "C0", "2*w/epsilon"),)
                      + sym_bps("w", "C0", "epsilon/(w + epsilon)", 1)),
         convex=False, symmetric=True, sup_grad="Max(1, w/epsilon)", scan=(-20, 20)),
    Case("pinball_sym", "symbolic", "Koenker & Bassett 1978, tau symbolic (positive)",
         "slopes tau-1 | tau: jump 1 >= 0: convex for every tau; even iff tau = 1/2",
         lambda v: max(F("0.3") * v, (F("0.3") - 1) * v), subs_defaults=False,
         spec=spec("pinball", {"tau": "0.3"}, ("max(tau*x, (tau - 1)*x)", "otherwise")),
         breakpoints=(BP("0", "C0", 1),), convex=True, symmetric=DEPENDS,
         sup_grad="Max(tau, Abs(tau - 1))",
         witnesses={"symmetric": ((lambda v: abs(v) / 2, True),
                                  (lambda v: max(F("0.3") * v, F("-0.7") * v), False))}),
    Case("barron_alpha_sym", "symbolic", BARRON + " (alpha symbolic, c=1)",
         "f'' = (z/b+1)^{a/2-2}(1+(a-1)z/b): convex iff alpha >= 1; psi ~ |x|^{a-1}: "
         "bounded iff alpha <= 1; analytic in x for alpha not in {0, 2}",
         _barron(F("1.5"), F(1)), subs_defaults=False,
         spec=spec("barron", {"alpha": ("1.5", "real")},
                   ("abs(alpha - 2)/alpha*((x**2/abs(alpha - 2) + 1)**(alpha/2) - 1)",
                    "otherwise")),
         convex=DEPENDS, symmetric=True, sup_grad=DEPENDS, scan=(-30, 30),
         witnesses={"convex": ((_barron(F("1.5"), F(1)), True),
                               (_barron(F("0.5"), F(1)), False)),
                    "sup_grad": ((_barron(F("1.5"), F(1)), math.inf),
                                 (_barron(F("0.5"), F(1)), "3**(-1/4)"))}),
    Case("abs_pow_p_sym", "symbolic", "|x|**p with p a parameter",
         "p=1: sup 1; p=2: unbounded; convex iff p >= 1; even for every p",
         _abs_pow(F("1.5")), subs_defaults=False,
         spec=spec("abs_pow", {"p": "1.5"}, ("abs(x)**p", "otherwise")),
         breakpoints=None, convex=DEPENDS, symmetric=True, sup_grad=DEPENDS,
         witnesses={"convex": ((_abs_pow(F("1.5")), True), (_abs_pow(F("0.5")), False)),
                    "sup_grad": ((_abs_pow(F(1)), 1), (_abs_pow(F(2)), math.inf))}),
    # ------------------------------------------------------------------ traps: rejections
    Case("tan", "reject", ISSUE, "tan has a pole at pi/2", tan, expr="tan(x)", reject=True,
         reject_at=("pi/2",)),
    Case("inv_sin", "reject", ISSUE, "1/sin(x) has a pole at 0", lambda v: 1 / sin(v),
         expr="1/sin(x)", reject=True, reject_at=("0",)),
    Case("log_x2", "reject", ISSUE, "log(0) at x=0", lambda v: log(v**2), expr="log(x**2)",
         reject=True, reject_at=("0",)),
    Case("log_shift_strip", "reject", ISSUE, "log(x-0.001) non-real on (0, 0.001]",
         lambda v: log(v - F("0.001")) if v > 0 else F(0),
         expr="log(x - 0.001) if x > 0 else 0", reject=True, reject_at=("0.0005",)),
    Case("sqrt_narrow_strip", "reject", HAND,
         "(x-0.3)^2 - 1e-12 < 0 on |x-0.3| < 1e-6: sqrt non-real in a strip of width 2e-6",
         lambda v: sqrt((v - F("0.3")) ** 2 - F("1e-12")),
         expr="sqrt((x - 0.3)**2 - 1e-12)", reject=True, reject_at=("0.3",)),
    Case("log_narrow_strip", "reject", HAND,
         "x^2 - 1e-12 x < 0 on (0, 1e-12), = 0 at 0 and 1e-12",
         lambda v: log(v**2 - F("1e-12") * v),
         expr="log(x**2 - 1e-12*x)", reject=True, reject_at=("5e-13", "0")),
    Case("sqrt_strip_guarded", "reject", HAND, "x - 1e-9 < 0 on (0, 1e-9) inside x > 0",
         lambda v: sqrt(v - F("1e-9")) if v > 0 else F(0),
         expr="sqrt(x - 1e-9) if x > 0 else 0", reject=True, reject_at=("5e-10",)),
    Case("pole_just_inside", "reject", HAND, "1/(x-1) on x < 1.001 contains the pole x=1",
         lambda v: 1 / (v - 1) if v < F("1.001") else F(0),
         expr="1/(x - 1) if x < 1.001 else 0", reject=True, reject_at=("1",)),
    Case("tan_wide", "reject", HAND, "|x| < 1.6 contains pi/2",
         lambda v: tan(v) if abs(v) < F("1.6") else F(0), expr="tan(x) if abs(x) < 1.6 else 0",
         reject=True, reject_at=("pi/2",)),
    Case("log_closed_zero", "reject", HAND, "log x on x >= 0 includes log 0",
         lambda v: log(v) if v >= 0 else F(0), expr="log(x) if x >= 0 else 0", reject=True,
         reject_at=("0",)),
    Case("sinc_unguarded", "reject", HAND, "sin(x)/x is 0/0 at x = 0", lambda v: sin(v) / v,
         expr="sin(x)/x", reject=True, reject_at=("0",)),
    Case("removable_unguarded", "reject", HAND, "(x^2-1)/(x-1) is 0/0 at x = 1",
         lambda v: (v**2 - 1) / (v - 1), expr="(x**2 - 1)/(x - 1)", reject=True,
         reject_at=("1",)),
    Case("exp_inv_x", "reject", ISSUE, "exp(1/x) undefined at 0 (and unbounded at 0+)",
         lambda v: exp(1 / v), expr="exp(1/x)", reject=True, reject_at=("0",)),
    Case("flat_unguarded", "reject", HAND, "exp(-1/x^2) is undefined at 0 as written",
         lambda v: exp(-1 / v**2), expr="exp(-1/x**2)", reject=True, reject_at=("0",)),
    Case("sqrt_neg", "reject", HAND, "sqrt(1-x^2) non-real for |x| > 1",
         lambda v: sqrt(1 - v**2), expr="sqrt(1 - x**2)", reject=True, reject_at=("2",)),
    Case("cbrt_principal", "reject", HAND,
         "x**(1/3) is the principal (complex) root for x < 0 in sympy's semantics",
         lambda v: mpmath.power(v, F(1) / 3), expr="x**(1/3)", reject=True,
         reject_at=("-1",)),
    # ------------------------------------------------------------------ traps: valid, subtle
    Case("x_sin_inv", "trap-analytic", ISSUE,
         "|x sin(1/x)| <= |x|: C0; f' = sin(1/x) - cos(1/x)/x has no limit at 0; even",
         lambda v: v * sin(1 / v) if v != 0 else F(0), expr="x*sin(1/x) if x != 0 else 0",
         breakpoints=(BP("0", "C0", None, unbounded=True),), convex=False, symmetric=True,
         sup_grad=math.inf,
         scan=(-3, 3)),
    Case("x2_sin_inv", "trap-analytic", ISSUE,
         "f'(0)=0 but f' = 2x sin(1/x) - cos(1/x) has no limit: C0; odd; "
         "sup|f'| at u=1/x solving f''=0 with findroot, x=0.480405",
         lambda v: v**2 * sin(1 / v) if v != 0 else F(0), expr="x**2*sin(1/x) if x != 0 else 0",
         breakpoints=(BP("0", "C0", None),), convex=False, symmetric=False,
         sup_grad="1.327033650994927872525381174218954469177682", scan=(-3, 3)),
    Case("x3_sin_inv", "trap-analytic", HAND,
         "x^n sin(1/x): f^(k) ~ x^{n-2k}: continuous iff k < n/2; n=3: C1, f'' oscillates",
         lambda v: v**3 * sin(1 / v) if v != 0 else F(0), expr="x**3*sin(1/x) if x != 0 else 0",
         breakpoints=(BP("0", "C1", None, unbounded=True),), convex=False, symmetric=True,
         scan=(-3, 3)),
    Case("x4_sin_inv", "trap-analytic", HAND,
         "n=4: f'' = 12x^2 sin - 6x cos - sin(1/x) bounded, no limit: C1",
         lambda v: v**4 * sin(1 / v) if v != 0 else F(0), expr="x**4*sin(1/x) if x != 0 else 0",
         breakpoints=(BP("0", "C1", None),), convex=False, symmetric=False, scan=(-3, 3)),
    Case("x5_sin_inv", "trap-analytic", HAND, "n=5: C2, f''' oscillates",
         lambda v: v**5 * sin(1 / v) if v != 0 else F(0), expr="x**5*sin(1/x) if x != 0 else 0",
         breakpoints=(BP("0", "C2", None, unbounded=True),), convex=False, symmetric=True,
         scan=(-3, 3)),
    Case("hidden_kink_sqrt", "trap-kink", ISSUE,
         "sqrt(x^2+x^6) = |x| sqrt(1+x^4): slopes -1|+1; x>0: f'' = 2x^3(5+3x^4)/(1+x^4)^1.5 "
         ">= 0 and upward kink: convex",
         lambda v: sqrt(v**2 + v**6), expr="sqrt(x**2 + x**6)",
         breakpoints=(BP("0", "C0", 2),), convex=True, symmetric=True, sup_grad=math.inf,
         scan=(-3, 3)),
    Case("sqrt_x2", "trap-kink", HAND, "sqrt(x^2) = |x|", lambda v: sqrt(v**2),
         expr="sqrt(x**2)", breakpoints=(BP("0", "C0", 2),), convex=True, symmetric=True,
         sup_grad=1),
    Case("sqrt_x4", "trap-kink", HAND, "sqrt(x^4) = x^2: analytic at 0 (no kink)",
         lambda v: sqrt(v**4), expr="sqrt(x**4)", breakpoints=(BP("0", "Cinf"),), convex=True,
         symmetric=True, sup_grad=math.inf),
    Case("cbrt_x2", "trap-kink", ISSUE,
         "(x^2)^(1/3) = |x|^{2/3}: f' = (2/3) sign |x|^{-1/3} -> +-oo; concave on each side",
         lambda v: (v**2) ** (F(1) / 3), expr="(x**2)**(1/3)",
         breakpoints=(BP("0", "C0", math.inf),), convex=False, symmetric=True,
         sup_grad=math.inf),
    Case("sqrt_abs", "trap-kink", HAND, "|x|^{1/2}: f' -> +-oo at 0",
         lambda v: sqrt(abs(v)), expr="sqrt(abs(x))", breakpoints=(BP("0", "C0", math.inf),),
         convex=False, symmetric=True, sup_grad=math.inf),
    Case("abs_pow_25", "trap-kink", HAND, "|x|^{5/2}: f''' = (15/8)sign |x|^{-1/2}: C2",
         _abs_pow(F("2.5")), expr="abs(x)**2.5", breakpoints=(BP("0", "C2", math.inf),),
         convex=True, symmetric=True, sup_grad=math.inf),
    Case("abs_cubed", "trap-kink", HAND, "|x^3|: f''' = 6 | -6: jump 12",
         lambda v: abs(v**3), expr="abs(x**3)", breakpoints=(BP("0", "C2", 12),), convex=True,
         symmetric=True, sup_grad=math.inf),
    Case("abs_pow4", "trap-kink", HAND, "|x|^4 = x^4: analytic", _abs_pow(4),
         expr="abs(x)**4", breakpoints=(BP("0", "Cinf"),), convex=True, symmetric=True,
         sup_grad=math.inf),
    Case("x_abs_x", "trap-kink", HAND, "sign(x) x^2 = x|x|: f'' -2 | 2: jump 4; odd",
         lambda v: mpmath.sign(v) * v**2, expr="sign(x)*x**2", breakpoints=(BP("0", "C1", 4),),
         convex=False, symmetric=False, sup_grad=math.inf),
    Case("x7_abs_x", "trap-kink", HAND,
         "x^2 + x^7|x|: f^(8) 8! | -8!: jump 2*8! = 80640; C7; f'' = 2 - 56x^6 < 0 for "
         "x < -(1/28)^(1/6)",
         lambda v: v**2 + v**7 * abs(v), expr="x**2 + x**7*abs(x)",
         breakpoints=(BP("0", "C7", 80640),), convex=False, symmetric=False,
         sup_grad=math.inf, scan=(-3, 3)),
    Case("abs_nested3", "trap-kink", HAND,
         "||x|-1|-1| for x>=0: x | 2-x | x-2 (slopes +1,-1,+1); even: kinks 0 (+2), "
         "+-1 (-2), +-2 (+2)",
         lambda v: abs(abs(abs(v) - 1) - 1), expr="abs(abs(abs(x) - 1) - 1)",
         breakpoints=(BP("0", "C0", 2), BP("1", "C0", -2), BP("-1", "C0", -2),
                      BP("2", "C0", 2), BP("-2", "C0", 2)),
         convex=False, symmetric=True, sup_grad=1),
    Case("abs_nested6", "trap-heavy", "six-deep nested abs; hand derivation",
         "f_k = |f_(k-1) - 1|, f_0 = |x|: on [0, k] f_k zigzags through f_k(j) = (k-j) mod 2, "
         "then x - k; k = 5: kinks at 0 (-2), +-1 (+2), +-2 (-2), +-3 (+2), +-4 (-2), +-5 (+2)",
         lambda v: abs(abs(abs(abs(abs(abs(v) - 1) - 1) - 1) - 1) - 1),
         expr="abs(abs(abs(abs(abs(abs(x) - 1) - 1) - 1) - 1) - 1)",
         breakpoints=((BP("0", "C0", -2),) + sym_bps("1", "C0", 2, 1) + sym_bps("2", "C0", -2, 1)
                      + sym_bps("3", "C0", 2, 1) + sym_bps("4", "C0", -2, 1)
                      + sym_bps("5", "C0", 2, 1)),
         convex=False, symmetric=True, sup_grad=1),
    Case("abs_sum_sym", "trap-kink", HAND, "|x-1|+|x+1|: slope -2|0|2: jumps 2, 2",
         lambda v: abs(v - 1) + abs(v + 1), expr="abs(x - 1) + abs(x + 1)",
         breakpoints=(BP("1", "C0", 2), BP("-1", "C0", 2)), convex=True, symmetric=True,
         sup_grad=2),
    Case("abs_sum_asym", "trap-kink", HAND, "|x-1|+|x+2|: jumps 2, 2; f(3)=6 != f(-3)=4",
         lambda v: abs(v - 1) + abs(v + 2), expr="abs(x - 1) + abs(x + 2)",
         breakpoints=(BP("1", "C0", 2), BP("-2", "C0", 2)), convex=True, symmetric=False,
         sup_grad=2),
    Case("max_x_x3", "trap-kink", HAND,
         "max(x, x^3): x^3 wins on (-1,0) and (1,oo); slope jumps 3-1, 1-0, 3-1",
         lambda v: max(v, v**3), expr="max(x, x**3)",
         breakpoints=(BP("-1", "C0", 2), BP("0", "C0", 1), BP("1", "C0", 2)), convex=False,
         symmetric=False, sup_grad=math.inf, scan=(-3, 3)),
    Case("max_equal_at0", "trap-kink", HAND, "max(x^2, 2x^2) = 2x^2 everywhere: no kink",
         lambda v: max(v**2, 2 * v**2), expr="max(x**2, 2*x**2)", convex=True,
         symmetric=True, sup_grad=math.inf),
    Case("min_x2_1", "trap-kink", HAND, "min(x^2, 1): slope 2 -> 0 at 1 (jump -2), -2 at -1",
         lambda v: min(v**2, 1), expr="min(x**2, 1)", breakpoints=sym_bps("1", "C0", -2, 1),
         convex=False, symmetric=True, sup_grad=2),
    Case("abs_sin", "trap-kink", HAND,
         "|sin x|: kinks at k*pi with slopes -1|+1 (jump 2); infinitely many (sample listed)",
         lambda v: abs(sin(v)), expr="abs(sin(x))",
         breakpoints=(BP("0", "C0", 2), BP("pi", "C0", 2), BP("-pi", "C0", 2)),
         complete=False, overall="C0", convex=False, symmetric=True, sup_grad=1),
    Case("cancel_zero", "trap-kink", HAND, "|x| x^2 - |x^3| = 0 identically",
         lambda v: abs(v) * v**2 - abs(v**3), expr="abs(x)*x**2 - abs(x**3)",
         convex=True, symmetric=True, sup_grad=0),
    # ------------------------------------------------------------------ traps: joins
    Case("x10_right", "trap-join", ISSUE, "x^10 | 0: f^(10) 10! | 0: C9, jump 10! = 3628800",
         lambda v: v**10 if v > 0 else F(0), expr="x**10 if x > 0 else 0",
         breakpoints=(BP("0", "C9", 3628800),), convex=True, symmetric=False,
         sup_grad=math.inf, scan=(-2, 2)),
    Case("x9_added", "trap-join", HAND, "x^2 + [x^9 for x>0]: C8, jump 9! = 362880",
         lambda v: v**2 + (v**9 if v > 0 else 0), expr="x**2 + (x**9 if x > 0 else 0)",
         breakpoints=(BP("0", "C8", 362880),), convex=True, symmetric=False,
         sup_grad=math.inf, scan=(-2, 2)),
    Case("x12_join", "trap-join", HAND, "x^2 | x^2 + x^12: C11, jump 12! = 479001600",
         lambda v: v**2 if v < 0 else v**2 + v**12, expr="x**2 if x < 0 else x**2 + x**12",
         breakpoints=(BP("0", "C11", 479001600),), convex=True, symmetric=False,
         sup_grad=math.inf, scan=(-2, 2)),
    Case("x20_join", "trap-join", HAND, "x^2 | x^2 + x^20: C19, jump 20!",
         lambda v: v**2 if v < 0 else v**2 + v**20, expr="x**2 if x < 0 else x**2 + x**20",
         breakpoints=(BP("0", "C19", math.factorial(20)),), convex=True, symmetric=False,
         sup_grad=math.inf, scan=(-2, 2)),
    Case("shift11_join", "trap-join", HAND, "(x-1)^11 | 0 at 1: C10, jump 11! = 39916800",
         lambda v: (v - 1) ** 11 if v > 1 else F(0), expr="(x - 1)**11 if x > 1 else 0",
         breakpoints=(BP("1", "C10", 39916800),), convex=True, symmetric=False,
         sup_grad=math.inf, scan=(-2, 3)),
    Case("rational_bp_join", "trap-join", HAND,
         "x^2 | x^2 + (x-1/3)^5: C4, jump 5! = 120; f'' = 2 + 20(x-1/3)^3 > 0 on the right",
         lambda v: v**2 if v < F(1) / 3 else v**2 + (v - F(1) / 3) ** 5,
         expr="x**2 if x < 1/3 else x**2 + (x - 1/3)**5",
         breakpoints=(BP("1/3", "C4", 120),), convex=True, symmetric=False,
         sup_grad=math.inf, scan=(-3, 3)),
    Case("irrational_bp_join", "trap-join", HAND, "x^2 | x^2 + (x-sqrt2)^4: C3, jump 24",
         lambda v: v**2 if v < sqrt(2) else v**2 + (v - sqrt(2)) ** 4,
         expr="x**2 if x < sqrt(2) else x**2 + (x - sqrt(2))**4",
         breakpoints=(BP("sqrt(2)", "C3", 24),), convex=True, symmetric=False,
         sup_grad=math.inf, scan=(-3, 3)),
    Case("tiny_cubic_join", "trap-join", HAND, "x^2 | x^2 + 1e-9 x^3: C2, jump 6e-9",
         lambda v: v**2 if v < 0 else v**2 + F("1e-9") * v**3,
         expr="x**2 if x < 0 else x**2 + 1e-9*x**3",
         breakpoints=(BP("0", "C2", "6e-9"),), convex=True, symmetric=False,
         sup_grad=math.inf),
    Case("tiny_step", "trap-join", HAND, "x^2 | x^2 + 1e-30 at 1: jump 1e-30 (discontinuous)",
         lambda v: v**2 if v < 1 else v**2 + F("1e-30"), expr="x**2 if x < 1 else x**2 + 1e-30",
         breakpoints=(BP("1", "discontinuous", "1e-30"),), convex=False, symmetric=False,
         sup_grad=math.inf),
    Case("quad_linear", "trap-join", HAND, "x^2 | 2x-1 at 1: C1, f'' 2 -> 0: jump -2",
         lambda v: v**2 if v < 1 else 2 * v - 1, expr="x**2 if x < 1 else 2*x - 1",
         breakpoints=(BP("1", "C1", -2),), convex=True, symmetric=False, sup_grad=math.inf),
    Case("recip_kink", "trap-join", HAND, "1 | 1/x at 1: slopes 0 | -1: jump -1",
         lambda v: 1 / v if v > 1 else F(1), expr="1/x if x > 1 else 1",
         breakpoints=(BP("1", "C0", -1),), convex=False, symmetric=False, sup_grad=1),
    Case("sin_reflect_kink", "trap-join", HAND, "sin x | sin(x-pi) at pi: slopes -1 | 1: jump 2",
         lambda v: sin(v) if v < mpmath.pi else sin(v - mpmath.pi),
         expr="sin(x) if x < pi else sin(x - pi)", breakpoints=(BP("pi", "C0", 2),),
         convex=False, symmetric=False, sup_grad=1),
    Case("step", "trap-join", HAND, "0 | 1 at 0: jump 1", lambda v: F(1) if v > 0 else F(0),
         expr="1 if x > 0 else 0", breakpoints=(BP("0", "discontinuous", 1),), convex=False,
         symmetric=False),
    Case("flat_exp_right", "trap-flat", ISSUE,
         "all derivatives of exp(-1/x) -> 0 at 0+: Cinf; f' = e^{-1/x}/x^2 max 4e^-2 at 1/2; "
         "f'' = e^{-1/x}(1-2x)/x^4 < 0 beyond 1/2",
         lambda v: exp(-1 / v) if v > 0 else F(0), expr="exp(-1/x) if x > 0 else 0",
         breakpoints=(BP("0", "Cinf"),), convex=False, symmetric=False,
         sup_grad="4*exp(-2)"),
    Case("flat_exp_left", "trap-flat", HAND,
         "exp(1/x) for x<0 is flat at 0-: Cinf; f'' = e^{1/x}(1+2x)/x^4 < 0 for x < -1/2; "
         "|f'| = e^{1/x}/x^2 max 4e^-2 at -1/2",
         lambda v: exp(1 / v) if v < 0 else F(0), expr="exp(1/x) if x < 0 else 0",
         breakpoints=(BP("0", "Cinf"),), convex=False, symmetric=False,
         sup_grad="4*exp(-2)"),
    Case("flat_even", "trap-flat", HAND,
         "exp(-1/x^2) flat at 0: Cinf; f' = 2e^{-1/x^2}/x^3, max at x^2 = 2/3",
         lambda v: exp(-1 / v**2) if v != 0 else F(0), expr="exp(-1/x**2) if x != 0 else 0",
         breakpoints=(BP("0", "Cinf"),), convex=False, symmetric=True,
         sup_grad="2*exp(-3/2)*(3/2)**(3/2)"),
    Case("flat_abs", "trap-flat", HAND, "exp(-1/|x|): flat at 0; |f'| = e^{-1/|x|}/x^2 <= 4e^-2",
         lambda v: exp(-1 / abs(v)) if v != 0 else F(0), expr="exp(-1/abs(x)) if x != 0 else 0",
         breakpoints=(BP("0", "Cinf"),), convex=False, symmetric=True,
         sup_grad="4*exp(-2)"),
    Case("flat_plus_quadratic", "trap-flat", HAND,
         "x^2 + exp(-1/x) [x>0]: Cinf at 0; f'' = 2 + e^{-1/x}(1-2x)/x^4 >= 2 - 0.42 > 0",
         lambda v: v**2 + exp(-1 / v) if v > 0 else v**2,
         expr="x**2 if x <= 0 else x**2 + exp(-1/x)", breakpoints=(BP("0", "Cinf"),),
         convex=True, symmetric=False, sup_grad=math.inf),
    Case("bump", "trap-flat", "smooth bump function (Tu, Intro to Manifolds); hand",
         "flat at +-1: Cinf; |f'| max from f''=0 by mpmath findroot at |x|=0.759836",
         lambda v: exp(-1 / (1 - v**2)) if abs(v) < 1 else F(0),
         expr="exp(-1/(1 - x**2)) if abs(x) < 1 else 0",
         breakpoints=(BP("1", "Cinf"), BP("-1", "Cinf")), convex=False, symmetric=True,
         sup_grad="0.7984297518335995441695274246695375702705897", scan=(-2, 2)),
    Case("redundant_split_even", "trap-global", ISSUE,
         "x^2 written as two equal pieces split at 1/2: even, analytic",
         lambda v: v**2, expr="x**2 if x < 0.5 else x**2", breakpoints=(BP("1/2", "Cinf"),),
         convex=True, symmetric=True, sup_grad=math.inf),
    Case("redundant_split_cos", "trap-global", HAND, "cos split at 1: even, analytic, |f'|<=1",
         cos, expr="cos(x) if x < 1 else cos(x)", breakpoints=(BP("1", "Cinf"),), convex=False,
         symmetric=True, sup_grad=1),
    Case("cinf_trig_identity", "trap-global", ISSUE,
         "cos^2 | 1 - sin^2: equal expressions: analytic; f' = -sin 2x", lambda v: cos(v) ** 2,
         expr="cos(x)**2 if x < 0.5 else 1 - sin(x)**2", breakpoints=(BP("1/2", "Cinf"),),
         convex=False, symmetric=True, sup_grad=1),
    Case("softplus_two_forms", "trap-global", HAND,
         "log(e^x+1) = x + log(1+e^-x): analytic at 0; f''>0; f' -> 1",
         lambda v: log(exp(v) + 1), expr="log(exp(x) + 1) if x < 0 else x + log(1 + exp(-x))",
         breakpoints=(BP("0", "Cinf"),), convex=True, symmetric=False, sup_grad=1,
         sup_at=("oo",)),
    Case("exp_shifted_form", "trap-global", HAND, "e^x | e*e^{x-1}: equal: analytic at 1",
         exp, expr="exp(x) if x < 1 else e*exp(x - 1)", breakpoints=(BP("1", "Cinf"),),
         convex=True, symmetric=False, sup_grad=math.inf),
    Case("sin_reflect_smooth", "trap-global", HAND, "sin x | -sin(x-pi) = sin x: analytic",
         sin, expr="sin(x) if x < pi else -sin(x - pi)", breakpoints=(BP("pi", "Cinf"),),
         convex=False, symmetric=False, sup_grad=1),
    Case("sin_condition", "trap-global", ISSUE,
         "f = x where sin(x^7+x) < 0: at 0 pieces x | 0 (slope jump -1); jumps +-r at "
         "roots of x^7 + x = +-pi (r = 1.10681..., mpmath findroot); infinitely many "
         "(sample listed)",
         lambda v: v if sin(v**7 + v) < 0 else F(0), expr="x if sin(x**7 + x) < 0 else 0",
         breakpoints=(BP("0", "C0", -1), BP(_R1, "discontinuous", _R1),
                      BP(f"-{_R1}", "discontinuous", f"-{_R1}")),
         complete=False, overall="discontinuous", convex=False, symmetric=False,
         scan=(-1.5, 1.5)),
    Case("removable_point", "trap-global", HAND, "x^2 except f(1)=5: removable discontinuity",
         lambda v: v**2 if v != 1 else F(5), expr="x**2 if x != 1 else 5",
         breakpoints=(BP("1", "discontinuous", 0, removable=True),), convex=False,
         symmetric=False, sup_grad=math.inf),
    Case("removable_filled", "trap-global", HAND, "(x^2-1)/(x-1) = x+1, filled with 2 at 1",
         lambda v: (v**2 - 1) / (v - 1) if v != 1 else F(2),
         expr="(x**2 - 1)/(x - 1) if x != 1 else 2", breakpoints=(BP("1", "Cinf"),),
         convex=True, symmetric=False, sup_grad=1),
    Case("removable_misfilled", "trap-global", HAND, "(x^2-1)/(x-1) filled with 3 != 2 at 1",
         lambda v: (v**2 - 1) / (v - 1) if v != 1 else F(3),
         expr="(x**2 - 1)/(x - 1) if x != 1 else 3",
         breakpoints=(BP("1", "discontinuous", 0, removable=True),), convex=False,
         symmetric=False, sup_grad=1),
    Case("sinc_filled", "trap-global", HAND,
         "sin(x)/x with 1 at 0: analytic; |f'| max from f''=0 (mpmath findroot) at 2.081576",
         lambda v: sin(v) / v if v != 0 else F(1), expr="sin(x)/x if x != 0 else 1",
         breakpoints=(BP("0", "Cinf"),), convex=False, symmetric=True,
         sup_grad="0.4361818172714584950887880568834363371749833", scan=(-20, 20)),
    Case("zero_point_piece", "trap-global", HAND, "0 at 0, x^2 elsewhere: = x^2",
         lambda v: F(0) if v == 0 else v**2, expr="0 if x == 0 else x**2",
         breakpoints=(BP("0", "Cinf"),), convex=True, symmetric=True, sup_grad=math.inf),
    Case("pole_just_outside", "trap-domain", HAND,
         "1/(x-1) on x < 0.999: finite; jump 0 - (-1000) = 1000; |f'| = 1/(x-1)^2 -> 1e6",
         lambda v: 1 / (v - 1) if v < F("0.999") else F(0), expr="1/(x - 1) if x < 0.999 else 0",
         breakpoints=(BP("0.999", "discontinuous", 1000),), convex=False, symmetric=False,
         sup_grad="1000000", sup_at=("0.999",), scan=(-3, 3)),
    Case("pole_at_boundary", "trap-domain", HAND,
         "1/(x-1) on x < 1 is finite on its open interval; -oo at 1-: infinite jump",
         lambda v: 1 / (v - 1) if v < 1 else F(0), expr="1/(x - 1) if x < 1 else 0",
         breakpoints=(BP("1", "discontinuous", math.inf),), convex=False, symmetric=False,
         sup_grad=math.inf, scan=(-3, 3)),
    Case("log_open_zero", "trap-domain", HAND, "log x on x > 0 is finite; -oo at 0+",
         lambda v: log(v) if v > 0 else F(0), expr="log(x) if x > 0 else 0",
         breakpoints=(BP("0", "discontinuous", math.inf),), convex=False, symmetric=False,
         sup_grad=math.inf, scan=(-3, 3)),
    Case("tan_guarded", "trap-domain", HAND,
         "tan on |x| < 1.5 < pi/2; jump -tan(1.5) at both ends; |f'| = sec^2 -> sec^2(1.5)",
         lambda v: tan(v) if abs(v) < F("1.5") else F(0), expr="tan(x) if abs(x) < 1.5 else 0",
         breakpoints=(BP("3/2", "discontinuous", "-tan(3/2)"),
                      BP("-3/2", "discontinuous", "-tan(3/2)")),
         convex=False, symmetric=False, sup_grad="1/cos(3/2)**2", sup_at=("1.5",),
         scan=(-3, 3)),
    Case("near_pole_even", "trap-domain", HAND,
         "1/(x^2-4) on |x| < 1.999: jumps +-250.06; |f'| = 2x/(4-x^2)^2 increasing -> at 1.999",
         lambda v: 1 / (v**2 - 4) if abs(v) < F("1.999") else F(0),
         expr="1/(x**2 - 4) if abs(x) < 1.999 else 0",
         breakpoints=(BP("1.999", "discontinuous", "1/(4 - 1.999**2)"),
                      BP("-1.999", "discontinuous", "-1/(4 - 1.999**2)")),
         convex=False, symmetric=True, sup_grad="2*1.999/(4 - 1.999**2)**2",
         sup_at=("1.999",), scan=(-3, 3)),
    Case("complex_pole_near_axis", "trap-domain", HAND,
         "1/(x^2+1e-6): no real pole (valid); |f'| = 2|x|/(x^2+e)^2 max (3sqrt3/8) e^{-3/2} "
         "at x^2 = e/3",
         lambda v: 1 / (v**2 + F("1e-6")), expr="1/(x**2 + 1e-6)", convex=False,
         symmetric=True, sup_grad="3*sqrt(3)/8*10**9", sup_at=("sqrt(1e-6/3)",),
         scan=(-0.01, 0.01)),
    Case("log_near_zero_arg", "trap-domain", HAND,
         "log((x-1/3)^2 + 1e-20) > -oo everywhere; |f'| = 2|u|/(u^2+e) max 1/sqrt(e) = 1e10",
         lambda v: log((v - F(1) / 3) ** 2 + F("1e-20")), expr="log((x - 1/3)**2 + 1e-20)",
         convex=False, symmetric=False, sup_grad="10**10",
         sup_at=("1/3 + 1e-10",), scan=(-1, 1)),
    Case("semicircle", "trap-domain", HAND,
         "sqrt(1-x^2) on |x| <= 1: value 0 at +-1, f' -> -+oo: C0, unbounded",
         lambda v: sqrt(1 - v**2) if abs(v) <= 1 else F(0),
         expr="sqrt(1 - x**2) if abs(x) <= 1 else 0",
         breakpoints=(BP("1", "C0", math.inf), BP("-1", "C0", math.inf)), convex=False,
         symmetric=True, sup_grad=math.inf, scan=(-2, 2)),
    Case("xlogx", "trap-kink", HAND, "x log|x| -> 0; f' = log|x| + 1 -> -oo: C0; odd",
         lambda v: v * log(abs(v)) if v != 0 else F(0), expr="x*log(abs(x)) if x != 0 else 0",
         breakpoints=(BP("0", "C0", math.inf),), convex=False, symmetric=False,
         sup_grad=math.inf, scan=(-3, 3)),
    Case("x2logx", "trap-kink", HAND, "x^2 log|x|: f' -> 0; f'' = 2 log|x| + 3 -> -oo: C1",
         lambda v: v**2 * log(abs(v)) if v != 0 else F(0),
         expr="x**2*log(abs(x)) if x != 0 else 0", breakpoints=(BP("0", "C1", math.inf),),
         convex=False, symmetric=True, sup_grad=math.inf, scan=(-3, 3)),
    # ------------------------------------------------------------------ traps: heavy input
    Case("tower_exp", "trap-heavy", ISSUE, "e^{e^{e^x}}: every derivative positive: convex",
         lambda v: exp(exp(exp(v))), expr="exp(exp(exp(x)))", convex=True, symmetric=False,
         sup_grad=math.inf, scan=(-3, 1), far=False),
    Case("power_1000", "trap-heavy", ISSUE, "(x+1)^1000: even power, f'' >= 0",
         lambda v: (v + 1) ** 1000, expr="(x + 1)**1000", convex=True, symmetric=False,
         sup_grad=math.inf, scan=(-2.5, 0.5), far=False),
    Case("sigmoid", "literature", "logistic sigmoid 1/(1+e^-x) (not a loss: global checks)",
         "f' = s(1-s) max 1/4 at 0; f'' changes sign at 0", _sig, expr="1/(1 + exp(-x))",
         convex=False, symmetric=False, sup_grad="1/4"),
    Case("log1p_x2", "literature", "Cauchy-type log(1+x^2)",
         "f' = 2x/(1+x^2) max 1 at |x|=1; f''<0 for |x|>1", lambda v: log(1 + v**2),
         expr="log(1 + x**2)", convex=False, symmetric=True, sup_grad=1),
    Case("odd_cubic", "literature", "x^3 (global checks)", "odd; f''=6x changes sign",
         lambda v: v**3, expr="x**3", convex=False, symmetric=False, sup_grad=math.inf),
]
