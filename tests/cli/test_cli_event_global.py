"""``event`` over a global watchlist: ``--snapshot`` twice, each market on its own session."""

from __future__ import annotations

import json

import pytest

from shockbook.cli import EXIT_OK, EXIT_PARTIAL, main


@pytest.fixture
def run(capsys, prices_path, intl_prices_path, tmp_path):
    def go(*args):
        code = main(["event", *args, "--snapshot", str(prices_path), "--snapshot", str(intl_prices_path),
                     "--offline", "--cache-dir", str(tmp_path / "cache")])
        out, err = capsys.readouterr()
        return code, out, err

    return go


def test_a_mixed_watchlist_in_json(run):
    code, out, err = run("--date", "2025-01-27", "--tickers", "NVDA", "000660.KS", "6857.T", "ASML.AS",
                         "--format", "json")
    assert code == EXIT_OK, err
    doc = json.loads(out)
    rows = {r["ticker"]: r for r in doc["rows"]}
    assert rows["NVDA"]["event_return"] == pytest.approx(-0.1697, abs=5e-5)
    assert rows["000660.KS"]["event_return"] == pytest.approx(-0.0986, abs=5e-5)
    assert rows["000660.KS"]["event_session"] == "2025-01-31 (first KRX session after 2025-01-27)"
    assert rows["6857.T"]["benchmark_used"] == "^N225" and rows["ASML.AS"]["currency"] == "EUR"
    assert doc["markets"]["XKRX"] == "2025-01-31 (first KRX session after 2025-01-27)"


def test_the_table_names_each_markets_session(run):
    code, out, _ = run("--date", "2025-01-27", "--tickers", "NVDA", "000660.KS")
    assert code == EXIT_OK
    assert "markets: XNYS 2025-01-27; XKRX 2025-01-31 (first KRX session after 2025-01-27)" in out


def test_an_unknown_suffix_is_one_line_and_the_rest_is_printed(run):
    code, out, err = run("--date", "2025-01-27", "--tickers", "NVDA", "ABC.XX", "--format", "csv")
    assert code == EXIT_PARTIAL
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "unknown exchange suffix .XX in ABC.XX" in lines[0] and "XKRX" in lines[0]
    assert out.splitlines()[1].startswith("NVDA,-0.1696")


def test_a_watchlist_table_gives_its_tickers_and_market_columns(tmp_path):
    from shockbook.cli.build import read_watchlist
    from shockbook.data.markets import read_market_columns

    path = tmp_path / "watch.csv"
    path.write_text("ticker,exchange,benchmark\nNVDA,,\n005930.KS,XKRX,^KQ11\n")
    assert read_watchlist(path) == ["NVDA", "005930.KS"]
    assert read_market_columns(path) == {"005930.KS": {"exchange": "XKRX", "benchmark": "^KQ11"}}
    plain = tmp_path / "plain.txt"
    plain.write_text("NVDA, AVGO, TSM\nAMD\n")
    assert read_watchlist(plain) == ["NVDA", "AVGO", "TSM", "AMD"] and read_market_columns(plain) == {}
