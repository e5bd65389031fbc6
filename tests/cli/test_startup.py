"""Fast start: the catalog builds a loss's table on first use, ``import lossmath`` and
``lossmath --help``/``--version`` import no sympy, and the light parser that answers them
parses exactly as the full one does."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import lossmath
from lossmath import Loss, LossError, catalog, x
from lossmath.cli import main as cli
from lossmath.cli.commands import SUMMARIES


def _python(code: str) -> dict:
    """Run ``code`` in a fresh interpreter (this worktree's package first) and return the JSON
    object it prints last."""
    root = str(Path(lossmath.__file__).resolve().parents[1])  # the checkout under test
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [root, *filter(None, [os.environ.get("PYTHONPATH")])])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=300, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.subprocess
def test_the_catalog_builds_no_table_until_a_loss_is_used():
    seen = _python(
        "import json, lossmath.core.loss as L\n"
        "built = []\n"
        "real = L.build_table\n"
        "L.build_table = lambda e, *a: built.append(str(e)) or real(e, *a)\n"
        "import lossmath\n"
        "names = lossmath.loss_names()\n"
        "losses = [lossmath.get_loss(n) for n in names]\n"
        "aliases = sum(len(f.aliases) for f in losses)\n"
        "before = len(built)\n"
        "huber = lossmath.get_loss('huber')\n"
        "huber.table; huber.table; repr(huber)\n"
        "print(json.dumps({'names': len(names), 'aliases': aliases, 'before': before,\n"
        "                  'after': len(built)}))\n"
    )
    assert seen["names"] >= 30 and seen["aliases"] > 0
    assert seen["before"] == 0  # names, aliases, get: no table
    assert seen["after"] == 1  # the first use builds huber's, once


@pytest.mark.parametrize("name", catalog.names())
def test_a_deferred_table_is_the_table_construction_builds(name):
    loss = catalog.get(name)
    fields = {f.name: getattr(loss, f.name) for f in dataclasses.fields(loss)
              if f.init and f.name != "_table"}
    eager = Loss(**fields)  # built at construction, as a user's Loss is
    assert loss.table == eager.table
    assert loss.table is loss.table  # built once


def test_a_deferred_loss_reports_a_gap_on_first_use_and_an_eager_one_at_construction():
    gap = sp.Piecewise((x**2, x < -1), (x, x > 1))
    with pytest.raises(LossError, match=r"gap: no piece covers x in \(-1, 1\)"):
        Loss(name="gap", expr=gap)
    deferred = Loss.deferred(name="gap", expr=gap)  # what the table checks waits for its use
    for _ in range(2):  # a failed build is not cached as a table
        with pytest.raises(LossError, match=r"gap: no piece covers x in \(-1, 1\)"):
            deferred.table  # noqa: B018 - the access is the test


def test_a_deferred_loss_checks_its_symbols_at_construction():
    with pytest.raises(LossError, match="undeclared symbol"):
        Loss.deferred(name="bad", expr=x * sp.Symbol("beta", positive=True))
    with pytest.raises(TypeError, match="_table"):
        Loss.deferred(name="l2", expr=x**2, _table=None)


def test_substituting_into_a_deferred_loss_gives_the_loss_substituted():
    huber = catalog.get("huber")
    fields = {f.name: getattr(huber, f.name) for f in dataclasses.fields(huber)
              if f.init and f.name != "_table"}
    assert huber.subs(delta=2).table == Loss(**fields).subs(delta=2).table


@pytest.mark.subprocess
@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["--version"], [], ["no-such-command"]])
def test_the_command_line_answers_without_sympy_when_no_command_is_named(argv):
    seen = _python(
        "import io, json, sys, contextlib\n"
        "from lossmath.cli.main import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):\n"
        "    try:\n"
        f"        code = main({argv!r})\n"
        "    except SystemExit as exc:\n"
        "        code = exc.code\n"
        "heavy = sorted(m for m in ('sympy', 'numpy', 'mpmath') if m in sys.modules)\n"
        "print(json.dumps({'code': code, 'heavy': heavy, 'out': out.getvalue()}))\n"
    )
    assert seen["heavy"] == []
    assert seen["code"] == (0 if argv and argv[0].startswith("-") else 2)
    if argv == ["--version"]:
        assert seen["out"].strip() == f"lossmath {lossmath.__version__}"


@pytest.mark.subprocess
def test_importing_lossmath_imports_no_sympy_until_a_name_needs_it():
    seen = _python(
        "import json, sys\n"
        "import lossmath\n"
        "bare = 'sympy' in sys.modules\n"
        "from lossmath import *\n"
        "print(json.dumps({'bare': bare, 'after': 'sympy' in sys.modules,\n"
        "                  'missing': sorted(set(lossmath.__all__) - set(dir()))}))\n"
    )
    assert seen == {"bare": False, "after": True, "missing": []}


def test_every_public_name_and_subpackage_is_reachable_from_the_package():
    for name in lossmath.__all__:
        assert getattr(lossmath, name) is not None
        assert name in dir(lossmath)
    assert lossmath.analysis.analyse is lossmath.analyse  # a subpackage, as attribute
    assert lossmath.get_loss is catalog.get
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        lossmath.no_such_name  # noqa: B018


def _outcome(parser, argv: list[str]) -> tuple[object, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result: object = vars(parser.parse_args(argv))
        except SystemExit as exc:
            result = ("exit", exc.code)
    return result, out.getvalue(), err.getvalue()


# Tokens a user might type before (or instead of) a command; none is a command's name.
_TOKENS = ["-h", "--help", "--version", "--vers", "--timeout", "3", "--json", "--", "-",
           "lst", "show_", "l2", "huber", "--param", "beta=1", "-o", "x.py", "CHECK"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=5))
def test_the_light_parser_parses_as_the_full_one_when_no_command_is_named(argv):
    assert not cli.names_command(argv)
    full, light = cli.build_parser(), cli.build_parser(light=True)
    assert _outcome(light, argv) == _outcome(full, argv)


def test_the_light_parser_lists_every_command_of_the_full_one_with_its_summary():
    full, light = cli.build_parser(), cli.build_parser(light=True)
    assert light.format_help() == full.format_help()
    (sub,) = [a for a in full._actions if a.dest == "command"]
    assert list(sub.choices) == list(SUMMARIES)
    assert all(cli.names_command([name]) for name in SUMMARIES)
