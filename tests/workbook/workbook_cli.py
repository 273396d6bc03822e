"""Helpers of the workbook tests: paths and running the CLI in-process.

The build runs through the CLI, from the project root, with the same relative paths as the
documented command that regenerates ``workbook/deepseek_shock.xlsm``, so the session build and
the committed file can be compared.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "workbook" / "deepseek_shock.xlsm"
#: The documented build (README): run from the project root.
BUILD_ARGS = ["build", "--snapshot", "../shared/data/prices.csv.gz", "--universe-file",
              "../shared/data/sp500_constituents_2025-01-27.csv", "--offline"]


def run_cli(argv: list[str], *, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """``python -m shockbook argv`` in-process; returns (exit status, stderr)."""
    from shockbook.cli import main

    err = io.StringIO()
    old_cwd, old_env = Path.cwd(), dict(os.environ)
    os.chdir(cwd)
    os.environ.update(env)
    try:
        with contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)
    return code, err.getvalue()
