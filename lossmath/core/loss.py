"""Loss definitions: parameters, references and the :class:`Loss` itself.

A loss is a small declarative spec (name, pieces, keyword-only parameters with the names the
literature uses, aliases, references, conventions). Everything else -- the interval table,
derivatives, smoothness reports, LaTeX, documents, generated code -- is computed *from* it, so
they cannot drift apart.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction

import sympy as sp

from lossmath.base.errors import LossError
from lossmath.base.limits import MAX_EXPONENT
from lossmath.base.symbols import x
from lossmath.core.table import IntervalTable, build_table

__all__ = ["Loss", "LossError", "Param", "Reference", "parse_param_value"]


_ASSUMPTIONS = ("positive", "nonnegative", "negative", "nonpositive", "real")

# A parameter's LaTeX symbol reaches every document, and TeX runs any control word it is
# given (\input, \def, \catcode): only Greek letters or plain letters, with an optional
# subscript, are accepted.
_GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu "
    "nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma "
    "Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega ell"
).split()
LATEX_SYMBOL = re.compile(
    r"(?:\\(?:" + "|".join(_GREEK) + r")|[A-Za-z]+)(?:_(?:[A-Za-z0-9]|\{[A-Za-z0-9]+\}))?"
)


@dataclass(frozen=True)
class Param:
    """A named, keyword-only parameter of a loss (``beta`` for smooth L1, ``delta`` for Huber).

    ``assume`` is one of ``positive``, ``nonnegative``, ``negative``, ``nonpositive``, ``real``;
    it becomes a sympy assumption, which is what lets sympy order ``-beta < 0 < beta``.
    """

    name: str
    default: sp.Expr | int | float | None = None
    assume: str = "positive"
    description: str = ""
    latex: str | None = None  # e.g. r"\beta"; sympy's own rendering when None
    #: The default as written when it was a decimal (``4.685``): it is stored exactly
    #: (``937/200``) but shown as written.
    decimal: str | None = field(default=None, compare=False, repr=False)
    #: The parameter may also be +-oo (``oo``, ``-oo``, ``inf``): only for a loss whose
    #: ``special`` defines it there, as a limit (Barron's alpha = -oo is Welsch).
    extended: bool = False

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or keyword.iskeyword(self.name) or self.name == "x":
            raise LossError(f"invalid parameter name {self.name!r}")
        if self.latex is not None and not LATEX_SYMBOL.fullmatch(self.latex):
            raise LossError(
                f"parameter {self.name}: latex {self.latex!r} is not a Greek letter or plain "
                r"letters with an optional subscript (e.g. \beta, w, w_1)"
            )
        if self.assume not in _ASSUMPTIONS:
            raise LossError(
                f"parameter {self.name}: unknown assumption {self.assume!r} "
                f"(use one of {', '.join(_ASSUMPTIONS)})"
            )
        if self.default is not None:
            written = self.default
            object.__setattr__(self, "default", self.check(self.default))
            if self.decimal is None and _is_decimal(written):
                object.__setattr__(self, "decimal", str(written).strip())

    @property
    def default_text(self) -> str:
        """The default for people: as written when it was a decimal, else exact."""
        if self.default is None:
            return ""
        return self.decimal or sp.sstr(self.default)

    @property
    def symbol(self) -> sp.Symbol:
        return sp.Symbol(self.name, **{self.assume: True})

    def check(self, value: object) -> sp.Expr:
        """Return ``value`` as an exact sympy number, or raise :class:`LossError` naming why."""
        if self.extended:
            infinite = _infinity(value)
            if infinite is not None:
                if self.assume in ("positive", "nonnegative") and infinite < 0 or (
                    self.assume in ("negative", "nonpositive") and infinite > 0
                ):
                    raise LossError(f"parameter {self.name} must be {self.assume}, got {infinite}")
                return infinite
        if isinstance(value, str):
            try:
                value = parse_param_value(value)
            except LossError as exc:  # name the parameter the text was for
                raise LossError(f"parameter {self.name}: {exc}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise LossError(f"parameter {self.name} must be finite, got {value}")
        value = exact(value)
        if not isinstance(value, sp.Expr) or not value.is_number:
            raise LossError(f"parameter {self.name} must be a number, got {value!r}")
        if not (value.is_real and value.is_finite):
            raise LossError(f"parameter {self.name} must be a finite real number, got {value}")
        ok = {
            "positive": value.is_positive,
            "nonnegative": value.is_nonnegative,
            "negative": value.is_negative,
            "nonpositive": value.is_nonpositive,
            "real": True,
        }[self.assume]
        if not ok:
            raise LossError(f"parameter {self.name} must be {self.assume}, got {value}")
        return value


_INFINITIES = {"oo": 1, "+oo": 1, "-oo": -1, "inf": 1, "+inf": 1, "-inf": -1}


def _infinity(value: object) -> sp.Expr | None:
    """``oo`` or ``-oo`` when ``value`` spells or is one (text, float or sympy), else None."""
    if isinstance(value, str):
        sign = _INFINITIES.get(value.strip().lower())
    elif isinstance(value, float) and math.isinf(value):
        sign = 1 if value > 0 else -1
    elif value in (sp.oo, -sp.oo):
        sign = 1 if value == sp.oo else -1
    else:
        sign = None
    return None if sign is None else sp.oo * sign


def _is_decimal(value: object) -> bool:
    """Was a number written as a (finite, non-integer) decimal: ``4.685``, ``"0.5"``?"""
    if isinstance(value, float):
        return math.isfinite(value) and not value.is_integer()
    return isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d*\.\d+\s*", value) is not None


def exact(value: object) -> sp.Expr:
    """An exact sympy number from an int, float (its decimal repr), Fraction or sympy object.

    Strings are refused: text goes through :func:`parse_param_value` or ``lossmath.spec.parse``.
    """
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction)):
        raise LossError(f"expected a number or a sympy expression, got {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            return sp.nan if math.isnan(value) else sp.oo if value > 0 else -sp.oo
        value = Fraction(repr(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    return sp.Integer(value)


#: decimal exponents of parameter values are bounded before any number is built, so
#: ``1e100000000`` is refused at once instead of expanding a 100-million-digit integer
MAX_DECIMAL_EXPONENT = 400
# ASCII digits only (re.ASCII): Fraction (and float) also read other scripts' digits ("٣").
_NUMBER = re.compile(r"\s*[+-]?([\d_]*)(?:\.([\d_]*))?(?:[eE]([+-]?[\d_]+))?\s*", re.ASCII)


def parse_param_value(text: str) -> sp.Rational:
    """Parse ``"1"``, ``"0.5"``, ``"1e-3"`` or ``"1/9"`` exactly, without evaluating code.

    ``fractions.Fraction`` does the parsing: it accepts only numeric literals, so untrusted
    text never reaches ``sympify`` (which calls ``eval``). Sizes are checked first: at most
    100 characters and decimal exponents within ±400.
    """
    if len(text) > 100:
        raise LossError(f"number too long ({len(text)} characters; at most 100)")
    for part in text.split("/"):
        m = _NUMBER.fullmatch(part)
        if m is None:  # anything Fraction might read that is not a plain decimal
            raise LossError(f"malformed number {text!r} (expected e.g. 1, 0.5, 1e-3 or 1/9)")
        exponent = (m.group(3) or "0").replace("_", "")  # Fraction accepts 1e100_000_000
        if exponent.lstrip("+-") and abs(int(exponent)) > MAX_DECIMAL_EXPONENT:
            raise LossError(
                f"number {text.strip()!r} is out of range (decimal exponents are limited to "
                f"±{MAX_DECIMAL_EXPONENT})"
            )
    try:
        frac = Fraction(text.strip())
    except (ValueError, ZeroDivisionError) as exc:
        raise LossError(f"malformed number {text!r} (expected e.g. 1, 0.5, 1e-3 or 1/9)") from exc
    return sp.Rational(frac.numerator, frac.denominator)


def _check_powers(name: str, expr: sp.Expr, mapping: Mapping[sp.Symbol, sp.Expr]) -> None:
    """Refuse values that would make sympy evaluate a huge exact power (``2**p`` with
    ``p = 1e10`` is a 3-billion-digit integer), before substituting them."""
    for node in expr.atoms(sp.Pow):
        if not node.exp.free_symbols & set(mapping):
            continue
        e, b = node.exp.xreplace(dict(mapping)), node.base.xreplace(dict(mapping))
        if e.is_number and b.is_number and abs(sp.N(e)) > MAX_EXPONENT:
            raise LossError(
                f"{name}: these parameter values make {node} = {b}**{sp.N(e, 6)}, too large to "
                f"evaluate exactly (exponents are limited to {MAX_EXPONENT})"
            )


@dataclass(frozen=True)
class Reference:
    """A structured bibliographic reference."""

    authors: tuple[str, ...]
    title: str
    year: int
    venue: str = ""
    arxiv: str | None = None
    doi: str | None = None
    url: str | None = None
    note: str = ""  # e.g. "Eq. (3)"; printed in documents, so only what was checked

    def cite(self) -> str:
        """One-line citation: ``Girshick, "Fast R-CNN", ICCV, 2015, arXiv:1504.08083``."""
        authors = self.authors[0] + (" et al." if len(self.authors) > 2 else "")
        if len(self.authors) == 2:
            authors = f"{self.authors[0]} and {self.authors[1]}"
        parts = [authors, f'"{self.title}"']
        parts += [p for p in (self.venue, str(self.year)) if p]
        if self.arxiv:
            parts.append(f"arXiv:{self.arxiv}")
        if self.doi:
            parts.append(f"doi:{self.doi}")
        return ", ".join(parts)

    def link(self) -> str | None:
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url


@dataclass(frozen=True)
class Convention:
    """A stated convention ("which piece owns x = beta") and what it says.

    ``topic`` and ``statement`` are plain text (the terminal, generated docstrings). A
    catalog convention is written once as document markup (``$...$`` math, ```code```) with
    :meth:`typeset`, which derives the plain text; documents then typeset its mathematics.
    A spec's conventions (untrusted text) have no markup and are shown literally.
    """

    topic: str
    statement: str
    topic_markup: str = ""
    statement_markup: str = ""

    @classmethod
    def typeset(cls, topic: str, statement: str) -> Convention:
        """A convention from trusted document markup; the plain text is derived from it."""
        from lossmath.core.plaintext import plain

        return cls(plain(topic), plain(statement), topic, statement)


class _Deferred:
    """The marker of a table not built yet (:meth:`Loss.deferred`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<table built on first use>"


_DEFERRED = _Deferred()


def _derivative_name(base: str, order: int) -> str:
    """``smooth_l1``, ``smooth_l1′``, ``smooth_l1″``, ``smooth_l1‴``, ``smooth_l1^(4)``."""
    if order == 0:
        return base
    return base + ("\u2032\u2033\u2034"[order - 1] if order <= 3 else f"^({order})")


@dataclass(frozen=True, eq=False)
class Loss:
    """A loss ``f(x)`` of a real residual ``x``: a sympy expression, usually a ``Piecewise``.

    Construction validates the definition (every free symbol is ``x`` or a declared parameter;
    the pieces cover the whole real line) and normalises it once into an
    :class:`~lossmath.core.table.IntervalTable`, the source of truth for every analysis and emitter.
    :meth:`deferred` builds the same loss but normalises it on first use of :attr:`table`
    (the catalog's losses, so importing the catalog does not normalise thirty of them).

    Examples
    --------
    >>> import sympy as sp
    >>> from lossmath import Loss, Param, x
    >>> beta = Param("beta", default=1)
    >>> f = Loss("smooth_l1", sp.Piecewise((x**2 / (2 * beta.symbol), sp.Abs(x) < beta.symbol),
    ...                                    (sp.Abs(x) - beta.symbol / 2, True)), params=(beta,))
    >>> f.table.breakpoints
    (-beta, beta)
    """

    name: str
    expr: sp.Expr
    params: tuple[Param, ...] = ()
    title: str = ""
    description: str = ""
    aliases: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    conventions: tuple[Convention, ...] = ()
    unknowns: tuple[str, ...] = ()  # parameters that are constants still to be solved for
    order: int = 0  # 0 for the loss itself, n for its n-th derivative
    base_name: str | None = None  # the loss this is a derivative of
    #: The description as document markup (``$...$`` math), for the catalog's losses
    #: (trusted text; :func:`lossmath.core.plaintext.described` derives ``description`` from it).
    description_markup: str = ""
    #: ``"distance"`` (a function of a residual) or ``"margin"`` (of the margin ``y*f``, a
    #: classification loss): what ``calibrated`` applies to.
    kind: str = "distance"
    #: Parameter values at which the formula is singular (Barron's alpha = 0, 2, -oo): given
    #: the substituted values by name, returns the loss there (a sympy limit, computed when
    #: called) or None for the formula's own substitution. Allows +-oo where it answers.
    special: Callable[[Mapping[str, sp.Expr]], sp.Expr | None] | None = field(
        default=None, repr=False, compare=False
    )
    _table: IntervalTable | _Deferred | None = field(default=None, repr=False, compare=False)

    @classmethod
    def deferred(cls, **fields: object) -> Loss:
        """The loss ``Loss(**fields)`` with its table built on first use instead of now.

        Everything else is checked at once (names, parameters, free symbols); what the
        table checks (that the pieces cover the real line, that the breakpoints can be
        ordered) is checked on first use of :attr:`table`, and a failure raises
        :class:`LossError` there. For trusted definitions, such as the catalog's: building
        the tables of all its losses takes about a second, which ``import lossmath`` would
        otherwise pay for losses it may never use. The result is the same loss: its table
        is the one construction would have built, and copies (``subs``, ``solved``) are
        built at once as usual.
        """
        if "_table" in fields:
            raise TypeError("Loss.deferred() builds the table itself; do not pass _table")
        return cls(**fields, _table=_DEFERRED)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        if not self.name or any(c.isspace() for c in self.name):
            raise LossError(f"invalid loss name {self.name!r}")
        if self.kind not in ("distance", "margin"):
            raise LossError(f"{self.name}: kind must be 'distance' or 'margin', got {self.kind!r}")
        object.__setattr__(self, "params", tuple(self.params))
        names = [p.name for p in self.params]
        missing = sorted(set(self.unknowns) - set(names))
        if missing:
            raise LossError(f"{self.name}: unknowns {', '.join(missing)} are not parameters")
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise LossError(f"{self.name}: parameter declared twice: {', '.join(dupes)}")
        expr = exact(self.expr)
        object.__setattr__(self, "expr", expr)
        allowed = {x, *(p.symbol for p in self.params)}
        unknown = expr.free_symbols - allowed
        if unknown:
            by_name = {p.name: p for p in self.params}
            details = []
            for s in sorted(unknown, key=str):
                if s.name in by_name:
                    details.append(
                        f"{s.name} (declared {by_name[s.name].assume}, but used with other "
                        "assumptions)"
                    )
                elif s.name == "x":
                    details.append("x (the residual must be lossmath.x, declared real)")
                else:
                    details.append(s.name)
            raise LossError(
                f"{self.name}: undeclared symbol(s) {', '.join(details)}; declare them as "
                "parameters"
            )
        if self._table is None:
            object.__setattr__(self, "_table", self._build_table())

    def _build_table(self) -> IntervalTable:
        try:
            return build_table(self.expr, self.params, self.unknowns)
        except ValueError as exc:
            raise LossError(f"{self.name}: {exc}") from exc

    # -- the normal form ------------------------------------------------------------------
    @property
    def table(self) -> IntervalTable:
        """The interval table (built here on first use for a :meth:`deferred` loss)."""
        table = self._table
        if isinstance(table, _Deferred):
            # Building is deterministic, so two threads racing here store equal tables; an
            # interrupted build (OutOfTime) stores nothing and the next use builds again.
            table = self._build_table()
            object.__setattr__(self, "_table", table)
        assert table is not None
        return table

    @property
    def symbols(self) -> dict[str, sp.Symbol]:
        return {p.name: p.symbol for p in self.params}

    @property
    def defaults(self) -> dict[str, sp.Expr]:
        return {p.name: p.default for p in self.params if p.default is not None}

    @property
    def label(self) -> str:
        """``smooth_l1`` for the loss, ``smooth_l1′`` / ``smooth_l1″`` for derivatives (also
        their :attr:`name`)."""
        return _derivative_name(self.base_name or self.name, self.order)

    # -- operations -----------------------------------------------------------------------
    def derivative(self, n: int = 1) -> Loss:
        """The n-th derivative, itself a :class:`Loss` over the same breakpoints.

        On every open interval it is the classical derivative of that piece (no ``DiracDelta``,
        no ``sign(x)**2``); at a breakpoint it is the derivative of the piece that owns the
        breakpoint (the one-sided derivative, the convention PyTorch's kernels use).
        """
        if n < 0:
            raise LossError(f"derivative order must be >= 0, got {n}")
        if n == 0:
            return self
        table = self.table.diff(n)
        base = self.base_name or self.name
        return Loss(
            name=_derivative_name(base, self.order + n),
            expr=table.piecewise(),
            params=self.params,
            title=self.title,
            description=self.description,
            description_markup=self.description_markup,
            aliases=(),
            references=self.references,
            conventions=(),
            order=self.order + n,
            base_name=base,
            kind=self.kind,
            special=self.special,
            _table=table,
        )

    def subs(self, values: Mapping[str, object] | None = None, **kw: object) -> Loss:
        """Substitute parameter values (validated against their assumptions).

        The substituted parameters are removed; the rest stay symbolic. Breakpoints are
        recomputed, since a value can make two of them coincide.
        """
        given = {**(values or {}), **kw}
        by_name = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(by_name))
        if unknown:
            known = ", ".join(by_name) or "none"
            raise LossError(
                f"{self.name}: unknown parameter(s) {', '.join(unknown)} (parameters: {known})"
            )
        if not given:
            return self
        checked = {k: by_name[k].check(v) for k, v in given.items()}
        if self.special is not None:
            at = self.special(checked)
            if at is not None:
                return self._special_case(at, set(checked))
        infinite = sorted(k for k, v in checked.items() if not v.is_finite)
        if infinite:
            raise LossError(f"{self.name}: parameter {infinite[0]} must be finite here, got "
                            f"{checked[infinite[0]]}")
        return self._substituted({by_name[k].symbol: v for k, v in checked.items()})

    def _special_case(self, expr: sp.Expr, gone: set[str]) -> Loss:
        """The loss (or this derivative of it) with ``expr``, the definition at a singular
        parameter value, in place of the formula."""
        base = replace(
            self,
            name=self.base_name or self.name,
            expr=expr,
            params=tuple(p for p in self.params if p.name not in gone),
            unknowns=tuple(u for u in self.unknowns if u not in gone),
            order=0,
            base_name=None,
            special=None,
            _table=None,
        )
        if self.order == 0:
            return base
        return replace(base.derivative(self.order), aliases=(), conventions=())

    def solved(self, values: Mapping[str, sp.Expr]) -> Loss:
        """Replace parameters (typically the ``unknowns``) by expressions in the others.

        ``wing.solved({"C": w - w*log(1 + w/epsilon)})`` is Wing loss with its joining constant.
        """
        by_name = {p.name: p for p in self.params}
        missing = sorted(set(values) - set(by_name))
        if missing:
            raise LossError(f"{self.name}: unknown parameter(s) {', '.join(missing)}")
        return self._substituted({by_name[k].symbol: exact(v) for k, v in values.items()})

    def _substituted(self, mapping: Mapping[sp.Symbol, sp.Expr]) -> Loss:
        _check_powers(self.name, self.expr, mapping)
        gone = {s.name for s in mapping}
        return replace(
            self,
            expr=self.expr.xreplace(dict(mapping)),
            params=tuple(p for p in self.params if p.name not in gone),
            unknowns=tuple(u for u in self.unknowns if u not in gone),
            _table=None,
        )

    def with_defaults(self) -> Loss:
        """All parameters that have defaults substituted."""
        return self.subs(self.defaults)

    def __call__(self, value: object) -> sp.Expr:
        """``f(value)`` with the owner-piece convention at breakpoints."""
        return self.table.value_at(exact(value))

    def __str__(self) -> str:
        return f"{self.label}(x) = {sp.sstr(self.expr)}"

    def __repr__(self) -> str:
        """One short line: name, parameters with defaults, breakpoints (``str`` has the
        formula)."""
        params = ", ".join(p.name + (f"={p.default_text}" if p.default is not None else "")
                           for p in self.params)
        bps = [sp.sstr(b.at) for b in self.table.breakpoints]
        if len(bps) > 4:
            bps = [*bps[:3], "...", bps[-1]]
        where = f", breakpoints {', '.join(bps)}" if bps else ", no breakpoints"
        text = f"<Loss {self.label}" + (f" ({params})" if params else "") + where + ">"
        return text if len(text) <= 120 else text[:116] + "...>"

    def plot(self, orders: tuple[int, ...] = (0, 1, 2), xlim: tuple[float, float] | None = None,
             **params: object):
        """A matplotlib Figure of the loss and its derivatives, one panel per order, as the
        documents draw them: each interval drawn on its own, dots at the value each
        breakpoint takes, open circles at one-sided limits that differ from it.

        Parameters take their defaults unless given (``f.plot(beta=2)``); ``xlim`` defaults
        to a range that shows every breakpoint. An order that cannot be drawn (``f'`` of
        ``sqrt(|x|)`` at 0) is left out. In a notebook the returned Figure displays itself.
        """
        from lossmath.render.plot import plot_loss  # plotting (matplotlib) only when asked for

        return plot_loss(self, orders=orders, xlim=xlim, params=params)

    def _repr_latex_(self) -> str:
        from lossmath.render.latex import loss_latex

        return "$\\displaystyle " + loss_latex(self) + "$"
