"""shockbook: a sell-side event study (the DeepSeek shock of 2025-01-27) as a living Excel workbook.

Three ways in over one engine: xlwings UDFs (:mod:`shockbook.excel.udfs`), refresh macros
(:mod:`shockbook.excel.macros`) and a headless build (``python -m shockbook build``).
"""

__version__ = "0.1.0"
