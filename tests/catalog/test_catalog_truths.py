"""Every catalog loss against its hand-derived truths (``tests/support/catalog_truths.py``).

(a) The truths' independent mpmath definitions agree with the catalog's expressions at many
    points (this checks the catalog's formulas).
(b) The truths themselves, with mpmath alone (the slow tier: they check the test's data):
    breakpoint classes and jumps, sup|f'|, convexity and symmetry by the verdict corpus's
    checks (``tests/analysis/test_corpus_truths.py``); strict and strong convexity, the Lipschitz
    constants of f and f', boundedness, redescent and calibration by the checks below.
(c) lossmath's computed properties (``analyse``: breakpoints, class, convex, symmetric,
    gradient bound) equal the truths. An undecided answer is not a right one: each is listed
    in ``UNDECIDED``, and the test fails when the list is out of date either way.
(d) The global properties (``strictly_convex`` ... ``calibrated``) computed by
    lossmath equal the truths.
"""

from __future__ import annotations

import functools

import pytest
import sympy as sp
from mpmath import mp, mpf

from lossmath import analyse, catalog
from tests.support import corpus_checks as T
from tests.support.catalog_truths import INF, TRUTHS, Truth
from tests.support.verdict_corpus import BP, NOJUMP, Case

NAMES = [t.name for t in TRUTHS]


def _case(t: Truth) -> Case:
    """The truth as a verdict-corpus case, so the corpus's mpmath checks apply unchanged."""
    bps = tuple(BP(b.at, b.cls, NOJUMP if b.cls == "Cinf" else b.jump) for b in t.breakpoints)
    return Case(f"catalog_{t.name}", "catalog", "lossmath catalog", t.derivation, t.mp,
                expr=t.name, breakpoints=bps, convex=t.convex, symmetric=t.symmetric,
                sup_grad=t.gradient_bound, scan=t.scan, sup_at=t.sup_at)


CASES = {t.name: _case(t) for t in TRUTHS}
TRUTH = {t.name: t for t in TRUTHS}
T.BY_ID.update({c.id: c for c in CASES.values()})  # the corpus's grid() finds cases by id


def test_every_catalog_loss_has_truths():
    assert sorted(NAMES) == catalog.names()
    assert len(NAMES) >= 30


# -- (a) the catalog's formulas -------------------------------------------------------------


def _points(t: Truth) -> list[sp.Rational]:
    lo, hi = (sp.Rational(v) for v in t.scan)
    pts = [lo + (hi - lo) * sp.Rational(2 * i + 1, 50) for i in range(25)]
    pts += [sp.Rational(1, 1000), sp.Rational(-7, 3), sp.Integer(40), sp.Integer(-40)]
    for b in t.breakpoints:
        a = sp.nsimplify(sp.sympify(b.at, rational=True))
        if a.is_Rational:
            pts += [a, a + sp.Rational(1, 10**9), a - sp.Rational(1, 10**9)]
    return pts


@pytest.mark.parametrize("name", NAMES)
def test_mpmath_definition_matches_the_catalog_expression(name):
    t, loss = TRUTH[name], catalog.get(name).with_defaults()
    with mp.workdps(30):
        for p in _points(t):
            want = t.mp(mpf(p.p) / p.q)
            got = mpf(str(sp.N(loss(p), 35)))
            assert abs(got - want) <= mpf("1e-25") * (1 + abs(want)), (name, p, got, want)


# -- (b) the truths, with mpmath alone ------------------------------------------------------

BREAKPOINTS = [(n, b) for n in NAMES for b in CASES[n].breakpoints]


@pytest.mark.slow
@pytest.mark.parametrize("name,bp", BREAKPOINTS, ids=[f"{n}@{b.at}" for n, b in BREAKPOINTS])
def test_breakpoint_truth(name, bp):
    T.check_breakpoint(CASES[name], bp)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_gradient_bound_truth(name):
    T.check_sup(CASES[name], CASES[name].mp, TRUTH[name].gradient_bound)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_convexity_and_symmetry_truths(name):
    case = CASES[name]
    T.check_convex(case, case.mp, case.convex)
    T.check_symmetric(case, case.mp, case.symmetric)


