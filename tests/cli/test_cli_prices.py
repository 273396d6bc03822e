"""`python -m shockbook prices`: the contract later issues and users rely on.

Offline against the recorded snapshot; one row per (date, ticker); errors as one line on
stderr naming the bad input; partial results still printed."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from shockbook.cli import main


@pytest.fixture
def run(prices_path, tmp_path, capsys):
    def run(*args):
        code = main(["prices", *args, "--offline", "--snapshot", str(prices_path),
                     "--cache-dir", str(tmp_path / "cache")])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def rows(out: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(out)))


def test_the_done_when_command_prints_the_event_rows(run):
    code, out, err = run("NVDA", "^GSPC", "^SOX", "--start", "2025-01-24", "--end", "2025-01-27", "--format", "csv")
    assert code == 0 and err == ""
    got = rows(out)
    assert list(got[0]) == ["date", "ticker", "close", "adj_close", "source", "as_of"]
    assert [(r["date"], r["ticker"]) for r in got] == [
        ("2025-01-24", "NVDA"), ("2025-01-24", "^GSPC"), ("2025-01-24", "^SOX"),
        ("2025-01-27", "NVDA"), ("2025-01-27", "^GSPC"), ("2025-01-27", "^SOX"),
    ]
    nvda = {r["date"]: float(r["close"]) for r in got if r["ticker"] == "NVDA"}
    assert round(nvda["2025-01-27"] / nvda["2025-01-24"] - 1, 4) == -0.1697


def test_json_is_a_list_of_row_objects(run):
    code, out, _ = run("NVDA", "--start", "2025-01-27", "--end", "2025-01-27", "--format", "json")
    assert code == 0
    [row] = json.loads(out)
    assert row["ticker"] == "NVDA" and row["source"] == "snapshot" and row["close"] == 118.3876


@pytest.mark.parametrize(
    "args, code, stderr, tickers",
    [
        (["NVDA", "XYZ"], 1, "shockbook: XYZ is not in the snapshot prices.csv.gz", {"NVDA"}),
        (["NVDA", "N V"], 1, "'N V' is not a Yahoo ticker", {"NVDA"}),
        (["brk.b", "bf.b"], 0, "", {"BRK-B", "BF-B"}),
        (["nvda", "NVDA", " nvda "], 0, "", {"NVDA"}),
        (["GEV", "--start", "2023-01-03", "--end", "2023-12-29"], 3,
         "no GEV prices between 2023-01-03 and 2023-12-29 in prices.csv.gz (it has 2024-03-27 .. 2025-06-30)", set()),
        (["NVDA", "--start", "2025-01-27", "--end", "2025-01-24"], 2,
         "shockbook: error: end 2025-01-24 is before start 2025-01-27; swap them", set()),
        (["NVDA", "--start", "2025-01-25", "--end", "2025-01-26"], 2,
         "2025-01-25 .. 2025-01-26 holds no NYSE session (weekend or holiday); nearest sessions: 2025-01-24 and 2025-01-27", set()),
        (["NVDA", "--start", "2025-01-09", "--end", "2025-01-09"], 2,
         "2025-01-09 .. 2025-01-09 holds no NYSE session", set()),
        (["NVDA", "--start", "27/01/2025"], 2, "'27/01/2025' is not a date; use YYYY-MM-DD", set()),
        (["NVDA,AMD"], 2, "'NVDA,AMD' is not a Yahoo ticker", set()),
        (["XYZ", "QQQQ1", "ZZZZ"], 3, "shockbook: ZZZZ is not in the snapshot", set()),
        (["   "], 2, "no tickers given", set()),
    ],
)
def test_bad_input_table(run, args, code, stderr, tickers):
    if "--start" not in args:
        args = [*args, "--start", "2025-01-24", "--end", "2025-01-27"]
    got_code, out, err = run(*args, "--format", "csv")
    assert got_code == code
    assert stderr in err
    assert len(err.strip().splitlines()) <= 3 and "Traceback" not in err  # a line per problem
    assert {r["ticker"] for r in rows(out)} == tickers if out.strip() else tickers == set()


def test_the_whole_universe_in_one_call(run, constituents_path):
    members = [r["yahoo_ticker"] for r in csv.DictReader(open(constituents_path))]
    extras = ["^GSPC", "^IXIC", "^SOX", "^DJI", "SPY", "QQQ", "SOXX", "SMH", "TSM", "ASML", "MRVL", "VRT", "BWXT"]
    code, out, err = run(*(members + extras), "--start", "2025-01-27", "--end", "2025-01-27", "--format", "csv")
    assert code == 0, err
    assert len(rows(out)) == 516


def test_frozen_snapshot_reads_back(prices_path, tmp_path, capsys):
    frozen = tmp_path / "frozen.csv.gz"
    code = main(["snapshot", "NVDA", "AVGO", "--start", "2025-01-02", "--end", "2025-01-31", "--out", str(frozen),
                 "--offline", "--snapshot", str(prices_path), "--cache-dir", str(tmp_path / "c")])
    assert code == 0 and "wrote 40 rows for 2 tickers" in capsys.readouterr().err
    code = main(["prices", "NVDA", "--start", "2025-01-27", "--end", "2025-01-27", "--offline",
                 "--snapshot", str(frozen), "--cache-dir", str(tmp_path / "c2"), "--format", "csv"])
    assert code == 0 and "118.3876" in capsys.readouterr().out


def test_a_missing_snapshot_file_is_one_line_and_bad_input(tmp_path, capsys):
    code = main(["prices", "NVDA", "AAPL", "MSFT", "--start", "2025-01-24", "--offline",
                 "--snapshot", str(tmp_path / "nope.csv.gz"), "--cache-dir", str(tmp_path / "c")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "nope.csv.gz does not exist" in err


def test_a_cache_folder_that_is_a_file_is_bad_input(tmp_path, prices_path, capsys):
    (tmp_path / "file").write_text("x")
    code = main(["prices", "NVDA", "--start", "2025-01-24", "--offline", "--snapshot", str(prices_path),
                 "--cache-dir", str(tmp_path / "file")])
    err = capsys.readouterr().err
    assert code == 2 and "cache folder" in err and "Traceback" not in err


def test_a_console_that_cannot_show_korean_does_not_crash(prices_path, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "shockbook", "content", "opinions", "--format", "table"],
        capture_output=True, timeout=120, env={**__import__("os").environ, "PYTHONIOENCODING": "cp1252"},
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert b"DeepSeek" in proc.stdout


def test_offline_without_snapshot_says_how_to_get_data(tmp_path, capsys):
    code = main(["prices", "NVDA", "--start", "2025-01-24", "--end", "2025-01-27", "--offline",
                 "--cache-dir", str(tmp_path / "empty")])
    err = capsys.readouterr().err
    assert code == 3 and "pass --snapshot FILE" in err


def test_the_module_entry_point_runs_in_a_pipe_without_a_progress_bar(prices_path, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "shockbook", "prices", "NVDA", "--start", "2025-01-24", "--end", "2025-01-27",
         "--offline", "--snapshot", str(prices_path), "--cache-dir", str(tmp_path / "c"), "--format", "csv"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no progress bar, no warnings in a pipe
    assert proc.stdout.count("NVDA") == 2


def test_a_negative_yahoo_timeout_is_bad_input_not_no_data(prices_path, tmp_path, capsys, monkeypatch):
    # before: every ticker failed with "timeouts must be positive" and the exit said "no data" (3)
    monkeypatch.setenv("SHOCKBOOK_YAHOO_TIMEOUT", "-1")
    code = main(["prices", "NVDA", "--start", "2025-01-24", "--snapshot", str(prices_path),
                 "--cache-dir", str(tmp_path / "cache")])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "SHOCKBOOK_YAHOO_TIMEOUT" in err and "-1" in err


@pytest.mark.parametrize("argv, named", [
    (["prices", "--start", "2025-01-01"], "TICKER"),
    (["dip", "--date", "2025-01-27", "--tickers", "NVDA", "--w-drop", "abc"], "--w-drop"),
    (["content", "scaling", "--lang", "fr"], "--lang"),
    (["content", "nonsense"], "nonsense"),
    (["calendar", "--bogus"], "--bogus"),
])
def test_a_malformed_command_line_is_one_line_and_exit_2(argv, named, capsys):
    # argparse printed its whole usage block (7-12 lines) before the error
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    assert exc.value.code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("shockbook: error: ") and named in err
    assert f"python -m shockbook {argv[0]} --help" in err
