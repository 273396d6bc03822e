"""The entry point: parse ``python -m shockbook COMMAND ...`` and run the command.

Errors become one line on stderr and an exit status (see :mod:`shockbook.cli.common`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from ..errors import ShockbookError
from .common import EXIT_OK
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
    except KeyboardInterrupt:
        sys.stderr.write("shockbook: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
