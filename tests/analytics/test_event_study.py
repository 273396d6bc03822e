"""Market-model event study on synthetic series with known answers."""

import math

import numpy as np
import pandas as pd
import pytest
from shockbook.analytics import (
    abnormal_returns,
    bmp_test,
    event_study,
    kolari_pynnonen_adjustment,
    market_model,
    mean_pairwise_correlation,
    naive_market_model_loop,
    normal_two_sided_p,
    window_label,
)
from shockbook.errors import DateRangeError, InputError, NotASessionError
from said import english

N_SESSIONS = 300
EVENT_ROW = 260          # leaves days -250..-11 and 0..+20 inside the data
EST = (-250, -11)


def synthetic_market(noise: float = 0.004, seed: int = 1997, shock: float = 0.0) -> tuple[pd.DataFrame, str]:
    """Prices whose returns follow R_i = alpha_i + beta_i * R_m + eps (known alpha, beta).

    ``shock`` is added to every stock's return on the event session (an abnormal return).
    """
    rng = np.random.default_rng(seed)
    index = pd.bdate_range("2024-01-02", periods=N_SESSIONS, name="date")
    rm = rng.normal(0.0005, 0.01, N_SESSIONS)
    rm[0] = 0.0
    truth = {"LOW": (0.0002, 0.5), "ONE": (0.0, 1.0), "HIGH": (-0.0003, 2.0)}
    columns = {"MKT": 100 * np.cumprod(1 + rm)}
    for ticker, (alpha, beta) in truth.items():
        r = alpha + beta * rm + rng.normal(0.0, noise, N_SESSIONS)
        r[EVENT_ROW] += shock
        r[0] = 0.0
        columns[ticker] = 50 * np.cumprod(1 + r)
    return pd.DataFrame(columns, index=index), truth


@pytest.fixture(scope="module")
def market():
    return synthetic_market()


def event_date(prices):
    return prices.index[EVENT_ROW]


def test_noiseless_series_give_exact_alpha_beta():
    prices, truth = synthetic_market(noise=0.0)
    params = market_model(prices, "MKT", event_date(prices)).params
    for ticker, (alpha, beta) in truth.items():
        assert params.loc[ticker, "alpha"] == pytest.approx(alpha, abs=1e-12)
        assert params.loc[ticker, "beta"] == pytest.approx(beta, abs=1e-12)
        assert params.loc[ticker, "sigma"] == pytest.approx(0.0, abs=1e-12)
        assert params.loc[ticker, "n_obs"] == 240


def test_noisy_series_recover_alpha_beta_within_sampling_error(market):
    prices, truth = market
    params = market_model(prices, "MKT", event_date(prices)).params
    for ticker, (alpha, beta) in truth.items():
        # standard errors at L=240, sigma 0.004, sd(Rm) 0.01: beta ~0.017, alpha ~0.00026
        assert params.loc[ticker, "beta"] == pytest.approx(beta, abs=0.08)
        assert params.loc[ticker, "alpha"] == pytest.approx(alpha, abs=0.0013)
        assert params.loc[ticker, "sigma"] == pytest.approx(0.004, rel=0.15)
    assert "MKT" not in params.index


def test_alpha_beta_match_lstsq_to_1e10(market):
    prices, _ = market
    prices = prices.copy()
    prices.iloc[100:110, 1] = np.nan   # a gap inside the estimation window
    fast = market_model(prices, "MKT", event_date(prices)).params
    rm = prices["MKT"].pct_change(fill_method=None).to_numpy()
    for ticker in ["LOW", "ONE", "HIGH"]:
        r = prices[ticker].pct_change(fill_method=None).to_numpy()
        rows = slice(EVENT_ROW - 250, EVENT_ROW - 10)
        keep = np.isfinite(r[rows]) & np.isfinite(rm[rows])
        design = np.column_stack([np.ones(keep.sum()), rm[rows][keep]])
        coef = np.linalg.lstsq(design, r[rows][keep], rcond=None)[0]
        assert abs(fast.loc[ticker, "alpha"] - coef[0]) < 1e-10
        assert abs(fast.loc[ticker, "beta"] - coef[1]) < 1e-10
    assert fast.loc["LOW", "n_obs"] == 229  # 11 returns lost to the 10-session gap


