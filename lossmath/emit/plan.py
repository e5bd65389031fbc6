"""The target-neutral plan of generated code: what every printer prints.

A printer (numpy, torch, JAX, array API, numba) never re-derives mathematics. It asks this
module for a :class:`Spec` per loss -- the loss, its parameter defaults, and the interval
tables of f and its first three derivatives -- and for :func:`forms`: how each of f, f' and
f'' is evaluated, as one of :mod:`lossmath.emit.forms`' shapes (a clip, the Huber form,
steps, one expression, or each piece on its own interval), with the transcendental pieces
replaced by the stable forms of :mod:`lossmath.numerics` (each proved equal to the definition
by sympy). What a printer adds is syntax: a table of known functions, a few overrides, and
its own calling conventions. The docstrings every target shares are in
:mod:`lossmath.emit.docs`.
"""

from __future__ import annotations

import dataclasses
import math
import re
import struct
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import sympy as sp

from lossmath import catalog
from lossmath.core.loss import Loss, LossError, Param
from lossmath.core.param_limits import boundary_limit, limit_side
from lossmath.core.table import IntervalTable
from lossmath.emit.forms import (
    Form,
    Masked,
    Single,
    UnsupportedExpression,
    at_infinity,
    limit_at,
    recognise,
    regions,
)
from lossmath.emit.lower import LOWERED
from lossmath.emit.names import check_distinct, check_user_name
from lossmath.numerics.regimes import Plan, single
from lossmath.numerics.rewrite import plan_pieces
from lossmath.numerics.search import Domain

__all__ = [
    "SUFFIX",
    "Edge",
    "Spec",
    "domain",
    "edges",
    "param_derivative",
    "UnsupportedExpression",
    "float_literal",
    "forms",
    "function_names",
    "identifier_check",
    "make_spec",
    "plans",
    "resolve",
    "resolve_losses",
    "safe_point",
    "safe_points",
    "third_form",
]


def float_literal(value: sp.Expr) -> str:
    """A finite real number as Python source: ``repr`` of the nearest double."""
    value = sp.sympify(value)
    if not value.is_real:
        raise UnsupportedExpression(f"cannot emit the non-real constant {value}")
    f = float(value) if value.is_Rational else float(sp.N(value, 40))
    if f != f or f in (float("inf"), float("-inf")):
        raise UnsupportedExpression(f"the constant {value} does not fit a float64")
    return repr(f)


@dataclass(frozen=True)
class Spec:
    """One loss to emit: its Loss, parameter defaults, and the tables of f, f', f'', f'''."""

    loss: Loss
    defaults: dict[str, sp.Expr]
    tables: tuple[IntervalTable, ...]

    @property
    def name(self) -> str:
        return self.loss.name


SUFFIX = {0: "", 1: "_grad", 2: "_hess"}


def function_names(name: str) -> tuple[str, str, str, str]:
    """The public functions generated for a loss called ``name``."""
    return (name, f"{name}_grad", f"{name}_hess", f"{name}_value_and_grad")


def identifier_check(
    arguments: Iterable[str], pattern: re.Pattern[str] | None = None, modules: Iterable[str] = ()
) -> Callable[[str, str], None]:
    """A ``check_name`` for :func:`make_spec`: the rules of
    :func:`lossmath.emit.names.check_user_name` for a target whose public arguments (and
    locals not yet in lossmath's ``_`` space) are ``arguments``, whose imported modules are
    ``modules``, and whose kernel temporaries match ``pattern``."""
    arguments, modules = frozenset(arguments), frozenset(modules)

    def check(text: str, what: str) -> None:
        check_user_name(text, what, arguments=arguments, modules=modules)
        if pattern is not None and pattern.match(text):
            raise LossError(f"{what} {text!r} is a temporary of the generated code; rename it")

    return check


def make_spec(
    loss: Loss,
    overrides: Mapping[str, object],
    check_name: Callable[[str, str], None] = lambda text, what: None,
) -> Spec:
    """The :class:`Spec` of ``loss`` with the defaults ``overrides`` (validated like
    ``--param``); ``check_name(text, what)`` refuses names the target cannot use."""
    if loss.order != 0:
        raise LossError(f"{loss.label}: pass the loss itself; its derivatives are generated")
    if getattr(loss, "unknowns", ()):
        raise LossError(
            f"{loss.name}: unknowns left unsolved: {', '.join(loss.unknowns)}; solve them first"
        )
    check_name(loss.name, "loss name")
    if overrides:  # names and values checked the way every --param is
        try:
            loss.subs(dict(overrides))
        except LossError as exc:
            text = str(exc)
            text = text if text.startswith(loss.name) else f"{loss.name}: {text}"
            raise LossError(text) from None
    defaults: dict[str, sp.Expr] = {}
    for p in loss.params:
        check_name(p.name, f"{loss.name}: parameter")
        value = p.check(overrides[p.name]) if p.name in overrides else p.default
        if value is not None:
            _check_float(loss.name, p, value, overrides.get(p.name, value))
            defaults[p.name] = value
    tables = (loss.table, *(loss.derivative(n).table for n in (1, 2, 3)))
    return Spec(loss, defaults, tables)


