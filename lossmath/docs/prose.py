"""Prose helpers for derivations: conventions as markup, derivative names and symbols, and the
smoothness table and sentence at a breakpoint (their words from :mod:`lossmath.i18n`)."""

from __future__ import annotations

from lossmath.docs.markup import DocumentError, literal
from lossmath.docs.model import Document
from lossmath.i18n.sentences import class_latex, join_words, smoothness_words
from lossmath.i18n.words import derivative_word

__all__ = ["class_latex", "convention_markup", "derivative_name", "derivative_symbol",
           "join_words", "smoothness_sentence", "smoothness_table"]


def convention_markup(loss_name: str, convention, lang: str = "en") -> tuple[str, str]:
    """A loss's convention as document markup: (topic, statement).

    A catalog convention written with :meth:`lossmath.core.loss.Convention.typeset` has its
    mathematics typeset; any other (a spec's: untrusted text) is shown literally. Chinese
    text comes from :mod:`lossmath.i18n.conventions_zh`.
    """
    if lang != "en":
        from lossmath.i18n.conventions_zh import CONVENTIONS_ZH

        key = (loss_name, convention.topic)
        if key not in CONVENTIONS_ZH:
            raise DocumentError(f"no {lang} text for the convention {convention.topic!r} of "
                                f"{loss_name} (add it to lossmath/i18n/conventions_zh.py)")
        return CONVENTIONS_ZH[key]
    if convention.statement_markup:
        return convention.topic_markup, convention.statement_markup
    return literal(convention.topic), literal(convention.statement)


#: What the k-th derivative is called in English prose (other languages: lossmath.i18n.words).
DERIVATIVE_NAMES = ("value", "slope", "curvature")


def derivative_name(k: int, lang: str = "en") -> str:
    """The k-th derivative's name in ``lang``'s prose (value, slope, curvature, ...)."""
    return derivative_word(k, lang)


def derivative_symbol(k: int) -> str:
    """``f``, ``f'``, ``f''``, ``f^{(3)}`` (LaTeX)."""
    return "f" + "'" * k if k < 3 else f"f^{{({k})}}"


def smoothness_table(doc: Document, loss, bp, caption: str) -> int:
    """A table of one-sided values of ``f, f', ...`` at a breakpoint and their jumps.

    ``bp`` is a :class:`lossmath.BreakpointReport` of ``loss``; the rows are exactly its
    ``left``, ``right`` and ``jumps`` (up to the first order that jumps). The words are in
    the document's language.
    """
    from lossmath.render.latex import expr_latex

    at = expr_latex(bp.at, loss)
    header = ["", f"$x \\to {at}^-$", f"$x \\to {at}^+$", doc.words["jump"]]
    rows = []
    for k, (left, right, jump) in enumerate(zip(bp.left, bp.right, bp.jumps)):
        rows.append([
            f"{derivative_name(k, doc.lang)} ${derivative_symbol(k)}$",
            f"${expr_latex(left, loss)}$",
            f"${expr_latex(right, loss)}$",
            f"${expr_latex(jump, loss)}$",
        ])
    return doc.table(header, rows, caption, align="lccc")


def smoothness_sentence(loss, bp, lang: str = "en") -> str:
    """What the table says, in words: which derivatives join at the breakpoint, which jumps,
    and the resulting class (``C^1`` but not ``C^2``)."""
    from lossmath.render.latex import expr_latex

    joined, jumped = [], None
    for k, (left, right, test) in enumerate(zip(bp.left, bp.right, bp.tests)):
        if test.value is True:
            joined.append((derivative_name(k, lang), expr_latex(left, loss)))
        else:
            jumped = (derivative_name(k, lang), expr_latex(left, loss), expr_latex(right, loss))
    at = expr_latex(bp.at, loss)
    return smoothness_words(at, joined, jumped, bp.order, bp.numeric, lang)
