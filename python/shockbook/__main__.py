"""``python -m shockbook``: see :mod:`shockbook.cli`."""

from .cli import main

raise SystemExit(main())
