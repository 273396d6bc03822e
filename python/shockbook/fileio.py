"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one step.

    The temporary file lives in the same folder (so :func:`os.replace` is atomic on the same
    file system) and is removed if the block raises. Use it for writers that want a path
    (openpyxl, pandas ``to_parquet``). ``suffix`` ends the temporary name (some writers pick
    the format by extension). The result gets the mode of the file it replaces, or the
    default one for a new file (``mkstemp`` alone would leave it readable by its owner only).
    A symbolic link is written through: the file it points to is replaced, the link stays.
    """
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    tmp_path = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
        os.close(fd)
        tmp_path = Path(tmp)
        yield tmp_path
        with open(tmp_path, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp_path, target.stat().st_mode & 0o7777 if target.exists() else _default_mode())
        os.replace(tmp_path, target)
    except OSError as exc:  # a full disk, a read-only folder, a file-size limit: named by the target
        raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from None
    except Exception as exc:
        raise as_os_error(exc, target) or exc
    finally:
        if tmp_path is not None and tmp_path.exists():
            tmp_path.unlink()


def as_os_error(exc: Exception, target: Path | None = None) -> OSError | None:
    """The :class:`OSError` an exception stands for, or ``None``: lxml reports a failed write
    (a full disk, a file-size limit) as ``SerialisationError('IO_EFBIG')``."""
    import errno

    code = getattr(errno, str(exc)[3:], None) if str(exc).startswith("IO_E") else None
    if code is None:
        return None
    return OSError(code, os.strerror(code), None if target is None else str(target))


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", **kwargs) -> Iterator[IO]:
    """Like :func:`open` for writing, but the file appears only when the block succeeds."""
    with atomic_path(path) as tmp:
        with open(tmp, mode, **kwargs) as fh:
            yield fh
