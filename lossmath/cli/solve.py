"""``lossmath solve SPEC``: the values of a spec's unknowns that make its pieces join."""

from __future__ import annotations

import argparse
import json
import shlex
from pathlib import Path

import sympy as sp

from lossmath.analysis import class_name, parse_class
from lossmath.analysis.solve import solve_best, solve_unknowns
from lossmath.catalog.resolve import resolve
from lossmath.cli.commands import SUMMARIES
from lossmath.cli.main import UsageError, add_output_options, report_outcome
from lossmath.io.outputs import check_target, write_files


def register(sub) -> None:
    p = sub.add_parser(
        "solve",
        help=SUMMARIES["solve"],
        description="Find values of the spec's `unknowns` that make the loss at least as smooth "
        "as --require at every breakpoint (default: the smoothest class reachable, up to C3). "
        "Exit 0 when reached, 1 when no values can reach it (the message says why).",
    )
    p.add_argument("spec", metavar="SPEC", help="a TOML spec with unknowns = [...]")
    p.add_argument("--require", metavar="CLASS", help="C0, C1, C2, ...")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("-o", "--output", metavar="FILE", help="write the solved spec (TOML) to FILE")
    add_output_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.output:  # refuse a bad target before the work
        check_target(args.output, inputs=[args.spec], force=args.force, parents=args.parents)
    loss = resolve(args.spec)
    if args.require is not None:
        try:
            required = parse_class(args.require)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        sol = solve_unknowns(loss, required)
    else:
        sol = solve_best(loss)
    if args.output and sol.loss is not None and sol.reached:
        outcome = write_files({Path(args.output): _solved_spec(args.spec, sol)},
                              inputs=[args.spec], force=args.force, parents=args.parents)
        report_outcome(outcome)
    if args.json:
        out = {
            "loss": loss.name,
            "unknowns": {k: sp.sstr(v) for k, v in sol.values.items()},
            "class": sol.cls,
            "require": class_name(sol.required) if args.require else None,
            "reached": sol.reached,
            "method": sol.method,
            "reason": sol.reason,
            "notes": list(sol.notes),
        }
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        for k, v in sol.values.items():
            print(f"{k} = {sp.sstr(v)}")
        verdict = "reached" if sol.reached else "NOT reached"
        target = class_name(sol.required) if args.require else "smoothest reachable"
        print(f"class: {sol.cls} ({target} {verdict}; {sol.method})")
        if sol.reason:
            print(f"why: {sol.reason}")
        for n in sol.notes:
            print(f"note: {n}")
    return 0 if sol.reached else 1


def _solved_spec(path: str, sol) -> str:
    """The spec with ``unknowns`` replaced by a ``[constants]`` table of the solved values."""
    import tomllib

    import tomli_w

    from lossmath.io.escape import SinkError, toml_comment
    from lossmath.io.outputs import display_path, read_bounded
    from lossmath.spec.exprtext import to_text
    from lossmath.spec.toml import MAX_SPEC_BYTES

    if not path.endswith(".toml"):
        raise UsageError("-o needs a TOML spec as input")
    data = tomllib.loads((read_bounded(path, MAX_SPEC_BYTES) or b"").decode("utf-8"))
    names = {p.name: p.symbol for p in resolve(path).params}
    constants = dict(data.get("constants", {}))
    for name, value in sol.values.items():
        constants[name] = to_text(value, names)
    data.pop("unknowns", None)
    data["constants"] = constants
    how = (
        " (numeric, valid at the default parameter values only)" if sol.method == "numeric" else ""
    )
    # The file name as a shell word, escaped for a TOML comment: a newline in it cannot add
    # keys to the file. Spelled by display_path, so the bytes do not depend on the cwd.
    source = shlex.quote(display_path(path))
    header = f"Solved by lossmath solve {source}: {sol.cls}{how}. Edit the source, not this file."
    text = f"# {toml_comment(header)}\n" + tomli_w.dumps(data)
    if tomllib.loads(text) != data:  # the header added nothing; the file reads back the same
        raise SinkError("internal error: the solved spec does not read back as written; "
                        "nothing was written")
    return text
