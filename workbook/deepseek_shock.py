"""xlwings "Run main" for deepseek_shock.xlsm: refresh every table of the workbook.

xlwings imports the module named after the workbook, from the workbook's folder, and
calls main(). The work is done by the shockbook package (installed in the interpreter
set on the xlwings.conf sheet); this file only hands over.
"""

from shockbook.excel.macros import refresh_all


def main():
    refresh_all()


if __name__ == "__main__":
    import xlwings as xw

    xw.Book("deepseek_shock.xlsm").set_mock_caller()
    main()
