r"""Loss reports: a derivation document for any loss, not only the hand-written ones.

``lossmath derive NAME`` builds ``derivations/NAME.py`` when that source exists; for a catalog
loss, a ``SPEC.toml`` or ``--expr`` it builds the report :func:`loss_document` makes: title,
description and references, a table of the parameters, the definition in textbook LaTeX,
``f'`` and ``f''`` as written and interval by interval, the one-sided values and jumps at
every breakpoint, the global properties (symmetric, convex, ``sup |f'|``, growth, ``f(0)``),
the conventions, and a figure of ``f``, ``f'`` and ``f''`` at the parameters' defaults. All of
it is read off :func:`lossmath.analyse` and the loss's tables, never typed by hand.

Untrusted text. A spec is user input, and everything in it that reaches the document -- the
name, title, description, parameter and reference fields, conventions, and the analysis'
notes (which quote expressions) -- enters through :func:`lossmath.docs.document.literal`: both
backends show it as plain text, every LaTeX and Markdown special escaped, on one line. So
``\input{/etc/passwd}``, ``\immediate\write18{...}``, ``$...$``, a lone ``}``, ``%``, HTML
or a Markdown link in a description are printed, not obeyed. The loss name becomes file names
and is refused unless it is an identifier (:data:`lossmath.spec.toml.NAME_RE`); a parameter's
``latex`` symbol is refused unless it is a Greek letter or plain letters, with at most a
letter or digit subscript (the spec format would accept any control word, ``\input``
included).

Example::

    >>> doc = loss_document("huber")
    >>> doc.name, [b.text for b in doc.blocks if type(b).__name__ == "Heading"][:2]
    ('huber', ['Parameters', 'Definition'])
"""

from __future__ import annotations

import re

from lossmath.analysis import LossReport, analyse
from lossmath.catalog.resolve import require_solved, resolve
from lossmath.core.loss import Loss, LossError, Param
from lossmath.docs.markup import DocumentError, literal
from lossmath.docs.model import Document
from lossmath.docs.prose import (
    class_latex,
    convention_markup,
    derivative_name,
    derivative_symbol,
    smoothness_sentence,
    smoothness_table,
)
from lossmath.i18n.sentences import join_words
from lossmath.render.latex import condition_latex, expr_latex, loss_latex, piece_rows
from lossmath.render.plot import Curve, FigureSpec, default_xlim, drawable
from lossmath.spec.toml import NAME_RE

__all__ = ["FIGURE", "ORDERS", "loss_document"]

#: The figure's name: its files are ``figures/NAME-plot.{svg,png,pdf}``.
FIGURE = "plot"
#: Derivative orders shown as equations (beyond the definition) and drawn in the figure.
ORDERS = (0, 1, 2)

_YES_NO = {True: "yes", False: "no", None: "undecided"}


def _class_words(order: float, exact: bool) -> str:
    """``$C^{1}$``, or "at least $C^{8}$" when the class is only a lower bound."""
    return f"${class_latex(order)}$" if exact else f"at least ${class_latex(order)}$"


def _bound(report: LossReport, loss: Loss) -> str:
    if report.gradient_bound is None:
        return "undecided"
    text = f"${expr_latex(report.gradient_bound, loss)}$"
    return text + " (certified numerically)" if report.gradient_bound_method == "numeric" else text


def loss_document(
    loss: Loss | str, *, command: str | None = None, source: str | None = None
) -> Document:
    r"""The loss report of ``loss`` as a :class:`~lossmath.docs.document.Document`.

    Parameters
    ----------
    loss
        A :class:`~lossmath.Loss`, or a catalog name or ``SPEC.toml`` path. Its unknowns
        must be solved (:func:`~lossmath.catalog.resolve.require_solved`), and every parameter
        needs a default, since the figure is drawn at the defaults (substitute others first:
        ``loss.subs(delta=2)``, ``--param delta=2``).
    command
        The command that rebuilds the document, for the header (default
        ``lossmath derive NAME``, right for catalog losses).
    source
        Where the definition comes from, for the header (a spec's path, ``--expr``).

    Raises
    ------
    LossError
        Unsolved unknowns, or a parameter without a default value.
    DocumentError
        A name that is not an identifier, or a parameter symbol that is not a plain one.
    """
    if isinstance(loss, str):
        loss = resolve(loss)
    require_solved(loss)
    if not NAME_RE.fullmatch(loss.name):
        raise DocumentError(
            f"loss name {loss.name!r} cannot name a document (letters, digits and _, "
            "starting with a letter, at most 64 characters)"
        )
    # Param.latex is validated where parameters are made (lossmath.core.loss.LATEX_SYMBOL).
    missing = [p.name for p in loss.params if p.default is None]
    if missing:
        raise LossError(
            f"{loss.name}: parameter(s) {', '.join(missing)} have no default value, and the "
            f"figure needs numbers: pass --param {missing[0]}=VALUE (loss.subs({missing[0]}="
            "...) in Python)"
        )
    doc = Document(loss.name, title=literal(loss.title or loss.name),
                   source=source or f"the definition of {loss.name}", regenerate=command or "")
    report: LossReport = analyse(loss)
    _introduction(doc, loss)
    _parameters(doc, loss)
    _definition(doc, loss)
    _smoothness(doc, loss, report)
    _properties(doc, loss, report)
    _conventions(doc, loss)
    _figure(doc, loss)
    return doc


