"""The Excel adapters: worksheet functions (UDFs) and their shared conventions.

:mod:`shockbook.excel.convert` holds the conventions every UDF follows (argument parsing,
the error boundary, table shaping); :mod:`shockbook.excel.udfs` holds the ``SB_*``
functions themselves and is the module to list under "UDF Modules" in ``xlwings.conf``.
"""
