"""Limits on what shockbook reads, checked before anything is parsed.

A workbook from a colleague or the internet may be a zip bomb: a small ``.xlsm`` whose parts
expand to gigabytes (a sheet of a billion cells, one shared string of a gigabyte). A user file
may be far larger than any opinion list. Everything here is checked from sizes alone, so a
hostile file costs a directory read, never its expansion.

* :func:`check_package` -- a workbook package (zip), from its central directory: number of
  parts, each part's and the total uncompressed size, and each large part's compression ratio.
  Python's :mod:`zipfile` (which openpyxl and lxml readers go through) never returns more bytes
  for a part than the directory declares (it stops, and the CRC check fails), so the declared
  sizes bound what a reader can be made to hold.
* :func:`check_file_size` -- a user file (opinions, metrics, watchlist, universe list).

The limits are settings (``SHOCKBOOK_MAX_WORKBOOK_MB``, ``SHOCKBOOK_MAX_PART_MB``,
``SHOCKBOOK_MAX_PARTS``, ``SHOCKBOOK_MAX_ZIP_RATIO``, ``SHOCKBOOK_MAX_USER_FILE_MB``; see
:class:`shockbook.config.Settings` and the README's "Security" section). Over a limit:
:class:`~shockbook.errors.InputError` (one line, exit 2), before anything is written.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from .config import Settings
from .errors import InputError

MB = 1024 * 1024
#: Parts smaller than this are never refused for their ratio (small XML compresses very well).
RATIO_FLOOR = 1 * MB


def _mb(n: float) -> str:
    return f"{n / MB:,.1f} MB"


def check_package(path: str | os.PathLike, settings: Settings | None = None) -> None:
    """Refuse a workbook package whose directory exceeds the limits of ``settings``.

    Raises
    ------
    InputError
        Not a zip file; more parts than ``max_parts``; a part over ``max_part_mb`` or a total
        over ``max_workbook_mb`` uncompressed; a part over 1 MB that expands more than
        ``max_zip_ratio`` times. The message names the file, the part, the figure and the
        setting that raises the limit.
    """
    settings = settings or Settings.from_env()
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise InputError(f"{path} cannot be read as an Excel workbook ({why}); is it truncated or "
                         "another kind of file?", path=str(path)) from None
    where = f"{path.name} is refused before loading:"
    if len(infos) > settings.max_parts:
        raise InputError(f"{where} it has {len(infos):,} parts, over the limit of {settings.max_parts:,} "
                         "(SHOCKBOOK_MAX_PARTS)", path=str(path), argument="max_parts")
    total = 0
    for info in infos:
        size = info.file_size
        if size > settings.max_part_mb * MB:
            raise InputError(f"{where} part {info.filename[:60]} expands to {_mb(size)}, over the limit of "
                             f"{settings.max_part_mb:g} MB per part (SHOCKBOOK_MAX_PART_MB)",
                             path=str(path), argument="max_part_mb")
        if size > RATIO_FLOOR and size > settings.max_zip_ratio * max(info.compress_size, 1):
            ratio = size / max(info.compress_size, 1)
            raise InputError(f"{where} part {info.filename[:60]} expands {ratio:,.0f} times "
                             f"({_mb(info.compress_size)} to {_mb(size)}), over the limit of "
                             f"{settings.max_zip_ratio:g} (SHOCKBOOK_MAX_ZIP_RATIO)",
                             path=str(path), argument="max_zip_ratio")
        total += size
    if total > settings.max_workbook_mb * MB:
        raise InputError(f"{where} it expands to {_mb(total)}, over the limit of {settings.max_workbook_mb:g} MB "
                         "(SHOCKBOOK_MAX_WORKBOOK_MB)", path=str(path), argument="max_workbook_mb")


def file_size_problem(path: str | os.PathLike, settings: Settings | None = None) -> str | None:
    """Why a user file must not be read (``"is 20.0 MB, over the limit ..."``, or not a regular
    file such as ``/dev/zero``), or ``None`` (also for a missing file: the reader says so in its
    own words)."""
    import stat

    settings = settings or Settings.from_env()
    try:
        info = Path(path).stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):  # /dev/zero, a pipe: reading it might never end
        return "is not a regular file (a device, a pipe or a folder); give a text file"
    size = info.st_size
    if size > settings.max_user_file_mb * MB:
        return f"is {_mb(size)}, over the limit of {settings.max_user_file_mb:g} MB (SHOCKBOOK_MAX_USER_FILE_MB)"
    return None


def check_file_size(path: str | os.PathLike, what: str, settings: Settings | None = None) -> None:
    """Refuse a user file larger than ``max_user_file_mb`` (``what`` names it: "watchlist file").

    Raises
    ------
    InputError
        The file is over the limit (one line naming the file, its size and the setting).
    """
    problem = file_size_problem(path, settings)
    if problem:
        raise InputError(f"{what} {path} {problem}", path=str(path), argument="max_user_file_mb")
