"""Universes: who was in the S&P 500 on a date.

* **Offline**: a CSV of members (``ticker`` or ``yahoo_ticker``, ``name``, ``gics_sector``...),
  e.g. ``../shared/data/sp500_constituents_2025-01-27.csv``.
* **Live**: the maintained public list of current members and its change history (Wikipedia's
  "List of S&P 500 companies", read with :func:`pandas.read_html`), rolled back to the date by
  :func:`members_as_of`, and kept in the cache folder for a day like prices.
"""

from __future__ import annotations

import datetime as dt
import os
import io
from pathlib import Path

import pandas as pd

from ..errors import InputError, SourceFormatError, SourceUnavailableError
from ..fileio import atomic_path
from .sessions import to_date
from .symbols import yahoo_symbol

WIKIPEDIA_URL = "https://en.wikipedia.org/wiki/List_of_S%26P_500_companies"
COLUMNS = ["ticker", "name", "gics_sector", "gics_sub_industry"]
_TICKER_COLUMNS = ("yahoo_ticker", "ticker", "symbol")


def yahoo_form(symbol: str) -> str:
    """S&P's dotted class shares in Yahoo's dashed form: ``BRK.B`` -> ``BRK-B``.

    The lenient form of the one normaliser (:func:`~shockbook.data.symbols.yahoo_symbol` with
    ``strict=False``): a member list is passed on as published, never refused.
    """
    return yahoo_symbol(symbol, strict=False)


def load_universe_file(path: str | Path) -> pd.DataFrame:
    """Members from a CSV; columns :data:`COLUMNS` (missing descriptive columns are blank).

    Raises :class:`InputError` for a missing or empty file or one without a ticker column.
    """
    p = Path(path).expanduser()
    if not p.exists():
        raise InputError(f"universe file {p} does not exist", path=str(p))
    try:
        raw = pd.read_csv(p, dtype=str)
    except pd.errors.EmptyDataError:
        raise InputError(f"universe file {p} is empty", path=str(p)) from None
    lower = {c.lower().strip(): c for c in raw.columns}
    key = next((lower[c] for c in _TICKER_COLUMNS if c in lower), None)
    if key is None:
        raise InputError(
            f"universe file {p} has no ticker column; found {', '.join(raw.columns)}; "
            f"expected one of {', '.join(_TICKER_COLUMNS)}",
            path=str(p),
        )
    out = pd.DataFrame({"ticker": raw[key].dropna().map(yahoo_form)})
    for col in COLUMNS[1:]:
        source = lower.get(col) or lower.get(col.replace("gics_", "gics "))
        out[col] = raw.loc[out.index, source].fillna("") if source else ""
    out = out[out["ticker"] != ""].drop_duplicates("ticker").reset_index(drop=True)
    if out.empty:
        raise InputError(f"universe file {p} lists no tickers", path=str(p))
    return out


def members_as_of(current: pd.DataFrame, changes: pd.DataFrame, date) -> pd.DataFrame:
    """Roll the current member list back to ``date``.

    Parameters
    ----------
    current:
        Today's members, columns :data:`COLUMNS`.
    changes:
        One row per index change: ``date``, ``added`` (ticker or blank), ``removed`` (ticker or
        blank), ``removed_name`` (optional).
    date:
        The membership date wanted. Changes dated after it are undone, newest first: an added
        ticker is dropped, a removed one comes back (with its name when known).
    """
    day = pd.Timestamp(to_date(date))
    members = {r.ticker: r._asdict() for r in current[COLUMNS].itertuples(index=False)}
    later = changes[pd.to_datetime(changes["date"]) > day].sort_values("date", ascending=False)
    for row in later.itertuples(index=False):
        added = yahoo_form(row.added) if isinstance(row.added, str) and row.added.strip() else ""
        removed = yahoo_form(row.removed) if isinstance(row.removed, str) and row.removed.strip() else ""
        if added:
            members.pop(added, None)
        if removed:
            name = getattr(row, "removed_name", "") or ""
            members.setdefault(removed, {"ticker": removed, "name": name, "gics_sector": "", "gics_sub_industry": ""})
    return pd.DataFrame(list(members.values()), columns=COLUMNS).sort_values("ticker").reset_index(drop=True)


