"""The figures of the statsmodels, least-squares and gbdt targets against their clients, printed
(not a test: ``python -m tests.support.fitting_clients``; the tests in
``tests/emit/test_target_{statsmodels,least_squares,gbdt}.py`` assert bounds on the same runs)."""

from __future__ import annotations

import numpy as np

import lossmath
from lossmath.spec.toml import loss_from_expr


def statsmodels_figures() -> None:
    import statsmodels.api as sm
    from statsmodels.robust import norms

    from tests.emit.test_target_statsmodels import CLASSES, PAIRS

    m = lossmath.compile([p[0] for p in PAIRS], "statsmodels")
    data = sm.datasets.stackloss.load()
    y, X = np.asarray(data.endog, float), sm.add_constant(np.asarray(data.exog, float))
    print("statsmodels sm.RLM on stackloss: max relative difference, iterations (ours, theirs)")
    for name, kw, theirs in PAIRS:
        a = sm.RLM(y, X, M=getattr(m, CLASSES[name])(**kw)).fit()
        b = sm.RLM(y, X, M=theirs()).fit()
        print(f"  {CLASSES[name]:12s} vs {type(theirs()).__name__:14s} params "
              f"{np.max(np.abs(a.params - b.params) / np.abs(b.params)):.1e}  bse "
              f"{np.max(np.abs(a.bse - b.bse) / np.abs(b.bse)):.1e}  iterations "
              f"{a.fit_history['iteration']}, {b.fit_history['iteration']}")
    mapped = lossmath.compile(["l2", "smooth_l1"], "statsmodels")
    for ours, theirs in ((mapped.L2Norm(), norms.LeastSquares()),
                         (mapped.SmoothL1Norm(beta=1.345), norms.HuberT(t=1.345))):
        a, b = sm.RLM(y, X, M=ours).fit(), sm.RLM(y, X, M=theirs).fit()
        print(f"  {ours!r:24s} vs {type(theirs).__name__:14s} params "
              f"{np.max(np.abs(a.params - b.params) / np.abs(b.params)):.1e}  bse "
              f"{np.max(np.abs(a.bse - b.bse) / np.abs(b.bse)):.1e}  iterations "
              f"{a.fit_history['iteration']}, {b.fit_history['iteration']}")


def least_squares_figures() -> None:
    import mpmath as mp

    from tests.emit.test_target_least_squares import _fit, _truths, _ulps

    arctan = loss_from_expr("atan(x**2)/2", name="arctan")
    m = lossmath.compile(["huber", "pseudo_huber", "cauchy", arctan], "least-squares",
                         params={"cauchy": {"c": 1}})
    print("scipy least_squares, generated rho vs built-in loss= (f_scale 0.5, 2): "
          "max relative difference of x and of the cost, nfev equal")
    for name, builtin in (("huber", "huber"), ("pseudo_huber", "soft_l1"),
                          ("cauchy", "cauchy"), ("arctan", "arctan")):
        dx = dc = 0.0
        same = True
        for fs in (0.5, 2.0):
            a, b = _fit(getattr(m, f"{name}_rho"), fs), _fit(builtin, fs)
            dx = max(dx, float(np.max(np.abs(a.x - b.x) / np.abs(b.x))))
            dc = max(dc, abs(a.cost - b.cost) / b.cost)
            same &= a.nfev == b.nfev
        print(f"  {name:12s} vs {builtin:8s} x {dx:.1e}  cost {dc:.1e}  nfev equal {same}")
    barron = lossmath.get_loss("barron").subs(alpha=-2)
    acc = lossmath.compile(["huber", "pseudo_huber", "cauchy", arctan, "tukey", barron,
                            "welsch"], "least-squares")
    zs = np.concatenate([[0.0, 5e-324], np.logspace(-320, 300, 1500)])
    print("rho, rho', rho'' against mpmath (700 digits), z in {0, 5e-324} + 1500 points "
          "1e-320..1e300: max ulp")
    with mp.workdps(700):
        for name, truth in _truths().items():
            got = getattr(acc, f"{name}_rho")(zs)
            worst = [0.0, 0.0, 0.0]
            for i, z in enumerate(zs):
                exact = truth(mp.mpf(float(z)))
                for j in range(3):
                    worst[j] = max(worst[j], _ulps(got[j, i], exact[j]))
            print(f"  {name:12s} " + "  ".join(f"{w:.2f}" for w in worst))
    # rho'' = (f''(r) - f'(r)/r)/(2 z f''(0)) cancels near 0: the series regime's rows
    series = lossmath.compile(["andrews", "log_cosh"], "least-squares")
    a = mp.mpf(1.339)
    defs = {"andrews": (lambda r: mp.cos(r / a), lambda r: a * mp.sin(r / a), 17.69),
            "log_cosh": (lambda r: mp.sech(r) ** 2, mp.tanh, 1e300)}
    zs = np.geomspace(1e-300, 40.0, 800)
    print("rho'' of andrews, log_cosh against mpmath (700 digits), 800 points 1e-300..40: "
          "max ulp below / above the series threshold (4 a**2 = 7.17, 1/4)")
    with mp.workdps(700):
        for (name, (f2, f1, end)), t in zip(defs.items(), (4 * 1.339**2, 0.25)):
            got = getattr(series, f"{name}_rho")(zs)[2]
            worst = [0.0, 0.0]
            for z, v in zip(zs, got):
                if z >= end:
                    continue
                r = mp.sqrt(mp.mpf(float(z)))
                exact = (f2(r) - f1(r) / r) / (2 * mp.mpf(float(z)))
                worst[int(z >= t)] = max(worst[int(z >= t)], _ulps(float(v), exact))
            print(f"  {name:12s} {worst[0]:.2f}  {worst[1]:.2f}")


