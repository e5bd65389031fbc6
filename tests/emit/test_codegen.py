"""``lossmath codegen`` and ``lossmath.emit.numpy.generate``: the module, its API, the CLI.

What the generated functions compute is checked against mpmath in test_codegen_accuracy.py and
against PyTorch and scipy in test_codegen_torch.py; here: what the module imports, how it reads
and regenerates, how each function treats dtypes, shapes, scalars, ``out=``, parameters and
floating-point conditions, which branch-free forms are chosen (and refused), and the command.
"""

from __future__ import annotations

import ast
import math
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from lossmath import Loss, LossError, Param, x
from lossmath.cli.main import main
from lossmath.emit.forms import Clip, HuberLike, Masked, Single, Steps
from lossmath.emit.numpy import UnsupportedExpression, generate, plans, stabilise
from tests.support.codegen import EXTRA, load, write_and_load

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "support" / "generated" / "losses.py"
CATALOG = ["l2", "l1", "smooth_l1", "huber"]
GOLDEN_COMMAND = (
    "lossmath codegen l2 l1 smooth_l1 huber --target numpy -o tests/support/generated/losses.py"
)


@pytest.fixture(scope="module")
def mod(tmp_path_factory):
    return write_and_load(tmp_path_factory.mktemp("cat"), CATALOG)


# -- the module -----------------------------------------------------------------------------


def test_golden_module_is_current():
    """tests/support/generated/losses.py is what the command in its header writes; set
    LOSSMATH_UPDATE_GOLDEN=1 to rewrite it after an intended change."""
    text = generate(CATALOG, command=GOLDEN_COMMAND)
    if os.environ.get("LOSSMATH_UPDATE_GOLDEN") == "1":
        from lossmath.io.outputs import write_files

        write_files({GOLDEN: text})
    assert GOLDEN.read_text(encoding="utf-8") == text, (
        "tests/support/generated/losses.py is stale: run LOSSMATH_UPDATE_GOLDEN=1 python -m pytest "
        "tests/emit/test_codegen.py -k golden (or the command in its header)"
    )
    assert text.splitlines()[2] == f"#   {GOLDEN_COMMAND}"


def test_golden_module_defines_every_function_with_catalog_defaults():
    golden = load(GOLDEN)
    for name in CATALOG:
        for suffix in ("", "_grad", "_hess", "_value_and_grad"):
            assert callable(getattr(golden, name + suffix))
    assert golden.__all__[:4] == ["l2", "l2_grad", "l2_hess", "l2_value_and_grad"]
    src = GOLDEN.read_text()
    assert "def smooth_l1(x, *, beta=1.0, out=None):" in src
    assert "def huber_value_and_grad(x, *, delta=1.0, out=None):" in src
    assert "def l2_hess(x, *, out=None):" in src


