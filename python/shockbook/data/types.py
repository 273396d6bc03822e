"""The value types that cross the data seam.

A :class:`PriceTable` is what every price source returns and what the tables layer consumes:
wide frames (session date x ticker) for ``close`` and ``adj_close``, one :class:`Provenance`
per ticker, and one error per ticker that could not be served. A failure of one ticker never
empties the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from ..errors import ShockbookError

#: The two price fields shockbook keeps for every session.
PRICE_FIELDS = ("close", "adj_close")

#: Price basis of Yahoo's ``close`` (what yfinance calls ``Close`` with ``auto_adjust=False``).
BASIS_SPLIT = "split-adjusted, dividends not adjusted (Yahoo close)"
#: Price basis of Yahoo's ``adjclose``.
BASIS_SPLIT_DIV = "split- and dividend-adjusted (Yahoo adjclose)"


@dataclass(frozen=True)
class Provenance:
    """Where a series came from and as of when.

    Attributes
    ----------
    source:
        ``"yahoo"`` (fetched now), ``"cache"`` (fetched earlier by Yahoo), ``"snapshot"`` (a
        price file) or ``"published"`` (a figure quoted in the report).
    as_of:
        When the data was fetched (Yahoo, cache) or the file's modification time (snapshot),
        timezone-aware UTC.
    stale:
        True when a fresher answer was wanted but could not be had (e.g. served from the
        cache because Yahoo was unreachable, or the last session is older than expected).
    detail:
        Free text: the snapshot path, the Yahoo error that caused the fallback, a session
        still missing, "re-adjusted on <date>", a dropped bad bar...
    close_basis, adj_close_basis:
        The price basis of the ``close`` and ``adj_close`` values served (:data:`BASIS_SPLIT`
        and :data:`BASIS_SPLIT_DIV` for Yahoo and its cache; a snapshot's ``price_basis``,
        e.g. ``yahoo_adj_split_div_asof_2025-12-31``, for both of its fields). Empty when
        unknown.
    """

    source: str
    as_of: datetime
    stale: bool = False
    detail: str = ""
    close_basis: str = ""
    adj_close_basis: str = ""

    def basis(self, field: str) -> str:
        """The price basis of ``field`` (``"close"`` or ``"adj_close"``)."""
        if field not in PRICE_FIELDS:
            raise ValueError(f"price field must be one of {PRICE_FIELDS}, not {field!r}")
        return self.close_basis if field == "close" else self.adj_close_basis

    def label(self) -> str:
        """Short human label, e.g. ``"yahoo 2025-01-28 21:05Z"`` or ``"cache (stale) ..."``."""
        stamp = self.as_of.strftime("%Y-%m-%d %H:%MZ") if self.as_of else "?"
        return f"{self.source}{' (stale)' if self.stale else ''} {stamp}"


def empty_wide() -> pd.DataFrame:
    """An empty session-date x ticker frame with the right index type."""
    return pd.DataFrame(index=pd.DatetimeIndex([], name="date"), dtype="float64")


@dataclass
class PriceTable:
    """Closes and adjusted closes for many tickers, with provenance and per-ticker errors.

    ``close`` and ``adj_close`` share one tz-naive :class:`~pandas.DatetimeIndex` named
    ``date`` (exchange sessions, ascending) and one column per ticker that has data; a ticker
    with no data appears in ``errors`` instead.
    """

    close: pd.DataFrame = field(default_factory=empty_wide)
    adj_close: pd.DataFrame = field(default_factory=empty_wide)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    errors: dict[str, ShockbookError] = field(default_factory=dict)
    #: Things the reader should know that are not errors, one line each, e.g. a bad bar that
    #: was dropped ("NVDA 2025-01-27: close 0 <= 0; treated as no bar") or a re-adjusted series.
    notes: list[str] = field(default_factory=list)
    #: Corporate actions Yahoo reported in the range fetched, per ticker: ``(date, kind,
    #: value)`` with kind ``"split"`` (value: the ratio, 10.0 for 10:1) or ``"dividend"``
    #: (value: amount per share). Only live fetches fill it.
    actions: dict[str, list[tuple]] = field(default_factory=dict)

    @property
    def tickers(self) -> list[str]:
        return list(self.close.columns)

    def field(self, name: str) -> pd.DataFrame:
        """``"close"`` or ``"adj_close"``."""
        if name not in PRICE_FIELDS:
            raise ValueError(f"price field must be one of {PRICE_FIELDS}, not {name!r}")
        return self.close if name == "close" else self.adj_close

    def to_long(self) -> pd.DataFrame:
        """One row per (date, ticker) with a close: ``date,ticker,close,adj_close,source,as_of,stale``.

        Rows come date by date, tickers in column order.
        """
        cols = ["date", "ticker", "close", "adj_close", "source", "as_of", "stale"]
        if self.close.empty:
            return pd.DataFrame(columns=cols)
        adj = self.adj_close.reindex_like(self.close)
        long = pd.DataFrame(
            {
                "date": self.close.index.repeat(self.close.shape[1]),
                "ticker": list(self.close.columns) * len(self.close.index),
                "close": self.close.to_numpy().ravel(),
                "adj_close": adj.to_numpy().ravel(),
            }
        )
        long = long[long["close"].notna()]
        prov = self.provenance
        src = {t: p.source for t, p in prov.items()}
        stamp = {t: p.as_of.isoformat(timespec="seconds") for t, p in prov.items()}
        stale = {t: p.stale for t, p in prov.items()}
        long["source"] = long["ticker"].map(src).fillna("")
        long["as_of"] = long["ticker"].map(stamp).fillna("")
        long["stale"] = long["ticker"].map(stale).fillna(False).astype(bool)
        return long[cols].reset_index(drop=True)

    @staticmethod
    def merge(parts: list["PriceTable"]) -> "PriceTable":
        """Combine tables for disjoint ticker sets (later parts win on overlap)."""
        out = PriceTable()
        closes, adjs = [], []
        for part in parts:
            closes.append(part.close)
            adjs.append(part.adj_close)
            out.provenance.update(part.provenance)
            out.errors.update(part.errors)
            out.notes.extend(n for n in part.notes if n not in out.notes)
        closes = [c for c in closes if not c.empty]
        adjs = [a for a in adjs if not a.empty]
        if closes:
            close = pd.concat(closes, axis=1)
            out.close = close.loc[:, ~close.columns.duplicated(keep="last")].sort_index()
            adj = pd.concat(adjs, axis=1)
            out.adj_close = adj.loc[:, ~adj.columns.duplicated(keep="last")].sort_index()
        for t in out.close.columns:
            out.errors.pop(t, None)
        return out
