"""The hostile corpora's machinery: the cases' building blocks, the worker and importer
processes, and :func:`run_case`, which checks everything tests/cli/test_hostile_corpus.py's
docstring lists (shared by both corpora)."""

from __future__ import annotations

import json
import os
import select
import socket
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import tomli_w

from lossmath.io.escape import UNSAFE, visible

# The corpus runs in a worker process (tests/support/hostile_worker.py), each case under its
# timeout.
pytestmark = pytest.mark.subprocess

WORKER = Path(__file__).resolve().parents[1] / "support" / "hostile_worker.py"
ROOT = Path(__file__).resolve().parents[2]
WING = ROOT / "lossmath" / "examples" / "wing.toml"
REFUSAL_SECONDS = 2.0
RSS_GROWTH_KIB = 300 * 1024


def spec_text(**fields) -> str:
    """A valid one-piece spec; ``fields`` override its free text (or any key)."""
    data = {
        "name": "probe",
        "title": "Probe",
        "description": "A probe.",
        "params": {"beta": {"default": 1, "description": "scale"}},
        "pieces": [{"expr": "beta*x**2"}],
        "references": [{"authors": ["A. Author"], "title": "T", "year": 2020, "venue": "V"}],
    }
    for key, value in fields.items():
        if key == "param":
            data["params"]["beta"]["description"] = value
        elif key in ("author", "ref", "venue"):
            ref = data["references"][0]
            if key == "author":
                ref["authors"] = [value]
            else:
                ref["title" if key == "ref" else "venue"] = value
        else:
            data[key] = value
    return tomli_w.dumps(data)


def write(name: str, text: str | bytes) -> Callable[[Path], None]:
    def setup(d: Path) -> None:
        p = d / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)

    return setup


def chain(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(d: Path) -> None:
        for s in steps:
            s(d)

    return setup


def fifo(name: str) -> Callable[[Path], None]:
    return lambda d: os.mkfifo(d / name)


def link(name: str, target: str) -> Callable[[Path], None]:
    return lambda d: os.symlink(target, d / name)


def unix_socket(name: str) -> Callable[[Path], None]:
    def setup(d: Path) -> None:
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(d / name))
        s.close()

    return setup


