"""The atlas: every catalog loss with its computed properties, small-multiple figures, and
where the hand-declared trait tables of LossFunctions.jl, statsmodels and optax disagree
with what lossmath proves.

Each property in the table is lossmath's own three-valued verdict (:func:`lossmath.analyse`);
each comparison with an anchor library comes from :mod:`lossmath.crosscheck.anchor_check`, which
states its reason and a counterexample checked at 50 digits. Every loss is analysed under
its own work budget (``ANALYSIS_WORK``), the whole document under ``BUDGET``.
"""

from __future__ import annotations

from collections import Counter

import sympy as sp

from lossmath import catalog
from lossmath.crosscheck.anchor_check import ANALYSIS_WORK, compare_all, report_of
from lossmath.crosscheck.anchors import ANCHORS, LIBRARIES, TRAITS
from lossmath.docs.document import Document, claim, class_latex, literal
from lossmath.io import progress
from lossmath.render.latex import expr_latex, loss_latex
from lossmath.render.plot import default_xlim
from lossmath.render.plot_grid import GridSpec, Panel

#: Seconds for the whole document (``lossmath derive`` applies it unless --timeout is given).
BUDGET = 900.0
#: Panels per figure: four across, five down, a page each.
PER_FIGURE = 20

NUMERIC = "$^{\\dagger}$"
UNDECIDED = "?"
NOT_APPLICABLE = "--"


def _yes_no(value) -> str:
    if value is None:
        return UNDECIDED
    if value is True or value == sp.true:
        return "yes"
    if value is False or value == sp.false:
        return "no"
    return f"${expr_latex(value)}$"  # a condition on the parameters


#: A constant with more operations than this is too wide for its column (it would be shrunk
#: below a readable size): the table names it, and the list after the table shows it.
LONG_VALUE_OPS = 12
#: A definition with more operations than this is listed after the table too: scaled to its
#: column it was shrunk to 0.70 (adaptive_wing, 35 operations; balanced_l1, 32) and 0.82
#: (hampel, 25) of the table's small type, exponents of exponents below 4 pt; the next
#: longest (barron and wing, 14) fit their column.
LONG_FORMULA_OPS = 20


def _value(value, loss, method: str | None = None, long: list | None = None,
           what: str = "") -> str:
    if value is None:
        return UNDECIDED
    mark = NUMERIC if method == "numeric" else ""
    if long is not None and sp.count_ops(value) > LONG_VALUE_OPS:
        long.append((loss, what, expr_latex(value, loss)))
        return f"see ({len(long)})" + mark
    return f"${expr_latex(value, loss)}$" + mark


def _breakpoints(loss) -> str:
    points = [b.at for b in loss.table.breakpoints]
    return ", ".join(f"${expr_latex(p, loss)}$" for p in points) or "none"


def _class(report) -> str:
    text = "jumps" if report.order < 0 else f"${class_latex(report.order)}$"
    if not report.exact:
        text = "$\\geq$ " + text
    return text + (NUMERIC if any(b.numeric for b in report.breakpoints) else "")


def _row(doc: Document, loss, long: list) -> list[str]:
    r = report_of(loss)
    ref = doc.cite(loss.references[0]) if loss.references else NOT_APPLICABLE
    name = f"`{loss.name}`"
    formula = f"${loss_latex(loss)}$"
    if sp.count_ops(loss.expr) > LONG_FORMULA_OPS:
        long.append((loss, "f(x)", loss_latex(loss)))
        formula = f"see ({len(long)})"
    if r is None:
        out = f"gave up after {ANALYSIS_WORK:,} function calls"
        return [name, formula, _breakpoints(loss), out] + [UNDECIDED] * 10 + [ref]
    strong = (NOT_APPLICABLE if r.convex is False
              else _value(r.strong_convexity, loss, r.strong_convexity_method, long,
                          "\\inf f''"))
    calibrated = NOT_APPLICABLE if loss.kind != "margin" else _yes_no(r.calibrated)
    return [
        name, formula, _breakpoints(loss), _class(r),
        _yes_no(r.convex), _yes_no(r.strictly_convex), strong,
        _value(r.lipschitz, loss, r.lipschitz_method, long, "\\text{Lipschitz}"),
        _value(r.curvature_bound, loss, r.curvature_bound_method, long, "L"),
        _yes_no(r.bounded), _yes_no(r.redescending), calibrated, _yes_no(r.symmetric),
        _value(r.gradient_bound, loss, r.gradient_bound_method, long, "\\sup |f'|"), ref,
    ]


def _declared(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, tuple):
        if not value:
            return "everywhere"
        return "except at " + ", ".join(f"${expr_latex(p)}$" for p in value)
    if isinstance(value, str):
        return f"`{value}`"
    if isinstance(value, int):
        return str(value)
    return f"${expr_latex(value)}$"


