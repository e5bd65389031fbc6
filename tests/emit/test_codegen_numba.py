"""The numba target (``lossmath.emit.numba``): the numpy target's results, API and errors, one
fused loop per function.

* Agreement with the numpy target, every harness loss (the catalog and the user-written forms),
  float64 and float32, value, gradient, Hessian and value_and_grad, on the ulp harness's grid
  (breakpoints and their float neighbours, +-0, +-inf, NaN, subnormals, 1e300) and random
  points: bit for bit (NaN matches any NaN) where the planned code uses only ``+ - * /``,
  ``sqrt``, squares, ``abs``, ``sign``, ``min``/``max``/``clip`` and comparisons -- operations
  both targets round correctly, in the same order and precision; within a few ulp where it
  calls a transcendental function or ``pow``, which numba takes from the C library and numpy
  may take from its own SIMD code (the tolerance is the harness's bound; each target is
  measured against mpmath below).
* Against mpmath: the ulp harness (``tests/support/ulp_harness.py``) run on the numba module, the
  numpy target's bounds (value, gradient 4 ulp, Hessian 8) and no spurious inf/nan.
* The API: dtypes, scalars, ``out=``, parameter errors (the same messages as numpy's, since the
  module carries the numpy runtime), ``threads=`` (results independent of it), the module
  without numba, in memory, the on-disk cache, the command.

Run ``python -m tests.emit.test_codegen_numba`` to print the agreement table (max ulp per loss,
``=`` for bit for bit).

Every numba loop compiles on first use (about 0.2 s each), so one module with every harness
loss is built once per session and shared.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import mpmath
import numpy as np
import pytest

from lossmath import Loss, LossError, Param, x
from lossmath.cli.main import main
from lossmath.emit import numba as numba_printer
from lossmath.emit.numba import generate
from tests.support import gencache
from tests.support import ulp_harness as H
from tests.support.agreement import bitwise_expected
from tests.support.codegen import load

if os.environ.get("CI") != "true":  # CI installs numba with the test extra: there it must run
    pytest.importorskip("numba")

ROOT = Path(__file__).resolve().parents[2]
LOSSES = H.all_losses()
SUFFIXES = ("", "_grad", "_hess")

#: The losses of the default tier's numba module: the representative ones and those the API
#: tests call (every numba loop compiles on first use; the slow tier builds all of them).
NB_LOSSES = (*H.REPRESENTATIVE, "l1", "huber", "tukey", "geman_mcclure", "wing", "cauchy",
             "balanced_l1")


def _numba_module(directory: Path, names) -> object:
    path = directory / "harness_numba.py"
    text = gencache.text("numba", generate, [LOSSES[n] for n in names])
    path.write_text(text, encoding="utf-8")
    return load(path)


@pytest.fixture(scope="session")
def nb(tmp_path_factory):
    """The numba module of NB_LOSSES, from a file (so numba may cache)."""
    return _numba_module(tmp_path_factory.mktemp("numba"), NB_LOSSES)


@pytest.fixture(scope="session")
def nb_all(tmp_path_factory):
    """The numba module of every harness loss (the slow tier)."""
    return _numba_module(tmp_path_factory.mktemp("numba_all"), LOSSES)



@pytest.fixture(scope="session")
def npm(tmp_path_factory):
    """The numpy module of NB_LOSSES."""
    losses = {n: LOSSES[n] for n in NB_LOSSES}
    return H.generated_module(losses, tmp_path_factory.mktemp("numpy"))


def _module_of(request, name: str):
    """(numba module, numpy module) holding ``name``: NB_LOSSES' in the default tier, every
    harness loss's in the slow tier."""
    if name in NB_LOSSES:
        return request.getfixturevalue("nb"), request.getfixturevalue("npm")
    return request.getfixturevalue("nb_all"), H.numpy_module()


# -- agreement with the numpy target --------------------------------------------------------


def _inputs(loss: Loss, dtype) -> np.ndarray:
    rng = np.random.default_rng(20261201)
    grid = H.grid(loss, dtype, 0.3, 40)
    with np.errstate(over="ignore"):
        more = np.concatenate([
            rng.normal(0, 3, 500),
            np.exp(rng.uniform(-700, 700, 500)) * rng.choice([-1, 1], 500),
        ]).astype(dtype)
    return np.concatenate([grid, more])