def resolve_losses(
    losses: Sequence[Loss | str],
    params: Mapping[str, Mapping[str, object]],
    check_name: Callable[[str, str], None] = lambda text, what: None,
) -> list[Spec]:
    """The specs of one generated module: catalog names resolved, each loss once, no two
    generated functions with one name, and every ``params`` key one of the losses."""
    resolved = [resolve(item) for item in losses]
    if not resolved:
        raise LossError("no losses to generate")
    check_distinct([(loss.name, f"the loss {loss.name!r}") for loss in resolved])
    for loss in resolved:
        check_distinct([(p.name, f"the parameter {p.name!r} of {loss.name}")
                        for p in loss.params])
    seen: dict[str, str] = {}
    for loss in resolved:
        if loss.name in seen:
            raise LossError(f"the loss {loss.name} is given twice (an alias names it too)")
        for fname in function_names(loss.name):
            if fname in seen:
                raise LossError(
                    f"{loss.name}: the function {fname} is already defined for {seen[fname]} "
                    "(a loss given twice?)"
                )
            seen[fname] = loss.name
    by_name = {loss.name: loss for loss in resolved}
    for key in params:
        if key not in by_name:
            raise LossError(
                f"--param {key}.*: {key} is not one of the losses being generated "
                f"({', '.join(by_name)})"
            )
    return [make_spec(loss, params.get(loss.name, {}), check_name) for loss in resolved]


def _check_float(name: str, p: Param, value: sp.Expr, given: object) -> None:
    """A default must be a finite number in its domain after rounding to float64, and to
    float32 too: float32 input computes with the parameters rounded to float32 (and JAX
    computes in float32 by default), so a default outside its domain there would make every
    such call fail."""
    if value.is_infinite:
        raise LossError(
            f"{name}: parameter {p.name} = {given}: a generated function takes finite "
            "parameters; give a finite default"
        )
    f = float(value)
    try:
        f32 = struct.unpack("f", struct.pack("f", f))[0]
    except OverflowError:
        f32 = math.copysign(math.inf, f)
    for width, v in (("float64", f), ("float32", f32)):
        ok = {
            "positive": v > 0, "nonnegative": v >= 0, "negative": v < 0, "nonpositive": v <= 0,
            "real": True,
        }[p.assume]
        if not (v == v and abs(v) != math.inf and ok):
            must = "" if p.assume == "real" else f" {p.assume}"
            raise LossError(
                f"{name}: parameter {p.name} = {given} is not a finite{must} number in "
                f"{width} (it rounds to {v!r}); give a default that is (pass such a value "
                "per call, with float64 input)"
            )


@dataclass(frozen=True)
class Edge:
    """A parameter's boundary value 0 (it is declared positive or negative), where the loss
    has a limit (:func:`lossmath.core.param_limits.boundary_limit`): generated code takes the
    limit there (``smooth_l1`` with ``beta = 0`` is L1, ``pseudo_huber`` with ``delta = 0``
    is 0). ``index``: the parameter's position (it names the limit's kernels); ``spec``: the
    limit, a loss of the other parameters with their defaults."""

    param: str
    index: int
    side: str  # "+": the parameter is positive, "-": negative
    spec: Spec

    @property
    def safe(self) -> str:
        """A value inside the parameter's range that stands for 0 in the interior kernel
        where the limit is taken instead (array code evaluates both)."""
        return "1.0" if self.side == "+" else "-1.0"

    @property
    def tag(self) -> str:
        """The private kind prefix of the limit's generated functions: ``e0``, ``e1``..."""
        return f"e{self.index}"


#: the limit of each (loss, parameter), per Loss object (immutable): sympy limits take
#: seconds, and every printer of a process asks for the same ones
_EDGES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def edges(spec: Spec) -> tuple[Edge, ...]:
    """The boundary values of ``spec``'s parameters at which the loss has a limit, each
    with the limit's spec (the other parameters keep ``spec``'s defaults)."""
    loss = spec.loss
    if loss not in _EDGES:
        _EDGES[loss] = tuple(
            (i, p.name, limit_side(p), boundary_limit(loss, p.name))
            for i, p in enumerate(loss.params) if limit_side(p) is not None)
    out = []
    for i, name, side, limit in _EDGES[loss]:
        if limit is None:
            continue
        rest = {k: v for k, v in spec.defaults.items() if k != name}
        out.append(Edge(name, i, side, make_spec(limit, rest)))
    return tuple(out)


