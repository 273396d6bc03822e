"""shockbook's Excel worksheet functions (xlwings UDFs, Windows).

List this module under "UDF Modules" (``shockbook.excel.udfs``) on the workbook's
``xlwings.conf`` sheet and click "Import Functions" in the xlwings ribbon. Every function
follows the conventions of :mod:`shockbook.excel.convert`: ``SB_`` names, help text from
the docstring, declared argument parsing, errors as ``#SB! ...`` cell texts, tables that
spill with a header row.
"""

from __future__ import annotations

import numpy as np

from ..analytics.constants import REBASE_LEVEL
from ..errors import InputError
from .convert import NUMBER, NUMBERS, udf


@udf(args={"values": NUMBERS, "base": NUMBER})
def SB_REBASE(values, base=REBASE_LEVEL):
    """Rebase each series so that it starts at base (100 unless given).

    A single row is one series running left to right; otherwise each column is a series
    running down. Every value is divided by the first non-empty value of its series and
    multiplied by base. Empty cells and #N/A are gaps and stay empty.

    Parameters
    ----------
    values : range of numbers
        Prices or index levels, oldest first: one row, one column, or one series per column.
    base : number, optional
        The level every series starts at; 100 if omitted or empty.

    Returns
    -------
    array
        Same shape as values (unitless levels); gaps and all-empty series stay empty.

    Raises
    ------
    InputError
        A series whose first value is 0; text, dates or error cells other than #N/A.
    """
    return _rebased(values, base)


def _rebased(block: np.ndarray, base: float) -> np.ndarray:
    """Pure rebasing of a 2-D float block (NaN = gap); see :func:`SB_REBASE`.

    Unlike ``analytics.paths.rebased_paths`` (base = a dated session), a bare range has no
    dates, so each series is rebased to its first non-empty value.
    """
    series = block.T if block.shape[0] == 1 else block  # one series per column
    out = np.full(series.shape, np.nan)
    for col in range(series.shape[1]):
        column = series[:, col]
        filled = np.flatnonzero(~np.isnan(column))
        if filled.size == 0:
            continue
        first = column[filled[0]]
        if first == 0:
            where = "values" if series.shape[1] == 1 else f"column {col + 1} of values"
            raise InputError(f"{where} starts at 0 and cannot be rebased", column=col + 1)
        out[:, col] = column / first * base
    return out.T if block.shape[0] == 1 else out
