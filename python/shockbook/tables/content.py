"""Tables of the report's curated content, one function per workbook table.

UDFs, macros, the template builder and the CLI call these functions; each returns a
:class:`~shockbook.tables.result.ContentTable` whose ``frame`` has stable English column names
(``lang`` changes the cell texts, not the headers). Lists (points, guidance...) are joined into one cell, one ``"- item"`` per
line.

Rows rejected from a user file (see :mod:`shockbook.content`) do not stop a table: their
:class:`~shockbook.errors.ContentError` objects are in the result's ``rejected`` (empty when
none), for the adapter to render next to the table.
"""

from __future__ import annotations

import math
from typing import Iterable

import pandas as pd

from ..content import calculators as calc
from ..content.calls import load_calls
from ..content.metrics import Metric, load_metrics
from ..content.opinions import STANCE_KO, STANCES, load_opinions
from ..content.report_calendar import load_calendar
from ..content.scaling import law_names, load_scaling
from ..errors import InputError, UnknownNameError
from ..data.symbols import yahoo_symbol
from .result import ContentTable

LANGS = ("ko", "en")

OPINION_COLUMNS = [
    "id", "stance", "source", "source_type", "points", "tickers", "report_table",
    "report_page", "note", "origin",
]
SCALING_COLUMNS = ["aspect", "training_scaling", "test_time_scaling", "note", "source"]
METRIC_COLUMNS = [
    "model", "variant", "metric", "value", "qualifier", "unit", "source", "source_date",
    "valid_from", "flags", "note", "origin",
]
CALL_COLUMNS = [
    "ticker", "company", "group", "revenue_printed", "revenue_usd", "revenue_vs_consensus",
    "eps_usd", "eps_vs_consensus", "guidance", "key_comments", "deepseek_comment", "flags",
    "note", "source",
]
CALENDAR_COLUMNS = [
    "date", "weekday", "ticker", "company", "company_printed", "ticker_printed",
    "ai_infrastructure", "ai_theme", "flag", "note", "source", "external_confirmation",
]
API_COST_COLUMNS = [
    "model", "variant", "input_price", "output_price", "cache_hit_price",
    "blended_price_3to1", "valid_from", "cost_usd", "cost_ratio_to_reference",
    "reference_cost_multiple", "cache_hit_priced", "flags", "note",
]
TRAINING_COST_COLUMNS = [
    "model", "reference", "model_cost_usd", "reference_cost_usd", "ratio", "one_in", "bound",
    "model_source", "reference_source", "flags",
]
COMPUTE_SPLIT_COLUMNS = [
    "technique", "k", "training_share", "inference_share", "shift_oom", "clipped",
    "training_span_oom",
]

_NONE_TEXT = {"ko": "(보고서에 언급 없음)", "en": "(none in the report)"}
_MARK_KO = {"beat": "상회", "miss": "하회"}


def _lang(lang: str) -> str:
    key = str(lang).strip().lower()
    if key not in LANGS:
        raise UnknownNameError(f"unknown language '{lang}'; valid: ko, en", name=lang,
                               valid=list(LANGS), kind="language")
    return key


def _bullets(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) == 1:
        return items[0]
    return "\n".join(f"- {item}" for item in items)


def _frame(rows: list[dict], columns: list[str], errors: Iterable = (), **labels) -> ContentTable:
    return ContentTable(pd.DataFrame(rows, columns=columns), rejected=tuple(errors), labels=labels)


# --- table 1 -------------------------------------------------------------------------------


