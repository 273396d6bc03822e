"""Producers of the buy-the-dip sheet: the score weights (the user's input cells) and the
screen itself (:func:`shockbook.tables.dip.dip_screen_table`), worst-hit first.

The sheet's score and rank are native formulas over the weight cells (written once by the
build, :func:`shockbook.template.static.write_dip_formulas`), so re-weighting needs no
refresh; :data:`SCORE_TERMS` is the one definition both the formulas and the header text use.
"""

from __future__ import annotations

import pandas as pd

from ..analytics.dip import DipWeights
from ..notes import has_codes
from . import layout as L

#: The score's terms in order: (weight key, the formula over a row's cells, by column key).
SCORE_TERMS = (
    ("drop", "-N({event_return})"),
    ("abnormal", "-N({abnormal_return})"),
    ("unrecovered", "-N({event_return})*MAX(0,1-N({recovered_share}))"),
    ("runup", "-N({ytd_before})"),
)


def weight_rows(ctx) -> pd.DataFrame:
    """The default weights (:class:`DipWeights`) as the input block's rows."""
    defaults = DipWeights()
    from .producers import _sourced

    frame = pd.DataFrame([dict(item=ctx.t(f"dip.w_{key}"), value=float(getattr(defaults, key)))
                          for key, _ in SCORE_TERMS])
    return _sourced(frame, ctx, "source.user_input", ctx.t("asof.input"))


def dip_screen(ctx):
    from ..tables.dip import dip_screen_table
    from ..tables.earnings import source_text
    from .recovery_view import shown_shares

    names = ctx.names()
    from .producers import _watchlist_table

    # entries that cannot be tickers get their own error rows; the others are screened
    table = _watchlist_table(ctx.watchlist, lambda good: dip_screen_table(good, ctx.event, ctx.settings,
                                                                                markets=ctx.markets or None))
    frame = table.frame.copy()
    frame.insert(2, "name", [names.get(t, "") for t in frame["ticker"]])
    if "why" in frame.columns:  # the notes in the book's language, from their codes
        frame["note"] = ["; ".join(ctx.t(f"dip.why.{code}") for code in str(why).split()) if isinstance(why, str) and why
                         else "" for why in frame["why"]]
    if "event_session" in frame.columns:  # a market that reacted on another session says which, first
        from .i18n import render_notes

        frame["note"] = ["; ".join(n for n in (ctx.t("dip.event_session").format(session=render_notes(s, ctx.lang))
                                               if isinstance(s, str) and has_codes(s) else "", note) if n)
                         for s, note in zip(frame["event_session"], frame["note"])]
    frame["earnings_source"] = [source_text(s, ctx.lang) if isinstance(s, str) else s for s in frame["earnings_source"]]
    # the share as the event table shows it: within -100%..+300%, the raw value in the note
    frame["recovered_share"], frame["note"] = shown_shares(frame["recovered_share"], frame["note"], ctx.lang)
    return table.with_frame(frame)


def weight_cells() -> dict[str, str]:
    """Weight key -> the absolute address of its value cell."""
    _, block = L.block("sb_dip_weights")
    row, col = block.origin
    value_col = L.column_letter(col + [c.key for c in block.columns].index("value"))
    return {key: f"${value_col}${row + 1 + i}" for i, (key, _) in enumerate(SCORE_TERMS)}


def score_formula(row: int) -> str:
    """The score of sheet row ``row``: the weights' cells times the row's cells (blank row: "")."""
    _, block = L.block("sb_dip_screen")
    _, left = block.origin
    cells = {c.key: f"{L.column_letter(left + i)}{row}" for i, c in enumerate(block.columns)}
    weights = weight_cells()
    terms = "+".join(f"{weights[key]}*({term.format(**cells)})" for key, term in SCORE_TERMS)
    return f'=IF(OR({cells["ticker"]}="",{cells["event_return"]}=""),"",{terms})'
