"""Market-model event study, vectorised over a whole universe.

Method (MacKinlay 1997, "Event Studies in Economics and Finance", *Journal of Economic
Literature* 35(1), 13-39; Campbell, Lo & MacKinlay 1997, ch. 4):

1. **Returns.** Simple session returns :math:`R_{i,t} = P_{i,t}/P_{i,t-1} - 1` of every ticker
   and of the benchmark :math:`R_{m,t}` (e.g. ^GSPC), computed from the price frame the caller
   passes (closes or adjusted closes). Days are counted in sessions relative to the event
   (day 0 = event session).
2. **Estimation.** Per ticker, OLS of :math:`R_{i,t} = \\alpha_i + \\beta_i R_{m,t} + \\varepsilon_{i,t}`
   over the estimation window (default days -250..-11), using only sessions where both
   returns exist. With :math:`L_i` observations, :math:`\\mu_{m,i}` the mean benchmark return
   and :math:`S_{xx,i} = \\sum (R_{m,t} - \\mu_{m,i})^2` over them:
   :math:`\\hat\\beta_i = \\sum (R_m - \\mu_m)(R_i - \\mu_i) / S_{xx,i}`,
   :math:`\\hat\\alpha_i = \\mu_i - \\hat\\beta_i \\mu_{m,i}`,
   :math:`\\hat\\sigma_i^2 = \\sum \\hat\\varepsilon^2 / (L_i - 2)`.
3. **Abnormal returns** in the event window:
   :math:`AR_{i,\\tau} = R_{i,\\tau} - \\hat\\alpha_i - \\hat\\beta_i R_{m,\\tau}`,
   and :math:`CAR_i(\\tau_1, \\tau_2) = \\sum_{\\tau=\\tau_1}^{\\tau_2} AR_{i,\\tau}`.
4. **Per-stock t-statistic (standardised CAR).** The variance *includes the prediction error*
   of the estimated parameters (MacKinlay 1997, eq. 7-14:
   :math:`V_i = \\sigma_i^2 (I + X^*(X'X)^{-1}X^{*\\prime})`),
   summed over a window of :math:`W = \\tau_2 - \\tau_1 + 1` sessions:

   .. math::

      \\widehat{\\mathrm{Var}}(CAR_i) = \\hat\\sigma_i^2 \\left[ W + \\frac{W^2}{L_i}
         + \\frac{\\left(\\sum_{\\tau} (R_{m,\\tau} - \\mu_{m,i})\\right)^2}{S_{xx,i}} \\right],
      \\qquad SCAR_i = t_i = CAR_i / \\sqrt{\\widehat{\\mathrm{Var}}(CAR_i)}.

   Without the two correction terms this is the textbook :math:`CAR / (\\hat\\sigma \\sqrt{W})`;
   the correction matters little for :math:`L = 240` but is exact for any :math:`L`.
5. **Cross-sectional tests over a group of N stocks.**

   * **BMP** (Boehmer, Musumeci & Poulsen 1991, "Event-study methodology under conditions of
     event-induced variance", *Journal of Financial Economics* 30(2), 253-272): the
     standardised CARs are averaged and divided by their own cross-sectional dispersion,
     :math:`t_{BMP} = \\overline{SCAR}\\,\\sqrt{N} / s(SCAR)` with :math:`s` the sample standard
     deviation (ddof 1), robust to an event-induced variance increase.
   * **Kolari & Pynnönen** (2010, "Event study testing with cross-sectional correlation of
     abnormal returns", *Review of Financial Studies* 23(11), 3996-4025): all stocks share one
     event date, so residuals are cross-correlated and BMP over-rejects. The adjustment is
     :math:`t_{KP} = t_{BMP} \\sqrt{(1 - \\bar r) / (1 + (N - 1) \\bar r)}`, with
     :math:`\\bar r` the mean pairwise correlation of the estimation-window residuals.

   p-values are two-sided from the standard normal (the tests' asymptotic distribution).

Everything is computed with matrix algebra on the (sessions x tickers) return matrix with a
per-column NaN mask; :func:`naive_market_model_loop` is the per-ticker loop baseline (and an
independent check: it uses :func:`numpy.linalg.lstsq` and the matrix form of the variance).

Per-ticker problems (listed late, too few estimation returns, no data before the event,
missing returns in a CAR window) give NaN plus a ``note``: codes with parameters
(:mod:`shockbook.notes`, e.g. ``listed_late``, ``too_few_returns``, ``car_missing_returns``) that
each adapter says in its reader's language. Only arguments that can never be valid raise
:mod:`shockbook.errors` exceptions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DateRangeError, InputError
from ..notes import note
from .constants import (
    DEFAULT_CAR_WINDOWS,
    DEFAULT_ESTIMATION_WINDOW,
    MIN_ESTIMATION_OBS,
    MIN_PAIR_OBS,
)
from .sessions import DateLike, check_prices, first_valid_positions, last_valid_positions, session_position

Window = tuple[int, int]

FIT_COLUMNS = ("alpha", "beta", "sigma", "r_squared", "n_obs", "market_mean", "market_sxx",
               "est_start", "est_end", "note")


# --- windows -------------------------------------------------------------------------------


def window_label(window: Window) -> str:
    """``(-1, 1)`` -> ``"[-1,+1]"``, ``(0, 0)`` -> ``"[0,0]"``, ``(0, 20)`` -> ``"[0,+20]"``."""
    def one(day: int) -> str:
        return "0" if day == 0 else f"{day:+d}"
    return f"[{one(window[0])},{one(window[1])}]"


def _check_window(window, what: str) -> Window:
    try:
        a, b = window
        a_int, b_int = int(a), int(b)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} must be a pair of whole session offsets like (-1, 1), not "
                         f"{window!r}", argument=what) from exc
    if a_int != a or b_int != b:
        raise InputError(f"{what} must hold whole session offsets, not {window!r}", argument=what)
    if a_int > b_int:
        raise DateRangeError(f"{what} {window_label((a_int, b_int))} is reversed (start after end)",
                             argument=what, start=a_int, end=b_int)
    return a_int, b_int


def _check_windows(windows: Iterable[Window]) -> tuple[Window, ...]:
    bare = isinstance(windows, tuple) and len(windows) == 2
    if bare and all(isinstance(w, (int, np.integer)) for w in windows):
        windows = (windows,)  # a single window given bare
    out = tuple(_check_window(w, "CAR window") for w in windows)
    if not out:
        raise InputError("at least one CAR window is needed", argument="car_windows")
    return tuple(dict.fromkeys(out))


def _check_estimation(estimation_window, min_obs) -> tuple[Window, int]:
    est = _check_window(estimation_window, "estimation window")
    if est[1] >= 0:
        raise DateRangeError(
            f"estimation window {window_label(est)} must end before the event (day 0), so that "
            "the event cannot move the estimates", argument="estimation_window",
            start=est[0], end=est[1])
    if isinstance(min_obs, bool) or not float(min_obs).is_integer() or min_obs < 3:
        raise InputError(f"min_obs must be a whole number >= 3, not {min_obs!r}",
                         argument="min_obs", valid=">= 3")
    min_obs = int(min_obs)
    length = est[1] - est[0] + 1
    if length < min_obs:
        raise InputError(
            f"estimation window {window_label(est)} has {length} sessions, fewer than "
            f"min_obs={min_obs}; widen the window or lower min_obs",
            argument="estimation_window", valid=f">= {min_obs} sessions")
    return est, min_obs


# --- preparation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    index: pd.DatetimeIndex
    tickers: pd.Index
    prices: np.ndarray      # sessions x tickers
    returns: np.ndarray     # sessions x tickers, NaN row 0
    market: np.ndarray      # sessions
    event_pos: int
    benchmark: str


def _prepare(prices: pd.DataFrame, benchmark, event: DateLike,
             tickers: Iterable[str] | None) -> _Prepared:
    prices = check_prices(prices)
    if isinstance(benchmark, pd.Series):
        label = str(benchmark.name) if benchmark.name is not None else "benchmark"
        bench_prices = benchmark.reindex(prices.index).to_numpy(dtype="float64")
        default_cols = prices.columns
    else:
        label = str(benchmark)
        if benchmark not in prices.columns:
            raise InputError(f"benchmark {benchmark!r} is not a column of the price frame",
                             argument="benchmark", ticker=benchmark)
        bench_prices = prices[benchmark].to_numpy(dtype="float64")
        default_cols = prices.columns[prices.columns != benchmark]
    if tickers is None:
        cols = default_cols
    else:
        if isinstance(tickers, str):
            tickers = [tickers]
        wanted = list(dict.fromkeys(tickers))
        unknown = [t for t in wanted if t not in prices.columns]
        if unknown:
            raise InputError(f"tickers not in the price frame: {', '.join(map(str, unknown[:10]))}"
                             + (" ..." if len(unknown) > 10 else ""), argument="tickers",
                             ticker=unknown[0])
        cols = pd.Index(wanted)
    pos = session_position(prices.index, event, "event")
    values = prices[cols].to_numpy(dtype="float64") if len(cols) else np.empty((len(prices), 0))
    return _Prepared(prices.index, pd.Index(cols, name="ticker"), values, _returns(values),
                     _returns(bench_prices[:, None])[:, 0], pos, label)


def _returns(values: np.ndarray) -> np.ndarray:
    out = np.full(values.shape, np.nan)
    if values.shape[0] > 1:
        prev = values[:-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[1:] = np.where(prev > 0, values[1:] / prev - 1.0, np.nan)
    return out


def _clip(prep: _Prepared, window: Window) -> tuple[int, int]:
    """Rows of the return matrix for a relative window, clipped to rows 1..T-1."""
    start = max(prep.event_pos + window[0], 1)
    end = min(prep.event_pos + window[1], len(prep.index) - 1)
    return start, end


# --- OLS -----------------------------------------------------------------------------------


def _ols(y: np.ndarray, x: np.ndarray) -> dict[str, np.ndarray]:
    """Column-wise OLS of y (T x N) on [1, x] (T) using rows where both are finite.

    Two-pass (centred) sums keep the estimates within ~1e-14 of a QR/SVD solver.
    """
    mask = np.isfinite(y) & np.isfinite(x)[:, None]
    n = mask.sum(axis=0).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        xs = np.where(mask, x[:, None], 0.0)
        ys = np.where(mask, y, 0.0)
        mx = xs.sum(axis=0) / n
        my = ys.sum(axis=0) / n
        xc = np.where(mask, x[:, None] - mx, 0.0)
        yc = np.where(mask, y - my, 0.0)
        sxx = (xc * xc).sum(axis=0)
        sxy = (xc * yc).sum(axis=0)
        syy = (yc * yc).sum(axis=0)
        beta = np.where(sxx > 0, sxy / sxx, np.nan)
        alpha = my - beta * mx
        resid = np.where(mask, y - alpha - beta * x[:, None], np.nan)
        sse = np.nansum(resid * resid, axis=0)
        sigma = np.sqrt(np.where(n > 2, sse / (n - 2), np.nan))
        r2 = np.where(syy > 0, 1.0 - sse / syy, np.nan)
    return {"alpha": alpha, "beta": beta, "sigma": sigma, "r_squared": r2, "n_obs": n,
            "market_mean": mx, "market_sxx": sxx, "resid": resid, "mask": mask}


@dataclass(frozen=True)
class MarketModel:
    """Fitted market model for many tickers around one event.

    Attributes
    ----------
    params : pandas.DataFrame
        Index ticker; ``alpha`` (fraction per session), ``beta``, ``sigma`` (residual standard
        deviation per session, dof L-2), ``r_squared``, ``n_obs`` (L, returns used),
        ``market_mean`` and ``market_sxx`` (benchmark mean and centred sum of squares over the
        ticker's observations, for the prediction-error variance), ``est_start``/``est_end``
        (sessions of the first/last return used), ``note``. NaN parameters where the fit is
        not possible; ``note`` says why.
    residuals : pandas.DataFrame
        Estimation-window residuals, sessions x tickers, NaN outside each ticker's sample.
    event, benchmark, estimation_window, min_obs
        The arguments the model was fitted with.
    """

    params: pd.DataFrame
    residuals: pd.DataFrame
    event: pd.Timestamp
    benchmark: str
    estimation_window: Window
    min_obs: int


def _dates_at(dates: pd.DatetimeIndex, pos: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """``dates[pos]`` where ``valid``, NaT elsewhere (keeps the index's datetime unit)."""
    out = np.full(len(pos), np.datetime64("NaT"), dtype=dates.values.dtype)
    hit = np.flatnonzero(valid)
    out[hit] = dates.values[pos[hit]]
    return out


def _fit(prep: _Prepared, est: Window, min_obs: int) -> MarketModel:
    index, e = prep.index, prep.event_pos
    n_cols = len(prep.tickers)
    r0, r1 = _clip(prep, est)
    rows = np.arange(r0, r1 + 1) if r1 >= r0 else np.arange(0)
    y, x = prep.returns[rows], prep.market[rows]
    res = _ols(y, x) if n_cols else None
    available = int(np.isfinite(x).sum())
    length = est[1] - est[0] + 1

    first = first_valid_positions(prep.prices)
    last = last_valid_positions(prep.prices)
    notes: list[list[str]] = [[] for _ in range(n_cols)]
    common = []
    if e + est[0] < 1:
        common.append(note("window_before_data", window=window_label(est), n=max(0, r1 - r0 + 1), length=length))
    missing_bench = (r1 - r0 + 1) - available if r1 >= r0 else 0
    if missing_bench > 0:
        common.append(note("benchmark_gaps", benchmark=prep.benchmark, n=missing_bench))

    params = pd.DataFrame(index=prep.tickers.copy())
    if n_cols == 0:
        for col in FIT_COLUMNS:
            params[col] = pd.Series(dtype=object if col == "note" else "float64")
        return MarketModel(params, pd.DataFrame(index=index[rows], columns=prep.tickers),
                           index[e], prep.benchmark, est, min_obs)

    n_obs = res["n_obs"]
    too_few = n_obs < min_obs
    degenerate = ~too_few & ~np.isfinite(res["beta"])
    bad = too_few | degenerate
    flagged = (first < 0) | (first >= e) | (n_obs < available) | bad
    for j in np.flatnonzero(flagged):  # notes only, for the few tickers that need one
        if first[j] < 0:
            notes[j].append(note("no_data"))
            continue
        if first[j] >= e:
            notes[j].append(note("no_data_before_event", start=index[first[j]].date()))
            continue
        if n_obs[j] < available:
            counts = dict(n=int(n_obs[j]), available=available)
            if first[j] + 1 > r0:
                notes[j].append(note("listed_late", date=index[first[j]].date(), **counts))
            elif last[j] < r1:
                notes[j].append(note("data_ends", date=index[last[j]].date(), **counts))
            else:
                notes[j].append(note("missing_returns", **counts))
        if too_few[j]:
            notes[j].append(note("too_few_returns", n=int(n_obs[j]), min_obs=min_obs))
        elif degenerate[j]:
            notes[j].append(note("no_benchmark_variance"))
    if common:
        notes = [common + n for n in notes]

    for key in ("alpha", "beta", "sigma", "r_squared", "market_mean", "market_sxx"):
        params[key] = np.where(bad, np.nan, res[key])
    params["n_obs"] = n_obs.astype("int64")
    mask = res["mask"]
    has = mask.any(axis=0)
    first_row = np.argmax(mask, axis=0) if len(rows) else np.zeros(n_cols, dtype=int)
    last_row = len(rows) - 1 - np.argmax(mask[::-1], axis=0) if len(rows) else first_row
    est_dates = index[rows]
    params["est_start"] = _dates_at(est_dates, first_row, has)
    params["est_end"] = _dates_at(est_dates, last_row, has)
    params["note"] = ["; ".join(n) for n in notes]
    resid = np.where(bad[None, :], np.nan, res["resid"])
    residuals = pd.DataFrame(resid, index=est_dates.copy(), columns=prep.tickers.copy())
    return MarketModel(params, residuals, index[e], prep.benchmark, est, min_obs)


def market_model(prices: pd.DataFrame, benchmark: str | pd.Series, event: DateLike,
                 estimation_window: Window = DEFAULT_ESTIMATION_WINDOW,
                 min_obs: int = MIN_ESTIMATION_OBS,
                 tickers: Iterable[str] | None = None) -> MarketModel:
    """Fit :math:`R_i = \\alpha_i + \\beta_i R_m + \\varepsilon_i` by OLS for every ticker at once.

    Parameters
    ----------
    prices : pandas.DataFrame
        Wide price frame; returns are computed from it (NaN gaps are never filled).
    benchmark : str or pandas.Series
        Column of ``prices`` holding the benchmark (e.g. ``"^GSPC"``; it is then left out of
        the tickers by default), or a price Series on the same sessions.
    event : date-like
        Event session (day 0); must be in the index.
    estimation_window : (int, int)
        Inclusive session offsets relative to the event, ending before day 0
        (default ``(-250, -11)``). Sessions before the data are simply absent (noted).
    min_obs : int
        Fewest returns for a fit (default 120); fewer gives NaN parameters and a note.
    tickers : iterable of str, optional
        Columns to fit (default: all but the benchmark).

    Returns
    -------
    MarketModel
        ``params`` (one row per ticker; see :class:`MarketModel`) and ``residuals``.

    Raises
    ------
    InputError
        The benchmark or a ticker is not a column, ``min_obs`` < 3, or the window is shorter
        than ``min_obs``.
    DateRangeError
        The estimation window is reversed or does not end before the event; the event is
        outside the data.
    NotASessionError
        The event is not a session.
    """
    est, min_obs = _check_estimation(estimation_window, min_obs)
    return _fit(_prepare(prices, benchmark, event, tickers), est, min_obs)


# --- abnormal returns and CARs ---------------------------------------------------------------


def _abnormal(prep: _Prepared, params: pd.DataFrame, window: Window) -> tuple[pd.DataFrame, np.ndarray]:
    """AR over the window's rows that exist, index = relative day; also the benchmark returns."""
    r0, r1 = _clip(prep, window)
    rows = np.arange(r0, r1 + 1) if r1 >= r0 else np.arange(0)
    alpha = params["alpha"].to_numpy(dtype="float64")
    beta = params["beta"].to_numpy(dtype="float64")
    rm = prep.market[rows]
    ar = prep.returns[rows] - alpha[None, :] - beta[None, :] * rm[:, None]
    frame = pd.DataFrame(ar, index=pd.Index(rows - prep.event_pos, name="day"),
                         columns=prep.tickers.copy())
    return frame, rm


def abnormal_returns(prices: pd.DataFrame, benchmark: str | pd.Series, event: DateLike,
                     model: MarketModel, window: Window = (-20, 20)) -> pd.DataFrame:
    """Market-model abnormal returns.

    .. math:: AR_{i,\\tau} = R_{i,\\tau} - \\hat\\alpha_i - \\hat\\beta_i R_{m,\\tau}

    Parameters
    ----------
    prices, benchmark, event
        As for :func:`market_model` (the same frame the model was fitted on).
    model : MarketModel
        Fitted parameters; tickers are taken from ``model.params``.
    window : (int, int)
        Inclusive session offsets around the event (default -20..+20). Days outside the data
        are left out of the result.

    Returns
    -------
    pandas.DataFrame
        Index ``day`` (relative session, 0 = event), one column per ticker, fractions. NaN
        where the ticker or benchmark return is missing or the model could not be fitted.
    """
    window = _check_window(window, "window")
    prep = _prepare(prices, benchmark, event, list(model.params.index))
    return _abnormal(prep, model.params, window)[0]


@dataclass(frozen=True)
class EventStudy:
    """The result of :func:`event_study`.

    Attributes
    ----------
    model : MarketModel
        Estimation results (``model.params``, ``model.residuals``).
    abnormal : pandas.DataFrame
        Abnormal returns, index ``day`` (relative sessions spanning all CAR windows that exist
        in the data), one column per ticker.
    dates : pandas.Series
        ``day`` -> session date for the rows of ``abnormal``.
    car : pandas.DataFrame
        Index ticker; per window ``CAR[a,b]`` (fraction) and ``t[a,b]`` (standardised CAR with
        the prediction-error variance, see module docstring), then ``note``.
    windows : tuple of (int, int)
        The CAR windows, in order.
    """

    model: MarketModel
    abnormal: pd.DataFrame
    dates: pd.Series
    car: pd.DataFrame
    windows: tuple[Window, ...]

    def table(self) -> pd.DataFrame:
        """One row per ticker: alpha, beta, sigma, r_squared, n_obs, CARs, t-stats, note."""
        p = self.model.params
        out = p[["alpha", "beta", "sigma", "r_squared", "n_obs"]].join(self.car.drop(columns="note"))
        notes = [
            "; ".join(x for x in (a, b) if x)
            for a, b in zip(p["note"], self.car["note"], strict=True)
        ]
        out["note"] = notes
        return out

    def group_test(self, tickers: Iterable[str] | None = None,
                   min_pair_obs: int = MIN_PAIR_OBS) -> pd.DataFrame:
        """BMP and Kolari-Pynnönen tests of mean CAR = 0 over a group, per window.

        Parameters
        ----------
        tickers : iterable of str, optional
            The group (default: every ticker in the study). Tickers without a t-statistic in
            a window (no fit, missing returns) are left out of that window's test.
        min_pair_obs : int
            Fewest common estimation sessions for a pair to count in :math:`\\bar r`.

        Returns
        -------
        pandas.DataFrame
            Index ``window`` (labels like ``"[-1,+1]"``); columns ``n`` (stocks used),
            ``mean_car`` (fraction), ``mean_scar``, ``t_bmp``, ``p_bmp``, ``rbar``, ``t_kp``,
            ``p_kp``, ``note``. Statistics are NaN when fewer than 2 stocks remain, when the
            SCARs have no dispersion, or (KP only) when :math:`1 + (N-1)\\bar r \\le 0`.
        """
        if tickers is None:
            group = list(self.car.index)
        else:
            group = list(dict.fromkeys([tickers] if isinstance(tickers, str) else tickers))
            unknown = [t for t in group if t not in self.car.index]
            if unknown:
                raise InputError(f"tickers not in the event study: {', '.join(map(str, unknown[:10]))}",
                                 argument="tickers", ticker=unknown[0])
        rows = []
        for window in self.windows:  # one row per window; each row is vectorised
            label = window_label(window)
            scar = self.car.loc[group, f"t{label}"]
            used = scar.dropna().index
            stats = bmp_test(scar)
            rbar = mean_pairwise_correlation(self.model.residuals[used], min_pair_obs) \
                if len(used) >= 2 else np.nan
            t_kp = kolari_pynnonen_adjustment(stats["t_bmp"], rbar, stats["n"])
            why = stats["note"]
            if np.isfinite(stats["t_bmp"]) and not np.isfinite(t_kp):
                why = "; ".join(x for x in (why, note("rbar_undefined")) if x)
            rows.append({
                "window": label, "n": stats["n"],
                "mean_car": float(self.car.loc[used, f"CAR{label}"].mean()) if len(used) else np.nan,
                "mean_scar": stats["mean_scar"], "t_bmp": stats["t_bmp"],
                "p_bmp": normal_two_sided_p(stats["t_bmp"]), "rbar": rbar, "t_kp": t_kp,
                "p_kp": normal_two_sided_p(t_kp), "note": why,
            })
        return pd.DataFrame(rows).set_index("window")


def event_study(prices: pd.DataFrame, benchmark: str | pd.Series, event: DateLike,
                estimation_window: Window = DEFAULT_ESTIMATION_WINDOW,
                car_windows: Sequence[Window] = DEFAULT_CAR_WINDOWS,
                min_obs: int = MIN_ESTIMATION_OBS,
                tickers: Iterable[str] | None = None) -> EventStudy:
    """Market-model event study for every ticker at once (MacKinlay 1997).

    Parameters
    ----------
    prices : pandas.DataFrame
        Wide price frame (closes or adjusted closes, the caller's choice).
    benchmark : str or pandas.Series
        Benchmark column (e.g. ``"^GSPC"``) or price Series; see :func:`market_model`.
    event : date-like
        Event session (day 0).
    estimation_window : (int, int)
        Default ``(-250, -11)``; must end before day 0.
    car_windows : sequence of (int, int)
        Default ``((0, 0), (-1, 1), (0, 5), (0, 20))``; each inclusive, start <= end.
    min_obs : int
        Fewest estimation returns for a fit (default 120).
    tickers : iterable of str, optional
        Default: every column but the benchmark.

    Returns
    -------
    EventStudy
        ``model``, ``abnormal``, ``dates``, ``car`` and the :meth:`EventStudy.group_test` /
        :meth:`EventStudy.table` helpers. For each ticker and window, CAR and t are NaN when
        the model could not be fitted, when any AR in the window is missing (a gap is never
        skipped), or when the window reaches beyond the data; ``note`` says which. A CAR
        window overlapping the estimation window is computed but noted (its t-statistic is
        biased towards zero).

    Raises
    ------
    InputError, DateRangeError, NotASessionError
        As for :func:`market_model`; also a reversed or malformed CAR window.
    """
    est, min_obs = _check_estimation(estimation_window, min_obs)
    windows = _check_windows(car_windows)
    prep = _prepare(prices, benchmark, event, tickers)
    model = _fit(prep, est, min_obs)
    span = (min(w[0] for w in windows), max(w[1] for w in windows))
    abnormal, rm = _abnormal(prep, model.params, span)
    days = abnormal.index.to_numpy()
    dates = pd.Series(prep.index.values[days + prep.event_pos] if len(days) else [],
                      index=abnormal.index.copy(), name="date", dtype="datetime64[ns]")

    params = model.params
    sigma2 = params["sigma"].to_numpy(dtype="float64") ** 2
    n_obs = params["n_obs"].to_numpy(dtype="float64")
    mu_m = params["market_mean"].to_numpy(dtype="float64")
    sxx = params["market_sxx"].to_numpy(dtype="float64")
    ar = abnormal.to_numpy()
    n_cols = len(prep.tickers)
    car = pd.DataFrame(index=prep.tickers.copy())
    notes: list[list[str]] = [[] for _ in range(n_cols)]
    fitted = np.isfinite(params["beta"].to_numpy(dtype="float64"))
    last_session = prep.index[-1].date()
    for window in windows:  # a handful of windows; each one is a vectorised column sum
        label = window_label(window)
        width = window[1] - window[0] + 1
        inside = (days >= window[0]) & (days <= window[1])
        if window[0] <= est[1] and window[1] >= est[0]:
            for j in range(n_cols):
                notes[j].append(note("car_overlaps_estimation", window=label, estimation=window_label(est)))
        if inside.sum() < width:
            car[f"CAR{label}"] = np.nan
            car[f"t{label}"] = np.nan
            reason = (note("car_beyond_data", window=label, end=last_session)
                      if prep.event_pos + window[1] >= len(prep.index)
                      else note("car_before_data", window=label))
            for j in range(n_cols):
                notes[j].append(reason)
            continue
        block = ar[inside]
        cars = block.sum(axis=0)  # NaN if any AR is missing: gaps are not skipped
        dev = (rm[inside][:, None] - mu_m[None, :]).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            var = sigma2 * (width + width ** 2 / n_obs + dev ** 2 / sxx)
            t = np.where(var > 0, cars / np.sqrt(var), np.nan)
        car[f"CAR{label}"] = cars
        car[f"t{label}"] = t
        gaps = fitted & np.isnan(block).any(axis=0)
        for j in np.flatnonzero(gaps):
            k = int(np.isnan(block[:, j]).sum())
            notes[j].append(note("car_missing_returns" if k > 1 else "car_missing_return", window=label, k=k))
        for j in np.flatnonzero(fitted & ~gaps & ~(var > 0)):
            notes[j].append(note("t_zero_variance", window=label))
    car["note"] = ["; ".join(dict.fromkeys(n)) for n in notes]
    return EventStudy(model, abnormal, dates, car, windows)


# --- cross-sectional tests -----------------------------------------------------------------


def normal_two_sided_p(t: float) -> float:
    """Two-sided p-value under N(0, 1): :math:`\\mathrm{erfc}(|t| / \\sqrt 2)`; NaN in, NaN out."""
    if t is None or not np.isfinite(t):
        return float("nan")
    return math.erfc(abs(float(t)) / math.sqrt(2.0))


def bmp_test(scar: pd.Series | np.ndarray) -> dict:
    """Boehmer-Musumeci-Poulsen (1991) standardised cross-sectional test.

    .. math:: t_{BMP} = \\frac{\\overline{SCAR}\\,\\sqrt{N}}{s(SCAR)},
              \\quad s^2 = \\frac{1}{N-1} \\sum_i (SCAR_i - \\overline{SCAR})^2

    Parameters
    ----------
    scar : array-like
        Standardised CARs (the per-stock t-statistics); NaNs are dropped.

    Returns
    -------
    dict
        ``n`` (stocks used), ``mean_scar``, ``t_bmp`` (NaN when n < 2 or s = 0) and ``note``.
    """
    values = np.asarray(scar, dtype="float64")
    values = values[np.isfinite(values)]
    n = int(values.size)
    if n < 2:
        return {"n": n, "mean_scar": float(values.mean()) if n else np.nan, "t_bmp": np.nan,
                "note": note("bmp_too_few", n=n)}
    mean = float(values.mean())
    sd = float(values.std(ddof=1))
    if not sd > 0:
        return {"n": n, "mean_scar": mean, "t_bmp": np.nan,
                "note": note("bmp_no_dispersion")}
    return {"n": n, "mean_scar": mean, "t_bmp": mean * math.sqrt(n) / sd, "note": ""}


def kolari_pynnonen_adjustment(t_bmp: float, rbar: float, n: int) -> float:
    """Kolari & Pynnönen (2010) correction of the BMP statistic for cross-correlation.

    .. math:: t_{KP} = t_{BMP} \\sqrt{\\frac{1 - \\bar r}{1 + (n - 1)\\bar r}}

    Returns NaN when any input is NaN, ``n`` < 2, or :math:`1 + (n-1)\\bar r \\le 0`.
    With :math:`\\bar r = 0` the statistic is unchanged.
    """
    if n is None or n < 2 or not np.isfinite(t_bmp) or not np.isfinite(rbar):
        return float("nan")
    denom = 1.0 + (n - 1) * rbar
    if denom <= 0 or rbar >= 1:
        return float("nan")
    return float(t_bmp) * math.sqrt((1.0 - rbar) / denom)


def mean_pairwise_correlation(residuals: pd.DataFrame | np.ndarray,
                              min_pair_obs: int = MIN_PAIR_OBS) -> float:
    """Mean of the pairwise correlations between columns of a residual matrix.

    Vectorised for all pairs at once. With :math:`E` the residuals with NaN set to 0 and
    :math:`W` the 0/1 mask of present values, for columns i, j over their common sessions:

    .. math::

       r_{ij} = \\frac{(E^\\top E)_{ij}}
                      {\\sqrt{((E \\circ E)^\\top W)_{ij}\\,((E \\circ E)^\\top W)_{ji}}}

    Market-model residuals have mean zero over each ticker's own sample (OLS with an
    intercept), so this equals the Pearson correlation when two tickers share all sessions;
    for pairs with partial overlap the means are not re-centred on the overlap (a documented
    approximation; it affects only late-listed tickers).

    Parameters
    ----------
    residuals : pandas.DataFrame or numpy.ndarray
        Sessions x tickers; NaN where a ticker has no residual.
    min_pair_obs : int
        Pairs with fewer common sessions are ignored.

    Returns
    -------
    float
        :math:`\\bar r` over all valid pairs i < j; NaN when there is no valid pair.
    """
    e = np.asarray(residuals, dtype="float64")
    if e.ndim != 2 or e.shape[1] < 2:
        return float("nan")
    w = np.isfinite(e)
    e0 = np.where(w, e, 0.0)
    wf = w.astype("float64")
    cross = e0.T @ e0
    sq = (e0 * e0).T @ wf        # [i, j] = sum of e_i^2 over sessions where j is present
    common = wf.T @ wf
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = cross / np.sqrt(sq * sq.T)
    upper = np.triu(np.ones_like(corr, dtype=bool), k=1)
    ok = upper & (common >= min_pair_obs) & np.isfinite(corr)
    if not ok.any():
        return float("nan")
    return float(corr[ok].mean())


# --- the per-ticker loop baseline ------------------------------------------------------------


def naive_market_model_loop(prices: pd.DataFrame, benchmark: str | pd.Series, event: DateLike,
                            estimation_window: Window = DEFAULT_ESTIMATION_WINDOW,
                            car_windows: Sequence[Window] = DEFAULT_CAR_WINDOWS,
                            min_obs: int = MIN_ESTIMATION_OBS,
                            tickers: Iterable[str] | None = None) -> pd.DataFrame:
    """Per-ticker Python loop: the benchmark baseline and an independent check.

    For each ticker separately: drop NaN rows, solve the OLS with
    :func:`numpy.linalg.lstsq` on the design :math:`[1, R_m]`, and compute
    :math:`\\mathrm{Var}(CAR) = \\iota^\\top \\hat\\sigma^2 (I + X^*(X^\\top X)^{-1}X^{*\\top}) \\iota`
    in matrix form (MacKinlay 1997, eq. 14). Same arguments and conventions as
    :func:`event_study`.

    Returns
    -------
    pandas.DataFrame
        Index ticker; ``alpha``, ``beta``, ``sigma``, ``n_obs``, and ``CAR[a,b]``, ``t[a,b]``
        per window (no notes).
    """
    est, min_obs = _check_estimation(estimation_window, min_obs)
    windows = _check_windows(car_windows)
    prep = _prepare(prices, benchmark, event, tickers)
    e, n_rows = prep.event_pos, len(prep.index)
    r0, r1 = _clip(prep, est)
    rows = []
    for j, ticker in enumerate(prep.tickers):
        y = prep.returns[r0:r1 + 1, j]
        x = prep.market[r0:r1 + 1]
        keep = np.isfinite(y) & np.isfinite(x)
        n = int(keep.sum())
        row = {"ticker": ticker, "alpha": np.nan, "beta": np.nan, "sigma": np.nan, "n_obs": n}
        coef = None
        if n >= min_obs and np.ptp(x[keep]) > 0:
            design = np.column_stack([np.ones(n), x[keep]])
            coef, _, _, _ = np.linalg.lstsq(design, y[keep], rcond=None)
            resid = y[keep] - design @ coef
            sigma2 = float(resid @ resid) / (n - 2)
            xtx_inv = np.linalg.inv(design.T @ design)
            row.update(alpha=coef[0], beta=coef[1], sigma=math.sqrt(sigma2))
        for window in windows:
            label = window_label(window)
            car = t = np.nan
            a, b = e + window[0], e + window[1]
            if coef is not None and a >= 1 and b < n_rows:
                rs = prep.returns[a:b + 1, j]
                xs = prep.market[a:b + 1]
                star = np.column_stack([np.ones(b - a + 1), xs])
                ar = rs - star @ coef
                car = float(ar.sum())
                iota = np.ones(b - a + 1)
                v = sigma2 * (np.eye(b - a + 1) + star @ xtx_inv @ star.T)
                var = float(iota @ v @ iota)
                t = car / math.sqrt(var) if var > 0 else np.nan
            row[f"CAR{label}"] = car
            row[f"t{label}"] = t
        rows.append(row)
    cols = ["ticker", "alpha", "beta", "sigma", "n_obs"] + [
        f"{k}{window_label(w)}" for w in windows for k in ("CAR", "t")]
    return pd.DataFrame(rows, columns=cols).set_index("ticker")