#: the derivative of a loss in each of its parameters, per Loss object
_DPARAM: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def param_derivative(spec: Spec, name: str) -> Spec:
    """The spec of ``df/d(name)``: each piece of the definition differentiated in the
    parameter ``name`` (x fixed, so on every open interval it is the classical partial
    derivative, and at a breakpoint the owner's, the convention of the derivatives in x),
    a function of x and the same parameters. Its derivatives in x are those of f' and f''
    in the parameter (the partial derivatives commute on each piece)."""
    loss = spec.loss
    cache = _DPARAM.setdefault(loss, {})
    if name not in cache:
        s = next(p.symbol for p in loss.params if p.name == name)
        table = loss.table
        pieces = [(sp.diff(e, s), c) for e, c in table.pieces]
        expr = pieces[0][0] if len(pieces) == 1 and pieces[0][1] == sp.true else (
            sp.Piecewise(*pieces))
        cache[name] = replace(loss, expr=expr, special=None, aliases=(), conventions=(),
                              _table=None)
    return make_spec(cache[name], dict(spec.defaults))


def domain(p: Param, edged: Sequence[Edge]) -> str:
    """The domain a generated function admits for ``p``: its own, widened by 0 where the
    loss takes its limit there (``positive`` becomes ``nonnegative``)."""
    if any(e.param == p.name for e in edged):
        return {"positive": "nonnegative", "negative": "nonpositive"}[p.assume]
    return p.assume


def resolve(item: Loss | str) -> Loss:
    return item if isinstance(item, Loss) else catalog.get(item)


def _piece_bound(table: IntervalTable, piece: int) -> sp.Expr | None:
    """The largest |x| piece ``piece`` is used on, when its runs are ``-b..b`` (else None)."""
    his = []
    for p, runs in regions(table):
        if p != piece:
            continue
        for r in runs:
            if r.lo is None or r.hi is None or sp.simplify(r.lo + r.hi) != 0:
                return None
            his.append(r.hi)
    return his[0] if len(set(his)) == 1 else None


def _stable(
    form: Form, table: IntervalTable, plans: tuple[Plan, ...], note: str | None = None
) -> Form:
    """``form`` evaluated with the rewrite stage's plans (one per piece), with the numerics
    stage's ``note``."""
    if all(p == single(e) for p, (e, _) in zip(plans, table.pieces)):
        return form if note is None else dataclasses.replace(form, note=note)
    if isinstance(form, Single) and len(plans[0]) == 1:
        expr = plans[0][0].expr
        if all(at_infinity(expr, s)[0] for s in (-sp.oo, sp.oo)):
            return Single(expr, note)
    limits = (limit_at(table.intervals[0].expr, -sp.oo), limit_at(table.intervals[-1].expr, sp.oo))
    # the rewritten forms' IEEE values at +-inf are not checked: the limits are patched in
    return Masked(table, regions(table), (False, False), limits, plans, note)


#: forms() per Loss object (immutable, hashed by identity): every printer in a process asks
#: for the same loss's forms, and recognising them runs sympy proofs (seconds per loss).
_FORMS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def forms(spec: Spec) -> tuple[Form, Form, Form]:
    """The recognised form of each function; the transcendental ones (Single, Masked) with
    their pieces rewritten by the numerics stage. Clip, HuberLike and Steps are exact as they
    are and are kept. (Computed once per loss; the tables depend on the loss alone.)"""
    if spec.loss not in _FORMS:
        _FORMS[spec.loss] = _forms(spec)
    return _FORMS[spec.loss]


def _forms(spec: Spec) -> tuple[Form, Form, Form]:
    t = spec.tables
    forms = [recognise(t[0], t[1]), recognise(t[1], t[2]), recognise(t[2], t[3])]
    if not any(isinstance(f, (Single, Masked)) for f in forms):
        return tuple(forms)  # type: ignore[return-value]
    per_piece = [
        plan_pieces(
            [t[n].pieces[i][0] for n in range(3)], _piece_bound(t[0], i), _domain(spec, i)
        )
        for i in range(len(t[0].pieces))
    ]
    for n, f in enumerate(forms):
        if isinstance(f, (Single, Masked)):
            notes = [pp.notes[n] for pp in per_piece if pp.notes[n]]
            note = "; ".join(dict.fromkeys(notes)) if notes else None
            forms[n] = _stable(f, t[n], tuple(pp.plans[n] for pp in per_piece), note)
    return tuple(forms)  # type: ignore[return-value]


