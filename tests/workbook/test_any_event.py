"""Any event: the book built for an event other than the report's names that event everywhere,
never shows the report's 1/27 panel, and never shows "nan" (read back with python-calamine).

Table-driven over events chosen for what they stress: the report's own, a tariff shock, a
volatility shock, an FOMC day, a day near the data's start (2024-01-02: no previous year-end in
the data) and a Sunday (mapped to the next session).
"""

from __future__ import annotations

import re

import pytest

from shockbook.workbook import layout as L
from shockbook.workbook.i18n import label
from workbook_cli import BUILD_ARGS, ROOT, block_rows, run_cli

#: (event asked, session it maps to)
EVENTS = [
    ("2025-01-27", "2025-01-27"),
    ("2025-04-07", "2025-04-07"),
    ("2024-08-05", "2024-08-05"),
    ("2024-12-18", "2024-12-18"),
    ("2024-01-10", "2024-01-10"),
    ("2025-01-26", "2025-01-27"),
]
REPORT_SESSION = "2025-01-27"
EVENT_SHEETS = ("dashboard", "event_returns", "breadth", "price_paths", "abnormal", "baskets", "dip")
NAN = re.compile(r"(?<![A-Za-z])nan(?![A-Za-z])|\binf\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def books(tmp_path_factory, prices_path, constituents_path):
    """Build lazily, once per (event, extra flags) for this module."""
    made: dict = {}

    def build(event: str, *extra: str, lang: str = "ko", env: dict | None = None):
        key = (event, extra, lang, tuple(sorted((env or {}).items())))
        if key not in made:
            folder = tmp_path_factory.mktemp("event")
            out = folder / "book.xlsm"
            code, err = run_cli(BUILD_ARGS + ["--event", event, "--lang", lang, *extra, "--out", str(out)], cwd=ROOT,
                                env={"SHOCKBOOK_CACHE_DIR": str(folder / "cache"), **(env or {})})
            assert code in (0, 1), err
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_path(str(out))
            made[key] = (out, {n: book.get_sheet_by_name(n).to_python() for n in book.sheet_names}, err)
        return made[key]

    return build


def _cells(values):
    for sheet, rows in values.items():
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                yield sheet, r, c, value


def _block_rows(values, name, lang="ko"):
    sheet, _ = L.block(name)
    return block_rows(values[label(sheet.title_key, lang)], name)


@pytest.mark.parametrize("event,session", EVENTS)
def test_no_cell_shows_nan(books, event, session):
    _, values, _ = books(event)
    bad = [(s, r, c, v) for s, r, c, v in _cells(values) if isinstance(v, str) and NAN.search(v)]
    assert not bad, bad[:5]


@pytest.mark.parametrize("event,session", EVENTS)
def test_every_event_sheet_title_names_the_session(books, event, session):
    _, values, _ = books(event)
    for key in EVENT_SHEETS:
        title = values[label(f"sheet.{key}", "ko")][0][0]
        if session == REPORT_SESSION:
            assert title == label(f"title.{key}", "ko")
        else:
            assert session in title, (key, title)
            assert "2025-01-27" not in title and "1/27" not in title, (key, title)


@pytest.mark.parametrize("event,session", EVENTS)
def test_priced_block_headings_carry_the_event(books, event, session):
    _, values, _ = books(event)
    for sheet, block in L.blocks():
        if block.prices:
            heading = values[label(sheet.title_key, "ko")][block.origin[0] - 2][block.origin[1] - 1]
            assert f"{session} " in heading, (block.name, heading)
            if event != session:
                assert event in heading, (block.name, heading)  # the date asked, and where it went


@pytest.mark.parametrize("event,session", EVENTS)
def test_the_published_panel_only_for_the_reports_event(books, event, session):
    _, values, _ = books(event)
    heading, rows = _block_rows(values, "sb_key_numbers")
    items = [r["item"] for r in rows]
    if session == REPORT_SESSION:
        assert heading.startswith(label("block.sb_key_numbers", "ko"))
        assert "엔비디아 1/27 수익률" in items
    else:
        assert heading.startswith(label("block.sb_key_numbers.event", "ko").format(session=session))
        assert not any("1/27" in str(i) or "1/24" in str(i) for i in items), items
        kinds = {r["mark"] for r in rows}
        assert {label(f"panel.kind.{k}", "ko") for k in ("index", "breadth", "names", "basket")} <= kinds
        marks = {label(f"mark.{m}", "ko") for m in ("match", "mismatch", "approx", "na")}
        assert not kinds & marks
        spx = next(r for r in rows if r["item"].startswith("S&P 500"))
        assert isinstance(spx["published_value"], float)


def test_this_event_panel_equals_the_breadth_and_index_sheets(books):
    _, values, _ = books("2025-04-07")
    _, panel = _block_rows(values, "sb_key_numbers")
    _, counts = _block_rows(values, "sb_breadth_counts")
    _, moves = _block_rows(values, "sb_index_moves")
    breadth = next(r for r in panel if r["mark"] == label("panel.kind.breadth", "ko"))
    assert breadth["published"] == f"{int(counts[0]['up'])} / {int(counts[0]['down'])} / {int(counts[0]['total'])}"
    spx = next(r for r in panel if r["item"].startswith("S&P 500"))
    assert spx["published_value"] == pytest.approx(next(m for m in moves if m["ticker"] == "^GSPC")["event_return"])


def test_the_english_book_names_the_event_too(books):
    _, values, _ = books("2025-04-07", lang="en")
    assert values["Dashboard"][0][0] == "Event (2025-04-07) dashboard"
    heading, rows = _block_rows(values, "sb_key_numbers", lang="en")
    assert heading.startswith("This event (2025-04-07)")


# --- as of a date ----------------------------------------------------------------------------


def _close(prices_path, ticker, day):
    import pandas as pd

    frame = pd.read_csv(prices_path)
    return float(frame[(frame["ticker"] == ticker) & (frame["date"] == day)]["close"].iloc[0])


def test_as_of_the_1_30_close_gives_figure_5s_basis(books, prices_path):
    """The report's figure 5 is "as of the 1/30 close": NVDA from the 1/24 close (the session
    before the event) to the 1/30 close, computed here from the snapshot file itself."""
    _, values, _ = books("2025-01-27", "--as-of", "2025-01-30")
    heading, rows = _block_rows(values, "sb_event_returns")
    assert "~2025-01-30" in heading
    nvda = next(r for r in rows if r["ticker"] == "NVDA")
    expected = _close(prices_path, "NVDA", "2025-01-30") / _close(prices_path, "NVDA", "2025-01-24") - 1
    assert nvda["since_pre_event"] == pytest.approx(expected, abs=1e-12)
    assert nvda["since_pre_event"] == pytest.approx(-0.1260, abs=5e-5)
    since = _close(prices_path, "NVDA", "2025-01-30") / _close(prices_path, "NVDA", "2025-01-27") - 1
    assert nvda["since_event"] == pytest.approx(since, abs=1e-12)
    assert str(nvda["since_asof"])[:10] == "2025-01-30"
    assert nvda["return_5"] == "" and nvda["return_20"] == ""  # not known on 1/30
    assert isinstance(nvda["return_1"], float)


def test_as_of_ends_the_paths_and_is_on_the_dashboard(books):
    _, values, _ = books("2025-01-27", "--as-of", "2025-01-30")
    _, paths = _block_rows(values, "sb_price_paths")
    assert str(paths[-1]["date"])[:10] == "2025-01-30"
    _, summary = _block_rows(values, "sb_summary")
    assert {"item": label("summary.as_of", "ko"), "value": "2025-01-30"} in summary
    _, settings = _block_rows(values, "sb_settings")
    assert {r["key"]: r["value"] for r in settings}["as_of"] == "2025-01-30"


def test_an_as_of_before_the_event_is_refused_before_writing(tmp_path, prices_path):
    out = tmp_path / "book.xlsm"
    code, err = run_cli(BUILD_ARGS + ["--as-of", "2025-01-20", "--out", str(out)], cwd=ROOT,
                        env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "cache")})
    assert code == 2 and not out.exists()
    assert "--as-of" in err and "before the event 2025-01-27" in err