def opinions_table(
    lang: str = "ko",
    stance: str | None = None,
    source: str | None = None,
    ticker: str | None = None,
    *,
    user_file=None,
) -> ContentTable:
    """Report table 1 (14 opinions, 7 positive / 7 negative) plus the user's rows.

    Parameters
    ----------
    lang:
        ``"ko"`` (as printed) or ``"en"`` (shockbook's translation).
    stance:
        Keep one stance: ``positive``/``negative`` (or 긍정/부정).
    source:
        Keep rows whose source contains this text (case-insensitive, either language).
    ticker:
        Keep rows that concern this ticker; a ticker no row names gives an empty table.
    user_file:
        Extra rows (default ``$SHOCKBOOK_OPINIONS_FILE``).

    Raises
    ------
    UnknownNameError
        Unknown language, stance, or a source text that matches no row (valid ones listed).
    """
    lang = _lang(lang)
    loaded = load_opinions(user_file)
    rows = list(loaded.rows)
    if stance is not None and str(stance).strip():
        aliases = {**{s: s for s in STANCES}, **{v: k for k, v in STANCE_KO.items()}}
        wanted = aliases.get(str(stance).strip().lower()) or aliases.get(str(stance).strip())
        if wanted is None:
            raise UnknownNameError(
                f"unknown stance '{stance}'; valid: positive, negative, 긍정, 부정",
                name=stance, valid=[*STANCES, *STANCE_KO.values()], kind="stance",
            )
        rows = [r for r in rows if r.stance == wanted]
    if source is not None and str(source).strip():
        needle = str(source).strip().lower()
        matched = [r for r in rows if needle in r.source.lower() or needle in r.source_en.lower()]
        if not matched:
            valid = list(dict.fromkeys(r.source_in(lang) for r in loaded.rows))
            raise UnknownNameError(f"no opinion source matches '{source}'; valid: "
                                   f"{', '.join(valid)}", name=source, valid=valid, kind="source")
        rows = matched
    if ticker is not None and str(ticker).strip():
        wanted_ticker = yahoo_symbol(str(ticker), strict=False)
        rows = [r for r in rows if wanted_ticker in r.tickers]
    out = [
        dict(
            id=r.id,
            stance=STANCE_KO[r.stance] if lang == "ko" else r.stance,
            source=r.source_in(lang),
            source_type=r.source_type,
            points=_bullets(r.points_in(lang)),
            tickers=", ".join(r.tickers),
            report_table=r.report_table,
            report_page=r.report_page,
            note=r.text_in("note", lang),
            origin=r.origin,
        )
        for r in rows
    ]
    return _frame(out, OPINION_COLUMNS, loaded.errors)


# --- table 2 -------------------------------------------------------------------------------


def scaling_table(lang: str = "ko") -> ContentTable:
    """Report table 2: five aspects x (training scaling, test-time scaling).

    ``labels["law_names"]`` holds the two laws' display names in ``lang``.
    """
    lang = _lang(lang)
    loaded = load_scaling()
    out = [
        dict(
            aspect=a.label(lang),
            training_scaling=_bullets(a.points["training"][lang]),
            test_time_scaling=_bullets(a.points["test_time"][lang]),
            note=a.text_in("note", lang),
            source=a.text_in("source", lang),
        )
        for a in loaded.rows
    ]
    return _frame(out, SCALING_COLUMNS, loaded.errors, law_names=law_names(lang))


# --- figures 1-4, 14-16 ----------------------------------------------------------------------


def _metric_row(m: Metric, lang: str) -> dict:
    return dict(
        model=m.model, variant=m.text_in("variant", lang), metric=m.metric, value=m.value,
        qualifier=m.qualifier, unit=m.unit, source=m.text_in("source", lang), source_date=m.source_date,
        valid_from=m.valid_from, flags=" ".join(m.flags), note=m.text_in("note", lang), origin=m.origin,
    )


def model_metrics_table(
    metric: str | None = None, model: str | None = None, *, user_file=None, lang: str = "en"
) -> ContentTable:
    """Model metrics in long format (one sourced value per row), optionally filtered.

    ``lang`` picks the language of the texts ``variant``, ``source`` and ``note`` (``ko``: their
    ``_ko`` twins in the data file); ``model`` stays the model's name (the key the filters and
    calculators use; :func:`model_label` gives its display text).

    ``value`` is NaN where ``qualifier`` is "not published" or "qualitative". The 3:1
    blended prices are computed rows (``flags`` contains CALC, ``origin`` "computed").

    Raises
    ------
    UnknownNameError
        An unknown ``metric`` or ``model`` (the message lists the valid names).
    """
    loaded = load_metrics(user_file)
    rows = list(loaded.rows)
    if metric is not None and str(metric).strip():
        names = list(dict.fromkeys(r.metric for r in rows))
        wanted = calc.resolve_name(str(metric), names, "metric")
        rows = [r for r in rows if r.metric == wanted]
    if model is not None and str(model).strip():
        names = list(dict.fromkeys(r.model for r in loaded.rows))
        wanted = calc.resolve_name(str(model), names, "model")
        rows = [r for r in rows if r.model == wanted]
    lang = _lang(lang)
    return _frame([_metric_row(r, lang) for r in rows], METRIC_COLUMNS, loaded.errors)


