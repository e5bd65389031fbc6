"""The numerical checks of the verdict corpus's truths (``tests/support/verdict_corpus.py``), with
mpmath only: one-sided derivatives at breakpoints, sup|f'| on a dense grid, convexity and
symmetry. ``tests/analysis/test_corpus_truths.py`` runs them on the corpus, and
``tests/catalog/test_catalog_truths.py`` on the catalog's hand-derived truths."""

from __future__ import annotations

import functools
import math

import mpmath
import sympy as sp
from mpmath import mp, mpf

from tests.support.verdict_corpus import CASES, DEPENDS, NOJUMP, Case, class_order  # noqa: F401

BP_DPS = 60


SCAN_DPS = 30


T_STEPS = ("1e-25", "1e-35", "1e-45")


GRID = 401


CINF_ORDERS = 12  # orders checked at a Cinf breakpoint


FAR = ("1e6", "1e12", "1e24")


BY_ID = {c.id: c for c in CASES}


VALID = [c for c in CASES if not c.reject]


def number(case: Case, text) -> mpf:
    """A truth (number or sympy-syntax string in the parameters) at the defaults."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return mpf(text)
    if isinstance(text, mpf):
        return text
    names = {k: sp.Symbol(k) for k in case.defaults}
    e = sp.sympify(text, locals=names, rational=True)
    e = e.subs({names[k]: sp.Rational(v) for k, v in case.defaults.items()})
    return mpf(str(sp.N(e, mp.dps + 10)))


def real(v):
    """v as a finite real mpf, or None when it is non-real, infinite or nan."""
    if isinstance(v, mpmath.mpc):
        if v.imag != 0:
            return None
        v = v.real
    v = mpf(v)
    return v if mpmath.isfinite(v) else None


def deriv(f, x, n: int, within=None):
    """f^(n)(x); the difference stencil stays within ``within`` of x (mpmath's default step
    is 2^-(prec+10), far below 1e-45, unless x sits next to a breakpoint tinier than that)."""
    if n == 0:
        return f(x)
    h = mpmath.ldexp(1, -mp.prec - 10)
    if within is not None and within / 10**6 < h:
        return mp.diff(f, x, n, h=within / 10**6)
    return mp.diff(f, x, n)


def side(f, a, n: int, sign: int, t) -> mpf:
    """f^(n)(a +- t); t is relative to |a| when |a| < 1 (smooth L1 at beta = 1e-30 has
    f'' = 1e30, so an absolute step of 1e-45 would leave an error of 1e-15)."""
    scale = min(mpf(1), abs(a)) if a != 0 else mpf(1)
    return deriv(f, a + sign * mpf(t) * scale, n, within=mpf(t) * scale)


def limit_kind(f, a, n: int, sign: int):
    """('finite', L), ('inf', None) or ('none', None): the one-sided limit of f^(n) at a."""
    vs = [side(f, a, n, sign, t) for t in T_STEPS]
    osc = [side(f, a, n, sign, mpf("1e-20") * (1 + mpf(j) / 13)) for j in range(10)]
    if any(v > 1e-2 for v in osc) and any(v < -1e-2 for v in osc):
        return "none", None
    if abs(vs[2] - vs[1]) <= mpf("1e-9") * (1 + abs(vs[2])):
        return "finite", vs[2]
    if (vs[0] * vs[1] > 0 and vs[1] * vs[2] > 0):
        d1, d2 = abs(vs[1]) - abs(vs[0]), abs(vs[2]) - abs(vs[1])
        if d1 > 0 and d2 > 0 and d2 >= d1 / 2:
            return "inf", None
    return "unclear", vs


def agree(f, a, n: int) -> bool:
    lo, hi = side(f, a, n, -1, T_STEPS[2]), side(f, a, n, 1, T_STEPS[2])
    return abs(hi - lo) <= mpf("1e-18") * (1 + abs(hi) + abs(lo))


def check_breakpoint(case: Case, bp) -> None:
    """The breakpoint truth of ``case`` at ``bp``: orders below the class join, and the
    first jump is the truth (a number, inf, none, or removable)."""
    with mp.workdps(BP_DPS):
        f, a = case.mp, number(case, bp.at)
        k = class_order(bp.cls)
        top = CINF_ORDERS if k == math.inf else int(k)
        for n in range(top + 1):
            assert agree(f, a, n), f"f^({n}) does not join at {bp.at}"
        if k >= 0:  # continuous: the value at the point is the common limit
            lim = side(f, a, 0, 1, T_STEPS[2])
            assert abs(real(f(a)) - lim) <= mpf("1e-18") * (1 + abs(lim))
        if k == math.inf:
            assert bp.jump is NOJUMP
            return
        n = top + 1 if k >= 0 else 0
        left, right = limit_kind(f, a, n, -1), limit_kind(f, a, n, 1)
        if bp.removable:
            assert left[0] == right[0] == "finite" and abs(right[1] - left[1]) < 1e-18
            assert abs(real(f(a)) - right[1]) > 1e-10, "f(a) equals the limit: not removable"
            assert bp.jump == 0
            return
        if bp.jump is None:
            assert "none" in (left[0], right[0]), (left, right)
            osc = [abs(side(f, a, n, s, mpf("1e-20") * (1 + mpf(j) / 13)))
                   for s in (-1, 1) for j in range(10)]
            assert (max(osc) > 1e6) == bp.unbounded, max(osc)
        elif bp.jump == math.inf:
            assert "none" not in (left[0], right[0]) and "inf" in (left[0], right[0]), (
                left,
                right,
            )
        else:
            assert left[0] == right[0] == "finite", (left, right)
            want = number(case, bp.jump)
            got = right[1] - left[1]
            assert want != 0
            assert abs(got - want) <= mpf("1e-9") * abs(want), (got, want)


@functools.cache
def grid(case_id: str) -> tuple:
    """Points of the scan grid, f, f', f'' there (30 digits); shifted off rational points."""
    case = BY_ID[case_id]
    with mp.workdps(SCAN_DPS):
        lo, hi = mpf(case.scan[0]), mpf(case.scan[1])
        h = (hi - lo) / GRID
        shift = h * (mpmath.sqrt(2) - 1) / 3
        xs = [lo + shift + i * h for i in range(GRID)]
        fs = [real(case.mp(v)) for v in xs]
        assert all(v is not None for v in fs), f"{case_id}: mp is not finite on the grid"
        d1 = [real(mp.diff(case.mp, v, 1)) for v in xs]
        d2 = [real(mp.diff(case.mp, v, 2)) for v in xs]
        return xs, fs, d1, d2, h


