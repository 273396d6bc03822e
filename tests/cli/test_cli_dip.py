"""``python -m shockbook dip``: the dip screen as a CLI table (offline, on the recorded snapshot)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from shockbook.cli import EXIT_INPUT, EXIT_OK, EXIT_PARTIAL, main


@pytest.fixture
def run(capsys, prices_path, tmp_path):
    def go(*args):
        code = main(["dip", *args, "--snapshot", str(prices_path), "--offline",
                     "--cache-dir", str(tmp_path / "cache")])
        out, err = capsys.readouterr()
        return code, out, err

    return go


def test_table_lists_worst_hit_first_with_the_score_formula_in_the_header(run):
    code, out, err = run("--date", "2025-01-27", "--tickers", "NVDA", "PLTR", "VST", "--as-of", "2025-02-14")
    assert code == EXIT_OK, err
    lines = out.splitlines()
    assert lines[0].startswith("dip screen, event 2025-01-27; score = 1 x drop")
    assert [line.split()[1] for line in lines[2:5]] == ["VST", "NVDA", "PLTR"]
    assert "-28.27%" in lines[2] and "2025-02-26" in lines[3]


def test_csv_gives_fractions_and_the_weights_change_the_rank(run):
    code, out, _ = run("--date", "2025-01-27", "--tickers", "NVDA", "VST", "--as-of", "2025-02-14",
                       "--format", "csv")
    base = pd.read_csv(io.StringIO(out)).set_index("ticker")
    assert code == EXIT_OK and base.loc["VST", "event_return"] == pytest.approx(-0.2827, abs=5e-5)
    _, out, _ = run("--date", "2025-01-27", "--tickers", "NVDA", "VST", "--as-of", "2025-02-14",
                    "--format", "csv", "--w-drop", "0", "--w-abnormal", "0", "--w-unrecovered", "0")
    runup_only = pd.read_csv(io.StringIO(out)).set_index("ticker")
    assert runup_only.loc["NVDA", "rank"] == 1  # VST's 38.6% run-up is the bigger penalty
    assert base.loc["VST", "rank"] == 1


def test_a_bad_ticker_keeps_the_others_and_says_why(run):
    code, out, err = run("--date", "2025-01-27", "--tickers", "NVDA", "ZZZZ")
    assert code == EXIT_PARTIAL
    assert "NVDA" in out and "shockbook: ZZZZ:" in err


def test_an_as_of_before_the_event_is_one_input_error(run):
    code, _, err = run("--date", "2025-01-27", "--tickers", "NVDA", "--as-of", "2025-01-02")
    assert code == EXIT_INPUT and len(err.strip().splitlines()) == 1 and "before the event" in err


def test_a_korean_name_is_ranked_on_its_own_event_session(capsys, prices_path, intl_prices_path, tmp_path):
    # the tester's command: Seoul reacted on 2025-01-31, its first session after 2025-01-27
    code = main(["dip", "--date", "2025-01-27", "--tickers", "NVDA", "AVGO", "000660.KS", "6857.T", "ASML.AS", "VST",
                 "--snapshot", str(prices_path), "--snapshot", str(intl_prices_path), "--offline",
                 "--cache-dir", str(tmp_path / "cache"), "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == EXIT_OK, err
    rows = pd.read_csv(io.StringIO(out)).set_index("ticker")
    hynix = rows.loc["000660.KS"]
    assert hynix["event_return"] == pytest.approx(199_200 / 221_000 - 1)
    assert hynix["event_session"] == "2025-01-31 (first KRX session after 2025-01-27)"
    assert hynix["as_of"] == "2025-06-17"
    assert hynix["score"] == pytest.approx(hynix["score"]) and hynix["rank"] in range(1, 7)
    assert "drop under 3%" not in hynix["note"] and "year-end" not in hynix["note"]
    assert rows.loc["NVDA", "event_session"] == "2025-01-27" and rows.loc["NVDA", "as_of"] == "2025-06-30"
