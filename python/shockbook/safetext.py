"""How text from data and user files reaches a spreadsheet: always as text, never as a formula.

A company name, an opinion, a metric or a ticker comes from outside shockbook (Yahoo, the S&P
member list, the user's own files, a colleague's workbook). A spreadsheet reads text that starts
with ``=``, ``+``, ``-`` or ``@`` as a formula when it is typed or imported (``+cmd|' /C
calc'!A0`` is a DDE call), and a leading tab or carriage return hides such a lead from a naive
check. The one rule, used by every writer:

* **text** that starts with one of :data:`FORMULA_LEADS` is written as text: a string cell in a
  file (never a formula cell), an apostrophe before it where text is typed into Excel (xlwings
  ``Range.value``), an apostrophe before it in a CSV field (OWASP's CSV-injection rule);
* **numbers stay numbers** (``-0.05`` is a float, not text, and is written as one);
* the user's own formulas in cells shockbook does not own are never read or written: writers
  only touch the ranges the layout owns.

The functions here are pure: no Excel library, no I/O.
"""

from __future__ import annotations

from typing import Any

#: The leading characters that make a spreadsheet read text as a formula (or hide such a lead).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

#: Excel's own mark for "this cell is text": typed first, it is not shown.
TEXT_MARK = "'"


def is_formula_text(value: Any) -> bool:
    """True for a ``str`` that a spreadsheet would read as a formula (it starts with a lead).

    Only text counts: ``-0.05`` as a number is a number; ``"-0.05"`` as text is flagged.
    """
    return isinstance(value, str) and value.startswith(FORMULA_LEADS)


def typed_text(value: Any) -> Any:
    """``value`` as it must be typed into a live cell (xlwings ``Range.value``) to stay as it is.

    Text that starts with a formula lead, or with Excel's own apostrophe (which Excel would eat),
    gets an apostrophe in front; Excel stores the rest as text and shows it unchanged. Anything
    else (numbers, dates, ``None``, other text) is returned unchanged.
    """
    if isinstance(value, str) and (value.startswith(FORMULA_LEADS) or value.startswith(TEXT_MARK)):
        return TEXT_MARK + value
    return value


def csv_field(value: Any) -> Any:
    """``value`` for a CSV file a user may open in a spreadsheet (OWASP's CSV-injection rule).

    Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe, so no spreadsheet reads it as a formula; the CSV writer then quotes the field as
    CSV requires. Numbers (``-0.05`` as a float) and other values are returned unchanged.
    """
    if is_formula_text(value):
        return TEXT_MARK + value
    return value
