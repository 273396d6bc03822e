"""The content and earnings-calendar worksheet functions, called as Excel calls them."""

from __future__ import annotations

import datetime as dt

import pytest
import xlharness as xh
from xlharness import call_like_excel as call
from xlharness import excel_column, excel_date, excel_date_cell, excel_error, excel_row

from shockbook.workbook import layout as L

udfs = xh.udf_module("shockbook.excel.udfs")


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path, prices_path):
    monkeypatch.setenv("SHOCKBOOK_OFFLINE", "1")
    monkeypatch.setenv("SHOCKBOOK_SNAPSHOT", str(prices_path))
    monkeypatch.setenv("SHOCKBOOK_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def records(result):
    header, *rows = result
    return [dict(zip(header, row)) for row in rows]


def texts(result):
    return [v for row in result for v in row if isinstance(v, str)]


# --- SB_OPINIONS ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, count",
    [
        ((), 14),
        (("positive",), 7),
        (("negative",), 7),
        (("부정",), 7),
        ((None, "nvidia"), 1),
        ((None, None, None, "en"), 14),
    ],
    ids=["all", "positive", "negative", "korean-stance", "source", "english"],
)
def test_opinions_filters(args, count):
    result = call(udfs.SB_OPINIONS, *args)
    assert len(result) == count + 1
    assert result[0][:3] == ["id", "stance", "source"]


def test_opinion_texts_fit_a_cell_and_point_to_the_full_row():
    for lang in ("ko", "en"):
        result = call(udfs.SB_OPINIONS, None, None, None, lang)
        assert all(len(t) <= 255 for t in texts(result))
    english = records(call(udfs.SB_OPINIONS, None, None, None, "en"))
    cut = [(i, r["points"]) for i, r in enumerate(english, start=1) if r["points"].endswith(")")
           and "… (see Opinions row" in r["points"]]
    assert cut, "the English table has a point text longer than 255 characters"
    first = L.block("sb_opinions")[1].origin[0]  # the header row: data starts one below
    for position, text in cut:
        assert text.endswith(f"… (see Opinions row {first + position})")
    # the Korean book calls the sheet 주요 의견; the row is the sheet's, not the table index
    assert udfs._pointer("sb_opinions", "ko", 1) == f"주요 의견 시트 {first + 1}행 참조"


def test_a_filtered_opinion_points_to_its_row_in_the_full_table():
    full = records(call(udfs.SB_OPINIONS, None, None, None, "en"))
    long_ones = [i for i, r in enumerate(full, start=1) if "… (see Opinions row" in r["points"]]
    position = long_ones[-1]
    stance = full[position - 1]["stance"]
    filtered = records(call(udfs.SB_OPINIONS, stance, None, None, "en"))
    mine = next(r for r in filtered if r["id"] == full[position - 1]["id"])
    assert mine["points"].endswith(f"(see Opinions row {L.block('sb_opinions')[1].origin[0] + position})")


@pytest.mark.parametrize(
    "args, message",
    [
        (("neutral",), "#SB! 알 수 없는 이름: unknown stance 'neutral'; valid: positive, negative"),
        ((None, "Goldman"), "#SB! 알 수 없는 이름: no opinion source matches 'Goldman'"),
        ((None, None, None, "fr"), "#SB! 알 수 없는 이름: unknown language 'fr'; valid: ko, en"),
        ((excel_error("#N/A"),), "#SB! 입력 오류: stance is an error cell (#N/A), not text"),
        ((3.0,), "#SB! 입력 오류: stance must be text, not float 3.0"),
    ],
)
def test_opinions_bad_input(args, message):
    assert call(udfs.SB_OPINIONS, *args)[0][0].startswith(message)


def test_opinions_by_ticker_without_match_is_just_the_header():
    assert call(udfs.SB_OPINIONS, None, None, "ZZZZ") == [call(udfs.SB_OPINIONS)[0]]


# --- SB_SCALING ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ko", "en", None])
def test_scaling_has_five_aspects(lang):
    result = call(udfs.SB_SCALING, lang)
    assert result[0] == ["aspect", "training_scaling", "test_time_scaling", "note", "source"]
    assert len(result) == 6
    assert all(len(t) <= 255 for t in texts(result))


# --- SB_MODEL_METRIC -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, metric, expected",
    [
        ("DeepSeek R1", "input_price", 0.55),
        ("deepseek-r1", "output_price", 2.19),
        ("o1", "input_price", 15.0),
        ("R1", "blended_price_3to1", 0.96),
        ("DeepSeek V3", "input_price", 0.27),  # the price in force from 2025-02-08, not the promo
        ("GPT-4o", "aime2024_pass1", 12.0),
        ("DeepSeek R1", "output_speed", "not published"),
    ],
)
def test_model_metric(model, metric, expected):
    got = call(udfs.SB_MODEL_METRIC, model, metric)
    assert got == [[pytest.approx(expected) if isinstance(expected, float) else expected]]


