"""The texts that name the event: sheet titles, block headings and headers, per event.

Every event sheet says which event (and session) its numbers are for, so that a book built for
``--event 2025-03-10`` never carries the report's "DeepSeek shock (2025-01-27)" title. The
texts are labels of the translation table (``data/labels.csv``) with ``{placeholders}``:

* ``title.<sheet>`` is the report event's title; ``title.<sheet>.event`` the title for any other
  event (``{session}`` is filled in);
* ``block.<name>.event`` likewise replaces a block's heading for another event (e.g. the
  Dashboard's published-vs-recomputed panel becomes the "this event" summary);
* ``header.<name>.<column>.event`` replaces a column header for another event;
* ``context.event`` (and ``context.event_moved``) is appended to the heading of every block
  that needs prices: the event session, and the date its "since the event" figures run to.

Nothing here computes a number: the texts come from the :class:`~.producers.Context`.
"""

from __future__ import annotations

import re

from . import layout as L
from .i18n import has_label, label
from .producers import Context

#: Blocks with a market-model fit (betas, CARs): their headings name the estimation window.
WINDOW_BLOCKS = ("sb_event_returns", "sb_abnormal", "sb_group_tests")

#: The sheets whose numbers depend on the event: their titles name it.
EVENT_SHEETS = ("dashboard", "event_returns", "breadth", "price_paths", "abnormal", "baskets", "dip")


def fields(ctx: Context) -> dict[str, str]:
    """The placeholders of the event texts: ``session``, ``requested``, ``as_of``, ``window``.

    An event that cannot be resolved (a malformed or future date) shows as typed.
    """
    try:
        event = ctx.event
        session, requested = event.session.isoformat(), event.requested.isoformat()
    except Exception:  # noqa: BLE001 - a bad event is reported by the blocks; the title shows it as typed
        session = requested = str(ctx.event_text)
    start, end = ctx.estimation_window
    return dict(session=session, requested=requested, as_of=as_of_text(ctx),
                window=f"[{start:+d}, {end:+d}]")


def as_of_text(ctx: Context) -> str:
    """The session every "since the event" figure runs to (Settings ``as_of``, mapped to the
    session before when it is not one), or the label for "the latest close"."""
    value = ctx.settings.as_of
    if value is None:
        return label("context.latest_close", ctx.lang)
    try:
        from ..data.sessions import resolve_session

        return resolve_session(value, "previous").session.isoformat()
    except Exception:  # noqa: BLE001 - a bad as-of is reported by the blocks; shown as given
        return value.isoformat()


def _variant(key: str, ctx: Context) -> str:
    """``key``'s text for this event: its ``.event`` variant when the event is not the report's."""
    if not ctx.is_report_event and has_label(f"{key}.event"):
        key = f"{key}.event"
    return label(key, ctx.lang).format(**fields(ctx))


def sheet_title(sheet: L.Sheet, ctx: Context) -> str:
    """The A1 title of a sheet, naming the event on the event sheets."""
    return _variant(f"title.{sheet.key}", ctx)


def is_title(sheet_key: str, text) -> bool:
    """Whether ``text`` is a title shockbook writes in A1 of sheet ``sheet_key`` (either
    language, any event): the refresh rewrites such a title, and keeps anything else."""
    if not isinstance(text, str):
        return False
    for lang in ("ko", "en"):
        if text == label(f"title.{sheet_key}", lang):
            return True
        if has_label(f"title.{sheet_key}.event"):
            pattern = re.escape(label(f"title.{sheet_key}.event", lang)).replace(re.escape("{session}"), r"\d{4}-\d{2}-\d{2}")
            if re.fullmatch(pattern, text):
                return True
    return False


def block_heading(block: L.Block, ctx: Context) -> str:
    """A block's heading; blocks that need prices add the event session and the as-of date."""
    text = _variant(block.title_key, ctx)
    if block.prices:
        moved = False
        try:
            moved = ctx.event.moved
        except Exception:  # noqa: BLE001 - as above
            pass
        text += "  |  " + label("context.event_moved" if moved else "context.event", ctx.lang).format(**fields(ctx))
    if block.name in WINDOW_BLOCKS:
        text += " · " + label("context.window", ctx.lang).format(**fields(ctx))
    return text


def column_header(block: L.Block, column: L.Column, ctx: Context) -> str:
    """A column's header; some blocks name their columns differently for another event."""
    if block.name == "sb_price_paths" and column.key != "date":
        from .paths_view import slot_headers

        return slot_headers(ctx).get(column.key) or column.header(ctx.lang)  # the pair's ticker
    key = f"header.{block.name}.{column.key}"
    if not ctx.is_report_event and has_label(f"{key}.event"):
        return label(f"{key}.event", ctx.lang).format(**fields(ctx))
    return column.header(ctx.lang)
