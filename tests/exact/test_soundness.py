"""Sound verdicts: every answer is proved, disproved or honestly undecided, within a budget.

The truths here are derived by hand (each test says how); the corpus in
``tests/support/verdict_corpus.py`` holds many more. These tests pin the mechanisms: exact classes
at any polynomial order, flatness, removable singularities, hidden kinks, domains decided
from singularities, certified extremes, parameter-dependent limits, and the CLI's exit
codes and time budget on hostile-but-valid input.
"""

from __future__ import annotations

import math
import sys
import time

import mpmath
import pytest
import sympy as sp

from lossmath import LossError, Undecided, analyse, loss_from_expr, x
from lossmath.base import budget
from lossmath.base.errors import OutOfTime
from lossmath.cli import main as cli
from lossmath.exact.certify import sign_on, sup_abs
from lossmath.exact.roots import real_roots
from lossmath.spec.toml import loss_from_toml


def classes(text: str) -> list[tuple[sp.Expr, str, bool]]:
    return [(b.at, b.cls, b.exact) for b in analyse(loss_from_expr(text)).breakpoints]


# -- classes --------------------------------------------------------------------------------


def test_polynomial_join_is_exact_at_any_order():
    # x**10 and 0 agree to order 9 at 0; the 10th derivative jumps by 10! (by hand)
    f = loss_from_expr("x**10 if x > 0 else 0")
    (bp,) = analyse(f).breakpoints
    assert (bp.cls, bp.exact) == ("C9", True)
    assert bp.jumps[-1] == math.factorial(10)


def test_flat_function_is_cinf_with_proof():
    # exp(-1/x) -> 0 with all derivatives as x -> 0+ (P_k(1/x) exp(-1/x)); the other side is 0
    assert classes("exp(-1/x) if x > 0 else 0") == [(0, "Cinf", True)]


@pytest.mark.slow  # about 70 s of CPU: the flatness proof at both ends
def test_bump_function_is_cinf_at_both_ends():
    assert classes("exp(-1/(1 - x**2)) if abs(x) < 1 else 0") == [
        (-1, "Cinf", True),
        (1, "Cinf", True),
    ]


@pytest.mark.slow  # about 25 s of CPU in sympy's series
def test_removable_singularity_is_analytic():
    # sin(x)/x extends to an entire function with value 1 at 0
    assert classes("sin(x)/x if x != 0 else 1") == [(0, "Cinf", True)]
    # ...but with the wrong value at 0 it is a removable discontinuity
    assert classes("sin(x)/x if x != 0 else 2") == [(0, "discontinuous", True)]


def test_hidden_kink_under_a_square_root():
    # sqrt(x**2 + x**6) = |x| sqrt(1 + x**4): slopes -1 and 1 at 0
    f = loss_from_expr("sqrt(x**2 + x**6)")
    (bp,) = analyse(f).breakpoints
    assert (bp.at, bp.cls, bp.exact, bp.jumps) == (0, "C0", True, (0, 2))


def test_fractional_power_kink_has_an_unbounded_slope():
    # (x**2)**(1/3) = |x|**(2/3): f' ~ (2/3)|x|**(-1/3) -> oo
    f = loss_from_expr("(x**2)**(1/3)")
    (bp,) = analyse(f).breakpoints
    assert (bp.cls, bp.exact, bp.jumps[-1]) == ("C0", True, sp.oo)


def test_oscillating_derivative_is_not_c1():
    # x**2 sin(1/x) is differentiable at 0 but f' = 2x sin(1/x) - cos(1/x) has no limit
    (bp,) = analyse(loss_from_expr("x**2*sin(1/x) if x != 0 else 0")).breakpoints
    assert (bp.cls, bp.exact) == ("C0", True)
    assert bp.jumps[-1] is sp.nan


def test_x_sin_inverse_x_is_never_claimed_c1():
    # continuous at 0 (|x sin(1/x)| <= |x|), not differentiable: C0; never C1 or more
    report = analyse(loss_from_expr("x*sin(1/x) if x != 0 else 0"))
    assert report.order == 0  # exactly C0, or "at least C0": never more


def test_nested_abs_kinks_sympy_solveset_misses():
    # sympy 1.14 returns EmptySet for |||x| - 1| - 1| - 1 = 0; its roots are ±1, ±3 (by hand)
    u = sp.Abs(sp.Abs(sp.Abs(x) - 1) - 1) - 1
    assert sp.solveset(u, x, sp.S.Reals) is sp.S.EmptySet  # the bug; revisit if fixed
    assert sorted(real_roots(u)) == [-3, -1, 1, 3]
    f = loss_from_expr("abs(abs(abs(abs(abs(abs(x)-1)-1)-1)-1)-1)")
    assert [b.at for b in analyse(f).breakpoints] == list(range(-5, 6))
    assert analyse(f).cls == "C0"


