"""``lossmath derive``: build the derivation documents (Markdown, LaTeX, figures, PDF).

Each derivation source (``derivations/NAME.py``, installed as ``lossmath.derivations``)
fills a :class:`lossmath.docs.document.Document`. Any other loss -- a catalog NAME, a
``SPEC.toml`` or ``--expr TEXT``, with ``--param`` and ``--solve`` as in ``lossmath check`` --
gets the generic loss report of :func:`lossmath.docs.loss_document.loss_document`, named after
the loss (``--expr``: ``expr``, or ``--name``). A derivation source wins over a catalog loss
of the same name. This command writes, under ``-o DIR`` (default ``docs``)::

    DIR/NAME.md                       GitHub Markdown, figures as SVG
    DIR/NAME.tex                      standalone LaTeX (amsmath), figures as PDF
    DIR/NAME.pdf                      when pdflatex is available
    DIR/figures/NAME-FIG.{svg,png,pdf}

``--lang zh`` writes the Chinese edition of the derivations that have one (a message module
``derivations/_NAME_zh.py``) to ``DIR/zh/``, the same files, the PDF built with XeLaTeX and
ctex. Loss reports are English only.

All files of a run are written together and atomically (:func:`lossmath.io.outputs.write_files`):
an error or an interruption leaves every existing file as it was, and files whose content is
unchanged are not touched.

How ``--check`` decides staleness (it writes nothing and never runs matplotlib or pdflatex):

- ``.md`` and ``.tex`` are compared byte for byte with what the sources generate now. They
  are pure text from sympy and lossmath, and they embed each figure's fingerprint.
- A figure is current when its file exists and carries the figure's current fingerprint in
  its metadata. The fingerprint hashes what is plotted (each curve's interval table in exact
  sympy form, labels, limits, the lossmath version and the plotting code), not the pixels:
  the same figure rendered by another matplotlib or FreeType version has different bytes,
  and CI on a fresh machine installs whatever matplotlib is newest, so byte comparison
  would fail spuriously.
- A PDF is current when its info dictionary carries the fingerprint of the current
  ``.tex``. pdflatex output is reproducible on one TeX installation (dates, ids and banner
  are switched off), but not across TeX versions, so its bytes are not compared either.
- Without the TeX engine (pdflatex, or xelatex for ``--lang zh``), ``lossmath derive`` skips
  the PDF, so ``--check`` does not check it either: it checks the rest and says that the PDF
  was not checked (exit 0 when the rest is current). With ``--format pdf`` it checks the
  PDF's fingerprint all the same.

Without NAME, ``--check`` checks every derivation that has a file in the output directory
(the default document when none has; the others are named on stderr), so ``lossmath derive``
then ``lossmath derive --check`` agree in any directory; ``--check --all`` checks every
derivation (what CI runs on the committed ``docs/``). Loss reports are checked only when named
(``lossmath derive huber --check -o DIR``).

Exit codes: 0 done / up to date, 1 ``--check`` found stale files, 2 usage or input error
(unknown derivation or loss, unsolved unknowns, a parameter without a value, unwritable
output directory, pdflatex missing when ``--format pdf`` was asked for, a derivation that
fails).
"""

from __future__ import annotations

import argparse
import difflib
import os
import shlex
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from lossmath import catalog
from lossmath.analysis import parse_class
from lossmath.base import budget
from lossmath.base.errors import OutOfTime
from lossmath.cli.commands import SUMMARIES
from lossmath.cli.main import (
    EXIT_FAIL,
    EXIT_OK,
    UsageError,
    add_declare_argument,
    add_output_options,
    declarations,
    load_loss,
    report_outcome,
)
from lossmath.docs.document import (
    Document,
    DocumentError,
    PdfUnavailable,
    build_pdf,
    engine_missing,
    engine_path,
    pdf_is_current,
    tex_engine,
)
from lossmath.docs.files import Built, current_figures
from lossmath.docs.loss_document import loss_document
from lossmath.docs.sources import DerivationError, available, failure, languages, load
from lossmath.i18n.words import LANGUAGES
from lossmath.io import progress
from lossmath.io.escape import check_tex, field
from lossmath.io.outputs import display_path, read_bounded, stale, unified_diff, write_files
from lossmath.render.plot import has_fingerprint
from lossmath.spec.toml import NAME_RE, SpecError

