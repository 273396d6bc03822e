"""Calculators: the report's headline ratios, Epoch AI's split, and bad inputs."""

from __future__ import annotations

import math

import pytest

from shockbook.content import calculators as calc
from shockbook.content.metrics import Metric
from shockbook.errors import InputError, UnknownNameError
from shockbook.tables.content import api_cost_table, compute_split_table, training_cost_table


def price_row(model, metric, value, valid_from=""):
    return Metric(model, "", metric, value, "", "USD per 1M tokens", "test", "2025-01",
                  valid_from, (), "", "test")


# Small named price books with known answers.
TWO_MODELS = [
    price_row("Cheap", "input_price", 1.0), price_row("Cheap", "output_price", 2.0),
    price_row("Cheap", "input_price_cache_hit", 0.25),
    price_row("Dear", "input_price", 10.0), price_row("Dear", "output_price", 40.0),
]
PRICE_CHANGE = [
    price_row("Mini", "input_price", 3.0), price_row("Mini", "output_price", 12.0),
    price_row("Mini", "input_price", 1.1, "2025-01-31"),
    price_row("Mini", "output_price", 4.4, "2025-01-31"),
]

# --- API cost --------------------------------------------------------------------------------


def test_r1_vs_o1_is_about_27x_on_the_blended_price():
    assert calc.blended_price_ratio("DeepSeek R1", "OpenAI o1") == pytest.approx(26.25 / 0.96)
    assert calc.blended_price_ratio("DeepSeek R1", "OpenAI o1") == pytest.approx(27.34, abs=0.01)


def test_a_three_to_one_workload_reproduces_the_blended_ratio():
    assert calc.api_cost_ratio("DeepSeek R1", "OpenAI o1", 3_000_000, 1_000_000) == pytest.approx(27.34375)


def test_output_only_ratio_is_60_over_2_19():
    assert calc.api_cost_ratio("r1", "o1", 0, 1_000_000) == pytest.approx(60 / 2.19)


@pytest.mark.parametrize(
    "input_tokens, output_tokens, hit, expected_usd",
    [
        (1_000_000, 0, 0.0, 1.0),
        (0, 1_000_000, 0.0, 2.0),
        (1_000_000, 1_000_000, 0.0, 3.0),
        (1_000_000, 0, 1.0, 0.25),
        (1_000_000, 0, 0.5, 0.625),
        (0, 0, 0.3, 0.0),
        (500, 250, 0.0, 0.001),
    ],
)
def test_workload_cost_known_answers(input_tokens, output_tokens, hit, expected_usd):
    cost = calc.api_cost("Cheap", input_tokens, output_tokens, hit, metrics=TWO_MODELS)
    assert cost == pytest.approx(expected_usd)


def test_cache_hits_without_a_cache_price_are_charged_in_full_and_said_so():
    price = calc.api_price("Dear", TWO_MODELS)
    cost = calc.workload_cost(price, 1_000_000, 0, cache_hit_share=0.5)
    assert cost.total_usd == pytest.approx(10.0) and cost.cache_hit_priced is False
    assert calc.workload_cost(price, 1_000_000, 0, 0.0).cache_hit_priced is True


@pytest.mark.parametrize(
    "as_of, expected_input",
    [(None, 1.1), ("2025-01-30", 3.0), ("2025-01-31", 1.1), ("2025-02", 1.1)],
)
def test_price_in_force_on_a_date(as_of, expected_input):
    assert calc.api_price("Mini", PRICE_CHANGE, as_of=as_of).input == expected_input


def test_a_price_dated_after_as_of_is_not_used():
    assert "Gemini 2.0 Flash" not in calc.api_prices(as_of="2025-01-27")
    assert "Gemini 2.0 Flash" in calc.api_prices()


def test_model_names_are_matched_loosely():
    for name in ("DeepSeek R1", "deepseek-r1", "R1", "DEEPSEEK_R1"):
        assert calc.api_price(name).model == "DeepSeek R1"


def test_api_cost_table_ranks_and_compares_with_the_reference():
    result = api_cost_table(3_000_000, 1_000_000)
    df = result.frame
    assert result.labels["reference"] == "OpenAI o1"
    r1 = df.set_index("model").loc["DeepSeek R1"]
    assert r1["reference_cost_multiple"] == pytest.approx(27.34375)
    assert r1["cost_ratio_to_reference"] == pytest.approx(0.96 / 26.25)
    priced = df[df["cost_usd"].notna()]
    assert priced["cost_usd"].is_monotonic_increasing
    assert df.iloc[-1]["model"] == "Llama 3.3 70B" and math.isnan(df.iloc[-1]["cost_usd"])


def test_api_cost_table_with_zero_tokens_has_no_ratios():
    df = api_cost_table(0, 0).frame
    assert (df["cost_usd"].dropna() == 0).all() and df["reference_cost_multiple"].isna().all()


# --- training cost ---------------------------------------------------------------------------


def test_v3_vs_gpt4_training_cost_under_each_published_estimate():
    ratios = {r.reference_source: r for r in calc.training_cost_ratios("DeepSeek V3", "GPT-4")}
    index = ratios["Stanford AI Index Report 2024"]
    assert index.ratio == pytest.approx(5.576 / 78.4) and index.one_in == pytest.approx(14.06, abs=0.01)
    assert index.bound == ""
    altman = ratios["Sam Altman, reported by Wired"]
    assert altman.one_in == pytest.approx(17.93, abs=0.01) and altman.bound == "at most"
    assert "CALC" in index.flags and "DISP" in index.flags


