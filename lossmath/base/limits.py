"""The bounds on untrusted input: sizes the parser and parameter substitution refuse beyond.

Each bound keeps one sympy operation polynomial in the size of what was written; the parser
(:mod:`lossmath.spec.parse`) checks them before sympy sees the text, and
:meth:`lossmath.core.loss.Loss.subs` checks the exponents of substituted values.
"""

from __future__ import annotations

MAX_LENGTH = 4096  # characters; checked before ast.parse
MAX_DEPTH = 32  # nested ( [ {; checked by scanning before ast.parse
MAX_AST_DEPTH = 100  # bounds the walker's recursion (a 100-term sum still fits)
MAX_NODES = 1000  # syntax tree nodes
MAX_ARGS = 8  # sympy compares the parts of And/Or/Min/Max/Piecewise pairwise
MAX_DIGITS = 100  # digits in a literal's numerator and denominator
MAX_EXPONENT = 1000  # |numerator| and denominator of a numeric exponent
MAX_POWER_BITS = 4096  # estimated size of a power with a numeric exponent
MAX_ROOT_BITS = 256  # sympy factors the base of a root: slow beyond a few hundred bits
MAX_BITS = 10_000  # numbers lie within 2**-MAX_BITS .. 2**MAX_BITS in magnitude
