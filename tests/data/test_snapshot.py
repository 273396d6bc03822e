"""The snapshot source reads long price files; a frozen snapshot reads back the same."""

import datetime as dt

import pytest

from shockbook.data.snapshot import SnapshotSource, write_snapshot
from shockbook.errors import NoDataError, SourceFormatError, SourceUnavailableError, UnknownTickerError

D = dt.date


def test_recorded_data_reproduces_the_nvda_drop(prices_path):
    table = SnapshotSource(prices_path).fetch(["NVDA", "^GSPC"], D(2025, 1, 24), D(2025, 1, 27))
    nvda = table.close["NVDA"]
    assert round(nvda.iloc[-1] / nvda.iloc[0] - 1, 4) == -0.1697
    assert list(table.close.index.strftime("%Y-%m-%d")) == ["2025-01-24", "2025-01-27"]
    assert table.provenance["NVDA"].source == "snapshot"
    assert "prices.csv.gz, data to 2025-06-30" in table.provenance["NVDA"].detail


def test_unknown_ticker_and_dates_before_listing_are_per_ticker_errors(prices_path):
    table = SnapshotSource(prices_path).fetch(["NVDA", "XYZ", "GEV"], D(2024, 1, 2), D(2024, 3, 1))
    assert table.tickers == ["NVDA"]
    assert isinstance(table.errors["XYZ"], UnknownTickerError)
    gev = table.errors["GEV"]
    assert isinstance(gev, NoDataError)
    assert "it has 2024-03-27 .. 2025-06-30" in gev.one_line()


def test_round_trip_through_a_frozen_snapshot(prices_path, tmp_path):
    original = SnapshotSource(prices_path).fetch(["AAPL", "TSLA"], D(2025, 1, 2), D(2025, 1, 31))
    for name in ("frozen.csv", "frozen.csv.gz", "frozen.parquet"):
        path = write_snapshot(original, tmp_path / name)
        again = SnapshotSource(path).fetch(["AAPL", "TSLA"], D(2025, 1, 2), D(2025, 1, 31))
        assert again.close.equals(original.close), name
        assert again.provenance["AAPL"].as_of == original.provenance["AAPL"].as_of


@pytest.mark.parametrize(
    "content, error, message",
    [
        (None, SourceUnavailableError, "does not exist"),
        (b"date,symbol,price\n2025-01-27,NVDA,1\n", SourceFormatError, "lacks column(s) ticker, close"),
        (b"\x1f\x8b\x08\x00garbage", SourceFormatError, "cannot be read"),
    ],
)
def test_broken_snapshot_files_say_what_is_wrong(tmp_path, content, error, message):
    path = tmp_path / ("bad.csv.gz" if content and content.startswith(b"\x1f") else "bad.csv")
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(error) as info:
        SnapshotSource(path).fetch(["NVDA"], D(2025, 1, 24), D(2025, 1, 27))
    assert message in info.value.one_line()


def test_a_truncated_csv_is_refused(prices_path, tmp_path):
    original = SnapshotSource(prices_path).fetch(["ABT", "NVDA"], D(2024, 8, 1), D(2024, 8, 6))
    path = write_snapshot(original, tmp_path / "frozen.csv")
    text = path.read_bytes()
    path.write_bytes(text[: len(text) - 25])  # cut in the middle of the last row
    with pytest.raises(SourceFormatError, match="ends in the middle of a row"):
        SnapshotSource(path).fetch(["NVDA"], D(2024, 8, 1), D(2024, 8, 6))


def test_a_row_without_a_close_is_named_by_line(tmp_path):
    path = tmp_path / "holes.csv"
    path.write_text("date,ticker,close\n2025-01-24,NVDA,142.58\n2025-01-27,NVDA,\n")
    with pytest.raises(SourceFormatError, match="line 3: a row without date, ticker or close"):
        SnapshotSource(path).fetch(["NVDA"], D(2025, 1, 24), D(2025, 1, 27))


