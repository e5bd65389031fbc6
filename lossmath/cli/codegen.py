"""``lossmath codegen``: a numpy module with each loss's value, gradient and Hessian.

::

    lossmath codegen smooth_l1 huber --target numpy -o losses.py
    lossmath codegen smooth_l1 --param smooth_l1.beta=1/9 -o losses.py
    lossmath codegen smooth_l1 huber -o losses.py --check --diff
    lossmath codegen lossmath/examples/wing.toml --solve -o wing.py
    lossmath codegen --expr "x**2 if x < 1 else 2*x - 1" --name my_loss -o my_loss.py
    lossmath codegen --expr "beta*x**2 if |x| < 1 else beta*(2*|x| - 1)" --declare "beta>0=1"

``--param NAME.k=v`` (or ``k=v`` for every loss that has ``k``) sets the default of the
generated keyword argument; ``--fix NAME.k=v`` substitutes the value before analysis and
generation (``lossmath codegen barron --fix alpha=1/2``: Barron's limits at infinity depend on
the sign of alpha, so it generates only with alpha fixed). ``--check`` writes nothing and
exits 1 when the file would change.
Exit codes: 0 written or current, 1 stale (``--check``), 2 usage or input error; the existing
file is never half-written (``lossmath.io.outputs``).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from lossmath import catalog
from lossmath.catalog.resolve import require_solved
from lossmath.cli import main as cli
from lossmath.cli.commands import SUMMARIES
from lossmath.core.loss import Loss, LossError
from lossmath.emit import targets
from lossmath.io.escape import field, python_bytes
from lossmath.io.outputs import check_target, display_path, stale, unified_diff, write_files

__all__ = ["register", "parse_param_items"]


def _resolve(name: str, solve: str | None) -> Loss:
    """A catalog loss or a SPEC.toml, its unknowns solved with ``--solve`` (else refused)."""
    return require_solved(cli.load_loss(name, None, solve=solve))


def parse_param_items(
    items: Sequence[str] | None, losses: Sequence[Loss], option: str = "--param"
) -> dict[str, dict[str, str]]:
    """``["smooth_l1.beta=0.5", "delta=2"]`` -> ``{"smooth_l1": {"beta": "0.5"}, "huber": ...}``.

    ``NAME.k=v`` names the loss (its name or an alias); ``k=v`` applies to every loss being
    generated that has a parameter ``k``. Values are validated later, by the parameter.
    """
    names = {loss.name: loss for loss in losses}
    out: dict[str, dict[str, str]] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise cli.UsageError(
                f"malformed {option} {item!r} (expected NAME.PARAM=VALUE, e.g. "
                "smooth_l1.beta=0.5)"
            )
        loss_name, dot, pname = key.rpartition(".")
        if dot:
            target = loss_name if loss_name in names else _canonical(loss_name)
            if target not in names:
                raise cli.UsageError(
                    f"{option} {item}: {loss_name!r} is not one of the losses being generated "
                    f"({', '.join(names)})"
                )
            targets = [target]
        else:
            targets = [n for n, loss in names.items() if pname in {p.name for p in loss.params}]
            if not targets:
                raise cli.UsageError(
                    f"{option} {item}: no loss being generated has a parameter {pname!r}"
                )
        for t in targets:
            if pname in out.get(t, {}):
                raise cli.UsageError(f"{option} {t}.{pname} given twice")
            out.setdefault(t, {})[pname] = value
    return out


def fix_params(items: Sequence[str] | None, losses: Sequence[Loss]) -> list[Loss]:
    """The losses with the ``--fix`` parameters substituted (``Loss.subs``: exact values,
    a singular value such as Barron's alpha = 0 giving its limit), before any analysis or
    generation; a value outside a parameter's domain is a usage error naming it."""
    fixed = parse_param_items(items, losses, "--fix")
    out = []
    for loss in losses:
        values = fixed.get(loss.name)
        if not values:
            out.append(loss)
            continue
        try:
            out.append(loss.subs(values))
        except LossError as exc:
            raise cli.UsageError(f"--fix: {exc}") from None
    return out


def _canonical(name: str) -> str | None:
    try:
        return catalog.get(name).name
    except ValueError:
        return None


def _is_spec(name: str) -> bool:
    return name.endswith(".toml") or "/" in name  # as lossmath.catalog.resolve.resolve decides


def _command(args: argparse.Namespace, header: bool = False) -> str:
    """The command that regenerates the file. For the ``header``, spec and output paths are
    spelled by :func:`lossmath.io.outputs.display_path` (the same bytes whatever the working
    directory or spelling); for messages, as the user typed them."""
    spell = display_path if header else str
    names = [spell(n) if _is_spec(n) else n for n in args.names]
    parts = ["lossmath", "codegen", *names, "--target", args.target]
    if args.expr is not None:
        parts += ["--expr", args.expr] + (["--name", args.name] if args.name != "expr" else [])
    for item in args.declare or ():
        parts += ["--declare", item]
    if args.solve is not None:
        parts += ["--solve"] if args.solve == "best" else ["--solve", args.solve]
    for item in args.fix or ():
        parts += ["--fix", item]
    for item in args.param or ():
        parts += ["--param", item]
    if args.hessian is not None:
        parts += ["--hessian", args.hessian]
    if args.output:
        parts += ["-o", spell(args.output)]
    return shlex.join(parts)


def run(args: argparse.Namespace) -> int:
    if args.diff and not args.check:
        raise cli.UsageError("--diff needs --check")
    if args.check and not args.output:
        raise cli.UsageError("--check needs -o FILE")
    if args.output and Path(args.output).is_dir():
        raise cli.UsageError(f"-o {args.output}: is a directory; give the module's file name")
    if not args.names and args.expr is None:
        raise cli.UsageError("give at least one loss NAME (or SPEC.toml), or --expr TEXT")
    inputs = [n for n in args.names if _is_spec(n)]
    if args.output:  # refuse a bad target before the work
        check_target(args.output, inputs=inputs, force=args.force, parents=args.parents,
                     check=args.check)
    declared = cli.declarations(args.declare, args.expr)
    losses = [_resolve(name, args.solve) for name in args.names]
    if args.expr is not None:
        from lossmath.spec.toml import loss_from_expr

        losses.append(loss_from_expr(args.expr, name=args.name, declare=declared))
    elif args.name != "expr":
        raise cli.UsageError("--name only names an --expr loss")
    losses = fix_params(args.fix, losses)
    params = parse_param_items(args.param, losses)
    target = targets.get(args.target)
    options = {} if args.hessian is None else {"hessian": args.hessian}
    try:
        targets.check_options(target, options)
    except LossError as exc:
        raise cli.UsageError(f"--hessian: {exc}") from None
    generate = target.generator()
    text = generate(losses, params=params, command=_command(args, header=True), **options)
    if not args.output:
        cli.write_stdout_bytes(python_bytes(text))  # the checked bytes, whatever the locale
        return cli.EXIT_OK
    if args.check:
        if stale({args.output: text}).changed:
            if args.diff:
                sys.stdout.write(unified_diff(args.output, text))
            print(f"lossmath: {field(args.output)} is stale; regenerate with: "
                  f"{field(_command(args))}",
                  file=sys.stderr)
            return cli.EXIT_FAIL
        print(f"{field(args.output)} is current")
        return cli.EXIT_OK
    outcome = write_files({args.output: text}, inputs=inputs, force=args.force,
                          parents=args.parents)
    cli.report_outcome(outcome)
    out = field(args.output)  # one line: a newline in the name cannot forge a report line
    cli.note(f"wrote {out}" if outcome.changed else f"{out} is current")
    return cli.EXIT_OK


def register(sub) -> None:
    p = sub.add_parser(
        "codegen",
        help=SUMMARIES["codegen"],
        description=(
            "Write one self-contained Python module for a --target (default numpy; also "
            f"{', '.join(t for t in targets.names() if t != 'numpy')}) defining, for "
            "each loss NAME, NAME(x), NAME_grad(x), NAME_hess(x) and "
            "NAME_value_and_grad(x), with the loss's parameters as keyword-only arguments. "
            "The numpy module imports only numpy; the others import their library."
        ),
        epilog="Exit codes: 0 written or current, 1 --check found the file stale, 2 usage or "
        "input error (the existing file is left untouched).",
    )
    p.add_argument("names", nargs="*", metavar="NAME",
                   help="catalog losses (see 'lossmath list') or SPEC.toml files, in the order "
                   "to define them")
    p.add_argument("--expr", metavar="TEXT",
                   help='also a loss defined inline, e.g. "0.5*x**2 if abs(x) < 1 else '
                   'abs(x) - 0.5" (defined last)')
    p.add_argument("--name", default="expr", metavar="NAME",
                   help="the --expr loss's name in the module (default: expr)")
    cli.add_declare_argument(p)
    p.add_argument("--target", choices=targets.names(), default="numpy",
                   help="the code to generate: " + "; ".join(
                       f"{t}: {targets.get(t).summary}" for t in targets.names())
                   + " (default: numpy)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="the module to write (default: print it)")
    p.add_argument("--param", action="append", metavar="NAME.PARAM=VALUE",
                   help="default of a generated parameter, e.g. smooth_l1.beta=1/9; "
                   "PARAM=VALUE sets it for every loss that has it (repeatable)")
    p.add_argument("--fix", action="append", metavar="NAME.PARAM=VALUE",
                   help="substitute a parameter's value before analysis and generation, e.g. "
                   "barron.alpha=1/2 (the parameter leaves the generated signature; a loss "
                   "whose limits depend on a parameter generates only so); PARAM=VALUE fixes "
                   "it for every loss that has it (repeatable)")
    p.add_argument("--solve", nargs="?", const="best", metavar="CLASS",
                   help="solve SPEC.toml unknowns first, for CLASS (default: the smoothest)")
    p.add_argument("--hessian", choices=("majorize", "exact", "bound"),
                   help="--target gbdt: the Hessian: the sharpest proved majorizer (default), "
                   "the exact f'' (only where f'' > 0 is proved) or the constant sup |f''|")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if FILE is not what would be written")
    p.add_argument("--diff", action="store_true", help="with --check: show the difference")
    cli.add_output_options(p)
    p.set_defaults(func=run)
