"""One settings object for every way in (CLI, UDFs, macros, build, tests).

Precedence, highest first:

1. explicit arguments (CLI flags, keyword arguments, the workbook's Settings sheet);
2. environment variables ``SHOCKBOOK_<KEY>`` (e.g. ``SHOCKBOOK_OFFLINE=1``);
3. the defaults below.

Every key is listed in the README ("Settings"). :func:`Settings.from_env` reads the
environment once; :meth:`Settings.replace` applies explicit overrides.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .errors import InputError

ENV_PREFIX = "SHOCKBOOK_"

#: The sources the price service may use, in the order they are tried.
KNOWN_SOURCES = ("live", "cache", "snapshot")


def _default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("shockbook", appauthor=False))


def _parse_bool(key: str, text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise InputError(f"{ENV_PREFIX}{key.upper()}={text!r} is not a yes/no value (use 1 or 0)", argument=key)


def _parse_date(key: str, value: Any) -> dt.date:
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10] if len(text) > 10 and text[10] in "T " else text)
    except ValueError:
        raise InputError(f"{key} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-01-30",
                         argument=key) from None


def _parse_sources(text: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    items = text.split(",") if isinstance(text, str) else list(text)
    sources = tuple(s.strip().lower() for s in items if s and s.strip())
    bad = [s for s in sources if s not in KNOWN_SOURCES]
    if bad or not sources:
        raise InputError(
            f"unknown price source(s) {bad or sources!r}; valid: {', '.join(KNOWN_SOURCES)}",
            sources=sources,
        )
    return sources


@dataclass(frozen=True)
class Settings:
    """Everything a run of shockbook can be told. Frozen: use :meth:`replace`.

    Attributes
    ----------
    cache_dir:
        Folder of the persistent price cache (default: the user cache folder,
        e.g. ``%LOCALAPPDATA%\\shockbook\\Cache`` on Windows, ``~/.cache/shockbook`` on Linux).
    offline:
        Never touch the network; serve from the cache and the snapshot only.
    snapshot:
        A long-format price file (``.csv``, ``.csv.gz``, ``.parquet``) used as the last fallback,
        or as the only source with ``offline``; a folder of them, or several joined with
        :data:`os.pathsep`, are read as one.
    sources:
        Order of the fallback chain, a subset of ``live,cache,snapshot``.
    price_field:
        ``close`` (as quoted) or ``adj_close`` (split and dividend adjusted) for returns.
    benchmark:
        Index used for abnormal returns and the "index beside it" figures (for US tickers).
    market_benchmarks:
        Benchmarks of the other markets, ``"XKRX=^KQ11,XTKS=^TOPX"`` (exchange code or label);
        a market not named keeps its default from ``content/data/markets.yaml`` (^KS11 KRX,
        ^N225 Tokyo, ^STOXX50E Europe).
    universe_file:
        CSV of universe members (``ticker``/``yahoo_ticker``, ``name``, ``gics_sector``...).
    fresh_minutes:
        How long cached data for the latest session counts as fresh before a refresh asks Yahoo
        again (history before the latest session never expires).
    cache_lock_timeout:
        Seconds to wait for the price cache while another process holds its write lock; after
        that the run goes on without saving (a warning says so) and the file is kept.
    gap_retry_sessions:
        A past session Yahoo answered without a (usable) bar is asked for again on every
        refresh until this many sessions have passed; meanwhile the series is marked stale.
    yahoo_timeout, yahoo_retries, yahoo_backoff:
        Per-request timeout (s), retries after a rate limit or server error, first backoff (s,
        doubled each retry, with random jitter of up to one first backoff).
    yahoo_max_wait:
        Total seconds one fetch may spend waiting between retries (backoff and ``Retry-After``
        together). Short for interactive use; a nightly job can allow minutes. A wait Yahoo
        asks for that does not fit is not waited: the tickers fall back to the cache/snapshot
        and the message says when to try again.
    yahoo_workers:
        How many Yahoo downloads run at once (1 = one after another).
    ca_bundle:
        CA certificate file (PEM) to trust for every HTTPS call, e.g. the certificate of an
        office's TLS-inspecting proxy. Default: ``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE`` or
        ``SSL_CERT_FILE`` when set; else, on Windows, the Windows certificate store; else
        certifi's roots.
    coalesce_ms:
        How long concurrent requests wait to be merged into one fetch (an Excel recalculation
        fires many UDFs at once).
    lang:
        ``ko`` or ``en`` for workbook labels and curated text.
    opinions_file:
        Optional user file of extra opinion rows merged after the report's.
    metrics_file:
        Optional user file of model metrics (e.g. your own speed and latency measurements)
        merged after the built-in ones.
    max_workbook_mb, max_part_mb, max_parts, max_zip_ratio:
        Limits on a workbook given to ``refresh``, checked from its zip directory before any
        part is read (see :mod:`shockbook.limits`): total and per-part uncompressed size (MB),
        number of parts, and the uncompressed/compressed ratio of a part over 1 MB.
    max_user_file_mb:
        Largest user file read (opinions, metrics, watchlist, universe list), in MB.
    estimation_start, estimation_end:
        The market model's estimation window in sessions relative to the event (default
        ``[-250, -11]``, MacKinlay 1997): every table (and so every sheet and UDF) fits its betas
        over this one window.
    as_of:
        The last date every "since the event" figure, recovery, price path and chart runs to
        (``YYYY-MM-DD``; a non-session maps to the session before). ``None``: the latest close.
    """

    cache_dir: Path = field(default_factory=_default_cache_dir)
    offline: bool = False
    snapshot: Path | None = None
    sources: tuple[str, ...] = KNOWN_SOURCES
    price_field: str = "close"
    benchmark: str = "^GSPC"
    market_benchmarks: str = ""
    universe_file: Path | None = None
    fresh_minutes: float = 15.0
    cache_lock_timeout: float = 10.0
    gap_retry_sessions: int = 10
    yahoo_timeout: float = 10.0
    yahoo_retries: int = 3
    yahoo_backoff: float = 0.5
    yahoo_max_wait: float = 30.0
    yahoo_workers: int = 8
    ca_bundle: Path | None = None
    coalesce_ms: float = 25.0
    lang: str = "ko"
    opinions_file: Path | None = None
    metrics_file: Path | None = None
    max_workbook_mb: float = 100.0
    max_part_mb: float = 50.0
    max_parts: int = 1000
    max_zip_ratio: float = 100.0
    max_user_file_mb: float = 16.0
    estimation_start: int = -250
    estimation_end: int = -11
    as_of: dt.date | None = None

    @property
    def estimation_window(self) -> tuple[int, int]:
        """``(estimation_start, estimation_end)``, sessions relative to the event."""
        return int(self.estimation_start), int(self.estimation_end)

    def __post_init__(self) -> None:
        if not int(self.estimation_start) < int(self.estimation_end):
            raise InputError(f"estimation window [{self.estimation_start}, {self.estimation_end}]: the start "
                             "must be before the end (sessions relative to the event, e.g. -250 and -11)",
                             argument="estimation_start")
        if self.as_of is not None and not isinstance(self.as_of, dt.date):
            object.__setattr__(self, "as_of", _parse_date("as_of", self.as_of))
        elif isinstance(self.as_of, dt.datetime):
            object.__setattr__(self, "as_of", self.as_of.date())
        if self.price_field not in ("close", "adj_close"):
            raise InputError(f"price field must be close or adj_close, not {self.price_field!r}")
        if self.lang not in ("ko", "en"):
            raise InputError(f"language must be ko or en, not {self.lang!r}")
        object.__setattr__(self, "sources", _parse_sources(self.sources))
        if not 1 <= int(self.yahoo_workers) <= 32:
            raise InputError(f"{ENV_PREFIX}YAHOO_WORKERS must be from 1 to 32, not {self.yahoo_workers!r}",
                             argument="yahoo_workers")
        for name, (low, positive) in _BOUNDS.items():  # a negative timeout is bad input, not "no data"
            value = getattr(self, name)
            if not (value > low if positive else value >= low):  # also refuses nan
                raise InputError(f"{ENV_PREFIX}{name.upper()} must be {'>' if positive else '>='} {low}, "
                                 f"not {value!r}", argument=name)

    # -- construction --------------------------------------------------------------------

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Defaults, then ``SHOCKBOOK_*`` variables, then ``overrides`` (ignoring ``None``)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("cache_dir", "snapshot", "universe_file", "opinions_file", "metrics_file", "ca_bundle"):
            if isinstance(values.get(key), str):
                values[key] = Path(values[key]).expanduser()
        return cls(**values)

    def replace(self, **overrides: Any) -> "Settings":
        """A copy with the given keys changed (``None`` values are ignored)."""
        changes = {k: v for k, v in overrides.items() if v is not None}
        return dataclasses.replace(self, **changes)

    def active_sources(self) -> tuple[str, ...]:
        """The fallback chain actually used: ``offline`` drops ``live``; no snapshot drops it."""
        chain = [s for s in self.sources if not (self.offline and s == "live")]
        if self.snapshot is None:
            chain = [s for s in chain if s != "snapshot"]
        return tuple(chain)

    @staticmethod
    def keys() -> list[tuple[str, str]]:
        """(environment variable, default) for every key, for the README and ``--help``."""
        out = []
        for f in dataclasses.fields(Settings):
            default = f.default if f.default is not dataclasses.MISSING else "(user cache folder)"
            out.append((ENV_PREFIX + f.name.upper(), str(default)))
        return out


#: Numeric settings and their bounds: ``name: (bound, strictly above it)``.
_BOUNDS = {
    "yahoo_timeout": (0, True), "yahoo_max_wait": (0, False), "yahoo_retries": (0, False),
    "yahoo_backoff": (0, False), "cache_lock_timeout": (0, False), "gap_retry_sessions": (0, False),
    "fresh_minutes": (0, False), "coalesce_ms": (0, False),
    "max_workbook_mb": (0, True), "max_part_mb": (0, True), "max_parts": (0, True), "max_zip_ratio": (1, False),
    "max_user_file_mb": (0, True),
}


def _convert(name: str, raw: str) -> Any:
    kind = {f.name: f.type for f in dataclasses.fields(Settings)}[name]
    kind = str(kind)
    try:
        if kind == "bool":
            return _parse_bool(name, raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise InputError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a number", argument=name) from None
    if name == "sources":
        return _parse_sources(raw)
    return raw