def char_device(name: str) -> Callable[[Path], None]:
    """A character device in the case directory: a copy of /dev/null's node when we may
    make one (root), else a symlink to /dev/null itself (which a non-root run could not
    replace even if the rule failed)."""

    def setup(d: Path) -> None:
        if os.geteuid() == 0:
            os.mknod(d / name, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        else:
            os.symlink("/dev/null", d / name)

    return setup


def readonly(name: str, text: str = "old\n") -> Callable[[Path], None]:
    def setup(d: Path) -> None:
        (d / name).write_text(text)
        (d / name).chmod(0o444)

    return setup


@dataclass
class Case:
    id: str
    argv: list[str]
    rc: int
    err: str = ""  # a substring of stderr
    setup: Callable[[Path], None] | None = None
    then: Callable[[Path, dict], None] | None = None
    cwd: str = "."
    umask: int = 0o022
    pre: list[list[str]] = field(default_factory=list)  # commands run first (must exit 0)
    seconds: float = REFUSAL_SECONDS
    stdout: str | None = None  # "closed", "broken" or "ascii" (tests/hostile_worker.py)


def _unchanged(name: str, text: str = "old\n") -> Callable[[Path, dict], None]:
    def then(d: Path, r: dict) -> None:
        assert (d / name).read_text() == text

    return then


def _kind_kept(name: str, test: Callable[[int], bool]) -> Callable[[Path, dict], None]:
    def then(d: Path, r: dict) -> None:
        assert test(os.lstat(d / name).st_mode) or (d / name).is_symlink()

    return then


def shown(text: str) -> str:
    """How ``text`` reads in a docstring, whitespace and case aside: its words, each unsafe
    character in them as its visible escape."""
    return visible("".join(text.split())).lower()


def _docstrings_show(*texts: str) -> Callable[[Path, dict], None]:
    """Every text is readable (in its visible form; whitespace, which wrapping changes, and
    case, since a parameter's description is capitalised, aside) in the docstrings."""

    def then(d: Path, r: dict) -> None:
        docs = "".join("".join(r["docs"].values()).split()).lower()
        for t in texts:
            assert shown(t) in docs, t

    return then


def _no_raw_unsafe(stream: str) -> Callable[[Path, dict], None]:
    def then(d: Path, r: dict) -> None:
        assert not (set(r[stream]) & (UNSAFE - {"\n", "\t"})), r[stream]

    return then


def _both(*checks: Callable[[Path, dict], None]) -> Callable[[Path, dict], None]:
    def then(d: Path, r: dict) -> None:
        for c in checks:
            c(d, r)

    return then


def _mode(name: str, mode: int) -> Callable[[Path, dict], None]:
    return lambda d, r: _assert_eq(stat.S_IMODE(os.stat(d / name).st_mode), mode)


def _assert_eq(a, b) -> None:
    assert a == b, (a, b)


def _no_dir(name: str) -> Callable[[Path, dict], None]:
    return lambda d, r: _assert_eq((d / name).exists(), False)


def _header_names(name: str, spelled: str) -> Callable[[Path, dict], None]:
    def then(d: Path, r: dict) -> None:
        header = (d / name).read_text().splitlines()[2]
        assert header.endswith(f"-o {spelled}"), header

    return then


def _solved(name: str, input_name: str = "") -> Callable[[Path, dict], None]:
    """The solved spec has the input's keys (less unknowns, plus constants) and nothing a
    file name could add; its header is one line and names the input, escaped."""

    def then(d: Path, r: dict) -> None:
        import tomllib

        text = (d / name).read_text()
        header = text.splitlines()[0]
        assert header.startswith("# Solved by lossmath solve "), header
        if input_name:
            assert visible(input_name) in header, header
        keys = set(tomllib.loads(WING.read_text())) - {"unknowns"} | {"constants"}
        assert set(tomllib.loads(text)) == keys
        assert "evil" not in tomllib.loads(text)["params"]

    return then


def _stale_temp_removed(d: Path, r: dict) -> None:
    names = sorted(p.name for p in d.iterdir())
    assert names == [".m.py.lossmath-1-keep.tmp", "m.py"], names


def _link_kept(d: Path, r: dict) -> None:
    assert (d / "link.py").is_symlink() and "# Generated by" in (d / "real.py").read_text()
    assert "link.py is a symlink: writing" in r["out"]


TITLE_QUOTES = "A title long enough to be wrapped across lines in the docstring, " * 2 + '"""""'
N_ESCAPE = " ".join(["word"] * 13 + [r"\N{LATIN SMALL LETTER A}"] * 8)
CONTROLS = "esc \x1b[2J csi \x9b31m del \x7f bel \x07 nul \x00 cr \r back\b"
BIDI = "admin\u202e\u2066 // evil \u2069\u202d end \u200f\u061c"
SEPARATORS = "line\u2028sep\u2029para\x85nel\x0bvt\x0cff"
CODE = '"""\nimport os; os.system("touch pwned")\n"""'
BACKSLASHES = r"\x \u12 \U0000 \N{ \N{NOPE} \ ends with \\"
NEWLINE_NAME = "out\n[params.evil]\nw = 1\n.toml"

E = ["check", "--expr"]
CASES = [
    # -- code execution through expressions --
    Case("expr-import", [*E, "__import__('os').system('touch pwned')"], 2, "--expr"),
    Case("expr-dunder", [*E, "x.__class__.__bases__"], 2, "--expr"),
    Case("expr-lambda", [*E, "(lambda: 1)()"], 2, "--expr"),
    Case("expr-comprehension", [*E, "[x for x in (1,)]"], 2, "--expr"),
    Case("expr-walrus", [*E, "(y := 2)"], 2, "--expr"),
    Case("expr-fstring", [*E, "f'{x}'"], 2, "--expr"),
    Case("expr-nfkc", [*E, "\uff45\uff58\uff45\uff43('1')"], 2, "--expr"),
    Case("expr-eval", [*E, "eval('1')"], 2, "--expr"),
    Case("expr-open", [*E, "open('/etc/passwd')"], 2, "--expr"),
    Case("expr-statement", [*E, "x; import os"], 2, "--expr"),
    Case("expr-comment", [*E, "x**2 # comment"], 2, "comments are not allowed"),
    Case("expr-long-literal", [*E, "9" * 5000], 2, "--expr"),
    Case("expr-huge-power", [*E, "x**(10**100)"], 2, "--expr"),
    Case("expr-deep", [*E, "(" * 100 + "x" + ")" * 100], 2, "nested"),
    Case("expr-getattr", [*E, "getattr(x, 'real')"], 2, "--expr"),
    Case("expr-string", [*E, "'x' + 'y'"], 2, "--expr"),
    Case("expr-subscript", [*E, "x[0]"], 2, "--expr"),
    Case("expr-control-chars", [*E, "x\x1b[2J\x9b"], 2, "--expr",
         then=_no_raw_unsafe("err")),
    Case("spec-expr-dunder", ["codegen", "s.toml"], 2, "pieces[1].expr",
         setup=write("s.toml", spec_text(pieces=[{"expr": "x.__class__"}]))),
    Case("spec-when-lambda", ["show", "s.toml"], 2, "pieces[1].when",
         setup=write("s.toml", spec_text(pieces=[{"expr": "x", "when": "(lambda: 1)()"}]))),
    Case("spec-constant-import", ["show", "s.toml"], 2, "constants.C",
         setup=write("s.toml", spec_text(constants={"C": "__import__('os')"}))),
    # -- names --
    Case("name-dotted", ["codegen", "s.toml"], 2, "is not a valid name",
         setup=write("s.toml", spec_text(name="os.system"))),
    Case("name-newline", ["codegen", "s.toml"], 2, "is not a valid name",
         setup=write("s.toml", spec_text(name="a\nimport os"))),
    Case("name-keyword", ["codegen", "s.toml"], 2, "is reserved",
         setup=write("s.toml", spec_text(name="class"))),
    Case("name-param-keyword", ["show", "s.toml"], 2, "is reserved",
         setup=write("s.toml", spec_text(params={"import": 1}))),
    Case("name-codegen-flag", ["codegen", "--expr", "x**2", "--name", "a;import os"], 2,
         "is not a valid name"),
    Case("name-derive-path", ["derive", "-q", "--expr", "x**2", "--name", "../evil", "-o", "out"],
         2,
         "is not a valid name", then=_no_dir("out")),
    Case("name-too-long", ["codegen", "--expr", "x", "--name", "a" * 65], 2,
         "is not a valid name"),
    # -- free text in generated modules: escaped after wrapping, modules import --
    Case("text-title-quotes", ["codegen", "s.toml", "-o", "m.py"], 0, seconds=20,
         setup=write("s.toml", spec_text(title=TITLE_QUOTES)),
         then=_docstrings_show(TITLE_QUOTES)),
    # A word longer than a line is broken anywhere, never inside an escape.
    Case("text-long-word-quotes", ["codegen", "s.toml", "-o", "m.py"], 0, seconds=20,
         setup=write("s.toml", spec_text(title="A" * 87 + '"""""')),
         then=_docstrings_show("A" * 87 + '"""""')),
    Case("text-long-word-N-escape", ["codegen", "s.toml", "-o", "m.py"], 0, seconds=20,
         setup=write("s.toml", spec_text(title="A" * 85 + "\\\\N{NOPE}")),
         then=_docstrings_show("A" * 85 + "\\\\N{NOPE}")),
    Case("text-N-escape-wrapped", ["codegen", "s.toml", "-o", "m.py"], 0, seconds=20,
         setup=write("s.toml", spec_text(description=N_ESCAPE, param=N_ESCAPE)),
         then=_docstrings_show(N_ESCAPE)),
    Case("text-code-in-title", ["codegen", "s.toml", "-o", "m.py"], 0, seconds=20,
         setup=write("s.toml", spec_text(title=CODE, ref=CODE)),
         then=_docstrings_show(CODE)),
    Case("text-controls", ["codegen", "s.toml", "-o", "m.py"], 0, seconds=20,
         setup=write("s.toml", spec_text(title=CONTROLS, description=CONTROLS)),
         then=_docstrings_show(CONTROLS)),
    Case("text-bidi", ["codegen", "s.toml", "-o", "m.py"], 0, seconds=20,
         setup=write("s.toml", spec_text(description=BIDI, venue=BIDI)),
         then=_docstrings_show(BIDI)),
    Case("text-separators", ["codegen", "s.toml", "-o", "m.py"], 0, seconds=20,
         setup=write("s.toml", spec_text(param=SEPARATORS, author=SEPARATORS)),
         then=_docstrings_show(SEPARATORS)),
    Case("text-backslashes", ["codegen", "s.toml", "-o", "m.py"], 0, seconds=20,
         setup=write("s.toml", spec_text(title=BACKSLASHES, ref=BACKSLASHES)),
         then=_docstrings_show(BACKSLASHES)),
    Case("text-only-quotes", ["codegen", "s.toml", "-o", "m.py"], 0, seconds=20,
         setup=write("s.toml", spec_text(title='"' * 2000, description="'''" * 100)),
         then=_docstrings_show('"' * 2000)),
    Case("text-stdout-module", ["codegen", "s.toml"], 0, seconds=20,
         setup=write("s.toml", spec_text(title=CONTROLS + BIDI)),
         then=_no_raw_unsafe("out")),
    # -- the terminal --
    Case("show-controls", ["show", "s.toml"], 0, seconds=20,
         setup=write("s.toml", spec_text(title=CONTROLS, description=BIDI + SEPARATORS)),
         then=_both(_no_raw_unsafe("out"),
                    lambda d, r: _assert_eq("\\u001b[2J" in r["out"], True))),
    Case("show-forged-line", ["show", "s.toml"], 0, seconds=20,
         setup=write("s.toml", spec_text(title="t\nSmoothness\n  no breakpoints: C∞")),
         then=lambda d, r: _assert_eq(r["out"].splitlines().count("Smoothness"), 1)),
    Case("error-file-name", ["show", "a\x1b]0;owned\x07.toml"], 2, "no such file",
         then=_no_raw_unsafe("err")),
    Case("error-param", [*E, "x**2", "--param", "a\x9b2J=1"], 2, "",
         then=_no_raw_unsafe("err")),
    # -- output paths --
    Case("out-device", ["codegen", "--expr", "x**2", "-o", "dev"], 2, "character device",
         setup=char_device("dev"), then=_kind_kept("dev", stat.S_ISCHR)),
    Case("check-dev-zero", ["codegen", "--expr", "x**2", "-o", "z.py", "--check"], 2,
         "character device", setup=link("z.py", "/dev/zero")),
    Case("check-fifo", ["codegen", "--expr", "x**2", "-o", "f.py", "--check", "--diff"], 2,
         "FIFO", setup=fifo("f.py"), then=_kind_kept("f.py", stat.S_ISFIFO)),
    Case("out-fifo", ["codegen", "--expr", "x**2", "-o", "f.py"], 2, "FIFO",
         setup=fifo("f.py"), then=_kind_kept("f.py", stat.S_ISFIFO)),
    Case("out-socket", ["codegen", "--expr", "x**2", "-o", "s.py"], 2, "socket",
         setup=unix_socket("s.py"), then=_kind_kept("s.py", stat.S_ISSOCK)),
    Case("out-directory", ["codegen", "--expr", "x**2", "-o", "d"], 2, "is a directory",
         setup=lambda d: (d / "d").mkdir()),
    Case("out-readonly", ["codegen", "--expr", "x**2", "-o", "ro.py"], 2, "read-only",
         setup=readonly("ro.py"), then=_unchanged("ro.py")),
    Case("out-readonly-force", ["codegen", "--expr", "x**2", "-o", "ro.py", "--force"], 0,
         seconds=20, setup=readonly("ro.py"), then=_mode("ro.py", 0o444)),
    Case("out-own-spec", ["codegen", "wing.toml", "--solve", "-o", "wing.toml"], 2,
         "is an input", setup=write("wing.toml", WING.read_text()),
         then=_unchanged("wing.toml", WING.read_text())),
    Case("solve-own-spec", ["solve", "wing.toml", "-o", "wing.toml"], 2, "is an input",
         setup=write("wing.toml", WING.read_text()),
         then=_unchanged("wing.toml", WING.read_text())),
    Case("solve-own-spec-spelled", ["solve", "wing.toml", "-o", "./sub/../wing.toml"], 2,
         "is an input", setup=chain(write("wing.toml", WING.read_text()),
                                    lambda d: (d / "sub").mkdir()),
         then=_unchanged("wing.toml", WING.read_text())),
    Case("solve-own-spec-hardlink", ["solve", "wing.toml", "-o", "hard.toml"], 2,
         "is an input", setup=chain(write("wing.toml", WING.read_text()),
                                    lambda d: os.link(d / "wing.toml", d / "hard.toml")),
         then=_unchanged("wing.toml", WING.read_text())),
    Case("solve-own-spec-symlink", ["solve", "wing.toml", "-o", "soft.toml"], 2,
         "is an input", setup=chain(write("wing.toml", WING.read_text()),
                                    link("soft.toml", "wing.toml")),
         then=_unchanged("wing.toml", WING.read_text())),
    Case("out-missing-dirs", ["codegen", "--expr", "x**2", "-o", "no/such/m.py"], 2,
         "pass --parents", then=_no_dir("no")),
    Case("out-parents", ["codegen", "--expr", "x**2", "-o", "no/such/m.py", "--parents"], 0,
         seconds=20, then=lambda d, r: _assert_eq(r["out"].count("created directory"), 2)),
    Case("out-umask-027", ["codegen", "--expr", "x**2", "-o", "m.py"], 0, seconds=20,
         umask=0o027, then=_mode("m.py", 0o640)),
    Case("out-umask-kept-mode", ["codegen", "--expr", "x**2", "-o", "m.py"], 0, seconds=20,
         umask=0o077, setup=lambda d: ((d / "m.py").write_text("old"),
                                       (d / "m.py").chmod(0o654)),
         then=_mode("m.py", 0o654)),
    Case("out-symlink", ["codegen", "--expr", "x**2", "-o", "link.py"], 0, seconds=20,
         setup=chain(write("real.py", "old\n"), link("link.py", "real.py")),
         then=_link_kept),
    Case("out-stale-temporaries", ["codegen", "--expr", "x**2", "-o", "m.py"], 0, seconds=20,
         # pid 999999999 cannot exist (pid_max is at most 2**22); pid 1 always does.
         setup=chain(write(".m.py.lossmath-999999999-dead.tmp", "x"),
                     write(".m.py.lossmath-1-keep.tmp", "x")),
         then=_stale_temp_removed),
    Case("derive-missing-dirs", ["derive", "huber", "-o", "no/such/out"], 2,
         "pass --parents", then=_no_dir("no")),
    Case("derive-onto-file", ["derive", "huber", "-o", "f"], 2, "not a directory",
         setup=write("f", "old\n"), then=_unchanged("f")),
    Case("solve-newline-file-name", ["solve", "wing.toml", "-o", NEWLINE_NAME], 0,
         seconds=20, setup=write("wing.toml", WING.read_text()),
         then=_solved(NEWLINE_NAME)),
    Case("solve-newline-input-name", ["solve", NEWLINE_NAME, "-o", "out.toml"], 0,
         seconds=20, setup=write(NEWLINE_NAME, WING.read_text()),
         then=_solved("out.toml", NEWLINE_NAME)),
    # -- the header and --check do not depend on how -o is spelled --
    Case("check-dot-slash", ["codegen", "huber", "-o", "./gen/h.py", "--check"], 0,
         seconds=20, pre=[["codegen", "huber", "-o", "gen/h.py", "--parents"]],
         then=_header_names("gen/h.py", "h.py")),
    Case("check-from-subdir", ["codegen", "huber", "-o", "h.py", "--check"], 0, seconds=20,
         cwd="gen", setup=lambda d: (d / "gen").mkdir(),
         pre=[["codegen", "huber", "-o", "../gen/h.py"]]),
    Case("check-in-project", ["codegen", "huber", "-o", "h.py", "--check"], 0, seconds=20,
         cwd="gen", setup=chain(write("pyproject.toml", ""), lambda d: (d / "gen").mkdir()),
         pre=[["codegen", "huber", "-o", "../gen/./h.py"]],
         then=_header_names("gen/h.py", "gen/h.py")),
    Case("check-stale-names-command", ["codegen", "l1", "-o", "gen/h.py", "--check"], 1,
         "regenerate with: lossmath codegen l1 --target numpy -o gen/h.py", seconds=20,
         setup=lambda d: (d / "gen").mkdir(), pre=[["codegen", "huber", "-o", "gen/h.py"]]),
    # -- bounded TOML --
    Case("toml-deep-arrays", ["show", "s.toml"], 2, "nested",
         setup=write("s.toml", 'name = "a"\nx = ' + "[" * 5000 + "]" * 5000 + "\n")),
    Case("toml-deep-tables", ["show", "s.toml"], 2, "nested",
         setup=write("s.toml", 'name = "a"\nx = ' + "{a = " * 2000 + "1" + "}" * 2000)),
    Case("toml-deep-dotted", ["show", "s.toml"], 2, "nested",
         setup=write("s.toml", 'name = "a"\n' + ".".join(["k"] * 60) + " = 1\n")),
    Case("toml-deep-header", ["show", "s.toml"], 2, "nested",
         setup=write("s.toml", 'name = "a"\n[' + ".".join(["k"] * 60) + "]\n")),
    Case("toml-too-big", ["show", "s.toml"], 2, "the limit is",
         setup=write("s.toml", spec_text(description="x" * 70000))),
    Case("toml-fifo", ["show", "s.toml"], 2, "FIFO", setup=fifo("s.toml")),
    Case("toml-dev-zero", ["show", "s.toml"], 2, "character device",
         setup=link("s.toml", "/dev/zero")),
    Case("toml-directory", ["show", "s.toml/"], 2, "directory",
         setup=lambda d: (d / "s.toml").mkdir()),
    Case("toml-bad-utf8", ["show", "s.toml"], 2, "not valid TOML",
         setup=write("s.toml", b'name = "\xff\xfe"\n')),
    Case("toml-many-pieces", ["show", "s.toml"], 2, "the limit is 32",
         setup=write("s.toml", spec_text(pieces=[{"expr": "x", "when": "x < 1"}] * 33))),
    Case("toml-long-title", ["show", "s.toml"], 2, "the limit is 2000",
         setup=write("s.toml", spec_text(title="t" * 2001))),
    Case("toml-title-type", ["show", "s.toml"], 2, "title must be a string",
         setup=write("s.toml", spec_text(title=12))),
    Case("toml-unknown-key", ["show", "s.toml"], 2, "unknown key",
         setup=write("s.toml", spec_text(run="rm -rf /"))),
]


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("corpus")


@pytest.fixture(scope="module")
def worker(corpus_dir):
    tmp = corpus_dir / "_tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "OPENBLAS_NUM_THREADS": "1",
           "MPLBACKEND": "Agg"}
    proc = subprocess.Popen([sys.executable, str(WORKER)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)
    yield proc, tmp
    proc.stdin.close()
    proc.wait(timeout=30)
    proc.stdout.close()


def _ask(proc: subprocess.Popen, request: dict | list, timeout: float) -> dict:
    proc.stdin.write(json.dumps(request) + "\n")
    proc.stdin.flush()
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready:
        proc.kill()
        pytest.fail(f"no answer within {timeout} s")
    line = proc.stdout.readline()
    assert line, "the worker process died"
    return json.loads(line)


def _files(d: Path) -> dict[str, float]:
    return {str(p.relative_to(d)): p.lstat().st_mtime_ns for p in d.rglob("*")}


IMPORTER = """\
import importlib.util, inspect, json, sys, traceback
for n, line in enumerate(sys.stdin):
    docs = {}
    try:
        for i, path in enumerate(json.loads(line)):
            spec = importlib.util.spec_from_file_location(f"corpus_module_{n}_{i}", path)
            m = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(m)
            docs[path] = m.__doc__
            for name, f in vars(m).items():
                if inspect.isfunction(f) and f.__module__ == m.__name__:
                    docs[f"{path}:{name}"] = f.__doc__ or ""
        print(json.dumps({"docs": docs}), flush=True)
    except BaseException:
        print(json.dumps({"error": traceback.format_exc()}), flush=True)
"""


@pytest.fixture(scope="module")
def importer():
    """One ``python -W error`` process that imports the modules the cases write (each
    under a name of its own), so a warning at import fails the case."""
    proc = subprocess.Popen([sys.executable, "-W", "error", "-c", IMPORTER],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    yield proc
    proc.stdin.close()
    proc.wait(timeout=30)
    proc.stdout.close()






def run_case(case: Case, worker, importer, corpus_dir: Path) -> None:
    """Run one case in the worker and check everything the module docstring lists."""
    proc, tmp = worker
    d = corpus_dir / case.id
    d.mkdir()
    if case.setup:
        case.setup(d)
    before = _files(d)
    siblings = sorted(p.name for p in corpus_dir.iterdir())
    r = _ask(proc, {"argv": case.argv, "cwd": str(d / case.cwd), "umask": case.umask,
                    "pre": case.pre, "timeout": max(case.seconds, 5) * 3,
                    "stdout": case.stdout},
             timeout=max(case.seconds, 5) * 4)
    for p in r["pre"]:
        assert p["rc"] == 0, p
    assert r["traceback"] is None, r["traceback"]
    assert "Traceback" not in r["err"], r["err"]
    assert r["rc"] == case.rc, (r["rc"], r["err"])
    assert case.err in r["err"], r["err"]
    if case.rc == 2:
        assert r["err"].startswith("lossmath: error: ") and r["err"].count("\n") == 1, r["err"]
    assert r["seconds"] < case.seconds, r["seconds"]
    assert r["rss_growth_kib"] < RSS_GROWTH_KIB, r["rss_growth_kib"]
    # Nothing outside the case's directory, nothing left in the temporary directory.
    assert sorted(p.name for p in corpus_dir.iterdir()) == siblings
    assert list(tmp.iterdir()) == []
    assert not list(d.rglob("pwned")) and not Path("pwned").exists()
    after = _files(d)
    written = [d / n for n in after if after[n] != before.get(n) and n.endswith(".py")
               and (d / n).is_file()]
    assert not [n for n in after if ".lossmath-" in n and n not in before]  # no temporaries
    if written:
        imported = _ask(importer, [str(p) for p in written], timeout=60)
        assert "error" not in imported, imported.get("error")
        r["docs"] = imported["docs"]
    else:
        r["docs"] = {}
    if case.then:
        case.then(d, r)


