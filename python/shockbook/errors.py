"""shockbook's own errors.

Every error carries its context (the ticker, the date, what would have been valid) as
attributes, so that each adapter can render it in its own way:

* a UDF turns it into a short cell text with :meth:`ShockbookError.cell_text` (Excel caps UDF
  strings at 255 characters);
* the CLI prints :meth:`ShockbookError.one_line` on stderr and exits with :attr:`exit_code`.

No module below the adapters prints, logs-and-swallows or returns ``None`` for a failure: it
raises one of these, or records it per ticker in a result object.
"""

from __future__ import annotations

from typing import Any

#: Excel's limit for a string returned by a UDF.
CELL_TEXT_LIMIT = 255


def shorten(text: str, limit: int = CELL_TEXT_LIMIT, pointer: str = "") -> str:
    """Return ``text`` shortened to ``limit`` characters, never silently.

    When the text is cut, it ends with an ellipsis followed by ``pointer`` (e.g. "see
    Opinions!A12"), so that the reader knows there is more and where to find it.
    """
    if len(text) <= limit:
        return text
    tail = "…" + (f" ({pointer})" if pointer else "")
    return text[: max(0, limit - len(tail))].rstrip() + tail


class ShockbookError(Exception):
    """Base class: a message for people plus the context as attributes.

    Parameters
    ----------
    message:
        One sentence that names the bad input and, where possible, what would be valid.
    **context:
        Anything an adapter may want to show or test (``ticker=``, ``date=``, ``valid=``...).
        The bad argument, option or setting is always named by ``argument=`` (e.g.
        ``argument="event_date"``); ``name=`` is the unknown name itself (an unknown model,
        basket or language), ``field=`` a curated-content field.
    """

    #: Exit status the CLI uses for this kind of error (2 = bad input, 3 = data unavailable).
    exit_code = 2
    #: Short prefix shown in a cell, e.g. ``"#SB! unknown ticker XYZ"``.
    cell_prefix = "#SB!"
    #: The error's kind, a key of the translation table (``error.<kind>`` in
    #: ``workbook/data/labels.csv``): an adapter names the kind in its reader's language and
    #: shows the message after it as raised (``#SB! 데이터 없음: no prices for XYZ ...``).
    error_kind = "error"

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context
        for key, value in context.items():
            setattr(self, key, value)

    def one_line(self) -> str:
        """The message on one line, for stderr."""
        return " ".join(self.message.split())

    def cell_text(self) -> str:
        """The message as a cell text of at most 255 characters."""
        return shorten(f"{self.cell_prefix} {self.one_line()}")

    def __eq__(self, other) -> bool:
        """Errors are values: the same kind, message and context are the same error (a table
        served from a shared fetch equals the table fetched alone)."""
        if not isinstance(other, ShockbookError):
            return NotImplemented
        return type(self) is type(other) and self.message == other.message and self.context == other.context

    def __hash__(self) -> int:
        return hash((type(self), self.message))

    def __reduce__(self):  # keep context across pickling (multiprocessing, caches)
        return (_rebuild, (type(self), self.message, self.context))


def _rebuild(cls, message, context):
    return cls(message, **context)


# --- input ---------------------------------------------------------------------------------


class InputError(ShockbookError):
    """The caller passed something that cannot be valid (a malformed date, an empty list)."""

    error_kind = "input"


class UnknownTickerError(InputError):
    """No source knows this ticker (``ticker=``)."""

    error_kind = "unknown_ticker"

    exit_code = 3


class DateRangeError(InputError):
    """Reversed, empty or out-of-data dates (``start=``, ``end=``, ``valid=``)."""

    error_kind = "date_range"


class NotASessionError(InputError):
    """A date that is not an exchange session and cannot be mapped (``date=``)."""

    error_kind = "not_a_session"


class ContentError(InputError):
    """A curated-content row or field is invalid (``file=``, ``row=``, ``field=``)."""

    error_kind = "content"


class UnknownNameError(InputError):
    """An unknown model, metric, basket, stance... (``name=``, ``valid=``)."""

    error_kind = "unknown_name"


# --- data ----------------------------------------------------------------------------------


class DataError(ShockbookError):
    """Data could not be obtained."""

    error_kind = "data"

    exit_code = 3


class NoDataError(DataError):
    """The source answered but had no rows for this ticker and range
    (``ticker=``, ``start=``, ``end=``, ``valid=`` the range it does have, if known)."""

    error_kind = "no_data"


class SourceUnavailableError(DataError):
    """A source cannot be reached at all (no internet, server down, file missing)."""

    error_kind = "source_unavailable"


class OfflineError(SourceUnavailableError):
    """No internet connection (detected once, quickly)."""

    error_kind = "offline"


class RateLimitError(SourceUnavailableError):
    """Yahoo answered "Too Many Requests" after all retries (``retries=``)."""

    error_kind = "rate_limit"


class SourceFormatError(DataError):
    """The source answered with something we cannot parse (``detail=``)."""

    error_kind = "source_format"


class CacheCorruptError(DataError):
    """The on-disk cache could not be read (``path=``); it is moved aside and rebuilt."""

    error_kind = "cache_corrupt"
