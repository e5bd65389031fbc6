"""Your own losses from text: an inline expression or a TOML file, parsed safely.

Every expression goes through :mod:`lossmath.spec.parse` (a whitelisted AST walk); nothing from a
spec reaches ``eval``, ``exec``, ``sympify`` or ``parse_expr``. Names become identifiers in
generated code and labels in LaTeX, so they are restricted to ``[A-Za-z][A-Za-z0-9_]*``;
descriptions are free text, escaped by each emitter.

TOML layout::

    name = "wing"
    title = "Wing loss"                           # optional
    description = "Wing loss (Feng et al., CVPR 2018)"
    unknowns = ["C"]                              # constants to solve for; optional
    # or, once solved (``lossmath solve SPEC -o SOLVED.toml`` writes this):
    # [constants]
    # C = "w - w*log(1 + w/epsilon)"
    [params]
    w = { default = 10, assume = "positive" }
    epsilon = { default = 2, assume = "positive" }
    [[pieces]]
    expr = "w*log(1 + abs(x)/epsilon)"
    when = "abs(x) < w"
    [[pieces]]
    expr = "abs(x) - C"
    when = "otherwise"
    [[references]]                                # optional
    authors = ["Zhen-Hua Feng", "Josef Kittler"]
    title = "Wing Loss for Robust Facial Landmark Localisation with CNNs"
    year = 2018
    venue = "CVPR"
    arxiv = "1711.06753"
"""

from __future__ import annotations

import keyword
import re
import tomllib
from pathlib import Path
from typing import Any

import sympy as sp

from lossmath.base.symbols import x
from lossmath.core.loss import Loss, LossError, Param, Reference
from lossmath.spec.parse import ParseError, parse_condition, parse_expression

__all__ = ["SpecError", "loss_from_expr", "loss_from_toml", "load_spec", "NAME_RE"]

#: Loss and parameter names: identifiers safe in Python, LaTeX labels and file names.
NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
MAX_SPEC_BYTES = 64 * 1024
MAX_PIECES = 32
MAX_TEXT = 2000  # title/description characters
MAX_DEPTH = 8  # nested tables and arrays (a spec needs 3: [[references]] authors = [...])
_RESERVED = {"x", "pi", "e", "E", "I", "oo", "nan", "inf", "otherwise", "True", "False"}


class SpecError(LossError):
    """A spec file or expression is invalid; the message names the field and the problem."""


def _check_name(name: object, what: str) -> str:
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise SpecError(
            f"{what} {name!r} is not a valid name (letters, digits and _, starting with a "
            "letter, at most 64 characters)"
        )
    if name in _RESERVED or keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise SpecError(f"{what} {name!r} is reserved")
    return name