def test_module_imports_only_numpy_and_the_standard_library():
    tree = ast.parse(GOLDEN.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported == {"__future__", "math", "numbers", "numpy"}


def test_module_runs_without_sympy_or_lossmath_loaded(tmp_path):
    """In a fresh interpreter, from a file outside the package: neither is ever imported."""
    path = tmp_path / "vendored.py"
    path.write_text(GOLDEN.read_text())
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('vendored', {str(path)!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "v, g = m.smooth_l1_value_and_grad([0.5, 3.0], beta=2.0)\n"
        "assert list(v) == [0.0625, 2.0] and list(g) == [0.25, 1.0], (v, g)\n"
        "assert float(m.huber_hess(1.0)) == 1.0 and float(m.l1_grad(0.0)) == 0.0\n"
        "bad = sorted(k for k in sys.modules\n"
        "             if k.split('.')[0] in ('sympy', 'lossmath', 'mpmath'))\n"
        "assert not bad, bad\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0 and out.stdout == "ok\n", out.stderr


@pytest.mark.subprocess  # three interpreters
def test_output_is_byte_identical_across_processes_and_hash_seeds():
    code = (
        "import sys; from lossmath.emit.numpy import generate\n"
        "from tests.support.codegen import EXTRA\n"
        "sys.stdout.write(generate(['smooth_l1', 'huber', 'l1', 'l2', EXTRA['wing'], "
        "EXTRA['tukey'], EXTRA['sinc']]))\n"
    )
    texts = []
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             check=True, text=True)
        texts.append(out.stdout)
    assert texts[0] == texts[1] == texts[2]
    assert "def wing_value_and_grad(x, *, w=10.0, eps=2.0, out=None):" in texts[0]


@pytest.mark.slow  # generates the whole catalog once more
def test_generated_code_is_ruff_clean(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(generate(CATALOG + list(EXTRA.values())))
    # ruff as installed with the test extra, with the project's rules
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated",
                          "--line-length", "100", "--target-version", "py311",
                          "--select", "E,F,W,I,B,UP", str(path)],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout


def test_docstrings_carry_formula_reference_smoothness_and_conventions(mod):
    assert "f(x) = x**2/(2*beta)     if Abs(x) < beta" in mod.smooth_l1.__doc__
    assert "-beta/2 + Abs(x)  otherwise" in mod.smooth_l1.__doc__
    doc = " ".join(mod.smooth_l1.__doc__.split())
    assert 'Ross Girshick, "Fast R-CNN", ICCV, 2015, arXiv:1504.08083' in doc
    assert "Smoothness: smooth_l1 is C1 (x = -beta: C1, x = beta: C1)." in doc
    assert "smooth_l1(beta) = beta/2 (the piece -beta/2 + Abs(x))" in doc
    assert "sympy proved this equal to the definition on every interval" in doc
    hess = " ".join(mod.smooth_l1_hess.__doc__.split())
    assert "smooth_l1_hess(beta) = 0 (the piece 0)" in hess
    assert "its derivative of order 2 is discontinuous at x = -beta" in hess
    assert "Huber" in mod.huber.__doc__ and "doi:10.1214/aoms/1177703732" in mod.huber.__doc__
    module = " ".join(mod.__doc__.split())
    assert "x = 0 (kink; piece Abs(x)): l1 = 0, l1_grad = 0, l1_hess = 0." in module
    assert "x -> +inf: smooth_l1 = oo, smooth_l1_grad = 1, smooth_l1_hess = 0." in module
    assert "NaN in gives NaN out" in module
    assert "smooth_l1, owner of the breakpoint:" in module  # the catalog's conventions


def test_param_overrides_change_defaults_only(tmp_path):
    m = write_and_load(tmp_path, ["smooth_l1", "huber"],
                       params={"smooth_l1": {"beta": "1/9"}, "huber": {"delta": 1.345}})
    assert m.smooth_l1_grad(1 / 18) == pytest.approx(0.5)
    assert m.smooth_l1_grad(1 / 18, beta=1.0) == pytest.approx(1 / 18)
    assert m.huber_grad(5.0) == 1.345
    src = Path(m.__file__).read_text()
    assert "beta=0.1111111111111111" in src and "(= 1/9)" in " ".join(src.split())
    assert "--param smooth_l1.beta=1/9" in src.splitlines()[2]


# -- dtypes, shapes, scalars, out= ------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.longdouble])
def test_float_dtypes_are_kept(mod, dtype):
    xs = np.array([-3.0, -0.5, 0.0, 0.5, 3.0], dtype=dtype)
    for name in CATALOG:
        for f in (getattr(mod, name), getattr(mod, name + "_grad"), getattr(mod, name + "_hess")):
            assert f(xs).dtype == dtype, f.__name__
        v, g = getattr(mod, name + "_value_and_grad")(xs)
        assert v.dtype == g.dtype == dtype


def test_integers_bools_and_python_numbers_become_float64(mod):
    assert mod.smooth_l1(np.arange(-3, 4)).dtype == np.float64
    assert mod.l1_grad(np.array([True, False])).tolist() == [1.0, 0.0]
    assert mod.huber_grad(np.array([3], dtype=np.uint8), delta=2).tolist() == [2.0]
    for value in (3, 0.25, -2.5, np.int32(4)):
        got = mod.smooth_l1(value)
        assert type(got) is np.float64 and np.ndim(got) == 0
    assert mod.smooth_l1([0.5, 3]).tolist() == [0.125, 2.5]


def test_scalar_in_scalar_out_of_the_input_dtype(mod):
    got = mod.smooth_l1_grad(np.float32(0.25), beta=0.5)
    assert type(got) is np.float32 and got == np.float32(0.5)
    v, g = mod.huber_value_and_grad(np.float16(3.0), delta=2.0)
    assert type(v) is np.float16 and type(g) is np.float16 and (v, g) == (4.0, 2.0)
    assert type(mod.l2_hess(np.array(1.5))) is np.float64


def test_complex_and_non_numeric_input_raise_type_error(mod):
    with pytest.raises(TypeError, match="smooth_l1: x must hold real numbers, got dtype complex"):
        mod.smooth_l1(np.array([1 + 2j]))
    with pytest.raises(TypeError, match="dtype <U1"):
        mod.l1(["a"])


def test_any_shape_and_memory_layout(mod):
    rng = np.random.default_rng(0)
    base = rng.normal(0, 2, (6, 8))
    for xs in (base, base.T, base[::2, 1::3], base[:, :, None], np.empty((0, 3)), base[0]):
        for name in CATALOG:
            for suffix in ("", "_grad", "_hess"):
                f = getattr(mod, name + suffix)
                got = f(xs)
                assert got.shape == xs.shape
                flat = f(np.ascontiguousarray(xs).ravel())
                assert np.array_equal(got.ravel(), flat)


def test_blocks_boundaries_do_not_change_results(mod):
    n = 3 * mod._BLOCK + 17
    xs = np.random.default_rng(1).normal(0, 2, n)
    whole = mod.smooth_l1_value_and_grad(xs, beta=0.7)
    pieces = [mod.smooth_l1_value_and_grad(xs[i:i + 1000], beta=0.7) for i in range(0, n, 1000)]
    assert np.array_equal(whole[0], np.concatenate([p[0] for p in pieces]))
    assert np.array_equal(whole[1], np.concatenate([p[1] for p in pieces]))


def test_out_is_filled_returned_and_may_alias_x(mod):
    xs = np.linspace(-3, 3, 13)
    for name in CATALOG:
        for suffix in ("", "_grad", "_hess"):
            f = getattr(mod, name + suffix)
            want = f(xs)
            buf = np.full_like(xs, 7.0)
            assert f(xs, out=buf) is buf and np.array_equal(buf, want)
            alias = xs.copy()
            assert f(alias, out=alias) is alias and np.array_equal(alias, want)
        vg = getattr(mod, name + "_value_and_grad")
        want_v, want_g = vg(xs)
        v, g = np.empty_like(xs), np.empty_like(xs)
        got = vg(xs, out=(v, g))
        assert got[0] is v and got[1] is g
        assert np.array_equal(v, want_v) and np.array_equal(g, want_g)
        alias = xs.copy()
        v2 = np.empty_like(xs)
        vg(alias, out=(v2, alias))
        assert np.array_equal(v2, want_v) and np.array_equal(alias, want_g)


def test_out_may_be_strided_or_float16(mod):
    xs = np.linspace(-3, 3, 10)
    big = np.zeros(20)
    mod.huber(xs, out=big[::2])
    assert np.array_equal(big[::2], mod.huber(xs)) and not big[1::2].any()
    h = np.empty(10, np.float16)
    mod.smooth_l1(xs.astype(np.float16), out=h)
    assert np.array_equal(h, mod.smooth_l1(xs.astype(np.float16)))


def test_bad_out_raises_naming_the_problem(mod):
    xs = np.zeros(3)
    with pytest.raises(ValueError, match=r"smooth_l1: out has shape \(4,\), x has shape \(3,\)"):
        mod.smooth_l1(xs, out=np.zeros(4))
    with pytest.raises(TypeError, match="out has dtype float32, the result has dtype float64"):
        mod.smooth_l1(xs, out=np.zeros(3, np.float32))
    with pytest.raises(TypeError, match="out must be a numpy array, got list"):
        mod.smooth_l1(xs, out=[0, 0, 0])
    ro = np.zeros(3)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="out is read-only"):
        mod.l1(xs, out=ro)
    with pytest.raises(TypeError, match="out must be None or a tuple of 2 arrays"):
        mod.l1_value_and_grad(xs, out=np.zeros(3))
    both = np.zeros(3)
    with pytest.raises(ValueError, match="the two outputs overlap"):
        mod.l1_value_and_grad(xs, out=(both, both))


# -- parameters -----------------------------------------------------------------------------


# 0 is admitted: smooth_l1 and huber have limits there (tests/emit/test_param_limits_targets.py)
@pytest.mark.parametrize("bad", [-1.0, -1, float("nan"), float("inf"), -np.inf])
def test_negative_or_nonfinite_parameter_raises_value_error_naming_it(mod, bad):
    with pytest.raises(ValueError, match=r"smooth_l1_grad: beta must be finite and nonnegative"):
        mod.smooth_l1_grad(1.0, beta=bad)
    with pytest.raises(ValueError, match=r"huber_value_and_grad: delta must be finite and nonneg"):
        mod.huber_value_and_grad(1.0, delta=bad)


@pytest.mark.parametrize("bad", ["1", None, True, np.array([1.0, 2.0]), 1j])
def test_non_real_parameter_raises_type_error(mod, bad):
    with pytest.raises(TypeError, match="smooth_l1: beta must be a real number"):
        mod.smooth_l1(1.0, beta=bad)


def test_parameters_are_keyword_only(mod):
    with pytest.raises(TypeError):
        mod.smooth_l1(1.0, 2.0)


def test_numpy_scalar_parameters_do_not_promote_float32(mod):
    xs = np.array([0.25, 3.0], dtype=np.float32)
    for beta in (np.float64(0.5), np.float32(0.5), 0.5, np.int64(1)):
        v = mod.smooth_l1(xs, beta=beta)
        assert v.dtype == np.float32
        assert v.tolist() == ([0.0625, 2.75] if beta == 0.5 else [0.03125, 2.5])


def test_parameter_that_rounds_out_of_its_domain_in_float32_raises(mod):
    xs = np.ones(2, np.float32)
    with pytest.raises(ValueError, match=r"beta=1e-50 is not positive in float32 \(it rounds to 0"):
        mod.smooth_l1(xs, beta=1e-50)
    with pytest.raises(ValueError, match=r"delta=1e\+39 is not positive in float32 \(it rounds"):
        mod.huber_grad(xs.astype(np.float16), delta=1e39)
    assert mod.smooth_l1(np.ones(2), beta=1e-50).dtype == np.float64  # fine in float64


# -- floating-point conditions ----------------------------------------------------------------

STRICT = {"over": "raise", "divide": "raise", "invalid": "raise", "under": "ignore"}


def _strict(module):
    module._ERRSTATE = STRICT
    return module


def test_catalog_kernels_raise_no_floating_point_exception_where_nothing_overflows(tmp_path):
    """With overflow, division by zero and invalid operations *raising* (the shipped module
    silences them, like scipy.special): no piece is evaluated where it does not apply, and
    +-inf and NaN flow through without an invalid operation."""
    m = _strict(write_and_load(tmp_path, CATALOG))
    xs = np.array([-np.inf, -1e150, -2.0, -1.0, -0.5, -0.0, 0.0, 1e-300, 0.5, 1.0, 2.0, 1e150,
                   np.inf, np.nan])
    for dtype in (np.float64, np.float32):
        with np.errstate(over="ignore"):
            xd = xs.astype(dtype)
        for name in CATALOG:
            for suffix in ("", "_grad", "_hess", "_value_and_grad"):
                for params in ({}, {"beta": 0.5} if name == "smooth_l1" else
                               {"delta": 2.0} if name == "huber" else {}):
                    if name == "l2" and suffix in ("", "_value_and_grad"):
                        continue  # x**2 overflows at 1e150: correctly, to inf
                    getattr(m, name + suffix)(xd, **params)


def test_unused_branches_are_never_evaluated(tmp_path):
    m = _strict(write_and_load(tmp_path, [EXTRA["logcosh_pw"], EXTRA["tukey"], EXTRA["jump"],
                                          EXTRA["sq_hinge"], EXTRA["wing"], EXTRA["sinc"]]))
    xs = np.array([-np.inf, -1000.0, -20.0, -5.0, -1.0, 0.0, 1.0, 5.0, 20.0, 1000.0, np.inf,
                   np.nan])
    for name in ("logcosh_pw", "tukey", "jump", "sq_hinge", "wing", "sinc"):
        for suffix in ("", "_grad", "_hess", "_value_and_grad"):
            getattr(m, name + suffix)(xs)
    # log(cosh(1000)) would overflow: the value comes from |x| - log(2) alone
    assert m.logcosh_pw(1000.0) == 1000.0 - np.log(2.0)


def test_shipped_functions_emit_no_warnings_even_for_ill_conditioned_formulas(tmp_path):
    m = write_and_load(tmp_path, [EXTRA["sinc"], EXTRA["welsch"]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            m.sinc_grad(np.array([1e-300, -1e-200]))
            m.welsch_hess(np.array([1e30], dtype=np.float32))


def test_negative_zero_gives_what_zero_gives(mod):
    for name in CATALOG:
        for suffix in ("", "_grad", "_hess"):
            f = getattr(mod, name + suffix)
            assert f(-0.0) == f(0.0)
    assert mod.l1(-0.0) == 0.0 and not np.signbit(mod.l1(-0.0))
    assert mod.l1_grad(-0.0) == 0.0 and mod.smooth_l1_hess(-0.0) == 1.0


# -- which form evaluates what ---------------------------------------------------------------


def test_catalog_gets_branch_free_forms():
    p = plans("smooth_l1")
    assert isinstance(p["smooth_l1"], HuberLike) and isinstance(p["smooth_l1_grad"], Clip)
    assert isinstance(p["smooth_l1_hess"], Steps)
    assert p["smooth_l1_grad"].text() == "clip(x/beta, -1, 1)"
    h = plans("huber")
    assert h["huber_grad"].text() == "clip(x, -delta, delta)"
    assert isinstance(h["huber"], HuberLike) and isinstance(h["huber_hess"], Steps)
    assert isinstance(plans("l1")["l1"], Single) and plans("l1")["l1_grad"].expr == sp.sign(x)
    assert isinstance(plans("l2")["l2_hess"], Steps)


def test_generated_smooth_l1_value_and_grad_is_four_ufunc_passes():
    src = generate(["smooth_l1"])
    body = src[src.index("def _lm_kern_smooth_l1_value_and_grad("):]
    body = body[:body.index("\ndef ", 1)]  # this kernel alone (beta = 0's limit has its own)
    calls = [line.strip() for line in body.splitlines() if line.strip().startswith("np.")]
    assert calls == [
        "np.clip(xb, -1.0, 1.0, out=gb)",
        "np.divide(xb, beta, out=gb)",
        "np.clip(gb, -1.0, 1.0, out=gb)",
        "np.multiply(gb, c0, out=vb)",
        "np.add(vb, xb, out=vb)",
        "np.multiply(vb, gb, out=vb)",
    ]
    assert "c0 = -0.5 * beta  # -beta/2" in body


def test_a_jump_is_not_mistaken_for_a_clip():
    p = plans(EXTRA["jump"])
    assert isinstance(p["jump"], Masked)  # [-1, x, 2] looks like a clip but jumps at 1
    assert isinstance(p["jump_grad"], Steps)


def test_a_one_sided_clip_has_no_huber_form_because_0_times_inf_is_nan():
    p = plans(EXTRA["sq_hinge"])
    assert isinstance(p["sq_hinge_grad"], Clip) and p["sq_hinge_grad"].lo == 0
    assert p["sq_hinge_grad"].hi is None
    assert isinstance(p["sq_hinge"], Masked)


def test_huber_form_needs_the_value_to_match_on_every_interval():
    """A value whose derivative is a clip but whose tails are shifted (discontinuous): the
    identity fails on the tails, so the generic path evaluates it."""
    beta = sp.Symbol("beta", positive=True)
    shifted = Loss(
        "shifted",
        sp.Piecewise((x**2 / (2 * beta), sp.Abs(x) < beta), (sp.Abs(x), True)),
        params=(Param("beta", default=1),),
    )
    assert isinstance(plans(shifted)["shifted"], Masked)
    assert isinstance(plans(shifted)["shifted_grad"], Clip)


def test_functions_with_unsafe_limits_are_patched():
    p = plans(EXTRA["welsch"])
    assert isinstance(p["welsch"], Single)  # 1 - exp(-x**2/2) -> 1 at +-inf by itself
    assert isinstance(p["welsch_grad"], Masked)  # x*exp(-x**2/2) is inf*0 at inf
    assert p["welsch_grad"].safe == (False, False) and p["welsch_grad"].limits == (0, 0)


def test_stable_rewrites():
    u = sp.Symbol("u", positive=True)
    assert str(stabilise(sp.log(1 + x / u))) == "log1p(x/u)"
    assert str(stabilise(1 - sp.exp(-(x**2) / 2))) == "-expm1(-x**2/2)"
    assert str(stabilise(u**2 * (sp.sqrt(1 + (x / u) ** 2) - 1))) == "u**2*(hypot(1, x/u) - 1)"
    # exp(x) - exp(-x) is left alone (sympy's expm1_opt makes it overflow to nan)
    assert stabilise(sp.exp(x) - sp.exp(-x)) == sp.exp(x) - sp.exp(-x)


# -- names and errors in generate() ----------------------------------------------------------


@pytest.mark.parametrize(
    "name, message",
    [
        ("my-loss", "cannot be a Python function"),
        ("lambda", "is a Python keyword"),
        ("_private", "starts with '_'"),
        ("abs", "is a Python builtin"),
        ("np", "is a module the generated code imports"),
        ("ｈｕｂｅｒ", "not in Unicode normal form NFKC"),
    ],
)
def test_loss_names_must_be_identifiers(name, message):
    with pytest.raises(LossError, match=message):
        generate([Loss(name, x**2)])


def test_parameter_names_must_be_usable_as_arguments():
    out = Param("out", default=1)
    with pytest.raises(LossError, match="parameter 'out' is an argument of the generated"):
        generate([Loss("scaled", out.symbol * x**2, params=(out,))])


def test_unsupported_expression_names_the_node():
    with pytest.raises(UnsupportedExpression, match="cannot emit erf for numpy"):
        generate([Loss("gauss", sp.erf(x) * x)])


def test_generate_errors():
    with pytest.raises(LossError, match="unknown loss 'nosuch'"):
        generate(["nosuch"])
    with pytest.raises(LossError, match="the loss smooth_l1 is given twice"):
        generate(["smooth_l1", "smoothl1"])
    with pytest.raises(LossError, match=r"smooth_l1: unknown parameter\(s\) gamma"):
        generate(["smooth_l1"], params={"smooth_l1": {"gamma": 1}})
    with pytest.raises(LossError, match="huber is not one of the losses being generated"):
        generate(["smooth_l1"], params={"huber": {"delta": 1}})
    with pytest.raises(LossError, match="pass the loss itself"):
        generate([EXTRA["welsch"].derivative(1)])


# -- the command ----------------------------------------------------------------------------


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_writes_then_check_passes(tmp_path, capsys):
    path = tmp_path / "losses.py"
    code, out, _ = _run(capsys, "codegen", "smooth_l1", "huber", "--target", "numpy", "-o",
                        str(path))
    assert code == 0 and out == f"wrote {path}\n"
    text = path.read_text()
    # Outside a project, the header names the file by its name alone (not the path typed).
    assert "lossmath codegen smooth_l1 huber --target numpy -o losses.py\n" in text
    code, out, _ = _run(capsys, "codegen", "smooth_l1", "huber", "-o", str(path), "--check")
    assert code == 0 and out == f"{path} is current\n"
    code, out, _ = _run(capsys, "codegen", "smooth_l1", "huber", "-o", str(path))
    assert code == 0 and out == f"{path} is current\n"
    assert load(path).smooth_l1(2.0) == 1.5


def test_cli_check_finds_a_stale_file_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "losses.py"
    _run(capsys, "codegen", "smooth_l1", "-o", str(path))
    path.write_text(path.read_text().replace("beta=1.0", "beta=2.0"))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    code, out, err = _run(capsys, "codegen", "smooth_l1", "-o", str(path), "--check")
    assert code == 1 and out == ""
    assert "is stale; regenerate with: lossmath codegen smooth_l1 --target numpy -o" in err
    code, out, _ = _run(capsys, "codegen", "smooth_l1", "-o", str(path), "--check", "--diff")
    assert code == 1
    assert "-def smooth_l1(x, *, beta=2.0, out=None):" in out
    assert "+def smooth_l1(x, *, beta=1.0, out=None):" in out
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    code, _, _ = _run(capsys, "codegen", "smooth_l1", "-o", str(tmp_path / "new.py"), "--check")
    assert code == 1 and not (tmp_path / "new.py").exists()


def test_cli_generates_a_spec_once_its_unknowns_are_solved(tmp_path, capsys):
    spec = str(ROOT / "lossmath" / "examples" / "wing.toml")
    path = tmp_path / "wing.py"
    code, _, err = _run(capsys, "codegen", spec, "-o", str(path))
    assert code == 2 and "unknowns left unsolved: C" in err and not path.exists()
    code, _, _ = _run(capsys, "codegen", spec, "--solve", "-o", str(path))
    # The spec inside the repository is named relative to its root, however it was typed.
    assert code == 0 and "codegen lossmath/examples/wing.toml --target numpy --solve -o wing.py\n" \
        in path.read_text()
    wing = load(path)
    c = 10.0 - 10.0 * math.log1p(10.0 / 2.0)  # C = w - w*log(1 + w/epsilon) joins the pieces
    assert wing.wing(25.0) == pytest.approx(25.0 - c, rel=1e-15)
    assert wing.wing(10.0) == pytest.approx(10.0 * math.log1p(5.0), rel=1e-15)
    assert wing.wing_grad(np.array([-25.0, 0.0, 1.0])).tolist() == [-1.0, 0.0, 10.0 / 3.0]
    assert wing.wing_hess(0.0) == pytest.approx(-10.0 / 4.0, rel=1e-15)


def test_cli_prints_the_module_without_output_file(capsys):
    code, out, _ = _run(capsys, "codegen", "l1")
    assert code == 0 and out == generate(["l1"], command="lossmath codegen l1 --target numpy")


@pytest.mark.parametrize(
    "args, message",
    [
        (["nosuch"], "unknown loss 'nosuch'"),
        (["smooth_l1", "--param", "beta=0"], "smooth_l1: parameter beta must be positive, got 0"),
        (["smooth_l1", "--param", "smooth_l1.beta=0"], "must be positive"),
        (["smooth_l1", "--param", "beta=abc"], "malformed number 'abc'"),
        (["smooth_l1", "--param", "nosuch.beta=1"], "'nosuch' is not one of the losses"),
        (["smooth_l1", "--param", "smooth_l1.gamma=1"], "smooth_l1: unknown parameter(s) gamma"),
        (["smooth_l1", "--param", "gamma=1"], "no loss being generated has a parameter 'gamma'"),
        (["smooth_l1", "--param", "beta"], "malformed --param 'beta'"),
        (["smooth_l1", "--param", "beta=1", "--param", "smooth_l1.beta=2"], "given twice"),
        (["smooth_l1", "--param", "beta=1e-400"], "is not a finite positive number in float64"),
        (["smooth_l1", "smoothl1"], "given twice"),
        (["smooth_l1", "--diff", "--check"], None),
    ],
)
def test_cli_input_errors_exit_2_and_leave_the_file_untouched(tmp_path, capsys, args, message):
    path = tmp_path / "losses.py"
    path.write_text("keep me\n")
    if message is None:  # --diff with --check but the file is another one: stale, exit 1
        code, _, _ = _run(capsys, "codegen", *args, "-o", str(path))
        assert code == 1 and path.read_text() == "keep me\n"
        return
    code, out, err = _run(capsys, "codegen", *args, "-o", str(path))
    assert code == 2 and out == ""
    assert err.startswith("lossmath: error: ") and message in err and err.count("\n") == 1
    assert path.read_text() == "keep me\n"


def test_cli_unwritable_path_exits_2_and_touches_nothing(tmp_path, capsys):
    # root ignores permission bits, so block the write with a regular file as the parent
    blocker = tmp_path / "file"
    blocker.write_text("not a directory\n")
    code, _, err = _run(capsys, "codegen", "smooth_l1", "-o", str(blocker / "losses.py"))
    assert code == 2 and f"cannot write {blocker / 'losses.py'}" in err
    assert blocker.read_text() == "not a directory\n"
    code, _, err = _run(capsys, "codegen", "smooth_l1", "-o", str(tmp_path))
    assert code == 2 and "is a directory" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_cli_usage_errors(capsys, tmp_path):
    code, _, err = _run(capsys, "codegen", "smooth_l1", "--diff", "-o", str(tmp_path / "a.py"))
    assert code == 2 and "--diff needs --check" in err
    code, _, err = _run(capsys, "codegen", "smooth_l1", "--check")
    assert code == 2 and "--check needs -o FILE" in err
    with pytest.raises(SystemExit) as exc:
        main(["codegen", "smooth_l1", "--target", "cuda"])  # not a target
    assert exc.value.code == 2