def _value(text) -> mpf:
    return T.number(CASES["l2"], text)


def _f_jumps(t: Truth) -> bool:
    """f' jumps (or f does) at a breakpoint: a C0 or discontinuous class."""
    return any(b.cls in ("C0", "discontinuous") for b in t.breakpoints)


def _d2_candidates(t: Truth) -> list:
    """|f''| on the scan grid, at the named points and on both sides of each breakpoint."""
    case = CASES[t.name]
    with mp.workdps(T.SCAN_DPS):
        xs, _, _, d2, _ = T.grid(case.id)
        vals = [abs(v) for v in d2]
        vals += [abs(mp.diff(t.mp, _value(p), 2)) for p in t.curv_at]
        with mp.workdps(T.BP_DPS):
            for b in t.breakpoints:
                a = _value(b.at)
                vals += [abs(T.side(t.mp, a, 2, s, T.T_STEPS[1])) for s in (-1, 1)]
        for i in sorted(range(len(d2)), key=lambda i: -abs(d2[i]))[:3]:
            try:  # refine the grid's largest |f''| at a root of f'''
                r = mp.findroot(lambda v: mp.diff(t.mp, v, 3), xs[i])
            except (ValueError, ZeroDivisionError):
                continue
            if t.scan[0] <= r <= t.scan[1]:
                vals.append(abs(mp.diff(t.mp, r, 2)))
        return vals


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_strict_and_strong_convexity_truths(name):
    """Strictly convex: f'' > 0 at every grid point and no flat piece; not strictly: f'' = 0
    somewhere (an affine piece). Strong modulus m: f'' >= m on the grid, and near m somewhere
    (or far out, where f'' -> m)."""
    t = TRUTH[name]
    if not t.convex:
        assert (t.strictly_convex, t.strong_convexity) == (False, None)
        return
    with mp.workdps(T.SCAN_DPS):
        _, _, _, d2, _ = T.grid(CASES[name].id)
        far = [mp.diff(t.mp, s * mpf(p), 2) for p in ("1e3", "1e6") for s in (-1, 1)]
        if t.strictly_convex:
            assert min(d2) > 0 and not _f_jumps(t)
        else:
            assert min(abs(v) for v in d2) < mpf("1e-20"), min(d2)
        m = _value(t.strong_convexity)
        assert min(d2) >= m * (1 - mpf("1e-12")) - mpf("1e-20")
        assert min(d2 + far) <= m + mpf("1e-5") * (1 + m)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_lipschitz_truth(name):
    """sup|f'| when f is continuous (then it is the gradient bound), oo when f jumps or
    |f'| is unbounded."""
    t = TRUTH[name]
    discontinuous = any(b.cls == "discontinuous" for b in t.breakpoints)
    if t.lipschitz == "oo":
        assert discontinuous or t.gradient_bound == INF
        if discontinuous:  # and it does jump (the corpus check of its breakpoint says by how much)
            b = next(b for b in t.breakpoints if b.cls == "discontinuous")
            with mp.workdps(T.BP_DPS):
                a = _value(b.at)
                assert abs(T.side(t.mp, a, 0, 1, "1e-30") - T.side(t.mp, a, 0, -1, "1e-30")) > 0.1
        else:
            T.check_sup(CASES[name], t.mp, INF)
        return
    assert not discontinuous
    T.check_sup(CASES[name], t.mp, t.lipschitz)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_curvature_bound_truth(name):
    """The Lipschitz constant of f': oo when f' jumps or |f''| is unbounded; otherwise f' is
    continuous (every breakpoint at least C1) and sup|f''| over both sides of every point is
    the truth, reached."""
    t = TRUTH[name]
    if t.curvature_bound == "oo":
        if not _f_jumps(t):
            with mp.workdps(T.SCAN_DPS):
                far = [abs(mp.diff(t.mp, s * mpf(p), 2)) for p in ("30", "1e3") for s in (-1, 1)]
            assert max(far) > 1e6, far
        return
    assert not _f_jumps(t)
    k = _value(t.curvature_bound)
    vals = _d2_candidates(t)
    assert max(vals) <= k * (1 + mpf("1e-9")), (max(vals), k)
    assert max(vals) >= k * (1 - mpf("1e-6")), (max(vals), k)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_bounded_and_redescending_truths(name):
    """Bounded: f has converged by |x| = 1e100 on both sides (f(1e200) = f(1e100)), with no
    vertical asymptote on the grid; unbounded: f grows from 1e100 to 1e200 on some side.
    Redescending: |f'| < 1e-6 at +-1e12 and falls further; otherwise |f'| > 1e-3 far out on
    some side."""
    t = TRUTH[name]
    with mp.workdps(T.SCAN_DPS):
        f = t.mp
        growth = [abs(f(s * mpf("1e200")) - f(s * mpf("1e100"))) for s in (-1, 1)]
        if t.bounded:
            assert max(growth) < mpf("1e-20"), growth
            assert max(abs(v) for v in T.grid(CASES[name].id)[1]) < 1e6
        else:
            assert max(growth) > 1, growth
        slopes = [abs(mp.diff(f, s * mpf(p))) for p in ("1e12", "1e24") for s in (-1, 1)]
        if t.redescending:
            assert max(slopes[:2]) < mpf("1e-6") and max(slopes[2:]) <= max(slopes[:2]), slopes
        else:
            assert max(slopes) > mpf("1e-3"), slopes


