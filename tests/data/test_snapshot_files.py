"""A snapshot of several files: ``--snapshot A --snapshot B``, a folder, or SHOCKBOOK_SNAPSHOT
with os.pathsep, read as one price source."""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import pytest

from shockbook.data.snapshot import SnapshotSource, join_snapshot_files, snapshot_files


def _write(path, rows):
    pd.DataFrame(rows, columns=["date", "ticker", "close"]).to_csv(path, index=False)
    return path


@pytest.fixture
def two_files(tmp_path):
    us = _write(tmp_path / "us.csv", [("2025-01-24", "NVDA", 142.62), ("2025-01-27", "NVDA", 118.42)])
    kr = _write(tmp_path / "kr.csv", [("2025-01-24", "000660.KS", 221000.0), ("2025-01-31", "000660.KS", 199200.0)])
    return us, kr


def test_paths_joined_with_pathsep_are_read_as_one(two_files):
    source = SnapshotSource(os.pathsep.join(map(str, two_files)))
    table = source.fetch(["NVDA", "000660.KS"], dt.date(2025, 1, 1), dt.date(2025, 2, 28))
    assert table.errors == {}
    assert table.close.loc["2025-01-31", "000660.KS"] == 199200.0
    assert table.close.loc["2025-01-27", "NVDA"] == 118.42
    assert "kr.csv" in table.provenance["000660.KS"].detail and "us.csv" in table.provenance["NVDA"].detail


def test_a_folder_is_every_price_file_in_it(two_files, tmp_path):
    (tmp_path / "notes.txt").write_text("not prices")
    assert snapshot_files(tmp_path) == sorted(two_files)
    assert sorted(SnapshotSource(tmp_path).known()) == ["000660.KS", "NVDA"]


def test_the_later_file_wins_a_date_both_have(two_files, tmp_path):
    fix = _write(tmp_path / "fix.csv", [("2025-01-27", "NVDA", 118.39)])
    table = SnapshotSource([two_files[0], fix]).fetch(["NVDA"], dt.date(2025, 1, 1), dt.date(2025, 2, 28))
    assert table.close["NVDA"].tolist() == [142.62, 118.39]


def test_a_missing_file_among_several_is_named(two_files, tmp_path):
    from shockbook.errors import SourceUnavailableError

    with pytest.raises(SourceUnavailableError, match="gone.csv"):
        SnapshotSource([two_files[0], tmp_path / "gone.csv"]).known()


def test_an_unknown_ticker_names_every_file(two_files):
    table = SnapshotSource(list(two_files)).fetch(["AAPL"], dt.date(2025, 1, 1), dt.date(2025, 2, 28))
    assert "us.csv, kr.csv" in table.errors["AAPL"].one_line()


def test_join_and_split_round_trip(two_files):
    assert snapshot_files(join_snapshot_files(two_files)) == list(two_files)
    assert join_snapshot_files([]) is None


def test_the_recorded_files_together(prices_path, intl_prices_path):
    source = SnapshotSource([prices_path, intl_prices_path])
    table = source.fetch(["NVDA", "000660.KS", "KRW=X"], dt.date(2025, 1, 20), dt.date(2025, 1, 31))
    assert table.errors == {}
    assert table.close.loc["2025-01-31", "000660.KS"] == 199200.0
    assert pd.isna(table.close.loc["2025-01-20", "NVDA"])  # a US holiday; KRX and FX traded
