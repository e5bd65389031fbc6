r"""Plain text from the small document markup of trusted catalog text.

The catalog writes a loss's conventions once, as document markup (``$...$`` math, ```code```,
see :mod:`lossmath.docs.document`), so documents typeset them as mathematics; the terminal
(``lossmath show``) and generated docstrings need plain text. :func:`plain` derives it:
math loses its dollars, the few control words catalog text uses become what a programmer
would type (``\beta`` -> ``beta``, ``\to`` -> ``->``, ``\infty`` -> ``oo``, ``\leq`` -> ``<=``,
``\pm`` -> ``±``), subscripts and braces flatten (``L_1`` -> ``L1``, ``\frac{a}{b}`` -> ``a/b``),
code loses its backquotes.

Only what catalog text uses is known; anything else is an error, so a new control word
cannot leak into plain text as ``\something``.

>>> plain(r"$x = \pm\beta$ belongs to the linear piece ($|x| < \beta$ is strict)")
'x = ±beta belongs to the linear piece (|x| < beta is strict)'
"""

from __future__ import annotations

import re

__all__ = ["described", "plain"]

_WORDS = {
    "alpha": "alpha", "beta": "beta", "gamma": "gamma", "delta": "delta",
    "epsilon": "epsilon", "varepsilon": "epsilon", "rho": "rho", "eta": "eta",
    "tau": "tau", "theta": "theta", "omega": "omega", "sigma": "sigma", "pi": "pi",
    "psi": "psi", "phi": "phi", "tanh": "tanh", "cosh": "cosh", "cos": "cos", "sin": "sin",
    "max": "max", "min": "min",
    "pm": "±", "mp": "∓", "to": "->", "infty": "oo", "leq": "<=", "geq": ">=",
    "neq": "!=", "cdot": "*", "ln": "ln", "log": "log", "exp": "exp", ",": " ",
}
_OPERATORS = re.compile(r"\\operatorname\{([A-Za-z]+)\}")
_FRAC = re.compile(r"\\frac\{([^{}]*)\}\{([^{}]*)\}")
_SQRT = re.compile(r"\\sqrt\{([^{}]*)\}")
# \pm and \mp are prefixes: the space TeX needs after them (\pm c) is not written (±c).
_CONTROL = re.compile(r"\\(pm|mp) +|\\([A-Za-z]+|,)")
_SUB = re.compile(r"_\{([^{}]*)\}|_([A-Za-z0-9])")


def _math(tex: str) -> str:
    tex = _OPERATORS.sub(r"\1", tex)
    tex = _FRAC.sub(r"\1/\2", tex)
    tex = _SQRT.sub(r"sqrt(\1)", tex)

    def word(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        if name not in _WORDS:
            raise ValueError(f"plain text for \\{name} is not known (in {tex!r})")
        return _WORDS[name]

    tex = _CONTROL.sub(word, tex)
    tex = _SUB.sub(lambda m: m.group(1) or m.group(2), tex)
    return tex.replace("{", "").replace("}", "")


def plain(markup: str) -> str:
    """``markup`` (``$...$`` math, ```code```, ``*emphasis*``) as plain text."""
    out = []
    for i, part in enumerate(re.split(r"(\$[^$]*\$|`[^`]*`)", markup)):
        if i % 2 == 0:
            if "$" in part or "`" in part:
                raise ValueError(f"unbalanced $ or ` in {markup!r}")
            out.append(re.sub(r"\*([^*]+)\*", r"\1", part))
        elif part.startswith("$"):
            out.append(_math(part[1:-1]))
        else:
            out.append(part[1:-1])
    return "".join(out)


def described(markup: str) -> dict[str, str]:
    """A catalog loss's description from markup: ``Loss(..., **described("... $x^2$ ..."))``
    sets ``description`` (plain text) and ``description_markup`` (for documents)."""
    return {"description": plain(markup), "description_markup": markup}
