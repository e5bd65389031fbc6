"""Complete lists of the real roots of an expression in ``x``, or an honest refusal.

Breakpoints, poles, domain boundaries and critical points all come from real roots, and a
verdict built on an *incomplete* list is silently wrong: ``solve(sin(x**7 + x))`` returns
``[0]`` and nothing says that infinitely many roots are missing. So only answers that are
complete by construction are accepted: the real roots of a polynomial with numeric
coefficients (exact, ``real_roots``), and a ``FiniteSet`` from ``solveset`` over the reals
(possibly inside an ``Intersection``/``Complement``, which only removes candidates). Infinitely
many roots raise :class:`InfiniteRoots`; anything else raises
:class:`~lossmath.base.errors.Undecided`.
"""

from __future__ import annotations

import sympy as sp

from lossmath.base import budget
from lossmath.base.errors import Undecided
from lossmath.base.symbols import x

__all__ = ["InfiniteRoots", "real_roots", "real_roots_in"]

#: the work (function calls) one solveset call may take before its answer counts as "cannot list"
SOLVE_WORK = budget.STEP


class InfiniteRoots(ValueError):
    """The expression has infinitely many real roots (``cos(x)``, ``sin(1/x)``)."""


def _finite_part(sol: sp.Set) -> list[sp.Expr] | None:
    """The candidates of a set that is a FiniteSet up to removing points, else None."""
    if isinstance(sol, sp.FiniteSet):
        return list(sol)
    if sol is sp.S.EmptySet:
        return []
    if isinstance(sol, sp.Intersection):
        finite = [a for a in sol.args if isinstance(a, sp.FiniteSet)]
        return list(finite[0]) if finite else None
    if isinstance(sol, sp.Complement):
        return _finite_part(sol.args[0])
    if isinstance(sol, sp.ConditionSet) and isinstance(sol.base_set, sp.FiniteSet):
        return list(sol.base_set)  # a condition on the parameters picks among candidates
    if isinstance(sol, sp.Union):
        parts = [_finite_part(a) for a in sol.args]
        return None if any(p is None for p in parts) else [r for p in parts for r in p]
    return None


def _branches(u: sp.Expr) -> tuple[list[sp.Expr], list[sp.Expr]] | None:
    """Split ``u`` at its innermost non-smooth atom of ``x``: the expressions that agree with
    ``u`` on the regions where the atom's argument has one sign, and the points (roots of
    that argument) where it changes. None when ``u`` has no such atom.

    sympy's ``solveset`` is silently wrong on nested absolute values (it returns EmptySet
    for ``|||x| - 1| - 1| - 1 = 0``, whose roots are ±1 and ±3), so they never reach it.
    """
    u = u.rewrite(sp.Abs) if u.has(sp.Max, sp.Min) else u
    atoms = [a for a in u.atoms(sp.Abs, sp.sign, sp.Heaviside) if x in a.free_symbols]
    inner = [a for a in atoms if not (a.args[0].atoms(sp.Abs, sp.sign, sp.Heaviside) & set(atoms))]
    if not inner:
        return None
    a = min(inner, key=sp.default_sort_key)
    arg = a.args[0]
    if isinstance(a, sp.Abs):
        choices = [arg, -arg]
    elif isinstance(a, sp.sign):
        choices = [sp.S.One, -sp.S.One]
    else:
        choices = [sp.S.One, sp.S.Zero]
    return [u.xreplace({a: c}) for c in choices], [arg]


def real_roots(u: sp.Expr, domain: sp.Set = sp.S.Reals) -> list[sp.Expr]:
    """Every real root of ``u`` in ``domain`` (a superset when parameters are symbolic: the
    caller decides realness and position at parameter samples), without repetition."""
    if x not in u.free_symbols or u.is_positive or u.is_negative:
        return []  # e.g. (|x|/eps)**p + 1: decided before the branches lose the |.|
    split = _branches(u)
    if split is not None:
        # every root of u lies where the atom's argument has one sign (or vanishes), and is
        # a root of the branch that holds there; candidates from the other branch are
        # dropped when substituting them into u proves they are not roots
        branches, args = split
        cands: list[sp.Expr] = []
        for b in branches:
            cands += real_roots(b, domain)
        for arg in args:
            cands += real_roots(arg, domain)
        return [c for c in dict.fromkeys(cands) if _maybe_root(u, c)]
    u = sp.factor_terms(u)
    if x not in u.free_symbols:
        return []
    if u.is_positive or u.is_negative or u.is_nonzero:
        return []
    if u.is_Mul:  # the roots of a product are the roots of its factors
        out: list[sp.Expr] = []
        for f in u.args:
            out += real_roots(f, domain)
        return list(dict.fromkeys(out))
    if u.is_Pow and u.exp.is_positive:
        return real_roots(u.base, domain)
    if u.is_polynomial(x):
        poly = sp.Poly(u, x)
        if all(c.is_Rational for c in poly.all_coeffs()):
            roots = sorted(set(sp.real_roots(poly)), key=lambda r: sp.N(r, 30))
            return [r for r in roots if domain.contains(r) is not sp.false]
    try:
        sol = budget.attempt(lambda: sp.solveset(u, x, domain), SOLVE_WORK, None)
    except (NotImplementedError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        # solveset's own "undecidable set membership" TypeError, and the like
        raise Undecided(f"cannot list the real roots of {u} ({exc})") from None
    if sol is None:
        raise Undecided(f"cannot list the real roots of {u} (solveset ran out of its work share)")
    finite = _finite_part(sol)
    if finite is not None:
        return list(dict.fromkeys(finite))
    if sol.has(sp.ImageSet) or sol.is_finite_set is False:
        raise InfiniteRoots(f"{u} = 0 at infinitely many points (x in {sol})")
    raise Undecided(f"cannot list the real roots of {u} (sympy returned {sol})")


def _maybe_root(u: sp.Expr, c: sp.Expr) -> bool:
    v = u.xreplace({x: c})
    if v == 0 or v.is_zero:
        return True
    return v.is_zero is not False


def real_roots_in(u: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> list[sp.Expr]:
    """The real roots of ``u`` in the open interval ``(lo, hi)`` (a superset of them when the
    ends are symbolic: the caller filters at parameter samples).

    Asking ``solveset`` about the interval turns ``cos(x/c) = 0`` on ``(-c*pi, c*pi)`` into
    two points instead of infinitely many on the line.
    """
    try:
        domain = sp.Interval.open(lo, hi)
    except (TypeError, ValueError):
        domain = sp.S.Reals
    try:
        return real_roots(u, domain)
    except (InfiniteRoots, Undecided) as first:
        if domain is sp.S.Reals:
            raise
        try:
            return real_roots(u)
        except (InfiniteRoots, Undecided):
            raise first from None
