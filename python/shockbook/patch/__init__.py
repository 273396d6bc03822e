"""Refresh a saved workbook by patching its package: only the ranges the layout owns change.

* :mod:`.package` -- the ``.xlsm`` as the zip it is: parts, relationships, content types, an
  atomic write that keeps every part it was not asked to change byte for byte;
* :mod:`.sheetxml` -- one worksheet part: read and write cells of its ``sheetData`` in place;
* :mod:`.writer` -- :class:`~.writer.PackageWriter`, the refresh engine's third writer (beside
  openpyxl for new books and xlwings for live Excel), and :func:`~.writer.refresh_package`.
"""