__all__ = [
    "DEFAULT",
    "DerivationError",
    "Built",
    "Target",
    "available",
    "build",
    "build_loss",
    "register",
    "run",
]

#: The document ``lossmath derive`` builds when no name is given.
DEFAULT = "smooth_l1_vs_l2"
FORMATS = ("md", "tex", "pdf")


def build(name: str, sources: str | Path | None = None, lang: str = "en",
          timeout: float | None = None) -> Document:
    """Run derivation ``name`` in language ``lang`` and return its document (nothing is
    written).

    The build runs within ``timeout`` seconds; by default within the source's own
    ``BUDGET`` (a module constant, for a document that analyses many losses, such as the
    atlas) or :data:`lossmath.base.budget.DEFAULT_SECONDS`.
    """
    known = available(sources)
    if name not in known:
        raise UsageError(
            f"unknown derivation {name!r} (known: {', '.join(known) or 'none'})"
        )
    path = known[name]
    editions = languages(path)
    if lang not in editions:
        raise UsageError(f"derivation {name} has no {lang} edition (editions: "
                         f"{', '.join(editions)})")
    progress.step(f"loading {path.name}" + (f" ({lang})" if lang != "en" else ""))
    module = load(name, path)
    regenerate = f"lossmath derive --lang {lang} {name}" if lang != "en" else ""
    doc = Document(name, source=f"lossmath/derivations/{name}.py", regenerate=regenerate, lang=lang)
    if timeout is None:
        timeout = getattr(module, "BUDGET", budget.DEFAULT_SECONDS)
    try:
        with budget.deadline(timeout, f"building {name}"):
            module.build(doc)
    except OutOfTime:
        raise
    except Exception as exc:
        raise DerivationError(failure(name, path, exc)) from exc
    if not doc.title:
        raise DerivationError(f"derivation {name} ({path}) sets no doc.title")
    return doc


# -- loss reports -------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One document to build: a derivation source, or the report on a loss.

    ``arg`` is the NAME as given on the command line (a derivation, catalog loss or spec
    path); ``None`` for the ``--expr`` loss.
    """

    arg: str | None
    derivation: bool


def _is_spec(name: str) -> bool:
    return name.endswith(".toml") or "/" in name  # as lossmath.catalog.resolve.resolve decides


def _is_loss(name: str) -> bool:
    """A spec path (read later, with its own errors) or a catalog name or alias."""
    if _is_spec(name):
        return True
    try:
        catalog.get(name)
    except catalog.UnknownLoss:
        return False
    return True


def _targets(args: argparse.Namespace, known: dict[str, Path]) -> list[Target]:
    """What to build, in order: each NAME (a derivation when a source has that name, else
    a loss), then the ``--expr`` loss."""
    if args.name is not None and args.expr is None:
        raise UsageError("--name only goes with --expr (a NAME or SPEC.toml names itself)")
    declarations(args.declare, args.expr)  # refused without --expr, as check and codegen do
    if args.solve not in (None, "best"):
        try:
            parse_class(args.solve)
        except ValueError as exc:
            raise UsageError(f"--solve {args.solve!r}: {exc}; --solve takes an optional "
                             "CLASS, so write it after the NAME") from None
    editions = [n for n, p in known.items() if args.lang in languages(p)]
    if args.names:
        names = list(dict.fromkeys(args.names))
    elif args.all:
        names = editions
    elif args.check and args.expr is None:
        names = _present(editions, _out_dir(args))
    else:
        names = [] if args.expr is not None else [DEFAULT]
    targets = [Target(n, n in known) for n in names]
    if args.lang != "en" and (args.expr is not None or not all(t.derivation for t in targets)):
        raise UsageError(f"--lang {args.lang}: loss reports are English only; give "
                         "derivations (see --list)")
    unknown = [t.arg for t in targets if not t.derivation and not _is_loss(t.arg)]
    if unknown:
        losses = catalog.names()
        close = difflib.get_close_matches(unknown[0], [*known, *losses], n=1)
        raise UsageError(
            f"unknown derivation or loss {', '.join(map(repr, unknown))} (derivations: "
            f"{', '.join(known) or 'none'}; catalog losses: {', '.join(losses)}; or a "
            "SPEC.toml path, or --expr TEXT)" + (f"; did you mean {close[0]!r}?" if close else "")
        )
    if args.expr is not None:
        targets.append(Target(None, False))
    if (args.param or args.solve is not None) and all(t.derivation for t in targets):
        raise UsageError("--param and --solve apply to losses (a catalog NAME, SPEC.toml or "
                         "--expr), not to derivations")
    return targets


def _out_dir(args: argparse.Namespace) -> Path:
    """Each language's edition in its own directory: DIR for English, DIR/zh for Chinese."""
    return Path(args.output) if args.lang == "en" else Path(args.output) / args.lang


