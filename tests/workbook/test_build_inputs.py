"""What `build` and `refresh` do with bad or awkward inputs (QA sweep, issue 5).

* a malformed watchlist entry costs only its own row; tickers without data are an error row
  each, exit 1, one stderr line per problem (tickers failing the same way share a line);
* "no price data" is said only when there is none, and truly (no "offline" unless offline);
* `build` never overwrites an existing file without `--force`; `--out` folders are created;
* a bad `--event`, watchlist, universe or snapshot stops `build` before any work: one line,
  exit 2, nothing written;
* `refresh` refuses files that are not shockbook workbooks with one line, exit 2, file untouched;
* the Settings sheet stores absolute paths; relative ones are read from the workbook's folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook
from workbook_cli import BUILD_ARGS, ROOT, block_rows, run_cli, with_settings

from shockbook.config import Settings
from shockbook.errors import InputError, NoDataError
from shockbook.workbook import layout as L
from shockbook.workbook.engine import BlockResult, BuildReport, produce
from shockbook.workbook.i18n import label
from shockbook.workbook.producers import make_context, split_in_order
from shockbook.cli.outcome import no_data_hint

#: NVDA and AMD are in the recorded data; AB$C cannot be a ticker; XYZQ and QQQQ are not recorded.
WATCHLIST = "NVDA\nAMD\nAB$C\nXYZQ\nQQQQ\n"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


def _rows(path: Path, block_name: str, lang: str = "ko") -> list[dict]:
    """A block's data rows read back by python-calamine, as dicts keyed by column."""
    sheet, _ = L.block(block_name)
    values = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(label(sheet.title_key, lang)).to_python()
    return block_rows(values, block_name)[1]


@pytest.fixture(scope="module")
def watchlist_build(tmp_path_factory, prices_path, constituents_path):
    """The documented build with a watchlist holding a malformed entry and unknown tickers."""
    folder = tmp_path_factory.mktemp("watch")
    (folder / "wl.txt").write_text(WATCHLIST, encoding="utf-8")
    out = folder / "book.xlsm"
    env = {"SHOCKBOOK_CACHE_DIR": str(folder / "cache")}
    code, err = run_cli(BUILD_ARGS + ["--watchlist", str(folder / "wl.txt"), "--out", str(out)], cwd=ROOT, env=env)
    return code, err, out, env


# --- 1 and 6: a bad entry costs only its row; failed tickers exit 1 with one line per problem ---


def test_good_tickers_are_computed_beside_a_malformed_one(watchlist_build):
    _, _, out, _ = watchlist_build
    rows = {r["ticker"]: r for r in _rows(out, "sb_event_returns")}
    assert list(rows) == ["NVDA", "AMD", "AB$C", "XYZQ", "QQQQ"]  # the order typed
    assert rows["NVDA"]["event_return"] == pytest.approx(-0.1697, abs=5e-5)
    assert isinstance(rows["AMD"]["event_return"], float) and rows["AMD"]["error"] == ""
    assert rows["NVDA"]["source"] == "스냅샷 (최신 아님)"  # stale, computed, not "as published"
    assert "is not a Yahoo ticker" in rows["AB$C"]["error"]
    assert rows["AB$C"]["event_return"] == ""
    assert "XYZQ" in rows["XYZQ"]["error"]


def test_the_abnormal_returns_table_keeps_its_good_rows_too(watchlist_build):
    _, _, out, _ = watchlist_build
    rows = {r["ticker"]: r for r in _rows(out, "sb_abnormal")}
    assert isinstance(rows["NVDA"]["beta"], float) and isinstance(rows["AMD"]["beta"], float)
    assert "is not a Yahoo ticker" in rows["AB$C"]["error"]


def test_failed_tickers_exit_1_with_one_line_per_problem(watchlist_build):
    code, err, out, _ = watchlist_build
    assert code == 1
    lines = _lines(err)
    assert lines[:-1] == [
        "shockbook: 'AB$C' is not a Yahoo ticker (letters, digits, '.', '-', '=' and a leading '^' only)",
        "shockbook: XYZQ, QQQQ: the ticker is not in the snapshot prices.csv.gz",
    ]
    assert lines[-1].startswith(f"shockbook: wrote {out}")


def test_no_price_data_is_not_claimed_when_there_is_data(watchlist_build):
    _, err, _, _ = watchlist_build
    assert "no price data" not in err


