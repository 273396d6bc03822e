"""Model metrics (figures 1-4, 14-16): sourced, flagged, never invented."""

from __future__ import annotations

import math
import textwrap

import pytest

from shockbook.content import load_metrics
from shockbook.content.metrics import FLAGS, METRICS_ENV
from shockbook.errors import ContentError, UnknownNameError
from shockbook.tables.content import model_metrics_table

HEADER = "model,variant,metric,value,qualifier,unit,source,source_date,valid_from,flags,note\n"


def value(df, model, metric, variant="", source_contains=""):
    rows = df[(df["model"] == model) & (df["metric"] == metric) & (df["variant"] == variant)
              & df["source"].str.contains(source_contains, regex=False)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.fixture(scope="module")
def metrics():
    return model_metrics_table().frame


def test_every_row_has_a_source_a_date_a_unit_and_known_flags(metrics):
    assert metrics[["source", "source_date", "unit"]].ne("").all().all()
    for flags in metrics["flags"]:
        assert set(flags.split()) <= set(FLAGS)


@pytest.mark.parametrize(
    "model, metric, variant, expected, flags",
    [
        ("OpenAI o1", "aa_quality_index", "", 90, "WEAK"),
        ("DeepSeek R1", "aa_quality_index", "", 89, "WEAK"),
        ("DeepSeek R1", "input_price", "", 0.55, ""),
        ("DeepSeek R1", "input_price_cache_hit", "", 0.14, ""),
        ("DeepSeek R1", "output_price", "", 2.19, ""),
        ("OpenAI o1", "output_price", "", 60.0, ""),
        ("DeepSeek R1", "mmlu_pass1", "", 90.8, ""),
        ("OpenAI o1", "codeforces_rating", "o1-1217", 2061, ""),
        ("DeepSeek V3", "training_gpu_hours", "", 2.788e6, ""),
        ("DeepSeek V3", "training_cost_usd", "", 5.576e6, "DISP"),
        ("Gemini Ultra", "training_cost_usd", "", 191.4e6, "EST"),
        ("OpenAI o1", "output_speed", "", 71.6, "DATE WEAK"),
        ("Monte Carlo tree search", "tradeoff_inference_span", "", 1.6, ""),
    ],
)
def test_key_values(metrics, model, metric, variant, expected, flags):
    row = value(metrics, model, metric, variant)
    assert row["value"] == pytest.approx(expected)
    assert row["flags"] == flags


@pytest.mark.parametrize(
    "model, valid_from, blended",
    [("DeepSeek R1", "2025-01-21", 0.96), ("OpenAI o1", "2024-12", 26.25), ("GPT-4o", "", 4.375),
     ("OpenAI o1-mini", "", 5.25), ("OpenAI o1-mini", "2025-01-31", 1.925),
     ("DeepSeek V3", "", 0.175), ("DeepSeek V3", "2025-02-08", 0.4775)],
)
def test_blended_price_is_computed_three_to_one_and_flagged_calc(metrics, model, valid_from, blended):
    rows = metrics[(metrics["model"] == model) & (metrics["metric"] == "blended_price_3to1")
                   & (metrics["valid_from"] == valid_from)]
    assert len(rows) == 1
    assert rows.iloc[0]["value"] == pytest.approx(blended)
    assert "CALC" in rows.iloc[0]["flags"].split() and rows.iloc[0]["origin"] == "computed"


def test_speed_and_latency_are_not_published_for_the_report_models(metrics):
    for model in ("DeepSeek R1", "DeepSeek V3", "GPT-4o", "Claude 3.5 Sonnet", "Gemini 2.0 Flash"):
        for metric in ("output_speed", "latency_first_token"):
            row = value(metrics, model, metric)
            assert math.isnan(row["value"]) and row["qualifier"] == "not published"


def test_the_only_speed_values_are_dated_april_2025_and_flagged(metrics):
    speed = metrics[metrics["metric"].isin(["output_speed", "latency_first_token"])
                    & metrics["value"].notna()]
    assert len(speed) == 6
    assert (speed["source_date"] == "2025-04").all()
    assert speed["flags"].str.contains("DATE").all() and speed["flags"].str.contains("WEAK").all()


def test_v3_gpu_hours_add_up_and_price_at_two_dollars(metrics):
    parts = sum(value(metrics, "DeepSeek V3", f"training_gpu_hours_{p}")["value"]
                for p in ("pretraining", "context_extension", "post_training"))
    total = value(metrics, "DeepSeek V3", "training_gpu_hours")["value"]
    assert parts == pytest.approx(total)
    assert value(metrics, "DeepSeek V3", "training_cost_usd")["value"] == pytest.approx(2 * total)


def test_gpt4_has_two_published_estimates_one_a_lower_bound(metrics):
    rows = metrics[(metrics["model"] == "GPT-4") & (metrics["metric"] == "training_cost_usd")]
    assert sorted(zip(rows["value"], rows["qualifier"])) == [(78.4e6, ""), (100e6, "at least")]


def test_v3_codeforces_percentile_dispute_is_recorded(metrics):
    rows = metrics[(metrics["model"] == "DeepSeek V3") & (metrics["metric"] == "codeforces_percentile")]
    assert sorted(rows["value"]) == [51.6, 58.7] and rows["flags"].eq("DISP").all()


@pytest.mark.parametrize(
    "kwargs, kind",
    [(dict(metric="quality"), "metric"), (dict(model="GPT-5"), "model")],
)
def test_unknown_metric_or_model_names_the_valid_ones(kwargs, kind):
    with pytest.raises(UnknownNameError) as info:
        model_metrics_table(**kwargs)
    assert info.value.kind == kind and "valid:" in info.value.message
    assert "aa_quality_index" in info.value.valid or "DeepSeek R1" in info.value.valid


def test_filters_accept_loose_model_names():
    df = model_metrics_table(metric="AA_QUALITY_INDEX", model="deepseek-r1").frame
    assert df["value"].tolist() == [89]


# --- user metrics ----------------------------------------------------------------------------


def write(tmp_path, body):
    path = tmp_path / "my_metrics.csv"
    path.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return path


def test_user_rows_come_after_and_their_blend_is_computed(tmp_path, monkeypatch):
    path = write(tmp_path, """\
        My model,,input_price,1.00,,USD per 1M tokens,my desk,2025-02,,,
        My model,,output_price,5.00,,USD per 1M tokens,my desk,2025-02,,,
        DeepSeek R1,,output_speed,25,,tokens per second,my own test,2025-02-01,,,
        """)
    monkeypatch.setenv(METRICS_ENV, str(path))
    loaded = load_metrics()
    assert loaded.errors == ()
    assert [r.metric for r in loaded.rows[-4:]] == [
        "input_price", "output_price", "output_speed", "blended_price_3to1"]
    assert loaded.rows[-1].value == pytest.approx(2.0)


@pytest.mark.parametrize(
    "cells, field, words",
    [
        ("X,,output_speed,fast,,t/s,me,2025-02,,,", "value", "not a number"),
        ("X,,output_speed,,,t/s,me,2025-02,,,", "value", "'not published'"),
        ("X,,output_speed,3,,t/s,me,Feb 2025,,,", "source_date", "YYYY-MM-DD"),
        ("X,,output_speed,3,,t/s,me,2025-02,,GUESS,", "flags", "'GUESS'"),
        ("X,,input_price,-1,,USD per 1M tokens,me,2025-02,,,", "value", "negative"),
        ("X,,output_speed,3,,t/s,,2025-02,,,", "source", "missing"),
    ],
)
def test_malformed_user_metric_rows(tmp_path, cells, field, words):
    path = write(tmp_path, cells + "\nY,,output_speed,4,,t/s,me,2025-02,,,\n")
    loaded = load_metrics(path)
    assert loaded.rows[-1].model == "Y"
    (error,) = loaded.errors
    assert (error.field, error.row, error.line) == (field, 1, 2)
    assert words in error.message
    with pytest.raises(ContentError):
        load_metrics(path, strict=True)
