"""The ``lossmath`` command.

Exit codes mean one thing each: 0 the requirement holds (or none was given), 1 it does not
(or a ``--check`` found stale files), 2 usage or input error, 3 undecided (not provable
either way, or the time budget ran out), each with a one-line message. No traceback
reaches a user: an internal error is exit 2 with a one-line message.

This module imports nothing heavy at module level: ``lossmath --help`` and ``--version``
name no command, so they are answered by a parser built from
:data:`lossmath.cli.commands.SUMMARIES` alone, without importing sympy (0.5 s); the handlers
import what they need when they run.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import math
import os
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from lossmath._version import __version__
from lossmath.base import budget
from lossmath.base.errors import LossError, OutOfTime, Undecided
from lossmath.cli.commands import SUMMARIES, register_all
from lossmath.io.escape import field

if TYPE_CHECKING:
    from lossmath.core.loss import Loss

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNDECIDED = 0, 1, 2, 3

#: address-space limit of a command, so a runaway computation fails fast instead of
#: exhausting the machine (``LOSSMATH_MEMORY_MB`` overrides it; 0 disables it)
MEMORY_MB = 8192


class UsageError(Exception):
    """Bad input on the command line; printed as one line, exit 2."""


def parse_params(items: Sequence[str] | None) -> dict[str, str]:
    """``["beta=1", "delta=0.5"]`` -> ``{"beta": "1", "delta": "0.5"}`` (values parsed later)."""
    out: dict[str, str] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(f"malformed --param {item!r} (expected NAME=VALUE, e.g. beta=1)")
        if name.strip() in out:
            raise UsageError(f"--param {name.strip()} given twice")
        out[name.strip()] = value.strip()
    return out


def load_loss(
    name: str | None = None,
    params: Sequence[str] | None = None,
    *,
    expr: str | None = None,
    solve: str | None = None,
    declare: Sequence[str] | None = None,
) -> Loss:
    """The loss a command works on: a catalog name, a ``.toml`` spec or ``--expr`` text;
    with ``--solve`` its unknowns solved first, then ``--param`` values substituted."""
    if (name is None) == (expr is None):
        raise UsageError("give a loss NAME (or SPEC.toml) or --expr TEXT, not both or neither")
    declared = declarations(declare, expr)
    if expr is not None:
        from lossmath.spec.toml import loss_from_expr

        loss = loss_from_expr(expr, declare=declared)
    else:
        from lossmath.catalog.resolve import resolve

        loss = resolve(name)
    if solve is not None:
        from lossmath.analysis import parse_class
        from lossmath.analysis.solve import solve_best, solve_unknowns

        sol = solve_best(loss) if solve == "best" else solve_unknowns(loss, parse_class(solve))
        if sol.loss is None or (solve != "best" and not sol.reached):
            raise LossError(f"{loss.name}: cannot solve for the unknowns: {sol.reason}")
        loss = sol.loss
    values = parse_params(params)
    return loss.subs(values) if values else loss


def add_loss_arguments(p: argparse.ArgumentParser) -> None:
    """The loss arguments every single-loss command takes."""
    p.add_argument(
        "name",
        metavar="NAME",
        nargs="?",
        help="a catalog loss (see 'lossmath list') or a SPEC.toml file",
    )
    p.add_argument(
        "--expr",
        metavar="TEXT",
        help='define the loss inline, e.g. "0.5*x**2 if abs(x) < 1 else abs(x) - 0.5"',
    )
    add_declare_argument(p)
    p.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="substitute a parameter value, e.g. --param beta=1 (repeatable)",
    )
    p.add_argument(
        "--solve",
        nargs="?",
        const="best",
        metavar="CLASS",
        help="solve the spec's unknowns first, for CLASS (default: the smoothest reachable)",
    )


def add_declare_argument(p: argparse.ArgumentParser) -> None:
    """``--declare``, a parameter of an ``--expr`` loss: one definition for every command
    that takes ``--expr`` (check, show, derive, codegen), so that they parse it alike."""
    p.add_argument(
        "--declare",
        action="append",
        metavar="NAME[>0][=DEFAULT]",
        help="with --expr: declare a parameter, e.g. --declare 'beta>0=1' (>0 positive, "
        ">=0 nonnegative, <0, <=0, none: real; repeatable)",
    )


def declarations(declare: Sequence[str] | None, expr: str | None) -> tuple[str, ...]:
    """The ``--declare`` items, refused without ``--expr`` (a NAME or SPEC.toml declares
    its own parameters)."""
    if declare and expr is None:
        raise UsageError("--declare goes with --expr (a NAME or SPEC.toml declares its own "
                         "parameters)")
    return tuple(declare or ())


def add_output_options(p: argparse.ArgumentParser) -> None:
    """The options of every command that writes files (the rules: :mod:`lossmath.io.outputs`)."""
    p.add_argument("--force", action="store_true",
                   help="replace an output file even if it is read-only")
    p.add_argument("--parents", action="store_true",
                   help="create missing parent directories of the output (each is named)")


def note(text: str) -> None:
    """Print a line reporting what was done (``wrote FILE``); when stdout is closed or its
    reader has gone, the line is dropped: the work is done and the exit status says so."""
    try:
        print(text)
        sys.stdout.flush()
    except OSError:
        _StdoutGone.gone = True


def report_outcome(outcome) -> None:
    """Tell the user about the symlinks followed and the directories made by a write."""
    for text in outcome.notes:
        note(f"note: {field(text)}")
    for d in outcome.made_dirs:
        note(f"created directory {field(str(d))}")


def write_stdout_bytes(data: bytes) -> None:
    """Write ``data`` to stdout as is (a generated module: its checked bytes, not re-encoded
    for the locale, nor escaped for a terminal: it holds no unsafe character)."""
    out = getattr(sys.stdout, "raw", sys.stdout)  # under main's EscapingStream
    out.flush()
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(data.decode("utf-8"))
    else:
        buffer.write(data)
        buffer.flush()


def loss_from_args(args: argparse.Namespace) -> Loss:
    return load_loss(args.name, args.param, expr=args.expr, solve=args.solve,
                     declare=args.declare)


def cmd_list(args: argparse.Namespace) -> int:
    from lossmath import catalog

    for loss in catalog.all_losses():
        params = ", ".join(f"{p.name}={p.default}" for p in loss.params)
        aliases = f" (aliases: {', '.join(loss.aliases)})" if loss.aliases else ""
        print(f"{loss.name:<12} {loss.title}{' [' + params + ']' if params else ''}{aliases}")
        for ref in loss.references[:1]:  # the primary reference; `show NAME` lists them all
            print(f"{'':12} {ref.cite()}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from lossmath.render.summary import report_text

    loss = loss_from_args(args)
    sys.stdout.write(report_text(loss, derivatives=args.order))
    return EXIT_OK


def requirement(order: float, exact: bool, require: float) -> bool | None:
    """Does a class (exact, or only a lower bound) meet ``require``? None: undecided."""
    if order >= require:
        return True
    return False if exact else None


def cmd_check(args: argparse.Namespace) -> int:
    from lossmath.analysis import analyse, class_name, notes
    from lossmath.render.summary import class_text, report_dict

    loss = loss_from_args(args)
    # OutOfTime before anything is decided propagates: main prints one object that says so
    report = analyse(loss, partial=True)
    holds: bool | None = True
    if args.require is not None:
        holds = requirement(report.order, report.exact, args.require)
    if args.json:
        data = report_dict(loss)
        if args.require is not None:
            data["require"] = class_name(args.require)
            data["holds"] = holds
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        bps = ", ".join(
            f"x = {b.at}: {class_text(b.order, b.exact)}" for b in report.breakpoints
        )
        line = f"{loss.name}: {class_text(report.order, report.exact)} ({bps or 'no breakpoints'})"
        if loss.unknowns:
            line += f"; unknowns {', '.join(loss.unknowns)} kept symbolic"
            line += "".join(f"\n  note: {n.text}" for n in report.notes
                            if n.kind in (notes.JUMP_VANISHES, notes.JUMP_NUMERIC))
        if args.require is not None:
            verdict = {True: "holds", False: "does NOT hold", None: "is undecided"}[holds]
            line += f"; requirement {class_name(args.require)} {verdict}"
        if holds is None or not report.exact:
            line += "".join(f"\n  note: {n.text}" for n in report.notes
                            if n.kind == notes.CLASS_LOWER_BOUND)
        print(line)
    if not report.complete:
        print("lossmath: undecided: out of time before every property was decided (raise "
              "--timeout to allow more)", file=sys.stderr)
        return EXIT_UNDECIDED
    return {True: EXIT_OK, False: EXIT_FAIL, None: EXIT_UNDECIDED}[holds]


def _class_arg(text: str) -> float:
    from lossmath.analysis import parse_class

    try:
        return parse_class(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser(light: bool = False) -> argparse.ArgumentParser:
    """The command line. ``light``: every command is named with its one-line help but has no
    arguments, and nothing heavy is imported; it parses exactly as the full parser does any
    argv that names no command (``--help``, ``--version``, nothing, a misspelt command),
    since argparse then never enters a command's own parser."""
    parser = argparse.ArgumentParser(
        prog="lossmath",
        description="Derive loss functions symbolically: breakpoints, derivatives, smoothness.",
        epilog="Exit codes: 0 ok / requirement holds, 1 requirement does not hold or files "
        "are stale, 2 usage or input error, 3 undecided (not provable either way, or the "
        "time budget ran out).",
    )
    parser.add_argument("--version", action="version", version=f"lossmath {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if light:
        for name, summary in SUMMARIES.items():
            sub.add_parser(name, help=summary)
        return parser

    p = sub.add_parser("list", help=SUMMARIES["list"])
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help=SUMMARIES["show"])
    add_loss_arguments(p)
    p.add_argument(
        "--order",
        type=int,
        default=2,
        choices=range(0, 5),
        metavar="N",
        help="print derivatives up to order N (default 2)",
    )
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("check", help=SUMMARIES["check"])
    add_loss_arguments(p)
    p.add_argument(
        "--require",
        type=_class_arg,
        metavar="CLASS",
        help="required class: discontinuous, C0, C1, C2, ..., Cinf",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_check)

    # Commands that live in their own modules (documents, code generation, ...).
    register_all(sub)
    for command in sub.choices.values():
        # A command that sets its own default (derive: each document's own budget) keeps it.
        own = "timeout" in command._defaults
        command.add_argument(
            "--timeout",
            type=_seconds,
            default=command.get_default("timeout") if own else budget.DEFAULT_SECONDS,
            metavar="S",
            help=f"give up after S seconds, exit 3 (default {budget.DEFAULT_SECONDS:g}"
            + (", or a document's own budget)" if own else ")"),
        )
    return parser