@pytest.mark.parametrize(
    "model, metric, message",
    [
        ("GPT-9", "input_price", "#SB! 알 수 없는 이름: unknown model 'GPT-9'; valid:"),
        ("R1", "charisma", "#SB! 알 수 없는 이름: unknown metric 'charisma'; valid:"),
        ("o3-mini", "codeforces_rating", "#SB! 알 수 없는 이름: OpenAI o3-mini has no codeforces_rating; it has: aa_quality_index"),
        (None, "input_price", "#SB! 입력 오류: give both a model and a metric"),
    ],
)
def test_model_metric_unknown(model, metric, message):
    text = call(udfs.SB_MODEL_METRIC, model, metric)[0][0]
    assert text.startswith(message) and len(text) <= 255


# --- SB_API_COST ---------------------------------------------------------------------------


def test_api_cost_r1_vs_o1_is_about_27x():
    (row,) = records(call(udfs.SB_API_COST, "DeepSeek R1", 3_000_000, 1_000_000))
    assert row["model"] == "DeepSeek R1" and row["reference"] == "OpenAI o1"
    assert row["cost_usd"] == pytest.approx(3 * 0.55 + 2.19)
    assert row["reference_cost_usd"] == pytest.approx(3 * 15 + 60)
    assert row["reference_cost_multiple"] == pytest.approx(27.34, abs=0.01)


def test_api_cost_with_cache_hits_and_another_reference():
    (row,) = records(call(udfs.SB_API_COST, "R1", 1e6, 0, 0.5, "GPT-4o"))
    assert row["cost_usd"] == pytest.approx(0.5 * 0.55 + 0.5 * 0.14)
    assert row["reference"] == "GPT-4o" and row["cache_hit_priced"] is True


@pytest.mark.parametrize(
    "args, message",
    [
        (("R1", -1, 1e6), "#SB! 입력 오류: input_tokens must be a finite number >= 0"),
        (("R1", 1e6, "lots"), "#SB! 입력 오류: output_tokens must be a number, not text 'lots'"),
        (("R1", 1e6, 1e6, 1.5), "cache_hit_share"),
        (("Nonexistent", 1e6, 1e6), "#SB! 알 수 없는 이름: unknown priced model 'Nonexistent'"),
        ((None, 1e6, 1e6), "#SB! 입력 오류: model is empty"),
        (("R1", None, 1e6), "#SB! 입력 오류: input_tokens is empty; give a number"),
    ],
)
def test_api_cost_bad_input(args, message):
    assert message in call(udfs.SB_API_COST, *args)[0][0]


# --- SB_COMPUTE_SPLIT ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "arg, technique, training_share",
    [
        (1.0, "", 0.5),
        (3.0, "", 0.75),
        ("Monte Carlo tree search", "Monte Carlo tree search", 0.5),
        ("repeated sampling, cheap verification", "Repeated sampling, cheap verification", 2 / 3),
    ],
)
def test_compute_split(arg, technique, training_share):
    (row,) = records(call(udfs.SB_COMPUTE_SPLIT, arg))
    assert row["technique"] == technique
    assert row["training_share"] == pytest.approx(training_share)
    assert row["training_share"] + row["inference_share"] == pytest.approx(1.0)


@pytest.mark.parametrize("arg, message", [(0, "k must be > 0"), (-1, "k"), ("alchemy", "unknown technique"),
                                          (None, "is empty")])
def test_compute_split_bad_input(arg, message):
    text = call(udfs.SB_COMPUTE_SPLIT, arg)[0][0]
    assert text.startswith("#SB!") and message in text


# --- SB_EARNINGS_GRID and friends ----------------------------------------------------------


@pytest.mark.parametrize(
    "month",
    ["2025-02", excel_date(dt.date(2025, 2, 13)), excel_date_cell(dt.date(2025, 2, 1))],
    ids=["text", "serial", "date-cell"],
)
def test_earnings_grid_offline_is_the_reports_table_4(month):
    result = call(udfs.SB_EARNINGS_GRID, month)
    assert result[0] == ["week_of", "MON", "TUE", "WED", "THU", "FRI"]
    assert len(result) == 1 + 4 + 1  # header, four weeks, the source line
    thursday_13 = result[2][4]
    assert "Applied Materials (AMAT)†" in thursday_13 and "AMT" not in thursday_13
    assert result[-1][0] == "source" and result[-1][1] == "보고서 표4"


@pytest.mark.parametrize("tickers", [excel_column(["NVDA", None]), excel_row(["nvda"]), "NVDA"])
def test_earnings_grid_marks_the_watchlist(tickers):
    result = call(udfs.SB_EARNINGS_GRID, "2025-02", tickers)
    assert "★◆ NVIDIA (NVDA)" in result[4][3]


def test_earnings_grid_says_which_watchlist_cells_it_ignored():
    footer = call(udfs.SB_EARNINGS_GRID, "2025-02", excel_column(["NVDA", 7]))[-1]
    assert footer[3] == "#SB! 입력 오류: cell 2 of tickers is float 7, not a ticker; type the ticker as text, e.g. '005930.KS'"