def parse_wikipedia(html: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The current-members table and the change history from the Wikipedia page's HTML."""
    try:
        tables = pd.read_html(io.StringIO(html))
    except ValueError as exc:
        raise SourceFormatError(f"no tables in the S&P 500 page: {exc}") from exc
    if len(tables) < 2:
        raise SourceFormatError("the S&P 500 page no longer has its two tables (members, changes)")
    cur, chg = tables[0], tables[1]
    cur.columns = [str(c).strip().lower() for c in cur.columns]
    need = {"symbol", "security", "gics sector"}
    if not need <= set(cur.columns):
        raise SourceFormatError(f"the members table changed layout: columns {list(cur.columns)}")
    current = pd.DataFrame(
        {
            "ticker": cur["symbol"].astype(str).map(yahoo_form),
            "name": cur["security"].astype(str),
            "gics_sector": cur["gics sector"].astype(str),
            "gics_sub_industry": cur.get("gics sub-industry", pd.Series("", index=cur.index)).astype(str),
        }
    )
    flat = [" ".join(str(x) for x in (c if isinstance(c, tuple) else (c,))).lower() for c in chg.columns]
    chg.columns = flat

    def col(*words):
        for c in flat:
            if all(w in c for w in words):
                return chg[c]
        raise SourceFormatError(f"the changes table changed layout: columns {flat}")

    changes = pd.DataFrame(
        {
            "date": pd.to_datetime(col("date"), errors="coerce", format="mixed"),
            "added": col("added", "ticker").fillna(""),
            "removed": col("removed", "ticker").fillna(""),
            "removed_name": col("removed", "security").fillna(""),
        }
    ).dropna(subset=["date"])
    return current, changes


def fetch_sp500_as_of(date, cache_dir: str | Path, *, max_age_hours: float = 24.0, timeout: float = 10.0) -> pd.DataFrame:
    """S&P 500 members on ``date`` from Wikipedia (cached in ``cache_dir`` for ``max_age_hours``)."""
    folder = Path(cache_dir).expanduser()
    page = folder / "sp500_wikipedia.html"
    fresh = page.exists() and (
        dt.datetime.now().timestamp() - page.stat().st_mtime < max_age_hours * 3600
    )
    if not fresh:
        try:
            from .network import ca_bundle, requests_session  # office proxy and CA settings

            resp = requests_session(ca_bundle(os.environ.get("SHOCKBOOK_CA_BUNDLE"))).get(WIKIPEDIA_URL, timeout=timeout)
            resp.raise_for_status()
            with atomic_path(page) as tmp:
                tmp.write_text(resp.text, encoding="utf-8")
        except Exception as exc:  # noqa: BLE001 - any network failure: use the cached page if any
            if not page.exists():
                raise SourceUnavailableError(
                    f"cannot read the S&P 500 member list ({type(exc).__name__}); "
                    "pass --universe-file FILE to use a CSV instead"
                ) from exc
    current, changes = parse_wikipedia(page.read_text(encoding="utf-8"))
    return members_as_of(current, changes, date)


def universe_members(settings, universe_file=None, as_of=None) -> pd.DataFrame:
    """The universe for ``settings``: ``universe_file``, else ``settings.universe_file``, else the
    S&P 500 on ``as_of`` (default today) from the public list (cached for a day; offline, only a
    cached copy is used).

    Raises
    ------
    InputError
        The file is missing, empty or has no ticker column; offline with no file and no cached list.
    SourceUnavailableError
        The public list cannot be read and none is cached.
    """
    import math

    path = universe_file or settings.universe_file
    if path:
        return load_universe_file(path)
    cache = Path(settings.cache_dir).expanduser()
    if settings.offline and not (cache / "sp500_wikipedia.html").exists():
        raise InputError(
            "offline with no universe file: pass --universe-file FILE (a CSV with a ticker "
            "column, e.g. ../shared/data/sp500_constituents_2025-01-27.csv) or set "
            "SHOCKBOOK_UNIVERSE_FILE",
        )
    hours = math.inf if settings.offline else 24.0
    return fetch_sp500_as_of(as_of or dt.date.today(), cache, max_age_hours=hours, timeout=settings.yahoo_timeout)
