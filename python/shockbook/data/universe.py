"""Universes: who was in the S&P 500 on a date.

* **Offline**: a CSV of members (``ticker`` or ``yahoo_ticker``, ``name``, ``gics_sector``...),
  e.g. ``../shared/data/sp500_constituents_2025-01-27.csv``.
* **Live**: the maintained public list of current members (Wikipedia's "List of S&P 500
  companies") and its change history (on the same page until 2026-08; since then on "Historical
  components of the S&P 500"), read with :func:`pandas.read_html` (lxml) by header meaning,
  rolled back to the date by :func:`members_as_of`; the last good copy of each page is kept in
  the cache folder and reused for a day (offline: for ever).
"""

from __future__ import annotations

import datetime as dt
import os
import io
import re
from pathlib import Path

import pandas as pd

from ..errors import InputError, SourceFormatError, SourceUnavailableError
from ..fileio import atomic_path
from ..limits import check_file_size
from .sessions import to_date
from .symbols import yahoo_symbol

WIKIPEDIA_URL = "https://en.wikipedia.org/wiki/List_of_S%26P_500_companies"
HISTORY_URL = "https://en.wikipedia.org/wiki/Historical_components_of_the_S%26P_500"
COLUMNS = ["ticker", "name", "gics_sector", "gics_sub_industry"]
_TICKER_COLUMNS = ("yahoo_ticker", "ticker", "symbol")


def yahoo_form(symbol: str) -> str:
    """S&P's dotted class shares in Yahoo's dashed form: ``BRK.B`` -> ``BRK-B``.

    The lenient form of the one normaliser (:func:`~shockbook.data.symbols.yahoo_symbol` with
    ``strict=False``): a member list is passed on as published, never refused.
    """
    return yahoo_symbol(symbol, strict=False)


def load_universe_file(path: str | Path) -> pd.DataFrame:
    """Members from a CSV; columns :data:`COLUMNS` (missing descriptive columns are blank), and
    ``exchange`` when the file has one (see :mod:`shockbook.data.markets`).

    Raises :class:`InputError` for a missing or empty file or one without a ticker column.
    """
    p = Path(path).expanduser()
    if not p.exists():
        raise InputError(f"universe file {p} does not exist", path=str(p))
    check_file_size(p, "universe file")
    try:
        raw = pd.read_csv(p, dtype=str)
    except pd.errors.EmptyDataError:
        raise InputError(f"universe file {p} is empty", path=str(p)) from None
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError, OSError) as exc:
        why = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else type(exc).__name__
        raise InputError(f"universe file {p} cannot be read as a CSV file ({why}); give a CSV with a "
                         f"{' or '.join(_TICKER_COLUMNS)} column", path=str(p)) from None
    lower = {str(c).lower().strip(): c for c in raw.columns}
    key = next((lower[c] for c in _TICKER_COLUMNS if c in lower), None)
    if key is None:  # column names are shown only if they look like names: the file may be anything
        names = [str(c) for c in raw.columns]
        plain = len(names) <= 12 and all(re.fullmatch(r"[A-Za-z_][\w .()-]{0,39}", n) for n in names)
        found = ", ".join(names) if plain else f"{len(names)} columns, not shown"
        raise InputError(
            f"universe file {p} has no ticker column; found {found}; "
            f"expected one of {', '.join(_TICKER_COLUMNS)}",
            path=str(p),
        )
    out = pd.DataFrame({"ticker": raw[key].dropna().map(yahoo_form)})
    for col in COLUMNS[1:]:
        source = lower.get(col) or lower.get(col.replace("gics_", "gics "))
        out[col] = raw.loc[out.index, source].fillna("") if source else ""
    if "exchange" in lower:  # a universe on another market names its exchange (e.g. XKRX)
        out["exchange"] = raw.loc[out.index, lower["exchange"]].fillna("").str.strip().str.upper()
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


# -- the public S&P 500 pages -------------------------------------------------------------------
#
# Two layouts are read, by the meaning of their header cells, not by position:
#
# * old (to 2026-08): "List of S&P 500 companies" holds the members table (``id="constituents"``:
#   Symbol, Security, GICS Sector, GICS Sub-Industry, ...) and the change history (``id="changes"``:
#   Effective Date | Added: Ticker, Security | Removed: Ticker, Security | Reason);
# * new: the list page keeps the members; the change history moved to "Historical components of
#   the S&P 500", whose table adds a "Refs" column.


def _flat(col) -> str:
    parts = col if isinstance(col, tuple) else (col,)
    out = []
    for p in parts:
        text = " ".join(str(p).split()).lower()
        if text and not text.startswith("unnamed") and text not in out:
            out.append(text)
    return " ".join(out)