def _present(names: list[str], out: Path) -> list[str]:
    """What ``--check`` without names checks: the derivations that have a file in ``out``
    (what ``lossmath derive`` built there), or the default document when none has.

    So ``lossmath derive`` then ``lossmath derive --check`` agree in any directory; the
    derivations left out are named on stderr, with the command that checks them too.
    """
    here = [n for n in names if any((out / f"{n}.{fmt}").exists() for fmt in FORMATS)]
    if not here:
        here = [DEFAULT] if DEFAULT in names else names
    skipped = [n for n in names if n not in here]
    if skipped:
        print(f"lossmath derive --check: not checked (no files in {out}): "
              f"{', '.join(skipped)}; 'lossmath derive --check --all' checks every "
              "derivation", file=sys.stderr)
    return here


def _command(tokens: list[str], args: argparse.Namespace, output: bool) -> str:
    """The ``lossmath derive`` command line that builds ``tokens`` (NAMEs) with the run's
    loss options; with ``output``, also its ``-o`` and ``--sources``."""
    # In a document (not output), a spec is named by display_path: the document's bytes do
    # not depend on the cwd. A message names it as typed, to be run from where it was.
    spell = str if output else display_path
    parts = ["lossmath", "derive", *(spell(t) if _is_spec(t) else t for t in tokens)]
    if args.lang != "en":
        parts += ["--lang", args.lang]
    if args.expr is not None:
        parts += ["--expr", args.expr] + (["--name", args.name] if args.name else [])
        for item in args.declare or ():
            parts += ["--declare", item]
    for item in args.param or ():
        parts += ["--param", item]
    if output and args.output != "docs":
        parts += ["-o", args.output]
    if output and args.sources:
        parts += ["--sources", args.sources]
    if args.solve is not None:  # last: a bare --solve would take a following NAME as CLASS
        parts += ["--solve"] + ([] if args.solve == "best" else [args.solve])
    return shlex.join(parts)


def build_loss(target: Target, args: argparse.Namespace) -> Document:
    """The report on the loss ``target`` names, with the run's ``--param``/``--solve``."""
    if target.arg is None:
        loss = load_loss(None, args.param, expr=args.expr, solve=args.solve,
                         declare=args.declare)
        if args.name is not None:
            if not NAME_RE.fullmatch(args.name):
                raise SpecError(f"--name {args.name!r} is not a valid name (letters, digits "
                                "and _, starting with a letter, at most 64 characters)")
            loss = replace(loss, name=args.name)
        source = "--expr"
    else:
        loss = load_loss(target.arg, args.param, solve=args.solve)
        source = display_path(target.arg) if _is_spec(target.arg) else "lossmath.catalog"
    command = _command([target.arg] if target.arg else [], args, output=False)
    return loss_document(loss, command=command, source=source)


# -- outputs ----------------------------------------------------------------------------


def _parse_formats(text: str | None) -> tuple[tuple[str, ...], bool]:
    """(formats, explicit): ``--format md,tex`` -> ('md', 'tex')."""
    if text is None:
        return FORMATS, False
    items = [t.strip().lower() for t in text.split(",") if t.strip()]
    bad = [t for t in items if t not in FORMATS]
    if bad or not items:
        raise UsageError(
            f"unknown format {', '.join(bad) or repr(text)} in --format "
            f"(use a comma-separated subset of {','.join(FORMATS)})"
        )
    return tuple(f for f in FORMATS if f in items), True


