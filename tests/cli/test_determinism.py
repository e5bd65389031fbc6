"""The same answer on every machine: a run about 3x slower prints byte for byte what a
normal run prints (verdicts, documents' freshness, generated code).

What decides a verdict is counted in work (:mod:`lossmath.base.budget`), and the time
guard is set far above what these commands need, so pausing the process for two of every
three tenths of a second (:mod:`support.throttle`) may change nothing but the wall time.
"""

from __future__ import annotations

import pytest

from tests.support.throttle import lossmath

pytestmark = pytest.mark.subprocess

COMMANDS = [
    ["check", "barron", "--json", "--timeout", "1500"],
    ["check", "balanced_l1", "--json", "--timeout", "1500"],
    ["codegen", "--expr", "x*tanh(x)", "--timeout", "1500"],
    ["derive", "atlas", "--check", "--timeout", "3000"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_three_times_slower_run_prints_the_same_bytes(argv):
    normal = lossmath(argv, throttle=False, timeout=3600)
    slow = lossmath(argv, throttle=True, timeout=3600)
    assert normal[0] in (0, 1), normal[2].decode()[-2000:]
    assert slow[0] == normal[0], slow[2].decode()[-2000:]
    assert slow[1] == normal[1]
    assert slow[2] == normal[2]