def test_injected_abnormal_return_shows_in_car():
    prices, _ = synthetic_market(noise=0.0, shock=0.05)
    study = event_study(prices, "MKT", event_date(prices))
    assert study.car["CAR[0,0]"].to_numpy() == pytest.approx([0.05] * 3, abs=1e-12)
    assert study.car["CAR[0,+5]"].to_numpy() == pytest.approx([0.05] * 3, abs=1e-12)
    assert study.abnormal.loc[-1].to_numpy() == pytest.approx([0.0] * 3, abs=1e-12)


def test_t_statistics_match_the_matrix_form_of_the_variance(market):
    prices, _ = market
    prices = prices.copy()
    prices.iloc[:80, 3] = np.nan        # HIGH listed late: L = 170 < 240
    study = event_study(prices, "MKT", event_date(prices), car_windows=[(0, 0), (-1, 1), (0, 20), (-5, 10)])
    naive = naive_market_model_loop(prices, "MKT", event_date(prices),
                                    car_windows=[(0, 0), (-1, 1), (0, 20), (-5, 10)])
    table = study.table()
    for column in naive.columns:
        np.testing.assert_allclose(table[column].to_numpy(dtype=float), naive[column].to_numpy(dtype=float),
                                   rtol=1e-9, atol=1e-12, err_msg=column)


def test_t_statistic_by_hand_for_a_one_day_window(market):
    prices, _ = market
    study = event_study(prices, "MKT", event_date(prices), car_windows=[(0, 0)])
    p = study.model.params.loc["ONE"]
    rm0 = prices["MKT"].iloc[EVENT_ROW] / prices["MKT"].iloc[EVENT_ROW - 1] - 1
    var = p["sigma"] ** 2 * (1 + 1 / p["n_obs"] + (rm0 - p["market_mean"]) ** 2 / p["market_sxx"])
    assert study.car.loc["ONE", "t[0,0]"] == pytest.approx(study.car.loc["ONE", "CAR[0,0]"] / math.sqrt(var))


def test_dates_follow_relative_days(market):
    prices, _ = market
    study = event_study(prices, "MKT", event_date(prices))
    assert study.dates.loc[0] == prices.index[EVENT_ROW]
    assert study.dates.loc[-1] == prices.index[EVENT_ROW - 1]
    assert list(study.abnormal.index) == list(range(-1, 21))


def test_listed_late_with_too_few_obs_is_nan_with_note(market):
    prices, _ = market
    prices = prices.copy()
    prices.iloc[:200, 1] = np.nan            # LOW: first price row 200 -> 49 estimation returns
    study = event_study(prices, "MKT", event_date(prices))
    row = study.table().loc["LOW"]
    assert math.isnan(row["beta"]) and math.isnan(row["CAR[0,0]"])
    assert row["n_obs"] == 49
    assert "listed" in english(row["note"]) and "too few estimation returns (49 < min_obs 120)" in english(row["note"])
    assert not math.isnan(study.table().loc["ONE", "CAR[0,0]"])   # the rest still fills


def test_listed_late_but_enough_obs_is_fitted_with_note(market):
    prices, _ = market
    prices = prices.copy()
    prices.iloc[:60, 1] = np.nan
    params = market_model(prices, "MKT", event_date(prices)).params
    assert params.loc["LOW", "n_obs"] == 189 and np.isfinite(params.loc["LOW", "beta"])
    assert "189 of 240 estimation returns" in english(params.loc["LOW", "note"])
    assert params.loc["LOW", "est_start"] == prices.index[61]


def test_ticker_listed_after_event_is_noted(market):
    prices, _ = market
    prices = prices.copy()
    prices.iloc[:EVENT_ROW + 2, 1] = np.nan
    row = event_study(prices, "MKT", event_date(prices)).table().loc["LOW"]
    assert english(row["note"]).startswith("no data before the event")


def test_missing_return_inside_car_window_is_not_skipped(market):
    prices, _ = market
    prices = prices.copy()
    prices.iloc[EVENT_ROW + 3, 1] = np.nan   # kills returns at +3 and +4
    car = event_study(prices, "MKT", event_date(prices)).car.loc["LOW"]
    assert np.isfinite(car["CAR[-1,+1]"]) and math.isnan(car["CAR[0,+5]"])
    assert "CAR[0,+5]: 2 missing returns" in english(car["note"])