def _conditional_risks(phi, eta):
    """H(eta) = inf_a eta phi(a) + (1 - eta) phi(-a), and H^-(eta), the inf over a of the
    wrong sign (a (2 eta - 1) <= 0), on a grid of a in [-60, 60] with 0 and +-1."""
    grid = sorted({mpf(k) / 8 for k in range(-480, 481)} | {mpf(0), mpf(1), mpf(-1)})
    cost = [(a, eta * phi(a) + (1 - eta) * phi(-a)) for a in grid]
    h = min(c for _, c in cost)
    h_minus = min(c for a, c in cost if a * (2 * eta - 1) <= 0)
    return h, h_minus


MARGIN = [t.name for t in TRUTHS if t.calibrated is not None]


def test_margin_losses_are_the_catalog_kind_margin():
    assert sorted(MARGIN) == sorted(n for n in NAMES if catalog.get(n).kind == "margin")


@pytest.mark.slow
@pytest.mark.parametrize("name", MARGIN)
def test_calibration_truth(name):
    """The definition (Bartlett, Jordan and McAuliffe 2006): calibrated iff H^-(eta) > H(eta)
    for every eta != 1/2 (here eta in 0.55 ... 0.99 and the mirror images); for the convex
    ones also their Theorem 6 (differentiable at 0 with phi'(0) < 0)."""
    t = TRUTH[name]
    with mp.workdps(T.SCAN_DPS):
        gaps = []
        for e in ("0.55", "0.75", "0.9", "0.99", "0.45", "0.25", "0.1", "0.01"):
            h, h_minus = _conditional_risks(t.mp, mpf(e))
            gaps.append(h_minus - h)
        if t.calibrated:
            assert min(gaps) > mpf("1e-6"), gaps
        else:
            assert min(gaps) <= mpf("1e-20"), gaps
        if t.convex:
            with mp.workdps(T.BP_DPS):
                lo, hi = (T.side(t.mp, mpf(0), 1, s, T.T_STEPS[2]) for s in (-1, 1))
            assert (abs(hi - lo) < 1e-15 and hi < 0) == t.calibrated, (lo, hi)


# -- (c) lossmath's computed properties -----------------------------------------------------

#: (loss, property) pairs where lossmath answers "undecided" at the defaults (not wrong).
UNDECIDED: set[tuple[str, str]] = {
    # f'' = 14*2.1*u**0.1*(1.1 - u**2.1)/(1 + u**2.1)**2 on (0, 1/2): lossmath can neither
    # prove nor disprove f'' >= 0 there, and cannot certify the sign of the slope jump at
    # 1/2, which is 0 (the constant A makes the slopes meet): convexity is undecided.
    ("adaptive_wing", "convex"),
    # following from it: no modulus without convexity (None here means undecided)
    ("adaptive_wing", "strong_convexity"),
    # sup|f''| is attained inside (0, 1/2), at the root u* = 0.14153... of the third
    # derivative (tests/support/catalog_truths.py): lossmath leaves it undecided
    ("adaptive_wing", "curvature_bound"),
}

