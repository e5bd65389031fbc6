from __future__ import annotations

import pytest
import sympy as sp

from lossmath import Param
from lossmath.base import budget

BETA = Param("beta", default=1)
DELTA = Param("delta", default=1)
W = Param("w", default=10)
EPS = Param("epsilon", default=2)
beta, delta, w, epsilon = BETA.symbol, DELTA.symbol, W.symbol, EPS.symbol
half = sp.Rational(1, 2)


def require_tool(tool: str, package: str = "texlive-latex-base") -> str:
    """The path of ``tool``; without it skip, except in CI (``CI=true``), which installs it
    in ``.ci/run``: there a missing tool fails the test instead of silently passing."""
    import os
    import shutil

    import pytest

    exe = shutil.which(tool)
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is required in CI (.ci/run installs {package})")
        pytest.skip(f"{tool} not installed")
    return exe


#: How much longer than the library's own shares a ``patient_budgets`` test gives each
#: optional step (a simplify, a zero test: 2 s each by default, of wall time).
PATIENCE = 30


@pytest.fixture
def patient_budgets(monkeypatch):
    """Each ``budget.attempt`` gets PATIENCE times its share of wall time: a test that
    asserts what an analysis decides, not how fast, must not turn undecided when the machine
    is busy (a 2 s share of a zero test ran out under load and a removable singularity was
    reported undecided). The outcome stays asserted; only the clock stops mattering."""
    attempt = budget.attempt

    def patient(fn, seconds, *args, **kw):
        return attempt(fn, seconds * PATIENCE, *args, **kw)

    monkeypatch.setattr(budget, "attempt", patient)
