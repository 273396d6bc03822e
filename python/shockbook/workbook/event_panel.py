"""The Dashboard's "this event" summary: what takes the published-vs-recomputed panel's place
when the event is not the report's.

The report's published figures describe 2025-01-27 only; for any other event the panel holds
the same kinds of rows computed for that event (index moves, breadth, worst/best names, the
theme baskets), in the panel's own columns:

=================== =============================================================
column              holds, for "this event"
=================== =============================================================
``item``            what the row measures (translated)
``published``       the event-day figure as text ("−1.46%", "351 / 503")
``recomputed``      detail (the names and their returns, the basket's members used)
``mark``            the kind of row (index, breadth, names, basket)
``published_value`` the event-day figure as a number (format by ``unit``)
``recomputed_value`` the return since the event, to the as-of date (a fraction)
``where``           the sheet with more
``note``            why a row is empty (its error), else ""
=================== =============================================================

A part that cannot be computed keeps its rows, empty, with the reason in ``note``; the other
parts still fill. No cell is ever NaN (NaN becomes ``None``).
"""

from __future__ import annotations

import math

import pandas as pd

from ..errors import ShockbookError
from .i18n import error_text
from ..tables.result import TableResult
from . import producers as p

#: How many of the worst and best names the summary lists.
NAMES_SHOWN = 3


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def _pct(value) -> str:
    number = _number(value)
    return "-" if number is None else f"{number * 100:+.2f}%".replace("-", "−")


def this_event(ctx: p.Context) -> TableResult:
    """The "this event" summary rows (see the module docstring for the columns)."""
    t = ctx.t
    rows: list[dict] = []

    def row(item, kind, where, *, unit="pct", value=None, text=None, detail="", since=None, note=""):
        value = _number(value)
        rows.append(dict(key=f"{kind}:{item}", unit=unit, item=item,
                         published=text if text is not None else (_pct(value) if unit == "pct" else "-"),
                         recomputed=detail or "-", mark=t(f"panel.kind.{kind}"), published_value=value,
                         recomputed_value=_number(since), where=t(f"sheet.{where}"), note=note))

    names = ctx.names()
    provenance: dict = {}  # the price series behind the rows (the Sources sheet's row)
    tickers = p._index_move_tickers(ctx)
    try:
        found = p._event_returns(ctx, tickers)
        provenance.update(found.provenance)
        moves = found.frame.set_index("ticker")
        for ticker in tickers:
            r = moves.loc[ticker]
            error = r.get("error")
            note = error_text(error, ctx.lang) if isinstance(error, ShockbookError) else (str(error) if error else "")
            row(t("panel.event_return").format(name=names.get(ticker, ticker)), "index", "event_returns",
                value=r.get("event_return"), since=r.get("since_event"), note=note)
    except ShockbookError as exc:
        row(t("panel.index_moves"), "index", "event_returns", note=error_text(exc, ctx.lang))

    try:
        breadth = p._breadth(ctx)
        provenance.update(breadth.provenance)
        summary = breadth.summary.iloc[0]
        row(t("panel.breadth"), "breadth", "breadth", unit="count", value=int(summary["up"]),
            text=f"{int(summary['up'])} / {int(summary['down'])} / {int(summary['total'])}",
            detail=t("panel.breadth_detail"))
        for side, frame in (("worst", breadth.worst), ("best", breadth.best)):
            top = frame.head(NAMES_SHOWN)
            detail = ", ".join(f"{tk} {_pct(r)}" for tk, r in zip(top["ticker"], top["return"]))
            row(t(f"panel.{side}").format(n=NAMES_SHOWN), "names", "breadth",
                value=top["return"].iloc[0] if len(top) else None, detail=detail)
    except ShockbookError as exc:
        row(t("panel.breadth"), "breadth", "breadth", unit="count", note=error_text(exc, ctx.lang))

    try:
        found = p.baskets(ctx)
        provenance.update(found.provenance)
        baskets = found.frame
        for _, b in baskets[baskets["basket"].isin(["theme:infrastructure", "theme:usage", "spread"])].iterrows():
            used = b.get("used")
            detail = t("panel.basket_used").format(n=int(used)) if _number(used) is not None else ""
            row(b["label"], "basket", "baskets", value=b.get("event_return"), since=b.get("since_event"),
                detail=detail)
    except ShockbookError as exc:
        row(t("panel.baskets"), "basket", "baskets", note=error_text(exc, ctx.lang))

    return TableResult(pd.DataFrame(rows), provenance=provenance)
