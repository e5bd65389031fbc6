"""Patient budgets for tests: each optional step of an analysis or a code generation
(``budget.attempt``: a simplify, a limit, a zero test; 2 s of wall time each by default) gets
PATIENCE times its share, so what a test asserts is decided by the work, not by how busy the
machine is (under load a 2 s share of the limit of logcosh's Hessian at -oo ran out and code
generation refused the loss; a removable singularity came out undecided)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from lossmath.base import budget

PATIENCE = 30


@contextlib.contextmanager
def patient() -> Iterator[None]:
    """Within the block, ``budget.attempt`` gives each step PATIENCE times its share (the
    outer ``--timeout`` of a command still applies)."""
    attempt = budget.attempt
    if getattr(attempt, "patient", False):  # nested: already patient
        yield
        return

    def patient_attempt(fn, seconds, *args, **kw):
        return attempt(fn, seconds * PATIENCE, *args, **kw)

    patient_attempt.patient = True
    budget.attempt = patient_attempt
    try:
        yield
    finally:
        budget.attempt = attempt