def slope_limits(case: Case, f=None) -> list:
    """One-sided f' limits at each breakpoint (finite ones only), at 60 digits."""
    f = f or case.mp
    out = []
    with mp.workdps(BP_DPS):
        for b in case.breakpoints or ():
            a = number(case, b.at)
            for s in (-1, 1):
                kind = limit_kind(f, a, 1, s)
                out.append((a, s, kind))
    return out


def check_sup(case: Case, f, truth) -> None:
    with mp.workdps(SCAN_DPS):
        if f is case.mp:
            xs, _, d1, d2, _ = grid(case.id)
        else:
            lo, hi = mpf(case.scan[0]), mpf(case.scan[1])
            xs = [lo + (hi - lo) * (i + mpf(1) / 3) / GRID for i in range(GRID)]
            d1 = [mp.diff(f, v) for v in xs]
        g = [abs(v) for v in d1]
        limits = slope_limits(case, f) if f is case.mp else []
        if truth == math.inf:
            far = [abs(mp.diff(f, s * mpf(p))) for p in FAR for s in (-1, 1)] if case.far else []
            with mp.workdps(BP_DPS):  # oscillating unbounded slopes next to a breakpoint
                for b in case.breakpoints or ():
                    a = number(case, b.at)
                    far += [abs(side(f, a, 1, s, mpf("1e-20") * (1 + mpf(j) / 13)))
                            for s in (-1, 1) for j in range(5)]
            unbounded = max(g + far) > 1e6 or any(k[0] == "inf" for _, _, k in limits)
            if case.far and not unbounded:
                for s in (-1, 1):
                    v = [abs(mp.diff(f, s * mpf(p))) for p in FAR]
                    unbounded |= v[2] - v[1] >= (v[1] - v[0]) / 2 > 0
            assert unbounded, f"no evidence that |f'| is unbounded (max {max(g + far)})"
            return
        s_true = number(case, truth)
        assert max(g) <= s_true * (1 + mpf("1e-12")) + mpf("1e-25"), (max(g), s_true)
        reached = []
        order = sorted(range(len(g)), key=lambda i: -g[i])[:3]
        for i in order:
            try:
                r = mp.findroot(lambda v: mp.diff(f, v, 2), xs[i])
            except (ValueError, ZeroDivisionError):
                continue
            if case.scan[0] <= r <= case.scan[1]:
                val = abs(mp.diff(f, r))
                assert val <= s_true * (1 + mpf("1e-12")) + mpf("1e-25"), (r, val)
                reached.append(val)
        for p in case.sup_at:
            if p in ("oo", "-oo"):
                reached.append(abs(mp.diff(f, (1 if p == "oo" else -1) * mpf("1e12"))))
            else:
                a = number(case, p)
                for s in (-1, 1):
                    reached.append(abs(mp.diff(f, a + s * mpf("1e-25"))))
        for _, _, kind in limits:
            if kind[0] == "finite":
                assert abs(kind[1]) <= s_true * (1 + mpf("1e-12")) + mpf("1e-25")
                reached.append(abs(kind[1]))
        if case.far:  # far out too, |f'| stays below the truth
            reached += [abs(mp.diff(f, s * mpf(p))) for p in FAR for s in (-1, 1)]
        best = max(reached + g)
        assert best <= s_true * (1 + mpf("1e-12")) + mpf("1e-25"), (best, s_true)
        assert best >= s_true * (1 - mpf("1e-6")), (best, s_true)