def test_training_cost_table_has_one_row_per_estimate():
    assert training_cost_table().frame["one_in"].round(1).tolist() == [14.1, 17.9]


def test_a_reference_with_only_a_qualitative_estimate_is_refused():
    with pytest.raises(InputError, match="Claude 3.5 Sonnet has no numeric training-cost"):
        calc.training_cost_ratios("DeepSeek V3", "Claude 3.5 Sonnet")


# --- compute split ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "k, share",
    [(1, 0.5), (2, 2 / 3), (0.5, 1 / 3), (1.5, 0.6), (1e-9, 1e-9), (1e9, 1.0)],
)
def test_training_share_is_k_over_one_plus_k(k, share):
    assert calc.training_share(k) == pytest.approx(share, rel=1e-6)


def test_the_share_minimises_total_compute_on_the_iso_performance_line():
    # log10 I = c - k log10 T; scan T and confirm the minimum of T + I sits at T = k I.
    k, c = 2.0, 3.0
    grid = [10 ** (x / 1000) for x in range(0, 3000)]
    best = min(grid, key=lambda t: t + 10 ** (c - k * math.log10(t)))
    best_i = 10 ** (c - k * math.log10(best))
    assert best / (best + best_i) == pytest.approx(calc.training_share(k), abs=1e-3)


@pytest.mark.parametrize(
    "technique, k, share",
    [("Monte Carlo tree search", 1.0, 0.5), ("Repeated sampling, cheap verification", 2.0, 2 / 3),
     ("overtraining (varying scaling policy)", 0.7 / 1.2, 0.7 / 1.9)],
)
def test_technique_k_comes_from_its_spans(technique, k, share):
    split = calc.compute_split(technique)
    assert split.k == pytest.approx(k) and split.training_share == pytest.approx(share)
    assert split.training_share + split.inference_share == pytest.approx(1)


def test_a_baseline_within_the_span_reaches_the_optimum():
    split = calc.compute_split("Monte Carlo tree search", baseline_training_share=0.01)
    assert split.training_share == pytest.approx(0.5) and not split.clipped
    assert split.shift_oom == pytest.approx(math.log10(99) / 2)


def test_a_baseline_beyond_the_span_is_clipped_to_it():
    # I0/T0 = 9999 would need a 2-OOM move; MCTS allows 1.6.
    split = calc.compute_split("Monte Carlo tree search", baseline_training_share=1e-4)
    assert split.clipped and split.shift_oom == pytest.approx(1.6)
    t, i = 1e-4 * 10**1.6, (1 - 1e-4) * 10**-1.6
    assert split.training_share == pytest.approx(t / (t + i))


def test_compute_split_table_lists_every_technique():
    df = compute_split_table().frame
    assert len(df) == 5 and df.set_index("technique").loc["Pruning", "training_share"] == pytest.approx(0.5)


# --- bad inputs ------------------------------------------------------------------------------

BAD_CALLS = [
    # (what, call, error type, words in the message)
    ("negative input tokens", lambda: calc.api_cost("DeepSeek R1", -1, 10), InputError, "input_tokens"),
    ("negative output tokens", lambda: api_cost_table(10, -5), InputError, "output_tokens"),
    ("NaN tokens", lambda: calc.api_cost("DeepSeek R1", math.nan, 10), InputError, "finite"),
    ("text tokens", lambda: calc.api_cost("DeepSeek R1", "1000", 10), InputError, "number"),
    ("cache share above 1", lambda: calc.api_cost("DeepSeek R1", 1, 1, 1.5), InputError, "between 0 and 1"),
    ("unknown model", lambda: calc.api_cost("GPT-5", 1, 1), UnknownNameError, "'GPT-5'"),
    ("unknown reference", lambda: api_cost_table(1, 1, reference="Grok"), UnknownNameError, "'Grok'"),
    ("range-priced model", lambda: calc.api_price("Llama 3.3 70B"), UnknownNameError, "priced model"),
    ("unknown technique", lambda: calc.compute_split("magic"), UnknownNameError, "'magic'"),
    ("k zero", lambda: calc.training_share(0), InputError, "k must be > 0"),
    ("k negative", lambda: calc.compute_split(k=-1), InputError, "k"),
    ("neither technique nor k", lambda: calc.compute_split(), InputError, "technique or k"),
    ("baseline share 1", lambda: calc.compute_split(k=1, baseline_training_share=1), InputError,
     "strictly between 0 and 1"),
    ("bad as_of", lambda: calc.api_prices(as_of="yesterday"), InputError, "YYYY-MM-DD"),
    ("zero-cost ratio", lambda: calc.api_cost_ratio("R1", "o1", 0, 0), InputError, "costs nothing"),
    ("unknown training model", lambda: calc.training_cost_ratios("GPT-5"), UnknownNameError, "valid:"),
]


@pytest.mark.parametrize("what, call, error, words", BAD_CALLS, ids=[b[0] for b in BAD_CALLS])
def test_bad_inputs_raise_errors_that_name_the_value(what, call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in info.value.message
    assert info.value.cell_text().startswith("#SB! ")


def test_unknown_model_error_lists_the_valid_names():
    with pytest.raises(UnknownNameError) as info:
        calc.api_cost("GPT-5", 1, 1)
    assert "DeepSeek R1" in info.value.valid and "OpenAI o1" in info.value.valid
    assert info.value.name == "GPT-5"
