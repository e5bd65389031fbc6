"""The gbdt target: generated objectives reproduce XGBoost's and LightGBM's built-ins, the
Hessian policies refuse what they cannot prove, and the majorizing Hessian trains where the
exact f'' does not.

Truths: the libraries' built-in objectives (XGBoost reg:pseudohubererror with huber_slope,
LightGBM huber with alpha = delta and its Hessian 1), the boosting runs' own training loss
(the catalog loss evaluated by the numpy target), and the majorization inequality evaluated in
mpmath from the textbook definitions written below."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lossmath
from lossmath.emit import gbdt

xgb = pytest.importorskip("xgboost")
lgb = pytest.importorskip("lightgbm")
datasets = pytest.importorskip("sklearn.datasets")


@pytest.fixture(scope="module")
def diabetes():
    X, y = datasets.load_diabetes(return_X_y=True)
    return X, y


def test_pseudo_huber_reproduces_xgboost_pseudohubererror(diabetes):
    X, y = diabetes
    m = lossmath.compile("pseudo_huber", "gbdt", params={"delta": 10.0}, hessian="exact")
    kw = dict(n_estimators=50, max_depth=3, learning_rate=0.1, base_score=float(np.mean(y)),
              tree_method="exact", n_jobs=1)
    ref = xgb.XGBRegressor(objective="reg:pseudohubererror", huber_slope=10.0, **kw)
    ours = xgb.XGBRegressor(objective=m.pseudo_huber_objective, **kw)
    a, b = ref.fit(X, y).predict(X), ours.fit(X, y).predict(X)
    np.testing.assert_allclose(b, a, rtol=1e-6, atol=0)
    # the native API: xgboost.train(obj=...)
    d = xgb.DMatrix(X, label=y, base_margin=np.full(len(y), float(np.mean(y))))
    p = dict(max_depth=3, eta=0.1, tree_method="exact", nthread=1)
    a = xgb.train({**p, "objective": "reg:pseudohubererror", "huber_slope": 10.0}, d, 20)
    b = xgb.train(p, d, 20, obj=m.pseudo_huber_xgboost)
    np.testing.assert_allclose(b.predict(d), a.predict(d), rtol=1e-6, atol=0)


def test_huber_with_the_bound_reproduces_lightgbm_huber(diabetes):
    X, y = diabetes
    m = lossmath.compile("huber", "gbdt", params={"delta": 20.0}, hessian="bound")
    kw = dict(n_estimators=50, num_leaves=8, learning_rate=0.1, verbose=-1, n_jobs=1,
              deterministic=True, force_row_wise=True)
    ref = lgb.LGBMRegressor(objective="huber", alpha=20.0, **kw).fit(X, y)
    # LightGBM's huber starts from the mean label; a custom objective starts from init_score
    base = float(np.mean(y))
    ours = lgb.LGBMRegressor(objective=m.huber_objective, **kw)
    ours.fit(X, y, init_score=np.full(len(y), base))
    np.testing.assert_allclose(ours.predict(X) + base, ref.predict(X), rtol=1e-6, atol=0)
    # lightgbm.train with the native signature
    params = {k: v for k, v in kw.items() if k != "n_estimators"}
    ds = lgb.Dataset(X, y, init_score=np.full(len(y), base), params={"verbose": -1})
    bst = lgb.train({**params, "objective": m.huber_lightgbm}, ds, 50)
    np.testing.assert_allclose(bst.predict(X) + base, ref.predict(X), rtol=1e-6, atol=0)


def test_huber_with_the_exact_hessian_is_refused_in_one_line():
    with pytest.raises(lossmath.LossError, match="f'' > 0 everywhere") as e:
        gbdt.generate(["huber"], hessian="exact")
    assert "\n" not in str(e.value)
    with pytest.raises(lossmath.LossError, match="infinite"):
        gbdt.generate(["l1"], hessian="bound")
    with pytest.raises(lossmath.LossError, match="hessian="):
        lossmath.compile("huber", "gbdt", hessian="newton")


def _training_curve(obj, loss, X, y, rounds=100):
    d = xgb.DMatrix(X, label=y)
    # eta = 1 and base 0: the first residuals are ~150, far out on every loss's tails;
    # min_child_weight 0 so that small majorizing Hessians still split
    p = dict(max_depth=3, eta=1.0, tree_method="exact", nthread=1, base_score=0.0,
             min_child_weight=0.0, reg_lambda=1.0)
    bst = xgb.train(p, d, rounds, obj=obj)
    margins = [np.zeros(len(y))] + [
        bst.predict(d, output_margin=True, iteration_range=(0, k)) for k in range(1, rounds + 1)
    ]
    return np.array([float(np.sum(loss(m - y))) for m in margins])


CASES = [("huber", {"delta": 1.0}), ("pseudo_huber", {"delta": 1.0}), ("log_cosh", {}),
         ("l1", {}), ("quantile", {"tau": 0.5})]


@pytest.mark.parametrize("name, params", CASES[:1])
def test_majorizing_hessian_decreases_the_training_loss_every_round(diabetes, name, params):
    _majorize_trains_exact_does_not(diabetes, name, params)


@pytest.mark.slow
@pytest.mark.parametrize("name, params", CASES[1:])
def test_every_majorizing_hessian_decreases_the_training_loss(diabetes, name, params):
    _majorize_trains_exact_does_not(diabetes, name, params)


def _majorize_trains_exact_does_not(data, name, params):
    X, y = data
    mod = lossmath.compile(name, "gbdt", params=params, hessian="majorize")
    num = lossmath.compile(name, "numpy", params=params)
    f, fp, fpp = (getattr(num, name + s) for s in ("", "_grad", "_hess"))
    curve = _training_curve(getattr(mod, f"{name}_xgboost"), f, X, y)
    assert np.all(np.diff(curve) <= 0), curve
    assert curve[-1] < 0.25 * curve[0]

    def exact(predt, dtrain):  # the hand-written objective: f'' as the Hessian
        r = predt - dtrain.get_label()
        return fp(r), fpp(r)

    bad = _training_curve(exact, f, X, y)
    # it diverges (the loss rises) or does not move (h = 0 on the linear pieces)
    assert np.any(np.diff(bad) > 0) or bad[-1] > 0.99 * bad[0], bad
    # LightGBM too (lambda_l2 = 0: the leaf value is the majorizer's minimiser itself); it
    # stops early for l1 and quantile (no split passes its gain test), still decreasing
    lcurve = _lightgbm_curve(getattr(mod, f"{name}_lightgbm"), f, X, y)
    assert np.all(np.diff(lcurve) <= 1e-12 * lcurve[0]), lcurve
    assert lcurve[-1] < 0.25 * lcurve[0]


def _lightgbm_curve(obj, loss, X, y, rounds=100):
    ds = lgb.Dataset(X, y, params={"verbose": -1})
    p = dict(num_leaves=8, learning_rate=1.0, verbose=-1, num_threads=1, deterministic=True,
             force_row_wise=True, min_sum_hessian_in_leaf=0.0, min_data_in_leaf=5,
             objective=obj)
    bst = lgb.train(p, ds, rounds)
    margins = [np.zeros(len(y))] + [bst.predict(X, num_iteration=k, raw_score=True)
                                    for k in range(1, bst.num_trees() + 1)]
    return np.array([float(np.sum(loss(m - y))) for m in margins])


def _textbook(name):
    """f from its definition, for mpmath (independent of the generated code)."""
    return {
        "huber": lambda t: t * t / 2 if abs(t) <= 1 else abs(t) - mp.mpf(1) / 2,
        "pseudo_huber": lambda t: mp.sqrt(1 + t * t) - 1,
        "log_cosh": lambda t: mp.log(mp.cosh(t)),
        "l1": lambda t: abs(t),
        "quantile": lambda t: t * mp.mpf(3) / 10 if t >= 0 else t * (mp.mpf(3) / 10 - 1),
        "cauchy": lambda t: mp.log(1 + t * t) / 2,
        "fair": lambda t: abs(t) - mp.log(1 + abs(t)),
    }[name]


GRID = [("huber", {}), ("l1", {}), ("pseudo_huber", {}), ("log_cosh", {}),
        ("quantile", {"tau": 0.3}), ("cauchy", {"c": 1}), ("fair", {"c": 1})]


@pytest.mark.parametrize("name, params", GRID[:2])
def test_the_emitted_hessian_majorizes_on_a_dense_grid_in_mpmath(name, params):
    _majorizes_on_a_grid(name, params)


@pytest.mark.slow
@pytest.mark.parametrize("name, params", GRID[2:])
def test_every_emitted_hessian_majorizes_on_a_dense_grid_in_mpmath(name, params):
    _majorizes_on_a_grid(name, params)


def _majorizes_on_a_grid(name, params):
    m = lossmath.compile(name, "gbdt", params=params, hessian="majorize")
    f = _textbook(name)
    xs = np.concatenate([-np.logspace(-5, 3, 40), [0.0], np.logspace(-5, 3, 40)])
    zs = np.concatenate([-np.logspace(-6, 4, 120), [0.0], np.logspace(-6, 4, 120), xs])
    g, h = m.__dict__[f"{name}_objective"](np.zeros_like(xs), xs)
    assert np.all(h > 0)
    worst = mp.mpf(0)
    with mp.workdps(50):
        for xi, gi, hi in zip(xs, g, h):
            if abs(xi) < 1e-6 and name in ("l1", "quantile"):
                continue  # f' jumps at 0: no finite h majorizes there (the module says so)
            fx = f(mp.mpf(float(xi)))
            for zi in zs:
                dz = mp.mpf(float(zi)) - mp.mpf(float(xi))
                gap = fx + mp.mpf(float(gi)) * dz + mp.mpf(float(hi)) / 2 * dz * dz - f(
                    mp.mpf(float(zi)))
                # the emitted floats carry rounding: allow 8 ulp of the quadratic's size
                slack = 8 * 2.0**-52 * (abs(fx) + abs(gi * dz) + abs(hi * dz * dz))
                worst = min(worst, gap + slack)
    assert worst >= 0


@settings(max_examples=60, deadline=None)
@given(delta=st.floats(0.01, 100.0), xv=st.floats(-1e4, 1e4), zv=st.floats(-1e6, 1e6))
def test_the_huber_majorizer_holds_for_random_delta_x_z(huber_majorize, delta, xv, zv):
    """f(z) <= f(x) + f'(x)(z - x) + h(x)/2 (z - x)**2, Huber with delta, in exact rationals
    (the emitted floats taken as they are)."""
    from fractions import Fraction as F

    g, h = huber_majorize.huber_gbdt(delta=delta).objective(np.zeros(1), np.array([xv]))
    d = F(delta)

    def f(t):
        return t * t / 2 if abs(t) <= d else d * (abs(t) - d / 2)

    x, z = F(xv), F(zv)
    bound = f(x) + F(float(g[0])) * (z - x) + F(float(h[0])) / 2 * (z - x) ** 2
    # h(x) = min(1, delta/|x|) is rounded once: allow 2 ulp of the quadratic term
    assert f(z) <= bound + F(2.0**-51) * (F(float(h[0])) / 2 * (z - x) ** 2 + abs(bound))


@pytest.fixture(scope="module")
def huber_majorize():
    return lossmath.compile("huber", "gbdt", hessian="majorize")


def test_the_sharp_majorizer_is_tight_at_minus_x():
    """h(x) = W(x) is the smallest that works: at z = -x the inequality is an equality."""
    m = lossmath.compile("pseudo_huber", "gbdt", hessian="majorize")
    for xv in (0.3, 2.0, 50.0):
        g, h = m.pseudo_huber_objective(np.zeros(1), np.array([xv]))
        f = lambda t: mp.sqrt(1 + t * t) - 1  # noqa: E731
        gap = f(xv) + g[0] * (-2 * xv) + h[0] / 2 * (2 * xv) ** 2 - f(-xv)
        assert abs(gap) <= 1e-13 * (1 + xv * xv)


def test_the_module_docstring_states_the_policy_and_its_proof():
    text = gbdt.generate(["huber"], hessian="majorize")
    assert "Hessian policy: majorize" in text and "concave" in text
    assert "def huber_objective(y_true, y_pred):" in text
    assert "def huber_gbdt(*, delta=1.0):" in text
