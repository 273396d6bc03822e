"""Analysis notes as codes with parameters: the core says *what* happened, an adapter says it.

The pure core (``analytics/``, ``tables/``) never writes a sentence in a language: a note such
as "the pre-event close was not regained by 2025-06-30" is recorded as a *code* with its
*parameters*, ``note("not_regained", date="2025-06-30")``. Notes stay plain text, so they
travel in a DataFrame's ``note`` column and join with ``"; "`` like any other note::

    ⟦not_regained|date=2025-06-30⟧; ⟦share_capped|raw=-843%|shown=-100%⟧

Each adapter renders them in its reader's language with :func:`render` and the translation
table (``analysis.<code>`` in ``workbook/data/labels.csv``, see
:func:`shockbook.workbook.i18n.render_notes`): the workbook in the book's language, the CLI
in English. Free text next to a code (an error's one-line message) is left as it is.

A list parameter (``dates=["2025-06-19", "2025-06-20"]``) is rendered with the language's
joiner ("2025-06-19 and 2025-06-20" in English).

A note that wraps an error (:func:`error_note`) carries the error's kind and its one-line
message: ``⟦no_cars|kind=no_data|detail=no prices for XYZ⟧``. The adapter names the kind in
its language (``error.<kind>``, "데이터 없음" / "no data") and keeps the message as raised.
"""

from __future__ import annotations

import re
from typing import Callable

OPEN, CLOSE, SEP, LIST = "⟦", "⟧", "|", "~"
_CODE = re.compile(r"⟦([a-z][a-z0-9_]*)((?:\|[a-z][a-z0-9_]*=[^|⟧]*)*)⟧")
#: Characters a parameter value may not carry (they delimit the code): replaced by look-alikes.
_UNSAFE = str.maketrans({"|": "¦", "⟦": "[", "⟧": "]", "~": "-"})


def _value(value) -> str:
    if isinstance(value, (list, tuple)):
        return LIST.join(str(v).translate(_UNSAFE) for v in value)
    return str(value).translate(_UNSAFE)


def note(code: str, **params) -> str:
    """The note ``code`` with ``params`` as text: ``⟦code|name=value|...⟧``.

    Values are turned into text (a list or tuple becomes a list parameter). ``code`` and the
    names are lower-case identifiers.

    Raises
    ------
    ValueError
        ``code`` or a parameter name is not a lower-case identifier.
    """
    for name in (code, *params):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ValueError(f"note code and parameter names are lower-case identifiers, not {name!r}")
    return OPEN + code + "".join(f"{SEP}{k}={_value(v)}" for k, v in params.items()) + CLOSE


def error_note(code: str, error, **params) -> str:
    """The note ``code`` wrapping ``error`` (a :class:`~shockbook.errors.ShockbookError`):
    its kind as ``kind=`` and its one-line message as ``detail=``, plus ``params``."""
    return note(code, kind=getattr(error, "error_kind", "error"), detail=error.one_line(), **params)


def has_codes(text) -> bool:
    """Whether ``text`` may hold a coded note (a text with the opening mark)."""
    return isinstance(text, str) and OPEN in text


def render(text, template: Callable[[str], str], joiner: str,
           kind: Callable[[str], str] | None = None) -> str:
    """``text`` with every coded note replaced by ``template(code).format(**params)``.

    ``template`` returns the sentence of a code with ``{name}`` placeholders (it raises for an
    unknown code); list parameters are joined with ``joiner``; the ``kind`` parameter of an
    :func:`error_note` is said by ``kind(value)`` when given. Anything else in ``text`` is
    kept as it is; a non-text value is returned unchanged.
    """
    if not has_codes(text):
        return text

    def one(match: re.Match) -> str:
        params = dict(part.split("=", 1) for part in match.group(2).split(SEP)[1:])
        params = {k: joiner.join(v.split(LIST)) for k, v in params.items()}
        if kind is not None and "kind" in params:
            params["kind"] = kind(params["kind"])
        return template(match.group(1)).format(**params)

    return _CODE.sub(one, text)
