"""The workbook's engine, independent of any Excel library.

* :mod:`~shockbook.workbook.layout` -- the one declarative layout (sheets, blocks, columns, charts);
* :mod:`~shockbook.workbook.producers` -- one producer per block, over the tables layer;
* :mod:`~shockbook.workbook.engine` -- the block runner, the ``BookWriter`` protocol and the
  Settings read-back;
* :mod:`~shockbook.workbook.i18n` -- the sheet texts in Korean and English.

The writers are adapters of this package: ``shockbook.template`` (openpyxl, new books and the
headless refresh) and ``shockbook.excel.macros`` (xlwings, a live workbook).
"""