def _domain(spec: Spec, piece: int) -> Domain | None:
    """Where piece ``piece`` is used, at the parameters' defaults, for the numerics stage's
    measurement (None when a parameter has no default: nothing to measure at)."""
    params = {p.symbol: p.default for p in spec.loss.params}
    if any(v is None for v in params.values()):
        return None
    spans = []
    for iv in spec.tables[0].intervals:
        if iv.piece != piece:
            continue
        ends = [float(sp.N(sp.sympify(e).xreplace(params), 30)) for e in (iv.lo, iv.hi)]
        spans.append((ends[0], ends[1]))
    # measured as the printers lower it (lossmath.emit.lower.Lowered), not as sympy holds it
    return Domain(tuple(spans), tuple(sorted(params.items(), key=lambda kv: kv[0].name)),
                  LOWERED)


def plans(loss: Loss | str) -> dict[str, Form]:
    """How each generated function of ``loss`` evaluates it (for tests and curious users)."""
    spec = make_spec(resolve(loss), {})
    f0, f1, f2 = forms(spec)
    names = function_names(spec.name)
    return {names[0]: f0, names[1]: f1, names[2]: f2}


# -- what array printers need besides the forms ----------------------------------------------


def _inside(lo: sp.Expr, hi: sp.Expr) -> sp.Expr:
    """A point strictly inside ``(lo, hi)`` for every parameter value the assumptions allow,
    away from both ends and (for a bounded interval) from its middle, where a kink of the
    other pieces tends to sit: ``lo + 3/7 (hi - lo)``, ``hi - 1 - |hi|``, ``lo + 1 + |lo|``."""
    if lo == -sp.oo and hi == sp.oo:
        return sp.Rational(1, 7)
    if lo == -sp.oo:
        return sp.simplify(hi - 1 - sp.Abs(hi))
    if hi == sp.oo:
        return sp.simplify(lo + 1 + sp.Abs(lo))
    return sp.simplify(lo + sp.Rational(3, 7) * (hi - lo))


def safe_point(table: IntervalTable, piece: int) -> sp.Expr:
    """An exact point (a parameter expression) strictly inside an open interval where
    ``piece`` holds: the input the piece is evaluated on wherever it is not used.

    Array libraries evaluate both branches of a ``where``; a singular unused branch (``sqrt``
    at 0, ``log`` at a negative x) would give inf or NaN there, and its derivative times a
    zero cotangent is NaN in every autodiff (jax-ml/jax#1052: the "double where" trick).
    Evaluated on ``where(mask, x, safe_point)`` instead, a piece only ever sees points of its
    own interval, where it is analytic. A bounded interval is preferred (its point does not
    grow with the parameters)."""
    ivs = [iv for iv in table.intervals if iv.piece == piece]
    if not ivs:  # a piece of one point (a limit's value there): defined at that point
        owned = [b.at for b in table.breakpoints if b.owner == piece]
        if owned:
            return owned[0]
        raise LossError(f"piece {piece} holds on no interval")
    bounded = [iv for iv in ivs if iv.lo != -sp.oo and iv.hi != sp.oo]
    iv = (bounded or ivs)[0]
    point = _inside(iv.lo, iv.hi)
    for sample in table.samples:  # the formulas above are inside by construction; checked
        lo, hi, p = (sp.sympify(e).xreplace(sample) for e in (iv.lo, iv.hi, point))
        if not (lo < p < hi):  # pragma: no cover - a guard on the formulas above
            raise LossError(f"no safe point found inside ({iv.lo}, {iv.hi})")
    return point


def safe_points(form: Masked) -> tuple[sp.Expr, ...]:
    """:func:`safe_point` of each piece of a :class:`Masked` form, by piece index."""
    return tuple(safe_point(form.table, p) for p in range(len(form.table.pieces)))


def third_form(spec: Spec) -> Form | None:
    """The form of f''' (for a Hessian's own backward pass in autodiff targets), from
    ``spec.tables[3]`` as written (stable rewrites of single expressions only: f''' is only
    ever used to differentiate the Hessian, which the numerics stage does not plan); None
    when it has no form a printer can emit (it should then raise when asked)."""
    t = spec.tables
    try:
        return recognise(t[3], None)
    except Exception:  # pragma: no cover - recognition is total on valid tables
        return None
