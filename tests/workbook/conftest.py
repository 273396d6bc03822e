"""Fixtures of the workbook tests: the workbook built once per session from the recorded data."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workbook_cli import BUILD_ARGS, ROOT, run_cli  # noqa: E402


@pytest.fixture(scope="session")
def built(tmp_path_factory, prices_path, constituents_path) -> Path:
    """The workbook built from the snapshot and the S&P 500 members, offline, fresh cache."""
    folder = tmp_path_factory.mktemp("built")
    out = folder / "deepseek_shock.xlsm"
    code, err = run_cli(BUILD_ARGS + ["--out", str(out)], cwd=ROOT,
                        env={"SHOCKBOOK_CACHE_DIR": str(folder / "cache")})
    assert code == 0, err
    return out


@pytest.fixture(scope="session")
def built_english(tmp_path_factory, prices_path, constituents_path) -> Path:
    """The English book (``--lang en``), built like :func:`built`."""
    folder = tmp_path_factory.mktemp("built_english")
    out = folder / "deepseek_shock_en.xlsm"
    code, err = run_cli(BUILD_ARGS + ["--lang", "en", "--out", str(out)], cwd=ROOT,
                        env={"SHOCKBOOK_CACHE_DIR": str(folder / "cache")})
    assert code == 0, err
    return out


@pytest.fixture(scope="session")
def built_values(built) -> dict[str, list[list]]:
    """Every sheet's values read by python-calamine (an independent reader)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(built))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
