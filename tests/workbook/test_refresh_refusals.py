"""A refresh refuses, before writing anything, what it cannot do without losing something:
one line on stderr, exit status 2, every file as it was.

* a table whose header row the user turned off (the refresh would write the header as a data row);
"""

from __future__ import annotations

from pathlib import Path

import pytest
from workbook_cli import ROOT, run_cli

import corpus

PRICES = str((ROOT / ".." / "shared" / "data" / "prices.csv.gz").resolve())


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


def _refresh(path: Path, cache: Path, *extra: str) -> tuple[int, str]:
    return run_cli(["refresh", "--workbook", str(path), "--offline", "--snapshot", PRICES, *extra], cwd=ROOT,
                   env={"SHOCKBOOK_CACHE_DIR": str(cache)})


def _copy(built: Path, path: Path) -> Path:
    path.write_bytes(built.read_bytes())
    return path


def _refused(cache: Path, source: Path, *words: str, extra: tuple[str, ...] = (), files: tuple[Path, ...] = ()):
    """The refresh of ``source`` exits 2 with one line holding ``words``; ``files`` are unchanged."""
    watched = [source, *files]
    before = {p: p.read_bytes() for p in watched}
    code, err = _refresh(source, cache, *extra)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and all(w in err for w in words), err
    assert "nothing was written" in err
    assert {p: p.read_bytes() for p in watched} == before


def test_a_table_with_its_header_row_turned_off_is_refused(built, tmp_path, cache):
    book = corpus.Book.load(built)
    book.edit_table("sb_event_returns", 'ref="A5:N28" headerRowCount="1"', 'ref="A6:N28" headerRowCount="0"')
    book.edit_table("sb_event_returns", '<autoFilter ref="A5:N28"/>', "")
    path = book.save(tmp_path / "deepseek_shock.xlsm")
    _refused(cache, path, "header row", "sb_event_returns")
