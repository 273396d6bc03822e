"""NYSE trading sessions, from the maintained ``exchange_calendars`` XNYS calendar.

The calendar knows the holidays and the special closures (e.g. 2025-01-09, the national day of
mourning for President Carter). A date that is not a session is mapped to a documented session
and the result says so:

* an **event date** (or any start date) maps to the **next** session — the first session on
  which the market could react;
* an **as-of / end date** maps to the **previous** session — the last close available then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ..errors import DateRangeError, InputError, NotASessionError

EXCHANGE = "XNYS"
#: Earliest date the calendar is built from (older dates are rejected with a clear message).
CALENDAR_START = "2000-01-03"


@lru_cache(maxsize=1)
def _calendar():
    import warnings

    import exchange_calendars as xc

    with warnings.catch_warnings():  # exchange_calendars 4.13 uses an API pandas 3.1 deprecates
        warnings.simplefilter("ignore", FutureWarning)
        warnings.filterwarnings("ignore", message="Series.values returning an ndarray")
        return xc.get_calendar(EXCHANGE, start=CALENDAR_START)


def to_date(value) -> dt.date:
    """Parse a date given as ``date``, ``datetime``, ``Timestamp`` or ISO text ``YYYY-MM-DD``."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    raise InputError(f"{value!r} is not a date; use YYYY-MM-DD (e.g. 2025-01-27)", value=value)


@dataclass(frozen=True)
class SessionDate:
    """A requested date and the session it maps to (an event date is one of these, see
    :func:`shockbook.tables.events.resolve_event`)."""

    requested: dt.date
    session: dt.date
    reason: str = ""
    market: str = "NYSE"  # whose sessions: the label of a :class:`shockbook.data.markets.Market`

    @property
    def moved(self) -> bool:
        return self.requested != self.session

    @property
    def timestamp(self) -> pd.Timestamp:
        """The session as a pandas Timestamp (the index type of price frames)."""
        return pd.Timestamp(self.session)

    @property
    def note(self) -> str:
        """Empty when the date is a session, else one sentence saying what happened."""
        if not self.moved:
            return ""
        return f"{self.requested} is not {self._article} {self.market} session ({self.reason}); using {self.session}"

    @property
    def note_code(self) -> str:
        """:attr:`note` as a coded note (:mod:`shockbook.notes`) that an adapter says in its
        reader's language; empty when the date is a session."""
        from ..notes import note

        if not self.moved:
            return ""
        if self.reason not in ("weekend", "market holiday or closure"):
            return self.note
        return note("session_weekend" if self.reason == "weekend" else "session_closed", requested=self.requested,
                    market=self.market, session=self.session,
                    article=self._article)

    @property
    def _article(self) -> str:
        """English's article before the market's code ("an XKRX session", "a TSE session")."""
        return "an" if self.market[:1] in "AEFHILMNORSX" else "a"


def calendar_bounds() -> tuple[dt.date, dt.date]:
    cal = _calendar()
    return cal.first_session.date(), cal.last_session.date()


def _check_bounds(day: dt.date) -> None:
    first, last = calendar_bounds()
    if not first <= day <= last:
        raise DateRangeError(
            f"{day} is outside the NYSE calendar shockbook knows ({first} .. {last})",
            date=day,
            valid=(first, last),
        )


def is_session(value) -> bool:
    day = to_date(value)
    _check_bounds(day)
    return bool(_calendar().is_session(pd.Timestamp(day)))


def _why_closed(day: dt.date) -> str:
    if day.weekday() >= 5:
        return "weekend"
    return "market holiday or closure"


def resolve_session(value, direction: str = "next") -> SessionDate:
    """Map a date to an NYSE session.

    Parameters
    ----------
    value:
        The requested date (``date``, ``datetime``, ``Timestamp`` or ISO text).
    direction:
        ``"next"`` (event and start dates) or ``"previous"`` (as-of and end dates).
    """
    if direction not in ("next", "previous"):
        raise ValueError("direction must be 'next' or 'previous'")
    day = to_date(value)
    _check_bounds(day)
    cal = _calendar()
    ts = pd.Timestamp(day)
    if cal.is_session(ts):
        return SessionDate(day, day)
    try:
        moved = cal.date_to_session(ts, direction=direction)
    except Exception as exc:  # exchange_calendars raises its own errors at the bounds
        raise NotASessionError(
            f"{day} is not an NYSE session and has no {direction} session in the calendar",
            date=day,
        ) from exc
    return SessionDate(day, moved.date(), _why_closed(day))


def sessions(start, end) -> pd.DatetimeIndex:
    """Sessions from ``start`` to ``end`` inclusive (tz-naive, named ``date``)."""
    first, last = to_date(start), to_date(end)
    if last < first:
        raise DateRangeError(
            f"end {last} is before start {first}; swap them", start=first, end=last
        )
    lo, hi = calendar_bounds()
    first, last = max(first, lo), min(last, hi)
    if last < first:
        return pd.DatetimeIndex([], name="date")
    out = _calendar().sessions_in_range(pd.Timestamp(first), pd.Timestamp(last))
    return pd.DatetimeIndex(out.tz_localize(None) if out.tz else out, name="date").astype("datetime64[ns]")


def previous_session(value) -> dt.date:
    """The session strictly before ``value``."""
    day = to_date(value)
    _check_bounds(day)
    return _calendar().date_to_session(pd.Timestamp(day) - pd.Timedelta(days=1), "previous").date()


def last_session_of_year(year: int) -> dt.date:
    """The last session of ``year`` (the report's "연초 주가" base for the following year)."""
    return resolve_session(dt.date(year, 12, 31), "previous").session


def last_completed_session(now: dt.datetime | None = None) -> dt.date:
    """The latest session whose close is known at ``now`` (UTC; default: the current time)."""
    cal = _calendar()
    now = pd.Timestamp(now or dt.datetime.now(dt.timezone.utc))
    if now.tzinfo is None:
        now = now.tz_localize("UTC")
    today = now.tz_convert("America/New_York").date()
    today = min(today, calendar_bounds()[1])
    if cal.is_session(pd.Timestamp(today)):
        close = cal.session_close(pd.Timestamp(today))
        if now >= close:
            return today
    return previous_session(today)
