"""``python -m shockbook content TABLE``: the report's curated tables.

A thin adapter over :mod:`shockbook.tables.content` (see :mod:`shockbook.cli.common` for the
exit codes). ``--format json`` prints a list of row objects.
"""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_OK, EXIT_PARTIAL, add_data_options, add_format_option, add_lang_option, emit, settings_from

SUMMARY = "the report's curated tables: opinions, scaling, model metrics, earnings calls"

#: The tables ``content`` prints.
CONTENT_TABLES = ("opinions", "scaling", "models", "calls", "beatmiss", "cost", "training", "split")


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("table", choices=CONTENT_TABLES,
                   help="opinions (table 1), scaling (table 2), models (figures 1-4, 15, 16), "
                        "calls (table 3), beatmiss (table 3's EPS marks vs Yahoo's figures), "
                        "cost (API cost of a workload), training (training-cost ratios), "
                        "split (training/inference compute split)")
    add_lang_option(p)
    p.add_argument("--stance", help="opinions: positive or negative")
    p.add_argument("--source", help="opinions: sources containing this text")
    p.add_argument("--ticker", help="opinions: rows concerning this ticker")
    p.add_argument("--model", help="models: one model")
    p.add_argument("--metric", help="models: one metric")
    p.add_argument("--input-tokens", type=float, default=1_000_000, help="cost: input tokens (default 1M)")
    p.add_argument("--output-tokens", type=float, default=1_000_000, help="cost: output tokens (default 1M)")
    p.add_argument("--cache-hit-share", type=float, default=0.0, help="cost: share of input from the cache, 0..1")
    p.add_argument("--reference", default="OpenAI o1", help="cost: model to compare with (default OpenAI o1)")
    add_data_options(p)
    add_format_option(p)


def run(args: argparse.Namespace) -> int:
    from ..tables import content as ct
    from ..tables.result import ContentTable

    settings = settings_from(args, lang=args.lang)
    lang = settings.lang
    if args.table == "opinions":
        frame = ct.opinions_table(lang, args.stance, args.source, args.ticker,
                                  user_file=settings.opinions_file)
    elif args.table == "scaling":
        frame = ct.scaling_table(lang)
    elif args.table == "models":
        frame = ct.model_metrics_table(args.metric, args.model, user_file=settings.metrics_file)
    elif args.table == "calls":
        frame = ct.calls_table(lang)
    elif args.table == "cost":
        frame = ct.api_cost_table(args.input_tokens, args.output_tokens, args.cache_hit_share,
                                  args.reference, user_file=settings.metrics_file)
    elif args.table == "training":
        frame = ct.training_cost_table()
    elif args.table == "split":
        frame = ct.compute_split_table()
    else:
        from ..tables.earnings import calls_beat_miss_table

        frame = calls_beat_miss_table(settings)
    problems = list(frame.rejected) if isinstance(frame, ContentTable) else []
    emit(frame.frame, args.format)
    for error in problems:
        sys.stderr.write(f"shockbook: warning: {error.one_line()}\n")
    return EXIT_PARTIAL if problems else EXIT_OK