def model_labels(lang: str, field: str = "model", *, user_file=None) -> dict[str, str]:
    """``{text: display text in lang}`` for the ``model`` (or ``variant``) names that are
    translated: techniques, "DeepSeek (company)", "prompts up to 128k tokens"; a product's
    name or a version code is the same in both languages and is not listed."""
    if _lang(lang) != "ko":
        return {}
    return {getattr(m, field): getattr(m, f"{field}_ko") for m in load_metrics(user_file).rows
            if getattr(m, f"{field}_ko")}


# --- table 3 -------------------------------------------------------------------------------


def calls_table(lang: str = "ko") -> ContentTable:
    """Report table 3: six earnings calls (MSFT, META, TSLA, NOW, IBM, GLW).

    ``revenue_printed`` is the report's text in 억 달러, ``revenue_usd`` the same in USD;
    ``*_vs_consensus`` are beat/miss (상회/하회 in Korean) as marked by the report.
    """
    lang = _lang(lang)
    loaded = load_calls()
    out = []
    for c in loaded.rows:
        ko = lang == "ko"
        guidance = c.guidance_ko if ko else c.guidance_en
        deepseek = c.deepseek_ko if ko else c.deepseek_en
        out.append(
            dict(
                ticker=c.ticker,
                company=c.company_ko if ko else c.company_en,
                group=c.group_ko if ko else c.group_en,
                revenue_printed=c.revenue_printed,
                revenue_usd=c.revenue_usd,
                revenue_vs_consensus=_MARK_KO[c.revenue_vs_consensus] if ko else c.revenue_vs_consensus,
                eps_usd=c.eps_usd,
                eps_vs_consensus=_MARK_KO[c.eps_vs_consensus] if ko else c.eps_vs_consensus,
                guidance=_bullets(guidance) if guidance else "-",
                key_comments=_bullets(c.comments_ko if ko else c.comments_en),
                deepseek_comment=deepseek or _NONE_TEXT[lang],
                flags=" ".join(c.flags),
                note=c.text_in("note", lang),
                source=c.text_in("source", lang),
            )
        )
    return _frame(out, CALL_COLUMNS, loaded.errors)


# --- table 4 -------------------------------------------------------------------------------


def report_calendar_table(lang: str = "en") -> ContentTable:
    """Report table 4: one row per company-day (17), with the resolved ticker and flags.

    ``lang`` picks the language of ``ai_theme``, ``note``, ``source`` and
    ``external_confirmation`` (``ko``: their ``_ko`` twins in the data file).

    ``date`` is a tz-naive datetime64 column; ``flag`` lists TICKER / NAME / SPACING.
    """
    loaded = load_calendar()
    lang = _lang(lang)
    out = [
        dict(
            date=pd.Timestamp(e.date), weekday=e.weekday, ticker=e.ticker, company=e.company,
            company_printed=e.company_printed, ticker_printed=e.ticker_printed,
            ai_infrastructure=e.ai_infrastructure, ai_theme=e.text_in("ai_theme", lang), flag=" ".join(e.flags),
            note=e.text_in("note", lang), source=e.text_in("source", lang),
            external_confirmation=e.text_in("external_confirmation", lang),
        )
        for e in loaded.rows
    ]
    table = _frame(out, CALENDAR_COLUMNS, loaded.errors)
    table.frame["date"] = pd.to_datetime(table.frame["date"])
    return table


# --- calculators as tables -----------------------------------------------------------------


