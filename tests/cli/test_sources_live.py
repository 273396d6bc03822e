"""A live build names Yahoo Finance and Yahoo's price basis on its Sources sheet.

The CLI runs in a subprocess against the fake Yahoo (real yfinance client, loopback CONNECT
proxy and CA bundle, as in :mod:`test_cli_live_edges`); the book is read with python-calamine.
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
from python_calamine import CalamineWorkbook

from shockbook.testing import ConnectProxy, FakeYahoo
from shockbook.workbook import layout as L
from shockbook.workbook.i18n import label

from test_cli_live_edges import _cli_env

WATCHLIST = ["NVDA", "AVGO", "MSFT"]


def _sources_rows(path) -> dict[str, list]:
    sheet, block = L.block("sb_sources")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(label(sheet.title_key, "en")).to_python()
    header_row, left = block.origin
    return {r[left - 1]: r[left - 1:left - 1 + block.width] for r in rows[header_row:] if r[left - 1]}


def test_a_live_book_names_yahoo_finance_its_close_basis_and_the_fetch_time(tmp_path, prices_path, constituents_path):
    members = pd.read_csv(constituents_path)
    universe = tmp_path / "members.csv"
    members[members["ticker"].isin(WATCHLIST + ["AAPL", "AMD"])].to_csv(universe, index=False)
    watchlist = tmp_path / "watchlist.txt"
    watchlist.write_text("\n".join(WATCHLIST), encoding="utf-8")
    book = tmp_path / "live.xlsm"
    with FakeYahoo(prices_path) as fake, ConnectProxy(fake.port) as proxy:
        done = subprocess.run([sys.executable, "-m", "shockbook", "build", "--lang", "en", "--out", str(book),
                               "--watchlist", str(watchlist), "--universe-file", str(universe)],
                              env=_cli_env(fake, proxy, tmp_path), cwd=tmp_path, capture_output=True,
                              text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    row = _sources_rows(book)[label("block.sb_event_returns", "en")]
    source, as_of = row[2], row[3]
    assert source.startswith("Yahoo Finance (4 tickers) · price basis: "), source  # the watchlist + ^GSPC
    assert "close (split-adjusted, dividends not adjusted)" in source, source
    fetched = pd.Timestamp(as_of.rstrip("Z"), tz="UTC")  # when it was fetched, not where the data ends
    assert abs(pd.Timestamp.now(tz="UTC") - fetched) < pd.Timedelta(hours=1), as_of