def ulp_gap(a: np.ndarray, b: np.ndarray) -> float:
    """The largest distance between a and b in ulps of their dtype (at b); NaN matches NaN,
    a NaN against a number, or different infinities, is inf."""
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    nan_a, nan_b = np.isnan(a64), np.isnan(b64)
    if (nan_a != nan_b).any():
        return float("inf")
    same = (a64 == b64) | nan_a
    if same.all():
        return 0.0
    if not np.isfinite(a64[~same]).all() or not np.isfinite(b64[~same]).all():
        return float("inf")
    spacing = np.spacing(np.abs(b[~same])).astype(np.float64)
    return float(np.max(np.abs(a64[~same] - b64[~same]) / spacing))


def agreement(nb, npm, name: str, dtype) -> list[tuple[float, bool]]:
    """(ulp gap, bit for bit) of NAME, _grad, _hess, _value_and_grad (value then grad)."""
    grid = _inputs(LOSSES[name], dtype)
    # the grid has 1e300 and inf, which send a fast loop's elements to its full loop; the
    # moderate points alone are computed by the fast loop (where a loss has one)
    moderate = grid[np.abs(grid) < 1e30]
    out = []
    for suffix in (*SUFFIXES, "_value_and_grad"):
        gap, same = 0.0, True
        for xs in (grid, moderate):
            a, b = getattr(nb, name + suffix)(xs), getattr(npm, name + suffix)(xs)
            for u, v in zip(a, b) if isinstance(a, tuple) else [(a, b)]:
                assert u.dtype == v.dtype == dtype
                gap, same = max(gap, ulp_gap(u, v)), same and _bits(u, v)
        out.append((gap, same))
    return out


