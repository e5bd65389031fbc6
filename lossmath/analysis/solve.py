"""Solving for the constants that make the pieces of a loss join.

Smooth L1's ``-1/2`` is the constant that makes ``|x| - C`` meet ``x**2/2`` at ``|x| = 1``;
Wing's ``C = w - w*ln(1 + w/epsilon)`` makes it continuous (and nothing makes it C1: its slope
jumps at ``±w`` for every C); Balanced L1's ``alpha*ln(b + 1) = gamma`` makes it C1.

The conditions come from the interval table (the same one-sided values the smoothness
analysis uses, never ``limit`` on a Piecewise), order by order: all jumps of ``f`` must vanish,
then of ``f'``, and so on up to the required order. Each order's equations are solved with
``sympy.solve`` for the unknowns not fixed yet, and the solution is substituted before the next
order. A constraint with no closed form falls back to ``nsolve`` at the parameters' default
values, and the root is kept only if it is real.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sympy as sp

from lossmath.analysis import analyse, class_name
from lossmath.core.loss import Loss, LossError
from lossmath.exact.zeros import is_zero, one_sided

__all__ = ["Solution", "solve_unknowns"]


@dataclass(frozen=True)
class Solution:
    """The outcome of :func:`solve_unknowns`.

    ``values`` maps each solved unknown to an expression in the parameters (or a number);
    ``loss`` is the loss with them substituted (``None`` when nothing could be solved);
    ``reached`` is True when ``loss`` is at least as smooth as required; ``reason`` says why
    not; ``method`` is ``"closed form"`` or ``"numeric"``.
    """

    values: dict[str, sp.Expr]
    loss: Loss | None
    required: float
    reached: bool
    reason: str = ""
    method: str = "closed form"
    notes: tuple[str, ...] = field(default=())

    @property
    def cls(self) -> str:
        return analyse(self.loss).cls if self.loss is not None else "unknown"


def _jump_equations(loss: Loss, k: int) -> list[tuple[sp.Expr, sp.Expr]]:
    """(breakpoint, f^(k)(b+) - f^(k)(b-)) for every breakpoint; at k = 0 also the value."""
    table = loss.table.diff(k) if k else loss.table
    eqs = []
    for i, bp in enumerate(table.breakpoints):
        left, right = table.neighbours(i)
        lv, rv = one_sided(left.expr, bp.at, "-"), one_sided(right.expr, bp.at, "+")
        eqs.append((bp.at, rv - lv))
        if k == 0:
            eqs.append((bp.at, bp.value - lv))  # the owning piece's value at the point
    return eqs


def solve_unknowns(loss: Loss, require: float = 0) -> Solution:
    """Values of ``loss.unknowns`` that make it at least C^require at every breakpoint."""
    if not loss.unknowns:
        raise LossError(f"{loss.name} has no unknowns to solve for (add unknowns = [...])")
    if require == math.inf:
        raise LossError("cannot solve for Cinf; require a finite class such as C1 or C2")
    symbols = {p.name: p.symbol for p in loss.params}
    pending = [symbols[u] for u in loss.unknowns]
    values: dict[sp.Symbol, sp.Expr] = {}
    method = "closed form"
    notes: list[str] = []
    current = loss
    reason = ""
    for k in range(int(require) + 1):
        eqs = []
        for at, eq in _jump_equations(current, k):
            eq = sp.factor_terms(
                sp.expand_log(sp.cancel(eq) if eq.is_rational_function() else eq, force=True)
            )
            if not eq.free_symbols & set(pending):
                test = is_zero(eq, current.table.samples)
                if test.value is not True:
                    reason = (
                        f"f{_primes(k)} jumps by {sp.sstr(sp.simplify(eq))} at x = {at} for "
                        f"every value of {', '.join(s.name for s in values) or 'the unknowns'}"
                    )
                    break
                continue
            eqs.append(eq)
        if reason:
            break
        if not eqs:
            continue
        targets = [s for s in pending if any(s in e.free_symbols for e in eqs)]
        sol, how = _solve(eqs, targets, loss)
        if sol is None:
            reason = (
                f"no real value of {', '.join(s.name for s in targets)} makes "
                f"f{_primes(k)} continuous at every breakpoint"
            )
            break
        if how == "numeric":
            method = "numeric"
            notes.append(f"solved numerically at the default parameter values: {sol}")
        values = {s: sp.simplify(v.xreplace(sol)) for s, v in values.items()}
        values.update(sol)
        pending = [s for s in pending if s not in sol]
        current = loss.solved({s.name: v for s, v in values.items()})
        if how == "numeric":  # numbers only make sense with the defaults substituted
            current = current.with_defaults()
    solved_loss = loss.solved({s.name: v for s, v in values.items()}) if values else None
    if solved_loss is not None and method == "numeric":
        solved_loss = solved_loss.with_defaults()
    if pending and solved_loss is not None and not reason:
        reason = f"{', '.join(s.name for s in pending)} left free (any value works)"
    reached = not reason and solved_loss is not None and analyse(solved_loss).order >= require
    if not reached and not reason and solved_loss is not None:
        reason = f"the solved loss is {analyse(solved_loss).cls}, short of {class_name(require)}"
    return Solution(
        {s.name: v for s, v in values.items()},
        solved_loss,
        require,
        reached,
        reason,
        method,
        tuple(notes),
    )


def _primes(k: int) -> str:
    return "'" * k if k < 4 else f"^({k})"


def _solve(eqs: list[sp.Expr], targets: list[sp.Symbol], loss: Loss):
    """Closed form with sympy.solve, else nsolve at the defaults (real roots only)."""
    eqs = list(dict.fromkeys(eqs))  # symmetric breakpoints give the same equation twice
    try:
        sols = sp.solve(eqs, targets, dict=True)
    except NotImplementedError:
        sols = None
    if sols:
        real = [s for s in sols if all(v.is_real is not False for v in s.values())]
        if real:
            return real[0], "closed form"
        return None, ""
    if sols == []:
        # sympy proved there is no solution, unless the system is transcendental
        if all(e.is_polynomial(*targets) for e in eqs):
            return None, ""
    defaults = {p.symbol: p.default for p in loss.params if p.default is not None}
    numeric = [e.xreplace(defaults) for e in eqs]
    if any(e.free_symbols - set(targets) for e in numeric):
        return None, ""
    square = numeric[: len(targets)]
    for guess in (1, 0.5, 2, 10, -1):
        try:
            root = sp.nsolve(square, targets, [guess] * len(targets), prec=30)
        except (ValueError, ZeroDivisionError, TypeError):
            continue
        vals = dict(zip(targets, list(root)))
        if all(sp.im(v) == 0 for v in vals.values()) and all(
            abs(sp.N(e.xreplace(vals))) < 1e-20 for e in numeric
        ):
            return {k: sp.re(v) for k, v in vals.items()}, "numeric"
    return None, ""


def solve_best(loss: Loss, highest: int = 3) -> Solution:
    """The smoothest class (up to C^highest) that some values of the unknowns reach.

    Tries C0, C1, ... in turn; a lower order may leave an unknown free (Balanced L1's ``b`` is
    fixed only by the C1 condition), so a failure there does not stop the search; the first
    failure after a success does.
    """
    best: Solution | None = None
    last: Solution | None = None
    for r in range(highest + 1):
        last = solve_unknowns(loss, r)
        if last.reached:
            best = last
        elif best is not None:
            break
    assert last is not None
    return best or last
