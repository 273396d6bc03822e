"""The fake Yahoo itself: routing stays on loopback, answers have Yahoo's shapes."""

from __future__ import annotations

import pytest


def test_other_hosts_fail_tls_and_never_leave_loopback(fake_yahoo):
    session = fake_yahoo.session()

    with pytest.raises(Exception, match="(?i)certificate|SSL"):
        session.get("https://example.com/", timeout=2)


def test_chart_honours_period_and_serves_adjclose(fake_yahoo):
    # 2025-01-24 00:00 and 2025-01-28 00:00 New York, in epoch seconds
    answer = fake_yahoo.session().get(
        "https://query2.finance.yahoo.com/v8/finance/chart/NVDA",
        params={"period1": 1737694800, "period2": 1738040400, "interval": "1d"}, timeout=2,
    ).json()

    result = answer["chart"]["result"][0]
    assert result["meta"]["exchangeTimezoneName"] == "America/New_York"
    assert result["timestamp"] == [1737729000, 1737988200]  # 09:30 New York on 1/24 and 1/27
    assert result["indicators"]["adjclose"][0]["adjclose"] == [142.581, 118.3876]
    assert fake_yahoo.requests == [("/v8/finance/chart/NVDA", "NVDA")]


def test_unknown_symbol_gets_yahoos_404_body(fake_yahoo):
    response = fake_yahoo.session().get("https://query2.finance.yahoo.com/v8/finance/chart/NOSUCH",
                                        params={"range": "1d", "interval": "1d"}, timeout=2)

    assert response.status_code == 404
    assert response.json()["chart"]["error"]["code"] == "Not Found"


def test_faults_are_consumed_then_normal_answers_resume(fake_yahoo):
    session = fake_yahoo.session()
    url = "https://query2.finance.yahoo.com/v8/finance/chart/AMD"
    fake_yahoo.fail("AMD", "429", times=1)

    statuses = [session.get(url, params={"range": "1d"}, timeout=2).status_code for _ in range(2)]

    assert statuses == [429, 200]
    assert fake_yahoo.counts() == {"AMD": 2}


@pytest.mark.parametrize("kind, times", [("teapot", 1), ("429", 0)])
def test_fail_rejects_bad_arguments(fake_yahoo, kind, times):
    with pytest.raises(ValueError):
        fake_yahoo.fail("AMD", kind, times=times)
