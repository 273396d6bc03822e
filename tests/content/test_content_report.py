"""The report's facts file: what the defaults read, and a clear error when it is malformed."""

import datetime as dt

import pytest

from shockbook.content.report import report_facts
from shockbook.errors import ContentError

GOOD = """
event_date: "2025-01-27"
calendar_month: "2025-02"
watchlist: [nvda, "^GSPC"]
indices: {"^GSPC": "S&P 500"}
path_pairs: [[VST, CEG]]
"""


def test_the_shipped_file_describes_the_deepseek_shock():
    facts = report_facts()
    assert facts.event == dt.date(2025, 1, 27) and facts.calendar_month == "2025-02"
    assert facts.watchlist[:3] == ("NVDA", "AVGO", "VST") and len(facts.watchlist) == 23
    assert tuple(facts.indices) == ("^GSPC", "^IXIC", "^SOX", "^DJI")
    assert facts.path_tickers[:4] == ("VST", "CEG", "GEV", "GLW") and len(facts.path_pairs) == 6


def test_tickers_are_upper_case(tmp_path):
    path = tmp_path / "report.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert report_facts(path).watchlist == ("NVDA", "^GSPC")


@pytest.mark.parametrize(("old", "new", "field"), [
    ('event_date: "2025-01-27"', 'event_date: "27.01.2025"', "event_date"),
    ('calendar_month: "2025-02"', 'calendar_month: "2025-13"', "calendar_month"),
    ("watchlist: [nvda,", "watchlist: [ON, nvda,", "watchlist"),  # YAML reads ON as true
    ("path_pairs: [[VST, CEG]]", "path_pairs: [[VST]]", "path_pairs"),
])
def test_a_malformed_field_is_named(tmp_path, old, new, field):
    path = tmp_path / "report.yaml"
    path.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(ContentError, match=field) as info:
        report_facts(path)
    assert info.value.field == field
