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
