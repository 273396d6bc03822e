"""Whether a refresh may write its result over a file: the checks made before anything is done.

A refresh replaces its target in one step (:func:`shockbook.fileio.atomic_path`), which the
operating system allows even where the user would not want it. :func:`check_target` refuses:

* a target that is another workbook already there (``--out`` naming an existing file), unless
  ``force``: it would be replaced as a whole;
* a read-only target: the user protected it from being saved over (Excel refuses too);
* a target open in Excel (its owner file ``~$NAME`` is beside it) or LibreOffice
  (``.~lock.NAME#``): the program holding it would save over the refresh, or on Windows the
  replace fails half-way through the job.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError

#: The lock files Excel (its "owner file") and LibreOffice put beside a workbook they hold open.
LOCK_NAMES = ("~${name}", ".~lock.{name}#")


def lock_file(path: Path) -> Path | None:
    """The lock file beside ``path`` saying another program has it open, or ``None``."""
    for pattern in LOCK_NAMES:
        lock = path.with_name(pattern.format(name=path.name))
        if lock.exists():
            return lock
    return None


def check_target(source: Path, target: Path, *, force: bool = False) -> None:
    """Refuse (:class:`InputError`, one line) to write a refresh of ``source`` over ``target``.

    ``source`` and ``target`` may be the same file (an in-place refresh). Nothing is written.
    """
    source, target = Path(source), Path(target)
    if not target.exists():
        return
    same = source.exists() and os.path.samefile(source, target)
    if not same and not force:
        raise InputError(f"{target} already exists and --out would replace it; pick another name, or add "
                         "--force to replace it; nothing was written", path=str(target))
    if target.is_file() and (not target.stat().st_mode & 0o222 or not os.access(target, os.W_OK)):
        raise InputError(f"{target} is read-only; make it writable, or refresh it to another file with --out; "
                         "nothing was written", path=str(target))
    lock = lock_file(target)
    if lock is not None:
        raise InputError(f"{target} is open in another program (its lock file {lock.name} is beside it); close "
                         "it and refresh again (or delete the lock file if nothing has it open), or use the "
                         "refresh buttons in Excel; nothing was written", path=str(target))
