"""The report's own Korean words inside an English book, marked as quotes (「…」).

The English book translates everything shockbook says; where a cell quotes the report as
printed ("약 1/20", "696억", a section title), the Korean stays as printed and is marked, so a
reader sees at once that it is the report's wording, not an untranslated label.
"""

from __future__ import annotations

import re

#: A run of Korean text with the figures printed in and right after it ("790억 달러", "약 1/20").
_KOREAN_RUN = re.compile(r"[0-9.,+\-−%]*[\uac00-\ud7a3]+(?:[ 0-9.,+\-−%/·~]*[\uac00-\ud7a3]+)*(?: ?[+\-−]?[0-9][0-9.,/%]*)?")
_MARKED = re.compile(r"「[^」]*」")


def mark_quotes(value, lang: str):
    """``value`` with every Korean run outside 「…」 marked 「like this」 when ``lang`` is en;
    anything else (numbers, the Korean book) unchanged."""
    if lang != "en" or not isinstance(value, str) or not _KOREAN_RUN.search(value):
        return value
    out, last = [], 0
    for kept in _MARKED.finditer(value):
        out.append(_KOREAN_RUN.sub(lambda m: f"「{m.group(0)}」", value[last:kept.start()]))
        out.append(kept.group(0))
        last = kept.end()
    out.append(_KOREAN_RUN.sub(lambda m: f"「{m.group(0)}」", value[last:]))
    return "".join(out)