def _symbol(p: Param) -> str:
    return p.latex or expr_latex(p.symbol)


def _default(p: Param) -> str:
    """A parameter's default as LaTeX: as written when it was a decimal (4.685)."""
    return p.decimal or expr_latex(p.default)


def _lhs(loss: Loss, order: int) -> str:
    """``f''(x; \\delta)``: the function, its parameters after a semicolon."""
    args = "; ".join(["x", ", ".join(_symbol(p) for p in loss.params)]) if loss.params else "x"
    return f"{derivative_symbol(order)}({args})"


def _introduction(doc: Document, loss: Loss) -> None:
    if loss.description:
        # The catalog's own markup (its mathematics typeset); anything else is shown as is.
        doc.paragraph(loss.description_markup or literal(loss.description))
    text = (
        f"This report on the loss `{loss.name}` is computed by lossmath from its definition: "
        "every equation, table and figure below is derived, none is typed by hand."
    )
    if loss.aliases:
        # An identifier is code (typewriter type keeps its underscore); anything else is
        # shown literally.
        text += " Also known as " + ", ".join(
            f"`{a}`" if re.fullmatch(r"[A-Za-z0-9_]+", a) else literal(a) for a in loss.aliases
        ) + "."
    if loss.references:
        cites = ", ".join(doc.cite(r) for r in loss.references)
        text += f" Reference{'s' * (len(loss.references) > 1)}: {cites}."
    doc.paragraph(text)


def _parameters(doc: Document, loss: Loss) -> None:
    doc.heading("Parameters")
    if not loss.params:
        doc.paragraph("The loss has no parameters.")
        return
    rows = [
        [
            literal(p.name),
            f"${_symbol(p)}$",
            literal(p.assume),
            f"${_default(p)}$",
            literal(p.description) if p.description else "",
        ]
        for p in loss.params
    ]
    doc.table(["name", "symbol", "assumption", "default", "description"], rows,
              "The parameters, their assumptions and default values.", align="lclcl")


def _definition(doc: Document, loss: Loss) -> None:
    doc.heading("Definition")
    e0 = doc.equation(f"{_lhs(loss, 0)} = {loss_latex(loss)}")
    bps = loss.table.breakpoints
    if bps:
        points = join_words([f"$x = {expr_latex(b.at, loss)}$" for b in bps])
        doc.paragraph(
            f"The definition ({e0}) has {len(bps)} breakpoint{'s' * (len(bps) > 1)}, {points}: "
            "there the expression changes, or is not differentiable."
        )
    else:
        doc.paragraph(f"The definition ({e0}) is one analytic expression: no breakpoints.")
    doc.heading("Derivatives")
    numbers = []
    for n in ORDERS[1:]:
        d = loss.derivative(n)
        rhs = [loss_latex(d)]
        by_interval = loss_latex(d, form="intervals")
        if by_interval not in rhs:
            rhs.append(by_interval)
        numbers.append(f"({doc.equation(f'{_lhs(loss, n)} = ' + ' = '.join(rhs))})")
    doc.paragraph(
        f"In {join_words(numbers)} the first form differentiates the pieces as written; "
        "where it reads differently, the second gives one row per interval, with $|x|$ and "
        r"$\operatorname{sign}(x)$ resolved and each breakpoint assigned to the row whose "
        "expression takes the breakpoint's value."
    )


