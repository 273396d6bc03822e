"""The UDF examples sheet runs: every ``SB_`` function has an example with real arguments, and
each example's formula, evaluated through the UDFs the way Excel calls them (xlharness), gives
the expected result the build wrote next to it (read back with python-calamine)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from xlharness import MISSING, call_like_excel, excel_range, udf_module

from shockbook.workbook import layout as L
from shockbook.workbook.examples import EXAMPLES, NETWORK_ONLY, Setting
from shockbook.workbook.i18n import label

from test_build import _table

_ADDRESS = re.compile(r"^'(?P<sheet>[^']+)'!\$(?P<col>[A-Z]+)\$(?P<row>\d+)$")


@pytest.fixture
def udf_env(monkeypatch, built, prices_path, constituents_path):
    """The build's settings for the UDF calls (offline, same snapshot, universe and cache)."""
    monkeypatch.setenv("SHOCKBOOK_OFFLINE", "1")
    monkeypatch.setenv("SHOCKBOOK_SNAPSHOT", str(prices_path))
    monkeypatch.setenv("SHOCKBOOK_UNIVERSE_FILE", str(constituents_path))
    monkeypatch.setenv("SHOCKBOOK_CACHE_DIR", str(built.parent / "cache"))
    return udf_module("shockbook.excel.udfs")


def _cell(values, address: str):
    """The value of a cell named by an absolute A1 address with its (quoted) sheet."""
    found = _ADDRESS.match(address)
    assert found, address
    row, col = L.cell_position(f"{found['col']}{found['row']}")
    return values[found["sheet"]][row - 1][col - 1]


def _excel_arg(arg, values, lang):
    if arg is None:
        return MISSING
    if isinstance(arg, Setting):  # an empty cell reaches a UDF as None (calamine reads "")
        value = _cell(values, arg.address(lang))
        return None if value == "" else value
    if isinstance(arg, tuple):
        return excel_range([list(a) for a in arg] if arg and isinstance(arg[0], tuple) else [list(arg)])
    return arg


def _picked(result, row, column):
    if row is None:
        return result[0][0]
    if isinstance(column, int):
        return result[row][column]
    header = result[0]
    assert column in header, (column, header)
    return result[1 + row][header.index(column)]


def test_every_udf_has_an_example_with_arguments(built_values, udf_env):
    _, rows = _table(built_values, "sb_examples")
    functions = {n for n in dir(udf_env) if n.startswith("SB_")}
    assert {re.match(r"=(SB_\w+)\(", r["formula"])[1] for r in rows} == functions
    assert not [r["formula"] for r in rows if r["formula"].endswith("()")]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.function for e in EXAMPLES])
def test_each_example_formula_gives_the_expected_result_shown_next_to_it(built_values, udf_env, example):
    _, rows = _table(built_values, "sb_examples")
    row = next(r for r in rows if r["formula"].startswith(f"={example.function}("))
    assert row["formula"] == example.formula("ko")
    shown = row["expected"]
    args = [_excel_arg(a, built_values, "ko") for a in example.args]
    result = call_like_excel(getattr(udf_env, example.function), *args)
    from shockbook.config import Settings
    from shockbook.workbook.examples import resolve
    from shockbook.workbook.producers import make_context

    if example.network and shown == label(NETWORK_ONLY, "ko"):
        # the distinct state of a function that needs the network: offline, the formula really
        # cannot answer (its error says why), and the sheet says so plainly instead of the error
        (got,) = result[0][:1]
        assert isinstance(got, str) and got.startswith("#SB!") and "offline" in got, got
        return
    assert not (isinstance(shown, str) and shown.startswith("#SB!")), (example.function, shown)
    ctx = make_context(Settings.from_env(), lang="ko")
    where_row, where_col, _ = example.expect(ctx, resolve(example.args, ctx))
    got = _picked(result, where_row, where_col)
    if isinstance(got, dt.datetime):  # a date cell: calamine reads a date, Excel's serial has no time
        assert str(shown)[:10] == got.date().isoformat(), example.function
    elif isinstance(shown, float):
        assert got == pytest.approx(shown, rel=1e-12), example.function
    else:
        assert str(got) == str(shown), example.function