def test_tiny_parameter_keeps_breakpoints_apart():
    f = loss_from_toml(
        {
            "name": "sl1",
            "params": {"beta": {"default": 1}},
            "pieces": [
                {"expr": "0.5*x**2/beta", "when": "abs(x) < beta"},
                {"expr": "abs(x) - 0.5*beta", "when": "otherwise"},
            ],
        }
    ).subs(beta="1e-30")
    assert [(b.cls, b.exact) for b in analyse(f).breakpoints] == [("C1", True)] * 2


# -- global properties on the function ------------------------------------------------------


def test_symmetry_is_decided_on_the_function_not_the_table():
    # an even function written with a split at 1 only
    assert analyse(loss_from_expr("x**2 if x < 1 else x**2")).symmetric is True
    assert analyse(loss_from_expr("x**2 if x < 1 else x**2 + (x - 1)**3")).symmetric is False


def test_andrews_wave_gradient_bound_from_critical_points():
    # f' = sin(x) on (-pi, pi), 0 outside: sup |f'| = 1 at ±pi/2 (the ends give 0)
    report = analyse(loss_from_expr("1 - cos(x) if abs(x) <= pi else 2"))
    assert report.gradient_bound == 1


def test_parameter_dependent_limit_is_undecided_not_one_answer():
    # Barron's general loss: |f'| is bounded iff alpha <= 1 (Barron 2019, eq. 10's psi)
    barron = loss_from_toml(
        {
            "name": "barron",
            "params": {"alpha": {"default": 1, "assume": "real"}, "c": {"default": 1}},
            "pieces": [
                {"expr": "abs(alpha - 2)/alpha*(((x/c)**2/abs(alpha - 2) + 1)**(alpha/2) - 1)"}
            ],
        }
    )
    report = analyse(barron, timeout=60)
    assert report.gradient_bound is None
    # the parameter-dependent verdicts are conditions, never one answer
    alpha = barron.symbols["alpha"]
    assert report.convex == (alpha >= 1)  # f'' = (z/b + 1)**(alpha/2 - 2)(1 + (alpha - 1) z/b)
    assert report.conditions["gradient_bound"] == (alpha <= 1)  # psi ~ |x|**(alpha - 1)


# -- domains --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("tan(x)", "infinitely many"),
        ("1/sin(x)", "infinitely many"),
        ("log(x**2)", "x = 0"),
        ("log(x - 0.001) if x > 0 else 0", "x = 1/2000"),  # the strip (0, 0.001]
        pytest.param("sqrt(x**3 - x + 0.3849) if x > 0 else 0", "undefined",  # dips below 0
                     marks=pytest.mark.slow),  # near 0.577; about 20 s of CPU
        ("exp(1/x)", "x = 0"),
    ],
)
def test_undefined_definitions_are_refused(text, where):
    with pytest.raises(LossError, match=where):
        loss_from_expr(text)


def test_narrow_strip_found_by_interval_arithmetic():
    # x**3 - x + 0.3849 has its local minimum 0.3849 - 2/(3*sqrt(3)) = -1.8e-7 at 1/sqrt(3)
    u = x**3 - x + sp.Rational(3849, 10000)
    ok, witness = sign_on(u, sp.Rational(1, 2), sp.Rational(7, 10), strict=True)
    assert ok is False and abs(witness - 1 / mpmath.sqrt(3)) < 0.01


def test_unlisted_roots_are_undecided_never_assumed_absent():
    with pytest.raises(Undecided):
        loss_from_expr("x if sin(x**7 + x) < 0 else 0")


# -- certified numerics ---------------------------------------------------------------------


def test_certified_sup_encloses_the_truth():
    # sup |x exp(-x**2)| on [-3, 3] is 1/sqrt(2e) at x = 1/sqrt(2) (by hand)
    b = sup_abs(x * sp.exp(-(x**2)), -3, 3)
    truth = 1 / mpmath.sqrt(2 * mpmath.e)
    assert b is not None and b.lower <= truth <= b.upper and b.upper - b.lower < 1e-8


# -- the budget -----------------------------------------------------------------------------


def test_attempt_returns_the_default_when_its_work_share_runs_out():
    def spin():
        while True:
            sp.Integer(3) + 1  # each addition starts Python functions: counted work

    assert budget.attempt(spin, 100_000, "gave up") == "gave up"
    assert sys.getprofile() is None  # the counting hook is gone afterwards


def test_work_share_decides_by_count_not_by_clock():
    # the same step under a share it needs and one it does not: the outcome is a function of
    # the count alone (slowing the machine down changes no count), measured here on one run
    calls = []

    def step():
        calls.append(1)
        return sp.factor(x**6 - 1)

    full = budget.attempt(step, 10**8, None)
    assert full == sp.factor(x**6 - 1)
    assert budget.attempt(step, 10, None) is None


def test_outer_deadline_propagates_through_an_attempt():
    def spin():
        while True:
            pass

    with pytest.raises(OutOfTime), budget.deadline(0.2):
        budget.attempt(spin, 10**12, "inner")


BARRON_LIKE = {
    "name": "barron_like",
    "params": {"alpha": {"default": 1, "assume": "real"}},
    "pieces": [{"expr": "(abs(alpha - 2)/alpha)*((x**2/abs(alpha - 2) + 1)**(alpha/2) - 1)"}],
}


