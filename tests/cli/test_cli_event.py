"""``python -m shockbook event``: in-process with capsys, plus the entry point once as a process."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shockbook.cli import EXIT_INPUT, EXIT_NODATA, EXIT_OK, EXIT_PARTIAL, main

ROOT = Path(__file__).resolve().parents[2]
WORST_10 = ["VST", "ANET", "GEV", "CEG", "PWR", "AVGO", "NVDA", "ETN", "ORCL", "NRG"]


@pytest.fixture
def run(capsys, prices_path, tmp_path):
    """``run(*args) -> (exit code, stdout, stderr)`` offline on the recorded snapshot."""

    def go(*args):
        code = main(["event", *args, "--snapshot", str(prices_path), "--offline",
                     "--cache-dir", str(tmp_path / "cache")])
        out, err = capsys.readouterr()
        return code, out, err

    return go


def test_universe_json_reproduces_the_report(run, constituents_path):
    code, out, err = run("--date", "2025-01-27", "--universe", "sp500", "--universe-file",
                         str(constituents_path), "--format", "json")
    assert code == EXIT_OK, err
    doc = json.loads(out)
    assert set(doc) >= {"event_date", "session", "rows", "breadth", "worst", "best", "index"}
    assert (doc["event_date"], doc["session"]) == ("2025-01-27", "2025-01-27")
    assert doc["breadth"] == {"up": 351, "down": 152, "unchanged": 0, "missing": 0, "total": 503}
    assert [w["ticker"] for w in doc["worst"]] == WORST_10
    assert doc["worst"][0]["return"] == pytest.approx(-0.2827, abs=5e-5)  # a fraction
    assert len(doc["best"]) == 10
    assert doc["index"]["ticker"] == "^GSPC"
    assert doc["index"]["return"] == pytest.approx(-0.0146, abs=5e-5)
    assert len(doc["rows"]) == 503
    nvda = next(r for r in doc["rows"] if r["ticker"] == "NVDA")
    assert nvda["event_return"] == pytest.approx(-0.16968, abs=1e-5)
    assert {"ytd_before", "ytd_incl", "sessions_to_recover", "CAR[0,0]", "t[0,0]", "beta"} <= set(nvda)


def test_universe_table_prints_breadth_and_worst(run, constituents_path):
    code, out, _ = run("--date", "2025-01-27", "--universe", "sp500", "--universe-file", str(constituents_path))
    assert code == EXIT_OK
    assert "breadth: 351 up / 152 down / 0 unchanged / 0 missing of 503; ^GSPC -1.46%" in out
    worst_block = out.split("worst 10:")[1].split("best 10:")[0]
    order = [line.split()[0] for line in worst_block.strip().splitlines()[1:]]
    assert order == WORST_10
    assert "-16.97%" in out


def test_another_session_works(run, constituents_path):
    code, out, _ = run("--date", "2024-08-05", "--universe", "sp500", "--universe-file",
                       str(constituents_path), "--format", "json")
    doc = json.loads(out)
    assert code == EXIT_OK and doc["session"] == "2024-08-05"
    assert (doc["breadth"]["up"], doc["breadth"]["down"]) == (22, 481)  # the August 2024 sell-off
    assert doc["index"]["return"] == pytest.approx(-0.0300, abs=5e-5)


def test_an_event_without_a_year_end_in_the_data_still_gets_returns_and_cars(run):
    # the snapshot starts 2024-01-02: no 2023 year-end, so no YTD; the rest is computed
    code, out, _ = run("--date", "2024-08-05", "--tickers", "NVDA", "--format", "json")
    (nvda,) = json.loads(out)["rows"]
    assert code == EXIT_OK
    assert nvda["event_return"] == pytest.approx(-0.0636, abs=5e-5)
    assert nvda["ytd_before"] is None and "YTD not computed: no session before 2024-01-01" in nvda["note"]
    assert nvda["sessions_to_recover"] is not None  # recovery needs no year-end base
    assert nvda["beta"] > 0 and nvda["n_obs"] > 100 and nvda["CAR[0,0]"] is not None


def test_tickers_csv(run):
    code, out, _ = run("--date", "2025-01-27", "--tickers", "NVDA", "^SOX", "--format", "csv")
    assert code == EXIT_OK
    header, nvda, sox = out.strip().splitlines()
    assert header.startswith("ticker,event_return,ytd_before,ytd_incl")
    assert nvda.startswith("NVDA,-0.1696") and sox.startswith("^SOX,-0.091")


def test_a_bad_ticker_is_partial_and_named(run):
    code, out, err = run("--date", "2025-01-27", "--tickers", "NVDA", "XYZQ", "--format", "json")
    assert code == EXIT_PARTIAL
    rows = json.loads(out)["rows"]
    assert [r["ticker"] for r in rows] == ["NVDA", "XYZQ"] and rows[0]["event_return"] < 0
    assert "shockbook: XYZQ: XYZQ is not in the snapshot" in err


def test_only_bad_tickers_is_no_data(run):
    code, _, err = run("--date", "2025-01-27", "--tickers", "XYZQ")
    assert code == EXIT_NODATA and "XYZQ" in err


@pytest.mark.parametrize(
    "date, note",
    [
        ("2025-01-25", "2025-01-25 is not an NYSE session (weekend); using 2025-01-27"),
        ("2025-01-09", "2025-01-09 is not an NYSE session"),  # national day of mourning
    ],
)
def test_a_non_session_is_mapped_and_said(run, date, note):
    code, out, err = run("--date", date, "--tickers", "NVDA", "--format", "json")
    assert code == EXIT_OK
    assert note in err
    doc = json.loads(out)
    assert doc["event_date"] == date and doc["session"] != date


@pytest.mark.parametrize(
    "args, message",
    [
        (("--date", "2023-06-01", "--tickers", "NVDA"), "is before the data starts (2024-01-02)"),
        (("--date", (dt.date.today() + dt.timedelta(days=60)).isoformat(), "--tickers", "NVDA"),
         "is in the future"),
        (("--date", "2025-13-01", "--tickers", "NVDA"), "2025-13-01"),
        (("--date", "2025-01-27", "--tickers", "NVDA", "--universe-file", "x.csv"),
         "--universe-file needs --universe sp500"),
    ],
    ids=["before-data", "future", "malformed", "file-without-universe"],
)
def test_bad_dates_and_options(run, args, message):
    code, out, err = run(*args)
    assert code == EXIT_INPUT
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("shockbook: error:") and message in lines[0]


@pytest.mark.parametrize(
    "content, message",
    [("", "is empty"), ("symbol_x,name\nNVDA,Nvidia\n", "has no ticker column; found symbol_x, name")],
    ids=["empty", "no-ticker-column"],
)
def test_bad_universe_files(run, tmp_path, content, message):
    path = tmp_path / "members.csv"
    path.write_text(content)
    code, out, err = run("--date", "2025-01-27", "--universe", "sp500", "--universe-file", str(path))
    assert code == EXIT_INPUT and out == ""
    assert message in err and str(path) in err


def test_offline_universe_without_file(run):
    code, _, err = run("--date", "2025-01-27", "--universe", "sp500")
    assert code == EXIT_INPUT
    assert "offline with no universe file: pass --universe-file FILE" in err


def test_tickers_and_universe_are_exclusive(run):
    with pytest.raises(SystemExit) as exc:
        run("--date", "2025-01-27", "--tickers", "NVDA", "--universe", "sp500")
    assert exc.value.code == 2


def test_the_entry_point_runs_the_done_when_command(prices_path, constituents_path, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "python"), "SHOCKBOOK_CACHE_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "shockbook", "event", "--date", "2025-01-27", "--universe", "sp500",
         "--universe-file", str(constituents_path), "--snapshot", str(prices_path), "--offline"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "351 up / 152 down" in proc.stdout
    assert all(t in proc.stdout for t in WORST_10)


def test_the_market_model_notes_reach_the_cli(run):
    code, out, _ = run("--date", "2025-01-27", "--tickers", "GEV", "--format", "json")
    (gev,) = json.loads(out)["rows"]
    assert code == EXIT_OK and gev["n_obs"] == 197
    assert "listed 2024-03-27, after the estimation window starts" in gev["note"]


def test_an_unknown_benchmark_still_prints_the_returns(run):
    code, out, _ = run("--date", "2025-01-27", "--tickers", "NVDA", "--benchmark", "XYZQ", "--format", "json")
    (nvda,) = json.loads(out)["rows"]
    assert nvda["event_return"] == pytest.approx(-0.1697, abs=5e-5)
    assert "benchmark XYZQ has no prices" in nvda["note"]
