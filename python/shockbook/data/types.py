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
        Free text: the snapshot path, the Yahoo error that caused the fallback...
    """

    source: str
    as_of: datetime
    stale: bool = False
    detail: str = ""

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