def test_data_that_ends_before_the_asked_end_is_stale(prices_path):
    table = SnapshotSource(prices_path).fetch(["NVDA", "DFS"], D(2025, 5, 1), D(2025, 6, 30))
    assert table.provenance["NVDA"].stale is False
    dfs = table.provenance["DFS"]  # acquired by COF, last traded 2025-05-16
    assert dfs.stale is True and "no data after 2025-05-16" in dfs.detail
    later = SnapshotSource(prices_path).fetch(["NVDA"], D(2025, 6, 1), D(2025, 9, 30))
    assert later.provenance["NVDA"].stale is True


# -- a snapshot is checked like a feed -------------------------------------------------------


@pytest.mark.parametrize(
    "rows, note",
    [
        ("2025-01-27,NVDA,118.39\n2025-01-27,NVDA,829.30\n",
         "bad.csv, lines 3, 4: NVDA 2025-01-27: conflicting duplicate rows (close 118.39, 829.3)"),
        ("2025-01-27,NVDA,TBD\n", "bad.csv, line 3: NVDA 2025-01-27: close not a number ('TBD')"),
        ("2025-01-27,NVDA,0\n", "bad.csv, line 3: NVDA 2025-01-27: close 0 <= 0"),
        ("2025-01-27,NVDA,-118.39\n", "bad.csv, line 3: NVDA 2025-01-27: close -118.39 <= 0"),
    ],
)
def test_bad_snapshot_rows_are_reported_and_never_become_returns(tmp_path, rows, note):
    path = tmp_path / "bad.csv"
    path.write_text("date,ticker,close\n2025-01-24,NVDA,142.58\n" + rows + "2025-01-28,NVDA,128.99\n")
    table = SnapshotSource(path).fetch(["NVDA"], D(2025, 1, 24), D(2025, 1, 28))
    assert list(table.close.index.strftime("%Y-%m-%d")) == ["2025-01-24", "2025-01-28"]
    assert [n.split("; treated")[0] for n in table.notes] == [note]
    assert "1 bad row(s) dropped" in table.provenance["NVDA"].detail


def test_identical_duplicate_rows_are_one_bar(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("date,ticker,close\n2025-01-24,NVDA,142.58\n2025-01-27,NVDA,118.39\n2025-01-27,NVDA,118.39\n")
    table = SnapshotSource(path).fetch(["NVDA"], D(2025, 1, 24), D(2025, 1, 27))
    assert table.close["NVDA"].round(2).tolist() == [142.58, 118.39] and table.notes == []


def test_the_recorded_placeholder_bars_of_sw_are_dropped(prices_path):
    # Smurfit WestRock (SW) listed in July 2024; the source has flat volume-0 rows before that
    table = SnapshotSource(prices_path).fetch(["SW", "NVDA"], D(2024, 1, 2), D(2024, 1, 31))
    sw = [n for n in table.notes if " SW " in n]
    assert sw and all("placeholder bar (volume 0" in n for n in sw)
    assert not [n for n in table.notes if " NVDA " in n]
    assert len(table.close["NVDA"].dropna()) == 21


def test_only_the_bad_rows_inside_the_asked_range_are_reported(tmp_path):
    # a bad row in January is not news to someone asking for February: no note, no stderr line
    path = tmp_path / "bad.csv"
    path.write_text("date,ticker,close\n2025-01-27,NVDA,TBD\n2025-02-03,NVDA,116.66\n2025-02-04,NVDA,0\n"
                    "2025-02-05,NVDA,124.83\n")
    table = SnapshotSource(path).fetch(["NVDA"], D(2025, 2, 3), D(2025, 2, 5))
    assert [n.split("; treated")[0] for n in table.notes] == ["bad.csv, line 4: NVDA 2025-02-04: close 0 <= 0"]


def test_snapshot_prices_carry_the_files_price_basis(prices_path):
    prov = SnapshotSource(prices_path).fetch(["NVDA"], D(2025, 1, 24), D(2025, 1, 27)).provenance["NVDA"]
    assert prov.basis("close") == prov.basis("adj_close") == "yahoo_adj_split_div_asof_2025-12-31"
