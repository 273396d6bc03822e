"""Fixtures of the security tests: hostile files written at test time (all small on disk)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "workbook"))  # workbook_cli: run the CLI in-process
sys.path.insert(0, str(HERE.parent))  # ooxml, xlharness


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def plain_book(tmp_path_factory, prices_path, constituents_path) -> Path:
    """A workbook built offline from the recorded data (the target of the hostile edits)."""
    from workbook_cli import run_cli

    folder = tmp_path_factory.mktemp("plain")
    out = folder / "plain.xlsm"
    code, err = run_cli(["build", "--offline", "--snapshot", str(prices_path), "--universe-file",
                         str(constituents_path), "--out", str(out)], cwd=folder,
                        env={"SHOCKBOOK_CACHE_DIR": str(folder / "cache")})
    assert code == 0, err
    return out
