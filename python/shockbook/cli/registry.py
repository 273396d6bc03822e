"""The commands, listed once: name -> the module that configures and runs it.

Every command module has ``SUMMARY`` (one line for ``--help``), ``configure(parser)`` (its
arguments) and ``run(args) -> exit status``. A new command is a new module here and one line in
:data:`COMMANDS` (the model: pip's ``commands/__init__.py``).
"""

from __future__ import annotations

from types import ModuleType

from . import bench, build, calendar, content, dip, event, prices, refresh, snapshot

#: ``python -m shockbook COMMAND``, in the order ``--help`` lists them.
COMMANDS: dict[str, ModuleType] = {
    "prices": prices,
    "snapshot": snapshot,
    "bench": bench,
    "event": event,
    "dip": dip,
    "content": content,
    "calendar": calendar,
    "build": build,
    "refresh": refresh,
}