def _find(columns: list[str], *words: str, avoid: tuple[str, ...] = ()) -> str | None:
    for c in columns:
        if all(w in c for w in words) and not any(a in c for a in avoid):
            return c
    return None


def _members_table(table: pd.DataFrame) -> pd.DataFrame | None:
    """The members table read by meaning (symbol/ticker, security/company, GICS sector), or None."""
    cols = [_flat(c) for c in table.columns]
    sym = _find(cols, "symbol") or _find(cols, "ticker")
    name = _find(cols, "security") or _find(cols, "company")
    sector = _find(cols, "gics sector") or _find(cols, "sector", avoid=("sub",))
    if not (sym and name and sector) or _find(cols, "added", "ticker") or _find(cols, "removed"):
        return None
    table = table.set_axis(cols, axis=1)
    sub = _find(cols, "sub-industry") or _find(cols, "sub industry") or _find(cols, "industry")
    return pd.DataFrame({
        "ticker": table[sym].astype(str).map(yahoo_form),
        "name": table[name].astype(str),
        "gics_sector": table[sector].astype(str),
        "gics_sub_industry": table[sub].astype(str) if sub else "",
    })


def _changes_table(table: pd.DataFrame) -> pd.DataFrame | None:
    """The change history read by meaning (date, added/removed ticker and security; extra
    columns such as Reason or Refs ignored), or None."""
    cols = [_flat(c) for c in table.columns]
    date = _find(cols, "date")
    added = _find(cols, "added", "ticker") or _find(cols, "added", "symbol")
    removed = _find(cols, "removed", "ticker") or _find(cols, "removed", "symbol")
    if not (date and added and removed):
        return None
    table = table.set_axis(cols, axis=1)
    gone_name = _find(cols, "removed", "security") or _find(cols, "removed", "company")
    out = pd.DataFrame({
        "date": pd.to_datetime(table[date].astype(str).str.replace(r"\[.*?\]", "", regex=True).str.strip(),
                               errors="coerce", format="mixed"),
        "added": table[added].fillna("").astype(str),
        "removed": table[removed].fillna("").astype(str),
        "removed_name": table[gone_name].fillna("").astype(str) if gone_name else "",
    }).dropna(subset=["date"])
    for c in ("added", "removed", "removed_name"):
        out[c] = out[c].replace({"nan": ""}).str.strip()
    return out


def _tables(html: str, what: str) -> list[pd.DataFrame]:
    try:
        return pd.read_html(io.StringIO(html), flavor="lxml")
    except ValueError as exc:
        raise SourceFormatError(f"no tables in the {what}: {exc}") from exc


def parse_members(html: str) -> pd.DataFrame:
    """The current members (columns :data:`COLUMNS`) from the HTML of the list page, old or
    new layout. Raises :class:`SourceFormatError` when no table has a members header."""
    for table in _tables(html, "S&P 500 list page"):
        found = _members_table(table)
        if found is not None and len(found):
            return found
    raise SourceFormatError("the S&P 500 list page has no members table (Symbol, Security, GICS Sector)")


def parse_changes(html: str) -> pd.DataFrame:
    """The change history (``date, added, removed, removed_name``) from either page: the old
    list page or "Historical components of the S&P 500" (with or without a Refs column).
    Raises :class:`SourceFormatError` when no table has a changes header."""
    for table in _tables(html, "S&P 500 change history"):
        found = _changes_table(table)
        if found is not None:
            return found
    raise SourceFormatError("no S&P 500 change-history table (Date, Added, Removed) on the page")


