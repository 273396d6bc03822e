"""The command line: ``python -m shockbook <command> ...``.

A thin adapter like the UDFs and macros: it parses arguments into :class:`Settings`, calls the
tables layer, prints a table (``table``, ``csv`` or ``json``), and turns errors into one line on
stderr and an exit status (:data:`EXIT_OK` 0, :data:`EXIT_PARTIAL` 1, :data:`EXIT_INPUT` 2,
:data:`EXIT_NODATA` 3).

* :mod:`~shockbook.cli.main` -- the parser and :func:`main`;
* :mod:`~shockbook.cli.registry` -- the commands, one module each (``prices``, ``snapshot``,
  ``event``, ``content``, ``calendar``, ``build``, ``refresh``, ``bench``);
* :mod:`~shockbook.cli.common` -- options, printing and error lines shared by the commands.
"""

from .common import EXIT_INPUT, EXIT_NODATA, EXIT_OK, EXIT_PARTIAL
from .main import main

__all__ = ["EXIT_INPUT", "EXIT_NODATA", "EXIT_OK", "EXIT_PARTIAL", "main"]