def _check_text(value: object, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SpecError(f"{what} must be a string, got {type(value).__name__}")
    if len(value) > MAX_TEXT:
        raise SpecError(f"{what} is {len(value)} characters long; the limit is {MAX_TEXT}")
    # Any character is kept, control characters included: each sink escapes it
    # (lossmath.io.escape), as it must for text that comes through the Python API anyway.
    # Only a lone surrogate (which tomllib lets through as \uD800) is refused: TOML forbids
    # it, and no UTF-8 file can hold it.
    bad = next((c for c in value if 0xD800 <= ord(c) <= 0xDFFF), None)
    if bad is not None:
        raise SpecError(f"{what} contains U+{ord(bad):04X}, a lone surrogate (not a character)")
    return value


#: ``--declare`` items: NAME, then an optional sign (``>0`` positive, ``>=0`` nonnegative,
#: ``<0``, ``<=0``; none: real), then an optional ``=DEFAULT``.
_DECLARE = re.compile(r"(?P<name>[A-Za-z][A-Za-z0-9_]*)\s*(?P<sign>[<>]=?\s*0)?"
                      r"\s*(?:=\s*(?P<default>\S.*))?")
_SIGNS = {">0": "positive", ">=0": "nonnegative", "<0": "negative", "<=0": "nonpositive",
          None: "real"}


def declared_param(item: str) -> Param:
    """A parameter from a ``--declare`` item: ``beta>0=1`` (positive, default 1),
    ``c>=0``, ``t=0.5`` (real)."""
    m = _DECLARE.fullmatch(item.strip())
    if m is None:
        raise SpecError(f"--declare {item!r}: write NAME, NAME>0, NAME>=0, NAME<0 or NAME<=0, "
                        "optionally followed by =DEFAULT (e.g. --declare 'beta>0=1')")
    default, sign = m.group("default"), m.group("sign")
    return _param(m.group("name"), {"default": default.strip() if default else None,
                                    "assume": _SIGNS[sign and "".join(sign.split())]})


def loss_from_expr(text: str, name: str = "expr", declare: tuple[str, ...] = ()) -> Loss:
    """A loss from one inline expression in ``x``, e.g.
    ``"0.5*x**2 if abs(x) < 1 else abs(x) - 0.5"``; ``declare`` items add parameters
    (:func:`declared_param`: ``("beta>0=1",)`` makes ``beta*x**2`` a loss)."""
    params = [declared_param(item) for item in declare]
    names = {"x": x, **{p.name: p.symbol for p in params}}
    if len(names) != len(params) + 1:
        raise SpecError("--declare: a parameter is declared twice (or named x)")
    expr = parse_expression(text, names, what="--expr")
    try:
        return Loss(_check_name(name, "name"), expr, params=tuple(params),
                    description=f"user expression: {text}")
    except LossError as exc:
        raise SpecError(str(exc)) from None


def _param(name: str, spec: Any) -> Param:
    _check_name(name, "parameter")
    if isinstance(spec, (int, float, str)) and not isinstance(spec, bool):
        spec = {"default": spec}
    if not isinstance(spec, dict):
        raise SpecError(
            f'parameter {name}: expected a table like {{ default = 1, assume = "positive" }}'
        )
    extra = sorted(set(spec) - {"default", "assume", "description", "latex"})
    if extra:
        raise SpecError(f"parameter {name}: unknown key(s) {', '.join(extra)}")
    default = spec.get("default")
    if isinstance(default, bool) or not isinstance(default, (int, float, str, type(None))):
        raise SpecError(f"parameter {name}: default must be a number")
    latex = spec.get("latex")
    if latex is not None and not isinstance(latex, str):
        raise SpecError(f"parameter {name}: latex must be a string like \"\\\\beta\"")
    try:
        return Param(
            name,
            default=default,
            assume=spec.get("assume", "positive"),
            description=_check_text(spec.get("description"), f"parameter {name} description"),
            latex=latex,
        )
    except LossError as exc:
        raise SpecError(str(exc)) from None


def _reference(i: int, spec: Any) -> Reference:
    if not isinstance(spec, dict):
        raise SpecError(f"references[{i}] must be a table")
    try:
        authors = spec["authors"]
        title, year = spec["title"], spec["year"]
    except KeyError as exc:
        raise SpecError(f"references[{i}] needs authors, title and year") from exc
    extra = sorted(set(spec) - {"authors", "title", "year", "venue", "arxiv", "doi"})
    if extra:  # a key not read (url = ...) would be silently lost
        raise SpecError(f"references[{i}]: unknown key(s) {', '.join(map(str, extra))} "
                        "(known: authors, title, year, venue, arxiv, doi)")
    if isinstance(authors, str):
        authors = [authors]
    if not isinstance(authors, list) or not authors:
        raise SpecError(f"references[{i}].authors must be a name or a non-empty list of names")
    if not isinstance(year, int) or isinstance(year, bool) or not 0 < year < 10000:
        raise SpecError(f"references[{i}].year must be a year (an integer from 1 to 9999)")
    return Reference(
        authors=tuple(_check_text(a, f"references[{i}].authors") for a in authors),
        title=_check_text(title, f"references[{i}].title"),
        year=year,
        venue=_check_text(spec.get("venue"), f"references[{i}].venue"),
        arxiv=_check_text(spec.get("arxiv"), f"references[{i}].arxiv") or None,
        doi=_check_text(spec.get("doi"), f"references[{i}].doi") or None,
    )


def loss_from_toml(data: dict[str, Any], source: str = "spec") -> Loss:
    """A loss from parsed TOML (see the module docstring for the layout)."""
    known = {
        "name",
        "title",
        "description",
        "unknowns",
        "params",
        "pieces",
        "references",
        "aliases",
        "constants",
    }
    extra = sorted(set(data) - known)
    if extra:
        raise SpecError(f"{source}: unknown key(s) {', '.join(extra)}")
    name = _check_name(data.get("name"), "name")
    params_spec = data.get("params", {})
    if not isinstance(params_spec, dict):
        raise SpecError(f"{source}: [params] must be a table")
    params = [_param(k, v) for k, v in params_spec.items()]
    unknowns = data.get("unknowns", [])
    if not isinstance(unknowns, list):
        raise SpecError(f"{source}: unknowns must be a list of names")
    for u in unknowns:
        _check_name(u, "unknown")
        if u in params_spec:
            raise SpecError(f"{source}: {u} is both a parameter and an unknown")
        params.append(Param(u, assume="real", description="constant to solve for"))
    names = {"x": x, **{p.name: p.symbol for p in params}}
    constants_spec = data.get("constants", {})
    if not isinstance(constants_spec, dict):
        raise SpecError(f'{source}: [constants] must be a table of name = "expression"')
    constants: dict[sp.Symbol, sp.Expr] = {}
    param_names = {p.name: p.symbol for p in params}
    for cname, text in constants_spec.items():
        _check_name(cname, "constant")
        if cname in names:
            raise SpecError(f"{source}: constant {cname} is also a parameter or unknown")
        if not isinstance(text, (str, int, float)) or isinstance(text, bool):
            raise SpecError(f"{source}: constants.{cname} must be an expression string")
        value = parse_expression(str(text), param_names, what=f"constants.{cname}")
        constants[sp.Symbol(cname)] = value
    names.update({s.name: s for s in constants})
    pieces_spec = data.get("pieces")
    if not isinstance(pieces_spec, list) or not pieces_spec:
        raise SpecError(f"{source}: needs at least one [[pieces]] entry with expr and when")
    if len(pieces_spec) > MAX_PIECES:
        raise SpecError(f"{source}: {len(pieces_spec)} pieces; the limit is {MAX_PIECES}")
    pieces = []
    for i, piece in enumerate(pieces_spec, 1):
        if not isinstance(piece, dict) or "expr" not in piece:
            raise SpecError(f"{source}: pieces[{i}] needs an expr")
        extra = sorted(set(piece) - {"expr", "when"})
        if extra:
            raise SpecError(f"{source}: pieces[{i}] has unknown key(s) {', '.join(extra)}")
        when = piece.get("when", "otherwise")
        if not isinstance(piece["expr"], str) or not isinstance(when, str):
            raise SpecError(f"{source}: pieces[{i}].expr and .when must be strings")
        expr = parse_expression(piece["expr"], names, what=f"pieces[{i}].expr")
        cond = parse_condition(when, names, what=f"pieces[{i}].when")
        expr, cond = expr.xreplace(constants), cond.xreplace(constants)
        pieces.append((expr, cond))
    expr = pieces[0][0] if len(pieces) == 1 and pieces[0][1] == sp.true else sp.Piecewise(*pieces)
    refs = data.get("references", [])
    if not isinstance(refs, list):
        raise SpecError(f"{source}: references must be an array of tables")
    aliases = data.get("aliases", [])
    if not isinstance(aliases, list):  # a string would iterate into one alias per letter
        raise SpecError(f'{source}: aliases must be a list of names, e.g. aliases = ["l1_smooth"]')
    return Loss(
        name=name,
        expr=expr,
        params=tuple(params),
        title=_check_text(data.get("title"), "title"),
        description=_check_text(data.get("description"), "description"),
        aliases=tuple(_check_name(a, "alias") for a in aliases),
        references=tuple(_reference(i, r) for i, r in enumerate(refs)),
        unknowns=tuple(unknowns),
    )


def _depth(data: Any) -> int:
    """How deeply tables and arrays nest in parsed TOML (iterative: no recursion limit)."""
    deepest, todo = 0, [(data, 1)]
    while todo:
        item, d = todo.pop()
        deepest = max(deepest, d)
        if d > MAX_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item
        todo += [(c, d + 1) for c in children if isinstance(c, (dict, list))]
    return deepest


def load_spec(path: str | Path) -> Loss:
    """Read and validate a TOML spec file (a regular file of at most :data:`MAX_SPEC_BYTES`,
    tables and arrays nested at most :data:`MAX_DEPTH` deep)."""
    from lossmath.io.outputs import OutputError, read_bounded

    p = Path(path)
    try:
        raw = read_bounded(p, MAX_SPEC_BYTES)
    except OutputError as exc:
        raise SpecError(str(exc)) from None
    if raw is None:
        raise SpecError(f"{p}: no such file")
    if len(raw) > MAX_SPEC_BYTES:
        raise SpecError(f"{p}: more than {MAX_SPEC_BYTES} bytes; the limit is {MAX_SPEC_BYTES}")
    try:
        # A UTF-8 byte order mark (which some Windows editors write) is not TOML: skipped.
        data = tomllib.loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(f"{p}: not valid TOML: {exc}") from None
    except RecursionError:
        raise SpecError(f"{p}: tables or arrays nested too deeply (the limit is "
                        f"{MAX_DEPTH})") from None
    if _depth(data) > MAX_DEPTH:
        raise SpecError(f"{p}: tables or arrays nested more than {MAX_DEPTH} deep")
    try:
        return loss_from_toml(data, source=str(p))
    except SpecError:
        raise
    except (ParseError, LossError) as exc:  # name the file: the message names the field
        raise SpecError(f"{p}: {exc}") from None
