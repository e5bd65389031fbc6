"""Atomic writes and check mode, shared by every emitter."""

from __future__ import annotations

import os

import pytest

from lossmath import outputs


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
