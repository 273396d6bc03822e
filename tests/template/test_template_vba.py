"""The VBA kept as data: the shipped module, RunPython commands, the xlwings reference record."""

from __future__ import annotations

import struct

import pytest
from pyopenvba import ExcelFile

from shockbook.errors import InputError
from shockbook.template.vba import (
    MACROS_MODULE,
    XLWINGS_PROJECT,
    add_xlwings_reference,
    load_module,
    module_from_source,
    modules_offset,
    parse_runpython,
    project_reference_record,
    project_version,
)

# --- the shipped module ----------------------------------------------------------------------


def test_shipped_module_defines_the_two_refresh_macros():
    module = load_module(MACROS_MODULE)
    assert module.name == "ShockbookMacros"
    assert module.procedures == ["RefreshAll", "RefreshActiveSheet"]


def test_shipped_module_calls_the_macros_adapter_through_runpython():
    calls = load_module().runpython_calls
    assert [(c.module, c.function) for c in calls] == [
        ("shockbook.excel.macros", "refresh_all"),
        ("shockbook.excel.macros", "refresh_active_sheet"),
    ]
    assert calls[0].command == "import shockbook.excel.macros as m; m.refresh_all()"


def test_shipped_module_is_ascii_with_crlf_line_ends():
    source = load_module().source
    assert source.isascii()
    assert "\n" not in source.replace("\r\n", "")


def test_unknown_module_lists_the_shipped_ones():
    with pytest.raises(InputError, match="ShockbookMacros") as caught:
        load_module("NoSuchModule")
    assert caught.value.valid == ["ShockbookMacros"]


# --- RunPython commands ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "module", "function"),
    [
        ("import shockbook.excel.macros as m; m.refresh_all()", "shockbook.excel.macros", "refresh_all"),
        ("import hello; hello.world()", "hello", "world"),
        ("import a.b; a.b.c()", "a.b", "c"),
        ("  import x as y ;  y.z()  ", "x", "z"),
    ],
)
def test_runpython_command_is_parsed(command, module, function):
    call = parse_runpython(command)
    assert (call.module, call.function) == (module, function)


@pytest.mark.parametrize(
    "command",
    [
        "",
        "import m",  # no call
        "m.refresh_all()",  # no import
        "import shockbook.excel.macros as m; x.refresh_all()",  # calls what it did not import
        "import m; m.refresh_all(1)",  # arguments: RunPython cannot pass them reliably
        "import m; m.refresh_all(); m.other()",  # two calls
        "import os; os.system('calc')",  # not a bare call
    ],
)
def test_malformed_runpython_command_is_refused(command):
    with pytest.raises(InputError, match="RunPython command"):
        parse_runpython(command)


# --- modules from source ---------------------------------------------------------------------

GOOD = 'Attribute VB_Name = "Tools"\nPublic Sub Go()\n    RunPython "import t; t.go()"\nEnd Sub\n'


def test_module_from_source_takes_its_name_and_uses_crlf():
    module = module_from_source(GOOD)
    assert module.name == "Tools"
    assert module.procedures == ["Go"]
    assert module.source.count("\r\n") == 4


def test_vba_doubled_quotes_are_undone_before_parsing():
    source = 'Attribute VB_Name = "Q"\nSub A()\n    RunPython "import t; t.go()"\nEnd Sub\n'
    assert module_from_source(source).runpython_calls[0].command == "import t; t.go()"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Sub Go()\nEnd Sub\n", "VB_Name"),
        ('Attribute VB_Name = "K"\n\' 새로고침\nSub Go()\nEnd Sub\n', "line 2"),
        ('Attribute VB_Name = "B"\nSub Go()\n    RunPython "import t"\nEnd Sub\n', "RunPython command"),
    ],
    ids=["no-name", "korean-in-vba", "bad-runpython"],
)
def test_bad_module_source_is_refused_at_build_time(source, message):
    with pytest.raises(InputError, match=message):
        module_from_source(source, origin="test.bas")


# --- the xlwings project reference -----------------------------------------------------------


def test_project_reference_record_layout():
    raw = project_reference_record("xlwings", r"C:\x.xlam", "x.xlam", version=(7, 3))
    # REFERENCENAME (0x16) with the name, its Unicode twin (0x3E), then REFERENCEPROJECT (0x0E).
    assert raw[:2] == b"\x16\x00" and raw[6:13] == b"xlwings"
    assert raw[13:15] == b"\x3e\x00" and raw[19:33] == "xlwings".encode("utf-16-le")
    record_id, size = struct.unpack_from("<HI", raw, 33)
    body = raw[39:]
    assert record_id == 0x0E and size == len(body)
    assert body == (struct.pack("<I", 12) + rb"*\CC:\x.xlam" + struct.pack("<I", 9) + rb"*\Cx.xlam"
                    + struct.pack("<IH", 7, 3))


def test_xlwings_reference_survives_a_save_and_is_added_once(tmp_path):
    path = tmp_path / "ref.xlsm"
    with ExcelFile.create_new(path) as book:
        project = book.vba_project()
        add_xlwings_reference(project)
        add_xlwings_reference(project)  # no-op the second time
        book.save()
    with ExcelFile(path) as book:
        found = [r for r in book.references() if r.name == XLWINGS_PROJECT]
        offset = modules_offset(book.vba_project().dir_raw)
    assert len(found) == 1
    assert found[0].kind == "project"
    assert found[0].libid_secondary == r"*\Cxlwings.xlam"
    assert offset > 0


def test_project_version_reads_the_projectversion_record():
    raw = struct.pack("<HIIH", 0x0009, 4, 0x6B4FEF4C, 8) + struct.pack("<HI", 0x000F, 2) + b"\x00\x00"
    assert project_version(raw) == (0x6B4FEF4C, 8)
    assert modules_offset(raw) == 12
