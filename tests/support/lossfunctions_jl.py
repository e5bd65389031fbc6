"""Shared pieces of the LossFunctions.jl ports (tests/crosscheck/peers/test_lossfunctions_*):
Julia's ranges as arrays, Julia's ``max(zero(T), a)`` on dual numbers, the numpy target's
(f, f', f'') of one catalog loss, and the failure message."""

from __future__ import annotations

import numpy as np

from tests.support.dual import where

#: -10:0.2:10 (Julia's range: the correctly rounded (k - 50)/5) and -10:0.5:10
STEP_0_2 = np.arange(-50, 51) / 5
STEP_0_5 = np.arange(-20, 21) / 2


def grid(o, t):
    """Every (o, t) of ``for o in o_vec, t in t_vec``, flattened."""
    oo, tt = np.meshgrid(o, t, indexing="ij")
    return oo.ravel(), tt.ravel()


def jl_max0(a):
    """Julia's ``max(zero(T), a) = ifelse(isless(a, 0), 0, a)`` (the value decides)."""
    return where(a < 0, 0.0, a)


def direct(name, **kw):
    """module -> (f, f', f'') of the numpy target's loss ``name`` at parameters ``kw``."""
    def bound(fn):
        return lambda v: fn(v, **kw)

    return lambda m: tuple(bound(getattr(m, name + suffix)) for suffix in ("", "_grad", "_hess"))


def fail_report(bad, at, got, want) -> str:
    i = np.flatnonzero(bad)[:5]
    return f"{bad.sum()} of {bad.size} points: at {at[i]}, ours {got[i]}, truth {want[i]}"
