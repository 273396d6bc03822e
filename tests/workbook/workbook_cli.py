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


def with_settings(built: Path, folder: Path, **changes) -> Path:
    """A copy of ``built`` in ``folder`` whose Settings values are changed (saved as .xlsx)."""
    from openpyxl import load_workbook

    wb = load_workbook(built)
    ws = next(ws for ws in wb.worksheets if "sb_settings" in ws.tables)
    for row in ws.iter_rows(min_row=2, max_col=2):
        if row[0].value in changes:
            row[1].value = changes[row[0].value]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "edited.xlsx"
    wb.save(path)
    return path


def block_rows(values: list[list], block_name: str) -> tuple[str, list[dict]]:
    """``(heading, rows)`` of a block in one sheet's values (as python-calamine reads them):
    the block's title-row text and its data rows as dicts keyed by column (to the first blank)."""
    from shockbook.workbook import layout as L

    _, block = L.block(block_name)
    header, left = block.origin
    out = []
    for row in values[header:header + block.capacity]:
        cells = row[left - 1:left - 1 + block.width]
        if all(c in ("", None) for c in cells):
            break
        out.append(dict(zip([c.key for c in block.columns], cells)))
    return values[header - 2][left - 1], out
