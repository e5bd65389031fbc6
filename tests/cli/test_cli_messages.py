"""What the command line tells people and programs: help that names every code target, and
errors under --json as a JSON object on stdout (as well as one line on stderr)."""

from __future__ import annotations

import json

import pytest

from lossmath.cli.commands import SUMMARIES
from lossmath.cli.main import EXIT_UNDECIDED, EXIT_USAGE, main
from lossmath.emit import targets


def test_codegen_help_names_every_registered_target(capsys):
    with pytest.raises(SystemExit):
        main(["codegen", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    description = text.split("positional arguments")[0]
    for name in targets.names():
        assert name in description, name
    assert "imports only numpy" in description
    summary = SUMMARIES["codegen"]  # the line of `lossmath --help`, written without sympy
    assert all(name in summary for name in targets.names()), summary


@pytest.mark.parametrize("argv, kind, code", [
    (["check", "--expr", "beta*x", "--json"], "error", EXIT_USAGE),
    (["check", "no_such_loss", "--json"], "error", EXIT_USAGE),
    # a loss of its own (--expr): a catalog loss analysed earlier in this process is cached,
    # and a cached report is complete whatever the timeout
    (["check", "--expr", "x**2 + abs(x)", "--json", "--timeout", "0.000001"], "undecided",
     EXIT_UNDECIDED),
])
def test_errors_under_json_are_json_on_stdout(argv, kind, code, capsys):
    assert main(argv) == code
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["exit"] == code and data["error"]["kind"] == kind
    assert err == f"lossmath: {kind}: {data['error']['message']}\n"


def test_errors_without_json_leave_stdout_empty(capsys):
    assert main(["check", "--expr", "beta*x"]) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("lossmath: error: --expr: unknown name 'beta'")