def test_build_creates_the_out_folder(tmp_path, prices_path, constituents_path):
    out = tmp_path / "new" / "sub" / "book.xlsm"
    code, err = run_cli(BUILD_ARGS + ["--out", str(out)], cwd=ROOT, env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 0, err
    assert out.is_file() and out.with_suffix(".py").is_file()


def test_refresh_reports_failed_tickers_of_the_settings_watchlist(watchlist_build, tmp_path):
    _, _, out, env = watchlist_build
    copy = tmp_path / "book.xlsm"
    shutil.copy(out, copy)
    code, err = run_cli(["refresh", "--workbook", str(copy)], cwd=tmp_path, env=env)
    assert code == 1, err
    assert "shockbook: XYZQ, QQQQ: the ticker is not in the snapshot prices.csv.gz" in _lines(err)


@pytest.mark.parametrize(("entries", "order", "good", "bad"), [
    (["NVDA", "AB$C", "amd"], ["NVDA", "AB$C", "AMD"], ["NVDA", "AMD"], ["AB$C"]),
    (["brk.b", "BRK-B", " "], ["BRK-B"], ["BRK-B"], []),
    (["AB$C"], ["AB$C"], [], ["AB$C"]),
    ([], [], [], []),
])
def test_split_in_order_keeps_the_typed_order(entries, order, good, bad):
    got_order, got_good, got_bad = split_in_order(entries)
    assert (got_order, got_good, list(got_bad)) == (order, good, bad)
    assert all(isinstance(e, InputError) for e in got_bad.values())


# --- the "as published" fallback is for missing data only ------------------------------------


def _block_raising(exc) -> L.Block:
    _, real = L.block("sb_index_moves")

    def producer(ctx):
        raise exc

    return L.Block(real.name, real.anchor, producer, real.columns, real.capacity,
                   fallback=real.fallback, prices=True)


@pytest.mark.parametrize(("exc", "published"), [
    (NoDataError("no prices around the event"), True),
    (InputError("'AB$C' is not a Yahoo ticker"), False),
])
def test_only_missing_data_falls_back_to_published_values(exc, published, tmp_path):
    ctx = make_context(Settings.from_env(environ={}, offline=True, cache_dir=tmp_path), event="2025-01-27")
    frame, result = produce(_block_raising(exc), ctx)
    assert result.as_published is published
    assert (frame is not None) is published
    assert result.error == exc.one_line()


def _result(name, *, prices=True, as_published=False, error="", data_error=False):
    return BlockResult(name, 0, error=error, as_published=as_published, data_error=data_error, prices=prices)


@pytest.mark.parametrize(("results", "no_data"), [
    ([_result("a", as_published=True), _result("b", error="none", data_error=True)], True),
    ([_result("a", as_published=True), _result("b")], False),  # b computed from data
    ([_result("a", as_published=True), _result("b", error="bad ticker")], False),  # a bad input
    ([_result("a", prices=False, error="x", data_error=True)], False),  # no block needs prices
])
def test_no_data_means_no_block_that_needs_prices_got_any(results, no_data):
    assert BuildReport(Path("x.xlsm"), results, 0).no_data is no_data


@pytest.mark.parametrize(("offline", "snapshot", "says", "never"), [
    (True, None, ["offline, no snapshot", "--snapshot FILE", "drop --offline"], []),
    (True, "/data/prices.csv.gz", ["offline", "prices.csv.gz"], ["no snapshot"]),
    (False, None, ["Yahoo Finance", "no snapshot", "--snapshot FILE"], ["offline"]),
    (False, "/data/prices.csv.gz", ["Yahoo Finance", "prices.csv.gz"], ["offline", "no snapshot"]),
])
def test_the_no_data_line_is_true_to_the_settings(offline, snapshot, says, never, tmp_path):
    settings = Settings.from_env(environ={}, offline=offline, snapshot=snapshot, cache_dir=tmp_path)
    line = no_data_hint(settings, published=True)
    assert line.count("\n") == 1 and "as published" in line
    for text in says:
        assert text in line
    for text in never:
        assert text not in line


# --- 2: build never overwrites an existing workbook without --force ---------------------------


def test_build_refuses_to_overwrite_an_existing_workbook(tmp_path):
    out = tmp_path / "deepseek_shock.xlsm"
    out.write_bytes(b"the user's edited workbook")
    code, err = run_cli(BUILD_ARGS + ["--out", str(out)], cwd=ROOT, env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 2
    assert len(_lines(err)) == 1
    assert f"refresh --workbook {out}" in err and "--force" in err
    assert out.read_bytes() == b"the user's edited workbook"


def test_build_with_force_overwrites(tmp_path, prices_path, constituents_path):
    out = tmp_path / "book.xlsm"
    out.write_bytes(b"old")
    code, err = run_cli(BUILD_ARGS + ["--force", "--out", str(out)], cwd=ROOT,
                        env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 0, err
    assert load_workbook(out).sheetnames[0] == label("sheet.dashboard", "ko")


# --- 5: bad inputs stop the build before any work ------------------------------------------------


def _future() -> str:
    return (dt.date.today() + dt.timedelta(days=30)).isoformat()


@pytest.mark.parametrize(("args", "says"), [
    (["--event", "01/27/2025"], "--event: '01/27/2025' is not a date"),
    (["--event", _future()], "is in the future"),
    (["--event", "1999-01-04"], "--event:"),
    (["--watchlist", "no-such-watchlist.txt"], "watchlist file no-such-watchlist.txt does not exist"),
    (["--universe-file", "no-such-universe.csv"], "no-such-universe.csv does not exist"),
    (["--snapshot", "no-such-prices.csv.gz"], "snapshot file no-such-prices.csv.gz does not exist"),
])
def test_a_bad_input_is_one_line_exit_2_and_nothing_written(args, says, tmp_path):
    out = tmp_path / "new" / "book.xlsm"
    code, err = run_cli(["build", "--offline", *args, "--out", str(out)], cwd=tmp_path,
                        env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 2
    assert len(_lines(err)) == 1 and says in err, err
    assert not (tmp_path / "new").exists()


def test_out_into_a_folder_that_is_a_file_is_one_line(tmp_path, prices_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    code, err = run_cli(["build", "--offline", "--snapshot", str(prices_path), "--out",
                         str(tmp_path / "taken" / "book.xlsm")], cwd=tmp_path, env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 2 and len(_lines(err)) == 1 and "cannot create the folder" in err


# --- 3: refresh refuses what is not a shockbook workbook ------------------------------------------


def _plain_workbook(path: Path) -> None:
    wb = Workbook()
    wb.active["A1"] = "my own numbers"
    wb.save(path)


@pytest.mark.parametrize(("name", "make", "says"), [
    ("truncated.xlsm", lambda p, built: p.write_bytes(built.read_bytes()[:5000]), "cannot be read as an Excel workbook"),
    ("notes.xlsm", lambda p, built: p.write_text("just text\n"), "cannot be read as an Excel workbook"),
    ("prices.csv", lambda p, built: p.write_text("date,ticker\n"), "is not an Excel workbook (.xlsm or .xlsx)"),
    ("plain.xlsm", lambda p, built: _plain_workbook(p), "is not a shockbook workbook"),
    ("missing.xlsm", lambda p, built: None, "does not exist"),
])
def test_refresh_of_a_bad_file_is_one_line_exit_2_file_untouched(name, make, says, built, tmp_path):
    path = tmp_path / name
    make(path, built)
    before = _digest(path) if path.exists() else None
    code, err = run_cli(["refresh", "--workbook", str(path)], cwd=tmp_path, env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 2
    assert len(_lines(err)) == 1 and says in err, err
    assert "Traceback" not in err
    assert (_digest(path) if path.exists() else None) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "c") == ([name] if before else [])


# --- 4: Settings paths ---------------------------------------------------------------------------


def _settings_values(path: Path) -> dict:
    wb = load_workbook(path)
    ws = next(ws for ws in wb.worksheets if "sb_settings" in ws.tables)
    return {r[0]: r[1] for r in ws.iter_rows(min_row=2, max_col=2, values_only=True) if r[0]}


def test_build_stores_absolute_paths(built, prices_path, constituents_path):
    values = _settings_values(built)
    for key, expected in (("snapshot", prices_path), ("universe_file", constituents_path)):
        stored = Path(values[key])
        assert stored.is_absolute() and stored.resolve() == expected.resolve()  # symlinks allowed


def test_refresh_runs_from_any_folder(built, tmp_path):
    copy = tmp_path / "book" / "deepseek_shock.xlsm"
    copy.parent.mkdir()
    shutil.copy(built, copy)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, err = run_cli(["refresh", "--workbook", str(copy)], cwd=elsewhere, env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 0, err


def test_relative_settings_paths_are_read_from_the_workbooks_folder(built, prices_path, constituents_path, tmp_path):
    folder = tmp_path / "books"
    relative = {k: os.path.relpath(p, folder) for k, p in (("snapshot", prices_path), ("universe_file", constituents_path))}
    edited = with_settings(built, folder, **relative)
    elsewhere = tmp_path / "elsewhere" / "deeper"  # the same relative path from here names nothing
    elsewhere.mkdir(parents=True)
    assert not (elsewhere / relative["snapshot"]).exists()
    code, err = run_cli(["refresh", "--workbook", str(edited), "--out", str(folder / "book.xlsm")], cwd=elsewhere,
                        env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 0, err
    assert _settings_values(folder / "book.xlsm")["snapshot"] == relative["snapshot"]  # as the user typed it


def test_a_missing_settings_file_names_the_setting_and_the_path_tried(built, tmp_path):
    folder = tmp_path / "books"
    edited = with_settings(built, folder, universe_file="members.csv")
    code, err = run_cli(["refresh", "--workbook", str(edited), "--out", str(folder / "book.xlsm")], cwd=tmp_path,
                        env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 2 and len(_lines(err)) == 1
    assert "Settings universe_file='members.csv'" in err and str(folder / "members.csv") in err
    assert not (folder / "book.xlsm").exists()


@pytest.mark.parametrize(("value", "says"), [("27.01.2025", "Settings event_date:"), (_future(), "in the future")])
def test_a_bad_settings_event_stops_the_refresh(value, says, built, tmp_path):
    edited = with_settings(built, tmp_path, event_date=value)
    code, err = run_cli(["refresh", "--workbook", str(edited), "--out", str(tmp_path / "book.xlsm")], cwd=tmp_path,
                        env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "c")})
    assert code == 2 and len(_lines(err)) == 1 and says in err, err
    assert not (tmp_path / "book.xlsm").exists()


# --- published vs recomputed: the edges of each rule (a looser or tighter band fails here) ---------


@pytest.mark.parametrize(("compare", "recomputed", "published", "decimals", "text", "expected"), [
    ("rounded", -0.1697, -0.17, 0, "", "match"),        # -16.97% shows as -17%
    ("rounded", -0.1651, -0.17, 0, "", "match"),        # -16.51% rounds to -17
    ("rounded", -0.1649, -0.17, 0, "", "mismatch"),     # -16.49% rounds to -16
    ("rounded", -0.01464, -0.0146, 2, "", "match"),
    ("rounded", -0.01466, -0.0146, 2, "", "mismatch"),  # -1.466% is -1.47% at two decimals
    ("exact", 152, 152.0, 0, "", "match"),
    ("exact", 151, 152.0, 0, "", "mismatch"),
    ("set", "VST, NVDA", None, 0, "NVDA,VST", "match"),
    ("set", "VST, NVDA, CEG", None, 0, "NVDA,VST", "mismatch"),
    ("order", 20.4, 20.0, 0, "", "match"),              # "about 1/20": 1/20.4 rounds to it
    ("order", 19.5, 20.0, 0, "", "match"),
    ("order", 18.0, 20.0, 0, "", "approx"),             # the ±10% edges are inside the band
    ("order", 22.0, 20.0, 0, "", "approx"),
    ("order", 17.9, 20.0, 0, "", "mismatch"),           # just outside: a wider band would pass it
    ("order", 22.1, 20.0, 0, "", "mismatch"),
    ("order", 27.4, 20.0, 0, "", "mismatch"),           # R1 vs o1 API: 1/27.4 is not "about 1/20"
    ("order", 14.1, 20.0, 0, "", "mismatch"),           # V3 vs GPT-4 at USD 78.4M
    ("order", None, 20.0, 0, "", "na"),
])
def test_published_vs_recomputed_edges(compare, recomputed, published, decimals, text, expected):
    from shockbook.workbook.producers import compare_published

    assert compare_published(compare, recomputed, published, decimals, text) == expected


def test_the_key_numbers_panel_header_states_the_tolerance_the_marks_use():
    from shockbook.workbook.i18n import label
    from shockbook.workbook.producers import ABOUT_TOLERANCE

    for lang in ("ko", "en"):
        assert f"±{ABOUT_TOLERANCE:.0%}" in label("block.sb_key_numbers", lang)