def test_window_beyond_the_data_is_noted(market):
    prices, _ = market
    event = prices.index[-3]
    car = event_study(prices, "MKT", event, car_windows=[(0, 0), (0, 5)]).car
    assert car["CAR[0,+5]"].isna().all() and car["CAR[0,0]"].notna().all()
    assert english(car.loc["ONE", "note"]) == f"CAR[0,+5] reaches beyond the data (ends {prices.index[-1].date()})"


def test_estimation_window_before_the_data_is_noted(market):
    prices, _ = market
    params = market_model(prices, "MKT", prices.index[200]).params
    assert params.loc["ONE", "n_obs"] == 189   # returns on rows 1..189 (days -199..-11)
    assert english(params.loc["ONE", "note"]).startswith("estimation window [-250,-11] starts before the data")


def test_car_window_overlapping_estimation_is_noted(market):
    prices, _ = market
    car = event_study(prices, "MKT", event_date(prices), car_windows=[(-20, 0)]).car
    assert "CAR[-20,0] overlaps the estimation window [-250,-11]" in english(car.loc["ONE", "note"])


def test_flat_line_has_no_residual_variance(market):
    prices, _ = market
    prices = prices.assign(FLAT=50.0)
    row = event_study(prices, "MKT", event_date(prices)).table().loc["FLAT"]
    assert row["beta"] == 0.0 and row["alpha"] == 0.0 and row["CAR[0,0]"] == 0.0
    assert math.isnan(row["t[0,0]"]) and "zero residual variance" in english(row["note"])


def test_benchmark_given_as_series(market):
    prices, _ = market
    a = market_model(prices, "MKT", event_date(prices)).params
    b = market_model(prices.drop(columns="MKT"), prices["MKT"], event_date(prices)).params
    pd.testing.assert_frame_equal(a, b)


def test_abnormal_returns_function_matches_study(market):
    prices, _ = market
    model = market_model(prices, "MKT", event_date(prices))
    ar = abnormal_returns(prices, "MKT", event_date(prices), model, window=(-1, 1))
    study = event_study(prices, "MKT", event_date(prices), car_windows=[(-1, 1)])
    pd.testing.assert_frame_equal(ar, study.abnormal)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"car_windows": [(1, -1)]}, DateRangeError, "reversed"),
    ({"estimation_window": (-11, -250)}, DateRangeError, "reversed"),
    ({"estimation_window": (-250, 0)}, DateRangeError, "must end before the event"),
    ({"estimation_window": (-50, -11)}, InputError, "fewer than min_obs=120"),
    ({"min_obs": 2}, InputError, "min_obs"),
    ({"car_windows": []}, InputError, "at least one"),
    ({"car_windows": [(0, 1.5)]}, InputError, "whole"),
    ({"tickers": ["ONE", "XYZ"]}, InputError, "XYZ"),
    ({"event": "2024-01-06"}, NotASessionError, "not a session"),
    ({"event": "2030-01-01"}, DateRangeError, "outside the data"),
    ({"benchmark": "^NOPE"}, InputError, "benchmark"),
])
def test_invalid_arguments_raise(market, kwargs, error, message):
    prices, _ = market
    args = {"benchmark": "MKT", "event": event_date(prices), **kwargs}
    with pytest.raises(error, match=message):
        event_study(prices, **args)


def test_a_bare_window_is_accepted(market):
    prices, _ = market
    assert event_study(prices, "MKT", event_date(prices), car_windows=(0, 1)).windows == ((0, 1),)


@pytest.mark.parametrize("window, label", [((0, 0), "[0,0]"), ((-1, 1), "[-1,+1]"), ((0, 20), "[0,+20]"),
                                           ((-5, -1), "[-5,-1]")])
def test_window_label(window, label):
    assert window_label(window) == label


# --- cross-sectional tests -----------------------------------------------------------------


@pytest.mark.parametrize("scar, n, t", [
    ([1.0, 2.0, 3.0], 3, 2 * math.sqrt(3)),
    ([1.0, -1.0], 2, 0.0),
    ([1.0, 2.0, 3.0, np.nan], 3, 2 * math.sqrt(3)),
])
def test_bmp_known_values(scar, n, t):
    result = bmp_test(scar)
    assert result["n"] == n and result["t_bmp"] == pytest.approx(t)


