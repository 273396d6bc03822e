"""The entry point: parse ``python -m shockbook COMMAND ...`` and run the command.

Errors become one line on stderr and an exit status (see :mod:`shockbook.cli.common`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from ..errors import ShockbookError
from .common import EXIT_INPUT, EXIT_OK
from .registry import COMMANDS


class _OneLineParser(argparse.ArgumentParser):
    """argparse, with a malformed command line reported as one line (exit 2), like every other
    bad input, instead of the whole usage block; ``--help`` still prints the usage."""

    def error(self, message: str):
        self.exit(2, f"shockbook: error: {message}; see `{self.prog} --help`\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="python -m shockbook",
        description="shockbook: the DeepSeek-shock strategy report as a living Excel workbook.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in COMMANDS.items():
        module.configure(sub.add_parser(name, help=module.SUMMARY, description=module.SUMMARY))
        sub.choices[name].set_defaults(run=module.run)
    parser.commands = sub.choices  # so that an unknown flag is named with its command's --help
    return parser


def _tolerant_streams() -> None:
    """Never crash on a character the console cannot show (e.g. a cp949 or cp1252 pipe)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):  # not a text stream we can reconfigure
            pass


#: What to do about an OS error, by errno name.
_OS_HINTS = {
    "ENOSPC": "the disk is full; free some space and run again",
    "EDQUOT": "the disk quota is used up; free some space and run again",
    "EFBIG": "the file is larger than this system allows (a file-size limit, ulimit -f)",
    "EROFS": "the file system is read-only; pick another place",
    "EACCES": "permission denied; pick a folder you can write to",
    "EPERM": "not permitted; pick a folder you can write to",
    "ENOENT": "no such file or folder",
    "ENOTDIR": "a part of the path is not a folder",
    "EISDIR": "it is a folder",
}


def os_error_line(exc: OSError) -> str:
    """An OS error as one line: the file, what happened, what to do (nothing is left half-written:
    every file is written atomically)."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    what = _OS_HINTS.get(name) or (exc.strerror or str(exc))
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{what} ({exc.strerror or name}); nothing was written"


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_streams()
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        parser.commands[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.run(args)
    except ShockbookError as exc:
        sys.stderr.write(f"shockbook: error: {exc.one_line()}\n")
        return exc.exit_code
    except OSError as exc:  # the environment: a full disk, a read-only folder, a file-size limit
        if isinstance(exc, BrokenPipeError):
            return EXIT_OK
        sys.stderr.write(f"shockbook: error: {os_error_line(exc)}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("shockbook: interrupted\n")
        return 130
    except Exception as exc:  # a write failure lxml reports as its own error (IO_EFBIG, IO_ENOSPC)
        from ..fileio import as_os_error

        fault = as_os_error(exc)
        if fault is None:
            raise
    _collect_quietly()  # lxml's half-written streams, collected now, would repeat the error
    sys.stderr.write(f"shockbook: error: {os_error_line(fault)}\n")
    return EXIT_INPUT


def _collect_quietly() -> None:
    import gc

    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
