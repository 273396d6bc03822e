"""Model metrics behind report figures 1-4 and 14-16, one value per row (tidy/long format).

Each :class:`Metric` says which model (or, for the Epoch AI trade-off rows, which technique),
which metric, the value and unit, where it comes from and as of when, and flags:

* ``EST``  third-party estimate
* ``DISP`` disputed or often misread
* ``CALC`` arithmetic on published figures (e.g. the 3:1 blended price)
* ``WEAK`` secondary source
* ``DATE`` dated differently from late January 2025

A value that has no sourced figure is NaN with ``qualifier="not published"`` (never invented);
a purely verbal figure ("a few tens of millions") is NaN with ``qualifier="qualitative"``.

The 3:1 blended API price ``(3 x input + 1 x output) / 4`` is not stored: :func:`load_metrics`
computes it from the input/output price rows and flags it ``CALC``, so that correcting a price
in the data file corrects the blend.

Users can add rows (e.g. their own speed measurements) in a CSV with the same columns, passed
as ``user_file`` or named by ``$SHOCKBOOK_METRICS_FILE``; they come after the built-in rows.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError
from ._rows import (
    DATA_DIR,
    Bilingual,
    Loaded,
    RowReader,
    collect,
    merge,
    partial_date_start,
    raise_first,
    read_csv_rows,
)

#: Built-in file.
METRICS_FILE = DATA_DIR / "model_metrics.csv"
#: Environment variable naming the user's metrics file.
METRICS_ENV = "SHOCKBOOK_METRICS_FILE"

FLAGS = ("EST", "DISP", "CALC", "WEAK", "DATE")
#: '' = exact as published.
QUALIFIERS = ("", "approx", "at least", "not published", "qualitative")
#: Qualifiers that go with an empty value.
NO_VALUE = ("not published", "qualitative")

#: Price metrics (USD per 1M tokens).
INPUT_PRICE, OUTPUT_PRICE = "input_price", "output_price"
CACHE_HIT_PRICE, BLENDED_PRICE = "input_price_cache_hit", "blended_price_3to1"
PRICE_UNIT = "USD per 1M tokens"
#: Weights of the blended price (Artificial Analysis' convention: 3 input : 1 output).
BLEND_INPUT_WEIGHT, BLEND_OUTPUT_WEIGHT = 3, 1

COLUMNS = (
    "model", "variant", "metric", "value", "qualifier", "unit", "source", "source_date",
    "valid_from", "flags", "note",
)


@dataclass(frozen=True)
class Metric(Bilingual):
    """One sourced value. ``value`` is NaN when ``qualifier`` is in :data:`NO_VALUE`.

    ``valid_from`` (prices) is the first day the value applies, as ``YYYY[-MM[-DD]]`` text;
    ``""`` means "before any later dated value of the same model/variant/metric".
    ``origin`` is ``"built-in"``, ``"computed"`` or the user file's path.
    """

    model: str
    variant: str
    metric: str
    value: float
    qualifier: str
    unit: str
    source: str
    source_date: str
    valid_from: str
    flags: tuple[str, ...]
    note: str
    origin: str
    model_ko: str = ""
    variant_ko: str = ""
    source_ko: str = ""
    note_ko: str = ""

    @property
    def published(self) -> bool:
        return not math.isnan(self.value)


def _parse(origin: str):
    def parse(reader: RowReader) -> Metric | None:
        qualifier = reader.choice("qualifier", QUALIFIERS, required=False, default="")
        raw_value = reader.get("value")
        blank = raw_value is None or str(raw_value).strip() == ""
        if qualifier in NO_VALUE:
            if not blank:
                reader.fail("value", raw_value, f"must be empty when qualifier is '{qualifier}'")
            value = math.nan
        elif blank:
            reader.fail("value", "", "is missing: give a number, or set qualifier to "
                         "'not published' or 'qualitative'")
            value = None
        else:
            value = reader.number("value")
        values = dict(
            model=reader.text("model"),
            variant=reader.text("variant", required=False),
            metric=reader.text("metric"),
            value=value,
            qualifier=qualifier,
            unit=reader.text("unit"),
            source=reader.text("source"),
            source_date=reader.partial_date("source_date", required=True),
            valid_from=reader.partial_date("valid_from"),
            flags=reader.flags("flags", FLAGS),
            note=reader.text("note", required=False),
        )
        bilingual = origin == "built-in"
        values.update(source_ko=reader.korean("source", values["source"], bilingual=bilingual),
                      note_ko=reader.korean("note", values["note"], bilingual=bilingual),
                      model_ko=reader.text("model_ko", required=False),  # blank: a name, same in both
                      variant_ko=reader.text("variant_ko", required=False))
        if values["metric"] and values["value"] is not None and values["unit"] == PRICE_UNIT \
                and not math.isnan(values["value"]) and values["value"] < 0:
            reader.fail("value", raw_value, "must not be negative for a price")
        return None if reader.errors else Metric(origin=origin, **values)

    return parse


def blended_price(input_price: float, output_price: float) -> float:
    """The 3:1 blended price ``(3 x input + 1 x output) / 4``, in the prices' unit.

    NaN in, NaN out.
    """
    total = BLEND_INPUT_WEIGHT + BLEND_OUTPUT_WEIGHT
    return (BLEND_INPUT_WEIGHT * input_price + BLEND_OUTPUT_WEIGHT * output_price) / total


def _blend_source(input_source: str, output_source: str, lang: str = "en") -> str:
    """The source of a blended price: the sources of its two point prices (the blend is CALC)."""
    named = " + ".join(dict.fromkeys(s for s in (input_source, output_source) if s))
    return f"{named} " + ("(계산: (3 x 입력 + 1 x 출력) / 4)" if lang == "ko" else "(CALC: (3 x input + 1 x output) / 4)")


def _blended_rows(rows: tuple[Metric, ...]) -> list[Metric]:
    """One CALC blended-price row per (model, variant, valid_from) with both point prices."""
    prices: dict[tuple[str, str, str], dict[str, Metric]] = {}
    stored = {(r.model, r.variant, r.valid_from) for r in rows if r.metric == BLENDED_PRICE}
    for row in rows:
        if row.metric in (INPUT_PRICE, OUTPUT_PRICE) and row.published:
            prices.setdefault((row.model, row.variant, row.valid_from), {})[row.metric] = row
    out = []
    for key, pair in prices.items():
        if key in stored or len(pair) != 2:
            continue
        inp, outp = pair[INPUT_PRICE], pair[OUTPUT_PRICE]
        inherited = [f for f in FLAGS if f != "CALC" and (f in inp.flags or f in outp.flags)]
        out.append(
            Metric(
                model=inp.model,
                variant=inp.variant,
                metric=BLENDED_PRICE,
                value=blended_price(inp.value, outp.value),
                qualifier="",
                unit=inp.unit,
                source=_blend_source(inp.source, outp.source),
                source_date=max(inp.source_date, outp.source_date),
                valid_from=inp.valid_from,
                flags=("CALC", *inherited),
                note=f"From input {inp.value:g} and output {outp.value:g} {inp.unit}.",
                origin="computed",
                model_ko=inp.model_ko, variant_ko=inp.variant_ko,
                source_ko=_blend_source(inp.source_ko or inp.source, outp.source_ko or outp.source, "ko"),
                note_ko=f"입력 {inp.value:g}, 출력 {outp.value:g} (100만 토큰당 달러) 기준.",
            )
        )
    return out


def valid_from_key(text: str):
    """Sort key for ``valid_from``: blank sorts first, then by the first day covered."""
    return (0, None) if not text else (1, partial_date_start(text))


def user_metrics_path(user_file: str | os.PathLike | None = None) -> Path | None:
    """The user metrics file: ``user_file`` if given, else ``$SHOCKBOOK_METRICS_FILE``."""
    chosen = user_file if user_file not in (None, "") else os.environ.get(METRICS_ENV) or None
    return Path(chosen).expanduser() if chosen is not None else None


def load_metrics(
    user_file: str | os.PathLike | None = None, *, strict: bool = False
) -> Loaded[Metric]:
    """Load the built-in metrics, the computed 3:1 blended prices, then the user's rows.

    Parameters
    ----------
    user_file:
        Optional CSV of extra rows (same columns); defaults to ``$SHOCKBOOK_METRICS_FILE``.
    strict:
        Raise the first :class:`ContentError` instead of returning it in ``errors``.

    Returns
    -------
    Loaded
        Built-in rows in file order, then computed blended rows, then user rows (whose
        blended prices are computed too).

    Raises
    ------
    ContentError
        The built-in file is invalid (always), or ``strict`` and any user error.
    """
    built = collect(read_csv_rows(METRICS_FILE, required_columns=COLUMNS), _parse("built-in"))
    built.raise_if_errors()
    parts = [built, Loaded(tuple(_blended_rows(built.rows)))]
    path = user_metrics_path(user_file)
    if path is not None:
        try:
            user = collect(
                read_csv_rows(path, required_columns=("model", "metric", "value")),
                _parse(str(path)),
            )
        except ContentError as exc:
            user = Loaded((), (exc,))
        parts += [user, Loaded(tuple(_blended_rows(user.rows)))]
    loaded = merge(*parts)
    if strict and loaded.errors:
        raise_first(loaded.errors)
    return loaded


__all__ = [
    "Metric", "load_metrics", "blended_price", "valid_from_key", "FLAGS", "QUALIFIERS",
    "METRICS_FILE", "METRICS_ENV", "INPUT_PRICE", "OUTPUT_PRICE", "CACHE_HIT_PRICE",
    "BLENDED_PRICE", "PRICE_UNIT",
]