def _new_dirs(out: Path, parents: bool, root: Path | None = None) -> set[Path]:
    """The directories a run may create: the ``-o`` directory ``root``, the edition's
    directory ``out`` in it (``root/zh`` for Chinese; ``root`` itself for English) and
    ``figures/`` there, when the directory holding ``root`` exists (else only with
    ``--parents``, so that a typo in ``-o`` does not make a tree of directories)."""
    root = out if root is None else root
    probe = out.resolve()
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise UsageError(f"cannot write to {out}: {probe} is not a directory")
    if not parents and probe not in (out.resolve(), root.resolve(), root.resolve().parent):
        raise UsageError(f"cannot write to {out}: directory {root.resolve().parent} does not "
                         "exist (pass --parents to create it)")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write to {out}: {probe} is not writable")
    return {root, out, out / "figures"}


def _check(
    built: list[Built], formats: tuple[str, ...], args: argparse.Namespace, explicit: bool
) -> int:
    stale_paths: list[tuple[str, Path, str]] = []  # (document, path, why)
    engine = tex_engine(args.lang)
    unchecked = ""
    if "pdf" in formats and not explicit and engine_path(engine) is None:
        # derive skips the PDF without TeX: a missing or old PDF is then no news, and
        # "regenerate with lossmath derive" could not fix it.
        formats = tuple(f for f in formats if f != "pdf")
        unchecked = (f"lossmath derive --check: PDF not checked: {engine_missing(engine)}; "
                     "the rest was")
    for b in built:
        texts = {}
        if "md" in formats:
            texts[b.md_path] = b.markdown
        if "tex" in formats:
            texts[b.tex_path] = b.latex
        for p in stale(texts).changed:
            why = "missing" if not p.exists() else "out of date"
            stale_paths.append((b.doc.name, p, why))
            if args.diff and p.exists():
                sys.stdout.write(unified_diff(p, texts[p]))
        if "md" in formats or "tex" in formats:
            for p, (_, digest) in b.figure_paths().items():
                content = read_bounded(p)
                if content is None:
                    stale_paths.append((b.doc.name, p, "missing"))
                elif not has_fingerprint(content, digest):
                    stale_paths.append((b.doc.name, p, "shows an older figure"))
        if "pdf" in formats:
            content = read_bounded(b.pdf_path)
            if not pdf_is_current(content, b.latex):
                why = "missing" if content is None else "was built from an older .tex"
                stale_paths.append((b.doc.name, b.pdf_path, why))
    if unchecked:
        print(unchecked, file=sys.stderr)
    if not stale_paths:
        n = len(built)
        print(f"lossmath derive --check: {n} document{'s' * (n != 1)} up to date"
              + (" (PDF not checked)" if unchecked else ""))
        return EXIT_OK
    for _, p, why in stale_paths:
        print(f"stale: {field(str(p))} ({why})", file=sys.stderr)
    docs = {d for d, _, _ in stale_paths}
    tokens = [b.target for b in built if b.doc.name in docs and b.target]
    print(f"lossmath derive --check: {len(stale_paths)} file(s) out of date; regenerate "
          f"with: {_command(tokens, args, output=True)}", file=sys.stderr)
    return EXIT_FAIL


def _quiet_matplotlib() -> None:
    """Import matplotlib with its warnings about an unusable configuration directory (a
    HOME that is not writable: it then uses a temporary one) kept from the user: they are
    not about this run's output, which does not depend on that directory. (Here, not in
    lossmath.render.plot: the figures' fingerprints hash that module's source.)"""
    import logging

    log = logging.getLogger("matplotlib")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        import matplotlib  # noqa: F401
        import matplotlib.font_manager  # noqa: F401 - builds its cache in the same directory
    finally:
        log.setLevel(level)


