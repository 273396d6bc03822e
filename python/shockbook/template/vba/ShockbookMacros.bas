Attribute VB_Name = "ShockbookMacros"
Option Explicit

' Refresh entry points of the shockbook workbook.
'
' Each macro hands over to Python through the xlwings add-in: RunPython lives
' in the add-in's VBA project (named xlwings), which this workbook's VBA
' project references (Tools > References > xlwings). Install the add-in once
' with xlwings addin install. The Python side is shockbook.excel.macros.
'
' Keep this file ASCII: VBA stores module source in code page 1252.

' Recompute every table of the workbook from the cache (or the network).
Public Sub RefreshAll()
    RunPython "import shockbook.excel.macros as m; m.refresh_all()"
End Sub

' Recompute only the tables on the sheet the user is looking at.
Public Sub RefreshActiveSheet()
    RunPython "import shockbook.excel.macros as m; m.refresh_active_sheet()"
End Sub
