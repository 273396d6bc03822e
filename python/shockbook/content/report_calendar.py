"""February 2025 earnings-report calendar (report table 4): one row per company-day.

Each entry keeps the printed company text and ticker, the ticker/company shockbook resolved
them to, and flags for discrepancies (``TICKER`` wrong printed ticker, ``NAME`` printed name
differs, ``SPACING`` typographic slip). The dates are the report's, not independently sourced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ._rows import DATA_DIR, Bilingual, Loaded, RowReader, collect, read_csv_rows

#: Built-in file.
CALENDAR_FILE = DATA_DIR / "report_calendar.csv"
CALENDAR_FLAGS = ("TICKER", "NAME", "SPACING")
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_COLUMNS = (
    "date", "weekday", "company_printed", "ticker_printed", "ticker", "company",
    "ai_infrastructure", "ai_theme", "flags", "note", "source", "external_confirmation",
)
#: Each English text column and its Korean twin (``<column>_ko``), both required when either is given.
_BILINGUAL = ("ai_theme", "note", "source", "external_confirmation")


@dataclass(frozen=True)
class CalendarEntry(Bilingual):
    """One company on one report day, as printed and as resolved."""

    date: dt.date
    weekday: str
    company_printed: str
    ticker_printed: str
    ticker: str
    company: str
    ai_infrastructure: bool
    ai_theme: str
    flags: tuple[str, ...]
    note: str
    source: str
    external_confirmation: str
    ai_theme_ko: str = ""
    note_ko: str = ""
    source_ko: str = ""
    external_confirmation_ko: str = ""


def _parse(reader: RowReader) -> CalendarEntry | None:
    values = dict(
        date=reader.date("date"),
        weekday=reader.choice("weekday", WEEKDAYS),
        company_printed=reader.text("company_printed"),
        ticker_printed=(reader.tickers("ticker_printed") or (None,))[0],
        ticker=(reader.tickers("ticker") or (None,))[0],
        company=reader.text("company"),
        ai_infrastructure=reader.boolean("ai_infrastructure"),
        ai_theme=reader.text("ai_theme"),
        flags=reader.flags("flags", CALENDAR_FLAGS),
        note=reader.text("note", required=False),
        source=reader.text("source"),
        external_confirmation=reader.text("external_confirmation", required=False),
    )
    values.update({f"{f}_ko": reader.korean(f, values[f]) for f in _BILINGUAL})
    for field in ("ticker", "ticker_printed"):
        if values[field] is None and not reader.errors:
            reader.fail(field, "", "is missing (required)")
    if values["date"] and values["weekday"] and WEEKDAYS[values["date"].weekday()] != values["weekday"]:
        reader.fail("weekday", values["weekday"],
                     f"does not match the date {values['date']} "
                     f"({WEEKDAYS[values['date'].weekday()]})")
    changed = values["ticker"] != values["ticker_printed"]
    if values["flags"] is not None and changed and "TICKER" not in values["flags"]:
        reader.fail("flags", " ".join(values["flags"]),
                     "must include TICKER when ticker differs from ticker_printed")
    if values["flags"] and not values["note"]:
        reader.fail("note", "", "must say what was changed when flags are set")
    return None if reader.errors else CalendarEntry(**values)


def load_calendar(*, strict: bool = True) -> Loaded[CalendarEntry]:
    """Load table 4 (17 company-days in February 2025), in date order as printed.

    Built-in file only; strict by default.
    """
    loaded = collect(read_csv_rows(CALENDAR_FILE, required_columns=_COLUMNS + tuple(f"{f}_ko" for f in _BILINGUAL)), _parse)
    return loaded.raise_if_errors() if strict else loaded