def run(args: argparse.Namespace) -> int:
    # Each step on stderr as it starts (a bar on a terminal, lines on a pipe; -q: none).
    with progress.reporting("lossmath derive", quiet=args.quiet):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    formats, explicit = _parse_formats(args.format)
    known = available(args.sources)
    if args.list:
        for name in known:
            print(name)
        return EXIT_OK
    if args.diff and not args.check:
        raise UsageError("--diff only goes with --check")
    if args.all and args.names:
        raise UsageError("give derivation names or --all, not both")
    targets = _targets(args, known)
    out = _out_dir(args)

    if args.check:
        return _check(_build_all(targets, args, out, known), formats, args, explicit)

    new_dirs = _new_dirs(out, args.parents, Path(args.output))
    want_pdf = "pdf" in formats
    pdf_skipped = ""
    engine = tex_engine(args.lang)
    if want_pdf and engine_path(engine) is None:
        message = engine_missing(engine)
        if explicit:
            raise UsageError(f"cannot build PDF: {message}")
        want_pdf, pdf_skipped = False, message
    _quiet_matplotlib()
    built = _build_all(targets, args, out, known)
    names = [b.doc.name for b in built]
    files: dict[Path, str | bytes] = {}
    for b in built:
        figures = current_figures(b, args.rebuild)
        if figures is None:
            if b.doc.figures:
                progress.step(f"{b.doc.name}: drawing {len(b.doc.figures)} figure(s)")
            figures = b.figure_contents()
        if "md" in formats:
            files[b.md_path] = b.markdown
        if "tex" in formats:
            files[b.tex_path] = b.latex
        if "md" in formats or "tex" in formats:
            files.update(figures)
        if want_pdf:
            inputs = {str(p.relative_to(out)): c for p, c in figures.items()
                      if p.suffix == ".pdf"}
            existing = read_bounded(b.pdf_path)
            if not args.rebuild and pdf_is_current(existing, b.latex):
                files[b.pdf_path] = existing  # see _current_figures: kept, not rebuilt
                continue
            progress.step(f"{b.doc.name}: compiling the PDF ({engine})")
            try:
                files[b.pdf_path] = build_pdf(b.latex, inputs, engine=engine)
            except PdfUnavailable as exc:  # pragma: no cover - checked above
                raise UsageError(str(exc)) from exc
    inputs = [t.arg for t in targets if t.arg and not t.derivation and _is_spec(t.arg)]
    outcome = write_files(files, inputs=inputs, force=args.force, parents=args.parents,
                          new_dirs=new_dirs)
    report_outcome(outcome)
    for p in outcome.changed:
        print(f"wrote {field(str(p))}")
    print(f"lossmath derive: {', '.join(names)}: {len(outcome.changed)} file(s) written, "
          f"{len(outcome.unchanged)} unchanged, in {out}{os.sep}")
    # Where to look: the documents themselves (the figures are next to them).
    for b in built:
        here = [p for p in (b.md_path, b.pdf_path, b.tex_path) if p in files]
        if here:
            print("  " + ", ".join(field(str(p)) for p in here))
    if pdf_skipped:
        print(f"lossmath derive: PDF skipped: {pdf_skipped}", file=sys.stderr)
    return EXIT_OK


def _build_all(
    targets: list[Target], args: argparse.Namespace, out: Path, known: dict[str, Path]
) -> list[Built]:
    """Every target's document as text (nothing is written); names must not collide."""
    built: list[Built] = []
    for i, t in enumerate(targets, 1):
        # --timeout bounds each document, not the whole run (``cli.main``); without it a
        # derivation gets its own budget (build) and a loss report the default.
        timeout = getattr(args, "timeout", None)
        with progress.task(t.arg or "--expr", i, len(targets)):
            if t.derivation:
                doc = build(t.arg, args.sources, args.lang, timeout=timeout)
            else:
                seconds = budget.DEFAULT_SECONDS if timeout is None else timeout
                with budget.deadline(seconds, f"building {t.arg or '--expr'}"):
                    doc = build_loss(t, args)
        what = "derivation" if t.derivation else "loss"
        clash = next((b for b in built if b.doc.name == doc.name), None)
        if clash is not None or (not t.derivation and doc.name in known):
            other = clash.target if clash is not None else f"lossmath/derivations/{doc.name}.py"
            raise UsageError(f"{t.arg or '--expr'} and {other or '--expr'} both make the "
                             f"document {doc.name}; rename one (a spec's name, or --name)")
        built.append(_text(doc, out, what, t.arg or ""))
    return built


def _text(doc: Document, out: Path, what: str, target: str) -> Built:
    try:
        built = Built(doc, out, doc.markdown(), doc.latex(), target)
    except DocumentError as exc:
        raise DerivationError(f"{what} {doc.name}: {exc}") from exc
    check_tex(built.latex, what=f"{what} {doc.name}: {built.tex_path.name}")
    return built


