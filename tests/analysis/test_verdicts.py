"""lossmath's verdicts on the corpus of ``tests/support/verdict_corpus.py``.

Rule: every definite answer lossmath gives must equal the hand-derived truth. An undecided
answer (None, ``Undecided``/``OutOfTime``) or an honest refusal (``LossError``) is acceptable
and counted; a wrong answer, a crash or a run past the time limit fails.

Run with ``-s`` to see the summary table (right / bound / undecided / refused / conditional /
wrong per field). "bound" is a class reported as a lower bound (``exact`` False) that the
truth satisfies without equalling it.
"""

from __future__ import annotations

import functools
import inspect
import math
import signal
import time
from collections import Counter
from dataclasses import dataclass

import pytest
import sympy as sp

import lossmath
import lossmath.analysis as analysis
from lossmath.spec.toml import loss_from_toml
from tests.support.verdict_corpus import CASES, DEPENDS, NOJUMP, Case, class_order

LIMIT = 10.0  # seconds per case: build + analyse (the command line's default budget)
#: The backstop for a case that lossmath's own budget fails to interrupt (a hang, not a slow
#: machine: a busy machine only turns answers undecided, which is acceptable): far beyond
#: LIMIT, so that no verdict depends on how fast the machine is.
BACKSTOP = 6 * LIMIT
REL = 1e-9  # relative tolerance on numbers (1e-6 for a Float answer: a numeric certificate)
UNDECIDED = tuple(
    e for e in (getattr(analysis, "Undecided", None), getattr(analysis, "OutOfTime", None))
    if isinstance(e, type)
)
FIELDS = ("run", "reject", "breakpoints", "jumps", "overall", "convex", "symmetric", "sup_grad")
BAD = ("wrong", "error", "timeout")


class _Alarm(BaseException):
    """Raised by SIGALRM; a BaseException so sympy's ``except Exception`` cannot eat it."""


@dataclass(frozen=True)
class Verdict:
    case: str
    field: str
    verdict: str  # right, bound, undecided, refused, conditional, wrong, error, timeout
    detail: str = ""


def _alarm(signum, frame):
    raise _Alarm


def _analyse(loss):
    params = inspect.signature(lossmath.analyse).parameters
    if "timeout" in params:
        return lossmath.analyse(loss, timeout=LIMIT)
    return lossmath.analyse(loss)