def test_deadline_stops_an_analysis_in_a_worker_thread():
    # a web server's or notebook executor's worker: no signal reaches it, the watchdog does
    import threading

    # Barron's family with alpha real: several seconds of conditions on alpha when idle
    loss = loss_from_toml(BARRON_LIKE)
    out: dict = {}

    def work():
        start = time.monotonic()
        try:
            out["report"] = analyse(loss, timeout=0.5)
        except OutOfTime as exc:
            out["error"] = exc
        out["elapsed"] = time.monotonic() - start

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "analyse(timeout=0.5) still running after 60 s"
    assert out["elapsed"] < 0.5 + 5  # on time (the slack: a loaded 2-core machine)
    assert "error" in out or not out["report"].complete  # it says so: never a full answer
    if "report" in out:
        late = [n for n in out["report"].notes if n.kind == "out_of_time"]
        assert late and all(n.text.endswith("out of time") for n in late)


# -- the command line on hostile-but-valid input ---------------------------------------------

POWER_P = """
name = "powp"
[params]
p = { default = 1.5, assume = "positive" }
[[pieces]]
expr = "abs(x)**p"
"""

TWO_P = """
name = "twop"
[params]
p = { default = 2, assume = "positive" }
[[pieces]]
expr = "2**p*x**2"
"""


HOSTILE = [
    (["check", "--expr", "exp(exp(exp(x)))"], {0, 3}),
    (["check", "--expr", "(x+1)**1000"], {0, 3}),
    (["check", "--expr", "abs(abs(abs(abs(abs(abs(x)-1)-1)-1)-1)-1)"], {0}),
    (["check", "--expr", "exp(1/x)"], {2}),
    (["check", "smooth_l1", "--param", "beta=1e100000000"], {2}),
    (["check", "smooth_l1", "--param", "beta=1e100_000_000"], {2}),  # Fraction reads _
    (["check", "smooth_l1", "--param", "beta=1e-30", "--require", "C1"], {0}),
    (["check", "--expr", "x*sin(1/x) if x != 0 else 0", "--require", "C1"], {1, 3}),
    (["check", "--expr", "sqrt(x**2 + x**6)", "--require", "C1"], {1}),
    (["check", "--expr", "x**10 if x > 0 else 0", "--require", "C9"], {0}),
    (["check", "--expr", "x**10 if x > 0 else 0", "--require", "C10"], {1}),
    (["check", "--expr", "exp(-1/x) if x > 0 else 0", "--require", "Cinf"], {0, 3}),
    (["check", "--expr", "x if sin(x**7 + x) < 0 else 0"], {2, 3}),
    (["check", "--expr", "tan(x)"], {2}),
    (["check", "POWER_P"], {0, 3}),
    (["check", "POWER_P", "--param", "p=3", "--require", "C2"], {0}),
    (["check", "TWO_P", "--param", "p=1e10"], {2}),
]


@pytest.mark.parametrize(("argv", "allowed"), HOSTILE)
def test_hostile_but_valid_input_gets_a_sound_answer(tmp_path, capsys, argv,
                                                    allowed):
    """The answer, under the command line's budget where undecided (3) is an allowed answer,
    and under a generous one where the input must be decided:
    what is decided must not depend on how busy the machine is."""
    argv = _with_specs(tmp_path, argv)
    code = cli.main([*argv, "--timeout", "4" if 3 in allowed else "300"])
    err = capsys.readouterr().err
    assert code in allowed, err
    assert "Traceback" not in err and err.count("\n") <= 1


@pytest.mark.parametrize(("argv", "allowed"), HOSTILE)
def test_hostile_but_valid_input_ends_within_a_tiny_budget(tmp_path, capsys, argv, allowed):
    """A budget is tested by its outcome, not by a clock: with 0.05 s the command still ends
    (this test returns), with its answer or undecided (3), one line, no traceback."""
    code = cli.main([*_with_specs(tmp_path, argv), "--timeout", "0.05"])
    err = capsys.readouterr().err
    assert code in allowed | {3}, err
    assert "Traceback" not in err and err.count("\n") <= 1


def _with_specs(tmp_path, argv: list[str]) -> list[str]:
    specs = {"POWER_P": POWER_P, "TWO_P": TWO_P}
    out = list(argv)
    for i, a in enumerate(out):
        if a in specs:
            path = tmp_path / f"{a.lower()}.toml"
            path.write_text(specs[a])
            out[i] = str(path)
    return out


def test_deadline_survives_a_gc_callback():
    # An alarm inside a gc callback (hypothesis installs one) would be printed and dropped
    # by Python; the budget retries just after the callback returns instead.
    import gc

    def slow_callback(phase, info):
        end = time.monotonic() + 0.05
        while time.monotonic() < end:
            pass

    gc.callbacks.append(slow_callback)
    try:
        with pytest.raises(OutOfTime), budget.deadline(0.3):
            while True:
                [object() for _ in range(1000)]
    finally:
        gc.callbacks.remove(slow_callback)