def jumps_at_breakpoints(case: Case) -> bool:
    """True when f is discontinuous at a listed breakpoint or its slope drops there."""
    with mp.workdps(BP_DPS):
        for b in case.breakpoints or ():
            if b.cls == "discontinuous":
                return True
            if b.cls == "C0":
                a = number(case, b.at)
                lo, hi = side(case.mp, a, 1, -1, T_STEPS[2]), side(case.mp, a, 1, 1, T_STEPS[2])
                if hi < lo:
                    return True
    return False


def check_convex(case: Case, f, truth: bool) -> None:
    with mp.workdps(SCAN_DPS):
        if f is case.mp:
            xs, fs, _, d2, _ = grid(case.id)
        else:
            lo, hi = mpf(case.scan[0]), mpf(case.scan[1])
            xs = [lo + (hi - lo) * (i + mpf(1) / 3) / GRID for i in range(GRID)]
            fs = [f(v) for v in xs]
            d2 = [mp.diff(f, v, 2) for v in xs]
        second = [fs[i - 1] - 2 * fs[i] + fs[i + 1] for i in range(1, len(fs) - 1)]
        scale = [mpf("1e-24") * (1 + abs(v)) for v in fs[1:-1]]
        if truth:
            assert all(s >= -e for s, e in zip(second, scale)), "a second difference < 0"
            assert all(v >= -mpf("1e-15") * (1 + abs(v)) for v in d2), "f'' < 0 somewhere"
            if f is case.mp:
                assert not jumps_at_breakpoints(case)
        else:
            neg = any(s < -100 * e for s, e in zip(second, scale)) or any(
                v < -mpf("1e-12") for v in d2
            )
            assert neg or (f is case.mp and jumps_at_breakpoints(case)), "no concave evidence"


def check_symmetric(case: Case, f, truth: bool) -> None:
    with mp.workdps(BP_DPS):
        r = max(abs(mpf(case.scan[0])), abs(mpf(case.scan[1])))
        pts = [r * (i + mpf(1) / 7) / GRID for i in range(GRID)]
        for b in case.breakpoints or ():
            a = abs(number(case, b.at))
            pts += [a, a + mpf("1e-20"), a - mpf("1e-20")]
        rel = [abs(f(p) - f(-p)) / (1 + abs(f(p))) for p in pts]
        if truth:
            assert max(rel) <= mpf("1e-45"), max(rel)
        else:
            assert max(rel) > mpf("1e-40"), max(rel)
