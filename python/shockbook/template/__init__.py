"""The headless workbook build: layout, openpyxl writer, and the macro-enabled package.

:func:`save_xlsm` turns an openpyxl workbook into a real ``.xlsm`` with the refresh macros
(``vba/ShockbookMacros.bas``), the VBA reference to the xlwings add-in and Form Control buttons.
"""

from shockbook.template.buttons import ButtonSpec
from shockbook.template.vba import RunPythonCall, VbaModule, load_module, module_from_source
from shockbook.template.xlsm import save_xlsm

__all__ = ["ButtonSpec", "RunPythonCall", "VbaModule", "load_module", "module_from_source", "save_xlsm"]
