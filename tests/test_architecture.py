"""The package's shape: adapters stand on the engine and never import each other.

Imports are read from the source with :mod:`ast` (module level and inside functions), so a
lazy import counts as much as a top-level one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "python" / "shockbook"


def imported_modules(path: Path) -> set[str]:
    """Absolute module names ``path`` imports (relative imports resolved against its package)."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            out.add(stem)
            out.update(f"{stem}.{alias.name}" for alias in node.names)
    return out


def modules_under(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def imports_from(paths: list[Path], prefix: str) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        bad = sorted(m for m in imported_modules(path) if m == prefix or m.startswith(prefix + "."))
        if bad:
            found[str(path.relative_to(PACKAGE))] = bad
    return found


@pytest.mark.parametrize("library", ["openpyxl", "xlwings"])
def test_the_engine_imports_no_excel_library(library):
    assert imports_from(modules_under("workbook"), library) == {}


@pytest.mark.parametrize("folder, forbidden", [
    ("excel", "shockbook.template"),     # the xlwings adapter does not stand on the openpyxl writer
    ("template", "shockbook.excel"),     # nor the openpyxl writer on the xlwings adapter
    ("workbook", "shockbook.excel"),     # the engine imports no adapter
    ("workbook", "shockbook.template"),
    ("analytics", "shockbook.data"),     # pure analytics do no I/O
    ("patch", "shockbook.template"),     # the package patcher stands on the engine alone
    ("patch", "shockbook.excel"),
    ("template", "shockbook.patch"),
    ("excel", "shockbook.patch"),
    ("workbook", "shockbook.patch"),
])
def test_layers_do_not_import_across(folder, forbidden):
    assert imports_from(modules_under(folder), forbidden) == {}


def test_the_checker_sees_a_forbidden_import():
    """The check above can fail: a module importing the openpyxl writer is caught."""
    fake = PACKAGE / "excel" / "macros.py"
    names = imported_modules(fake)
    assert "shockbook.workbook.engine" in names  # relative imports are resolved
    assert imports_from([fake], "shockbook.workbook") != {}


def test_every_command_module_is_registered_and_complete():
    """One module per command, each listed once in the registry with its summary, arguments and run."""
    from shockbook.cli.registry import COMMANDS

    helpers = {"__init__", "common", "main", "outcome", "registry"}
    modules = {p.stem for p in (PACKAGE / "cli").glob("*.py")} - helpers
    assert {m.__name__.rsplit(".", 1)[1] for m in COMMANDS.values()} == modules
    for module in COMMANDS.values():
        assert module.SUMMARY and callable(module.configure) and callable(module.run)


def test_the_cli_holds_no_table_logic():
    """The CLI calls the tables layer; it does not call analytics itself."""
    assert imports_from(sorted((PACKAGE / "cli").glob("*.py")), "shockbook.analytics") == {}


def test_errors_name_the_bad_argument_one_way():
    """``argument=`` names a bad argument or setting; ``key=`` and ``param=`` are not used."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                fn = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if fn.endswith("Error"):
                    found += [f"{path.name}:{node.lineno} {kw.arg}=" for kw in node.keywords
                              if kw.arg in ("key", "param", "arg", "parameter")]
    assert found == []


def test_no_layer_passes_context_in_dataframe_attrs():
    """Tables return typed results (:mod:`shockbook.tables.result`); ``DataFrame.attrs`` is no
    contract between layers."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "attrs":
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert found == []