@pytest.mark.parametrize("scar, note", [
    ([2.0], "at least 2"), ([], "at least 2"), ([1.0, 1.0], "dispersion"),
])
def test_bmp_undefined_cases(scar, note):
    result = bmp_test(scar)
    assert math.isnan(result["t_bmp"]) and note in english(result["note"])


@pytest.mark.parametrize("t, rbar, n, expected", [
    (2.0, 0.0, 10, 2.0),
    (2.0, 0.1, 10, 2.0 * math.sqrt(0.9 / 1.9)),
    (-3.0, 0.05, 500, -3.0 * math.sqrt(0.95 / (1 + 499 * 0.05))),
    (2.0, -0.2, 10, float("nan")),      # 1 + 9 * -0.2 < 0
    (2.0, float("nan"), 10, float("nan")),
    (2.0, 0.1, 1, float("nan")),
])
def test_kolari_pynnonen_adjustment(t, rbar, n, expected):
    result = kolari_pynnonen_adjustment(t, rbar, n)
    if math.isnan(expected):
        assert math.isnan(result)
    else:
        assert result == pytest.approx(expected)


def test_mean_pairwise_correlation_matches_numpy_on_full_overlap():
    rng = np.random.default_rng(3)
    common = rng.normal(size=(200, 1))
    e = 0.5 * common + rng.normal(size=(200, 4))
    e -= e.mean(axis=0)                      # residuals have zero mean
    corr = np.corrcoef(e, rowvar=False)
    expected = corr[np.triu_indices(4, k=1)].mean()
    assert mean_pairwise_correlation(e) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("columns, expected", [
    ([[1.0, -1.0, 2.0, -2.0], [1.0, -1.0, 2.0, -2.0]], 1.0),
    ([[1.0, -1.0, 2.0, -2.0], [-1.0, 1.0, -2.0, 2.0]], -1.0),
])
def test_mean_pairwise_correlation_extremes(columns, expected):
    assert mean_pairwise_correlation(np.array(columns).T, min_pair_obs=2) == pytest.approx(expected)


def test_mean_pairwise_correlation_ignores_short_overlaps():
    e = np.array([[1.0, np.nan], [-1.0, np.nan], [2.0, 1.0], [-2.0, -1.0]])
    assert math.isnan(mean_pairwise_correlation(e, min_pair_obs=3))
    assert math.isnan(mean_pairwise_correlation(np.ones((5, 1))))


def test_group_test_on_a_common_shock(market):
    prices, _ = synthetic_market(shock=-0.05, seed=11)
    study = event_study(prices, "MKT", event_date(prices))
    tests = study.group_test()
    assert list(tests.index) == ["[0,0]", "[-1,+1]", "[0,+5]", "[0,+20]"]
    day0 = tests.loc["[0,0]"]
    assert day0["n"] == 3 and day0["mean_car"] == pytest.approx(-0.05, abs=0.01)
    assert day0["t_bmp"] < -3 and day0["p_bmp"] < 0.01
    assert day0["t_kp"] == pytest.approx(kolari_pynnonen_adjustment(day0["t_bmp"], day0["rbar"], 3))


def test_group_test_subset_and_unknown(market):
    prices, _ = market
    study = event_study(prices, "MKT", event_date(prices))
    assert study.group_test(["ONE", "LOW"])["n"].tolist() == [2, 2, 2, 2]
    with pytest.raises(InputError, match="XYZ"):
        study.group_test(["XYZ"])


@pytest.mark.parametrize("t, p", [(0.0, 1.0), (1.959963984540054, 0.05), (float("nan"), float("nan"))])
def test_normal_two_sided_p(t, p):
    result = normal_two_sided_p(t)
    assert (math.isnan(result) and math.isnan(p)) or result == pytest.approx(p)


def test_event_near_the_start_fills_nan_with_notes(market):
    prices, _ = market
    study = event_study(prices, "MKT", prices.index[5])
    row = study.table().loc["ONE"]
    assert row["n_obs"] == 0 and np.isnan(row["beta"]) and np.isnan(row["CAR[0,0]"])
    assert "0 of 240 sessions available" in english(row["note"])
    assert study.group_test()["n"].tolist() == [0, 0, 0, 0]


def test_empty_universe_gives_empty_tables(market):
    prices, _ = market
    study = event_study(prices, "MKT", event_date(prices), tickers=[])
    assert study.table().empty and "CAR[0,+20]" in study.table().columns
    assert study.group_test()["t_bmp"].isna().all()
