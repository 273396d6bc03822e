"""The four report tables, reproduced complete through the tables layer."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from shockbook.errors import UnknownNameError
from shockbook.tables.content import (
    calls_table,
    opinions_table,
    report_calendar_table,
    scaling_table,
)

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"

# --- table 1 -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang, positive, negative", [("ko", "긍정", "부정"), ("en", "positive", "negative")])
def test_opinions_table_has_14_rows_7_per_stance(lang, positive, negative):
    result = opinions_table(lang)
    df = result.frame
    assert len(df) == 14
    assert df["stance"].value_counts().to_dict() == {positive: 7, negative: 7}
    assert result.rejected == ()


def test_opinions_every_row_has_a_source():
    for lang in ("ko", "en"):
        df = opinions_table(lang).frame
        assert df["source"].str.strip().str.len().gt(0).all()
        assert df["points"].str.strip().str.len().gt(0).all()


def test_opinions_text_follows_the_language():
    ko, en = opinions_table("ko").frame, opinions_table("en").frame
    fortune_ko = ko.loc[ko["id"] == "fortune"].iloc[0]
    fortune_en = en.loc[en["id"] == "fortune"].iloc[0]
    assert (fortune_ko["source"], fortune_en["source"]) == ("포춘지", "Fortune (magazine)")
    assert "신뢰도" in fortune_ko["points"] and "reliability" in fortune_en["points"]
    assert fortune_en["points"].startswith("- ")  # two points, one per line
    assert fortune_en["points"].count("\n") == 1


@pytest.mark.parametrize(
    "filters, expected_ids",
    [
        (dict(stance="negative", source="oracle"), ["oracle"]),
        (dict(stance="부정", source="WSJ"), ["wsj-cnbc-reuters"]),
        (dict(ticker="mrvl"), ["bofa"]),
        (dict(ticker="NVDA", stance="positive"), ["nvidia", "bofa", "wedbush"]),
        (dict(ticker="NVDA", stance="negative"), ["guotai-research"]),
        (dict(ticker="ZZZZ"), []),
        (dict(source="fortune"), ["fortune"]),  # English name matches too
    ],
)
def test_opinion_filters(filters, expected_ids):
    assert opinions_table("en", **filters).frame["id"].tolist() == expected_ids


def test_empty_filter_result_keeps_the_columns():
    df = opinions_table("en", ticker="ZZZZ").frame
    assert df.empty and "points" in df.columns


@pytest.mark.parametrize(
    "kwargs, bad",
    [(dict(lang="fr"), "fr"), (dict(stance="neutral"), "neutral"), (dict(source="Goldman"), "Goldman")],
)
def test_opinion_bad_arguments_name_the_value_and_the_valid_ones(kwargs, bad):
    with pytest.raises(UnknownNameError) as info:
        opinions_table(**{"lang": "en", **kwargs})
    assert f"'{bad}'" in info.value.message and "valid:" in info.value.message


def test_malformed_user_row_shows_in_the_tables_rejected_rows(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("rows:\n  - id: x\n    source: Me\n", encoding="utf-8")
    result = opinions_table("en", user_file=path)
    assert len(result.frame) == 14
    assert any("field 'stance'" in error.one_line() for error in result.rejected)


# --- table 2 -------------------------------------------------------------------------------


def test_scaling_table_five_aspects_in_report_order():
    ko_result = scaling_table("ko")
    ko, en = ko_result.frame, scaling_table("en").frame
    assert ko["aspect"].tolist() == ["초점", "요점", "산업 영향", "기술 예시", "진화 방향"]
    assert en["aspect"].tolist() == ["Focus", "Gist", "Industry impact", "Technical examples",
                                     "Direction of travel"]
    for df in (ko, en):
        assert df[["training_scaling", "test_time_scaling", "source"]].ne("").all().all()
    assert "추론(Inference) 과정" in ko.loc[0, "test_time_scaling"]
    assert ko_result.labels["law_names"]["test_time"] == "Time Scaling Law(Test Time Scaling)"


def test_scaling_table_flags_the_gpt4_cost_wording():
    en = scaling_table("en").frame
    assert "78.4M" in en.loc[en["aspect"] == "Technical examples", "note"].item()


# --- table 3 -------------------------------------------------------------------------------

CALLS = [
    # ticker, revenue printed, revenue USD, revenue mark, EPS, EPS mark
    ("MSFT", "696억", 69.6e9, "miss", 3.23, "miss"),
    ("META", "484억", 48.4e9, "beat", 8.02, "beat"),
    ("TSLA", "257억", 25.7e9, "miss", 0.73, "miss"),
    ("NOW", "30억", 3.0e9, "miss", 3.67, "beat"),
    ("IBM", "176억", 17.6e9, "beat", 3.92, "beat"),
    ("GLW", "39억", 3.9e9, "beat", 0.57, "beat"),
]


def test_calls_table_has_the_six_companies_in_report_order():
    assert calls_table("en").frame["ticker"].tolist() == [c[0] for c in CALLS]


@pytest.mark.parametrize("ticker, printed, usd, rev_mark, eps, eps_mark", CALLS)
def test_calls_figures_as_published(ticker, printed, usd, rev_mark, eps, eps_mark):
    row = calls_table("en").frame.set_index("ticker").loc[ticker]
    assert row["revenue_printed"] == printed
    assert row["revenue_usd"] == pytest.approx(usd)
    assert (row["revenue_vs_consensus"], row["eps_vs_consensus"]) == (rev_mark, eps_mark)
    assert row["eps_usd"] == pytest.approx(eps)


def test_calls_korean_marks_are_the_reports():
    ko = calls_table("ko").frame.set_index("ticker")
    assert (ko.loc["MSFT", "revenue_vs_consensus"], ko.loc["META", "eps_vs_consensus"]) == ("하회", "상회")
    assert ko.loc["META", "group"] == "AI 인프라" and ko.loc["IBM", "group"] == "AI SW"


def test_calls_suspicious_figures_are_flagged_not_fixed():
    df = calls_table("ko").frame.set_index("ticker")
    assert "SUSPECT" in df.loc["IBM", "flags"]
    assert "790억 달러" in df.loc["IBM", "key_comments"]  # kept as printed
    assert "79억" in df.loc["IBM", "note"]
    assert "SUSPECT" in df.loc["MSFT", "flags"] and "728.6억" in df.loc["MSFT", "note"]


def test_calls_deepseek_comments_and_gaps():
    en = calls_table("en").frame.set_index("ticker")
    assert "compute" in en.loc["META", "deepseek_comment"]
    assert en.loc["TSLA", "deepseek_comment"] == "(none in the report)"
    assert en.loc["TSLA", "guidance"] == "-"
    assert en["source"].str.len().gt(0).all()


# --- table 4 -------------------------------------------------------------------------------


def test_calendar_has_17_company_days_in_february_2025():
    df = report_calendar_table().frame
    assert len(df) == 17
    assert df["date"].between("2025-02-01", "2025-02-28").all()
    assert df.groupby(df["date"].dt.day)["ticker"].apply(list).to_dict() == {
        3: ["PLTR"], 4: ["GOOGL", "AMD", "PYPL"], 6: ["AMZN"], 12: ["CSCO", "VRT"], 13: ["AMAT"],
        18: ["ANET"], 24: ["OKE", "BWXT"], 25: ["CEG"], 26: ["NVDA", "CRM", "VST", "NRG"],
        27: ["PWR"],
    }


def test_calendar_weekdays_match_the_dates():
    df = report_calendar_table().frame
    assert (df["date"].dt.strftime("%a").str.upper() == df["weekday"]).all()


@pytest.mark.parametrize(
    "printed, ticker, flag, company",
    [
        ("Applied Materials (AMT)", "AMAT", "TICKER", "Applied Materials"),
        ("Vistra Group (VST)", "VST", "NAME", "Vistra Corp."),
        ("ONE OK (OKE)", "OKE", "NAME", "ONEOK"),
        ("Quanta Services(PWR)", "PWR", "SPACING", "Quanta Services"),
        ("Nvidia (NVDA)", "NVDA", "", "NVIDIA"),
    ],
)
def test_calendar_discrepancies_are_resolved_and_flagged(printed, ticker, flag, company):
    row = report_calendar_table().frame.set_index("company_printed").loc[printed]
    assert (row["ticker"], row["flag"], row["company"]) == (ticker, flag, company)
    if flag:
        assert row["note"]


def test_calendar_amat_keeps_the_printed_ticker():
    row = report_calendar_table().frame.set_index("ticker").loc["AMAT"]
    assert row["ticker_printed"] == "AMT" and "American Tower" in row["note"]


def test_calendar_marks_ai_infrastructure_names():
    df = report_calendar_table().frame.set_index("ticker")
    assert df.loc[["NVDA", "AMAT", "ANET", "VRT", "CEG", "VST", "PWR"], "ai_infrastructure"].all()
    assert not df.loc[["PLTR", "PYPL", "CRM"], "ai_infrastructure"].any()
    assert df["source"].str.len().gt(0).all()


def test_calendar_agrees_with_the_shared_earnings_file():
    path = SHARED_DATA / "earnings_feb2025.csv"
    if not path.exists():
        pytest.skip(f"recorded data {path} is not beside the project")
    with path.open(encoding="utf-8") as handle:
        shared = sorted((r["report_date"], r["ticker"]) for r in csv.DictReader(handle))
    df = report_calendar_table().frame
    ours = sorted(zip(df["date"].dt.strftime("%Y-%m-%d"), df["ticker"]))
    assert ours == shared


def test_calendar_dates_are_tz_naive_datetimes():
    df = report_calendar_table().frame
    assert pd.api.types.is_datetime64_dtype(df["date"]) and df["date"].dt.tz is None
    assert df.loc[0, "date"] == pd.Timestamp(dt.date(2025, 2, 3))