def api_cost_table(
    input_tokens: float,
    output_tokens: float,
    cache_hit_share: float = 0.0,
    reference: str = "OpenAI o1",
    *,
    as_of=None,
    user_file=None,
) -> ContentTable:
    """API cost of one workload on every priced model, cheapest first, vs a reference model.

    Parameters
    ----------
    input_tokens, output_tokens:
        Token counts (>= 0).
    cache_hit_share:
        Share of input tokens that hit the context cache (0..1); models without a published
        cache-hit price are charged the full input price (``cache_hit_priced`` False).
    reference:
        Model the ratios compare with (default OpenAI o1).
    as_of:
        Use the prices in force on this date (default: latest prices).

    Returns
    -------
    DataFrame
        Prices in USD per 1M tokens, ``cost_usd`` in USD;
        ``cost_ratio_to_reference`` = cost / reference cost (R1 vs o1: 0.037),
        ``reference_cost_multiple`` = reference cost / cost (R1 vs o1: 27.3); both NaN when
        the workload costs nothing. Models with only a provider price range come last,
        with NaN costs and a note.

    Raises
    ------
    InputError
        Negative, NaN or non-numeric token counts, or a share outside 0..1.
    UnknownNameError
        ``reference`` has no point price.
    """
    loaded = load_metrics(user_file)
    rows = list(loaded.rows)
    prices = calc.api_prices(rows, as_of)
    reference = calc.resolve_name(reference, list(prices), "priced model")
    ref_cost = calc.workload_cost(prices[reference], input_tokens, output_tokens,
                                  cache_hit_share).total_usd
    out = []
    for model, price in prices.items():
        cost = calc.workload_cost(price, input_tokens, output_tokens, cache_hit_share)
        ok = cost.total_usd > 0 and ref_cost > 0
        out.append(
            dict(
                model=model, variant=price.variant, input_price=price.input,
                output_price=price.output, cache_hit_price=price.cache_hit,
                blended_price_3to1=price.blended, valid_from=price.valid_from,
                cost_usd=cost.total_usd,
                cost_ratio_to_reference=cost.total_usd / ref_cost if ok else math.nan,
                reference_cost_multiple=ref_cost / cost.total_usd if ok else math.nan,
                cache_hit_priced=cost.cache_hit_priced, flags=" ".join(price.flags),
                note="" if cost.cache_hit_priced else
                "No cache-hit price published: cache hits charged at the input price.",
            )
        )
    out.sort(key=lambda r: r["cost_usd"])
    range_only = [
        m for m in dict.fromkeys(r.model for r in rows if r.metric.startswith("input_price_m"))
        if m not in prices
    ]
    for model in range_only:
        out.append(dict(
            model=model, variant="", input_price=math.nan, output_price=math.nan,
            cache_hit_price=math.nan, blended_price_3to1=math.nan, valid_from="",
            cost_usd=math.nan, cost_ratio_to_reference=math.nan,
            reference_cost_multiple=math.nan, cache_hit_priced=False, flags="",
            note="Price depends on the hosting provider (a range); see model_metrics_table.",
        ))
    return _frame(out, API_COST_COLUMNS, loaded.errors, reference=reference)


def training_cost_table(model: str = "DeepSeek V3", reference: str = "GPT-4") -> ContentTable:
    """Training-cost ratio of ``model`` to ``reference`` under each published estimate.

    DeepSeek V3 vs GPT-4: 1/14.1 (AI Index, USD 78.4M) and at most 1/17.9 (Altman, > USD 100M).
    """
    ratios = calc.training_cost_ratios(model, reference)
    out = [
        dict(
            model=r.model, reference=r.reference, model_cost_usd=r.model_cost_usd,
            reference_cost_usd=r.reference_cost_usd, ratio=r.ratio, one_in=r.one_in,
            bound=r.bound, model_source=r.model_source, reference_source=r.reference_source,
            flags=" ".join(r.flags),
        )
        for r in ratios
    ]
    return _frame(out, TRAINING_COST_COLUMNS)


def compute_split_table(baseline_training_share: float | None = None) -> ContentTable:
    """Epoch AI's cost-minimising training/inference split for each technique.

    Without a baseline the unclipped optimum ``k / (1 + k)`` is shown; with one, the move is
    clipped to each technique's span (see :mod:`shockbook.content.calculators`).
    """
    if baseline_training_share is not None and not isinstance(baseline_training_share, (int, float)):
        raise InputError(f"baseline_training_share must be a number, not {baseline_training_share!r}",
                         argument="baseline_training_share", value=baseline_training_share)
    metrics = load_metrics().rows
    techniques = list(dict.fromkeys(
        r.model for r in metrics if r.metric == calc.TRAINING_SPAN))
    out = []
    for technique in techniques:
        s = calc.compute_split(technique, baseline_training_share=baseline_training_share,
                               metrics=metrics)
        out.append(dict(
            technique=s.technique, k=s.k, training_share=s.training_share,
            inference_share=s.inference_share, shift_oom=s.shift_oom, clipped=s.clipped,
            training_span_oom=s.training_span_oom,
        ))
    return _frame(out, COMPUTE_SPLIT_COLUMNS)
