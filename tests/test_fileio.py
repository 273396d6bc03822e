"""Atomic writes (``shockbook.fileio``): a reader sees the old file or the new one."""

from __future__ import annotations

import os

import pytest

from shockbook.fileio import atomic_open, atomic_path


def test_the_new_file_replaces_the_old_and_keeps_its_mode(tmp_path):
    path = tmp_path / "book.xlsm"
    path.write_text("old")
    path.chmod(0o640)
    with atomic_open(path) as fh:
        fh.write("new")
    assert path.read_text() == "new" and path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsm"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "book.xlsm"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(path) as tmp:
            tmp.write_text("half")
            raise RuntimeError("disk full")
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["book.xlsm"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_symbolic_link_is_written_through_and_stays_a_link(tmp_path):
    """A workbook reached through a link (a synced folder, a shared drive): the file it points
    to gets the new contents, in its own folder; the link is not replaced by a copy."""
    real = tmp_path / "drive" / "book.xlsm"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "book.xlsm"
    link.symlink_to(real)
    with atomic_open(link) as fh:
        fh.write("new")
    assert link.is_symlink() and real.read_text() == "new"
    assert [p.name for p in real.parent.iterdir()] == ["book.xlsm"]
