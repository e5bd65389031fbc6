"""Atomic writes and check mode, shared by every emitter."""

from __future__ import annotations

import os

import pytest

from lossmath.io import outputs


def test_write_then_check(tmp_path):
    files = {tmp_path / "a.md": "alpha\n", tmp_path / "sub" / "b.bin": b"\x00\x01"}
    first = outputs.write_files(files, parents=True)
    assert set(first.changed) == set(files)
    assert (tmp_path / "a.md").read_text() == "alpha\n"
    again = outputs.write_files(files)
    assert again.changed == () and set(again.unchanged) == set(files)
    assert outputs.stale({tmp_path / "a.md": "beta\n"}).changed == (tmp_path / "a.md",)


def test_check_mode_never_writes(tmp_path):
    target = tmp_path / "a.md"
    assert outputs.stale({target: "x"}).changed == (target,)
    assert not target.exists()


def test_diff_names_both_sides(tmp_path):
    target = tmp_path / "a.md"
    target.write_text("one\ntwo\n")
    diff = outputs.unified_diff(target, "one\nthree\n")
    assert "-two" in diff and "+three" in diff and "(on disk)" in diff


def test_failure_leaves_targets_and_no_temporaries(tmp_path):
    good = tmp_path / "good.md"
    good.write_text("old\n")
    blocker = tmp_path / "file"
    blocker.write_text("I am a file, not a directory")
    with pytest.raises(outputs.OutputError, match="cannot write .*file/out.md"):
        outputs.write_files({good: "new\n", blocker / "out.md": "x"})
    assert good.read_text() == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["file", "good.md"]


def test_display_path_depends_on_the_file_not_on_its_spelling(tmp_path, monkeypatch):
    (tmp_path / "gen").mkdir()
    target = tmp_path / "gen" / "h.py"
    monkeypatch.chdir(tmp_path)
    spellings = ["gen/h.py", "./gen/h.py", str(target), "gen/../gen/h.py"]
    assert {outputs.display_path(s) for s in spellings} == {"h.py"}  # outside a project
    (tmp_path / "pyproject.toml").write_text("")
    assert {outputs.display_path(s) for s in spellings} == {"gen/h.py"}
    monkeypatch.chdir(tmp_path / "gen")
    assert outputs.display_path("h.py") == "gen/h.py"
    (tmp_path / "gen" / ".git").write_text("gitdir: elsewhere\n")  # a worktree's .git file
    assert outputs.display_path("h.py") == "h.py"  # the nearest root wins


def test_read_bounded_reads_at_most_one_byte_more_than_asked(tmp_path):
    big = tmp_path / "big"
    big.write_bytes(b"x" * 1000)
    assert outputs.read_bounded(big, 10) == b"x" * 11
    assert outputs.read_bounded(tmp_path / "missing", 10) is None
    with pytest.raises(outputs.OutputError, match="is a directory"):
        outputs.read_bounded(tmp_path)


def test_a_stale_scratch_directory_of_a_dead_process_is_removed(tmp_path):
    dead = tmp_path / "lossmath-tex-999999999-abc"  # no such pid: pid_max is below 2**22
    alive = tmp_path / "lossmath-tex-1-abc"  # pid 1 always exists
    other = tmp_path / "someone-elses-999999999"
    for d in (dead, alive, other):
        d.mkdir()
        (d / "doc.tex").write_text("x")
    with outputs.scratch_dir(tmp_path) as fresh:
        assert fresh.name.startswith(f"lossmath-tex-{os.getpid()}-")
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            [alive.name, other.name, fresh.name])
    assert not fresh.exists()


def test_inputs_are_never_overwritten_however_they_are_named(tmp_path, monkeypatch):
    spec = tmp_path / "s.toml"
    spec.write_text("old")
    os.link(spec, tmp_path / "hard.toml")
    monkeypatch.chdir(tmp_path)
    for name in ("s.toml", "./s.toml", str(spec), "hard.toml"):
        with pytest.raises(outputs.OutputError, match="is an input of this command"):
            outputs.write_files({name: "new"}, inputs=["s.toml"])
    assert spec.read_text() == "old"
