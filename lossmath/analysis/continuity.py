"""Whether ``f`` and ``f'`` are continuous on the whole line, from the breakpoint classes.

Three-valued: True when every breakpoint's class (exact or a lower bound) is at least the
order asked for, False when some breakpoint's class is proved below it, None otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

from lossmath.analysis.smoothness import BreakpointReport

__all__ = ["continuous_to"]


def continuous_to(bps: Sequence[BreakpointReport], k: int) -> bool | None:
    """Is ``f^(k)`` continuous on the line (``k = 0``: ``f``; ``k = 1``: ``f'``)?"""
    if all(b.order >= k for b in bps):
        return True  # a lower bound that reaches k is enough
    if any(b.order < k and b.exact for b in bps):
        return False
    return None