def _smoothness(doc: Document, loss: Loss, report: LossReport) -> None:
    doc.heading("Smoothness")
    if not report.breakpoints:
        doc.paragraph(r"Without breakpoints the loss is $C^{\infty}$ on the whole real line.")
        return
    doc.paragraph(
        f"At each breakpoint the tables list the one-sided limits of $f$ and its derivatives, "
        "up to the first order that jumps. Overall the loss is "
        f"{_class_words(report.order, report.exact)}."
    )
    for bp in report.breakpoints:
        at = expr_latex(bp.at, loss)
        doc.heading(f"At $x = {at}$", level=3)
        if bp.left:
            smoothness_table(doc, loss, bp,
                             f"One-sided values of the loss and its derivatives at $x = {at}$.")
            doc.paragraph(smoothness_sentence(loss, bp))
        else:
            # Both sides are the same expression: nothing one-sided to tabulate.
            verdict = (
                f"$f$ takes the value ${expr_latex(bp.value, loss)}$ at the point itself: "
                "the loss is discontinuous there" if bp.order < 0
                else r"the two sides join to every order: the loss is $C^{\infty}$ there"
            )
            doc.paragraph(f"At $x = {at}$ {verdict}.")


def _properties(doc: Document, loss: Loss, report: LossReport) -> None:
    doc.heading("Properties")
    f0 = f"${expr_latex(report.value_at_zero, loss)}$"
    if report.minimum_at_zero:
        f0 += ", the minimum"
    rows = [
        ["smoothness class", _class_words(report.order, report.exact)],
        ["symmetric, $f(-x) = f(x)$", _YES_NO[report.symmetric]],
        ["convex", _YES_NO[report.convex] if report.convex in _YES_NO
         else f"when ${expr_latex(report.convex, loss)}$"],
        ["gradient bound $\\sup_x |f'(x)|$", _bound(report, loss)],
        ["growth as $|x| \\to \\infty$", literal(report.growth or "undecided")],
        ["value at zero $f(0)$", f0],
    ]
    doc.table(["property", "value"], rows, "Global properties of the loss.")
    if report.notes:
        doc.paragraph("Notes from the analysis:")
        doc.bullets([literal(note.text) for note in report.notes])


def _conventions(doc: Document, loss: Loss) -> None:
    doc.heading("Conventions")
    items = [": ".join(convention_markup(loss.name, c)) for c in loss.conventions]
    rows = piece_rows(loss.table)
    tables = [loss.table.diff(n) if n else loss.table for n in ORDERS]
    for k, bp in enumerate(loss.table.breakpoints):
        expr, cond = rows[bp.owner]
        at = expr_latex(bp.at, loss)
        owner = (
            f"the single expression ${expr_latex(expr, loss)}$" if len(rows) == 1
            else f"the piece ${expr_latex(expr, loss)}$ (${condition_latex(cond, loss)}$)"
        )
        values = ", ".join(
            f"${derivative_symbol(n)}({at}) = {expr_latex(t.breakpoints[k].value, loss)}$"
            for n, t in zip(ORDERS, tables)
        )
        items.append(f"$x = {at}$ belongs to {owner}, which gives {values}")
    if not items:
        doc.paragraph("None needed: the loss is one expression on the whole real line.")
        return
    doc.bullets(items)


def _figure(doc: Document, loss: Loss) -> None:
    """f, f' and f'' at the defaults, on an x range that shows every breakpoint."""
    numeric = loss.with_defaults()
    xlim = default_xlim(numeric)
    orders, failed = drawable(numeric, ORDERS, xlim)
    left_out = [f"${derivative_symbol(n)}$ ({literal(why)})" for n, why in failed]
    doc.heading("Figure")
    if 0 not in orders:
        doc.paragraph(f"No figure: the loss cannot be drawn: {left_out[0]}.")
        return
    values = ", ".join(f"${_symbol(p)} = {_default(p)}$" for p in loss.params)
    spec = FigureSpec(FIGURE, (Curve(numeric, loss.name),), orders=orders, xlim=xlim)
    shown = join_words([f"${derivative_symbol(n)}$" for n in orders])
    number = doc.figure(
        spec,
        f"The loss's {join_words([derivative_name(n) for n in orders])} ({shown})"
        + (f" at {values}" if values else "")
        + ". Dots mark the value at a breakpoint; open circles mark one-sided limits where "
        "the function jumps.",
    )
    if left_out:
        doc.paragraph(f"Figure {number} leaves out {join_words(left_out)}.")