def _bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Bit for bit, NaN for NaN (its sign and payload are not a result)."""
    nan = np.isnan(a)
    return bool((nan == np.isnan(b)).all()) and bool(
        (a[~nan].view(np.uint8) == b[~nan].view(np.uint8)).all()
    )


def _tier(name: str) -> list:
    """The default tier checks the representative losses but Barron (its numba module alone
    compiles for about 40 s of CPU); the slow tier, every other one."""
    return [] if name in H.REPRESENTATIVE and name != "barron" else [pytest.mark.slow]


def _agree_cases():
    for name in list(LOSSES):
        for dtype in (np.float64, np.float32):
            yield pytest.param(name, dtype, marks=_tier(name),
                               id=f"{name}-{dtype.__name__}")


@pytest.mark.parametrize("name, dtype", list(_agree_cases()))
def test_numba_agrees_with_numpy(request, name, dtype):
    bits = bitwise_expected(LOSSES[name])
    nb, npm = _module_of(request, name)
    for order, (gap, same) in enumerate(agreement(nb, npm, name, dtype)):
        if bits:
            assert same, (name, order, gap)
        else:
            assert gap <= H.BOUNDS[min(order, 2)], (name, order, gap)


@pytest.mark.slow  # compiles a numba module of every such loss
def test_piecewise_polynomials_and_algebraic_losses_are_bit_for_bit():
    """The classification the agreement test relies on picks out the losses it should."""
    expected = {n for n in LOSSES if bitwise_expected(LOSSES[n])}
    assert {"l1", "l2", "smooth_l1", "huber"} <= expected
    assert not expected & {"logcosh", "softplus", "welsch", "wing", "cauchy", "balanced_l1",
                           "tukey", "tukey_user"}  # tukey: (1 - (x/c)**2)**3, a pow() call


# -- against mpmath -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def harness(request):
    """The harness's results of one loss on the numba module, on the suite's grid (against
    the stored truths)."""
    cache = {}

    def results(name: str):
        if name not in cache:
            cache[name] = H.run([name], *H.SUITE_GRID, mod=_module_of(request, name)[0])
        return cache[name]

    return results


#: (loss, dtype) -> why the numba module misses the harness bounds: the numpy target's known
#: failures (ulp_harness.KNOWN_FAILURES); both print the same plan, widened alike.
_NUMBA_FAILURES = {(name, dtype): why for (name, _, dtype), why in H.KNOWN_FAILURES.items()}


def _harness_cases():
    for name in LOSSES:
        for dtype in ("float64", "float32"):
            why = _NUMBA_FAILURES.get((name, dtype))
            marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
            yield pytest.param(name, dtype, marks=marks + _tier(name), id=f"{name}-{dtype}")


@pytest.mark.parametrize("name, dtype", list(_harness_cases()))
def test_numba_is_within_the_harness_bounds(harness, name, dtype):
    for order in range(3):
        r = harness(name)[(name, order, dtype)]
        assert r.spurious == 0, (name, order, dtype, r)
        assert r.accepted <= H.BOUNDS[order], (name, order, dtype, r.accepted, r.worst)


# -- the API ---------------------------------------------------------------------------------


def test_dtypes_scalars_and_out_as_numpy(nb, npm):
    xs = np.array([-3.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 3.0, np.inf, np.nan])
    for dtype in (np.float16, np.float32, np.float64):
        for f in ("smooth_l1", "huber_grad", "tukey_hess", "geman_mcclure"):
            got, want = getattr(nb, f)(xs.astype(dtype)), getattr(npm, f)(xs.astype(dtype))
            assert got.dtype == dtype and _bits(got, want), f
            s = getattr(nb, f)(dtype(0.75))
            assert type(s) is type(getattr(npm, f)(dtype(0.75))) is dtype and np.ndim(s) == 0
    assert type(nb.l1(3)) is np.float64 and nb.l1_grad(np.array([True, False])).tolist() == [1, 0]
    assert nb.smooth_l1([0.5, 3]).tolist() == [0.125, 2.5]
    base = np.random.default_rng(0).normal(0, 2, (6, 8))
    for arr in (base, base.T, base[::2, 1::3], np.empty((0, 3))):
        assert _bits(nb.huber(arr, delta=0.7), npm.huber(arr, delta=0.7))


def test_out_is_filled_returned_and_may_alias_x(nb):
    xs = np.linspace(-3, 3, 13)
    for f in ("smooth_l1", "wing_grad", "cauchy_hess"):
        want = getattr(nb, f)(xs)
        buf = np.full_like(xs, 7.0)
        assert getattr(nb, f)(xs, out=buf) is buf and np.array_equal(buf, want)
        alias = xs.copy()
        assert getattr(nb, f)(alias, out=alias) is alias and np.array_equal(alias, want)
    big = np.zeros(26)
    nb.huber(xs, out=big[::2])
    assert np.array_equal(big[::2], nb.huber(xs)) and not big[1::2].any()
    v, g = np.empty_like(xs), xs.copy()
    got = nb.huber_value_and_grad(g, out=(v, g))
    assert got[0] is v and got[1] is g and np.array_equal(v, nb.huber(xs))


def _error(f, *args, **kw):
    try:
        f(*args, **kw)
    except Exception as exc:  # noqa: BLE001 - the comparison is the test
        return type(exc), str(exc)
    return None


@pytest.mark.parametrize(
    "call",
    [
        ("smooth_l1", (1.0,), {"beta": -1.0}),  # (0 is allowed: the limit there, L1)
        ("smooth_l1", (1.0,), {"beta": float("nan")}),
        ("smooth_l1", (1.0,), {"beta": "1"}),
        ("huber_value_and_grad", (1.0,), {"delta": -1.0}),
        ("smooth_l1", (np.ones(2, np.float32),), {"beta": 1e-50}),
        ("balanced_l1", (np.float32(0.5),), {"alpha": 0.01, "gamma": 1.0}),
        ("smooth_l1", (np.zeros(3),), {"out": np.zeros(4)}),
        ("smooth_l1", (np.zeros(3),), {"out": np.zeros(3, np.float32)}),
        ("l1_value_and_grad", (np.zeros(3),), {"out": np.zeros(3)}),
        ("l1", (np.array([1 + 2j]),), {}),
        ("l1", (["a"],), {}),
        ("smooth_l1", (1.0, 2.0), {}),
    ],
)
def test_errors_are_the_numpy_targets(nb, npm, call):
    name, args, kw = call
    err = _error(getattr(nb, name), *args, **kw)
    assert err is not None and err == _error(getattr(npm, name), *args, **kw)


def test_a_fast_loop_counts_what_it_cannot_finish_and_agrees_where_it_can(nb):
    """pseudo-Huber's fast loop leaves out hypot's overflow path (so it vectorises): at 1e300
    a*a overflows and it counts 1; elsewhere it is the full loop, bit for bit."""
    xs = np.random.default_rng(3).normal(0, 3, 1000)
    for fast, full in ((nb._lm_fast_pseudo_huber, nb._lm_loop_pseudo_huber),
                       (nb._lm_fast_pseudo_huber_grad, nb._lm_loop_pseudo_huber_grad)):
        a, b = np.empty_like(xs), np.empty_like(xs)
        assert fast(xs, a, 1.0) == 0 and full(xs, b, 1.0) is None and _bits(a, b)
        big = np.array([1.0, 1e300, -1e300])
        assert fast(big, np.empty(3), 1.0) == 2
    # truth: sqrt(1 + x**2) - 1 (mpmath) within an ulp (the stable form rounds three times);
    # 1e300 at x = 1e300, where the fast loop alone would give 1e300*(1e300/inf) = 0
    got = nb.pseudo_huber(np.array([1.0, 1e300]))
    with mpmath.workdps(40):
        want = float(mpmath.sqrt(2) - 1)
    assert abs(got[0] - want) <= np.spacing(want) and got[1] == 1e300


def test_longdouble_is_refused_naming_the_dtype(nb):
    with pytest.raises(TypeError, match="l1: the numba target computes in float32 or float64"):
        nb.l1(np.ones(2, np.longdouble))


def test_results_do_not_depend_on_the_thread_count(nb):
    n = 3 * numba_printer.MIN_CHUNK + 12345
    rng = np.random.default_rng(5)
    xs = rng.normal(0, 3, n)
    xs[::1000] = np.nan
    for f in ("huber_value_and_grad", "logcosh", "tukey_hess"):
        for dtype in (np.float64, np.float32):
            ref = getattr(nb, f)(xs.astype(dtype))
            for threads in (2, 3, 4):
                got = getattr(nb, f)(xs.astype(dtype), threads=threads)
                pairs = zip(got, ref) if isinstance(ref, tuple) else [(got, ref)]
                assert all(_bits(a, b) for a, b in pairs), (f, dtype, threads)


@pytest.mark.parametrize("bad, kind", [(0, ValueError), (-2, ValueError), (1.5, TypeError),
                                       (True, TypeError), (None, TypeError)])
def test_bad_thread_counts_raise_naming_the_function(nb, bad, kind):
    with pytest.raises(kind, match="huber_grad: threads must be a positive integer"):
        nb.huber_grad(1.0, threads=bad)


def test_module_imports_numpy_numba_and_the_standard_library_only(nb):
    tree = ast.parse(Path(nb.__file__).read_text(encoding="utf-8"))
    nodes = list(ast.walk(tree))
    imported = {(n.module or "").split(".")[0] for n in nodes if isinstance(n, ast.ImportFrom)}
    imported |= {a.name.split(".")[0] for n in nodes if isinstance(n, ast.Import) for a in n.names}
    assert imported == {"__future__", "concurrent", "math", "numbers", "os", "sys", "numpy",
                        "numba"}


def test_without_numba_it_generates_and_the_module_says_how_to_install(tmp_path):
    path = tmp_path / "nb.py"
    code = (
        "import sys; sys.modules['numba'] = None  # as if not installed\n"
        "from lossmath.emit.numba import generate\n"
        f"open({str(path)!r}, 'w').write(generate(['huber']))\n"
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('nb', {str(path)!r})\n"
        "m = importlib.util.module_from_spec(spec)\n"
        "try:\n"
        "    spec.loader.exec_module(m)\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert "numba, which is not installed: pip install 'lossmath[numba]'" in out.stdout


def test_an_in_memory_module_runs_without_the_disk_cache():
    namespace = {"__name__": "in_memory"}
    exec(compile(generate(["huber"]), "<lossmath numba>", "exec"), namespace)  # noqa: S102
    assert namespace["_CACHE"] is False
    assert namespace["huber_grad"](np.array([-3.0, 0.5, 3.0])).tolist() == [-1.0, 0.5, 1.0]


def test_lossmath_compile_gives_the_numba_functions_in_memory():
    import lossmath

    m = lossmath.compile(LOSSES["huber"], target="numba", params={"delta": 2.0})
    assert m._CACHE is False  # no file: numba compiles in every process
    assert m.huber_grad(np.array([-3.0, 0.5, 3.0])).tolist() == [-2.0, 0.5, 2.0]
    assert m.huber_grad(3.0, delta=1.0) == 1.0


@pytest.mark.subprocess
def test_a_second_process_loads_the_loops_from_the_disk_cache(tmp_path):
    path = tmp_path / "cached.py"
    path.write_text(generate(["smooth_l1"]), encoding="utf-8")
    code = (
        "import cached as m  # imported as a user would (numba's cache re-imports it)\n"
        "assert m._CACHE and m.smooth_l1(3.0) == 2.5\n"
        "print(sum(m._lm_loop_smooth_l1.stats.cache_hits.values()))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=False, env=env, cwd=tmp_path) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert [r.stdout.strip() for r in runs] == ["0", "1"]
    assert list((tmp_path / "__pycache__").glob("cached._lm_loop_smooth_l1-*.nbi"))


def test_output_is_deterministic_and_ruff_clean(tmp_path):
    losses = [LOSSES[n] for n in ("smooth_l1", "huber", "balanced_l1", "cauchy")]
    text = generate(losses)
    assert text == generate(losses)
    path = tmp_path / "m.py"
    path.write_text(text)
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated",
                          "--line-length", "100", "--target-version", "py311",
                          "--select", "E,F,W,I,B,UP", str(path)],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout
    assert "def huber_value_and_grad(x, *, delta=1.0, out=None, threads=1):" in text
    assert text.splitlines()[2] == (
        "#   lossmath codegen smooth_l1 huber balanced_l1 cauchy --target numba"
    )


@pytest.mark.parametrize("name, why", [("threads", "an argument of the generated functions"),
                                       ("numba", "a module the generated code imports")])
def test_names_of_the_module_interface_are_refused(name, why):
    with pytest.raises(LossError, match=why):
        generate([Loss(name, x**2)])
    p = Param(name, default=1)
    with pytest.raises(LossError, match=why):
        generate([Loss("scaled", p.symbol * x**2, params=(p,))])


@pytest.mark.parametrize("name", ["run", "param", "loop", "x_fast"])
def test_names_of_runtime_helpers_are_free_for_losses(name):
    """The runtime's helpers are _run, _param, _loop; the loops of a loss NAME are
    _lm_loop_NAME and _lm_fast_NAME: a loss may be called run or x_fast (once the fast-loop
    test was name.endswith("_fast"))."""
    text = generate([Loss(name, x**2)])
    assert f"def {name}(x, *, out=None, threads=1):" in text


# -- the command -------------------------------------------------------------------------------


def _run(capsys, *argv):
    return (main(list(argv)), *capsys.readouterr())


def test_cli_writes_checks_and_diffs_a_numba_module(tmp_path, capsys):
    path = tmp_path / "losses_numba.py"
    code, out, _ = _run(capsys, "codegen", "smooth_l1", "--target", "numba", "-o", str(path))
    assert code == 0 and out == f"wrote {path}\n"
    text = path.read_text()
    assert "#   lossmath codegen smooth_l1 --target numba -o losses_numba.py\n" in text
    assert "import numba" in text
    code, out, _ = _run(capsys, "codegen", "smooth_l1", "--target", "numba", "-o", str(path),
                        "--check")
    assert code == 0 and out == f"{path} is current\n"
    path.write_text(text.replace("beta=1.0", "beta=2.0"))
    code, out, err = _run(capsys, "codegen", "smooth_l1", "--target", "numba", "-o",
                          str(path), "--check", "--diff")
    assert code == 1 and "+def smooth_l1(x, *, beta=1.0, out=None, threads=1):" in out
    assert "regenerate with: lossmath codegen smooth_l1 --target numba -o" in err
    code, _, _ = _run(capsys, "codegen", "smooth_l1", "--target", "numba", "-o", str(path))
    assert code == 0 and load(path).smooth_l1(2.0) == 1.5


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "harness_numba.py"
        path.write_text(generate(list(LOSSES.values())), encoding="utf-8")
        mod, ref = load(path), H.numpy_module()
        cols = [f"{f} {d}" for d in ("f64", "f32") for f in ("f", "f'", "f''", "v+g")]
        print("| loss | " + " | ".join(cols) + " |")
        print("|" + "---|" * (len(cols) + 1))
        for n in LOSSES:
            cells = [("=" if same else f"{gap:.2g}")
                     for dt in (np.float64, np.float32) for gap, same in agreement(mod, ref, n, dt)]
            print(f"| {n} | " + " | ".join(cells) + " |")
        print("\n'=': bit for bit (NaN for NaN); else the largest gap in ulps of the dtype")