_HELP = """\
Build derivation documents: Markdown (math renders on GitHub), standalone LaTeX, the
figures (SVG, PNG, PDF) and, when pdflatex is installed, a PDF. With no NAME, builds
smooth_l1_vs_l2, the smooth-L1-versus-L2 derivation.

NAME may also be any loss: a catalog loss (see 'lossmath list') or a SPEC.toml, or give
--expr TEXT. It then gets a generic loss report (definition, derivatives, smoothness at
every breakpoint, properties, conventions, a figure at the parameters' defaults), named
after the loss. A derivation wins over a catalog loss of the same name.

--check writes nothing and exits 1 if any document is out of date: the NAMEs given, every
derivation with --all, and with neither, every derivation that has a file in DIR (the
default document when none has), so 'derive' then 'derive --check' agree anywhere; a loss
report only when named. It compares .md and .tex
byte for byte; figures and PDFs carry a fingerprint of what they show (figures: the plotted
loss tables, labels and limits; PDF: the .tex it was built from) and are current when the
fingerprint matches, so a newer matplotlib or TeX on the checking machine does not make
them stale.
"""

_EPILOG = """\
exit codes: 0 done or up to date, 1 --check found stale files, 2 usage or input error
(unknown derivation or loss, unsolved unknowns, a parameter without a value, unwritable
output directory, pdflatex missing with --format pdf). Without TeX, --check checks the
rest and says the PDF was not checked.
examples:
  lossmath derive                      # docs/smooth_l1_vs_l2.{md,tex,pdf} + figures
  lossmath derive --all                # every derivation
  lossmath derive --check              # the documents in docs/ are current
  lossmath derive --check --all --diff # what CI runs: every derivation, with a diff
  lossmath derive --lang zh            # the Chinese edition: docs/zh/smooth_l1_vs_l2.*
  lossmath derive huber -o out         # a report on a catalog loss: out/huber.{md,tex,pdf}
  lossmath derive lossmath/examples/wing.toml --solve -o out
  lossmath derive --expr "x**2 if x < 1 else x" --name mine -o out
"""


def register(sub) -> None:
    p = sub.add_parser(
        "derive",
        help=SUMMARIES["derive"],
        description=_HELP,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("names", nargs="*", metavar="NAME",
                   help=f"derivation(s) to build (default {DEFAULT}; see --list), or losses: "
                        "a catalog name or a SPEC.toml")
    p.add_argument("--all", action="store_true",
                   help="build (with --check: check) every derivation")
    p.add_argument("-o", "--output", default="docs", metavar="DIR",
                   help="output directory (default: docs)")
    p.add_argument("--format", metavar="LIST",
                   help="comma-separated subset of md,tex,pdf (default: all; the PDF is "
                        "skipped with a message when pdflatex is missing, unless asked for)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if any output is out of date (without NAME "
                        "or --all: the derivations that have files in DIR)")
    p.add_argument("--diff", action="store_true", help="with --check: show the text changes")
    p.add_argument("--sources", metavar="DIR",
                   help="build from derivation sources in DIR instead of the installed ones")
    p.add_argument("--list", action="store_true", help="list the derivations and exit")
    p.add_argument("--lang", choices=LANGUAGES, default="en",
                   help="the edition: en (default, in DIR) or zh, Simplified Chinese (in "
                        "DIR/zh, PDF with XeLaTeX and ctex); derivations only")
    p.add_argument("--rebuild", action="store_true",
                   help="redraw the figures and recompile the PDF even when the files carry "
                        "the current fingerprint (by default those are kept byte for byte)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="report no progress on stderr (by default each step is reported as "
                        "it starts: a bar on a terminal, one line per step on a pipe)")
    add_output_options(p)
    # The loss options of show/check (cli.add_loss_arguments), for the loss reports.
    p.add_argument("--expr", metavar="TEXT",
                   help='a report on an inline loss, e.g. "x**2 if x < 1 else x"')
    p.add_argument("--name", metavar="NAME",
                   help="with --expr: the report's name and file stem (default: expr)")
    add_declare_argument(p)
    p.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help="substitute a loss parameter's value, e.g. --param delta=2 "
                        "(repeatable; the figure uses defaults for the rest)")
    p.add_argument("--solve", nargs="?", const="best", metavar="CLASS",
                   help="solve a spec's unknowns first, for CLASS (default: the smoothest "
                        "reachable)")
    # No --timeout means each document's own budget (a derivation's BUDGET, else the default).
    p.set_defaults(func=run, budget_scope="each document", timeout=None)
