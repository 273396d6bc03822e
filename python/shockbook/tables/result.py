"""What a table function returns: the rows plus the context an adapter shows beside them.

A :class:`TableResult` replaces the ``DataFrame.attrs`` keys that used to travel between the
layers. Errors stay :class:`~shockbook.errors.ShockbookError` objects here; each adapter renders
them its own way (the UDFs with ``cell_text()``, the CLI with ``one_line()``, the workbook
writer as a note).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import pandas as pd

from ..errors import ShockbookError


@dataclass(frozen=True, eq=False)
class TableResult:
    """One table and its context.

    Attributes
    ----------
    frame:
        The rows, with the table's documented columns (a per-row ``error`` column, where the
        table has one, holds the row's :class:`ShockbookError` or ``""``).
    errors:
        ``{ticker or name: ShockbookError}`` for entries the table could not place or serve
        (a content table lists the user's rejected rows in ``rejected`` instead).
    provenance:
        ``{ticker or part: Provenance or label}``: where the numbers come from. A price table
        gives each series' :class:`~shockbook.data.types.Provenance` (source, price basis,
        as-of); others a short text (``"published"``).
    notes:
        Lines the adapter shows under the table (corrections, moved dates, skipped parts).
    """

    frame: pd.DataFrame
    errors: Mapping[str, ShockbookError] = field(default_factory=dict)
    provenance: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def with_frame(self, frame: pd.DataFrame) -> "TableResult":
        """The same context over other rows (a cut or a reshaped copy)."""
        return replace(self, frame=frame)


@dataclass(frozen=True, eq=False)
class ContentTable(TableResult):
    """A curated-content table. ``rejected``: the user's rows that failed validation
    (:class:`~shockbook.errors.ContentError`, in file order); ``labels``: names the table
    shows in its header (e.g. the two scaling laws, the API-cost reference model)."""

    rejected: tuple[ShockbookError, ...] = ()
    labels: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class EventTable(TableResult):
    """A table over an event's prices: the event session, the date asked for, the note when
    they differ (a weekend or holiday moved forward), the benchmark and the price field.
    ``extra``: what only some tables have (``base_date``, ``estimation_window``,
    ``universe_size``, the shared ``study``)."""

    event: str = ""
    event_requested: str = ""
    session_note: str = ""
    benchmark: str = ""
    price_field: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class EarningsTable(TableResult):
    """An earnings calendar for one month: ``month`` ("YYYY-MM"), ``source`` (the sources
    used, comma-separated); for the grid also ``legend`` and ``source_text`` in its language.
    ``notes`` lists corrections, moved dates and missing companies; ``errors`` the companies
    no source could place."""

    month: str = ""
    source: str = ""
    legend: str = ""
    source_text: str = ""


__all__ = ["TableResult", "ContentTable", "EventTable", "EarningsTable"]
