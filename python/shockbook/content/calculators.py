"""Calculators on the curated figures: API workload cost, training-cost ratios, compute split.

All functions are pure: they read no files themselves. Functions that look figures up by
model name take ``metrics`` (an iterable of :class:`~shockbook.content.metrics.Metric`);
when it is ``None`` they use :func:`~shockbook.content.metrics.load_metrics` (built-in rows
plus ``$SHOCKBOOK_METRICS_FILE``).

Checks the report's headline claims:

* "R1's API costs 1/20 of o1's": on the 3:1 blended price o1 costs 26.25 / 0.96 = 27.3 times
  as much as R1 (:func:`api_cost_ratio`, :func:`blended_price_ratio`);
* "V3 was trained for 1/20 of GPT-4's cost": 5.576M / 78.4M = 1/14.1 with the Stanford AI
  Index estimate, at most 1/17.9 with Sam Altman's "more than USD 100M"
  (:func:`training_cost_ratios`);
* Epoch AI's "split compute about 50:50 between training and inference"
  (:func:`compute_split`).

The compute-split model (Epoch AI)
----------------------------------
A technique trades training compute ``T`` for inference compute ``I`` at constant
performance. On its iso-performance line, ``log10 I = c - k log10 T``: each extra order of
magnitude (OOM) of training saves ``k`` OOM of inference, with ``k = inference span /
training span`` of the technique (e.g. Monte Carlo tree search: 1.6 / 1.6 = 1). Minimising
the total ``T + I = T + 10**c * T**-k``:

    d(T + I)/dT = 1 - k * 10**c * T**(-k-1) = 0   =>   T* = k * I*

so the cost-minimising training share is ``T* / (T* + I*) = k / (1 + k)`` and the inference
share ``1 / (1 + k)`` (the second derivative is positive, so this is a minimum). k = 1 gives
50 %, k = 2 gives 2/3, k = 0.5 gives 1/3.

The trade-off only holds over the technique's span. Given a baseline split ``s0`` (training
share before using the technique), moving training by ``x`` OOM gives ``T = s0 * 10**x``,
``I = (1 - s0) * 10**(-k x)``; the optimum is ``x* = log10(k (1 - s0) / s0) / (1 + k)``.
shockbook clips ``x`` to ``[-training span, +training span]`` (assumption: the span may be
used in either direction from the baseline) and reports the share at the clipped point.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..errors import InputError, UnknownNameError
from ._rows import partial_date_start
from .metrics import (
    CACHE_HIT_PRICE,
    INPUT_PRICE,
    OUTPUT_PRICE,
    Metric,
    blended_price,
    load_metrics,
    valid_from_key,
)

#: Tokens per priced unit (prices are USD per 1M tokens).
TOKENS_PER_PRICE_UNIT = 1_000_000
#: Metric names used by the training-cost and trade-off calculators.
TRAINING_COST = "training_cost_usd"
TRAINING_SPAN, INFERENCE_SPAN = "tradeoff_training_span", "tradeoff_inference_span"

_VENDORS = ("openai", "deepseek", "google", "anthropic", "meta", "mistral", "alibaba")


# --- names ---------------------------------------------------------------------------------


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[-_]", " ", str(name).strip().lower()))


def resolve_name(name: str, valid: Sequence[str], kind: str = "model") -> str:
    """Map a user-typed name to one of ``valid`` (case, '-'/'_'/space and vendor-insensitive).

    ``"deepseek-r1"``, ``"R1"`` and ``"DeepSeek R1"`` all resolve to ``"DeepSeek R1"``;
    ``"o1"`` to ``"OpenAI o1"``.

    Raises
    ------
    UnknownNameError
        No (or more than one) match; the message lists the valid names (``name=``,
        ``valid=``, ``kind=``).
    """
    if not isinstance(name, str) or not name.strip():
        raise UnknownNameError(
            f"{kind} name must be a non-empty text, not {name!r}; valid: {', '.join(valid)}",
            name=name, valid=list(valid), kind=kind,
        )
    key = _norm(name)
    exact = [v for v in valid if _norm(v) == key]
    if len(exact) == 1:
        return exact[0]

    def bare(text: str) -> str:
        words = _norm(text).split(" ")
        return " ".join(words[1:]) if len(words) > 1 and words[0] in _VENDORS else " ".join(words)

    loose = [v for v in valid if bare(v) == bare(name)]
    if len(loose) == 1:
        return loose[0]
    raise UnknownNameError(
        f"unknown {kind} '{name}'; valid: {', '.join(valid)}",
        name=name, valid=list(valid), kind=kind,
    )


def _rows(metrics: Iterable[Metric] | None) -> list[Metric]:
    return list(load_metrics().rows if metrics is None else metrics)


# --- input checks --------------------------------------------------------------------------


def _non_negative(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{name} must be a number, not {value!r}", argument=name, value=value)
    value = float(value)
    if math.isnan(value) or math.isinf(value) or value < 0:
        raise InputError(
            f"{name} must be a finite number >= 0, not {value!r}", argument=name, value=value
        )
    return value


def _share(name: str, value, *, open_interval: bool = False) -> float:
    value = _non_negative(name, value)
    bad = (value <= 0 or value >= 1) if open_interval else value > 1
    if bad:
        span = "strictly between 0 and 1" if open_interval else "between 0 and 1"
        raise InputError(f"{name} must be {span}, not {value!r}", argument=name, value=value)
    return value


def _as_of(as_of) -> dt.date | None:
    """``None``/'' -> None (latest); a date, datetime or ``YYYY[-MM[-DD]]`` text -> a date."""
    if as_of is None or as_of == "":
        return None
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    if isinstance(as_of, dt.date):
        return as_of
    text = str(as_of).strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        try:
            return partial_date_start(text)
        except ValueError:
            pass
    raise InputError(f"as_of must be a date written YYYY-MM-DD, not {as_of!r}",
                     argument="as_of", value=as_of)


# --- API prices and workload cost ----------------------------------------------------------


@dataclass(frozen=True)
class ApiPrice:
    """A model's API list price in force on some date, USD per 1M tokens.

    ``cache_hit`` is NaN when no cache-hit price is published.
    """

    model: str
    variant: str
    input: float
    output: float
    cache_hit: float
    valid_from: str
    source: str
    flags: tuple[str, ...]

    @property
    def blended(self) -> float:
        """The 3:1 blended price ``(3 x input + output) / 4`` (USD per 1M tokens)."""
        return blended_price(self.input, self.output)


def api_prices(metrics: Iterable[Metric] | None = None, as_of=None) -> dict[str, ApiPrice]:
    """Each model's point API price in force on ``as_of`` (default: the latest price).

    A price applies from its ``valid_from`` until the next dated price of the same model;
    an undated price applies before any dated one. Models whose prices are only a provider
    range (e.g. Llama 3.3 70B) have no point price and are left out.

    Returns
    -------
    dict
        Model name -> :class:`ApiPrice`, in the order models first appear in ``metrics``.
        A model with no price valid on ``as_of`` is left out.
    """
    day = _as_of(as_of)
    by_key: dict[tuple[str, str, str], dict[str, Metric]] = {}
    for row in _rows(metrics):
        if row.metric in (INPUT_PRICE, OUTPUT_PRICE, CACHE_HIT_PRICE) and row.published:
            by_key.setdefault((row.model, row.variant, row.valid_from), {})[row.metric] = row
    candidates: dict[str, list[tuple[str, str, dict[str, Metric]]]] = {}
    for (model, variant, valid_from), found in by_key.items():
        if INPUT_PRICE in found and OUTPUT_PRICE in found:
            candidates.setdefault(model, []).append((valid_from, variant, found))
    prices = {}
    for model, options in candidates.items():
        options.sort(key=lambda o: valid_from_key(o[0]))
        if day is not None:
            options = [o for o in options if not o[0] or partial_date_start(o[0]) <= day]
        if not options:
            continue
        valid_from, variant, found = options[-1]
        inp, out = found[INPUT_PRICE], found[OUTPUT_PRICE]
        hit = found.get(CACHE_HIT_PRICE)
        prices[model] = ApiPrice(
            model=model,
            variant=variant,
            input=inp.value,
            output=out.value,
            cache_hit=hit.value if hit else math.nan,
            valid_from=valid_from,
            source=inp.source,
            flags=tuple(dict.fromkeys(inp.flags + out.flags)),
        )
    return prices


def api_price(model: str, metrics: Iterable[Metric] | None = None, as_of=None) -> ApiPrice:
    """The API price of one model (see :func:`api_prices`).

    Raises
    ------
    UnknownNameError
        ``model`` has no point price (valid names listed).
    """
    prices = api_prices(metrics, as_of)
    return prices[resolve_name(model, list(prices), "priced model")]


@dataclass(frozen=True)
class WorkloadCost:
    """Cost of a workload on one model, USD.

    ``cache_hit_priced`` is False when the workload has cache hits but the model publishes
    no cache-hit price: the hits were then charged at the full input price.
    """

    model: str
    input_usd: float
    output_usd: float
    total_usd: float
    cache_hit_priced: bool


def workload_cost(
    price: ApiPrice, input_tokens: float, output_tokens: float, cache_hit_share: float = 0.0
) -> WorkloadCost:
    """Cost of ``input_tokens`` + ``output_tokens`` at ``price``, in USD.

    Parameters
    ----------
    price:
        The model's price (USD per 1M tokens).
    input_tokens, output_tokens:
        Token counts (>= 0; fractions allowed for averages).
    cache_hit_share:
        Share of input tokens served from the context cache, 0..1. Hits are charged at the
        cache-hit price when one is published, else at the full input price.

    Returns
    -------
    WorkloadCost
        ``input_usd = input_tokens x ((1 - h) x input + h x cache_hit) / 1e6``,
        ``output_usd = output_tokens x output / 1e6``. Zero tokens cost 0.

    Raises
    ------
    InputError
        A negative, NaN, infinite or non-numeric token count, or a share outside 0..1.
    """
    n_in = _non_negative("input_tokens", input_tokens)
    n_out = _non_negative("output_tokens", output_tokens)
    hit = _share("cache_hit_share", cache_hit_share)
    has_hit_price = not math.isnan(price.cache_hit)
    hit_price = price.cache_hit if has_hit_price else price.input
    per_input = (1 - hit) * price.input + hit * hit_price
    input_usd = n_in * per_input / TOKENS_PER_PRICE_UNIT
    output_usd = n_out * price.output / TOKENS_PER_PRICE_UNIT
    return WorkloadCost(
        model=price.model,
        input_usd=input_usd,
        output_usd=output_usd,
        total_usd=input_usd + output_usd,
        cache_hit_priced=has_hit_price or hit == 0,
    )


def api_cost(
    model: str,
    input_tokens: float,
    output_tokens: float,
    cache_hit_share: float = 0.0,
    *,
    metrics: Iterable[Metric] | None = None,
    as_of=None,
) -> float:
    """Total API cost in USD of a workload on ``model`` (see :func:`workload_cost`)."""
    price = api_price(model, metrics, as_of)
    return workload_cost(price, input_tokens, output_tokens, cache_hit_share).total_usd


def api_cost_ratio(
    model: str,
    reference: str,
    input_tokens: float,
    output_tokens: float,
    cache_hit_share: float = 0.0,
    *,
    metrics: Iterable[Metric] | None = None,
    as_of=None,
) -> float:
    """How many times ``reference`` costs as much as ``model`` for the same workload.

    ``api_cost_ratio("DeepSeek R1", "OpenAI o1", 3e6, 1e6)`` is 26.25 / 0.96 = 27.34: a
    3:1 input:output workload without cache hits reproduces the blended-price ratio.

    Raises
    ------
    InputError
        The workload costs nothing on ``model`` (e.g. zero tokens), so no ratio exists.
    UnknownNameError
        Either name has no point price.
    """
    rows = _rows(metrics)
    cost = api_cost(model, input_tokens, output_tokens, cache_hit_share, metrics=rows, as_of=as_of)
    ref = api_cost(reference, input_tokens, output_tokens, cache_hit_share, metrics=rows, as_of=as_of)
    if cost == 0:
        raise InputError(
            f"the workload costs nothing on {model} (input_tokens={input_tokens}, "
            f"output_tokens={output_tokens}), so there is no ratio",
            argument="input_tokens", value=input_tokens,
        )
    return ref / cost


def blended_price_ratio(
    model: str, reference: str, *, metrics: Iterable[Metric] | None = None, as_of=None
) -> float:
    """``reference``'s 3:1 blended price divided by ``model``'s (o1 / R1 = 27.34)."""
    rows = _rows(metrics)
    return api_price(reference, rows, as_of).blended / api_price(model, rows, as_of).blended


# --- training cost -------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingCostRatio:
    """``model``'s training cost over one published estimate of ``reference``'s.

    ``ratio`` = model / reference (0.0711 for V3 vs GPT-4 at USD 78.4M); ``one_in`` is its
    inverse (14.1, "1/14"). When the reference estimate is a lower bound ("more than USD
    100M"), ``bound`` is ``"at most"``: the true ratio is at most ``ratio``.
    """

    model: str
    reference: str
    model_cost_usd: float
    reference_cost_usd: float
    ratio: float
    one_in: float
    bound: str
    model_source: str
    reference_source: str
    flags: tuple[str, ...]


def training_cost_ratios(
    model: str = "DeepSeek V3",
    reference: str = "GPT-4",
    *,
    metrics: Iterable[Metric] | None = None,
) -> list[TrainingCostRatio]:
    """The training-cost ratio under each published numeric estimate (model x reference).

    Raises
    ------
    UnknownNameError
        A name with no ``training_cost_usd`` row (valid names listed).
    InputError
        The model or reference has only qualitative / unpublished estimates.
    """
    rows = [r for r in _rows(metrics) if r.metric == TRAINING_COST]
    names = list(dict.fromkeys(r.model for r in rows))
    model = resolve_name(model, names, "model with a training cost")
    reference = resolve_name(reference, names, "model with a training cost")

    def numeric(name: str) -> list[Metric]:
        found = [r for r in rows if r.model == name and r.published]
        if not found:
            raise InputError(
                f"{name} has no numeric training-cost estimate (only qualitative or "
                "unpublished ones)", name=name,
            )
        return found

    out = []
    for mine in numeric(model):
        for theirs in numeric(reference):
            ratio = mine.value / theirs.value
            bound = "at most" if theirs.qualifier == "at least" else (
                "approx" if "approx" in (mine.qualifier, theirs.qualifier) else "")
            out.append(
                TrainingCostRatio(
                    model=model,
                    reference=reference,
                    model_cost_usd=mine.value,
                    reference_cost_usd=theirs.value,
                    ratio=ratio,
                    one_in=1 / ratio,
                    bound=bound,
                    model_source=mine.source,
                    reference_source=theirs.source,
                    flags=tuple(dict.fromkeys(("CALC",) + mine.flags + theirs.flags)),
                )
            )
    return out


# --- compute split (Epoch AI) --------------------------------------------------------------


def training_share(k: float) -> float:
    """Cost-minimising share of compute spent on training, ``k / (1 + k)`` (0..1).

    Parameters
    ----------
    k:
        OOMs of inference compute saved per extra OOM of training compute at constant
        performance (> 0, finite).

    Raises
    ------
    InputError
        ``k`` is not a finite number > 0.
    """
    k = _non_negative("k", k)
    if k == 0:
        raise InputError("k must be > 0 (a technique that saves no inference has no trade-off)",
                         argument="k", value=k)
    return k / (1 + k)


@dataclass(frozen=True)
class ComputeSplit:
    """Result of :func:`compute_split`; shares are fractions of total compute (0..1).

    ``shift_oom`` is how far training moved from the baseline (OOM, + = more training); NaN
    when no baseline was given. ``clipped`` is True when the optimum lay beyond the span.
    """

    technique: str
    k: float
    training_share: float
    inference_share: float
    shift_oom: float
    clipped: bool
    training_span_oom: float


def tradeoff_k(technique: str, *, metrics: Iterable[Metric] | None = None) -> tuple[str, float, float]:
    """``(technique, k, training span)`` of an Epoch AI technique, ``k`` = inference / training span.

    Raises
    ------
    UnknownNameError
        Unknown technique (valid ones listed).
    """
    rows = [r for r in _rows(metrics) if r.metric in (TRAINING_SPAN, INFERENCE_SPAN)]
    names = list(dict.fromkeys(r.model for r in rows))
    name = resolve_name(technique, names, "technique")
    spans = {r.metric: r.value for r in rows if r.model == name}
    return name, spans[INFERENCE_SPAN] / spans[TRAINING_SPAN], spans[TRAINING_SPAN]


def compute_split(
    technique: str | None = None,
    *,
    k: float | None = None,
    baseline_training_share: float | None = None,
    metrics: Iterable[Metric] | None = None,
) -> ComputeSplit:
    """Cost-minimising training/inference split under Epoch AI's trade-off model.

    Parameters
    ----------
    technique:
        An Epoch AI technique (e.g. ``"Monte Carlo tree search"``); gives ``k`` and the span.
    k:
        OOMs of inference saved per OOM of training; overrides the technique's ``k``.
        One of ``technique`` or ``k`` is required.
    baseline_training_share:
        Training share before using the technique, strictly between 0 and 1. Without it
        the unclipped optimum ``k / (1 + k)`` is returned. With it (and a technique), the
        move from the baseline is clipped to the technique's training span.

    Returns
    -------
    ComputeSplit

    Raises
    ------
    InputError
        Neither technique nor k, k not > 0, or a baseline share outside (0, 1).
    UnknownNameError
        Unknown technique.
    """
    name, span = "", math.inf
    if technique is not None:
        name, technique_k, span = tradeoff_k(technique, metrics=metrics)
        k = technique_k if k is None else k
    if k is None:
        raise InputError("give a technique or k (OOMs of inference saved per OOM of training)",
                         argument="k", value=None)
    share = training_share(k)
    k = float(k)
    if baseline_training_share is None:
        return ComputeSplit(name, k, share, 1 - share, math.nan, False, span)
    s0 = _share("baseline_training_share", baseline_training_share, open_interval=True)
    x_opt = math.log10(k * (1 - s0) / s0) / (1 + k)
    x = min(max(x_opt, -span), span)
    t = s0 * 10**x
    i = (1 - s0) * 10 ** (-k * x)
    return ComputeSplit(name, k, t / (t + i), i / (t + i), x, x != x_opt, span)