def test_earnings_grid_with_an_empty_watchlist_range():
    assert call(udfs.SB_EARNINGS_GRID, "2025-02", excel_column([None, None])) == call(
        udfs.SB_EARNINGS_GRID, "2025-02")


@pytest.mark.parametrize(
    "month, message",
    [
        ("2025-03", "#SB! 데이터 없음: no earnings dates in 2025-03"),
        ("Feb", "#SB! 입력 오류: month 'Feb' is not a month"),
        (None, "#SB! 입력 오류: month is empty"),
        (excel_error("#REF!"), "#SB! 입력 오류: month is an error cell (#REF!)"),
    ],
)
def test_earnings_grid_bad_month(month, message):
    assert call(udfs.SB_EARNINGS_GRID, month)[0][0].startswith(message)


def test_earnings_grid_cells_fit():
    assert all(len(t) <= 255 for t in texts(call(udfs.SB_EARNINGS_GRID, "2025-02")))


def _cache(cache_dir, ticker, rows):
    import json

    path = cache_dir / "earnings" / f"{ticker}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"ticker": ticker, "fetched_at": "2025-05-01T00:00:00+00:00",
                                "rows": rows}))


def test_next_earnings_and_eps_surprise_from_the_cache(offline):
    future = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    _cache(offline, "MSFT", [
        {"date": future, "time_of_day": "AMC", "eps_estimate": 3.5, "eps_reported": None, "surprise_pct": None},
        {"date": "2025-01-29", "time_of_day": "AMC", "eps_estimate": 3.11, "eps_reported": 3.23, "surprise_pct": 3.86},
    ])
    (next_date,) = call(udfs.SB_NEXT_EARNINGS, "msft")[0]
    assert next_date.date().isoformat() == future
    assert call(udfs.SB_EPS_SURPRISE, "MSFT") == [[pytest.approx(0.0386)]]
    assert call(udfs.SB_EPS_SURPRISE, "MSFT", "2025-01-30") == [[pytest.approx(0.0386)]]


def test_next_earnings_after_a_date_comes_from_the_reports_calendar_offline():
    # nothing cached and no network: the report's table 4 lists NVDA on 2025-02-26
    (found,) = call(udfs.SB_NEXT_EARNINGS, "NVDA", "2025-01-27")[0]
    assert found.date() == dt.date(2025, 2, 26)
    (found,) = call(udfs.SB_NEXT_EARNINGS, "NVDA", excel_date(dt.date(2025, 1, 27)))[0]
    assert found.date() == dt.date(2025, 2, 26)


@pytest.mark.parametrize(
    "func, args, message",
    [
        ("SB_NEXT_EARNINGS", ("NVDA",), "#SB! 데이터 없음: no earnings date for NVDA on or after"),
        ("SB_NEXT_EARNINGS", ("NVDA", "2026-01-01"), "#SB! 데이터 없음: no earnings date for NVDA on or after 2026-01-01"),
        ("SB_NEXT_EARNINGS", ("NVDA", "soon"), "#SB! 입력 오류: as_of 'soon' is not a date"),
        ("SB_NEXT_EARNINGS", (excel_column(["A", "B"]),), "#SB! 입력 오류: ticker must be one ticker"),
        ("SB_EPS_SURPRISE", ("MSFT",), "#SB! 데이터 없음: no earnings dates for MSFT offline"),
        ("SB_EPS_SURPRISE", ("MSFT", "soon"), "#SB! 입력 오류: date 'soon' is not a date"),
    ],
)
def test_earnings_helpers_errors(func, args, message):
    assert call(getattr(udfs, func), *args)[0][0].startswith(message)


# --- metadata ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("SB_OPINIONS", [("stance", True), ("source", True), ("ticker", True), ("lang", True)]),
        ("SB_SCALING", [("lang", True)]),
        ("SB_MODEL_METRIC", [("model", False), ("metric", False)]),
        ("SB_API_COST", [("model", False), ("input_tokens", False), ("output_tokens", False),
                         ("cache_hit_share", True), ("reference", True)]),
        ("SB_COMPUTE_SPLIT", [("k_or_technique", False)]),
        ("SB_EARNINGS_GRID", [("month", False), ("tickers", True)]),
        ("SB_NEXT_EARNINGS", [("ticker", False), ("as_of", True)]),
        ("SB_EPS_SURPRISE", [("ticker", False), ("date", True)]),
    ],
)
def test_content_udf_signatures_and_help(name, args):
    meta = xh.udf_metadata(getattr(udfs, name))
    assert meta.name == name and meta.category == "shockbook" and not meta.volatile
    assert [(a.name, a.optional) for a in meta.args] == args
    assert 0 < len(meta.description) <= 255 and all(a.doc for a in meta.args)


def test_no_udf_is_volatile_in_the_vba_wrappers():
    vba = xh.vba_wrappers(udfs, "shockbook.excel.udfs")
    assert "Function SB_EARNINGS_GRID(month, Optional tickers)" in vba
    assert "Application.Volatile" not in vba
