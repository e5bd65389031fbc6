"""Catalog text is written once as document markup; its plain text (terminal, docstrings) is
derived, and its mathematics is inside $...$ so documents typeset it."""

from __future__ import annotations

import re

import pytest

from lossmath import get_loss, loss_names
from lossmath.core.plaintext import plain


@pytest.mark.parametrize(
    ("markup", "text"),
    [  # by hand: what a programmer would type for each formula
        (r"$x = \pm\beta$ is owned", "x = ±beta is owned"),
        (r"$\beta \to \infty$ gives $x^2/2$", "beta -> oo gives x^2/2"),
        (r"$|x| \leq \delta$, $f''$ jumps by $\mp1$", "|x| <= delta, f'' jumps by ∓1"),
        (r"`smooth_l1` ($L_1$)", "smooth_l1 (L1)"),
        (r"$C = w - w\cdot\ln(1 + w/\epsilon)$", "C = w - w*ln(1 + w/epsilon)"),
        (r"$\frac{1}{2}$ and $\operatorname{sign}(0)$ at $\pm c$", "1/2 and sign(0) at ±c"),
    ],
)
def test_plain_text_of_markup(markup, text):
    assert plain(markup) == text


def test_an_unknown_control_word_is_refused_not_leaked():
    with pytest.raises(ValueError, match=r"plain text for \\alephnull is not known"):
        plain(r"$\alephnull$")
    with pytest.raises(ValueError, match="unbalanced"):
        plain("a $x")


# Mathematics written as plain text: an arrow, <=, a power, oo, |x|, a Greek name.
_ASCII_MATH = re.compile(r"->|<=|>=|\^|\boo\b|\|x\||\b(?:beta|delta|epsilon)\b|±")


def _outside_math(markup: str) -> str:
    return re.sub(r"\$[^$]*\$|`[^`]*`", "", markup)


@pytest.mark.parametrize("name", loss_names())
def test_catalog_text_has_its_mathematics_in_math(name):
    loss = get_loss(name)
    assert loss.description_markup and plain(loss.description_markup) == loss.description
    assert _ASCII_MATH.findall(_outside_math(loss.description_markup)) == []
    for c in loss.conventions:
        assert c.statement_markup and plain(c.statement_markup) == c.statement
        assert plain(c.topic_markup) == c.topic
        text = _outside_math(c.topic_markup + " " + c.statement_markup)
        assert _ASCII_MATH.findall(text) == [], (c.topic, text)