def run(case: Case):
    """('ok', report, loss, seconds) or (status, message, loss, seconds)."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, BACKSTOP)
    start, loss = time.perf_counter(), None
    try:
        loss = lossmath.loss_from_expr(case.expr) if case.expr else loss_from_toml(case.spec)
        if case.subs_defaults:
            loss = loss.with_defaults()
        report = _analyse(loss)
        return "ok", report, loss, time.perf_counter() - start
    except _Alarm:
        return "timeout", f"past {BACKSTOP:.0f} s", loss, time.perf_counter() - start
    except UNDECIDED as exc:
        return "undecided", str(exc), loss, time.perf_counter() - start
    except lossmath.LossError as exc:
        return "refused", str(exc), loss, time.perf_counter() - start
    except Exception as exc:  # a crash is reported, not raised: the table lists it
        return "error", f"{type(exc).__name__}: {exc}", loss, time.perf_counter() - start
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _symbols(loss) -> dict[str, sp.Symbol]:
    return dict(getattr(loss, "symbols", {}) or {})


def truth_expr(text, loss) -> sp.Expr:
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return sp.Rational(str(text)) if isinstance(text, float) else sp.Integer(text)
    return sp.sympify(str(text), locals=_symbols(loss), rational=True)


def _samples(case: Case, loss, expr: set) -> list[dict]:
    """Parameter values at which two expressions are compared: the defaults and two more."""
    syms = {s.name: s for s in expr}
    if not syms:
        return [{}]
    out = []
    for scale in ("1", "17/10", "3/5"):
        point = {}
        for name, s in syms.items():
            base = sp.Rational(case.defaults.get(name, "1"))
            v = base * sp.Rational(scale)
            if s.is_positive and not v.is_positive:
                v = sp.Rational(scale)
            point[s] = v
        out.append(point)
    return out


def same_value(case: Case, loss, got, want) -> bool:
    """Whether two finite expressions are equal: exactly, or numerically (relative 1e-9) at
    the defaults and two other parameter points; False when ``got`` does not evaluate."""
    try:
        got, want = sp.sympify(got), sp.sympify(want)
        if got.has(sp.nan, sp.oo, -sp.oo, sp.zoo):
            return False
        rel = 1e-6 if got.atoms(sp.Float) else REL
        if sp.expand(got - want) == 0:
            return True
        for point in _samples(case, loss, got.free_symbols | want.free_symbols):
            g = complex(sp.N(got.xreplace(point), 40))
            w = complex(sp.N(want.xreplace(point), 40))
            if abs(g.imag) > 1e-30 or abs(g - w) > rel * max(abs(w), 1e-300):
                return False
        return True
    except (TypeError, ValueError):  # an answer that does not evaluate to a number
        return False


def is_infinite(e) -> bool:
    return e is not None and sp.sympify(e).has(sp.oo, -sp.oo, sp.zoo)


def is_nan(e) -> bool:
    return e is not None and sp.sympify(e).has(sp.nan)


def judge_jump(case, loss, bp, got) -> tuple[str, str]:
    want = bp.jump
    if want is None:
        ok = is_nan(got) or (bp.unbounded and is_infinite(got))
    elif want == math.inf:
        ok = is_infinite(got) and not is_nan(got)
    elif is_nan(got) or is_infinite(got):
        ok = False
    else:
        ok = same_value(case, loss, got, truth_expr(want, loss))
    return ("right" if ok else "wrong"), f"jump at {bp.at}: lossmath {got}, truth {want}"


def judge_order(order, exact, truth: float, what: str) -> tuple[str, str]:
    detail = f"{what}: lossmath {order}{'' if exact else ' (lower bound)'}, truth {truth}"
    if order is None:
        return "undecided", detail
    if exact:
        return ("right" if order == truth else "wrong"), detail
    if truth >= order:
        return ("right" if order == truth else "bound"), detail
    return "wrong", detail


def _at_matches(case, loss, got, want) -> bool:
    return bool(same_value(case, loss, got, want))


def judge_breakpoints(case: Case, loss, report) -> list[tuple[str, str, str]]:
    out = []
    listed = list(report.breakpoints)
    used = set()
    for bp in case.breakpoints or ():
        want_at = truth_expr(bp.at, loss)
        found = [i for i, r in enumerate(listed) if _at_matches(case, loss, r.at, want_at)]
        truth = class_order(bp.cls)
        if not found:
            if truth != math.inf:
                out.append(("breakpoints", "wrong", f"missing breakpoint {bp.at} ({bp.cls})"))
            continue
        used.update(found)
        r = listed[found[0]]
        order, exact = getattr(r, "order", None), getattr(r, "exact", True)
        v, d = judge_order(order, exact, truth, f"class at {bp.at}")
        out.append(("breakpoints", v, d))
        jumps = tuple(getattr(r, "jumps", ()) or ())
        if v == "right" and exact and bp.jump is not NOJUMP and jumps:
            n = int(truth) + 1 if truth >= 0 else 0
            if len(jumps) == n + 1:  # the tuple ends with the first order that jumps
                out.append(("jumps", *judge_jump(case, loss, bp, jumps[-1])))
    if case.complete and case.breakpoints is not None:
        for i, r in enumerate(listed):
            if i not in used and getattr(r, "order", None) != math.inf:
                out.append(("breakpoints", "wrong",
                            f"breakpoint {r.at} reported {r.order}; truth: analytic there"))
    return out


def judge_bool(field: str, got, want) -> tuple[str, str, str]:
    detail = f"{field}: lossmath {got}, truth {want}"
    if got is None:
        return field, "undecided", detail
    if want == DEPENDS:
        return field, ("wrong" if isinstance(got, bool) else "conditional"), detail
    if not isinstance(got, bool):
        return field, "wrong", detail + " (not a bool)"
    return field, ("right" if got == want else "wrong"), detail


def judge_sup(case: Case, loss, got) -> tuple[str, str, str]:
    want = case.sup_grad
    detail = f"sup|f'|: lossmath {got}, truth {want}"
    if got is None:
        return "sup_grad", "undecided", detail
    got = sp.sympify(got)
    if want == DEPENDS:
        definite = got.is_number or is_infinite(got) and not got.free_symbols
        return "sup_grad", ("wrong" if definite else "conditional"), detail
    if want == math.inf:
        return "sup_grad", ("right" if got == sp.oo else "wrong"), detail
    ok = same_value(case, loss, got, truth_expr(want, loss))
    return "sup_grad", ("right" if ok else "wrong"), detail


@functools.cache
def outcome(case_id: str) -> tuple[tuple[Verdict, ...], float]:
    case = next(c for c in CASES if c.id == case_id)
    status, payload, loss, seconds = run(case)
    v: list[tuple[str, str, str]] = []
    if case.reject:
        if status == "ok":
            v.append(("reject", "wrong", "accepted a definition undefined at "
                      + ", ".join(case.reject_at)))
        elif status == "refused":
            v.append(("reject", "right", payload))
        else:
            v.append(("reject", status, payload))
    elif status != "ok":  # a valid definition refused, undecided, crashed or out of time
        v.append(("run", status, payload))
    else:
        report = payload
        v.append(("reject", "right", "accepted"))
        if case.breakpoints is not None:
            v += judge_breakpoints(case, loss, report)
        truth = case.overall_class
        if truth is not None:
            v.append(("overall", *judge_order(getattr(report, "order", None),
                                              getattr(report, "exact", True),
                                              class_order(truth), "overall class")))
        if case.convex is not None:
            v.append(judge_bool("convex", getattr(report, "convex", None), case.convex))
        if case.symmetric is not None:
            v.append(judge_bool("symmetric", getattr(report, "symmetric", None),
                                case.symmetric))
        if case.sup_grad is not None:
            v.append(judge_sup(case, loss, getattr(report, "gradient_bound", None)))
    return tuple(Verdict(case.id, f, k, d) for f, k, d in v), seconds


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_no_wrong_verdict(case: Case) -> None:
    verdicts, _ = outcome(case.id)
    bad = [f"{v.field}: {v.verdict}: {v.detail}" for v in verdicts if v.verdict in BAD]
    assert not bad, f"{case.id} ({case.expr or case.spec['name']}):\n  " + "\n  ".join(bad)


def test_summary_table() -> None:
    """Print the table of verdicts per field; fail listing every wrong answer."""
    counts: dict[str, Counter] = {f: Counter() for f in FIELDS}
    times, wrong = [], []
    for case in CASES:
        verdicts, seconds = outcome(case.id)
        times.append((seconds, case.id))
        for v in verdicts:
            counts[v.field][v.verdict] += 1
            if v.verdict in BAD:
                wrong.append(f"{v.case}: {v.field}: {v.verdict}: {v.detail}")
    kinds = ("right", "bound", "undecided", "refused", "conditional", "wrong", "error",
             "timeout")
    lines = [f"{'field':<12}" + "".join(f"{k:>12}" for k in kinds)]
    for f in FIELDS:
        lines.append(f"{f:<12}" + "".join(f"{counts[f][k]:>12}" for k in kinds))
    times.sort()
    lines.append(f"{len(CASES)} cases; median {times[len(times) // 2][0]:.2f} s; slowest: "
                 + ", ".join(f"{i} {t:.1f} s" for t, i in times[-5:][::-1]))
    print("\n" + "\n".join(lines))
    assert not wrong, f"{len(wrong)} wrong verdicts:\n" + "\n".join(wrong)