# --- a refresh follows the Settings sheet's event and as-of ------------------------------------


def _refresh(source, out, *flags):
    return run_cli(["refresh", "--workbook", str(source), "--out", str(out), "--offline",
                    "--snapshot", "../shared/data/prices.csv.gz", *flags], cwd=ROOT,
                   env={"SHOCKBOOK_CACHE_DIR": str(out.parent / "cache")})


def _calamine(path):
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {n: book.get_sheet_by_name(n).to_python() for n in book.sheet_names}


def _with_setting(path, key, value):
    """The book at ``path`` (openpyxl) with Settings ``key`` set to ``value``, as a user types it."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    _, block = L.block("sb_settings")
    settings = wb[label("sheet.settings", "ko")]
    for row in settings.iter_rows(min_row=block.origin[0] + 1, max_row=block.origin[0] + block.capacity):
        if row[0].value == key:
            row[1].value = value
    return wb


def test_a_refresh_with_another_event_retitles_the_sheets_and_drops_the_1_27_panel(books, tmp_path):
    path, _, _ = books("2025-01-27")
    wb = _with_setting(path, "event_date", "2025-04-07")
    wb[label("sheet.breadth", "ko")]["A1"] = "내 제목"  # a title the user typed over is kept
    wb.save(tmp_path / "edited.xlsx")
    code, err = _refresh(tmp_path / "edited.xlsx", tmp_path / "book.xlsm")
    assert code == 0, err
    values = _calamine(tmp_path / "book.xlsm")
    assert values[label("sheet.dashboard", "ko")][0][0] == "이벤트 (2025-04-07) 대시보드"
    assert values[label("sheet.breadth", "ko")][0][0] == "내 제목"
    heading, rows = _block_rows(values, "sb_key_numbers")
    assert "2025-04-07" in heading and not any("1/27" in str(r["item"]) for r in rows)


def test_a_refresh_as_of_a_date_patches_the_package(books, tmp_path):
    path, _, _ = books("2025-04-07")
    code, err = _refresh(path, tmp_path / "book.xlsm", "--as-of", "2025-04-11")
    assert code == 0, err
    values = _calamine(tmp_path / "book.xlsm")
    assert values[label("sheet.dashboard", "ko")][0][0] == "이벤트 (2025-04-07) 대시보드"
    heading, rows = _block_rows(values, "sb_event_returns")
    assert "~2025-04-11" in heading
    assert {str(r["since_asof"])[:10] for r in rows if r["since_asof"]} == {"2025-04-11"}


# --- one event study per workbook ------------------------------------------------------------


def _betas(values, ticker="NVDA"):
    _, events = _block_rows(values, "sb_event_returns")
    _, abnormal = _block_rows(values, "sb_abnormal")
    return (next(r["beta"] for r in events if r["ticker"] == ticker),
            next(r["beta"] for r in abnormal if r["ticker"] == ticker))


def test_two_sheets_never_disagree_on_a_beta(books):
    """estimation_end = -1 (the issue's case): the Event returns and Abnormal returns sheets fit
    the same window, say so in their headings, and differ from the default window's beta."""
    _, default, _ = books("2025-01-27")
    _, short, _ = books("2025-01-27", env={"SHOCKBOOK_ESTIMATION_END": "-1"})
    events_beta, abnormal_beta = _betas(short)
    assert events_beta == pytest.approx(abnormal_beta, abs=1e-12)
    assert events_beta != pytest.approx(_betas(default)[0], abs=1e-6)
    for name in ("sb_event_returns", "sb_abnormal", "sb_group_tests"):
        heading, _ = _block_rows(short, name)
        assert "추정 구간 [-250, -1]" in heading, (name, heading)
    _, settings = _block_rows(short, "sb_settings")
    assert {r["key"]: r["value"] for r in settings}["estimation_end"] in (-1, -1.0, "-1")


def test_the_settings_sheets_window_reaches_every_sheet_on_refresh(books, tmp_path):
    path, _, _ = books("2025-01-27")
    _with_setting(path, "estimation_end", -1).save(tmp_path / "edited.xlsx")
    code, err = _refresh(tmp_path / "edited.xlsx", tmp_path / "book.xlsm")
    assert code == 0, err
    values = _calamine(tmp_path / "book.xlsm")
    events_beta, abnormal_beta = _betas(values)
    assert events_beta == pytest.approx(abnormal_beta, abs=1e-12)
    _, short, _ = books("2025-01-27", env={"SHOCKBOOK_ESTIMATION_END": "-1"})
    assert events_beta == pytest.approx(_betas(short)[0], abs=1e-12)


# --- partial results: a missing year-end base blanks only the YTD cells ----------------------


@pytest.mark.parametrize("event", ["2024-12-18", "2024-01-10"])
def test_without_a_year_end_base_only_ytd_is_blank(books, event):
    """The data start on 2024-01-02: no 2023 year-end close, so no YTD for a 2024 event. The
    baskets (event-day returns need no year-end), the paths and breadth still fill."""
    _, values, _ = books(event)
    heading, baskets = _block_rows(values, "sb_baskets")
    assert "연초 대비 수익률 미계산" in heading  # "YTD not computed", in the Korean book's words
    assert baskets and all(r["ytd_before"] == "" for r in baskets)
    assert sum(isinstance(r["event_return"], float) for r in baskets) >= len(baskets) - 1
    heading, paths = _block_rows(values, "sb_price_paths")
    assert len(paths) > 100 and "데이터의 첫 종가(2024-01-02) 기준" in heading  # rebased to the first close, in Korean
    assert paths[0]["path_1a"] == pytest.approx(100.0)  # VST, the first pair's first ticker
    _, counts = _block_rows(values, "sb_breadth_counts")
    assert counts[0]["total"] == 503
    for name in ("sb_baskets", "sb_basket_spread", "sb_price_paths", "sb_event_returns", "sb_breadth_worst"):
        heading, rows = _block_rows(values, name)
        assert "#SB!" not in heading and not str(rows[0][next(iter(rows[0]))]).startswith("#SB!"), name



# --- the Price paths sheet: pairs from Settings, a chart window, the marker on each series ------


def _header(values, name):
    sheet, block = L.block(name)
    rows = values[label(sheet.title_key, "ko")]
    header_row, left = block.origin
    return rows[header_row - 1][left - 1:left - 1 + block.width]


def test_own_pairs_in_a_window_of_sessions_around_the_event(books, prices_path):
    path, values, _ = books("2025-04-07", "--pairs", "AAPL/MSFT, NVDA/AMD", "--chart-sessions", "10")
    header = _header(values, "sb_price_paths")
    assert header[1:5] == ["AAPL", "MSFT", "NVDA", "AMD"]
    _, rows = _block_rows(values, "sb_price_paths")
    dates = [str(r["date"])[:10] for r in rows]
    assert len(dates) == 21 and dates[10] == "2025-04-07"  # 10 sessions either side
    # rebased to the 2024 year-end close, computed here from the snapshot
    expected = _close(prices_path, "AAPL", "2025-04-07") / _close(prices_path, "AAPL", "2024-12-31") * 100
    assert rows[10]["path_1a"] == pytest.approx(expected, abs=1e-9)
    # the marker is each series' own value on the event session, and only there
    for slot in ("1a", "1b", "2a", "2b"):
        marks = [(r["date"], r[f"event_{slot}"]) for r in rows if r[f"event_{slot}"] != ""]
        assert len(marks) == 1 and marks[0][1] == pytest.approx(rows[10][f"path_{slot}"])
    _, settings = _block_rows(values, "sb_settings")
    assert {r["key"]: r["value"] for r in settings}["path_pairs"] == "AAPL/MSFT, NVDA/AMD"


def test_unused_pair_slots_get_no_chart_and_titles_name_the_pairs(books):
    import zipfile

    path, _, _ = books("2025-04-07", "--pairs", "AAPL/MSFT, NVDA/AMD", "--chart-sessions", "10")
    package = zipfile.ZipFile(path)
    charts = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/chart")]
    line_titles = [c for c in charts if "<lineChart>" in c]
    assert len(line_titles) == 2
    assert any("AAPL · MSFT" in c for c in line_titles) and any("NVDA · AMD" in c for c in line_titles)
    assert all('<majorTimeUnit val="days"/>' in c and '<majorUnit val="7"/>' in c for c in line_titles)


def test_the_reports_pairs_as_of_1_30_show_january_ticking_weekly(books):
    import zipfile

    path, values, _ = books("2025-01-27", "--as-of", "2025-01-30")
    _, rows = _block_rows(values, "sb_price_paths")
    assert str(rows[0]["date"])[:10] == "2024-12-31" and str(rows[-1]["date"])[:10] == "2025-01-30"
    package = zipfile.ZipFile(path)
    charts = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/chart")]
    lines = [c for c in charts if "<lineChart>" in c]
    assert len(lines) == 6 and any("그림8" in c for c in lines)
    assert all('<majorUnit val="7"/>' in c for c in lines)


def test_a_pair_that_is_not_two_tickers_is_refused(tmp_path, prices_path):
    out = tmp_path / "book.xlsm"
    code, err = run_cli(BUILD_ARGS + ["--pairs", "AAPL-MSFT", "--out", str(out)], cwd=ROOT,
                        env={"SHOCKBOOK_CACHE_DIR": str(tmp_path / "cache")})
    assert code == 2 and not out.exists() and "AAPL-MSFT" in err and "joined by /" in err


# --- LibreOffice renders a book for another event (one render: the suite runs on 2 cores) -------


def test_libreoffice_renders_the_tariff_shock_book_with_own_pairs(books, tmp_path):
    """The new user's book: 2025-04-07, an own watchlist and pairs, ±30 sessions. Every page has
    ink, the titles name 4/7, the 1/27 panel and figure titles are absent, no '###' or 'nan'."""
    import shutil
    import subprocess

    from render import page_is_blank, pdf_to_images, render_pdf, require_soffice

    require_soffice()
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: apt-get install poppler-utils")
    watchlist = tmp_path / "mine.txt"
    watchlist.write_text("AAPL\nMSFT\nNVDA\nAMD\nJPM\nGS\nXOM\nTSLA\n^GSPC\n", encoding="utf-8")
    path, _, _ = books("2025-04-07", "--watchlist", str(watchlist), "--pairs", "AAPL/MSFT,NVDA/AMD,JPM/GS,XOM/TSLA",
                       "--chart-sessions", "30")
    pdf = render_pdf(path, tmp_path / "pdf")
    pages = pdf_to_images(pdf, tmp_path / "pages", dpi=30)
    assert len(pages) >= len(L.LAYOUT) and [p.name for p in pages if page_is_blank(p)] == []
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    for key in EVENT_SHEETS:
        assert label(f"title.{key}.event", "ko").format(session="2025-04-07") in text, key
    for pair in ("AAPL · MSFT", "NVDA · AMD", "JPM · GS", "XOM · TSLA"):
        assert pair in text
    assert "엔비디아 1/27" not in text and "그림8" not in text and "딥시크 쇼크 (2025-01-27)" not in text
    assert "###" not in text and not NAN.search(text)


def test_no_chart_is_drawn_over_an_error(books):
    """Pairs of tickers the data does not have: the Price paths block shows its error in its
    first row, and the sheet gets no chart (no error text drawn over an empty axis)."""
    import zipfile

    path, values, _ = books("2025-04-07", "--pairs", "QQQQX/ZZZZX")
    heading, rows = _block_rows(values, "sb_price_paths")
    assert str(rows[0]["date"]).startswith("#SB!") and "QQQQX" in rows[0]["date"]
    package = zipfile.ZipFile(path)
    lines = [n for n in package.namelist() if n.startswith("xl/charts/chart") and b"<lineChart>" in package.read(n)]
    assert lines == []
    others = [n for n in package.namelist() if n.startswith("xl/charts/chart")]
    default, _, _ = books("2025-04-07")
    every = [n for n in zipfile.ZipFile(default).namelist() if n.startswith("xl/charts/chart")]
    assert len(others) == len(every) - 6  # every other block's chart is there


@pytest.mark.parametrize("event", ["2025-04-07", "2024-08-05", "2024-12-18"])
def test_the_dip_scatter_shows_every_name_for_any_event(books, event):
    """Each event gives the scatter another shape (a broad sell-off with later rallies, a one-day
    volatility shock, an FOMC day): the axes follow the points, so no name falls off the chart."""
    from test_dip_sheet import assert_every_point_inside, dip_scatter

    out, values, _ = books(event)
    _, rows = _block_rows(values, "sb_dip_screen")
    assert len(rows) >= 19
    assert_every_point_inside(dip_scatter(out), rows)


@pytest.mark.parametrize("event", ["2025-04-07", "2024-08-05", "2024-12-18"])
def test_every_example_has_a_result_for_any_event(books, event):
    """The examples follow the book's event (Settings cells) yet never show an error as the
    expected result: a literal as-of before another event's day refused the dip screen, and
    the next earnings date after a later event is in no offline calendar."""
    from shockbook.workbook.examples import NETWORK_ONLY

    _, values, _ = books(event)
    _, rows = _block_rows(values, "sb_examples")
    assert len(rows) >= 18
    bad = [(r["formula"], r["expected"]) for r in rows
           if r["expected"] in ("", None) or (isinstance(r["expected"], str) and r["expected"].startswith("#SB!"))
           or (isinstance(r["expected"], str) and NAN.search(r["expected"]))]
    assert not bad, bad
    assert [r["formula"][:16] for r in rows if r["expected"] == label(NETWORK_ONLY, "ko")] == ["=SB_EPS_SURPRISE"]


def test_a_patched_refresh_refits_the_dip_scatter_to_the_new_points(books, tmp_path):
    """The package patcher keeps the charts; the dip scatter's axes, fitted at build to the
    points as of the last close, follow the points as of an earlier date after the refresh."""
    from test_dip_sheet import assert_every_point_inside, dip_scatter, scatter_axes

    path, _, _ = books("2025-04-07")
    before = scatter_axes(dip_scatter(path))
    code, err = _refresh(path, tmp_path / "book.xlsm", "--as-of", "2025-04-09")  # the +9.5% rally day
    assert code == 0, err
    _, rows = _block_rows(_calamine(tmp_path / "book.xlsm"), "sb_dip_screen")
    after = dip_scatter(tmp_path / "book.xlsm")
    assert scatter_axes(after) != before
    assert_every_point_inside(after, rows)
# --- one language per book, for any event -----------------------------------------------------

#: A watchlist across markets (README): Seoul, Tokyo and Amsterdam beside two US names.
MIXED_WATCHLIST = ["NVDA", "AVGO", "000660.KS", "005930.KS", "6857.T", "ASML.AS"]


@pytest.mark.parametrize("event", sorted({e for e, _ in EVENTS} - {REPORT_SESSION}))
def test_the_korean_book_of_another_event_has_no_english_prose(books, event):
    """The Korean book of every other event (a missing year-end base, an estimation window cut
    by the data's start, a Sunday) passes the cell-by-cell prose check of test_language: its
    data-gap notes ("YTD not computed", "paths rebased", no CARs) are said in Korean, and an
    error shows its kind in Korean before its message."""
    from test_language import english_prose

    _, values, _ = books(event)
    leaks = english_prose(values)
    assert not leaks, f"{len(leaks)} cells of English prose, e.g. {leaks[:10]}"


def test_the_korean_book_of_a_mixed_watchlist_has_no_english_prose(books, tmp_path_factory):
    """A tariff-shock book (2025-04-07) over a watchlist across markets, on both recorded files:
    every cell passes the prose check, and the rows of other markets say their session,
    benchmark and currency in Korean."""
    from test_language import english_prose

    watchlist = tmp_path_factory.mktemp("mixed") / "watchlist.txt"
    watchlist.write_text("\n".join(MIXED_WATCHLIST) + "\n", encoding="utf-8")
    _, values, err = books("2025-04-07", "--watchlist", str(watchlist),
                           "--snapshot", "../shared/data/intl_prices.csv.gz")
    leaks = english_prose(values)
    assert not leaks, f"{len(leaks)} cells of English prose, e.g. {leaks[:10]}"
    texts = [v for rows in values.values() for row in rows for v in row if isinstance(v, str)]
    assert any(t.startswith("XKRX 거래일 2025-04-07, 벤치마크 ^KS11, 통화 KRW") for t in texts), err
    assert not any("session 2025-04-07, vs" in t for t in texts)
