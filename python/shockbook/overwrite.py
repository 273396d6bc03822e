"""No surprise overwrites: a command replaces only a file that is its own output.

* ``build --out F``: F must not exist (``--force`` starts over; ``refresh`` keeps edits);
* ``refresh --workbook A``: rewrites A in place -- that is its job;
* ``refresh --workbook A --out B``: B must not exist, or be A itself (``--force`` replaces it);
  checked by :func:`shockbook.patch.target.check_target`, which also refuses a read-only B and
  one open in Excel or LibreOffice;
* ``snapshot --out F``: F must not exist (``--force`` replaces it): :func:`check_target` here.

Checked before any work, so a refusal is one line (exit 2) and nothing is written.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """True when ``a`` and ``b`` name one file (links and relative paths resolved)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def check_target(path: str | os.PathLike, *, force: bool, option: str = "--out",
                 own: str | os.PathLike | None = None, hint: str = "") -> Path:
    """``path`` if a command may write it: it does not exist, it is ``own`` (the file the command
    updates in place), or ``force`` is given.

    Raises
    ------
    InputError
        ``path`` is a folder, or an existing file that is not ``own`` and no ``force``; the
        message says how to go on (``hint``, then "pass --force to replace it").
    """
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{option} {target} is a folder; name the file to write", path=str(target))
    if not target.exists() and not target.is_symlink():
        return target
    if own is not None and same_file(target, own):
        return target
    if force:
        return target
    how = f"{hint}, or pass --force to replace it" if hint else "pass --force to replace it"
    raise InputError(f"{option} {target} already exists and is not this command's own output; {how}",
                     path=str(target), argument=option)