#: (loss, property) pairs where lossmath's definite answer contradicts the truth; each is
#: an xfail (strict), so a fix shows up as a failure here.
WRONG: dict[tuple[str, str], str] = {}


@functools.cache
def report(name: str):
    return analyse(catalog.get(name).with_defaults())


def _same(value, truth) -> bool:
    """A computed value equals the truth: bools and None exactly, numbers to 25 digits."""
    if isinstance(truth, bool) or truth is None:
        return value is truth
    if isinstance(value, bool) or value is None:
        return False
    if truth in (INF, "oo"):
        return sp.sympify(value) == sp.oo
    v = sp.sympify(value)
    if v.has(sp.oo, -sp.oo, sp.zoo, sp.nan) or v.free_symbols:
        return False
    with mp.workdps(40):
        want, got = _value(truth), mpf(str(sp.N(v, 45)))
        return abs(got - want) <= mpf("1e-25") * (1 + abs(want))


def _computed(name: str, key: str):
    """lossmath's answer; None when undecided."""
    r = report(name)
    if key == "breakpoints":
        if any(not b.exact for b in r.breakpoints):
            return None
        return [(b.at, b.cls) for b in r.breakpoints]
    if key == "class":
        return r.cls if r.exact else None
    if key == "gradient_bound":
        return r.gradient_bound
    return getattr(r, key)


def _truth(name: str, key: str):
    t = TRUTH[name]
    if key == "breakpoints":
        return [(b.at, b.cls) for b in t.breakpoints]
    if key == "class":
        return t.cls
    return getattr(t, key)


def _agrees(key: str, got, want) -> bool:
    if key == "breakpoints":
        return len(got) == len(want) and all(
            c1 == c2 and _same(a1, a2) for (a1, c1), (a2, c2) in zip(got, want))
    if key == "class":
        return got == want
    return _same(got, want)


def _check(name: str, key: str, undecided_when_none: bool = True):
    got, want = _computed(name, key), _truth(name, key)
    if got is None and undecided_when_none and want is not None:
        assert (name, key) in UNDECIDED, f"{name}: lossmath is undecided on {key}"
        return
    assert (name, key) not in UNDECIDED, f"{name}: {key} is decided now ({got}); update UNDECIDED"
    assert _agrees(key, got, want), f"{name}: lossmath says {key} = {got}, the truth is {want}"


OLD_KEYS = ("breakpoints", "class", "convex", "symmetric", "gradient_bound")


def _params(keys):
    out = []
    for n in NAMES:
        for k in keys:
            marks = [pytest.mark.xfail(strict=True, reason=WRONG[(n, k)])] if (n, k) in WRONG \
                else []
            out.append(pytest.param(n, k, marks=marks, id=f"{n}-{k}"))
    return out


@pytest.mark.parametrize("name,key", _params(OLD_KEYS))
def test_lossmath_computes_the_truth(name, key):
    _check(name, key)


# -- (d) the global properties --------------------------------------------------------------

NEW_KEYS = ("strictly_convex", "strong_convexity", "lipschitz", "curvature_bound", "bounded",
            "redescending", "calibrated")


@pytest.mark.parametrize("name,key", _params(NEW_KEYS))
def test_lossmath_computes_the_new_properties(name, key):
    # calibrated None (a distance loss) is an answer, and so is strong_convexity None (not
    # convex) unless convexity itself is undecided
    answer = key == "calibrated" or (key == "strong_convexity" and report(name).convex is not None)
    _check(name, key, undecided_when_none=not answer)


def test_undecided_and_wrong_lists_name_catalog_losses():
    for n, k in [*UNDECIDED, *WRONG]:
        assert n in NAMES and k in OLD_KEYS + NEW_KEYS, (n, k)