def _where(where: str) -> str:
    """``src/losses/margin.jl:580`` as ``src/losses/margin.jl, line 580`` (room to break)."""
    path, line = where.rsplit(":", 1)
    return f"{literal(path)}, line {line}"


def build(doc: Document) -> None:
    losses = catalog.all_losses()
    comparisons = compare_all()
    status = Counter(c.status for c in comparisons)
    wrong = [c for c in comparisons if c.status == "disagrees"]
    claim(all(c.witness is not None for c in wrong), "every disagreement has a counterexample")
    libraries = list(LIBRARIES)

    doc.title = "An atlas of loss functions"
    doc.paragraph(
        f"Every loss of the lossmath catalog ({len(losses)} losses), with the properties "
        "lossmath computes from its definition: smoothness class, convexity, the modulus of "
        "strong convexity, Lipschitz constants of the loss and of its derivative, "
        "boundedness, whether it redescends, classification calibration and symmetry. "
        "Then the traits that LossFunctions.jl, statsmodels and optax declare by hand for "
        f"their losses ({len(comparisons)} declarations), each compared with lossmath's "
        f"proof: {status['agrees']} agree, {status['disagrees']} are disproved, "
        f"{status['undecided']} are undecided and {status['not compared']} are not "
        f"compared. The source is `{doc.source}`."
    )

    # -- the table -------------------------------------------------------------------------
    doc.heading("The catalog")
    doc.paragraph(
        "One row per loss, at symbolic parameters. *yes* and *no* are proved; "
        f"{UNDECIDED} is undecided (lossmath could prove neither); {NOT_APPLICABLE} is not "
        "applicable (strong convexity of a nonconvex loss, calibration of a distance loss); "
        f"{NUMERIC} marks a value certified numerically (interval arithmetic, or a sign "
        "decided at sampled parameter values) rather than symbolically; a condition such "
        "as $\\alpha \\geq 1$ holds exactly when the condition does. $\\inf f''$ is the "
        "modulus of strong convexity ($0$: convex but not strongly convex); *Lipschitz* is "
        "the Lipschitz constant of $f$ ($\\infty$ when $f$ jumps or $f'$ is unbounded); "
        "$L$ is that of $f'$, the $L$ of $L$-smoothness, so that gradient descent with a "
        "fixed step $\\eta < 2/L$ converges on a convex $L$-smooth loss."
    )
    header = ["loss", "$f(x)$", "breakpoints", "class", "convex", "strictly convex",
              "$\\inf f''$", "Lipschitz", "$L$ of $f'$", "bounded", "redesc.",
              "calibr.", "even", "$\\sup \\vert f' \\vert$", "ref."]
    rows, long = [], []
    for i, loss in enumerate(losses, 1):
        progress.step(f"analysing {loss.name}", i, len(losses))
        rows.append(_row(doc, loss, long))
    # Lipschitz and sup |f'| wide enough for max(tau, |tau - 1|) (quantile's; it was shrunk to
    # 0.71 in 1.4 cm), from the columns of short values (yes/no, 0, 2/sigma^2).
    colspec = ("p{3.6cm}p{5.2cm}p{1.6cm}p{1.0cm}p{0.9cm}p{0.9cm}p{1.0cm}p{1.8cm}p{1.2cm}"
               "p{1.15cm}p{0.95cm}p{0.9cm}p{0.6cm}p{1.8cm}p{0.6cm}")
    doc.table(header, rows, "Computed properties of every catalog loss.", long=True,
              colspec=colspec)
    if long:
        doc.paragraph("The definitions and values too long for the table:")
        doc.bullets([f"({k}) `{loss.name}`: ${what} = {value}$"
                     for k, (loss, what, value) in enumerate(long, 1)])

    # -- figures ---------------------------------------------------------------------------
    doc.heading("Figures")
    doc.paragraph(
        "Each panel shows a loss at its parameters' defaults (solid) and its derivative "
        "(dashed) on a range that contains its breakpoints, drawn interval by interval: "
        "dots mark the value at a breakpoint, open circles a one-sided limit that differs "
        "from it."
    )
    panels = []
    for loss in losses:
        numeric = loss.with_defaults()
        # mathtext's typewriter face has the underscore that Computer Modern lacks
        title = "$\\mathtt{" + loss.name.replace("_", "\\_") + "}$"
        panels.append(Panel(numeric, title, default_xlim(numeric)))
    for k in range(0, len(panels), PER_FIGURE):
        part = tuple(panels[k:k + PER_FIGURE])
        first, last = losses[k].name, losses[k + len(part) - 1].name
        doc.figure(GridSpec(f"losses-{k // PER_FIGURE + 1}", part),
                   f"The losses `{first}` to `{last}` and their derivatives.")

    # -- definitions and mappings ----------------------------------------------------------
    doc.heading("The libraries' definitions")
    doc.paragraph("The comparison uses each library's own definition of its traits. The "
                  "table below counts lossmath's verdicts per library; the three tables after "
                  "it give the definitions, the catalog loss that each library's loss is, and "
                  "lossmath's verdict on every declaration.")
    doc.paragraph(
        "Sources: " + "; ".join(f"{lib}: {literal(where)}" for lib, where in LIBRARIES.items())
        + ". Each library's loss is transcribed from its source as a function of $x$ and "
        "compared with the catalog loss it is, up to a positive scale, which changes none "
        "of the traits compared."
    )
    counts = []
    for lib in libraries:
        mine = Counter(c.status for c in comparisons if c.declaration.anchor.library == lib)
        counts.append([lib, str(sum(mine.values())), str(mine["agrees"]),
                       str(mine["disagrees"]), str(mine["undecided"]),
                       str(mine["not compared"])])
    doc.table(["library", "declarations", "agree", "disproved", "undecided", "not compared"],
              counts, "Declarations per library.", align="lrrrrr")
    used = {(c.declaration.anchor.library, c.declaration.trait) for c in comparisons}
    doc.table(["library", "trait", "definition", "where"],
              [[lib, literal(t.trait), t.meaning, literal(t.where)]
               for (lib, name), t in TRAITS.items() if (lib, name) in used],
              "Trait definitions.", long=True, colspec="p{2.6cm}p{4cm}p{12cm}p{4.5cm}")
    mapping = []
    for a in ANCHORS:
        params = ", ".join(f"${sp.latex(sp.Symbol(k))} = {sp.latex(v)}$"
                           for k, v in a.to_catalog.items()) or NOT_APPLICABLE
        inst = ", ".join(f"${sp.latex(s)} = {sp.latex(v)}$" for s, v in a.instance.items())
        mapping.append([a.library, literal(a.name), f"`{a.catalog}`" if a.catalog else
                        "its own formula", params, f"${sp.latex(a.scale)}$",
                        inst or NOT_APPLICABLE, literal(a.source), a.note])
    doc.table(["library", "loss", "lossmath", "parameters", "scale", "counterexamples at",
               "formula at", "note"], mapping,
              "Each library's loss and the catalog loss it is: theirs = scale $\\times$ ours.",
              long=True,
              colspec="p{2.3cm}p{4.0cm}p{3.3cm}p{2.3cm}p{0.8cm}p{2.5cm}p{4.6cm}p{5.2cm}")

    # -- every declaration: no heading of its own, it follows the two tables above on their
    # turned pages (the text of the next section fills the page before them) ---------------
    doc.table(["library", "loss", "trait", "declared", "lossmath", "", "where"],
              [[c.declaration.anchor.library, literal(c.declaration.anchor.name),
                literal(c.declaration.trait), _declared(c.declaration.declared),
                _declared(c.verdict) if c.verdict is not None else UNDECIDED, c.status,
                literal(c.declaration.where)] for c in comparisons],
              "lossmath's verdict on every declaration.", long=True,
              colspec="p{2.6cm}p{4.2cm}p{3.8cm}p{2.6cm}p{2.6cm}p{1.8cm}p{5.2cm}")

    # -- disagreements ---------------------------------------------------------------------
    doc.heading("Where hand-declared tables disagree")
    doc.paragraph(
        "A declaration is disproved only when lossmath proves the opposite, never from an "
        "undecided verdict. Each proof gives the analytic reason and a counterexample "
        "point, stated for the library's own function at the parameters named (its "
        "default, or the value its docstring plots), and checked there at 50 digits "
        "(the tests check it again with mpmath from the library's formula alone)."
    )
    for c in wrong:
        d = c.declaration
        doc.paragraph(
            f"**{d.anchor.library}:** `{d.anchor.name}`, `{d.trait}`. Declared "
            f"{_declared(d.declared)} ({_where(d.where)}): {literal(d.text)}. lossmath: "
            f"{_declared(c.verdict)}. "
            f"*Reason:* {c.reason} *Counterexample:* {c.witness.statement}."
        )
    undecided = [c for c in comparisons if c.status == "undecided"]
    if undecided:
        doc.paragraph("Undecided comparisons:")
        doc.bullets([f"{c.declaration.anchor.library}, {literal(c.declaration.anchor.name)}, "
                     f"{literal(c.declaration.trait)} (declared "
                     f"{_declared(c.declaration.declared)}): {c.reason}" for c in undecided])
