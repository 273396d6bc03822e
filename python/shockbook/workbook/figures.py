"""Producers of the report's figure tables (figures 1-4, 15, 16) on the Scaling sheet.

Every figure table shows, next to each value, what a reader needs to trust it: a unique
``label`` (model, its variant, and the source when one model has two estimates), the
``qualifier`` ("not published", "at least", ...) in the book's language, the source's date,
its flags (EST, DISP, CALC, WEAK, DATE: explained in the sheet's legend) and the source.
A model the report's figure shows but no source gives a value for stays in the table as a
row without a value ("not published"), never dropped and never guessed.
"""

from __future__ import annotations

import re

import pandas as pd

from ..tables import content as ct
from .i18n import has_label

#: The benchmarks of figure 3, in the report's order.
BENCHMARKS = ("aime2024_pass1", "codeforces_percentile", "gpqa_diamond_pass1", "math500_pass1",
              "mmlu_pass1", "swe_bench_verified_resolved")
#: Figure 3's two models, as the metrics file names them.
FIG3_MODELS = {"deepseek_r1": "DeepSeek R1", "openai_o1": "OpenAI o1"}


def metrics(ctx) -> pd.DataFrame:
    """The model metrics table (built-in + the user's file), read once per build."""
    return ctx.cached("metrics", lambda: ct.model_metrics_table(user_file=ctx.settings.metrics_file,
                                                                lang=ctx.lang).frame)


def metric_name(ctx, metric: str) -> str:
    """A metric ID's display name in the book's language (the ID itself when none is defined)."""
    key = f"metric.{metric}"
    return ctx.t(key) if has_label(key) else metric


def unit_text(ctx, unit: str) -> str:
    """A unit in the book's language (``unit.<slug>`` in the translation table; as written when none)."""
    key = "unit." + re.sub(r"[^a-z0-9]+", "_", str(unit).lower().replace("%", "pct")).strip("_")
    return ctx.t(key) if unit and has_label(key) else str(unit or "")


def qualifier_text(ctx, qualifier: str) -> str:
    qualifier = str(qualifier or "").strip()
    return ctx.t("qualifier." + qualifier.replace(" ", "_")) if qualifier else ""


def _short_source(source: str) -> str:
    return str(source).split(",")[0].split(";")[0].split("(")[0].strip()


def display_names(ctx, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``model`` and ``variant`` as the book's language shows them (a technique's
    name, a variant such as "prompts up to 128k tokens"; product names stay as they are)."""
    out = frame.copy()
    for field in ("model", "variant"):
        if field in out.columns:
            names = ct.model_labels(ctx.lang, field, user_file=ctx.settings.metrics_file)
            out[field] = [names.get(v, v) for v in out[field]]
    return out


def unique_labels(frame: pd.DataFrame) -> list[str]:
    """``model (variant)``; where two rows would read the same, the source is added."""
    base = [f"{m} ({v})" if str(v).strip() else str(m) for m, v in zip(frame["model"], frame["variant"])]
    counts = pd.Series(base).value_counts()
    out = [f"{b} [{_short_source(s)}]" if counts[b] > 1 else b for b, s in zip(base, frame["source"])]
    seen: dict[str, int] = {}
    for i, text in enumerate(out):  # still equal (same model, variant and source): number them
        seen[text] = seen.get(text, 0) + 1
        if seen[text] > 1:
            out[i] = f"{text} #{seen[text]}"
    return out


def figure_rows(ctx, metric: str, *, ascending: bool = False) -> pd.DataFrame:
    """One metric's rows for a figure: valued rows sorted by value, then the unvalued ones.

    A user row replaces a built-in row of the same model, variant and source (it comes later).
    """
    frame = metrics(ctx)
    frame = frame[frame["metric"] == metric].drop_duplicates(["model", "variant", "source"], keep="last")
    valued = frame[frame["value"].notna()].sort_values("value", ascending=ascending, kind="stable")
    frame = pd.concat([valued, frame[frame["value"].isna()]]).reset_index(drop=True)
    frame["qualifier_text"] = [qualifier_text(ctx, q) for q in frame["qualifier"]]
    # a row without a value is an empty bar on the chart: its category says why ("미공개")
    frame["label"] = [f"{text} ({why})" if pd.isna(v) and why else text for text, v, why in
                      zip(unique_labels(display_names(ctx, frame)), frame["value"], frame["qualifier_text"])]
    return frame


def fig_quality(ctx) -> pd.DataFrame:
    return figure_rows(ctx, "aa_quality_index")


def fig_api_price(ctx) -> pd.DataFrame:
    frame = ctx.cached("api_cost", lambda: ct.api_cost_table(1e6, 1e6)).frame
    frame = frame[frame["input_price"].notna()].sort_values("blended_price_3to1", kind="stable").reset_index(drop=True)
    prices = metrics(ctx)
    prices = prices[prices["metric"] == "input_price"]
    where = {(m, str(v)): (s, d) for m, v, s, d in
             zip(prices["model"], prices["valid_from"], prices["source"], prices["source_date"])}
    found = [where.get((m, str(v)), ("", "")) for m, v in zip(frame["model"], frame["valid_from"])]
    frame["source"] = [s for s, _ in found]
    frame["source_date"] = [d for _, d in found]
    frame["label"] = unique_labels(display_names(ctx, frame))
    return display_names(ctx, frame)


def fig_benchmarks(ctx) -> pd.DataFrame:
    """Figure 3: R1 vs o1 per benchmark (display names), with each pair's source."""
    frame = metrics(ctx)
    frame = frame[frame["metric"].isin(BENCHMARKS) & frame["model"].isin(list(FIG3_MODELS.values()))]
    frame = frame.drop_duplicates(["model", "metric"], keep="first")
    rows = []
    for metric in BENCHMARKS:
        found = frame[frame["metric"] == metric].set_index("model")
        if found.empty:
            continue
        row = dict(benchmark=metric_name(ctx, metric), metric=metric,
                   unit=found["unit"].iloc[0], source=found["source"].iloc[0],
                   source_date=found["source_date"].iloc[0],
                   flags=" ".join(dict.fromkeys(" ".join(found["flags"]).split())))
        for key, model in FIG3_MODELS.items():
            row[key] = found.loc[model, "value"] if model in found.index else None
        rows.append(row)
    return pd.DataFrame(rows, columns=["benchmark", *FIG3_MODELS, "unit", "source_date", "flags", "source",
                                       "metric"])


def fig_training_cost(ctx) -> pd.DataFrame:
    """Figure 4: every published training-cost estimate, both GPT-4 estimates included."""
    frame = figure_rows(ctx, "training_cost_usd")
    frame["value_musd"] = frame["value"] / 1e6
    return frame


def fig_speed(ctx) -> pd.DataFrame:
    return figure_rows(ctx, "output_speed")


def fig_latency(ctx) -> pd.DataFrame:
    return figure_rows(ctx, "latency_first_token", ascending=True)


def model_metrics(ctx) -> pd.DataFrame:
    """Every metric row, with the metric's display name and the qualifier in the book's language."""
    frame = display_names(ctx, metrics(ctx))
    frame["metric_name"] = [metric_name(ctx, m) for m in frame["metric"]]
    frame["unit_text"] = [unit_text(ctx, u) for u in frame["unit"]]
    frame["qualifier_text"] = [qualifier_text(ctx, q) for q in frame["qualifier"]]
    return frame
