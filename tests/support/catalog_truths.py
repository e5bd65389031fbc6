"""Hand-derived truths for every catalog loss at its default parameters.

Nothing here imports lossmath. Each entry has an independent mpmath definition ``mp`` (the
formula from its reference, written again with mpmath, constants as exact decimals) and the
truths derived by hand; the ``derivation`` line says how. ``tests/catalog/test_catalog_truths.py``
checks the mpmath definitions against the catalog's expressions, the truths numerically with
mpmath alone (reusing the verdict corpus's checks, ``tests/analysis/test_corpus_truths.py``), and
lossmath's computed properties against the truths.

Conventions are those of ``tests/support/verdict_corpus.py`` (class ``Ck``, ``jump`` of the first
order that does not join, ``math.inf`` when a one-sided derivative is unbounded), plus the
global properties (``lossmath.render.summary.GLOBAL_PROPERTIES``):

* ``strictly_convex``: bool. ``strong_convexity``: inf f'' as a sympy-syntax string, ``"0"``
  when convex but not strongly, None when not convex.
* ``lipschitz``: sup|f'| when f is continuous, ``"oo"`` when f jumps or sup|f'| is infinite.
* ``curvature_bound``: the Lipschitz constant of f' (sup|f''| when f' is continuous),
  ``"oo"`` when f' jumps (a C0 or discontinuous breakpoint) or f'' is unbounded.
* ``bounded``: sup f < oo. ``redescending``: f'(x) -> 0 as x -> -oo and as x -> +oo.
* ``calibrated``: classification-calibration of a margin loss (Bartlett, Jordan and
  McAuliffe 2006: H^-(eta) > H(eta) for eta != 1/2; for convex phi, iff phi is
  differentiable at 0 with phi'(0) < 0); None for distance losses.

Numbers are strings in sympy syntax (``"3*sqrt(3)/8"``) or ``math.inf``; ``gradient_bound``
is sup|f'| over the points where f' exists (``0`` for the zero-one loss).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mpmath import cos, cosh, exp, log, mpf, pi, sqrt, workdps

INF = math.inf


@dataclass(frozen=True)
class B:
    """A breakpoint truth: where, class, and the jump of the first order that does not join."""

    at: str
    cls: str
    jump: Any


@dataclass(frozen=True)
class Truth:
    name: str
    derivation: str
    mp: Callable[[Any], Any]
    breakpoints: tuple[B, ...]
    convex: bool
    symmetric: bool
    gradient_bound: Any
    strictly_convex: bool
    strong_convexity: str | None
    lipschitz: str
    curvature_bound: str
    bounded: bool
    redescending: bool
    calibrated: bool | None = None
    sup_at: tuple[str, ...] = ()  # where sup|f'| is attained ("oo"/"-oo": approached)
    curv_at: tuple[str, ...] = ()  # where sup|f''| is attained (one-sided limits count)
    scan: tuple[float, float] = (-10, 10)

    @property
    def cls(self) -> str:
        order = {"discontinuous": -1, "Cinf": math.inf}
        if not self.breakpoints:
            return "Cinf"
        return min((b.cls for b in self.breakpoints),
                   key=lambda c: order.get(c, int(c[1:]) if c[1:].isdigit() else 0))


def _abs(v):
    return abs(v)


def _pw(*pieces):
    """A piecewise mpmath function: pieces are (condition(x), value(x)); last is the rest."""
    def f(v):
        for cond, val in pieces[:-1]:
            if cond(v):
                return val(v)
        return pieces[-1](v)
    return f


# -- constants at the defaults: exact decimals, made at 80 digits (an mpf keeps the precision
# it was made with; the checks work at up to 60 digits)
with workdps(80):
    C_CAUCHY, C_WELSCH, C_FAIR, C_TALWAR = mpf("2.385"), mpf("2.985"), mpf("1.4"), mpf("2.795")
    C_TUKEY, A_ANDREWS = mpf("4.685"), mpf("1.339")
    EPS_CH, EPS_INS, TAU = mpf("0.001"), mpf("0.1"), mpf("0.5")
    BL_A, BL_G = mpf("0.5"), mpf("1.5")
    BL_B = exp(BL_G / BL_A) - 1
    AW_OMEGA, AW_THETA, AW_EPS, AW_P = mpf(14), mpf("0.5"), mpf(1), mpf("2.1")
    AW_A = AW_OMEGA / (1 + (AW_THETA / AW_EPS) ** AW_P) * AW_P * (AW_THETA / AW_EPS) ** (AW_P - 1) \
        / AW_EPS
    AW_C = AW_THETA * AW_A - AW_OMEGA * log(1 + (AW_THETA / AW_EPS) ** AW_P)
    W_W, W_EPS = mpf(10), mpf(2)

# Adaptive Wing's sup f'' on (0, theta): g(u) = omega p u^(p-2) ((p-1) - u^p)/(1 + u^p)^2 at
# u = |x| (epsilon = 1) rises from 0 (like u^0.1) to one interior maximum and falls to 15.63
# at theta; mpmath.findroot on g' (40 digits, from u = 0.15) gives u* = 0.14153405137168...,
# g(u*) below. Outside, f'' = 0, so sup|f''| = g(u*).
AW_CURV = "25.35594424223847204170052487167"
AW_CURV_AT = "0.1415340513716818137613474603464"

TRUTHS: tuple[Truth, ...] = (
    Truth("l2", "x^2: f' = 2x, f'' = 2 (hand)", lambda v: v**2, (),
          True, True, INF, True, "2", "oo", "2", False, False),
    Truth("l1", "|x|: slopes -1, 1 at 0 (hand)", _abs, (B("0", "C0", 2),),
          True, True, 1, False, "0", "1", "oo", False, False),
    Truth("smooth_l1", "beta = 1: f'' = 1 inside, 0 outside (hand)",
          _pw((lambda v: abs(v) < 1, lambda v: v**2 / 2), lambda v: abs(v) - mpf(1) / 2),
          (B("-1", "C1", 1), B("1", "C1", -1)),
          True, True, 1, False, "0", "1", "1", False, False, sup_at=("1",), curv_at=("0",)),
    Truth("huber", "delta = 1: psi = clip(x, -1, 1), f'' 1 -> 0 (hand)",
          _pw((lambda v: abs(v) <= 1, lambda v: v**2 / 2), lambda v: abs(v) - mpf(1) / 2),
          (B("-1", "C1", 1), B("1", "C1", -1)),
          True, True, 1, False, "0", "1", "1", False, False, sup_at=("1",), curv_at=("0",)),
    Truth("pseudo_huber", "delta = 1: psi = x/sqrt(1+x^2) -> 1, f'' = (1+x^2)^(-3/2) in (0, 1]"
          " (hand)",
          lambda v: sqrt(1 + v**2) - 1, (),
          True, True, 1, True, "0", "1", "1", False, False, sup_at=("oo",), curv_at=("0",)),
    Truth("charbonnier", "eps = 1e-3: psi = x/sqrt(x^2+eps^2) -> 1, f''(0) = 1/eps = 1000 "
          "(hand)",
          lambda v: sqrt(v**2 + EPS_CH**2) - EPS_CH, (),
          True, True, 1, True, "0", "1", "1000", False, False, sup_at=("oo",), curv_at=("0",)),
    Truth("log_cosh", "psi = tanh x -> 1, f'' = sech^2 x in (0, 1] (hand)",
          lambda v: log(cosh(v)), (),
          True, True, 1, True, "0", "1", "1", False, False, sup_at=("oo",), curv_at=("0",)),
    Truth("cauchy", "c = 2.385: psi = x/(1 + (x/c)^2), max c/2 at |x| = c; f'' = "
          "c^2 (c^2 - x^2)/(c^2 + x^2)^2 in [-1/8, 1] (hand)",
          lambda v: C_CAUCHY**2 / 2 * log(1 + (v / C_CAUCHY) ** 2), (),
          False, True, "477/400", False, None, "477/400", "1", False, True, curv_at=("0",)),
    Truth("geman_mcclure", "sigma = 1: f' = 2x/(1+x^2)^2, max 3 sqrt(3)/8 at x^2 = 1/3; "
          "f'' = 2(1-3x^2)/(1+x^2)^3 in [-1/2, 2]; f -> 1 (hand)",
          lambda v: v**2 / (1 + v**2), (),
          False, True, "3*sqrt(3)/8", False, None, "3*sqrt(3)/8", "2", True, True,
          curv_at=("0",)),
    Truth("welsch", "c = 2.985: f' = x exp(-(x/c)^2), max c exp(-1/2)/sqrt(2) at x^2 = c^2/2; "
          "f'' = (1 - 2x^2/c^2) exp(-x^2/c^2) in [-2 exp(-3/2), 1]; f -> c^2/2 (hand)",
          lambda v: C_WELSCH**2 / 2 * (1 - exp(-((v / C_WELSCH) ** 2))), (),
          False, True, "597/200*exp(-1/2)/sqrt(2)", False, None, "597/200*exp(-1/2)/sqrt(2)",
          "1", True, True, curv_at=("0",)),
    Truth("fair", "c = 1.4: f' = x/(1 + |x|/c) -> c, f'' = c^2/(c+|x|)^2 in (0, 1], "
          "f'''(0+-) = -+2/c (hand)",
          lambda v: C_FAIR**2 * (abs(v) / C_FAIR - log(1 + abs(v) / C_FAIR)),
          (B("0", "C2", "-20/7"),),
          True, True, "7/5", True, "0", "7/5", "1", False, False, sup_at=("oo",),
          curv_at=("0",)),
    Truth("tukey", "c = 4.685: psi = x(1-(x/c)^2)^2, max 16c/(25 sqrt 5) at x = c/sqrt 5; "
          "f'' = (1-u)(1-5u), u = (x/c)^2 in [0,1]: in [-4/5, 1]; f''' jumps -8/c at +-c; "
          "f = c^2/6 outside (hand; tests/catalog/test_catalog.py)",
          _pw((lambda v: abs(v) <= C_TUKEY,
               lambda v: C_TUKEY**2 / 6 * (1 - (1 - (v / C_TUKEY) ** 2) ** 3)),
              lambda v: C_TUKEY**2 / 6),
          (B("-937/200", "C2", "-1600/937"), B("937/200", "C2", "-1600/937")),
          False, True, "16*937/200/(25*sqrt(5))", False, None, "16*937/200/(25*sqrt(5))", "1",
          True, True, curv_at=("0",)),
    Truth("hampel", "c = 8, a = 2, b = 4 (statsmodels' rho): f'' = 1, 0, -a/(c-b) = -1/2, 0 on "
          "the four zones; psi continuous, max a = 2; f -> a(b+c-a)/2 = 10 (hand)",
          _pw((lambda v: abs(v) <= 2, lambda v: v**2 / 2),
              (lambda v: abs(v) <= 4, lambda v: 2 * abs(v) - 2),
              (lambda v: abs(v) <= 8, lambda v: 10 - (8 - abs(v)) ** 2 / 4),
              lambda v: mpf(10)),
          (B("-8", "C1", "-1/2"), B("-4", "C1", "1/2"), B("-2", "C1", 1),
           B("2", "C1", -1), B("4", "C1", "-1/2"), B("8", "C1", "1/2")),
          False, True, 2, False, None, "2", "1", True, True, sup_at=("3",), curv_at=("1",),
          scan=(-12, 12)),
    Truth("talwar", "c = 2.795: psi = x inside, 0 outside (drops from c to 0); f = c^2/2 "
          "outside (hand)",
          _pw((lambda v: abs(v) <= C_TALWAR, lambda v: v**2 / 2), lambda v: C_TALWAR**2 / 2),
          (B("-559/200", "C0", "-559/200"), B("559/200", "C0", "-559/200")),
          False, True, "559/200", False, None, "559/200", "oo", True, True,
          sup_at=("559/200",)),
    Truth("andrews", "a = 1.339: psi = a sin(x/a) (max a at a pi/2), f'' = cos(x/a) -> -1 at "
          "a pi, 0 outside; f = 2a^2 outside (hand)",
          _pw((lambda v: abs(v) <= A_ANDREWS * pi,
               lambda v: A_ANDREWS**2 * (1 - cos(v / A_ANDREWS))),
              lambda v: 2 * A_ANDREWS**2),
          (B("-pi*1339/1000", "C1", -1), B("pi*1339/1000", "C1", 1)),
          False, True, "1339/1000", False, None, "1339/1000", "1", True, True,
          curv_at=("0",)),
    Truth("berhu", "c = 1: |x| inside (kink at 0, slopes -+1), (x^2+1)/2 outside; f'' 0 -> 1 "
          "at +-1 (hand)",
          _pw((lambda v: abs(v) <= 1, _abs), lambda v: (v**2 + 1) / 2),
          (B("-1", "C1", -1), B("0", "C0", 2), B("1", "C1", 1)),
          True, True, INF, False, "0", "oo", "oo", False, False),
    Truth("quantile", "tau = 1/2: |x|/2, slopes -1/2, 1/2 (hand)",
          _pw((lambda v: v >= 0, lambda v: TAU * v), lambda v: (TAU - 1) * v),
          (B("0", "C0", 1),),
          True, True, "1/2", False, "0", "1/2", "oo", False, False, sup_at=("1",)),
    Truth("epsilon_insensitive", "eps = 0.1: slope 0 inside, +-1 outside (hand)",
          _pw((lambda v: abs(v) <= EPS_INS, lambda v: mpf(0)), lambda v: abs(v) - EPS_INS),
          (B("-1/10", "C0", 1), B("1/10", "C0", 1)),
          True, True, 1, False, "0", "1", "oo", False, False, sup_at=("1",)),
    Truth("squared_epsilon_insensitive", "eps = 0.1: f' = 2(|x| - eps) sign x outside, f'' "
          "0 -> 2 (hand)",
          _pw((lambda v: abs(v) <= EPS_INS, lambda v: mpf(0)), lambda v: (abs(v) - EPS_INS) ** 2),
          (B("-1/10", "C1", -2), B("1/10", "C1", 2)),
          True, True, INF, False, "0", "oo", "2", False, False, curv_at=("1",)),
    Truth("balanced_l1", "alpha = 1/2, gamma = 3/2, b = e^3 - 1: f' = alpha log(b|x|+1) sign x "
          "inside (max gamma at 1), gamma outside; f'' = alpha b/(b|x|+1) (max alpha b at 0), "
          "f''' (0+-) = -+alpha b^2 (hand)",
          _pw((lambda v: abs(v) < 1, lambda v: BL_A / BL_B * (BL_B * abs(v) + 1)
               * log(BL_B * abs(v) + 1) - BL_A * abs(v)),
              lambda v: BL_G * abs(v) + BL_G / BL_B - BL_A),
          (B("-1", "C1", "(1 - exp(-3))/2"), B("0", "C2", "-(exp(3) - 1)**2"),
           B("1", "C1", "-(1 - exp(-3))/2")),
          True, True, "3/2", False, "0", "3/2", "(exp(3) - 1)/2", False, False, sup_at=("1",),
          curv_at=("0",)),
    Truth("wing", "w = 10, eps = 2: slope w/(eps+|x|) inside (max w/eps = 5 at 0+-), 1 "
          "outside; f'' = -w/(eps+|x|)^2 < 0 (hand)",
          _pw((lambda v: abs(v) < W_W, lambda v: W_W * log(1 + abs(v) / W_EPS)),
              lambda v: abs(v) - (W_W - W_W * log(1 + W_W / W_EPS))),
          (B("-10", "C0", "1/6"), B("0", "C0", 10), B("10", "C0", "1/6")),
          False, True, 5, False, None, "5", "oo", False, False, scan=(-20, 20)),
    Truth("adaptive_wing", "omega = 14, theta = 1/2, eps = 1 (fixed), p = 2.1 (mmpose, y = 0): "
          "inside f'' = omega p u^(p-2)((p-1) - u^p)/(1+u^p)^2 > 0 since u^p <= 0.5^2.1 < p-1, "
          "so f' rises to A at theta and stays A outside: convex, not strictly; f''' ~ u^(-0.9) "
          "at 0 (hand)",
          _pw((lambda v: abs(v) < AW_THETA,
               lambda v: AW_OMEGA * log(1 + (abs(v) / AW_EPS) ** AW_P)),
              lambda v: AW_A * abs(v) - AW_C),
          (B("-1/2", "C1", "14*(21/10)*(1/2)**(1/10)*((11/10) - (1/2)**(21/10))"
             "/(1 + (1/2)**(21/10))**2"),
           B("0", "C2", INF),
           B("1/2", "C1", "-14*(21/10)*(1/2)**(1/10)*((11/10) - (1/2)**(21/10))"
             "/(1 + (1/2)**(21/10))**2")),
          True, True, "14*(21/10)*(1/2)**(11/10)/(1 + (1/2)**(21/10))", False, "0",
          "14*(21/10)*(1/2)**(11/10)/(1 + (1/2)**(21/10))", AW_CURV, False, False,
          sup_at=("1/2",), curv_at=(AW_CURV_AT,), scan=(-3, 3)),
    Truth("barron", "alpha = 1, c = 1: sqrt(x^2 + 1) - 1, as pseudo_huber (hand)",
          lambda v: sqrt(v**2 + 1) - 1, (),
          True, True, 1, True, "0", "1", "1", False, False, sup_at=("oo",), curv_at=("0",)),
    # -- margin losses ------------------------------------------------------------------
    Truth("hinge", "max(0, 1-x): slopes -1, 0 at 1; f'(0) = -1 < 0 and convex: calibrated "
          "(BJM 2006 Thm 6)",
          _pw((lambda v: v < 1, lambda v: 1 - v), lambda v: mpf(0)),
          (B("1", "C0", 1),),
          True, False, 1, False, "0", "1", "oo", False, False, True, sup_at=("0",)),
    Truth("squared_hinge", "max(0, 1-x)^2: f' = -2(1-x), f'' 2 -> 0 at 1; f'(0) = -2 "
          "(hand)",
          _pw((lambda v: v < 1, lambda v: (1 - v) ** 2), lambda v: mpf(0)),
          (B("1", "C1", -2),),
          True, False, INF, False, "0", "oo", "2", False, False, True, curv_at=("0",)),
    Truth("smoothed_hinge", "gamma = 1: linear 1/2 - x below 0, (1-x)^2/2 on [0, 1), 0 above; "
          "f'' 0 -> 1 -> 0; f'(0) = -1 (hand)",
          _pw((lambda v: v < 0, lambda v: mpf(1) / 2 - v),
              (lambda v: v < 1, lambda v: (1 - v) ** 2 / 2), lambda v: mpf(0)),
          (B("0", "C1", 1), B("1", "C1", -1)),
          True, False, 1, False, "0", "1", "1", False, False, True, sup_at=("-1",),
          curv_at=("1/2",)),
    Truth("modified_huber", "-4x below -1, (1-x)^2 on [-1, 1), 0 above: f' -4 -> -2(1-x); "
          "f'' 0 -> 2 -> 0; f'(0) = -2 (hand)",
          _pw((lambda v: v < -1, lambda v: -4 * v), (lambda v: v < 1, lambda v: (1 - v) ** 2),
              lambda v: mpf(0)),
          (B("-1", "C1", 2), B("1", "C1", -2)),
          True, False, 4, False, "0", "4", "2", False, False, True, sup_at=("-2",),
          curv_at=("0",)),
    Truth("logistic", "log(1 + e^-x): f' = -1/(1 + e^x) in (-1, 0), f'' = e^x/(1+e^x)^2 in "
          "(0, 1/4]; f'(0) = -1/2 (hand)",
          lambda v: log(1 + exp(-v)), (),
          True, False, 1, True, "0", "1", "1/4", False, False, True, sup_at=("-oo",),
          curv_at=("0",)),
    Truth("exponential", "e^-x: f' = -e^-x, f'' = e^-x, both unbounded as x -> -oo, inf f'' = "
          "0; f'(0) = -1 (hand)",
          lambda v: exp(-v), (),
          True, False, INF, True, "0", "oo", "oo", False, False, True),
    Truth("perceptron", "max(0, -x): slopes -1, 0 at 0; not differentiable at 0, and "
          "phi(0) = 0 makes H(eta) = H^-(eta) = 0: not calibrated (BJM 2006)",
          _pw((lambda v: v < 0, lambda v: -v), lambda v: mpf(0)),
          (B("0", "C0", 1),),
          True, False, 1, False, "0", "1", "oo", False, False, False, sup_at=("-1",)),
    Truth("zero_one", "1[x <= 0]: jumps by -1 at 0; f' = 0 elsewhere; with phi(0) = 1, "
          "H(eta) = min(eta, 1-eta) < H^-(eta) = max(eta, 1-eta): calibrated (BJM 2006)",
          _pw((lambda v: v <= 0, lambda v: mpf(1)), lambda v: mpf(0)),
          (B("0", "discontinuous", -1),),
          False, False, 0, False, None, "oo", "oo", True, True, True),
)

BY_NAME = {t.name: t for t in TRUTHS}