def names_command(argv: Sequence[str]) -> bool:
    """Whether ``argv`` names a command anywhere (then the full parser is needed)."""
    return any(arg in SUMMARIES for arg in argv)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (0 < value <= 86400):
        raise argparse.ArgumentTypeError(f"expected seconds between 0 and 86400, got {text!r}")
    return value


def _limit_memory() -> None:
    """Cap the address space, so a computation that explodes fails with MemoryError."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return
    text = os.environ.get("LOSSMATH_MEMORY_MB", str(MEMORY_MB)).strip()
    mb = int(text) if text.isdigit() else MEMORY_MB  # a malformed value keeps the default
    if mb <= 0:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    want = mb * 2**20
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    if soft == resource.RLIM_INFINITY or soft > want:
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))


class _StdoutGone:
    """The raw stream of a stdout that was closed before the run (Python sets ``sys.stdout``
    to None): writing raises the ``OSError`` a closed descriptor gives, so a command whose
    output is stdout fails with one line and exit 2; :func:`note` drops its lines."""

    gone = False
    encoding = "utf-8"

    def write(self, s: str) -> int:
        raise OSError(errno.EBADF, "stdout is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "stdout is closed")


class _StderrGone(_StdoutGone):
    """The raw stream of a closed stderr: messages have nowhere to go and are dropped."""

    def write(self, s: str) -> int:
        return len(s)


def _quiet_stdout() -> None:
    """Point fd 1 at /dev/null so that the interpreter's final flush of a stdout whose reader
    has gone cannot print a traceback and exit 120 (the Python docs' recipe for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; everything printed passes :func:`lossmath.io.escape.terminal` last.

    A closed stdout, or one whose reader has gone (``| head``), never gives a traceback: a
    command whose output was stdout exits 2 with one line on stderr; lines that only report
    what was done (``wrote FILE``) are dropped and the exit status is the command's own."""
    from lossmath.io.escape import EscapingStream

    stdout, stderr = sys.stdout, sys.stderr
    _StdoutGone.gone = False
    sys.stdout = EscapingStream(stdout if stdout is not None else _StdoutGone())
    sys.stderr = EscapingStream(stderr if stderr is not None else _StderrGone())
    code = EXIT_USAGE
    try:
        code = _main(argv)
    finally:
        try:
            sys.stdout.flush()
        except OSError as exc:
            with contextlib.suppress(OSError):
                print(f"lossmath: error: cannot write to stdout: {exc.strerror or exc}",
                      file=sys.stderr)
            code = EXIT_USAGE
            _StdoutGone.gone = True
        with contextlib.suppress(OSError):
            sys.stderr.flush()
        sys.stdout, sys.stderr = stdout, stderr
        if _StdoutGone.gone and stdout is not None:
            _quiet_stdout()
    return code


def _main(argv: Sequence[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(light=not names_command(argv))
    args = parser.parse_args(argv)  # --help and --version exit here

    from lossmath.io.outputs import Interrupted
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    _limit_memory()
    # The budget covers the whole command, unless the command applies it per item itself
    # (derive: per document, since building several PDFs legitimately takes longer).
    whole = getattr(args, "budget_scope", "command") == "command"

    def fail(kind: str, message: str, code: int) -> int:
        """One line on stderr; under --json also the JSON object a program reads, on
        stdout (where the result would have been)."""
        print(f"lossmath: {kind}: {field(message)}", file=sys.stderr)  # one line, always
        if getattr(args, "json", False) and not _StdoutGone.gone:
            data = {"error": {"kind": kind, "message": message}, "exit": code}
            if code == EXIT_UNDECIDED:
                data["complete"] = False  # the time guard fired before anything was decided
            print(json.dumps(data, ensure_ascii=False))
        return code

    try:
        with budget.deadline(args.timeout if whole else None):
            return args.func(args)
    except OutOfTime as exc:
        return fail("undecided", f"{exc} (raise --timeout to allow more)", EXIT_UNDECIDED)
    except Undecided as exc:
        return fail("undecided", str(exc), EXIT_UNDECIDED)
    except MemoryError:
        return fail("undecided", "ran out of memory", EXIT_UNDECIDED)
    except (UsageError, LossError, ValueError, OSError) as exc:
        if isinstance(exc, OSError) and exc.errno in (errno.EPIPE, errno.EBADF):
            _StdoutGone.gone = True  # the reader of stdout has gone, or it was closed
            exc = f"cannot write to stdout: {exc.strerror}"  # type: ignore[assignment]
        return fail("error", field(str(exc)), EXIT_USAGE)
    except RecursionError:  # a last resort: the spec and parser limits should come first
        return fail("error", "input nested too deeply to process", EXIT_USAGE)
    except (Interrupted, KeyboardInterrupt) as exc:
        # Interrupted: a signal during a write, whose temporaries are already removed.
        signum = getattr(exc, "signum", signal.SIGINT)
        print(f"lossmath: interrupted ({signal.Signals(signum).name}); no file was "
              "half-written", file=sys.stderr)
        return 128 + signum
    except Exception as exc:  # a bug: still one line, never a traceback
        print(f"lossmath: internal error: {type(exc).__name__}: {field(str(exc))}",
              file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