def parse_wikipedia(html: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The members table and the change history from one page holding both (the old layout)."""
    try:
        return parse_members(html), parse_changes(html)
    except SourceFormatError as exc:
        raise SourceFormatError(f"the S&P 500 page no longer has its two tables (members, changes): {exc}") from exc


#: Cached last good copies, in the cache folder.
MEMBERS_PAGE = "sp500_wikipedia.html"
CHANGES_PAGE = "sp500_changes.html"
#: What to do when the public list cannot be had.
UNIVERSE_HINT = ("pass --universe-file FILE (a CSV with a ticker column, e.g. "
                 "../shared/data/sp500_constituents_2025-01-27.csv) or set SHOCKBOOK_UNIVERSE_FILE")


def _http_get(url: str, timeout: float) -> str:
    from .network import ca_bundle, requests_session  # office proxy and CA settings

    resp = requests_session(ca_bundle(os.environ.get("SHOCKBOOK_CA_BUNDLE"))).get(
        url, timeout=timeout, headers={"User-Agent": "shockbook (+https://pypi.org/project/shockbook)"})
    resp.raise_for_status()
    return resp.text


def _page(url: str, path: Path, parse, fresh: bool, timeout: float, get, problems: list[str]):
    """Fetch and parse ``url``; keep it as the last good copy at ``path`` only when it parses.
    On any failure, the last good copy. Returns ``(parsed, html)`` or ``(None, None)``."""
    if not fresh:
        try:
            html = get(url, timeout)
            parsed = parse(html)
            with atomic_path(path) as tmp:
                tmp.write_text(html, encoding="utf-8")
            return parsed, html
        except SourceFormatError as exc:
            problems.append(f"{url}: {exc.one_line()}")
        except Exception as exc:  # noqa: BLE001 - any network failure: the last good copy
            problems.append(f"{url}: {type(exc).__name__}: {' '.join(str(exc).split())[:160]}")
    if path.exists():
        try:
            html = path.read_text(encoding="utf-8")
            return parse(html), html
        except (SourceFormatError, OSError) as exc:
            problems.append(f"cached {path.name}: {exc}")
    return None, None


def fetch_sp500_as_of(date, cache_dir: str | Path, *, max_age_hours: float = 24.0, timeout: float = 10.0,
                      get=None, warnings: list[str] | None = None, offline: bool = False) -> pd.DataFrame:
    """S&P 500 members on ``date`` from the public list and its change history.

    The members come from :data:`WIKIPEDIA_URL`; the changes from the same page (old layout)
    or from :data:`HISTORY_URL` (new layout). Each page is kept in ``cache_dir`` as the last
    good copy (only once it parses) and reused for ``max_age_hours``; when a page cannot be
    fetched or read, the last good copy is used and a line is added to ``warnings``.
    ``get(url, timeout) -> html`` is the HTTP call (default: ``requests``); ``offline``: never
    called, only the cached copies are read.

    Raises
    ------
    SourceUnavailableError
        Neither the live pages nor a good cached copy give both tables; the message says
        what to do (``--universe-file``).
    """
    get = get or _http_get
    folder = Path(cache_dir).expanduser()
    members_path, changes_path = folder / MEMBERS_PAGE, folder / CHANGES_PAGE

    def young(path: Path) -> bool:
        if offline:
            return True
        return path.exists() and dt.datetime.now().timestamp() - path.stat().st_mtime < max_age_hours * 3600

    problems: list[str] = []
    current, html = _page(WIKIPEDIA_URL, members_path, parse_members, young(members_path), timeout, get, problems)
    changes = None
    if html is not None:
        try:
            changes = parse_changes(html)  # the old layout: both tables on the list page
        except SourceFormatError:
            changes = None
    if changes is None:
        changes, _ = _page(HISTORY_URL, changes_path, parse_changes, young(changes_path), timeout, get, problems)
    if current is None or changes is None:
        missing = "members" if current is None else "change history"
        raise SourceUnavailableError(
            f"cannot read the S&P 500 {missing} (public list moved or unreachable, no good cached copy); "
            + UNIVERSE_HINT + (f" [{'; '.join(problems)}]" if problems else ""),
            problems=problems,
        )
    if problems and warnings is not None:
        warnings.append("S&P 500 list: used the last good cached copy (" + "; ".join(problems) + ")")
    return members_as_of(current, changes, date)


def universe_members(settings, universe_file=None, as_of=None, warnings: list[str] | None = None) -> pd.DataFrame:
    """The universe for ``settings``: ``universe_file``, else ``settings.universe_file``, else the
    S&P 500 on ``as_of`` (default today) from the public list (cached for a day; offline, only a
    cached copy is used). A fallback to a cached copy adds a line to ``warnings``.

    Raises
    ------
    InputError
        The file is missing, empty or has no ticker column; offline with no file and no cached list.
    SourceUnavailableError
        The public list cannot be read and no good copy is cached (the message names
        ``--universe-file``).
    """
    import math

    path = universe_file or settings.universe_file
    if path:
        return load_universe_file(path)
    cache = Path(settings.cache_dir).expanduser()
    if settings.offline and not (cache / MEMBERS_PAGE).exists():
        raise InputError("offline with no universe file: " + UNIVERSE_HINT)
    hours = math.inf if settings.offline else 24.0
    return fetch_sp500_as_of(as_of or dt.date.today(), cache, max_age_hours=hours, timeout=settings.yahoo_timeout,
                             offline=settings.offline, warnings=warnings)
