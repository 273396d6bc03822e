"""How the Event returns sheet shows the share of the drop recovered: capped, with the raw value.

The share ``(P_asof - P_0) / (P_-1 - P_0)`` is a correct ratio that misleads when the drop is
small: it is computed only for drops of at least
:data:`shockbook.tables.events.MIN_DROP_FOR_SHARE` (1%), and shown within
:data:`SHARE_SHOWN` (-100% .. +300%); a value outside is shown at the bound and the row's note
gives the raw value. The CSV/JSON of ``python -m shockbook event`` carry the raw value
(``recovered_asof``, ``recovered_<h>``).
"""

from __future__ import annotations

import math

import pandas as pd

from ..analytics.dip import SHARE_BOUNDS
from .i18n import label

#: The range the sheet shows the share recovered in (fractions): -100% (fell as far again)
#: to +300% (three times the drop regained). The dip screen shows and scores its share in it too.
SHARE_SHOWN = SHARE_BOUNDS


def shown_shares(raw_values, notes, lang: str = "ko") -> tuple[list, list[str]]:
    """Each share recovered capped to :data:`SHARE_SHOWN` (None where there is none), and its
    row's note with the raw value added where it was capped."""
    low, high = SHARE_SHOWN
    shown, out_notes = [], []
    for raw, note in zip(raw_values, notes):
        value = float(raw) if isinstance(raw, (int, float)) and not math.isnan(float(raw)) else None
        capped = None if value is None else min(max(value, low), high)
        shown.append(capped)
        note = note if isinstance(note, str) else ""
        if capped is not None and capped != value:
            extra = label("note.share_capped", lang).format(raw=f"{value:+.0%}", shown=f"{capped:+.0%}")
            note = f"{note}; {extra}" if note else extra
        out_notes.append(note)
    return shown, out_notes


def with_shown_share(frame: pd.DataFrame, lang: str = "ko") -> pd.DataFrame:
    """``frame`` (event-returns rows) with ``share_recovered``: ``recovered_asof`` capped to
    :data:`SHARE_SHOWN`, and the raw value added to ``note`` where it was capped."""
    if "recovered_asof" not in frame.columns:
        return frame
    out = frame.copy()
    out["share_recovered"], out["note"] = shown_shares(out["recovered_asof"], out.get("note", [""] * len(out)), lang)
    return out