def gbdt_figures() -> None:
    import lightgbm as lgb
    import xgboost as xgb
    from sklearn.datasets import load_diabetes

    from tests.emit.test_target_gbdt import CASES, _lightgbm_curve, _training_curve

    X, y = load_diabetes(return_X_y=True)
    ph = lossmath.compile("pseudo_huber", "gbdt", params={"delta": 10.0}, hessian="exact")
    kw = dict(n_estimators=50, max_depth=3, learning_rate=0.1, base_score=float(np.mean(y)),
              tree_method="exact", n_jobs=1)
    a = xgb.XGBRegressor(objective="reg:pseudohubererror", huber_slope=10.0, **kw).fit(X, y)
    b = xgb.XGBRegressor(objective=ph.pseudo_huber_objective, **kw).fit(X, y)
    print("XGBoost reg:pseudohubererror (huber_slope 10) vs generated pseudo_huber: max rel "
          f"{np.max(np.abs(a.predict(X) - b.predict(X)) / np.abs(a.predict(X))):.1e}")
    hb = lossmath.compile("huber", "gbdt", params={"delta": 20.0}, hessian="bound")
    lkw = dict(n_estimators=50, num_leaves=8, learning_rate=0.1, verbose=-1, n_jobs=1,
               deterministic=True, force_row_wise=True)
    ref = lgb.LGBMRegressor(objective="huber", alpha=20.0, **lkw).fit(X, y).predict(X)
    base = float(np.mean(y))
    ours = lgb.LGBMRegressor(objective=hb.huber_objective, **lkw)
    ours.fit(X, y, init_score=np.full(len(y), base))
    print("LightGBM huber (alpha 20) vs generated huber --hessian bound: max rel "
          f"{np.max(np.abs(ours.predict(X) + base - ref) / np.abs(ref)):.1e}")
    print("100 rounds, eta 1, base 0 (XGBoost; LightGBM): training loss first -> last, "
          "monotone; hand-written exact f'' (XGBoost)")
    for name, params in CASES:
        mod = lossmath.compile(name, "gbdt", params=params, hessian="majorize")
        num = lossmath.compile(name, "numpy", params=params)
        f, fp, fpp = (getattr(num, name + s) for s in ("", "_grad", "_hess"))
        c = _training_curve(getattr(mod, f"{name}_xgboost"), f, X, y)
        lc = _lightgbm_curve(getattr(mod, f"{name}_lightgbm"), f, X, y)

        def exact(predt, dtrain, fp=fp, fpp=fpp):
            r = predt - dtrain.get_label()
            return fp(r), fpp(r)

        e = _training_curve(exact, f, X, y)
        print(f"  {name:12s} majorize {c[0]:.0f} -> {c[-1]:.0f} monotone "
              f"{bool(np.all(np.diff(c) <= 0))}; LightGBM {lc[0]:.0f} -> {lc[-1]:.0f} "
              f"({len(lc) - 1} trees) monotone {bool(np.all(np.diff(lc) <= 1e-12 * lc[0]))}; "
              f"exact {e[0]:.0f} -> max {np.max(e):.0f} -> {e[-1]:.0f}")


if __name__ == "__main__":
    statsmodels_figures()
    least_squares_figures()
    gbdt_figures()
