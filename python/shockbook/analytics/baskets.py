"""Equal-weighted baskets of tickers (e.g. "AI infrastructure" vs "AI usage") and their spread."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ..errors import InputError


def _check_membership(membership: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    if not isinstance(membership, Mapping) or not membership:
        raise InputError("membership must be a non-empty mapping of basket name -> tickers",
                         argument="membership")
    out = {}
    for basket, members in membership.items():
        if isinstance(members, str):
            raise InputError(f"basket {basket!r} must list tickers, not the single string "
                             f"{members!r}", argument="membership", name=basket)
        members = list(dict.fromkeys(members))  # keep order, drop repeats
        if not members:
            raise InputError(f"basket {basket!r} has no members", argument="membership", name=basket)
        out[basket] = members
    return out


def basket_returns(returns: pd.Series | pd.DataFrame,
                   membership: Mapping[str, Iterable[str]]) -> pd.DataFrame:
    """Equal-weighted mean return of each basket over the members that have a return.

    .. math:: R_B = \\frac{1}{|B^*|} \\sum_{i \\in B^*} R_i,
              \\quad B^* = \\{ i \\in B : R_i \\text{ is not NaN} \\}

    Applied to period returns (one per ticker), this is an equal-weighted buy-and-hold
    basket: each member's whole-period return weighs the same, with no rebalancing inside the
    period. Applied to a frame of session returns, it is a basket rebalanced to equal
    weights every session (the two differ over multi-session periods).

    Parameters
    ----------
    returns : pandas.Series or pandas.DataFrame
        One return per ticker (fractions), or sessions x tickers.
    membership : mapping of str -> list of str
        Basket name -> member tickers. Members unknown to ``returns`` count as missing.

    Returns
    -------
    pandas.DataFrame
        For a Series: index ``basket``; columns ``return`` (fraction, NaN when no member has a
        return), ``members`` (listed), ``used`` (members with a return) and ``missing`` (the
        members without one, comma-separated, "" if none).
        For a frame: sessions x baskets of equal-weighted returns (NaN where no member has a
        return that session).

    Raises
    ------
    InputError
        ``membership`` is empty, a basket has no members, or a basket is given as one string.
    """
    baskets = _check_membership(membership)
    if isinstance(returns, pd.DataFrame):
        out = {}
        for basket, members in baskets.items():  # one vectorised mean per basket
            out[basket] = returns.reindex(columns=members).astype("float64").mean(axis=1, skipna=True)
        frame = pd.DataFrame(out, index=returns.index.copy())
        frame.columns.name = "basket"
        return frame
    if not isinstance(returns, pd.Series):
        raise InputError("returns must be a Series (one return per ticker) or a DataFrame",
                         argument="returns")
    rows = []
    for basket, members in baskets.items():
        values = returns.reindex(members).astype("float64")
        present = values.notna().to_numpy()
        missing = [m for m, ok in zip(members, present, strict=True) if not ok]
        rows.append({
            "basket": basket,
            "return": float(values.mean(skipna=True)) if present.any() else np.nan,
            "members": len(members),
            "used": int(present.sum()),
            "missing": ", ".join(map(str, missing)),
        })
    return pd.DataFrame(rows).set_index("basket")


def basket_spread(a, b):
    """Return of basket ``a`` minus return of basket ``b`` (long ``a``, short ``b``).

    Parameters
    ----------
    a, b : float, pandas.Series or pandas.DataFrame column
        Basket returns as fractions (e.g. ``basket_returns(...)["return"]["AI infra"]``, or
        two session-return series from the frame form).

    Returns
    -------
    float or pandas.Series
        :math:`R_a - R_b`, in fraction points; NaN where either side is NaN. Series are
        aligned on their index (dates missing on one side give NaN).
    """
    if isinstance(a, pd.DataFrame) or isinstance(b, pd.DataFrame):
        raise InputError("basket_spread takes two returns or two return series, not frames",
                         argument="a, b")
    if isinstance(a, pd.Series) or isinstance(b, pd.Series):
        out = a - b
        if isinstance(out, pd.Series):
            out.name = "spread"
        return out
    return float(a) - float(b)