def test_the_settings_cells_the_examples_name_hold_the_settings(built_values):
    sheet = label(L.sheet("settings").title_key, "ko")
    for key, expected in (("event_date", "2025-01-27"), ("lang", "ko"), ("calendar_month", "2025-02")):
        address = Setting(key).address("ko")
        assert address.startswith(f"'{sheet}'!")
        assert str(_cell(built_values, address)) == expected


def test_no_expected_result_is_an_error_and_only_network_functions_wait_for_the_network(built_values):
    # an offline build showed "#SB! Yahoo Finance cannot be reached ..." as two examples' results
    _, rows = _table(built_values, "sb_examples")
    shown = {re.match(r"=(SB_\w+)\(", r["formula"])[1]: r["expected"] for r in rows}
    assert not [f for f, v in shown.items() if isinstance(v, str) and v.startswith("#SB!")]
    waiting = {f for f, v in shown.items() if v == label(NETWORK_ONLY, "ko")}
    assert waiting == {e.function for e in EXAMPLES if e.network} == {"SB_EPS_SURPRISE"}
    # the report's calendar answers the next earnings date after the event, offline
    assert str(shown["SB_NEXT_EARNINGS"])[:10] == "2025-02-26"


def test_the_network_message_is_in_each_books_language():
    assert re.search(r"[\uac00-\ud7a3]", label(NETWORK_ONLY, "ko"))
    assert not re.search(r"[\uac00-\ud7a3]", label(NETWORK_ONLY, "en")) and "network" in label(NETWORK_ONLY, "en")


@pytest.fixture
def live_udfs(monkeypatch, tmp_path, prices_path):
    """The UDFs online, as an office user runs them: the real yfinance client reaches the fake
    Yahoo on 127.0.0.1 through a loopback CONNECT proxy, trusting the fake's CA."""
    from shockbook.testing import ConnectProxy, FakeYahoo

    with FakeYahoo(prices_path) as fake, ConnectProxy(fake.port) as proxy:
        monkeypatch.delenv("SHOCKBOOK_OFFLINE", raising=False)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        monkeypatch.setenv("SHOCKBOOK_CA_BUNDLE", str(fake.ca_path))
        monkeypatch.setenv("SHOCKBOOK_SNAPSHOT", str(prices_path))
        monkeypatch.setenv("SHOCKBOOK_CACHE_DIR", str(tmp_path / "cache"))
        yield fake, udf_module("shockbook.excel.udfs")


def test_the_earnings_examples_show_the_real_value_online(live_udfs, built_values):
    """Online the same example formulas answer from Yahoo: the network example's value (which
    the offline book says waits for the network) and the next earnings date."""
    fake, udfs = live_udfs
    fake.set_earnings("MSFT", [{"date": "2025-01-29", "time": "AMC", "eps_estimate": 3.11, "eps_reported": 3.23,
                                "surprise_pct": 3.86}])
    for example in EXAMPLES:
        if example.function not in ("SB_EPS_SURPRISE", "SB_NEXT_EARNINGS"):
            continue
        args = [_excel_arg(a, built_values, "ko") for a in example.args]
        (got,) = call_like_excel(getattr(udfs, example.function), *args)[0][:1]
        if example.function == "SB_EPS_SURPRISE":
            assert got == pytest.approx(0.0386), got  # Yahoo's surprise, 3.86%
        else:  # the fake serves the report dates of earnings_feb2025.csv: NVDA on 2025-02-26
            assert isinstance(got, dt.datetime) and got.date() == dt.date(2025, 2, 26), got
    asked = {ticker for path, ticker in fake.requests if "earnings" in path}
    assert {"MSFT", "NVDA"} <= asked, fake.requests  # both answered by the (fake) network
